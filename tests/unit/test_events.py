"""Every domain event (领域事件) a command emits has a handler once the application exists: an event
nobody hears would do nothing, silently (a returned result whose team is never told)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from spotcheck.core import events

ROOT = Path(__file__).resolve().parents[2] / "spotcheck"


def _emitted() -> dict[str, str]:
    """Each event name the code emits, with where."""
    found = {}
    for path in ROOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "emit"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found[node.args[0].value] = f"{path.relative_to(ROOT.parent)}:{node.lineno}"
    return found


@pytest.mark.seconds(7)
def test_every_emitted_event_has_a_handler(app):
    emitted = _emitted()
    assert len(emitted) >= 10  # the walk finds the commands' events
    unheard = {name: where for name, where in emitted.items() if not events._handlers.get(name)}
    assert not unheard, f"events emitted with no handler: {unheard}"
