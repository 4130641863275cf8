"""Rules files (规则文件) as an administrator writes them: the demo's rulebook or a department's rules
in force, changed (a rule set, a date in force), written back as the TOML text a page or the API
loads. Call inside an app context (the versions in force are read from the database)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from spotcheck.core.clock import today
from spotcheck.core.database import db
from spotcheck.core.policy import CONSOLE
from spotcheck.demo.rules import county_id
from spotcheck.tenants.rules import commands as rules_commands, documents, presets, queries, rulebook, rulefile
from spotcheck.tenants.rules.documents import Entry


def _changed(document: documents.Document, effective_from: date | None, **values) -> str:
    """``document`` from ``effective_from`` (today by default), each ``key=(value, article)`` set, each
    ``key=None`` left open."""
    entries = dict(document.entries)
    for key, said in values.items():
        entries[key] = Entry(open_note="本文件未规定。") if said is None else Entry(value=said[0], article=said[1])
    return rulefile.write(replace(document, effective_from=effective_from or today(), entries=entries))


def changed_rulebook(effective_from: date | None = None, **values) -> str:
    """宁安市's rulebook (the demo's) as a new version: from today unless said, with ``values`` changed."""
    return _changed(presets.BY_NAME["宁安市"].document, effective_from, **values)


def changed_department_rules(tenant_id: int, effective_from: date | None = None, **values) -> str:
    """The department's rules in force as a new version, with ``values`` changed."""
    version_id = rulebook.version_ids(tenant_id)[1]
    return _changed(rulebook.document_of(version_id), effective_from, **values)


def in_force_text(tenant_id: int | None) -> str:
    """The file of the version in force as loaded: the department's, else the demo's county's rulebook (宁安市's)."""
    if tenant_id is not None:
        return queries.get_version(rulebook.version_ids(tenant_id)[1]).source_text
    return queries.get_version(rulebook.own_rulebook_id(county_id())).source_text


def load_department_rule(tenant_id: int, **values) -> None:
    """The department's rules in force as a new version with each ``key=value`` set, cited to their first article;
    committed. Call inside the department's scope."""
    article = rulebook.document_of(rulebook.version_ids(tenant_id)[1]).articles[0].number
    cited = {key: (value, article) for key, value in values.items()}
    rules_commands.load_department_rules({"text": changed_department_rules(tenant_id, **cited)}, actor=CONSOLE)
    db.session.commit()


def load_department_cap(tenant_id: int, cap: int) -> None:
    """The department's rules in force as a new version with its own yearly cap on inspections of a business
    (本部门检查次数上限), cited to their first article; committed. Call inside the department's scope."""
    load_department_rule(tenant_id, department_inspection_cap=cap)
