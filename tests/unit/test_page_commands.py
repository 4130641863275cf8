"""One way for a page to call a command (issue 41): ``forms.attempt(command, *args, **kwargs)`` or
``forms.perform(...)`` on it, the command passed itself (no lambda), and no page catching a
command's refusal (``InvalidInputError``, ``ConflictError``) by hand."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "spotcheck" / "platform" / "web"
#: The functions through which a page runs a command.
RUNNERS = {"attempt", "perform"}
#: The refusals that only :func:`spotcheck.platform.web.forms.attempt` catches.
REFUSALS = {"InvalidInputError", "Conflict"}


def _name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _runner_calls(tree: ast.AST) -> list[ast.Call]:
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call) and _name(node.func) in RUNNERS]


def _offences(source: str) -> list[str]:
    """What breaks the one way in ``source``: a lambda given to a runner, a refusal caught by hand."""
    tree, found = ast.parse(source), []
    for call in _runner_calls(tree):
        given = [*call.args, *(keyword.value for keyword in call.keywords)]
        if any(isinstance(argument, ast.Lambda) for argument in given):
            found.append(f"{call.lineno}: a lambda given to {_name(call.func)}()")
    for node in ast.walk(tree):
        if isinstance(node, ast.ExceptHandler) and node.type is not None:
            caught = node.type.elts if isinstance(node.type, ast.Tuple) else [node.type]
            if names := sorted({_name(kind) for kind in caught} & REFUSALS):
                found.append(f"{node.lineno}: except {', '.join(names)}")
    return found


def test_the_check_sees_both_ways_it_can_be_broken():
    source = (
        "def page():\n"
        "    perform(lambda: commands.approve(1, actor=me), done='Approved.')\n"
        "    attempt(commands.approve, 1, actor=me, done=lambda result: 'x')\n"
        "    try:\n        commands.approve(1)\n    except (errors.Conflict, Forbidden):\n        pass\n"
        "    try:\n        commands.approve(1)\n    except InvalidInputError as failed:\n        pass\n"
    )
    assert _offences(source) == [
        "2: a lambda given to perform()",
        "3: a lambda given to attempt()",
        "6: except Conflict",
        "10: except InvalidInputError",
    ]
    assert _offences("perform(commands.approve, 1, actor=me, done=_approved)\n") == []


def test_pages_call_commands_one_way_without_lambdas_or_hand_caught_refusals():
    found, runs = [], 0
    for path in sorted(WEB.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        runs += len(_runner_calls(ast.parse(source)))
        found += [f"{path.relative_to(ROOT)}:{offence}" for offence in _offences(source)]
    assert runs > 50, f"only {runs} calls of attempt()/perform() found under {WEB.relative_to(ROOT)}"
    assert not found, (
        "run a page's command with forms.attempt(command, *args, **kwargs) or forms.perform(...):\n" + "\n".join(found)
    )
