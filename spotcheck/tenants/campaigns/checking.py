"""Checking a campaign (抽查任务核验): its fields, its plan (or exempt kind) and its sampling rules,
against the rules in force for the department (:func:`spotcheck.tenants.rules.rulebook.rules_for`) —
the one place that cleans what a draft, a change or an approval is given; the commands of campaigns
and of joint campaigns call it. Each refusal of a rule names the document and article that set it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, TypeAlias, cast

import sqlalchemy as sa
from flask_babel import LazyString, lazy_gettext as _l

from spotcheck.core.clock import today
from spotcheck.core.database import db, is_row_id
from spotcheck.core.scoping import current_tenant_id
from spotcheck.core.text import required_text
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.campaigns import named, risk, schedule
from spotcheck.tenants.campaigns.inputs import CAMPAIGN, FILTER_KEYS, RULE, STRATA
from spotcheck.tenants.campaigns.models import Campaign
from spotcheck.tenants.campaigns.vocabulary import FLAGGED
from spotcheck.tenants.common import numbering, validators
from spotcheck.tenants.common.vocabulary import reference
from spotcheck.tenants.common.vocabulary.reference import ENFORCEMENT_CATEGORIES
from spotcheck.tenants.items.models import Item, ItemStatus
from spotcheck.tenants.plans.queries import filed_plans_for
from spotcheck.tenants.regions import queries as regions
from spotcheck.tenants.regions.models import Region
from spotcheck.tenants.regions.vocabulary import REGION_CODE
from spotcheck.tenants.rules.rulebook import Rules, rules_for
from spotcheck.tenants.rules.vocabulary import EXEMPT_KIND_NAMES

#: A campaign's fields as a form or the API gives them: untyped until cleaned.
Given: TypeAlias = Mapping[str, Any]
#: The cleaned fields by name, each of its own type.
Clean: TypeAlias = dict[str, Any]
#: The refusals by field.
Errors: TypeAlias = dict[str, list[LazyString]]


def _today_rules() -> Rules:
    """The rules a draft is checked against: the current department's, today."""
    return rules_for(current_tenant_id())


#: The word after the short name in each kind of public code (文号): 抽 a random campaign, 查 a check of named
#: businesses (特定对象检查, numbered apart: never taken for a random one), 联抽 a joint campaign (联合抽查).
CODE_WORDS = {"campaign": "抽", "named_campaign": "查", "joint": "联抽"}


def short_name(tenant: Tenant) -> str:
    """The name a department's codes begin with: its short name (简称, e.g. 应急), else its code."""
    return tenant.short_name or tenant.code


def issue_code(campaign: Campaign, tenant: Tenant) -> None:
    """Gives ``campaign`` its public code (文号) ``<short name>抽〔<year>〕<n>号`` (``查`` a named check, ``联抽`` a
    joint campaign): the next number of the year under that short name in the department's region, issued in the
    command's transaction (:func:`spotcheck.tenants.common.numbering.issue_in_region`), and the region with it. A code
    is unique in its region, not in the deployment: the 应急管理局 of two counties both number from 1号."""
    kind = "joint" if campaign.joint else "named_campaign" if campaign.named else "campaign"
    prefix = short_name(tenant)
    number = numbering.issue_in_region(tenant.region_id, prefix, kind, campaign.year)
    campaign.code, campaign.region_id = f"{prefix}{CODE_WORDS[kind]}〔{campaign.year}〕{number}号", tenant.region_id


def name_part(part: Campaign, joint_code: str, tenant: Tenant) -> None:
    """A department's part of a joint campaign is named after it, ``<joint code>（<short name>）``, in the
    department's region (the part is the department's campaign)."""
    part.code, part.region_id = f"{joint_code}（{short_name(tenant)}）", tenant.region_id


def clean_rules(strata: dict) -> tuple[dict, list]:
    """Each stratum's rule: ``{"count": c}`` or ``{"ratio_bp": r, "min": m}`` (DRAW-SPEC)."""
    clean, problems = {}, []
    for stratum in STRATA:
        rule = (strata or {}).get(stratum)
        if rule is None:
            if stratum != FLAGGED:
                problems.append(_l("Give a rule for risk class %(s)s (a count, or a ratio with a minimum).", s=stratum))
            continue
        try:
            if rule.get("count") not in (None, ""):
                count = int(rule["count"])
                if not RULE["count"].admits(count):
                    raise ValueError
                clean[stratum] = {"count": count}
            else:
                ratio, minimum = int(rule["ratio_bp"]), int(rule.get("min") or 0)
                if not RULE["ratio_bp"].admits(ratio) or not RULE["min"].admits(minimum):
                    raise ValueError
                clean[stratum] = {"ratio_bp": ratio, "min": minimum}
        except (KeyError, TypeError, ValueError, AttributeError):
            problems.append(
                _l("The rule for %(s)s is a whole count, or a ratio from 0 to 100 %% with a minimum.", s=stratum)
            )
    return clean, problems


def clean_campaign(data: Given, rules: Rules | None = None, *, after_the_fact: bool = False) -> tuple[Clean, Errors]:
    """The campaign's fields, checked (``rules``: the department's rules in force, today's by default). A window
    that ended before today is refused (:func:`window_over`) unless the check is registered ``after_the_fact``
    (紧急检查事后登记, which keeps its own rule: ``named_late_days``)."""
    rules = rules or _today_rules()
    clean: Clean = {}
    errors: Errors = {}
    clean["title"] = required_text(
        data.get("title"),
        "title",
        errors,
        limit=cast(int, CAMPAIGN["title"].longest),
        missing=_l("Enter the campaign's title."),
    )
    clean["kind"] = named.clean_kind(data, errors)
    by_name = clean["kind"] == "named"
    clean["named_targets"] = named.clean_targets(data.get("named_targets"), errors, rules) if by_name else []
    _clean_year(data, clean, errors)
    clean["items"] = _clean_items(data, errors, rules)
    _clean_exemption(data, clean, errors, rules)
    _clean_targeting(data, clean, errors, rules, by_name=by_name)
    _clean_sizes(data, clean, errors, rules, by_name=by_name)
    _clean_window(data, clean, errors)
    if not after_the_fact and "window_end" not in errors and (over := window_over(clean.get("window_end"))):
        errors["window_end"] = [over]
    method_field = CAMPAIGN["method"]
    method = reference.code_for(dict(method_field.choices or {}), str(data.get("method") or method_field.default))
    if method is None:
        errors["method"] = [_l("Unknown check method.")]
    clean["method"] = method
    return clean, errors


def _clean_year(data: Given, clean: Clean, errors: Errors) -> None:
    """The campaign's year."""
    try:
        clean["year"] = int(data.get("year"))  # type: ignore[arg-type]  # none: TypeError, refused below
        if not CAMPAIGN["year"].admits(clean["year"]):
            raise ValueError
    except (TypeError, ValueError):
        errors["year"] = [_l("Enter the year, e.g. 2026.")]


def _clean_items(data: Given, errors: Errors, rules: Rules) -> list[Item]:
    """The items checked: published items of the department's list, every one of those asked for."""
    try:
        item_ids = {int(i) for i in data.get("item_ids") or []}
    except (TypeError, ValueError):
        item_ids = {0}
    known = {i for i in item_ids if is_row_id(i)}
    items = list(db.session.scalars(sa.select(Item).where(Item.id.in_(known)))) if known else []
    if not items or len(items) != len(item_ids) or any(i.status != ItemStatus.published for i in items):
        errors["item_ids"] = [
            _l(
                "%(rule)schoose one or more published items of your item list.",
                rule=rules.under("published_items_only"),
            )
        ]
    return items


def _clean_exemption(data: Given, clean: Clean, errors: Errors, rules: Rules) -> None:
    """The kind of check made outside the annual plan (if any), one the rules allow for these items, and why."""
    exempt = data.get("exempt_kind") or None
    if exempt is not None and exempt not in rules.exempt_kinds:
        errors["exempt_kind"] = [_exempt_refusal(rules)]
    elif exempt is not None and (mismatches := exempt_mismatches(exempt, clean["items"], rules)):
        errors["exempt_kind"] = mismatches
    clean["exempt_kind"] = exempt
    clean["exempt_reason"] = (data.get("exempt_reason") or "").strip()
    if exempt and not clean["exempt_reason"]:
        errors["exempt_reason"] = [
            _l("%(rule)sstate why this check is made outside the annual plan.", rule=rules.under("exempt_kinds"))
        ]


def _clean_targeting(data: Given, clean: Clean, errors: Errors, rules: Rules, *, by_name: bool) -> None:
    """Whom a random campaign draws from (the target filter) and how many of each stratum; none of either
    for a check of named businesses."""
    target_filter = {
        key: sorted({str(v).strip() for v in (data.get("target_filter") or {}).get(key) or [] if str(v).strip()})
        for key in FILTER_KEYS
    }
    for code in target_filter["industries"]:
        try:
            validators.industry_code(code)
        except validators.InvalidValueError as invalid:
            errors["target_filter"] = [invalid.message]
    if target_filter["regions"] and not by_name:
        target_filter["regions"] = _clean_regions(target_filter["regions"], errors)
    clean["target_filter"] = {} if by_name else target_filter
    if by_name:  # nothing is drawn: no strata, no reserves
        clean["strata"] = {}
    else:
        clean["strata"], problems = clean_rules(data.get("strata") or {})
        if problems or (problems := risk.problems(clean["strata"], rules)):
            errors["strata"] = problems


def _clean_regions(given: list[str], errors: Errors) -> list[str]:
    """The regions a random campaign draws from, each chosen from the regions' tree within the department's branch
    (its region and the regions below it), by its code or its name (宁安镇), and kept as its code — a name typed
    as text would match no business's region code and leave the campaign with no candidates. A code below the tree's
    deepest region (a town the tree does not list) is taken when the tree places it in the branch."""
    tenant = db.session.get(Tenant, current_tenant_id())
    home = tenant.region if tenant is not None else None
    codes: list[str] = []
    problems: list[LazyString] = []
    for value in given:
        found = regions.by_code_or_name(value, within=home.id if home is not None else None)
        if len(found) == 1:
            codes.append(found[0].code)
        elif not found and _lies_within(value, home):  # a town's code below the tree's deepest region
            codes.append(value)
        elif found:
            problems.append(
                _l(
                    "Several regions of %(branch)s are named %(name)s: choose one from the list (%(codes)s).",
                    branch=home.name if home is not None else "",
                    name=value,
                    codes="、".join(region.code for region in found),
                )
            )
        else:
            problems.append(
                _l(
                    "%(value)s is no region of %(branch)s or of the regions below it: choose the regions from the list "
                    "of your branch of the regions' tree.",
                    value=value,
                    branch=home.name if home is not None else _l("your department"),
                )
            )
    if problems:
        errors["regions"] = problems
    return sorted(set(codes))


def _lies_within(code: str, home: Region | None) -> bool:
    """Whether an administrative code the tree does not hold itself (a town's 统计用区划代码 below a county the tree
    ends at) lies, by the tree, in the department's region or below it."""
    if home is None or not REGION_CODE.match(code):
        return False
    deepest = regions.containing(code)
    return deepest is not None and deepest.path.startswith(home.path)


def _clean_sizes(data: Given, clean: Clean, errors: Errors, rules: Rules, *, by_name: bool) -> None:
    """The reserve's size, the teams' size (at least the rules' least team) and the inspectors' capacity."""
    reserve, team = CAMPAIGN["reserve_size"], CAMPAIGN["team_size"]
    try:
        clean["reserve_size"] = 0 if by_name else int(data.get("reserve_size", reserve.default))
        if not reserve.admits(clean["reserve_size"]):
            raise ValueError
    except (TypeError, ValueError):
        errors["reserve_size"] = [
            _l("Enter a whole number from %(low)d to %(high)d.", low=reserve.least, high=reserve.most)
        ]
    low = rules.min_team_size  # the rules' least team, not the platform's
    try:
        clean["team_size"] = int(data.get("team_size", low))
        if not low <= clean["team_size"] <= cast(int, team.most):
            raise ValueError
    except (TypeError, ValueError):
        errors["team_size"] = [_team_refusal(rules)]
    capacity = data.get("capacity")
    try:
        clean["capacity"] = int(capacity) if capacity not in (None, "") else None
        if clean["capacity"] is not None and not CAMPAIGN["capacity"].admits(clean["capacity"]):
            raise ValueError
    except (TypeError, ValueError):
        errors["capacity"] = [
            _l("The capacity is the most visits per inspector: a whole number of 1 or more, or empty.")
        ]


def _clean_window(data: Given, clean: Clean, errors: Errors) -> None:
    """The inspection window's first and last days, in that order."""
    for key in ("window_start", "window_end"):
        clean[key] = validators.parse_date(data.get(key), key, errors)
        if clean[key] is None and key not in errors:
            errors[key] = [_l("Enter a date as YYYY-MM-DD.")]
    if clean.get("window_start") and clean.get("window_end") and clean["window_end"] < clean["window_start"]:
        errors["window_end"] = [_l("The window ends before it starts.")]


def window_over(window_end: date | None) -> LazyString | None:
    """Why a campaign whose window ended before today (the clock's) is neither saved nor approved — before any
    number or commitment is issued; None for a window that ends today or later (one that began before today is
    taken: its remaining days are the campaign's)."""
    if window_end is None or window_end >= today():
        return None
    return _l(
        "The window ended on %(end)s, before today (%(today)s): a campaign is planned for days still to come. "
        "Choose a window that ends today or later; a check already made is registered afterwards "
        "(紧急检查事后登记) within its rules' days.",
        end=window_end.isoformat(),
        today=today().isoformat(),
    )


def _exempt_refusal(rules: Rules) -> LazyString:
    """A kind of check outside the plan the rules do not allow, refused naming those they do and the article
    that lists them; where the rules ask no annual plan at all, saying so (no check is outside a plan)."""
    if not rules.plans_required:
        return _l(
            "No annual plan is required (%(rule)s): a check is never outside the plan, so no kind of check "
            "outside it is chosen — leave it empty.",
            rule=rules.cited["plans_required"].words,
        )
    return _l(
        "%(rule)sonly these checks may be made outside the annual plan: %(kinds)s.",
        rule=rules.under("exempt_kinds"),
        kinds="、".join(rules.exempt_kinds.values()) or _l("none"),
    )


def exempt_mismatches(kind: str, items: Iterable[Item], rules: Rules) -> list[LazyString]:
    """The items an exempt kind of check may not be claimed for: a kind concerning a field (食品药品安全、
    安全生产、公共安全、环境保护) only for items of that field's enforcement categories (执法类别), as the rules in
    force map them (``exempt_kind_categories``: a document's article, else the platform's default, 平台默认);
    an accident, a failed test, a complaint or an order from above applies to any item. One refusal per
    item, naming the kind, the item, its categories and where the mapping comes from."""
    covered = rules.exempt_kind_categories.get(kind)
    if covered is None:
        return []
    source = rules.cited["exempt_kind_categories"].words
    return [
        _l(
            "The check outside the plan of the kind %(kind)s is for items of the enforcement categories %(covered)s "
            "(%(source)s); item %(item)s is of %(own)s: choose the kind that fits it, or put the item in the plan.",
            kind=f"“{EXEMPT_KIND_NAMES[kind]}”",
            covered="、".join(ENFORCEMENT_CATEGORIES[c] for c in covered),
            source=source,
            item=f"“{item.code} {item.name}”",
            own="、".join(ENFORCEMENT_CATEGORIES.get(c, c) for c in item.inspector_categories or ()) or _l("none"),
        )
        for item in items
        if not set(item.inspector_categories or ()) & set(covered)
    ]


def _team_refusal(rules: Rules) -> LazyString:
    """A team smaller than the rules' least, refused naming the document that sets it (else the draw's own
    specification)."""
    rule = rules.under("min_team_size")
    return _l(
        "%(rule)sa team has at least %(low)d inspectors (a whole number from %(low)d to 10).",
        rule=rule,
        low=rules.min_team_size,
    )


def check_plan(clean: dict, errors: dict, rules: Rules | None = None) -> None:
    """Where the rules require annual plans (未列入计划的，不得擅自检查), a campaign uses items of a filed
    plan of its year and follows it — its window in the months the plan sets for each item, its method
    among the plan's (:mod:`.schedule`) — unless it is of an exempt kind the rules allow, with its
    stated reason. Where they do not, no plan is asked for."""
    rules = rules or _today_rules()
    clean["plan_id"] = None
    if errors.get("item_ids") or "year" not in clean:
        return
    if not rules.plans_required:
        return
    plans = filed_plans_for(clean["year"], {item.id for item in clean["items"]})
    if not plans:
        if not clean["exempt_kind"]:
            errors["item_ids"] = [
                _l(
                    "%(rule)sa check is made only within a filed plan: these items are not all in a "
                    "filed plan of %(year)d. Add them to the plan and have it filed, or choose a kind "
                    "of check the rules allow outside the plan and state the reason.",
                    rule=rules.under("plans_required"),
                    year=clean["year"],
                )
            ]
        return
    found = [
        (
            plan,
            schedule.differences(
                plan, clean["items"], clean.get("window_start"), clean.get("window_end"), clean.get("method")
            ),
        )
        for plan in plans
    ]
    following = next((plan for plan, differs in found if not differs), None)
    if following is not None:
        clean["plan_id"] = following.id
    elif not clean["exempt_kind"]:
        for key, messages in found[0][1].items():
            if key not in errors:
                errors[key] = messages


def recheck(campaign: Campaign) -> dict[str, list[LazyString]]:
    """At approval: the rules in force that day again — the plan, the exempt kind, the team size and the
    sampling rules (the plan or the rules may have changed since the draft)."""
    rules = rules_for(campaign.tenant_id)
    errors: dict = {}
    clean = {
        "year": campaign.year,
        "items": list(campaign.items),
        "exempt_kind": campaign.exempt_kind,
        "window_start": campaign.window_start,
        "window_end": campaign.window_end,
        "method": campaign.method,
    }
    if campaign.exempt_kind and campaign.exempt_kind not in rules.exempt_kinds:
        errors["exempt_kind"] = [_exempt_refusal(rules)]
    elif campaign.exempt_kind and (mismatches := exempt_mismatches(campaign.exempt_kind, campaign.items, rules)):
        errors["exempt_kind"] = mismatches
    check_plan(clean, errors, rules)
    if campaign.named:
        named.recheck(campaign, rules, errors)
    elif problems := risk.problems(campaign.strata or {}, rules):
        errors["strata"] = problems
    if campaign.team_size < rules.min_team_size:
        errors["team_size"] = [_team_refusal(rules)]
    if over := window_over(campaign.window_end):
        errors["window_end"] = [over]
    return errors
