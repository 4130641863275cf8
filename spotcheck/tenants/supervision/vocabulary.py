"""The words of supervision (监督统计指标口径与考核扣分项): the one statement of every figure's
name, unit and definition, and of the assessment's deductions (考核扣分项). The dashboard's headers
and tooltips, the drill-down pages, the tables and ``docs/supervision.md`` (written from here by
``spotcheck supervision docs``) all read it. The numbers the figures are counted against — deadlines,
goals, points — are the rules' (:mod:`spotcheck.tenants.rules`), never written here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

from spotcheck.tenants.rules.vocabulary import DEDUCTION_LABELS

if TYPE_CHECKING:  # the figures name their columns with this vocabulary: imported for the annotations only
    from spotcheck.tenants.supervision.figures import Status

from spotcheck.tenants.supervision.periods import (  # noqa: F401 — re-exported: the periods (统计期) as pages name them
    KINDS as PERIOD_KINDS,
    Period,
    choices as period_choices,
    current as current_period,
    parse as parse_period,
    period_name,
    required as required_period,
)


@dataclass(frozen=True)
class Figure:
    key: str
    label: str  # the header on the dashboard and in the tables
    unit: str
    definition: str  # the written definition (tooltip, drill-down page, docs)
    section: str


SECTIONS = {
    "basics": "一单两库一细则",
    "plans": "检查计划备案",
    "coverage": "随机抽查事项覆盖率",
    "work": "抽查工作",
    "publication": "结果公示",
    "joint": "联合抽查",
    "business": "扫码入企与企业评价",
}

FIGURES: tuple[Figure, ...] = (
    Figure(
        "items",
        "随机抽查事项",
        "项",
        "截至统计期末，本部门已公布的检查事项中纳入随机抽查的项数（随机抽查事项清单，“一单”），"
        "按各事项当时有效的版本计；草稿和已停用的事项不计。",
        "basics",
    ),
    Figure(
        "entries",
        "检查对象名录库",
        "户",
        "截至统计期末，本部门检查对象名录库的条目数（“两库”之一）：此前纳入、当时尚未移出的检查对象。",
        "basics",
    ),
    Figure(
        "inspectors",
        "执法检查人员名录库",
        "人",
        "截至统计期末，本部门执法检查人员名录库中在册（未停用）的人数（“两库”之一），含执法证件已过期的人员和专家；"
        "门户网站公示的名录只列当日可被抽取的人员（证件有效、非专家），人数可能少于此数。",
        "basics",
    ),
    Figure(
        "rules",
        "实施细则",
        "",
        "截至统计期末，本部门“双随机、一公开”实施细则是否已在门户网站公布（“一细则”）；以其他部门的细则为起点、"
        "条款尚待本部门确认的不计。",
        "basics",
    ),
    Figure(
        "basics",
        "一单两库一细则",
        "",
        "截至统计期末，随机抽查事项清单已公布、两库均有条目、实施细则已公布，四项齐备为“齐备”；没有本局检查事项、"
        "只负责监督的司法局为“不适用”。",
        "basics",
    ),
    Figure(
        "plan_year",
        "年度检查计划",
        "",
        "统计期所在年度的年度检查计划：于规则规定的截止日前（含）报备为“按时报备”，"
        "之后报备为“逾期报备”，截止日已过仍未报备为“未报备”，截止日未到且未报备为“未到期”；截止日在部门设立（在平台上开设）之前的"
        "不要求报备，不计逾期；规则未要求报备的为“不要求”。以报备（提交司法局）时间为准，北京时间。",
        "plans",
    ),
    Figure(
        "plan_half",
        "非市场监管领域半年计划",
        "",
        "规则要求半年计划时，有其他（非市场监管）领域检查事项的部门，每半年报备非市场监管领域抽查工作计划，"
        "截止日为规则所定。统计期涉及的各半年分别判断，口径同年度计划；无其他领域事项的部门不要求。",
        "plans",
    ),
    Figure(
        "coverage_market",
        "市场监管领域覆盖率",
        "%",
        "截至统计期末，已公布的市场监管领域检查事项中纳入随机抽查的比例（纳入随机抽查的项数 ÷ "
        "市场监管领域检查事项总数），按各事项当时有效的版本计，目标为部门适用规则所定的比例（未规定目标的只显示比例）。"
        "没有该领域事项的部门不计。",
        "coverage",
    ),
    Figure(
        "coverage_other",
        "其他领域覆盖率",
        "%",
        "截至统计期末，已公布的其他（非市场监管）领域检查事项中纳入随机抽查的比例，按各事项当时有效的版本计，"
        "目标为部门适用规则所定的比例。没有该领域事项的部门不计。",
        "coverage",
    ),
    Figure(
        "campaigns",
        "抽查任务",
        "次",
        "检查期开始日在统计期内、已批准的随机抽查任务数（本部门的任务，含参加联合抽查的本部门部分；"
        "牵头部门的联合抽查本身计入“联合抽查”；特定对象检查不计入，见“特定对象检查”）。",
        "work",
    ),
    Figure(
        "draws",
        "随机抽取",
        "次",
        "统计期内在平台上完成的随机抽取次数（抽取检查对象、抽取执法检查人员各计一次），每次均有可独立验证的抽取证明。",
        "work",
    ),
    Figure(
        "checked",
        "已检查户次",
        "户次",
        "检查日期在统计期内、检查结果已报送（待审核、待公示或已公示）的随机抽查户次"
        "（特定对象检查的户次不计入，见“特定对象检查户次”）。",
        "work",
    ),
    Figure("problems", "发现问题户次", "户次", "“已检查户次”中至少一个检查事项的结果类别为发现问题的户次。", "work"),
    Figure(
        "named_campaigns",
        "特定对象检查",
        "次",
        "检查期开始日在统计期内、已批准的特定对象检查数（因投诉举报、发生事故、检验检查不合格、"
        "转办移送或上级交办，逐户列明检查原因、不随机抽取检查对象的检查；执法检查人员仍随机抽取，其抽取计入“随机抽取”）。"
        "与随机抽查分开统计。",
        "work",
    ),
    Figure(
        "named_checked",
        "特定对象检查户次",
        "户次",
        "检查日期在统计期内、检查结果已报送的特定对象检查户次，与“已检查户次”分开统计。"
        "公示期限、逾期报送和扫码入企等指标对两类检查同样适用，一并计算。",
        "work",
    ),
    Figure(
        "follow_ups_open",
        "后续处置未办结",
        "件",
        "统计期结束时（当前统计期为今天）已开启、尚未办结的后续处置（责令改正、立案、移送、移送公安）件数。",
        "work",
    ),
    Figure(
        "answers_on_time",
        "整改按期答复",
        "件",
        "答复日期在统计期内、在责令改正期限当日或之前，企业在平台上提交的整改答复件数（退回后再次答复的，每次答复计一件）。",
        "work",
    ),
    Figure(
        "answers_late",
        "整改逾期答复",
        "件",
        "答复日期在统计期内、晚于责令改正期限，企业在平台上提交的整改答复件数（退回后再次答复的，每次答复计一件）。",
        "work",
    ),
    Figure(
        "publish_due",
        "应公示户次",
        "户次",
        "公示期限（检查结束后按规则所定的工作日数，审核时间计算在内，按国家法定节假日和调休计算）在统计期内且已到期的检查户次。",
        "publication",
    ),
    Figure(
        "published_on_time", "按时公示户次", "户次", "“应公示户次”中在公示期限当日或之前公示的户次。", "publication"
    ),
    Figure("on_time_rate", "按时公示率", "%", "按时公示户次 ÷ 应公示户次；没有应公示户次时不计。", "publication"),
    Figure(
        "published_late",
        "逾期公示户次",
        "户次",
        "“应公示户次”中超过公示期限才公示或至今仍未公示的户次。",
        "publication",
    ),
    Figure(
        "reports_overdue",
        "逾期报送结果",
        "户次",
        "检查结果报送期限（已录入检查日期、规则规定了报送期限的为检查结束后所定的工作日数，其余为抽查任务检查期的最后一天）"
        "在统计期内且已过、结果仍未报送（待检查、录入中或已退回），或首次报送晚于期限（逾期提交）的检查户次。",
        "publication",
    ),
    Figure(
        "provisional",
        "期限暂定户次",
        "户次",
        "检查日期或期限在统计期内、报送期限或公示期限落在尚未录入国家法定节假日和调休安排的"
        "年份、因而暂按周一至周五计算的检查户次。平台管理员录入该年安排后，这些期限自动按正式安排重新计算"
        "（只会提前或不变），本数随之减少。",
        "publication",
    ),
    Figure("joint", "联合抽查", "次", "检查期开始日在统计期内、本部门牵头或参加的联合抽查次数。", "joint"),
    Figure(
        "visits_saved",
        "减少检查户次",
        "户次",
        "本部门牵头的联合抽查中，分别抽查预计户次减去实际检查户次（“进一次门、查多项事”"
        "减少的上门次数），按各次联合抽查四舍五入后相加。",
        "joint",
    ),
    Figure(
        "codes_issued",
        "发放检查码",
        "户次",
        "统计期内分派检查任务时发放检查码的检查户次（国办发〔2024〕54号“扫码入企”）："
        "每户次一个检查码（印在检查通知书上，任何人扫码或输入即可核验）和一个企业核验码（只印在送达企业的通知书上）。"
        "事项未公布、计划未报备、检查人员无有效执法证件的不发码。联合检查每户次只发一个检查码，计入混合检查组组长所在部门。",
        "business",
    ),
    Figure(
        "scan_rate",
        "扫码核验率",
        "%",
        "“发放检查码”的户次中，检查码页面至少被打开过一次（扫描二维码或输入检查码）的比例："
        "已扫码核验户次 ÷ 发放检查码户次；没有发放时不计。扫码只汇总计次，不记录扫码人的地址或位置。",
        "business",
    ),
    Figure(
        "entry_rate",
        "入企登记率",
        "%",
        "检查日期在统计期内、检查结果已报送的有检查码的检查户次中，检查组长在结果首次报送之前"
        "已登记入企（现场登记，或补录）的比例；报送之后才补录或更正的不计为已登记。没有检查码的户次不计。",
        "business",
    ),
    Figure(
        "evaluations",
        "企业评价",
        "件",
        "统计期内企业凭企业核验码对已离企的检查作出的评价件数（每户次一次）。评价由司法局保存，"
        "逐条内容只有司法局可见。被检查的部门只看到本部门已经结束的统计期的件数，且该期不少于5条、与已显示的其他统计期"
        "（如半年与其中一个季度）相减后也不少于5条，否则显示“不足5条，暂不显示”或“与已显示的统计期相减不足5条，暂不显示”；"
        "统计期未结束的显示“统计期结束后显示”。已结束统计期的件数不再变化。",
        "business",
    ),
    Figure(
        "satisfaction",
        "平均满意度",
        "分",
        "统计期内企业评价的满意度平均值（5 非常满意、4 满意、3 基本满意、2 不满意、"
        "1 非常不满意），保留两位小数；没有评价时不计。"
        "被检查的部门只在能看到件数的统计期看到平均满意度；该期各条评分相同"
        "（或与已显示的统计期相减后剩下的各条评分相同）时只显示件数、不显示平均分，以免推知单个企业的评分。",
        "business",
    ),
    Figure(
        "complaints_open",
        "投诉待答复",
        "件",
        "统计期内企业就本部门的检查向司法局提出、统计期结束时（当前统计期为现在）司法局尚未答复的投诉件数。"
        "投诉及投诉人只有司法局可见；部门查看本部门数据时，只计司法局转办本部门的投诉（按转办时间），"
        "本数为本部门尚未答复司法局的件数。",
        "business",
    ),
    Figure(
        "complaints_answered",
        "投诉已答复",
        "件",
        "统计期内企业就本部门的检查向司法局提出、统计期结束前司法局已答复的投诉件数。部门查看本部门数据时，"
        "为司法局转办本部门、本部门已答复司法局的件数。",
        "business",
    ),
)
BY_KEY = {figure.key: figure for figure in FIGURES}
#: The figures whose rows are the businesses' evaluations (the justice bureau's: a department reads figures only).
EVALUATION_FIGURES = ("evaluations", "satisfaction")
#: The fewest evaluations a department sees a figure of (in a period, and in what a subtraction leaves).
EVALUATIONS_SHOWN_FROM = 5
#: Why a department does not see the figures of its evaluations (:mod:`.evaluation_figures`), as the page says it.
EVALUATIONS_WITHHELD = {
    "running": "统计期结束后显示",
    "fewer": f"不足{EVALUATIONS_SHOWN_FROM}条，暂不显示",
    "subtracted": f"与已显示的统计期相减不足{EVALUATIONS_SHOWN_FROM}条，暂不显示",
    "same": "各条评分相同，只显示件数",
    "same_subtracted": "与已显示的统计期相减后评分相同，只显示件数",
}

#: 涉企检查频次: the justice bureau's figures of how often the businesses are inspected, for the whole area
#: (:mod:`spotcheck.tenants.supervision.burden`); a check is an on-site visit whose result was reported, a joint
#: visit once.
BURDEN_TITLE = "涉企检查频次"
BURDEN_FIGURES: tuple[Figure, ...] = (
    Figure(
        "over_cap",
        "超过检查次数上限的企业",
        "户",
        "本年度计入检查次数上限的检查（随机抽查抽中且未被替换、特定对象检查中不属于不计入上限"
        "情形的，联合检查按一次计）多于实施方案规定的年度总上限，或多于某部门细则规定的本部门上限的企业户数。应为0；"
        "两个抽取范围在对方抽取前均已冻结而各自仍可抽中的，标明“同时冻结”。",
        "burden",
    ),
    Figure(
        "repeated",
        "短期内多部门重复检查的企业",
        "户",
        "统计期内被不同部门先后现场检查（不属于同一次联合检查），检查日期相隔不超过"
        "规则规定日数（平台默认30日）的企业户数。",
        "burden",
    ),
    Figure(
        "per_business",
        "每户企业平均检查次数",
        "次",
        "统计期内现场检查户次 ÷ 被现场检查的企业户数（联合检查按一次计），并列出检查次数最多的企业。",
        "burden",
    ),
    Figure(
        "joint_rate",
        "联合检查占比",
        "%",
        "统计期内现场检查中联合检查（“进一次门、查多项事”）所占比例：联合检查户次 ÷ 现场检查户次，联合检查按一次计。",
        "burden",
    ),
    Figure(
        "onsite",
        "现场检查户次（与上年同期比）",
        "户次",
        "统计期内检查结果已报送的现场检查户次（联合检查按一次计），与上年同期相比。",
        "burden",
    ),
    Figure(
        "suspicious",
        "重复抽中提示",
        "户",
        "一个部门在本年度自己的随机抽查中两次以上抽中同一企业，按该企业所在各次抽取范围的候选数和抽取数"
        "计算，抽中这么多次的概率低于规则规定阈值（平台默认1%）的企业户数。",
        "burden",
    ),
)
BURDEN_BY_KEY = {figure.key: figure for figure in BURDEN_FIGURES}
#: What a business of a drill-down opens: its checks of the period, as 现场检查户次 counts them.
BURDEN_BUSINESS = Figure(
    "business",
    "现场检查",
    "户次",
    "统计期内该企业检查结果已报送的现场检查（联合检查按一次计，列出检查的各部门），"
    "即“现场检查户次”计入的该企业的检查。",
    "burden",
)
#: The columns of each drill-down of the figures of 涉企检查频次 (``checks``: a figure counted in checks, and one
#: business's checks).
BURDEN_COLUMNS = {
    "over_cap": ["企业", "统一社会信用代码", "计入次数", "上限", "上限出处", "计入的检查任务", "说明"],
    "checks": ["检查任务", "企业", "统一社会信用代码", "检查部门", "检查日期"],  # a joint visit once, every department
    "repeated": ["企业", "统一社会信用代码", "检查次数", "各次检查的日期和部门"],
    "per_business": ["企业", "统一社会信用代码", "检查次数"],
    "suspicious": ["企业", "统一社会信用代码", "部门", "抽中次数", "期望次数", "概率", "所在抽取范围的检查任务"],
}

#: The codes the statistical tables had before they were named by what they are (the audit entries of
#: those days keep them): former code → code (:data:`spotcheck.tenants.rules.vocabulary.TABLE_NAMES`).
FORMER_TABLE_CODES = {
    "001-1": "plan",
    "001-2": "progress",
    "001-3": "joint",
    "001-4": "halfplan",
    "001-5": "practice",
    "003-3": "area",
    "003-4": "dept",
    "003-5": "contacts",
}

#: The statuses of a table to submit (报表报送), in words.
REPORT_STATUS = {
    "on_time": "按时报送",
    "late": "逾期报送",
    "missing": "逾期未报送",
    "pending": "未到期",
    "not_owed": "不要求（部门设立前已截止）",
}

#: The statuses of a plan deadline, in words.
FILING_STATUS = {
    "on_time": "按时报备",
    "late": "逾期报备",
    "missing": "未报备",
    "pending": "未到期",
    "not_required": "不要求",
    "not_owed": "不要求（部门设立前已截止）",
}


@dataclass(frozen=True)
class Deduction:
    """One deduction of the assessment: what it counts (its points and cap are the rules' default,
    :attr:`spotcheck.tenants.rules.rulebook.Rules.assessment`, as the justice bureau set them)."""

    code: str
    definition: str
    figure: str  # the figure whose rows are the occurrences (drill-down)

    @property
    def label(self) -> str:
        return DEDUCTION_LABELS[self.code]

    def occurrences(self, status: Status) -> int:
        return OCCURRENCES[self.code](status)


OCCURRENCES: dict[str, Callable[[Status], int]] = {
    "missed_filing": lambda s: sum(1 for f in s.filings if f.status == "missing"),
    "late_filing": lambda s: sum(1 for f in s.filings if f.status == "late"),
    "coverage_market": lambda s: int(s.below_target("market")),
    "coverage_other": lambda s: int(s.below_target("other")),
    "late_publication": lambda s: s.published_late,
    "overdue_report": lambda s: s.reports_overdue,
    "no_basics": lambda s: int(s.basics_missing),
    "no_ceremony": lambda s: int(s.checked > 0 and s.draws == 0),
}

DEDUCTIONS: tuple[Deduction, ...] = (
    Deduction("missed_filing", "截止日已过仍未报备的年度计划或非市场监管领域半年计划，每份扣分。", "plan_year"),
    Deduction("late_filing", "截止日之后才报备的年度计划或半年计划，每份扣分。", "plan_year"),
    Deduction("coverage_market", "市场监管领域纳入随机抽查的事项低于部门适用规则所定的目标。", "coverage_market"),
    Deduction("coverage_other", "其他领域纳入随机抽查的事项低于部门适用规则所定的目标。", "coverage_other"),
    Deduction("late_publication", "超过公示期限才公示或仍未公示的检查户次，每户次扣分。", "published_late"),
    Deduction(
        "overdue_report",
        "报送期限已过仍未报送、或超过报送期限才报送检查结果的检查户次，每户次扣分。",
        "reports_overdue",
    ),
    Deduction("no_basics", "随机抽查事项清单、两库、实施细则有一项缺失或未公布。", "basics"),
    Deduction(
        "no_ceremony", "统计期内有检查结果、却没有在平台上完成任何随机抽取（检查对象未经平台的抽取程序产生）。", "draws"
    ),
)
DEDUCTION_BY_CODE = {d.code: d for d in DEDUCTIONS}
assert set(DEDUCTION_BY_CODE) == set(DEDUCTION_LABELS)


def markdown() -> str:
    """The definitions as the page ``docs/supervision.md`` (generated; a test keeps it current)."""
    lines = [
        "# 监督统计指标口径（supervision figures）",
        "",
        "Generated from `spotcheck/tenants/supervision/vocabulary.py` by `spotcheck supervision docs`; "
        "do not edit by hand. The dashboard's tooltips and drill-down pages show the same text.",
        "",
        "- 期限、覆盖率目标、计划报备截止日和考核分值都取自现行规则（本地实施方案、部门细则和国家规定，"
        "见 `docs/rules.md`）；规则未规定的不设期限、不设目标、不计逾期。监督页面的“指标口径”页列出现行数值及其出处。",
        "- 落在尚未录入法定节假日安排的年份的期限暂按周一至周五计算。",
        "- 统计期：季度、半年或年度，按北京时间的日期划分。",
        "",
    ]
    for section, title in SECTIONS.items():
        lines += [f"## {title}", "", "| 指标 | 单位 | 口径 |", "|---|---|---|"]
        lines += [f"| {f.label} | {f.unit or '—'} | {f.definition} |" for f in FIGURES if f.section == section]
        lines.append("")
    lines += [f"## {BURDEN_TITLE}（全区域，司法局）", "", "| 指标 | 单位 | 口径 |", "|---|---|---|"]
    lines += [f"| {f.label} | {f.unit or '—'} | {f.definition} |" for f in BURDEN_FIGURES]
    lines.append("")
    lines += ["## 考核扣分项（分值取自现行规则，司法局可调整）", "", "| 扣分项 | 口径 |", "|---|---|"]
    lines += [f"| {d.label} | {d.definition} |" for d in DEDUCTIONS]
    lines.append("")
    return "\n".join(lines)


def provisional_note(count: int) -> str:
    """The line under a table or figure whose deadlines are partly provisional (暂按周一至周五计算)."""
    if not count:
        return ""
    return (
        f"注：其中{count}户次的报送或公示期限落在尚未录入国家法定节假日安排的年份，调休安排未公布，"
        "除法定节假日外暂按周一至周五计算，该年安排录入后自动重新计算。"
    )


#: The drill-down tables (明细): how they answer yes or no, complete or missing, and the columns of each,
#: by the figure it explains (``visits``: every figure counted in visits).
YES_NO = {True: "是", False: "否"}
COMPLETE = {True: "齐备", False: "缺失"}
DRILL_COLUMNS = {
    "visits": ["抽查任务", "检查对象", "检查日期", "状态", "报送期限", "公示期限", "公示时间"],
    # 特定对象检查户次: each with the business's cause, the bureau's to read (the public reads only 有因检查)
    "named_visits": ["抽查任务", "检查对象", "检查日期", "状态", "报送期限", "公示期限", "公示时间", "检查原因"],
    "basics": ["项目", "情况", "是否齐备"],
    "items": ["事项编码", "事项名称", "领域", "纳入随机抽查", "不纳入随机抽查的理由"],  # seed 001: 书面说明理由
    "entries": ["统一社会信用代码", "名称", "监管类别", "风险等级"],
    "inspectors": ["姓名", "执法机构", "执法证编号"],
    "rules": ["实施细则", "是否公布", "公布时间"],
    "plans": ["计划", "期间", "报备截止", "报备日期", "状态", "司法局意见"],
    "campaigns": ["编号", "名称", "检查期", "状态"],
    "draws": ["抽查任务", "名称", "抽取", "抽取时间", "随机种子"],
    "follow_ups_open": ["抽查任务", "检查对象", "处置方式", "开启日期", "改正期限"],
    "answers": ["抽查任务", "检查对象", "改正期限", "答复日期", "审核结果"],
    "joint": ["编号", "名称", "参与部门", "实际检查户次", "各部门抽查户次合计", "分别抽查预计户次", "减少检查户次"],
    "codes": ["抽查任务", "检查对象", "检查日期", "状态", "发码时间", "扫码核验次数", "入企登记", "结果首次报送"],
    "evaluations": ["评价时间", "抽查任务", "检查对象", "满意度", "评价内容"],  # the justice bureau's reading alone
    "complaints": ["投诉时间", "抽查任务", "检查对象", "投诉内容", "状态", "答复时间"],
    # a department's: the complaints the bureau forwarded to it, as forwarded (anonymous ones name nothing)
    "complaint_forwards": ["转办时间", "抽查任务", "检查对象", "转办内容", "状态", "答复司法局时间"],
}


#: The Celery task (后台作业) that builds a statistical table, and its jobs' kind (never renamed).
TABLE_TASK, TABLE_JOB = "spotcheck.supervision.table", "supervision.table"
#: The Celery task that counts a bureau's figures of a period again (立即重新统计), its jobs' kind, and the beat's
#: task that counts every department's (never renamed).
COUNT_TASK, COUNT_JOB = "spotcheck.supervision.count", "supervision.count"
COUNT_DUE_TASK = "spotcheck.supervision.count_due"
#: The Celery task that runs a bureau's check of a blinded draw (核验抽取: the key and the clear file of a frame of
#: up to a million rows read, blinded and digested, the proof checked — seconds), and its jobs' kind (never renamed).
DRAW_CHECK_TASK, DRAW_CHECK_JOB = "spotcheck.supervision.draw_check", "supervision.draw_check"


#: A complaint's state (投诉), as the bureau reads it.
COMPLAINT_STATUS_LABELS = {
    "open": _l("Received: to forward or answer"),
    "forwarded": _l("Forwarded to the department"),
    "answered": _l("Answered by the bureau"),
}
#: A forwarded complaint's state (转办), as the department it was forwarded to reads it.
FORWARD_STATUS_LABELS = {False: _l("Waiting for our answer"), True: _l("Answered to the justice bureau")}
