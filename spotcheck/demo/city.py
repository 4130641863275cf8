"""The demo city's documents and plans (演示城市的细则、计划与抽查任务): each department's rules' text, its
plans and the campaigns the demo runs, as data and small functions. The item lists are
:mod:`spotcheck.demo.city_items`, the registry :mod:`spotcheck.demo.registry`, the inspectors
:mod:`spotcheck.demo.staff`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypedDict

# --- the rules document (一细则) ---------------------------------------------------------------

_RULES = "\n\n".join(
    (
        "第一条 为规范{dept}“双随机、一公开”监管工作，根据《国务院关于在市场监管领域全面推行部门联合“双随机、"
        "一公开”监管的意见》（国发〔2019〕5号）、本地实施方案等规定，结合本部门实际，制定本细则。",
        "第二条 本细则所称“双随机、一公开”，是指在监管过程中随机抽取检查对象，随机选派执法检查人员，"
        "抽查情况及查处结果及时向社会公开。",
        "第三条 本部门依照法律、法规、规章，建立随机抽查事项清单，明确抽查事项名称、检查依据、检查主体、"
        "检查内容和检查方式，并根据法律法规修订情况和工作实际动态调整，及时向社会公布。",
        "第四条 本部门建立检查对象名录库，涵盖{targets}；建立执法检查人员名录库，"
        "涵盖所有具有行政执法资格的在编在岗人员，并根据人员变动及时更新。",
        "第五条 年度抽查工作计划的编制、公布和报备，按本地实施方案的规定执行。",
        "第六条 抽取检查对象时，根据信用风险分类结果合理确定抽查比例和频次：对信用风险高、"
        "被列入经营异常名录或严重违法失信名单、近期受到行政处罚或投诉举报较多的检查对象，适当提高抽查比例和频次；"
        "对信用风险低的，适当降低抽查比例和频次。",
        "第七条 检查人员通过系统从执法检查人员名录库中随机选派，并指定组长。"
        "执法证件过期或与检查对象存在利害关系的人员不得被选派；检查人员与检查对象有利害关系的，应当主动申请回避。",
        "第八条 抽取过程全程留痕，抽取结果和抽取凭证可供公开验证，任何人不得擅自重复抽取或更改抽取结果。",
        "第九条 检查人员应当及时录入检查结果；抽查结果按照《企业信息公示暂行条例》规定的期限，"
        "通过国家企业信用信息公示系统等渠道向社会公示。",
        "第十条 对抽查发现的违法违规行为，依法责令改正或立案查处；不属于本部门职责的，及时移送有关部门；涉嫌犯罪的，"
        "依法移送公安机关。",
        "第十一条 检查人员应当严格遵守廉政纪律，不得妨碍被检查对象正常的生产经营活动，不得索取或收受财物，"
        "不得谋取其他利益。",
        "第十二条 本细则自公布之日起施行。本细则未规定的期限、人数和比例，适用本地实施方案和国家规定。",
    )
)

RULES_TARGETS = {
    "SCJ": "辖区内企业、个体工商户、农民专业合作社及食品、药品、特种设备等重点领域检查对象",
    "YJJ": "辖区内非煤矿山、危险化学品生产经营储存、工贸行业及建筑施工等生产经营单位",
    "SWJ": "辖区内批发零售、住宿餐饮、居民服务、成品油、报废机动车回收及再生资源回收等经营主体",
    "SFJ": "辖区内律师事务所、司法鉴定机构、公证机构和基层法律服务所",
    "MDJSCJ": "全市食品生产企业、药品经营企业和餐饮服务提供者",
    "MDJSFJ": "全市司法鉴定机构、公证机构和律师事务所",
}


def rules_document(department: str, name: str) -> tuple[str, str]:
    """Title and text of a department's implementation rules that set no number of their own (the
    rulebook's apply): the demo's generic 细则, issued under ``name``, the department's full name (its place in
    it: 宁安市市场监督管理局)."""
    return (
        f"{name}“双随机、一公开”监管工作实施细则",
        _RULES.format(dept=name, targets=RULES_TARGETS[department]),
    )


# --- annual plans and campaigns (年度检查计划、抽查任务) ----------------------------------------

#: The annual plan's lines per department: item name → (planned ratio in basis points, months).
#: Methods and frequency are the item's own. Random-check items only (seed 001); YJJ leaves out
#: its ammonia refrigeration item, which it checks in a special action outside the plan.
PLAN_LINES = {
    "SCJ": {
        "企业公示信息抽查": (300, [7, 8, 9, 10, 11, 12]),  # after the annual reports (30 June)
        "个体工商户公示信息抽查": (100, [8, 9, 10, 11]),
        "农民专业合作社公示信息抽查": (300, [8, 9, 10]),
        "食品经营者监督检查": (500, [3, 6, 9, 10, 12]),
        "食品生产者监督检查": (1000, [4, 5, 10]),
        "产品质量监督抽查": (300, [5, 6, 9]),
        "价格行为检查": (100, [1, 2, 9, 12]),  # the holidays
        "广告发布行为检查": (300, [4, 5, 6]),
        "网络交易经营者检查": (200, [6, 11]),
        "特种设备使用单位监督检查": (500, [3, 4, 9, 10]),
        "药品经营企业监督检查": (1000, [3, 4, 5, 6]),
        "计量器具使用监督检查": (500, [5, 9, 10, 11, 12]),  # the filling stations in the fourth quarter
        "商标使用行为检查": (100, [8, 9]),
        "认证活动检查": (500, [7, 8]),
    },
    "YJJ": {
        "危险化学品企业安全生产检查": (2000, [3, 6, 9, 12]),
        "危险化学品经营单位安全检查": (1000, [4, 10, 11, 12]),
        "非煤矿山安全检查": (3000, [3, 4, 8, 9]),  # before and after the flood season
        "工贸企业粉尘防爆检查": (1000, [5, 10]),
        "工贸企业有限空间作业检查": (500, [6, 7, 8]),  # summer heat
        "安全生产培训情况检查": (300, [5, 11]),
        "生产安全事故应急预案检查": (300, [6, 11]),
    },
    "MDJSCJ": {  # the upper level's market bureau: food production and catering across the city, 宁安市 included
        "食品生产者监督检查": (1000, [10, 11, 12]),
        "食品经营者监督检查": (300, [10, 11, 12]),
    },
    "SWJ": {
        "单用途商业预付卡发卡企业检查": (500, [3, 9, 12]),
        "成品油流通企业检查": (1000, [5, 10, 11, 12]),
        "报废机动车回收企业检查": (5000, [4, 10]),
        "再生资源回收经营者检查": (500, [6, 9]),
        "零售商促销行为检查": (300, [1, 5, 10, 11]),
        "二手车交易市场经营者检查": (1000, [7, 8]),
        "洗染业经营者检查": (300, [8]),
    },
}

#: The lead departments of the enforcement fields outside market regulation that the platform
#: administrator names (seed 001 item 10): 应急管理局 leads 安全生产.
FIELD_LEADS = {"safety": "YJJ"}

#: The fields' yearly joint plans (年度联合抽查工作计划): written by the field's lead, published and
#: filed with the justice bureau (submitted on ``submitted``, month and day): the items its joint
#: checks cover with (ratio, months), and the departments they involve.
JOINT_PLANS: list[dict[str, Any]] = [
    {
        "lead": "YJJ",
        "field": "safety",
        "title": "杭州市安全生产领域{year}年度联合抽查工作计划",  # in the county's name (demo_rules.placed)
        "submitted": (1, 14),
        "lines": {"危险化学品经营单位安全检查": (1000, [10, 11, 12]), "工贸企业有限空间作业检查": (500, [6, 7, 8])},
        "departments": ["SWJ", "SCJ"],
    },
]

#: Next year's plans, due at the justice bureau by 15 January (seed 001): the stage each is at,
#: and the supervisor's comment when returned.
NEXT_YEAR_PLANS = {
    "SCJ": ("draft", ""),
    "MDJSCJ": ("draft", ""),
    "YJJ": ("returned", "请将涉氨制冷企业安全检查纳入年度检查计划，明确抽查比例和实施月份后重新报备。"),
    "SWJ": ("submitted", ""),
}


#: When each department submitted this year's plans (month, day; ``None``: not submitted): the
#: year's plan (``None`` key) due 15 January, the half-year plans of the non-market fields (1, 2)
#: due 15 January and 15 June (seed 001). Some on time, some late, one missing: the supervisor's
#: dashboard, the assessment and a notice of criticism have something to show.
PLAN_SUBMITTED: dict[str, dict[int | None, tuple[int, int] | None]] = {
    "SCJ": {None: (1, 10), 1: (1, 10), 2: (6, 12)},
    "YJJ": {None: (1, 14), 1: (1, 14), 2: (6, 20)},
    "SWJ": {None: (2, 3), 1: (2, 3), 2: None},
    "MDJSCJ": {None: (1, 12)},  # market regulation: no half-year plans
}


def plan_title(department_name: str, year: int, half: int | None = None) -> str:
    """A plan's title: ``department_name`` as the public knows it (宁安市商务局, 牡丹江市市场监督管理局)."""
    if half:
        return f"{department_name}{year}年{'上' if half == 1 else '下'}半年非市场监管领域抽查工作计划"
    return f"{department_name}{year}年度行政执法检查计划"


#: How far a demo campaign goes, in order: 草稿, 已批准 (target draw committed), 对象名单已冻结,
#: 已抽取检查对象, 已抽取检查人员, 已指定组长.
CAMPAIGN_STAGES = ("draft", "approved", "frozen", "targets_drawn", "inspectors_drawn", "leaders", "results")
#: The results of a campaign at the "results" stage, visit by visit (the rest stay to inspect and,
#: once the window has passed, overdue): published, published then corrected, approved (to
#: publish), submitted (to review), returned (to fix), drafted.
RESULT_STAGES = ("published", "corrected", "approved", "submitted", "returned", "drafted")
#: The corrected visit's rectification order: 限30个工作日内改正 (late in the year it runs into the next,
#: whose official calendar is not out yet: a provisional deadline, counted again when it is entered).
RECTIFICATION_DAYS = 30
#: The testing institute, named with its person, that joins the first visit of a campaign at the
#: "results" stage as an expert (seed 001: 吸收检测机构、科研院所和专家学者等参与).
EXPERT_INSTITUTE, EXPERT_PERSON = "杭州市食品药品检验研究院", "陈立新"  # of the upper level (placed)


class StratumRule(TypedDict):
    """A stratum's sampling: the share in basis points and the least number drawn."""

    ratio_bp: int
    min: int


class TargetFilter(TypedDict):
    categories: list[str]
    regions: list[str]
    industries: list[str]
    entity_types: list[str]


class CampaignSpec(TypedDict):
    """A demo campaign as :data:`CAMPAIGNS` lists it: what its planner enters, the stage the demo takes it to
    (:data:`CAMPAIGN_STAGES`) and the observers' inputs of its two draws."""

    title: str
    items: list[str]
    stage: str
    strata: dict[str, StratumRule]
    window: tuple[str, str]
    capacity: int
    method: str
    reserve_size: int
    exempt: tuple[str, str] | None
    target_filter: TargetFilter
    observers: list[str]
    inspector_observers: list[str]


def _strata(a: int, b: int, c: int, d: int, flagged: int | None = None, minimum: int = 1) -> dict[str, StratumRule]:
    """Sampling per stratum in basis points, each with a minimum (DRAW-SPEC); ``flagged`` gives
    entities on a list, with complaints or a recent penalty a stratum of their own (seed 002)."""
    rules: dict[str, StratumRule] = {
        s: {"ratio_bp": r, "min": minimum} for s, r in zip("ABCD", (a, b, c, d), strict=True)
    }
    if flagged is not None:
        rules["flagged"] = {"ratio_bp": flagged, "min": minimum}
    return rules


def _campaign(
    title: str,
    items: Sequence[str],
    stage: str,
    *,
    categories: Sequence[str] = (),
    regions: Sequence[str] = (),
    industries: Sequence[str] = (),
    entity_types: Sequence[str] = (),
    strata: dict[str, StratumRule],
    window: tuple[str, str],
    capacity: int,
    method: str = "onsite",
    reserve_size: int = 3,
    exempt: tuple[str, str] | None = None,
    observers: Sequence[str] = (),
    inspector_observers: Sequence[str] = (),
) -> CampaignSpec:
    return {
        "title": title,
        "items": list(items),
        "stage": stage,
        "strata": strata,
        "window": window,
        "capacity": capacity,
        "method": method,
        "reserve_size": reserve_size,
        "exempt": exempt,
        "target_filter": {
            "categories": list(categories),
            "regions": list(regions),
            "industries": list(industries),
            "entity_types": list(entity_types),
        },
        "observers": list(observers),
        "inspector_observers": list(inspector_observers),
    }


CAPACITY_CITY = 20_000  # entities: the city the campaigns' capacities are set for

#: Each department's campaigns of the year, in the order they are approved and so numbered (市监抽〔2026〕1号 …;
#: a draft has no code yet, 未编号).
#: Titles take the year and the towns' names (``{town1}``: 东京城镇, ``{town2}``: 渤海镇; town 0 is the county's
#: seat, 宁安镇); a
#: region ``@n`` is town ``n``'s code (:attr:`spotcheck.demo.place.Place.towns`); ``window`` is (first day, last
#: day) as MM-DD of that year; ``capacity``
#: (most visits per inspector) is for a city of :data:`CAPACITY_CITY` entities and grows with it.
#: Observers' inputs are what the people watching the draw typed in (DRAW-SPEC public inputs).
CAMPAIGNS: dict[str, list[CampaignSpec]] = {
    "SCJ": [
        _campaign(
            "{year}年第四季度{town1}食品经营者“双随机”监督检查",
            ["食品经营者监督检查"],
            "leaders",
            categories=("餐饮服务", "食品销售"),
            regions=("@1",),
            strata=_strata(2000, 1000, 300, 100, flagged=3000),
            window=("12-01", "12-31"),
            capacity=4,
            observers=("observer:市人大代表 张某 0301", "observer:市政协委员 李某 5827"),
            inspector_observers=("observer:融媒体中心记者 王某 1126", "observer:市司法局 韩梅 7309"),
        ),
        _campaign(
            "{year}年度企业公示信息抽查",
            ["企业公示信息抽查"],
            "approved",
            entity_types=("enterprise",),
            strata=_strata(300, 300, 300, 300, flagged=1000),
            window=("12-01", "12-31"),
            capacity=15,
            method="document",
        ),
        _campaign(
            "{year}年第三季度{town2}食品销售者“双随机”监督检查",
            ["食品经营者监督检查"],
            "results",
            categories=("食品销售",),
            regions=("@2",),
            strata=_strata(300, 200, 100, 100, flagged=1000),
            window=("09-01", "10-31"),
            capacity=4,
            observers=("observer:区人大代表 赵某 0917", "observer:消费者代表 钱某 3321"),
            inspector_observers=("observer:区政协委员 孙某 0918",),
        ),
        _campaign(
            "{year}年岁末{town1}、{town2}明码标价专项检查",
            ["价格行为检查"],
            "draft",
            categories=("餐饮服务", "食品销售", "住宿服务"),
            regions=("@1", "@2"),
            strata=_strata(100, 100, 100, 100, flagged=500),
            window=("12-15", "12-31"),
            capacity=5,
        ),
    ],
    "YJJ": [
        _campaign(
            "{year}年岁末年初涉氨制冷企业安全生产专项检查",
            ["涉氨制冷企业安全检查"],
            "leaders",
            categories=("工贸企业（冷库）", "工贸企业"),
            industries=("C14", "C15", "G593"),
            strata=_strata(5000, 3000, 1000, 500, flagged=6000),
            window=("12-01", "12-31"),
            capacity=5,
            exempt=(
                "production_safety",
                "落实市安全生产委员会办公室岁末年初安全生产大检查部署，对冷库及食品加工等"
                "涉氨制冷企业开展专项检查，该事项未列入本年度检查计划。",
            ),
            observers=("observer:市人大代表 陈某 1208", "observer:企业代表 某冷链物流公司 4471"),
            inspector_observers=("observer:市政协委员 周某 2390",),
        ),
        _campaign(
            "{year}年第四季度危险化学品企业安全生产“双随机”检查",
            ["危险化学品企业安全生产检查", "危险化学品经营单位安全检查"],
            "frozen",
            categories=(
                "危险化学品生产",
                "危险化学品经营",
                "危险化学品经营（加油站）",
                "危险化学品储存运输",
                "工贸企业（冷库）",
            ),  # 涉氨冷库: those checked in 岁末年初 are at the 细则's cap
            strata=_strata(3000, 2000, 1000, 500, flagged=4000),
            window=("12-07", "12-31"),
            capacity=6,
        ),
    ],
    "SWJ": [
        _campaign(
            "{year}年成品油流通企业“双随机”检查",
            ["成品油流通企业检查"],
            "targets_drawn",
            categories=("成品油零售", "成品油批发"),
            strata=_strata(3000, 2000, 1000, 1000, flagged=4000),
            window=("12-01", "12-31"),
            capacity=3,
            reserve_size=2,
            observers=("observer:市人大代表 刘某 0925", "observer:行业协会代表 孙某 6612"),
        ),
        _campaign(
            "{year}年居民服务业单用途商业预付卡检查",
            ["单用途商业预付卡发卡企业检查"],
            "draft",
            categories=("居民服务业",),
            entity_types=("enterprise",),
            strata=_strata(500, 500, 500, 500, flagged=2000),
            window=("12-10", "12-31"),
            capacity=3,
            method="document",
        ),
    ],
}


#: The upper level's (牡丹江市市场监督管理局's) campaign: food producers across the city, those of 宁安市 among
#: them — a business it checks is counted against its cap beside 宁安市's own checks.
CAMPAIGNS["MDJSCJ"] = [
    _campaign(
        "{year}年第四季度全市食品生产企业“双随机”监督检查",
        ["食品生产者监督检查"],
        "leaders",
        categories=("食品生产",),
        strata=_strata(800, 400, 200, 100, flagged=1500),
        window=("11-02", "12-31"),
        capacity=6,
        observers=("observer:市人大代表 于某 1102", "observer:食品行业协会代表 曲某 3390"),
        inspector_observers=("observer:市政协委员 宫某 1103",),
    ),
]


#: The demo's joint campaign (联合抽查, 进一次门、查多项事): filling stations, which all three
#: departments supervise — 市场监管局 their fuel dispensers (计量), 应急管理局 their hazardous
#: chemicals, 商务局 their fuel trade. Each department's part: its item (in its filed plan), its
#: directory's category and its own rules. ``window`` as in :data:`CAMPAIGNS`.
JOINT_CAMPAIGN: dict[str, Any] = {
    "title": "{year}年第四季度加油站联合“双随机”检查",
    "window": ("10-12", "12-31"),
    "team_size": 3,
    "reserve_size": 2,
    "parts": {
        "SCJ": {
            "items": ["计量器具使用监督检查"],
            "categories": ["加油站（计量）"],
            "strata": _strata(3000, 2000, 1500, 1000),
        },
        "YJJ": {
            "items": ["危险化学品经营单位安全检查"],
            "categories": ["危险化学品经营（加油站）"],
            "strata": _strata(4000, 3000, 2000, 1500),
        },
        "SWJ": {
            "items": ["成品油流通企业检查"],
            "categories": ["成品油零售"],
            "strata": _strata(2000, 2000, 1000, 1000),
        },
    },
    "observers": ("observer:市人大代表 郑某 1012", "observer:加油站行业协会代表 吴某 5580"),
    "inspector_observers": ("observer:市政协委员 冯某 1013",),
}
#: The joint campaign of an enlarged demo (``spotcheck demo --scale N``): left at its invitation, for
#: the departments to answer and the coordinator to take to published results through the pages —
#: a check of 安全生产, so 应急管理局's coordinator (yjj_coord) leads it, not 市场监管局's.
LARGE_JOINT_CAMPAIGN: dict[str, Any] = {
    "title": "{year}年度危险化学品与成品油经营单位大规模联合检查",
    "window": ("12-01", "12-31"),
    "team_size": 2,
    "reserve_size": 2,
    "departments": ("YJJ", "SWJ"),
    "lead": "YJJ",
    "field": "safety",  # 安全生产: led by 应急管理局 within its filed joint plan (FIELD_LEADS)
}
#: How far the joint campaign's results go in each department, visit by visit (visits drawn by every
#: department first): published by all three first, then some further along in one department only.
JOINT_RESULT_STAGES = ("published", "published", "approved", "submitted", "drafted")
