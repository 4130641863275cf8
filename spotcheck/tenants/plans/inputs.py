"""What a department gives to draft a plan, to plan an item and to file a plan (计划的录入项), declared
once: each field's name, its label, its kind, its bounds and its list. The plan commands check their
input against it (:mod:`spotcheck.tenants.plans.commands`); the API's input schemas and the plan
pages' forms are derived from it. Plans have no workbook."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from spotcheck.tenants.common.vocabulary import reference, sampling

#: The kinds of a field: how it is typed, sent and read.
#: WHOLE a whole number; RATIO a ratio in basis points (the page types a percentage); TEXT a line of
#: text, NOTE a longer one; CHOICE one code of a list, CHOICES several; NUMBERS several whole numbers;
#: ID a row's id, IDS several; YES_NO true or false.
WHOLE, RATIO, TEXT, NOTE, CHOICE, CHOICES, NUMBERS, ID, IDS, YES_NO = (
    "whole",
    "ratio",
    "text",
    "note",
    "choice",
    "choices",
    "numbers",
    "id",
    "ids",
    "yes_no",
)


@dataclass(frozen=True)
class PlanField:
    """One field of a plan command's input."""

    name: str
    label: object  # the page's label (lazy gettext); None where the page has no field for it
    kind: str
    about: str = ""  # what the API's document says of it
    required: bool = False  # the API must send it
    default: object = None  # what an omitted field is
    least: int | None = None  # a number's (or each number's) bounds
    most: int | None = None
    longest: int | None = None  # a text's length, at most
    choices: Mapping | None = None  # a choice's codes and names
    empty: object = None  # the page's label of "none chosen", where a choice may be left empty
    page_name: str = ""  # the page form's name for it, where it differs

    def admits(self, number: int) -> bool:
        """Whether ``number`` is within the field's bounds."""
        return (self.least is None or number >= self.least) and (self.most is None or number <= self.most)

    def fits(self, text: str) -> bool:
        """Whether ``text`` is not too long for the field."""
        return self.longest is None or len(text) <= self.longest

    @property
    def form_name(self) -> str:
        return self.page_name or self.name

    @property
    def nullable(self) -> bool:
        """Whether the API takes null for it (an optional field that is none when omitted, or a choice
        that may be left empty)."""
        return not self.required and (self.default is None or self.empty is not None)


#: The enforcement fields a joint plan may be of: every field outside market regulation.
JOINT_FIELDS = {code: name for code, name in reference.ENFORCEMENT_FIELDS.items() if code != reference.MARKET_FIELD}

#: A plan (``create_plan``): the year's or a half-year's plan, or a field's yearly joint plan.
PLAN_FIELDS: tuple[PlanField, ...] = (
    PlanField("year", _l("Year"), WHOLE, "The plan's year", required=True, least=2000, most=2100),
    PlanField(
        "half",
        _l("Period"),
        CHOICE,
        "None for the whole year, 1 or 2 for a half-year plan",
        choices={1: _l("First half-year"), 2: _l("Second half-year")},
        empty=_l("The whole year"),
    ),
    PlanField("title", _l("Title"), TEXT, "The plan's title", required=True, longest=200),
    PlanField(
        "kind",
        None,
        CHOICE,
        "The year's (or a half-year's) plan, or the yearly joint plan of a field the department leads",
        default="annual",
        choices={"annual": "年度检查计划", "joint": "年度联合抽查工作计划"},
    ),
    PlanField(
        "field",
        _l("Enforcement field"),
        CHOICE,
        "A joint plan's enforcement field (执法领域)",
        default="",
        choices=JOINT_FIELDS,
    ),
    PlanField(
        "department_ids",
        _l("Departments the joint checks will involve"),
        IDS,
        "A joint plan's departments it intends to involve",
        default=list,
    ),
)

#: A plan's line (``set_line``): an item with its ratio, frequency, months and methods.
LINE_FIELDS: tuple[PlanField, ...] = (
    PlanField("item_id", _l("Item"), ID, "A published item of the department's list"),
    PlanField(
        "ratio_bp",
        _l("Planned ratio (%)"),
        RATIO,
        "Planned ratio in basis points, above 0 and at most 10000",
        required=True,
        least=1,
        most=sampling.FULL,
        page_name="ratio",
    ),
    PlanField(
        "frequency_period",
        _l("Frequency: per"),
        CHOICE,
        "抽查频次's period",
        default="",
        choices=sampling.PERIODS,
        empty=_l("As in the item list"),
    ),
    PlanField(
        "frequency_times",
        _l("Frequency: times"),
        WHOLE,
        "抽查频次: times per period, with frequency_period (both null or empty: the item's)",
        least=1,
        most=sampling.MAX_TIMES,
    ),
    PlanField("months", _l("Months"), NUMBERS, "Months of the checks, 1–12", default=list, least=1, most=12),
    PlanField(
        "methods",
        _l("Check methods"),
        CHOICES,
        "检查方式 codes (or Chinese names)",
        default=list,
        choices=reference.CHECK_METHODS,
    ),
)

#: A filing authority's decision (``review``): file the plan (备案) or return it with a comment.
REVIEW_FIELDS: tuple[PlanField, ...] = (
    PlanField("accept", None, YES_NO, "true: file (备案); false: return with the comment", required=True),
    PlanField("comment", _l("Comment"), NOTE, "Required when returning the plan", default=""),
)

PLAN = {field.name: field for field in PLAN_FIELDS}
LINE = {field.name: field for field in LINE_FIELDS}
REVIEW = {field.name: field for field in REVIEW_FIELDS}
