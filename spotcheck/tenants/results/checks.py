"""Checking a result (检查结果的校验): what was recorded, field by field, and what a submission
still needs. Plain functions: the recording commands call them, the visit's page and the offline
import show what they find."""

from __future__ import annotations

from typing import cast

from flask_babel import LazyString, lazy_gettext as _l

from spotcheck.core.clock import today
from spotcheck.core.database import db, is_row_id
from spotcheck.core.text import whole_number
from spotcheck.tenants.common.vocabulary import reference
from spotcheck.tenants.plans.filing import rules_of_plan
from spotcheck.tenants.plans.models import Plan
from spotcheck.tenants.results import attachments, categories
from spotcheck.tenants.results.check_dates import clean_check_dates
from spotcheck.tenants.results.code_lookup import door_arrival
from spotcheck.tenants.results.inputs import BY_NAME, CHECK_DATES, TEXTS
from spotcheck.tenants.results.models import Visit
from spotcheck.tenants.rules.rulebook import rules_for


def clean_result(visit: Visit, data: dict) -> tuple[dict, dict]:
    """The recorded result, checked field by field: (clean values, errors by field)."""
    errors: dict[str, list] = {}
    clean: dict = clean_check_dates(visit, data, errors)
    if visit.first_submitted_at is not None and any(
        name in clean and clean[name] != getattr(visit, name) for name in CHECK_DATES
    ):
        for name in CHECK_DATES:
            errors.setdefault(name, []).append(
                _l(
                    "The check dates were submitted with the result: only a leader corrects them, giving the reason "
                    "(a recorded check date cannot move a deadline)."
                )
            )
    if "method" in data:
        method = data["method"] or ""
        if method and method not in (BY_NAME["method"].choices or {}):
            errors["method"] = [_l("Choose a check method from the list.")]
        else:
            clean["method"] = method
    for name, longest in TEXTS.items():
        if name in data:
            text = str(data[name] or "")
            if len(text) > longest:
                errors[name] = [_l("At most %(n)d characters.", n=longest)]
            clean[name] = text
    items = {item.id: item for item in visit.campaign.items}
    offered = categories.offered()
    clean["items"] = {}
    for key, value in (data.get("items") or {}).items():
        item_id = whole_number(key, digits=10) if is_row_id(whole_number(key, digits=10)) else None
        if item_id not in items:
            errors[f"items.{key}"] = [_l("This item is not checked in this campaign.")]
            continue
        value = value or {}
        codes = list(dict.fromkeys(value.get("categories") or []))
        unknown = [c for c in codes if c not in offered]
        if unknown:
            errors[f"items.{key}.categories"] = [
                _l("Unknown result category: %(codes)s.", codes=", ".join(map(str, unknown)))
            ]
        elif "no_problem" in codes and len(codes) > 1:
            errors[f"items.{key}.categories"] = [_l("“No problem found” cannot be combined with another category.")]
        findings = str(value.get("findings") or "")
        if len(findings) > cast(int, BY_NAME["findings"].longest):
            errors[f"items.{key}.findings"] = [_l("At most %(n)d characters.", n=BY_NAME["findings"].longest)]
        clean["items"][item_id] = {"categories": codes, "findings": findings}
    return clean, errors


def methods_without_reason(visit: Visit) -> list[str]:
    """The check methods (检查方式) a result may name without saying why: the campaign's, and, where the
    campaign follows a filed plan, those the plan sets for every item of the campaign."""
    campaign = visit.campaign
    methods = [campaign.method]
    plan = db.session.get(Plan, campaign.plan_id) if campaign.plan_id is not None else None
    if plan is not None:
        lines = {line.item_id: set(line.methods or ()) for line in plan.lines}
        planned = set.intersection(*[lines.get(item.id, set()) for item in campaign.items]) if campaign.items else set()
        methods += sorted(planned - {campaign.method})
    return methods


def _method_change_refusal(visit: Visit, method: str) -> LazyString:
    """Why a result by ``method`` needs a reason (方式变更理由), naming the methods set and the plan's rule."""
    campaign, names = visit.campaign, reference.CHECK_METHODS
    planned = "、".join(names.get(code, code) for code in methods_without_reason(visit))
    plan = db.session.get(Plan, campaign.plan_id) if campaign.plan_id is not None else None
    rule = rules_of_plan(plan).under("plans_required") if plan is not None else ""
    return _l(
        "%(rule)sthe checks are made as the campaign (and its plan) set them: by %(planned)s. A result by "
        "%(method)s says why the method changed (方式变更理由).",
        rule=rule,
        planned=planned,
        method=names.get(method, method),
    )


def missing_report(visit: Visit, values: dict) -> dict[str, list]:
    """What the report (检查报告, seed 002: 检查时间、检查内容、现场检查笔录、对被检查人的评价及处理意见和建议)
    still lacks, by field, given its texts and method in ``values`` (as they are, or as an import will
    write them): the record and the evaluation and handling opinions where the rules in force ask them,
    and the reason for a method the campaign did not set."""
    errors: dict[str, list] = {}
    rules = rules_for(visit.tenant_id, visit.checked_until or today())
    given = {name: str(values.get(name) or "").strip() for name in TEXTS}
    if rules.record_required and not given["record"] and not attachments.any_for(visit):
        errors["record"] = [
            _l(
                "%(rule)sa result is submitted only with its inspection record (检查记录/现场笔录): "
                "write it, or attach it as a file.",
                rule=rules.under("record_required"),
            )
        ]
    if rules.evaluation_required:
        rule = rules.under("evaluation_required")
        if not given["evaluation"]:
            errors["evaluation"] = [
                _l(
                    "%(rule)sthe inspection report gives the evaluation of the inspected party "
                    "(对被检查人的评价): write it.",
                    rule=rule,
                )
            ]
        if not given["opinions"]:
            errors["opinions"] = [
                _l(
                    "%(rule)sthe inspection report gives the handling opinions and suggestions "
                    "(处理意见和建议): write them.",
                    rule=rule,
                )
            ]
    method = values.get("method") or ""
    if method and method not in methods_without_reason(visit) and not given["method_change_reason"]:
        errors["method_change_reason"] = [_method_change_refusal(visit, method)]
    return errors


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
    if rules.entry_required and door_arrival(visit) is None:  # a joint visit's: recorded once, by its 组长's department
        errors["arrival"] = [
            _l(
                "%(rule)sa result is submitted once the team's arrival (入企) is recorded: record it, "
                "or record it late with the reason (补录).",
                rule=rules.under("entry_required"),
            )
        ]
    errors.update(missing_report(visit, {name: getattr(visit, name) for name in (*TEXTS, "method")}))
    results = {result.item_id: result for result in visit.results}
    problems = categories.problem_codes()
    for item in visit.campaign.items:
        result = results.get(item.id)
        if result is None or not result.categories:
            errors[f"items.{item.id}.categories"] = [
                _l("Choose at least one result category for %(item)s.", item=item.name)
            ]
        elif set(result.category_codes) & problems and not result.findings.strip():
            errors[f"items.{item.id}.findings"] = [_l("Say what was found for %(item)s.", item=item.name)]
    return errors
