"""Nothing asks the rules of "no department" (无部门的规则): a department's rules are asked for the department
(``rules_for(tenant_id)``), a level's for its region (``rules_for_region(region_id)``) — never ``rules_for(None)``,
which would answer the root's rules wherever the asker sits."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from spotcheck.tenants.rules import rulebook

SOURCE = Path(__file__).resolve().parents[2] / "spotcheck"
ASKED_FOR_NOBODY = re.compile(r"\b(rules_for|in_force|version_ids|scope_version_id)\(\s*None\b")


def test_no_module_asks_the_rules_of_no_department():
    found = [
        f"{path.relative_to(SOURCE.parent)}:{number}: {line.strip()}"
        for path in sorted(SOURCE.rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if ASKED_FOR_NOBODY.search(line)
    ]
    assert found == []


def test_the_rules_of_no_department_are_refused():
    with pytest.raises(TypeError):
        rulebook.rules_for(None)
