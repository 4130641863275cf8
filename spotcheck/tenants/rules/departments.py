"""Whose a department's rules are (部门细则的归属): a 细则 is issued by the department that loads it, under its
full name (the place and the department: 宁安市应急管理局, 宁安镇综合行政执法办公室 —
:attr:`~spotcheck.tenants.accounts.models.Tenant.full_name`, the one name its pages, documents and numbers use
too); another department's document is taken only as a starting point (以其他部门的细则为起点) — its issuer and
title rewritten to the department's, no 文号, and its articles marked as the other document's words, unconfirmed
until the department loads rules of its own."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from spotcheck.tenants.rules import documents, presets


def starting_point(preset: presets.Preset, department: str, since: date) -> documents.Document:
    """The preset ``preset`` (another department's document) as the first draft of ``department``'s rules (its
    full name), in force from ``since``: the parameters and articles kept, the issuer and title the department's,
    no 文号, and the source named (``based_on``) so that every page and citation says its articles are not yet
    the department's own."""
    source = preset.document
    return replace(
        source,
        title=f"{department}细则（参数取自{source.short_title}，条款待本部门确认）",
        short_title=f"{department}细则（待确认）",
        issuer=department,
        number="",
        issued_on=since,
        effective_from=since,
        based_on=source.title,
        note=f"以《{source.title}》为起点：参数和条款取自该文件，条款是该文件的原文，待本部门制定并公布自己的细则后确认。",
    )
