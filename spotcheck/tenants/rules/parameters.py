"""Every parameter of the rules (规则参数), the one statement: its key in a rules file, its Chinese
name, its kind of value (:mod:`.kinds`), what it drives in the platform, and the platform's own
default where one exists (平台默认: a platform setting, never another place's rule).

A value in force comes from the national floor (国家规定), the deployment's rulebook (实施方案), the
department's rules (细则), a platform default, or nowhere (未规定: no rule, no to-do, no late flag) —
:mod:`.rulebook` puts them together. ``docs/rules.md`` is written from this table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from spotcheck.tenants.rules import kinds, structured
from spotcheck.tenants.rules.vocabulary import (
    CAP_EXEMPT_KIND_NAMES,
    DEDUCTION_LABELS,
    DRAW_SPEC_MIN_TEAM,
    DRAWN_LIST_TIMES,
    EXEMPT_KIND_NAMES,
    FILING_AUTHORITIES,
    KEPT_FLAGS,
)


@dataclass(frozen=True)
class Parameter:
    key: str
    label: str  # its name, in Chinese
    group: str
    kind: kinds.Kind[Any]  # each parameter its own kind of value
    drives: str  # what it drives, in Chinese (the preset pages and docs/rules.md)
    platform: Any = None  # the platform's default when no document sets it (None: open)
    platform_note: str = ""  # why the platform has a default (shown beside it)

    @property
    def passes(self) -> str:
        """How it passes down the regions (逐级适用): ``tightened`` — inherited by every level below, each only
        stricter (deadlines, ratios, team size, caps); ``local`` — the level's own (its duties and tables and their
        recipients, its filing authorities, its field leads, its assessment): the national floor and the nearest
        level's rulebook set it, a rulebook above that level does not reach below it (:data:`LOCAL`); a level without
        a rulebook of its own applies the nearest one's, of its duties and tables those binding the levels below."""
        return "local" if self.key in LOCAL else "tightened"

    @property
    def department_may_set(self) -> bool:
        """A department's rules (细则) may set it (only stricter): every kind but the fixed ones."""
        return self.kind.stricter != "fixed"

    def say(self, value: object) -> str:
        return "未规定" if value is None else self.kind.say(value)


#: The parameters local to a level (本级规定): what a level's rulebook sets for its own departments and bureau, never
#: passed to a level below that has a rulebook of its own, nor checked against the rulebook above it. A level below
#: without one applies it (适用上级): all of it but the duties and tables of the rulebook's own level alone (``binds``).
LOCAL = frozenset(
    {
        "filing_authorities",
        "duties",
        "tables",
        "market_tables_to_lead",
        "market_field_lead",
        "enforcement_supervisor",
        "assessment",
    }
)

#: How each way of passing down reads (the catalogue's column).
PASSES = {"tightened": "逐级继承、只能从严", "local": "本级规定、不逐级继承（无实施方案的下级适用最近一级的）"}

GROUPS = {
    "results": "检查结果的报送与公示",
    "plans": "年度检查计划",
    "draws": "随机抽取",
    "inspectors": "执法检查人员",
    "reporting": "统计报表与覆盖率",
    "joint": "联合抽查",
    "supervision": "提醒与考核",
}

_TARGET_REASONS = {
    "closed": "已关闭停业",
    "deregistered": "已注销",
    "revoked": "已被吊销",
    "moved": "已迁出",
    "recused_by_rule": "依规回避",
}
_INSPECTOR_REASONS = {"leave": "请假", "illness": "因病", "conflict": "抽取后申报回避", "post_change": "岗位调整"}
_ASSESSMENT: dict[str, Any] = {
    "full_score": 100.0,
    "deductions": {
        "missed_filing": [5.0, 10.0],
        "late_filing": [2.0, 6.0],
        "coverage_market": [5.0, 5.0],
        "coverage_other": [5.0, 5.0],
        "late_publication": [0.5, 10.0],
        "overdue_report": [0.2, 5.0],
        "no_basics": [5.0, 5.0],
        "no_ceremony": [5.0, 5.0],
    },
}
assert set(_ASSESSMENT["deductions"]) == set(DEDUCTION_LABELS)
#: The enforcement categories (执法类别) each field-bound exempt kind covers, as the platform reads the words.
_EXEMPT_CATEGORIES = {
    "food_drug": ["food", "drug"],
    "production_safety": ["safety", "hazchem", "mining", "fire"],
    "public_safety": ["safety", "hazchem", "mining", "fire", "construction", "transport"],
    "environment": ["environment"],
}

PARAMETERS: tuple[Parameter, ...] = (
    # --- results --------------------------------------------------------------------------------
    Parameter(
        "report_days",
        "检查结果报送期限",
        "results",
        kinds.WorkingDays(),
        "检查结束后多少个工作日内报送检查结果（检查报告）：每户次检查的报送期限、待办和逾期提示，以及“逾期报送结果”指标（逾期提交的标明逾期）。"
        "未规定时不设报送期限。",
    ),
    Parameter(
        "publish_days",
        "检查结果公示期限",
        "results",
        kinds.WorkingDays(),
        "检查结束后多少个工作日内公示检查结果（审核时间计算在内）：公示期限、待办、“按时公示率”和逾期公示。",
    ),
    Parameter(
        "record_required",
        "检查结果须附现场检查笔录",
        "results",
        kinds.Flag(),
        "报送检查结果时必须写明或上传现场检查笔录（检查记录）；未规定时笔录可不填。",
    ),
    Parameter(
        "entry_required",
        "提交检查结果前须登记入企",
        "results",
        kinds.Flag(),
        "检查组长提交检查结果前，须已登记入企（现场扫码登记，或在补录期限内补录并说明理由）；未规定时可不登记，"
        "但“入企登记率”照常统计。",
    ),
    Parameter(
        "late_entry_days",
        "补录入企、离企的期限",
        "results",
        kinds.Number(stricter="lower", low=1, high=60, unit="日"),
        "未能在现场登记入企、离企的，检查组长在检查结束后多少日（自然日）内补录并说明理由；逾期只能由负责人更正，说明理由并留痕。",
        platform=10,
        platform_note="未规定时平台默认10日（自然日），实施方案或细则可以缩短",
    ),
    Parameter(
        "business_evaluation_days",
        "企业评价检查的期限",
        "results",
        kinds.Number(stricter="higher", low=1, high=365, unit="日"),
        "检查组登记离企后多少日（自然日）内，被检查企业可以凭企业核验码在检查码页面评价本次检查（每次检查一次）。",
        platform=30,
        platform_note="国办发〔2024〕54号要求听取企业意见、未规定评价期限：平台默认30日，实施方案或细则可以延长",
    ),
    Parameter(
        "advance_notice_days",
        "检查预告期",
        "results",
        kinds.Number(stricter="higher", low=1, high=60, unit="日"),
        "抽查任务的检查期间开始前多少日（自然日），被检查企业在本企业的检查记录中看到检查预告（检查部门、检查事项及依据、"
        "检查期间和检查组）；未规定时企业自检查期间的第一日起看到；检查通知书一经出具即显示，不受本期限限制。"
        "特定对象检查不预告，离企后才显示。",
    ),
    Parameter(
        "inspectors_record",
        "谁检查、谁录入",
        "results",
        kinds.Flag(),
        "检查结果只由实施检查的检查组成员录入（部门代为导入的，须由组长确认提交）：录入的拒绝理由写明出处。",
        platform=True,
        platform_note="检查结果由检查组成员录入：本地文件未规定时平台照此执行",
    ),
    Parameter(
        "check_dates_in_window",
        "检查日期在检查期间内、不在未来",
        "results",
        kinds.Flag(),
        "检查报告写明的检查时间（开始和结束日期）须在抽查任务的检查期间内，且不晚于当日；录入、提交和更正检查日期的拒绝理由"
        "写明出处。",
        platform=True,
        platform_note="检查日期在检查期间内、不在未来：本地文件未规定时平台照此执行",
    ),
    Parameter(
        "follow_up_required",
        "抽查发现问题的依法作出处理",
        "results",
        kinds.Flag(),
        "检查结果发现问题的，须记录后续处置（责令改正、立案、移送等）或由负责人说明无需处置的理由，该户次检查和抽查任务"
        "才能办结。",
        platform=True,
        platform_note="发现问题的检查有后续处置或负责人说明无需处置后才能办结：本地文件未规定时平台照此执行",
    ),
    Parameter(
        "evaluation_required",
        "检查报告须含对被检查人的评价及处理意见和建议",
        "results",
        kinds.Flag(),
        "报送检查结果时必须写明对被检查人的评价和处理意见和建议（表单、接口和检查结果导入）；未规定时可不填。",
    ),
    # --- plans ----------------------------------------------------------------------------------
    Parameter(
        "plans_required",
        "检查须列入年度检查计划",
        "plans",
        kinds.Flag(),
        "抽查任务的检查事项须在已备案的年度检查计划内（计划外检查只限所列情形，并说明理由）；"
        "计划的报备、备案待办和“年度检查计划”指标。未规定时不要求计划。",
    ),
    Parameter(
        "exempt_kinds",
        "可不列入计划的检查情形",
        "plans",
        kinds.Codes(choices=EXEMPT_KIND_NAMES),
        "计划外抽查任务可选的情形（须说明理由）。",
    ),
    Parameter(
        "exempt_kind_categories",
        "计划外检查情形适用的执法类别",
        "plans",
        structured.KindCategories(),
        "食品药品安全、安全生产、公共安全、环境保护等涉及领域的计划外检查情形，只能用于执法类别属于该领域的检查事项"
        "（抽查任务和联合抽查本部门部分的起草、修改和批准）；因事故、检验检查不合格、投诉举报和上级临时部署开展的检查不限事项。",
        platform=_EXEMPT_CATEGORIES,
        platform_note="没有文件规定各情形适用哪些执法类别：平台按情形所指的领域对应，实施方案或细则可另定",
    ),
    Parameter(
        "plan_filing_deadline",
        "年度检查计划报备期限",
        "plans",
        kinds.Deadline(),
        "年度检查计划报司法局（及市场监督管理局）备案的截止日：待办、“按时报备/逾期报备/未报备”和考核扣分。",
    ),
    Parameter(
        "filing_authorities",
        "检查计划的备案机关",
        "plans",
        kinds.Codes(stricter="fixed", choices=FILING_AUTHORITIES),
        "检查计划报哪些机关备案：每个备案机关的备案审核待办和决定。",
    ),
    Parameter(
        "publish_before_filing",
        "检查计划备案前须向社会公布",
        "plans",
        kinds.Flag(),
        "检查计划只有公开后才能报备，公开后修改须重新公开。",
    ),
    Parameter(
        "half_year_plans",
        "非市场监管领域半年计划报备期限",
        "plans",
        kinds.HalfYearDeadlines(),
        "有非市场监管领域检查事项的部门上、下半年抽查工作计划的报备截止日：待办和“半年计划”指标。",
    ),
    Parameter(
        "joint_plans_required",
        "其他执法领域的年度联合抽查计划须报备",
        "plans",
        kinds.Flag(),
        "市场监管领域外各执法领域的牵头部门编制年度联合抽查工作计划并报司法局备案审核。",
    ),
    # --- draws ----------------------------------------------------------------------------------
    Parameter(
        "min_team_size",
        "每组检查人员最少人数",
        "draws",
        kinds.Number(stricter="higher", low=1, high=10, unit="人"),
        "抽查任务每组抽取的执法检查人员不少于此数（在批准时固定，写入抽取证明）。少于国家规定（行政处罚法第四十二条：执法人员"
        "不得少于两人）的规定不予采用，并写明出处。",
        platform=DRAW_SPEC_MIN_TEAM,
        platform_note="平台的随机抽取规则以每组2人为最少",
    ),
    Parameter(
        "team_leader_required",
        "每个检查组指定一名检查组长",
        "draws",
        kinds.Flag(),
        "每户次检查的检查组须有一名检查组长（组长）后，抽查任务才能下达（交办）；派发的拒绝理由写明出处。",
        platform=True,
        platform_note="每户次检查有组长后才能下达：本地文件未规定时平台照此执行",
    ),
    Parameter(
        "jurisdiction_by_place",
        "部门只及于本辖区的检查对象（属地管辖）",
        "draws",
        kinds.Flag(stricter="fixed"),
        "部门的检查对象名录库、特定对象检查和市场主体名录的登记、修改（因而它的随机抽取）只及于住所或任一经营场所位于"
        "本部门区划或其下级区划的对象；向上、向旁的一律拒绝，拒绝写明对象所在地、部门所在地和出处。位于区划树之外的对象"
        "只由根区划的部门管辖。",
    ),
    Parameter(
        "flagged_not_sampled_less",
        "重点对象的抽查比例不低于一般对象",
        "draws",
        kinds.Flag(),
        "投诉举报多、列入经营异常名录或有严重违法违规记录等重点对象单列一层时，其抽取规则不得低于任何一个风险等级的"
        "一般对象（抽查任务起草、修改和批准时检查，联合抽查各部门部分亦同）。",
    ),
    Parameter(
        "risk_classes_ordered",
        "风险越高抽查比例越高",
        "draws",
        kinds.Flag(),
        "抽查任务按风险等级分层时，风险较高的一层的抽取规则不得低于风险较低的任何一层（每两层都比较，"
        "不只比较最高一层）。",
    ),
    Parameter(
        "higher_risk_sampled_more",
        "重点对象提高抽查比例",
        "draws",
        kinds.Flag(),
        "重点对象的抽取比例须高于每一个风险等级（提高抽查的比例，不只是不低于）。",
    ),
    Parameter(
        "penalty_window_days",
        "“受到行政处罚”的认定期限",
        "draws",
        kinds.Window(unit="日"),
        "最近一次行政处罚在此日数内的检查对象，视为“受到行政处罚”：归入重点对象一层，同一年度已抽查时"
        "不予排除（不予排除的情形列有“受到行政处罚”时）。0 表示不限期限（文件只写“受到行政处罚”）。",
        platform=365,
        platform_note="文件未限定期限时，平台按最近一年内受到行政处罚认定，实施方案或细则可以另定",
    ),
    Parameter(
        "flagged_min_ratio",
        "重点对象最低抽查比例",
        "draws",
        kinds.Percent(),
        "抽查任务须为重点对象单列一层，其抽取比例不低于此数。",
    ),
    Parameter(
        "kept_when_checked",
        "同一年度已抽查对象不予排除的情形",
        "draws",
        kinds.Codes(stricter="superset", choices=KEPT_FLAGS),
        "抽查任务排除本年度已就同一事项检查过的对象时，这些情形的对象仍留在抽取范围内。",
        platform=list(KEPT_FLAGS),
        platform_note="本地规则未列举时，所有重点情形均不排除",
    ),
    Parameter(
        "inspection_cap",
        "每户企业每年涉企行政检查次数上限",
        "draws",
        kinds.Number(stricter="lower", low=1, high=100, unit="次"),
        "同一企业一个年度内被各部门现场检查（抽中且未被替换的检查对象，联合检查按一次计）达到此数的，此后冻结的抽取范围"
        "将其排除（排除原因“已达年度检查次数上限”），并随抽取范围公布被排除的企业及计入次数的抽查任务。未规定时不设上限。",
    ),
    Parameter(
        "department_inspection_cap",
        "本部门每年对同一企业的检查次数上限",
        "draws",
        kinds.Number(stricter="lower", low=1, high=100, unit="次"),
        "同一企业一个年度内被本部门现场检查达到此数的，本部门此后冻结的抽取范围将其排除。未规定时不设上限。",
    ),
    Parameter(
        "cap_exempt_kinds",
        "不计入检查次数上限的检查情形",
        "draws",
        kinds.Codes(choices=CAP_EXEMPT_KIND_NAMES),
        "这些情形的抽查任务（写明情形和理由）不计入检查次数上限，其抽取范围也不因上限排除企业。",
        platform=list(CAP_EXEMPT_KIND_NAMES),
        platform_note="本地规则未列举时，平台将因事故、检验检查不合格、投诉举报和上级临时部署开展的检查不计入上限",
    ),
    Parameter(
        "named_causes_only",
        "特定对象检查只限法定事由",
        "draws",
        kinds.Flag(),
        "不经随机抽取、对特定对象实施的检查（有因检查），每户写明所列事由之一（投诉举报、发生事故、依法检验检查不合格、"
        "有关部门转办移送、上级交办）及其编号或文号；其他事由的拒绝理由写明出处。",
    ),
    Parameter(
        "named_late_days",
        "紧急检查事后登记期限",
        "draws",
        kinds.Number(stricter="lower", low=1, high=30, unit="日"),
        "情况紧急、未登记即对特定对象实施的检查，由负责人在检查后此日数（自然日）内补办登记，写明理由和实际到场的检查人员；"
        "逾期不能补办。",
        platform=3,
        platform_note="国办发〔2024〕54号要求规范检查程序、未规定补办期限：平台默认3日，实施方案或细则可以缩短",
    ),
    Parameter(
        "repeat_window_days",
        "多部门短期重复检查的统计间隔",
        "draws",
        kinds.Number(low=1, high=365, unit="日"),
        "同一企业被不同部门先后现场检查（不属于同一次联合检查），检查日期相隔不超过此日数的，司法局“涉企检查频次”统计列为"
        "短期重复检查，逐户可查。",
        platform=30,
        platform_note="国办发〔2024〕54号要求统筹检查、避免重复检查，未规定间隔：平台默认30日，实施方案可以延长",
    ),
    Parameter(
        "repeat_draw_alpha",
        "重复抽中提示的概率阈值",
        "draws",
        kinds.Percent(),
        "一个部门在一个年度的随机抽查中多次抽中同一企业，按各次抽取范围的候选数和抽取数计算，抽中这么多次的概率低于此数的，"
        "司法局“涉企检查频次”统计列为“重复抽中提示”，附各次抽查任务：各次的候选数和抽取数公开，任何人可用公布的抽取证明复算；盲化抽取（spotcheck-draw/3）中企业以盲化标识出现，"
        "由监督机关凭盲化密钥、企业凭本企业的盐值核对其所在层级。",
        platform=1,
        platform_note="平台默认1%，实施方案可以提高（提示更多）",
    ),
    Parameter(
        "target_replacement_reasons",
        "检查对象的替换理由",
        "draws",
        kinds.Labels(),
        "抽中的检查对象可以按哪些理由从同一排序中替换（替换均留痕公示）。",
        platform=_TARGET_REASONS,
        platform_note="平台提供的常用理由",
    ),
    Parameter(
        "publish_drawn_list",
        "抽查对象名单的公布",
        "draws",
        kinds.Choice(choices=DRAWN_LIST_TIMES),
        "盲化抽取（spotcheck-draw/3）的随机抽查任务抽中的检查对象名单（只列统一社会信用代码和名称，不列所在层级、排序和检查组）"
        "是否、何时在公开页面公布：不公布；检查结束后（检查期最后一日过后）；抽取后（执法检查人员抽取范围冻结后：此后不再替换"
        "检查对象，名单只有一个版本，替换的拒绝理由写明出处）。各层抽中数量和抽取证明照常公开。联合抽查按各部门规定中公开最少的"
        "一项；特定对象检查的检查对象在检查组离企后公布，不适用本参数。",
        platform="after_draw",
        platform_note="本地文件未规定时，名单在执法检查人员抽取范围冻结后公布，实施方案或细则可以另定",
    ),
    Parameter(
        "inspector_replacement_reasons",
        "执法检查人员的替换理由",
        "draws",
        kinds.Labels(),
        "抽中的执法检查人员可以按哪些理由重新随机替换。",
        platform=_INSPECTOR_REASONS,
        platform_note="平台提供的常用理由",
    ),
    # --- inspectors -----------------------------------------------------------------------------
    Parameter(
        "published_items_only",
        "未经公布的检查事项不得实施检查",
        "inspectors",
        kinds.Flag(),
        "抽查任务和计划只能选用已公布的检查事项。",
    ),
    Parameter(
        "certified_only",
        "只有持有效执法证件的人员实施检查",
        "inspectors",
        kinds.Flag(),
        "只有名录库中在册、执法证有效、具备执法类别的执法人员才能被抽取；专家和辅助人员不得实施检查。",
    ),
    Parameter(
        "recusal",
        "与检查对象有利害关系的检查人员回避",
        "inspectors",
        kinds.Flag(),
        "申报的回避关系在抽取时排除，抽取后申报的回避按规则替换。",
    ),
    Parameter(
        "inspector_post_required",
        "执法检查人员名录须列明岗位职务",
        "inspectors",
        kinds.Flag(),
        "新增或修改执法检查人员时必须填写岗位职务。",
    ),
    Parameter(
        "expiry_warning_days",
        "执法证到期提醒",
        "inspectors",
        kinds.Number(stricter="higher", low=1, high=365, unit="天"),
        "执法证在此天数内到期的，在名录和待办中提醒。",
        platform=30,
        platform_note="平台默认的提醒天数",
    ),
    # --- reporting ------------------------------------------------------------------------------
    Parameter(
        "basics_filed",
        "“一单两库一细则”报司法局备案",
        "reporting",
        kinds.Flag(),
        "各部门建立并公布随机抽查事项清单、两库和实施细则，报司法局（法制办）备案：尚未齐备的部门首页有待办，"
        "“一单两库一细则”指标注明出处。",
    ),
    Parameter(
        "non_random_reason_required",
        "不适宜随机抽查的事项须书面说明理由",
        "reporting",
        kinds.Flag(),
        "检查事项不纳入随机抽查的，发布时须写明理由（报司法局，覆盖率明细中可查）。",
        platform=True,
        platform_note="不纳入随机抽查的事项写明理由：本地文件未规定时平台照此执行",
    ),
    Parameter(
        "directory_yearly_update",
        "检查对象名录库一年一更新",
        "reporting",
        kinds.Flag(),
        "部门的检查对象名录库须每年至少更新一次：超过一年未更新的，部门管理员首页有待办。",
    ),
    Parameter(
        "coverage_market",
        "市场监管领域随机抽查事项覆盖率目标",
        "reporting",
        kinds.Percent(),
        "本部门市场监管领域检查事项纳入随机抽查的比例目标：覆盖率指标、统计表和考核扣分。未规定时只显示比例、不设目标。",
    ),
    Parameter(
        "coverage_other",
        "其他领域随机抽查事项覆盖率目标",
        "reporting",
        kinds.Percent(),
        "本部门其他行政检查事项纳入随机抽查的比例目标。",
    ),
    Parameter(
        "duties",
        "统计报表报送义务",
        "reporting",
        structured.Duties(),
        "每个部门（或司法局）按统计期报送哪张统计表、何时截止、报给谁，适用本级部门还是本级及下级部门：报表待办、"
        "按时/逾期/未报送。",
    ),
    Parameter(
        "tables",
        "统计表",
        "reporting",
        structured.Tables(),
        "本地使用的统计表及其表名、附件号和适用范围：统计报表页可生成的表（只适用本级部门的表，司法局汇总时只列本级部门）。",
    ),
    Parameter(
        "market_tables_to_lead",
        "涉及市场监管领域的报表径送市场监督管理局",
        "reporting",
        kinds.Flag(stricter="fixed"),
        "涉及市场监管领域的报表另报市场监督管理局：报送义务写明，市场监督管理局可查阅已报送的报表。",
    ),
    # --- joint ----------------------------------------------------------------------------------
    Parameter(
        "market_field_lead",
        "市场监管领域联合抽查由市场监督管理局牵头",
        "joint",
        kinds.Flag(stricter="fixed"),
        "市场监管领域的联合抽查由市场监督管理局牵头发起；其他领域的牵头部门由平台管理员指定。",
    ),
    Parameter(
        "joint_min_departments",
        "联合抽查最少参加部门数",
        "joint",
        kinds.Number(stricter="higher", low=2, high=20, unit="个部门"),
        "联合抽查须有此数以上的部门批准本部门部分后才能抽取。",
        platform=2,
        platform_note="两个部门以上才是联合抽查",
    ),
    # --- supervision ----------------------------------------------------------------------------
    Parameter(
        "enforcement_supervisor",
        "司法行政部门是本级政府的行政执法监督机构",
        "supervision",
        kinds.Flag(stricter="fixed"),
        "司法局（司法行政部门）代表本级政府实施行政执法监督：受理企业对行政检查的投诉，备案审核检查计划，统计、考核和通报；"
        "投诉和监督页面写明出处。",
    ),
    Parameter(
        "due_soon_days",
        "即将到期提醒",
        "supervision",
        kinds.Number(stricter="higher", low=0, high=20, unit="个工作日"),
        "期限在此工作日数内到期的，标记为“即将到期”。",
        platform=2,
        platform_note="平台默认的提醒工作日数",
    ),
    Parameter(
        "assessment",
        "考核扣分",
        "supervision",
        structured.Assessment(),
        "司法局考核各部门时的满分、每项扣分和最多扣分（司法局可在考核页调整）。",
        platform=_ASSESSMENT,
        platform_note="平台提供的默认分值，司法局可调整",
    ),
)
assert {p.key for p in PARAMETERS} >= LOCAL
BY_KEY = {parameter.key: parameter for parameter in PARAMETERS}
