"""Reference lists (代码表) shared by the item list and the two directories.

Codes are stored; the Chinese names are what users and spreadsheets show. A spreadsheet may
give either the code or the Chinese name.
"""

from __future__ import annotations

#: 执法类别: enforcement categories an inspector is qualified for and an item requires.
ENFORCEMENT_CATEGORIES = {
    "market": "市场监管综合",
    "food": "食品安全",
    "drug": "药品医疗器械",
    "quality": "产品质量",
    "price": "价格监督",
    "ip": "知识产权",
    "safety": "安全生产",
    "hazchem": "危险化学品",
    "mining": "非煤矿山",
    "fire": "消防安全",
    "commerce": "商务流通",
    "environment": "生态环境",
    "health": "卫生健康",
    "construction": "住房城乡建设",
    "transport": "交通运输",
    "culture": "文化市场",
    "justice": "司法行政",
}

#: 执法领域 (seed 001 item 10): market regulation, whose joint checks 市场监督管理局 leads, and the
#: other fields, each with the lead department (牵头部门) the platform administrator names, which
#: plans the field's joint checks for the year and files the plan with the justice bureau.
ENFORCEMENT_FIELDS = {
    "market": "市场监管",
    "safety": "安全生产",
    "environment": "生态环境",
    "transport": "交通运输",
    "culture": "文化市场",
    "health": "卫生健康",
    "construction": "住房城乡建设",
    "commerce": "商务流通",
    "justice": "司法行政",
}
#: The market-regulation field: its lead is always the 'lead' department (市场监督管理局).
MARKET_FIELD = "market"

#: 检查方式 (DESIGN "Result categories": check methods).
CHECK_METHODS = {
    "onsite": "实地检查",
    "document": "书面检查",
    "online": "网络监测",
    "testing": "检验检测",
    "delegated": "委托专业机构",
    "adopted": "采用行政部门检查结果或专业意见",
}

#: 检查结果类别 (the market-regulation categories of the provincial systems, DESIGN "Result
#: categories"): a result takes one or more; those under 发现问题待后续处理 are its sub-categories.
#: 未发现问题 stands alone, and is never chosen for anyone.
RESULT_CATEGORIES = {
    "no_problem": "未发现问题",
    "pending_unpublished_info": "未按规定公示应当公示的信息",
    "pending_false_info": "公示信息隐瞒真实情况弄虚作假",
    "pending_unreachable": "通过登记的住所（经营场所）无法联系",
    "pending_own_rules": "违反本部门其他规定",
    "pending_other_rules": "违反其他部门规定",
    "rectified": "发现问题经责令已改正",
    "no_activity": "未发现开展本次抽查涉及的经营活动",
    "closed_down": "已关闭停业或正在组织清算",
    "uncooperative": "不配合检查情节严重",
    "deregistered": "注销",
    "revoked": "被吊销",
    "cancelled": "被撤销",
    "moved": "迁出",
}
#: The group the sub-categories belong to, and its name.
RESULT_PENDING_PREFIX, RESULT_PENDING_NAME = "pending_", "发现问题待后续处理"
#: Categories that say a problem was found: the findings must then say what.
RESULT_PROBLEM_CATEGORIES = frozenset(
    {code for code in RESULT_CATEGORIES if code.startswith("pending_")} | {"rectified", "uncooperative"}
)


#: 后续处置 (DESIGN "Result categories": follow-up), each open until its own closing step.
FOLLOW_UP_KINDS = {
    "rectification": "责令改正",
    "case": "立案查处",
    "transfer": "移送/抄告其他部门",
    "police": "涉嫌犯罪移送公安",
}
#: How a follow-up ended: a rectification by its re-check (复查), the others by one outcome each.
RECHECK_OUTCOMES = {"rectified": "已改正", "not_rectified": "逾期未改正"}
FOLLOW_UP_OUTCOMES = {**RECHECK_OUTCOMES, "concluded": "已结案", "acknowledged": "已签收", "accepted": "公安机关已受理"}


def result_category_name(code: str) -> str:
    """A category's name as published: a sub-category with its group (发现问题待后续处理：…)."""
    name = RESULT_CATEGORIES.get(code, code)
    return f"{RESULT_PENDING_NAME}：{name}" if code.startswith(RESULT_PENDING_PREFIX) else name


#: 领域: market-regulation field or other (each with the coverage goal the rules in force set, if any).
ITEM_FIELDS = {"market": "市场监管领域", "other": "其他领域"}

#: 事项类别.
ITEM_KINDS = {"general": "一般检查事项", "key": "重点检查事项"}

#: 检查对象类型 (seed 001: enterprises and others, also products, projects, behaviours).
ENTITY_TYPES = {
    "enterprise": "企业",
    "individual": "个体工商户",
    "cooperative": "农民专业合作社",
    "ngo": "社会组织",
    "institution": "事业单位",
    "product": "产品",
    "project": "项目",
    "behaviour": "行为",
}
#: Types whose code is a 统一社会信用代码 (checked by its check digit).
USCC_ENTITY_TYPES = frozenset({"enterprise", "individual", "cooperative", "ngo", "institution"})

#: 登记状态.
ENTITY_STATUSES = {"active": "存续", "deregistered": "注销", "revoked": "吊销", "moved": "迁出"}

#: 信用等级.
CREDIT_RATINGS = {"A": "A级（守信）", "B": "B级（基本守信）", "C": "C级（失信）", "D": "D级（严重失信）"}

#: 风险等级 (risk class); a department shows either letters or words.
RISK_CLASSES = ("A", "B", "C", "D")
RISK_LABEL_STYLES = {
    "letters": {"A": "A", "B": "B", "C": "C", "D": "D"},
    "words": {"A": "高", "B": "较高", "C": "一般", "D": "低"},
}

#: GB/T 4754-2017 门类 (sections); an industry code is a section letter, optionally with its
#: 2-digit division, 3-digit group and 4-digit class (e.g. ``C``, ``C13``, ``C131``, ``C1311``).
INDUSTRY_SECTIONS = {
    "A": "农、林、牧、渔业",
    "B": "采矿业",
    "C": "制造业",
    "D": "电力、热力、燃气及水生产和供应业",
    "E": "建筑业",
    "F": "批发和零售业",
    "G": "交通运输、仓储和邮政业",
    "H": "住宿和餐饮业",
    "I": "信息传输、软件和信息技术服务业",
    "J": "金融业",
    "K": "房地产业",
    "L": "租赁和商务服务业",
    "M": "科学研究和技术服务业",
    "N": "水利、环境和公共设施管理业",
    "O": "居民服务、修理和其他服务业",
    "P": "教育",
    "Q": "卫生和社会工作",
    "R": "文化、体育和娱乐业",
    "S": "公共管理、社会保障和社会组织",
    "T": "国际组织",
}

SEXES = {"M": "男", "F": "女"}


def code_for(table: dict[str, str], value: str | None) -> str | None:
    """The code for ``value``, given as the code itself or as its Chinese name; else ``None``."""
    if value is None:
        return None
    value = str(value).strip()
    if value in table:
        return value
    for code, name in table.items():
        if name == value:
            return code
    return None
