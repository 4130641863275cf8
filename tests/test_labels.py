"""Every audited action and every draw stratum has a name on the pages (no raw codes shown to users)."""
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


def test_strata_are_named_in_words_never_by_their_code(app):
    from flask_babel import force_locale

    from spotcheck.platform.web.labels import stratum_label

    with app.test_request_context(), force_locale("zh_CN"):
        assert stratum_label("flagged").startswith("有特殊标记的对象（投诉举报")
        assert stratum_label("flagged", short=True) == "特殊标记"
        assert stratum_label("A", risk_words={"A": "高风险"}) == "风险等级 A (高风险)"
        assert stratum_label("A", risk_words={"A": "高风险"}, short=True) == "风险等级 A"
