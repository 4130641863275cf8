"""Checking a result (检查结果的校验): what was recorded, field by field, and what a submission
still needs. Plain functions: the recording commands call them, the visit's page and the offline
import show what they find."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from spotcheck.core.clock import today
from spotcheck.core.database import is_row_id
from spotcheck.tenants.common.vocabulary import reference
from spotcheck.tenants.results import attachments, categories
from spotcheck.tenants.results.check_dates import clean_check_dates
from spotcheck.tenants.results.models import Visit
from spotcheck.tenants.results.vocabulary import CHECK_DATES, FINDINGS_LENGTH, RECORD_LENGTH
from spotcheck.tenants.rules.rulebook import rules_for


def clean_result(visit: Visit, data: dict) -> tuple[dict, dict]:
    """The recorded result, checked field by field: (clean values, errors by field)."""
    errors: dict[str, list] = {}
    clean: dict = clean_check_dates(visit, data, errors)
    if visit.first_submitted_at is not None and any(
            name in clean and clean[name] != getattr(visit, name) for name in CHECK_DATES):
        for name in CHECK_DATES:
            errors.setdefault(name, []).append(_l(
                "The check dates were submitted with the result: only a leader corrects them, giving the reason "
                "(a recorded check date cannot move a deadline)."))
    if "method" in data:
        method = data["method"] or ""
        if method and method not in reference.CHECK_METHODS:
            errors["method"] = [_l("Choose a check method from the list.")]
        else:
            clean["method"] = method
    if "record" in data:
        record = str(data["record"] or "")
        if len(record) > RECORD_LENGTH:
            errors["record"] = [_l("At most %(n)d characters.", n=RECORD_LENGTH)]
        clean["record"] = record
    items = {item.id: item for item in visit.campaign.items}
    offered = categories.offered()
    clean["items"] = {}
    for key, value in (data.get("items") or {}).items():
        item_id = int(key) if str(key).isdigit() and is_row_id(int(key)) else None
        if item_id not in items:
            errors[f"items.{key}"] = [_l("This item is not checked in this campaign.")]
            continue
        value = value or {}
        codes = list(dict.fromkeys(value.get("categories") or []))
        unknown = [c for c in codes if c not in offered]
        if unknown:
            errors[f"items.{key}.categories"] = [_l("Unknown result category: %(codes)s.", codes=", ".join(map(str, unknown)))]
        elif "no_problem" in codes and len(codes) > 1:
            errors[f"items.{key}.categories"] = [_l("“No problem found” cannot be combined with another category.")]
        findings = str(value.get("findings") or "")
        if len(findings) > FINDINGS_LENGTH:
            errors[f"items.{key}.findings"] = [_l("At most %(n)d characters.", n=FINDINGS_LENGTH)]
        clean["items"][item_id] = {"categories": codes, "findings": findings}
    return clean, errors



def missing_for_submission(visit: Visit) -> dict[str, list]:
    """What must be filled before the result can be submitted, by field (empty: complete)."""
    errors: dict[str, list] = {}
    if visit.checked_on is None:
        errors["checked_on"] = [_l("Give the check date.")]
    elif visit.checked_until is None:
        errors["checked_until"] = [_l("Give the date the check ended.")]
    if not visit.method:
        errors["method"] = [_l("Choose the check method.")]
    rules = rules_for(visit.tenant_id, visit.checked_until or today())
    if rules.record_required and not (visit.record or "").strip() and not attachments.any_for(visit):
        errors["record"] = [_l("%(rule)sa result is submitted only with its inspection record (检查记录/现场笔录): "
                               "write it, or attach it as a file.", rule=rules.under("record_required"))]
    results = {result.item_id: result for result in visit.results}
    problems = categories.problem_codes()
    for item in visit.campaign.items:
        result = results.get(item.id)
        if result is None or not result.categories:
            errors[f"items.{item.id}.categories"] = [_l("Choose at least one result category for %(item)s.",
                                                        item=item.name)]
        elif set(result.category_codes) & problems and not result.findings.strip():
            errors[f"items.{item.id}.findings"] = [_l("Say what was found for %(item)s.", item=item.name)]
    return errors
