"""Checking an inspector's entry (两库 · 执法检查人员名录库): what users type, normalised."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from spotcheck.core.scoping import current_tenant_id
from spotcheck.core.text import required_text
from spotcheck.tenants.common import validators
from spotcheck.tenants.common.vocabulary import reference
from spotcheck.tenants.inspectors import certificates
from spotcheck.tenants.rules.rulebook import Rules, rules_for


def clean_inspector(data: dict, *, require_id: bool, rules: Rules | None = None) -> tuple[dict, dict[str, list]]:
    """An inspector's entry checked field by field, against the department's rules in force (``rules``,
    today's by default: e.g. a rule that the list names every inspector's post, 岗位职务)."""
    rules = rules or rules_for(current_tenant_id())
    clean: dict[str, Any] = {}
    errors: dict[str, list[Any]] = {}
    clean["name"] = required_text(data.get("name"), "name", errors, limit=50, missing=_l("Enter the person's name."))
    sex = reference.code_for(reference.SEXES, data.get("sex"))
    if sex is None:
        errors["sex"] = [_l("Sex is 男 or 女.")]
    clean["sex"] = sex
    if data.get("id_number") or require_id:
        try:
            clean["id_number"] = validators.id_number(str(data.get("id_number") or "").strip())
        except validators.InvalidValueError as invalid:
            errors["id_number"] = [invalid.message]
    for key, label, limit in (
        ("agency", _l("Enter the full name of the enforcement agency."), 200),
        (
            "cert_no",
            _l(
                "%(rule)sthe inspector list names every inspector's enforcement certificate number (执法证号): enter "
                "it (at most 32 characters).",
                rule=rules.under("certified_only"),
            ),
            32,
        ),
    ):
        value = (str(data.get(key) or "")).strip()
        if not value or len(value) > limit:
            errors[key] = [label]
        clean[key] = value
    if clean.get("cert_no") and any(c in clean["cert_no"] for c in "\t\n|"):
        errors["cert_no"] = [_l("The certificate number may not contain tabs, line breaks or |.")]
    elif clean.get("cert_no") and "cert_no" not in errors:
        issuer = certificates.issuer_of(clean["agency"], certificates.department_region_code(current_tenant_id()))
        if (refusal := certificates.format_refusal(clean["cert_no"], issuer)) is not None:
            errors["cert_no"] = [refusal]
    clean["post"] = (data.get("post") or "").strip()[:100]
    clean["region"] = (data.get("region") or "").strip()[:100]
    clean["expertise"] = (data.get("expertise") or "").strip()[:200]
    categories = data.get("categories") or []
    if isinstance(categories, str):
        categories = categories.replace("，", ",").replace("、", ",").split(",")
    codes, unknown = set(), []
    for entry in categories:
        if not str(entry).strip():
            continue
        code = reference.code_for(reference.ENFORCEMENT_CATEGORIES, entry)
        codes.add(code) if code else unknown.append(str(entry).strip())
    if unknown:
        errors["categories"] = [_l("Unknown enforcement category: %(codes)s", codes="、".join(unknown))]
    elif not codes:
        errors["categories"] = [_l("Give at least one enforcement category.")]
    clean["categories"] = sorted(codes)
    clean["cert_expires_on"] = validators.parse_date(data.get("cert_expires_on"), "cert_expires_on", errors)
    clean["is_expert"] = validators.parse_flag(data.get("is_expert"))
    if rules.inspector_post_required and not clean["post"] and not clean["is_expert"]:
        errors["post"] = [
            _l(
                "%(rule)sthe inspector list names every inspector's post (岗位职务): enter it.",
                rule=rules.under("inspector_post_required"),
            )
        ]
    clean["active"] = validators.parse_flag(data.get("active", True))
    return clean, errors
