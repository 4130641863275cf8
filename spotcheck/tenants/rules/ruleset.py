"""A set of rules put together (规则集合): the national floor, each level's rulebook version and a department's
version, parameter by parameter — the typed object every command reads (:class:`Rules`), each value
with where it comes from (:class:`Cited`). :mod:`.rulebook` finds the versions in force and builds it.
"""

from __future__ import annotations

from datetime import date
from functools import cached_property
from typing import Any

from spotcheck.tenants.rules import documents
from spotcheck.tenants.rules.citations import Cited, DocumentRef
from spotcheck.tenants.rules.kinds import Deadline
from spotcheck.tenants.rules.parameters import BY_KEY, PARAMETERS, Parameter
from spotcheck.tenants.rules.vocabulary import DRAW_SPEC_MIN_TEAM, EXEMPT_KIND_NAMES, TABLE_NAMES


def _ref(
    document: documents.Document, version_id: int | None = None, source: documents.Source | None = None
) -> DocumentRef:
    if source is not None:
        return DocumentRef("national", source.title, source.title, source.number, None)
    return DocumentRef(
        document.kind, document.title, document.short_title, document.number, document.effective_from, version_id
    )


class Rules:
    """The rules of one department (or of a level, ``department`` None) as put together from the national floor,
    the rulebooks (实施方案) of each region from the root down to the department's, and the department's version.
    Read its typed properties; ask :meth:`cite` where a value comes from.

    A parameter inherited and only tightened (:attr:`~.parameters.Parameter.passes` ``tightened``) takes the value
    of the last document that sets it, every level down (each only stricter: :mod:`.tightening`); a parameter local
    to its level (``local``) is set by the national floor and the **nearest** rulebook alone — a rulebook above
    that one does not reach below it. The place (``place``) is the nearest rulebook's, else ``place`` as given (the
    region's name).

    ``own_level`` says whether the nearest rulebook is the level's own; a level without one (a town) applies its
    nearest level's (适用上级), and of that rulebook's duties and tables only those that bind the levels below too
    (``binds``: 本级及下级) — a duty or table of the rulebook's own level alone (本级: 市直部门) is not the town's."""

    def __init__(
        self,
        national: documents.Document,
        rulebooks: list[tuple[int, documents.Document]] | None,
        department: tuple[int, documents.Document] | None,
        place: str = "",
        own_level: bool = True,
    ):
        chain = list(rulebooks or ())
        self.rulebooks = [_ref(document, version_id) for version_id, document in chain]
        self.rulebook = self.rulebooks[-1] if self.rulebooks else None  # the nearest level's
        self.department = _ref(department[1], department[0]) if department else None
        #: The department's rules were started from another's document (以其他部门的细则为起点): its title; their
        #: articles are not yet confirmed as the department's own ("": its own, or none).
        self.department_starting_point = department[1].based_on if department else ""
        self.own_level = own_level or not chain
        self.place = (chain[-1][1].place if chain else "") or place
        self.values: dict[str, Any] = {}
        self.cited: dict[str, Cited] = {}
        self.floor: dict[str, tuple[Any, Cited]] = {}  # what the documents above the department set
        #: What the national floor leaves to each place while asking it to set it, with the article asking.
        self.asked_by_floor: dict[str, Cited] = {
            key: Cited(
                "national", _ref(national, source=national.source(entry.source)), entry.article, note=entry.open_note
            )
            for key, entry in national.entries.items()
            if not entry.is_set and entry.source
        }
        #: the rulebooks from the root down, each "rulebook" (the level's own: the nearest, when ``own_level``) or
        #: "above" (a level above, whose duties and tables reach this one only where they bind the levels below)
        above: list[tuple[str, documents.Document, DocumentRef | None]] = [
            ("rulebook" if index == len(chain) - 1 and self.own_level else "above", document, ref)
            for index, ((_id, document), ref) in enumerate(zip(chain, self.rulebooks, strict=True))
        ]
        own = [("department", department[1], self.department)] if department else []
        everything = [("national", national, None), *above, *own]
        nearest_only = [("national", national, None), *above[-1:], *own]
        for parameter in PARAMETERS:
            self._put(parameter, everything if parameter.passes == "tightened" else nearest_only)

    def _put(self, parameter: Parameter, layers: list[tuple[str, documents.Document, DocumentRef | None]]) -> None:
        value, cited, open_note, said_by = None, Cited("open"), "", None
        for source, document, ref in layers:
            entry = document.entries.get(parameter.key)
            if entry is None:
                continue
            if not entry.is_set:
                if entry.open_note:
                    open_note, said_by = entry.open_note, ref
                continue
            if source == "department":
                self.floor[parameter.key] = (value, cited)
            if source == "department" and value is not None and parameter.kind.stricter == "superset":
                value = parameter.kind.union(value, entry.value)
            elif source == "above":
                value = parameter.kind.reaching_below(entry.value)
            else:
                value = entry.value
            if source == "national":
                cited = Cited("national", _ref(document, source=document.source(entry.source)), entry.article)
            else:
                cited = Cited("rulebook" if source == "above" else source, ref, entry.article)
        if parameter.key not in self.floor:
            self.floor[parameter.key] = (value, cited)
        if value is None and parameter.platform is not None:
            value, cited = parameter.platform, Cited("platform", note=parameter.platform_note)
        elif value is None:
            cited = Cited("open", note=open_note, said_by=said_by)
        self.values[parameter.key] = value
        self.cited[parameter.key] = cited

    # --- where a value comes from -----------------------------------------------------------------

    def cite(self, key: str) -> str:
        """The document and article that set ``key`` (empty when no document does)."""
        return self.cited[key].citation

    def under(self, key: str) -> str:
        """The words a refusal or a due date opens with: 根据《……》第3条 — where the value is the platform's default
        under a rule of the national floor that leaves the number to each place (紧急检查事后登记的期限:
        国办发〔2024〕54号), that rule; empty when no document sets it."""
        citation = self.cite(key)
        if not citation and self.cited[key].source == "platform" and key in self.asked_by_floor:
            citation = self.asked_by_floor[key].citation
        return f"根据{citation}，" if citation else ""

    def say(self, key: str) -> str:
        """The value in force in Chinese (未规定 when open)."""
        return BY_KEY[key].say(self.values[key])

    # --- results ----------------------------------------------------------------------------------

    @property
    def report_days(self) -> int | None:
        return self.values["report_days"]

    @property
    def publish_days(self) -> int:
        return self.values["publish_days"]

    @property
    def entry_required(self) -> bool:
        return bool(self.values["entry_required"])

    @property
    def late_entry_days(self) -> int:
        return int(self.values["late_entry_days"])

    @property
    def business_evaluation_days(self) -> int:
        return int(self.values["business_evaluation_days"])

    @property
    def advance_notice_days(self) -> int | None:
        """检查预告期: how many days before its window a check shows on the business's record (None: from the window's
        first day)."""
        return self.values["advance_notice_days"]

    @property
    def record_required(self) -> bool:
        return bool(self.values["record_required"])

    @property
    def inspectors_record(self) -> bool:
        """谁检查、谁录入: only the visit's team records its result (the platform's rule where no document says)."""
        return bool(self.values["inspectors_record"])

    @property
    def follow_up_required(self) -> bool:
        """A problem found is dealt with (依法作出处理) before the visit and its campaign close."""
        return bool(self.values["follow_up_required"])

    @property
    def evaluation_required(self) -> bool:
        """The report says how the inspected party was found and what is proposed (对被检查人的评价及处理意见和建议)."""
        return bool(self.values["evaluation_required"])

    # --- plans ------------------------------------------------------------------------------------

    @property
    def plans_required(self) -> bool:
        return bool(self.values["plans_required"])

    @cached_property
    def exempt_kinds(self) -> dict[str, str]:
        """The kinds of check that need no plan (code → name); none when plans are not required."""
        if not self.plans_required:
            return {}
        return {code: EXEMPT_KIND_NAMES[code] for code in self.values["exempt_kinds"] or ()}

    @property
    def exempt_kind_categories(self) -> dict[str, tuple[str, ...]]:
        """The enforcement categories (执法类别) of the items each field-bound exempt kind may be claimed for;
        a kind not named applies to any item."""
        return {kind: tuple(categories) for kind, categories in (self.values["exempt_kind_categories"] or {}).items()}

    def plan_deadline(self, year: int, half: int | None = None) -> date | None:
        """The filing deadline of the year's plan (``half`` None) or of a half-year plan of the other
        fields (1, 2); ``None`` when no rule sets it."""
        if half is None:
            value = self.values["plan_filing_deadline"] if self.plans_required else None
            return Deadline.on(value, year) if value else None
        value = self.values["half_year_plans"]
        if not value:
            return None
        month, day = value["first" if half == 1 else "second"]
        return date(year, month, day)

    @property
    def filing_authorities(self) -> tuple[str, ...]:
        return tuple(self.values["filing_authorities"] or ()) if self.plans_required else ()

    @property
    def publish_before_filing(self) -> bool:
        return bool(self.values["publish_before_filing"])

    @property
    def half_year_plans(self) -> bool:
        return self.values["half_year_plans"] is not None

    @property
    def joint_plans_required(self) -> bool:
        return bool(self.values["joint_plans_required"])

    # --- draws ------------------------------------------------------------------------------------

    @property
    def min_team_size(self) -> int:
        return max(DRAW_SPEC_MIN_TEAM, self.values["min_team_size"] or DRAW_SPEC_MIN_TEAM)

    @property
    def flagged_not_sampled_less(self) -> bool:
        """重点对象的抽查比例不低于一般对象 (国发〔2019〕5号's 加大抽查力度, on the national floor)."""
        return bool(self.values["flagged_not_sampled_less"])

    @property
    def risk_classes_ordered(self) -> bool:
        """A higher risk class is never sampled less than a lower one (国市监信发〔2022〕6号, on the floor)."""
        return bool(self.values["risk_classes_ordered"])

    @property
    def higher_risk_sampled_more(self) -> bool:
        """Flagged entities sampled strictly more than every risk class (提高抽查的比例, where a rulebook says so)."""
        return bool(self.values["higher_risk_sampled_more"])

    @property
    def penalty_window_days(self) -> int | None:
        """How recent a penalty makes an entity “受到行政处罚” (days); None: any penalty on record."""
        value = self.values["penalty_window_days"]
        return None if not value else int(value)

    @property
    def flagged_min_ratio_bp(self) -> int | None:
        value = self.values["flagged_min_ratio"]
        return None if value is None else value * 100

    @property
    def kept_when_checked(self) -> frozenset[str]:
        return frozenset(self.values["kept_when_checked"] or ())

    @property
    def inspection_cap(self) -> int | None:
        """每户企业每年涉企行政检查次数上限, across departments (None: no cap)."""
        return self.values["inspection_cap"]

    @property
    def department_inspection_cap(self) -> int | None:
        """The department's own yearly cap on its inspections of one business (None: no cap)."""
        return self.values["department_inspection_cap"]

    @property
    def cap_exempt_kinds(self) -> frozenset[str]:
        return frozenset(self.values["cap_exempt_kinds"] or ())

    @property
    def named_late_days(self) -> int:
        """紧急检查事后登记期限, in days after the check."""
        return int(self.values["named_late_days"])

    @property
    def repeat_window_days(self) -> int:
        """多部门短期重复检查的统计间隔, in days."""
        return int(self.values["repeat_window_days"])

    @property
    def repeat_draw_alpha(self) -> float:
        """重复抽中提示的概率阈值, as a probability (the rules give it in per cent)."""
        return int(self.values["repeat_draw_alpha"]) / 100

    @property
    def target_replacement_reasons(self) -> dict[str, str]:
        return dict(self.values["target_replacement_reasons"] or {})

    @property
    def publish_drawn_list(self) -> str:
        """抽查对象名单的公布: ``never``, ``after_checks`` or ``after_draw`` (:data:`~.vocabulary.DRAWN_LIST_TIMES`)."""
        return str(self.values["publish_drawn_list"])

    @property
    def inspector_replacement_reasons(self) -> dict[str, str]:
        """The reasons the rules allow, and always a conflict declared after the draw (抽取后申报回避):
        recusal (回避) is the national floor's."""
        reasons = dict(self.values["inspector_replacement_reasons"] or {})
        reasons.setdefault("conflict", BY_KEY["inspector_replacement_reasons"].platform["conflict"])
        return reasons

    # --- inspectors -------------------------------------------------------------------------------

    @property
    def inspector_post_required(self) -> bool:
        return bool(self.values["inspector_post_required"])

    @property
    def expiry_warning_days(self) -> int:
        return self.values["expiry_warning_days"]

    # --- reporting --------------------------------------------------------------------------------

    @property
    def basics_filed(self) -> bool:
        return bool(self.values["basics_filed"])

    @property
    def non_random_reason_required(self) -> bool:
        return bool(self.values["non_random_reason_required"])

    @property
    def directory_yearly_update(self) -> bool:
        """检查对象名录库一年一更新 (where a document asks it)."""
        return bool(self.values["directory_yearly_update"])

    def coverage_goal_bp(self, field: str) -> int | None:
        """The coverage goal of ``field`` (market / other) in basis points; ``None``: no goal."""
        value = self.values[f"coverage_{field}"]
        return None if value is None else value * 100

    @property
    def duties(self) -> list[dict]:
        return list(self.values["duties"] or ())

    @property
    def tables(self) -> dict[str, dict]:
        return dict(self.values["tables"] or {})

    def table_template(self, code: str) -> str:
        """A table's title in this deployment, its place filled in and ``{year}`` left for the year (its
        common name when the rulebook does not use it)."""
        table = self.tables.get(code)
        return (table["title"] if table else TABLE_NAMES[code]).replace("{place}", self.place or "本地")

    def table_title(self, code: str, year: int | None = None) -> str:
        """A table's title in this deployment, its year filled in."""
        return self.table_template(code).format(year=year if year is not None else "")

    def binds_level_only(self, code: str) -> bool:
        """Whether table ``code`` binds the departments of the rulebook's own level alone (本级: a 市直部门 table), not
        those of the levels below (a table the rules do not use: False)."""
        table = self.tables.get(code)
        return table is not None and table["binds"] == "level"

    def table_source(self, code: str) -> str:
        """Where a table comes from, by the rulebook's short title: 《宁安市实施方案》附件2 (empty when the
        rulebook does not use it)."""
        table = self.tables.get(code)
        if not table or self.rulebook is None:
            return ""
        return self.rulebook.short_name + table["attachment"]

    @property
    def market_tables_to_lead(self) -> bool:
        return bool(self.values["market_tables_to_lead"])

    @property
    def jurisdiction_by_place(self) -> bool:
        """A department reaches only the businesses located in its region or below it (属地管辖: 行政处罚法第二十二条,
        :mod:`spotcheck.tenants.directory.jurisdiction`)."""
        return bool(self.values["jurisdiction_by_place"])

    # --- joint ------------------------------------------------------------------------------------

    @property
    def joint_min_departments(self) -> int:
        return self.values["joint_min_departments"]

    # --- supervision ------------------------------------------------------------------------------

    @property
    def enforcement_supervisor(self) -> bool:
        """The justice bureau (司法行政部门) is the level's enforcement supervisor (行政执法监督条例, in force
        from 2026-02-01)."""
        return bool(self.values["enforcement_supervisor"])

    def left_open_against_floor(self, key: str) -> Cited | None:
        """Where ``key`` is open although the national floor in force asks each place to set it (the yearly cap:
        国办发〔2024〕54号), the floor's article asking it (a to-do citing it); else None."""
        return self.asked_by_floor.get(key) if self.values[key] is None else None

    @property
    def due_soon_days(self) -> int:
        return self.values["due_soon_days"]

    @property
    def assessment(self) -> dict:
        return self.values["assessment"]
