"""What a planner gives to draft or change a campaign (抽查任务的录入项), and to make a draw or replace
a drawn target or inspector, declared once: each field's name, its label, its kind, its bounds and
its list. The campaign commands check their input against it
(:func:`spotcheck.tenants.campaigns.checking.clean_campaign`, :mod:`spotcheck.tenants.campaigns.draws`);
the API's input schemas and the campaign pages' forms (the joint campaign's too) are derived from it.
Campaigns have no workbook."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l

from spotcheck.tenants.campaigns.vocabulary import (
    CAMPAIGN_KIND_NAMES,
    CAUSE_REFERENCES,
    EXEMPT_KINDS,
    FLAGGED,
    INSPECTOR_REPLACEMENT_REASONS,
    MAX_INPUT_LENGTH,
    MAX_INPUTS,
    MAX_NAMED_TARGETS,
    NAMED_CAUSES,
    REASON_MAX,
    REASON_MIN,
    REFERENCE_MAX,
    REFERENCE_MIN,
    RISK_STRATA,
    TARGET_REPLACEMENT_REASONS,
)
from spotcheck.tenants.common.vocabulary import ENTITY_FLAG, reference, sampling

if TYPE_CHECKING:  # the fields are declared apart from the rows
    from spotcheck.tenants.campaigns.models import Campaign

#: The kinds of a field: how it is typed, sent and read.
#: TEXT a line of text, NOTE a longer one, LINES several lines; WHOLE a whole number, RATIO a ratio in
#: basis points (the page types a percentage); IDS several rows' ids; CHOICE one code of a list, CHOICES
#: several; PREFIXES codes' beginnings typed in one box; DATE a day (YYYY-MM-DD); FILTER the target
#: filter (:data:`FILTER_FIELDS`), RULES the rule of each stratum (:data:`RULE_FIELDS`), NAMED a named
#: check's targets (:data:`NAMED_TARGET_FIELDS`).
TEXT, NOTE, LINES, WHOLE, RATIO, IDS, CHOICE, CHOICES, PREFIXES, DATE, FILTER, RULES, NAMED = (
    "text",
    "note",
    "lines",
    "whole",
    "ratio",
    "ids",
    "choice",
    "choices",
    "prefixes",
    "date",
    "filter",
    "strata",
    "named",
)


@dataclass(frozen=True)
class CampaignField:
    """One field of a campaign command's input."""

    name: str
    label: object  # the page's label (lazy gettext)
    kind: str
    about: str = ""  # what the API's document says of it
    required: bool = False  # the command refuses it missing
    nullable: bool = False  # the API takes null for it
    default: object = None  # what the command (or the page) takes for it omitted
    least: int | None = None  # a number's bounds; a text's shortest; a list's fewest
    most: int | None = None  # a number's bounds; a list's most
    longest: int | None = None  # a text's (or each line's) length, at most
    choices: Mapping | None = None  # a choice's codes and names
    empty: object = None  # the page's label of "none chosen", where a choice may be left empty
    names_too: bool = False  # the command takes a choice's Chinese name for its code
    page_name: str = ""  # the page form's name for it, where it differs

    def admits(self, number: int) -> bool:
        """Whether ``number`` is within the field's bounds."""
        return (self.least is None or number >= self.least) and (self.most is None or number <= self.most)

    def fits(self, text: str) -> bool:
        """Whether ``text`` is neither too short nor too long for the field."""
        return (self.least is None or len(text) >= self.least) and (self.longest is None or len(text) <= self.longest)

    @property
    def form_name(self) -> str:
        return self.page_name or self.name


def _codes(table: Mapping) -> str:
    return "; ".join(f"{code} = {name}" for code, name in table.items())


#: The strata a campaign samples: the risk classes, and flagged entities when a rule is given for them.
STRATA = (*RISK_STRATA, FLAGGED)

#: Which directory entries are candidates (``target_filter``): every condition given, each a list.
FILTER_FIELDS: tuple[CampaignField, ...] = (
    CampaignField(
        "categories", _l("Supervision categories"), CHOICES, "The department's supervision categories (监管类别)"
    ),  # the directory's: listed by the page
    CampaignField("industries", _l("Industry codes (GB/T 4754, prefixes)"), PREFIXES, "GB/T 4754 prefixes"),
    CampaignField(
        "regions",
        _l("Regions"),
        CHOICES,
        "Regions of the department's branch of the regions' tree (its region and those below it), each by its code "
        "or its name (宁安镇); kept as codes",
    ),  # the tree's: listed by the page
    CampaignField("entity_types", _l("Entity types"), CHOICES, "Entity types", choices=reference.ENTITY_TYPES),
    CampaignField(
        "flags", _l("Only entities with these flags"), CHOICES, "Only entities with these flags", choices=ENTITY_FLAG
    ),
)
FILTER_KEYS = tuple(field.name for field in FILTER_FIELDS)

#: A stratum's rule (``strata``): a count, or a ratio with a minimum; ``mode`` is the page's choice of the two.
RULE_FIELDS: tuple[CampaignField, ...] = (
    CampaignField(
        "mode", _l("Rule"), CHOICE, choices={"ratio": _l("Ratio"), "count": _l("Count")}, empty=_l("No separate rule")
    ),  # none: only flagged entities may have no rule of their own
    CampaignField(
        "ratio_bp", _l("Ratio (%)"), RATIO, "r in basis points", least=0, most=sampling.FULL, page_name="ratio"
    ),
    CampaignField("min", _l("At least"), WHOLE, "the least number drawn with a ratio", least=0),
    CampaignField("count", _l("Count"), WHOLE, "a fixed number", least=0),
)
RULE = {field.name: field for field in RULE_FIELDS}

#: One target of a named check (特定对象检查): the business, why it is checked and the cause's reference.
NAMED_TARGET_FIELDS: tuple[CampaignField, ...] = (
    CampaignField(
        "entity_code",
        _l("Unified social credit code"),
        TEXT,
        "The business's code (统一社会信用代码), in my target directory",
        required=True,
        least=1,
        longest=18,
    ),
    CampaignField(
        "cause", _l("Cause"), CHOICE, "Why it is checked", required=True, choices=NAMED_CAUSES, names_too=True
    ),
    CampaignField(
        "reference",
        _l("Reference"),
        TEXT,
        "The cause's reference: " + _codes(CAUSE_REFERENCES),
        required=True,
        least=REFERENCE_MIN,
        longest=REFERENCE_MAX,
    ),
)
NAMED_TARGET = {field.name: field for field in NAMED_TARGET_FIELDS}

#: A campaign (``create_campaign``, ``update_campaign``; a joint campaign and a department's part share them).
FIELDS: tuple[CampaignField, ...] = (
    CampaignField("title", _l("Title"), TEXT, "The campaign's title", required=True, least=1, longest=200),
    CampaignField(
        "kind",
        _l("How the targets are chosen"),
        CHOICE,
        "random: drawn (随机抽查); named: each target named with its cause (特定对象检查), only the inspectors drawn",
        default="random",
        choices=CAMPAIGN_KIND_NAMES,
    ),
    CampaignField(
        "named_targets",
        _l("Named targets"),
        NAMED,
        "A named check's targets (kind named only): [{entity_code, cause, reference}]; cause: " + _codes(NAMED_CAUSES),
        default=list,
        most=MAX_NAMED_TARGETS,
    ),
    CampaignField(
        "year", _l("Year"), WHOLE, "The year of the annual plan it belongs to", required=True, least=2000, most=2100
    ),
    CampaignField("item_ids", _l("Items"), IDS, "Published items of my item list", required=True, least=1),
    CampaignField(
        "exempt_kind",
        _l("Outside the annual plan?"),
        CHOICE,
        "Outside the annual plan, with a stated reason (the kinds the rules in force allow)",
        nullable=True,
        choices=EXEMPT_KINDS,
        empty=_l("No: the items are in our filed plan of the year"),
    ),
    CampaignField(
        "exempt_reason",
        _l("Reason for checking outside the plan"),
        NOTE,
        "Why the check is made outside the annual plan",
        default="",
    ),
    CampaignField(
        "target_filter",
        None,
        FILTER,
        "Which directory entries are candidates: "
        + ", ".join(f"{field.name}: [{field.about}]" for field in FILTER_FIELDS),
    ),
    CampaignField(
        "strata",
        None,
        RULES,
        'Sampling per stratum A, B, C, D (required) and flagged (optional): {"count": n} or '
        '{"ratio_bp": r, "min": m} (r in basis points)',
        required=True,
    ),
    CampaignField(
        "reserve_size",
        _l("Reserves per stratum"),
        WHOLE,
        "Reserves drawn per stratum, 0–50",
        default=3,
        least=0,
        most=50,
    ),
    CampaignField("team_size", _l("Inspectors per team"), WHOLE, "Inspectors per team, 2–10", least=2, most=10),
    CampaignField(
        "capacity", _l("Most visits per inspector"), WHOLE, "Most visits per inspector, or null", nullable=True, least=1
    ),
    CampaignField("window_start", _l("From"), DATE, "First day of the inspections, YYYY-MM-DD", required=True),
    CampaignField("window_end", _l("To"), DATE, "Last day of the inspections, YYYY-MM-DD", required=True),
    CampaignField(
        "method",
        _l("Check method"),
        CHOICE,
        "检查方式",
        default="onsite",
        choices=reference.CHECK_METHODS,
        names_too=True,
    ),
)
CAMPAIGN = {field.name: field for field in FIELDS}

#: A draw's outside input (``draw_targets``, ``draw_inspectors``; DRAW-SPEC §3).
DRAW_FIELDS: tuple[CampaignField, ...] = (
    CampaignField(
        "public_inputs",
        _l("Observers' inputs: one observer a line, who they are and what they gave"),
        LINES,
        f"The observers' inputs, one string each (at most {MAX_INPUTS}, one line of at most {MAX_INPUT_LENGTH} "
        "characters), entering the seed exactly as given (DRAW-SPEC §3). A draw without outside inputs relies on "
        "the department's secret number alone: it then requires no_input_reason.",
        default=list,
        most=MAX_INPUTS,
        longest=MAX_INPUT_LENGTH,
    ),
    CampaignField(
        "no_input_reason",
        _l("Reason for drawing without outside input"),
        NOTE,
        f"无外部输入的理由: required when public_inputs is empty ({REASON_MIN} to {REASON_MAX} characters; a draw "
        "with no input and no reason answers 422 naming this field), recorded with the draw and in its audit entry, "
        "and published on the draw's public page. Not kept when inputs are given.",
        nullable=True,
        default="",
        least=REASON_MIN,
        longest=REASON_MAX,
    ),
)
DRAW = {field.name: field for field in DRAW_FIELDS}

_ALLOWED = "A reason the campaign's rules allow"
#: Why a drawn target is replaced (``replace_target``): a reason the campaign's rules allow.
REPLACE_TARGET = CampaignField(
    "reason",
    _l("Reason"),
    CHOICE,
    f"{_ALLOWED} (a city's or a department's rules may name their own; GET "
    "/rules/department lists them). The platform's: "
    + _codes(TARGET_REPLACEMENT_REASONS)
    + " (an entity that cannot be found is a finding, not a reason)",
    required=True,
    choices=TARGET_REPLACEMENT_REASONS,
    empty=_l("Reason for replacing…"),
)
#: Why a drawn inspector is replaced (``replace_member``, ``replace_many``).
REPLACE_INSPECTOR = CampaignField(
    "reason",
    _l("Reason"),
    CHOICE,
    f"{_ALLOWED} (conflict, 抽取后申报回避, always). The platform's: " + _codes(INSPECTOR_REPLACEMENT_REASONS),
    required=True,
    choices=INSPECTOR_REPLACEMENT_REASONS,
    empty=_l("Reason for replacing…"),
)


def values_of(campaign: Campaign) -> dict[str, Any]:
    """A saved campaign's fields, as the cleaning function takes them."""
    values = {field.name: getattr(campaign, field.name) for field in FIELDS if field.kind != IDS}
    values["item_ids"] = [item.id for item in campaign.items]
    values["kind"] = getattr(campaign.kind, "value", campaign.kind) or "random"
    values["named_targets"] = list(campaign.named_targets or [])
    return values
