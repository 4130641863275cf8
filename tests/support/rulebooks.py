"""The rules the tests meet (规则): the demo city works under 宁安市's rulebook, 应急管理局 and 商务局 under
rules of their own built from the presets; here are the citations a refusal or a due date names, and
the rules of any preset put together without a database."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.policy import CONSOLE
from spotcheck.demo.rules import county_id
from spotcheck.tenants.rules import commands, presets, rulebook, rulefile
from spotcheck.tenants.rules.ruleset import Rules

NINGAN = presets.BY_NAME["宁安市"].document
CHENGKOU = presets.BY_NAME["城口县"].document


def cited(article: str, document=NINGAN) -> str:
    """How a refusal names an article of a rulebook: 《宁安市人民政府办公室……实施方案》第8条."""
    return f"《{document.title}》{article}"


def rules_of_presets(rulebook_name: str | None = "宁安市", department_name: str | None = None) -> Rules:
    """The rules of a rulebook preset and a department preset together, as the platform puts them."""
    book = presets.BY_NAME[rulebook_name].document if rulebook_name else None
    department = presets.BY_NAME[department_name].document if department_name else None
    return Rules(rulebook.national(), [(1, book)] if book else None, (2, department) if department else None)


def adopt(name: str, on, *, region: int | None = None):
    """The demo's county (宁安市, the level of the demo's departments) — or the level ``region`` (an id) — adopts the
    rulebook preset ``name`` from the day ``on`` (loaded the day before, as an operator would): the departments' rules
    stay, checked against it. Returns the version."""
    document = replace(presets.BY_NAME[name].document, effective_from=on)
    with frozen_at(on - timedelta(days=1)):
        version = commands.load_rulebook(
            {"text": rulefile.write(document), "preset": name, "region": region or county_id()}, actor=CONSOLE
        )
    db.session.commit()
    return version
