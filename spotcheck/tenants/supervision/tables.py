"""The statistical tables as .xlsx (统计报表), filled from the data.

Which tables a deployment uses, their titles and the attachments they are, come from its rulebook
(:meth:`spotcheck.tenants.rules.rulebook.Rules.table_title`): 宁安市's 实施方案 lists its five 附件 by
title only — their columns are the platform's own, named in the document's words, each filled from
the figures (:mod:`~spotcheck.tenants.supervision.figures`), the same numbers as the dashboard —;
城口县's gives its 附件3 and 附件4 as forms (title, the 填表 lines, numbered sections and their headers,
the 合计 line), reproduced with the document's words, the place names made this deployment's. A
question of a form the platform holds no data for (a department's 实施意见 document and its 文号) is
the department's to fill on the table's page (:mod:`~spotcheck.tenants.supervision.entries`).

Every table is built for a period (quarter, half-year or year) and for the departments the reader
may see: every department for the justice bureau, one's own for a department leader. The area-wide
table is the justice bureau's only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import force_locale

from spotcheck.core.clock import today
from spotcheck.core.database import db
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.campaigns.models import NOT_CARRIED_OUT, Campaign, CampaignKind, campaign_item
from spotcheck.tenants.common.vocabulary import PLAN_HALF, PLAN_STATUS, reference
from spotcheck.tenants.items.history import items_at
from spotcheck.tenants.items.models import Item
from spotcheck.tenants.joint import statistics
from spotcheck.tenants.plans.models import Plan, PlanItem
from spotcheck.tenants.rules.rulebook import Rules
from spotcheck.tenants.rules.vocabulary import TABLE_NAMES
from spotcheck.tenants.spreadsheets.forms import Section, Sheet, write
from spotcheck.tenants.supervision import conditions as when, contacts, entries, figures, levels
from spotcheck.tenants.supervision.periods import Period
from spotcheck.tenants.supervision.vocabulary import FILING_STATUS, provisional_note

FILLER = entries.FILLER


@dataclass(frozen=True)
class TableSpec:
    code: str
    area_wide: bool  # the justice bureau's only
    build: Callable[[Context], list[Sheet]]

    @property
    def name(self) -> str:
        """Its common name (统计表的通称)."""
        return TABLE_NAMES[self.code]


@dataclass
class Context:
    period: Period
    tenants: list[Tenant]
    statuses: list[figures.Status]
    area: str
    single: bool  # one department (a leader's own)
    title: str = ""  # the table's title in this deployment, its year filled in
    entered: dict | None = None  # the departments' entries in the cells they fill (entries.values)
    filer: int | None = None  # the department filing it (the area-wide table's entries are its)


def place_of(tenant: Tenant | None = None) -> str:
    """The place of department ``tenant``'s level (宁安市) as the rules of its region name it, else its region's
    name (no department: the root's rules)."""
    place = levels.rules_of(tenant.id if tenant is not None else None).place
    if place or tenant is None:
        return place
    return tenant.region.name


def title_of(code: str, period: Period, rules: Rules | None = None, tenant_id: int | None = None) -> str:
    """The title of table ``code`` for ``period`` at the level of department ``tenant_id`` (its region's rules; the
    rulebook's title, year filled in; the platform's own name for a table the rulebook does not give)."""
    return (rules or levels.rules_of(tenant_id, period.start)).table_title(code, period.year)


#: The list the platform keeps whatever the rulebook: each department's 负责人 and 联络员.
ALWAYS = ("contacts",)


def offered(rules: Rules | None = None, tenant_id: int | None = None) -> list[TableSpec]:
    """The tables the rules of department ``tenant_id``'s level use (and the platform's own list of contacts), in
    the order of the platform's list."""
    used = (rules or levels.rules_of(tenant_id)).tables
    return [spec for code, spec in TABLES.items() if code in used or code in ALWAYS]


def level_of_table(code: str, filer_id: int | None, period: Period | None = None) -> int | None:
    """The region whose departments alone table ``code`` lists, as department ``filer_id``'s level builds it: its own
    region's when the rules of its level give the table for the level's departments alone (``binds`` 本级: 宁安市's
    市直部门 tables, not its towns' offices); None — every department read — for any other table, for the area-wide
    one (the bureau's own, covering its whole area) and for the list the platform keeps of every department
    (:data:`ALWAYS`)."""
    if filer_id is None or TABLES[code].area_wide or code in ALWAYS:
        return None
    if not levels.rules_of(filer_id, period.start if period is not None else None).binds_level_only(code):
        return None
    return levels.region_of(filer_id)


def _yes(flag: bool) -> str:
    return "是" if flag else "否"


#: A rate with nothing to divide by (no department, item or result due): not applicable.
NOT_APPLICABLE = "—"
#: The number format of a rate cell (per cent, one decimal: the header says "（%）").
RATE_FORMAT = "0.0"


def _pct(part: int, whole: int) -> float | None:
    """``part`` of ``whole`` in per cent, one decimal, as a number (``None`` when ``whole`` is 0)."""
    return None if not whole else round(100.0 * part / whole, 1)


def _rate(value: float | None) -> float | str:
    """A rate cell: the number, or :data:`NOT_APPLICABLE`."""
    return NOT_APPLICABLE if value is None else value


def _pct_text(value: float | None) -> str:
    """A rate inside a sentence (the forms' 合计 lines): ``50.0``, or — ."""
    return NOT_APPLICABLE if value is None else f"{value:.1f}"


def _rate_formats(headers: list[str]) -> dict[int, str]:
    """The rate columns of ``headers`` (those in per cent) formatted to one decimal."""
    return {index: RATE_FORMAT for index, header in enumerate(headers) if "%" in header and "是否" not in header}


def practised(status: figures.Status) -> bool:
    """已实行“双随机”抽查: the department ran a random check in the period — a campaign of its own
    past its draft, or its part of a joint one (the table's 已开展抽查次数). A department that ran
    none is not listed as practising, whatever its item list holds (it is named 未实行 below)."""
    return status.campaigns > 0


def _filled_on() -> str:
    day = today()
    return f"填表时间：{day.year}年{day.month}月{day.day}日"


def _period_line(period: Period) -> str:
    return f"（{period.label}）"


def _campaign_counts_by_item(period: Period) -> dict[int, int]:
    """How many approved random campaigns of the period check each item (已开展抽查次数 per item): a check of named
    businesses is not a random check."""
    query = (
        sa.select(campaign_item.c.item_id, sa.func.count(sa.distinct(Campaign.id)))
        .join(Campaign, Campaign.id == campaign_item.c.campaign_id)
        .where(
            Campaign.status.not_in(NOT_CARRIED_OUT),
            Campaign.window_start >= period.start,
            Campaign.window_start <= period.end,
            Campaign.kind == CampaignKind.random,
        )
        .group_by(campaign_item.c.item_id)
    )
    return dict(db.session.execute(query).all())


def _items_of(tenant_ids: list[int], period: Period) -> dict[int, list[Item]]:
    """Each department's item list as it stood at the period's end (each item as its version in force then)."""
    found: dict[int, list[Item]] = {t: [] for t in tenant_ids}
    for item in items_at(when.end_of(period), tenant_ids):
        found[item.tenant_id].append(item)
    return found


def _item_name(item: Item) -> str:
    """An item as the forms name it: its name, its sub-item in brackets."""
    return item.name + (f"（{item.sub_item}）" if item.sub_item else "")


# --- the forms (城口县's 附件3 and 附件4) ------------------------------------------------------------


def _area_table(ctx: Context) -> list[Sheet]:
    """The area's departments (城口县's 附件3)."""
    with_items = [s for s in ctx.statuses if s.market_items + s.other_items]
    listed = [s for s in ctx.statuses if s.items]
    practising = [s for s in ctx.statuses if practised(s)]
    idle = [s.name for s in with_items if not practised(s)]
    published_on_time = sum(s.published_on_time for s in ctx.statuses)
    checked = {tenant_id: sum(1 for _, times in items if times) for tenant_id, items in _random_items(ctx).items()}
    rows = [
        [
            n,
            s.name,
            _yes(s.rules),
            _yes(bool(s.items and s.entries and s.inspectors)),
            checked.get(s.tenant_id, 0),
            s.campaigns,
        ]
        for n, s in enumerate(practising, start=1)
    ]
    mechanism = Section(
        "一、“双随机、一公开”制度机制建设情况",
        ["序号", "项目", "情况"],
        [
            [1, entries.DOCUMENT.question, entries.shown(ctx.entered, ctx.filer, "document")],
            [2, "是否已编制随机抽查事项清单", f"{_yes(bool(listed))}（{len(listed)}个部门已公布）"],
            [
                3,
                "是否已建立检查结果公开机制",
                f"{_yes(any(s.rules for s in ctx.statuses))}"
                f"（{sum(1 for s in ctx.statuses if s.rules)}个部门已公布实施细则，"
                f"统计期内按时公示{published_on_time}户次）",
            ],
        ],
        widths=[8, 50, 40],
    )
    departments = Section(
        "二、已实行“双随机”抽查的区（县）级部门情况",
        ["序号", "部门名称", "是否制定实施细则", "是否编制“一单两库”", "实行抽查事项项数", "已开展抽查次数"],
        rows,
        [
            f"合计共{len(practising)}个部门，占有行政检查事项部门总数的比例为"
            f"{_pct_text(_pct(len(practising), len(with_items)))}%。",
            *([f"统计期内未实行“双随机”抽查（未开展抽查）的部门：{'、'.join(idle)}。"] if idle else []),
        ],
        widths=[8, 24, 16, 18, 16, 14],
    )
    return [
        Sheet(
            "区县推行情况",
            ctx.title,
            [_period_line(ctx.period), f"区县名称（盖章）：{ctx.area}", _filled_on()],
            [mechanism, departments],
            signature="联系人：                    联系电话：",
        )
    ]


def _random_items(ctx: Context) -> dict[int, list[tuple[Item, int]]]:
    """Per department, its items under random checking (of the item list as it stood at the period's end),
    each with how many campaigns of the period checked it (已开展抽查次数): only an item checked is
    已实行“双随机”抽查 — one reading for 附件3's 实行抽查事项项数 and 附件4's lists."""
    per_item = _campaign_counts_by_item(ctx.period)
    return {
        tenant_id: [(i, per_item.get(i.id, 0)) for i in listed if i.random_check]
        for tenant_id, listed in _items_of([s.tenant_id for s in ctx.statuses], ctx.period).items()
    }


def _department_table(ctx: Context) -> list[Sheet]:
    """One sheet per department (城口县's 附件4). Its sections list the items 已实行“双随机”抽查 in the
    period: those of the item list (as it stood at the period's end) under random checking that a
    campaign checked (已开展抽查次数 > 0), as 城口县's 附件3 lists only the departments that checked; the
    合计 line counts them against the field's items, and a line names the items not checked."""
    items = _random_items(ctx)
    sheets = []
    for status in ctx.statuses:
        mechanism = Section(
            "一、“双随机、一公开”制度机制建设情况",
            ["序号", "项目", "情况"],
            [
                [1, entries.DOCUMENT.question, entries.shown(ctx.entered, status.tenant_id, "document")],
                [2, "是否已编制随机抽查事项清单", f"{_yes(bool(status.items))}（{status.items}项）"],
                [
                    3,
                    "是否已建成检查对象名录库和执法检查人员名录库",
                    f"{_yes(bool(status.entries and status.inspectors))}"
                    f"（检查对象{status.entries}户，执法检查人员{status.inspectors}人）",
                ],
                [4, "是否已建立检查结果公开机制", _yes(status.rules)],
            ],
            widths=[8, 50, 40],
        )
        sections = [mechanism]
        for heading, field_code, total, name in (
            ("二、已实行“双随机”抽查的市场监管行政检查事项情况", "market", status.market_items, "市场监管"),
            ("三、已实行“双随机”抽查的其他行政检查事项情况", "other", status.other_items, "其他"),
        ):
            listed = [
                (i, times)
                for i, times in items.get(status.tenant_id, [])
                if (i.field == "market") == (field_code == "market")
            ]
            chosen = [(i, times) for i, times in listed if times]
            rows = [
                [n, _item_name(i), _yes(status.rules), i.sampling_text, times]
                for n, (i, times) in enumerate(chosen, start=1)
            ]
            idle = [_item_name(i) for i, times in listed if not times]
            sections.append(
                Section(
                    heading,
                    ["序号", "事项名称", "是否制定实施细则", "抽查比例和频次", "已开展抽查次数"],
                    rows,
                    [
                        f"合计共{len(chosen)}项，占本部门{name}行政检查事项总数的比例为"
                        f"{_pct_text(_pct(len(chosen), total))}%。",
                        *([f"统计期内已纳入随机抽查但未开展抽查的事项：{'、'.join(idle)}。"] if idle else []),
                    ],
                    widths=[8, 40, 16, 30, 14],
                )
            )
        sheets.append(
            Sheet(
                status.name[:31],
                ctx.title,
                [_period_line(ctx.period), f"单位名称（盖章）：{status.name}", _filled_on()],
                sections,
                signature="联系人：                    联系电话：",
            )
        )
    return sheets


# --- the tables by title (宁安市's 附件1–5) --------------------------------------------------------------


def _plan_rows(ctx: Context, *, halves: tuple[int | None, ...], field_code: str | None) -> list[list]:
    names = {t.id: t.name for t in ctx.tenants}
    ids = list(names)
    query = (
        sa.select(Plan, PlanItem, Item)
        .join(PlanItem, PlanItem.plan_id == Plan.id)
        .join(Item, Item.id == PlanItem.item_id)
        .where(Plan.year == ctx.period.year, Plan.kind == "annual", Plan.tenant_id.in_(ids))
        .order_by(Plan.tenant_id, Plan.half, Item.code)
    )
    query = query.where(sa.or_(*[(Plan.half.is_(None) if h is None else Plan.half == h) for h in halves]))
    if field_code == "other":
        query = query.where(Item.field != "market")
    rows = []
    for n, (plan, line, item) in enumerate(db.session.execute(query).all(), start=1):
        filing = figures.filing(plan.tenant_id, plan.year, plan.half, plan)
        rows.append(
            [
                n,
                names[plan.tenant_id],
                str(PLAN_HALF[plan.half]),
                _item_name(item),
                item.legal_basis,
                item.target_type,
                "、".join(reference.CHECK_METHODS.get(m, m) for m in (line.methods or item.methods or [])),
                _ratio(line.ratio_bp),
                line.frequency_text or item.frequency_text,
                "、".join(f"{m}月" for m in (line.months or [])),
                f"{FILING_STATUS[filing.status]}（{PLAN_STATUS[plan.status.value]}）",
            ]
        )
    return rows


def _ratio(basis_points: int) -> int | float:
    """A plan line's sampling ratio in per cent, as a number (5, 2.5)."""
    return basis_points // 100 if basis_points % 100 == 0 else basis_points / 100


PLAN_HEADERS = [
    "序号",
    "部门",
    "计划期间",
    "检查事项",
    "检查依据",
    "检查对象",
    "检查方式",
    "抽查比例（%）",
    "检查频次",
    "计划检查时间",
    "报备情况",
]
PLAN_WIDTHS = [6, 18, 10, 30, 30, 20, 16, 10, 12, 16, 16]


def _plan_table(ctx: Context) -> list[Sheet]:
    """The year's administrative inspection plans, item by item (宁安市's 附件1)."""
    rows = _plan_rows(ctx, halves=(None,), field_code=None)
    return [
        Sheet(
            "年度行政执法检查计划",
            ctx.title,
            [_period_line(Period(ctx.period.year)), _unit_line(ctx), _filled_on()],
            [Section(None, PLAN_HEADERS, rows, [f"合计共{len(rows)}项检查事项。"], PLAN_WIDTHS)],
        )
    ]


def _unit_line(ctx: Context) -> str:
    return f"填报单位（盖章）：{ctx.tenants[0].name if ctx.single else ctx.area + '司法局汇总'}"


PROGRESS_HEADERS = [
    "序号",
    "部门名称",
    "随机抽查事项数",
    "抽查任务数",
    "随机抽取次数",
    "已检查户次",
    "发现问题户次",
    "应公示户次",
    "按时公示户次",
    "按时公示率（%）",
    "逾期公示户次",
    "逾期报送结果户次",
    "后续处置未办结件数",
    "联合抽查次数",
]


def _progress_row(n: int, s: figures.Status) -> list[object]:
    return [
        n,
        s.name,
        s.items,
        s.campaigns,
        s.draws,
        s.checked,
        s.problems,
        s.publish_due,
        s.published_on_time,
        _rate(s.on_time_rate),
        s.published_late,
        s.reports_overdue,
        s.follow_ups_open,
        s.joint,
    ]


def _progress_table(ctx: Context) -> list[Sheet]:
    """Every department's progress of random checks in the period (宁安市's 附件2)."""
    rows = [_progress_row(n, s) for n, s in enumerate(ctx.statuses, start=1)]
    sums = [
        sum(getattr(s, k) for s in ctx.statuses)
        for k in ("items", "campaigns", "draws", "checked", "problems", "publish_due", "published_on_time")
    ]
    late = [
        sum(getattr(s, k) for s in ctx.statuses)
        for k in ("published_late", "reports_overdue", "follow_ups_open", "joint")
    ]
    total = ["合计", f"{len(rows)}个部门", *sums, _rate(_pct(sums[6], sums[5])), *late]
    notes = [line for line in [provisional_note(sum(s.provisional for s in ctx.statuses))] if line]
    return [
        Sheet(
            "随机抽查工作进展情况",
            ctx.title,
            [_period_line(ctx.period), _unit_line(ctx), _filled_on()],
            [
                Section(
                    None,
                    PROGRESS_HEADERS,
                    [*rows, total],
                    notes,
                    [6, 20] + [12] * 12,
                    total=True,
                    formats=_rate_formats(PROGRESS_HEADERS),
                )
            ],
        )
    ]


def _joint_table(ctx: Context) -> list[Sheet]:
    """The joint campaigns (宁安市's 附件3), built by :func:`spotcheck.tenants.joint.statistics.build` —
    the same table the lead department reads on its own page, whoever asks."""
    department_id = ctx.tenants[0].id if ctx.single else None
    unit = ctx.tenants[0].name if ctx.single else ctx.area + "司法局汇总"
    return [statistics.sheet(statistics.build(ctx.period, department_id, unit), title=ctx.title)]


def _other_plan_table(ctx: Context) -> list[Sheet]:
    """The half-year plans of random checks outside market regulation (宁安市's 附件4)."""
    halves = ctx.period.halves if ctx.period.kind != "year" else (1, 2)
    rows = _plan_rows(ctx, halves=halves, field_code="other")
    return [
        Sheet(
            "非市场监管领域抽查计划",
            ctx.title,
            [_period_line(ctx.period), _unit_line(ctx), _filled_on()],
            [Section(None, PLAN_HEADERS, rows, [f"合计共{len(rows)}项抽查事项。"], PLAN_WIDTHS)],
        )
    ]


OTHER_HEADERS = [
    "序号",
    "部门名称",
    "其他领域检查事项数",
    "纳入随机抽查事项数",
    "覆盖率（%）",
    "覆盖率目标（%）",
    "是否达到目标",
    "是否制定实施细则",
    "检查对象名录库（户）",
    "执法检查人员（人）",
    "抽查任务数",
    "已检查户次",
    "按时公示率（%）",
]


def _goal(status: figures.Status) -> tuple:
    """A department's goal of the other fields and whether it is met (未设目标 where its rules set none)."""
    coverage = status.coverage("other")
    if not coverage.has_goal:
        return NOT_APPLICABLE, "未设目标"
    return coverage.goal_percent, _yes(coverage.met)


def _other_practice_table(ctx: Context) -> list[Sheet]:
    """How departments outside market regulation practise 双随机、一公开 (宁安市's 附件5)."""
    chosen = [s for s in ctx.statuses if s.other_items]
    rows = [
        [
            n,
            s.name,
            s.other_items,
            s.other_random,
            _rate(s.coverage_other),
            *_goal(s),
            _yes(s.rules),
            s.entries,
            s.inspectors,
            s.campaigns,
            s.checked,
            _rate(s.on_time_rate),
        ]
        for n, s in enumerate(chosen, start=1)
    ]
    items, random_items = sum(s.other_items for s in chosen), sum(s.other_random for s in chosen)
    with_goal = [s for s in chosen if s.coverage("other").has_goal]
    total = [
        "合计",
        f"{len(chosen)}个部门",
        items,
        random_items,
        _rate(_pct(random_items, items)),
        NOT_APPLICABLE,
        f"{sum(1 for s in with_goal if s.coverage('other').met)}个达到" if with_goal else "未设目标",
        f"{sum(1 for s in chosen if s.rules)}个",
        sum(s.entries for s in chosen),
        sum(s.inspectors for s in chosen),
        sum(s.campaigns for s in chosen),
        sum(s.checked for s in chosen),
        _rate(_pct(sum(s.published_on_time for s in chosen), sum(s.publish_due for s in chosen))),
    ]
    return [
        Sheet(
            "非市场监管领域推行情况",
            ctx.title,
            [_period_line(ctx.period), _unit_line(ctx), _filled_on()],
            [
                Section(
                    None,
                    OTHER_HEADERS,
                    [*rows, total],
                    [],
                    [6, 20] + [12] * 11,
                    total=True,
                    formats=_rate_formats(OTHER_HEADERS),
                )
            ],
        )
    ]


def _contacts_table(ctx: Context) -> list[Sheet]:
    """Each department's 负责人 and 联络员 (as they stand, whatever the period; 城口县's 附件5)."""
    return contacts.sheets(ctx.tenants, ctx.tenants[0].name if ctx.single else ctx.area + "司法局汇总", title=ctx.title)


TABLES: dict[str, TableSpec] = {
    spec.code: spec
    for spec in (
        TableSpec("plan", False, _plan_table),
        TableSpec("progress", False, _progress_table),
        TableSpec("joint", False, _joint_table),
        TableSpec("halfplan", False, _other_plan_table),
        TableSpec("practice", False, _other_practice_table),
        TableSpec("area", True, _area_table),
        TableSpec("dept", False, _department_table),
        TableSpec("contacts", False, _contacts_table),
    )
}
assert set(TABLES) == set(TABLE_NAMES)


def file_name(title: str, period: Period, department: str | None = None) -> str:
    """The workbook's name: the sheet's title, the period and (for one department's) its name."""
    return f"{title}（{period.label}{'，' + department if department else ''}）.xlsx".replace("/", "／")


def build(
    code: str,
    period: Period,
    tenants: list[Tenant],
    *,
    single: bool,
    filer: int | None = None,
    progress: Callable[[int], None] = lambda p: None,
) -> tuple[bytes, str]:
    """The workbook of table ``code`` for ``period`` and ``tenants`` (with the entries of the cells the
    departments fill; ``filer``'s in the area-wide table), read in the current scope, and its title (the
    first sheet's). In Chinese whatever the requester's language: it is filed."""
    spec = TABLES[code]
    level = level_of_table(code, filer, period)
    if level is not None:  # a table of the level's own departments (市直部门): not those of the levels below
        tenants = [tenant for tenant in tenants if tenant.region_id == level]
    statuses = figures.compute(period, tenants)
    progress(50)
    place = db.session.get(Tenant, filer) if filer is not None else (tenants[0] if tenants else None)
    ctx = Context(
        period,
        tenants,
        statuses,
        area=place_of(place),
        single=single,
        title=title_of(code, period, tenant_id=place.id if place is not None else None),
        filer=filer,
        entered=entries.values(code, period, [t.id for t in tenants] + ([filer] if filer else [])),
    )
    with force_locale("zh_CN"):
        sheets = spec.build(ctx)
    progress(80)
    return write(sheets), sheets[0].title
