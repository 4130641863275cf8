"""Every audited action has a name on the audit page (no raw codes shown to users)."""
import re
from pathlib import Path

from spotcheck.platform.web.labels import ACTION_LABELS


def test_every_audited_action_has_a_label():
    root = Path(__file__).resolve().parents[1] / "spotcheck"
    actions = set()
    for path in root.rglob("*.py"):
        actions |= set(re.findall(r'audit\.record\(\s*"([a-z_.]+)"', path.read_text(encoding="utf-8")))
    assert actions, "no audited actions found"
    assert actions <= set(ACTION_LABELS), f"actions without a label: {sorted(actions - set(ACTION_LABELS))}"
