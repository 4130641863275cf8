"""The rules document's words (一细则 · 实施细则): where its files are kept, which files are accepted."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

#: Where the documents are kept in the shared storage.
AREA = "rules"

#: Accepted files: extension → (media type, leading bytes that prove it).
ACCEPTED = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    ".ofd": ("application/ofd", (b"PK\x03\x04",)),
    ".doc": ("application/msword", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),
    ".wps": ("application/vnd.ms-works", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),
}

# --- the rulebook's words (规则集) ---------------------------------------------------------------

#: What a rules file is: the deployment's rulebook (实施方案), a department's rules (细则), or the
#: national floor every rulebook includes (国家规定, shipped with the platform).
DOCUMENT_KINDS = {"rulebook": "实施方案（规则集）", "department": "部门细则", "national": "国家规定"}

#: Where a parameter in force comes from.
SOURCES = {
    "national": "国家规定",
    "rulebook": "实施方案",
    "department": "部门细则",
    "platform": "平台默认",
    "open": "未规定",
}

#: The statistical tables the platform can fill (统计表), by code, with their common names; a rulebook
#: gives the title and attachment of each one it uses.
TABLE_NAMES = {
    "plan": "年度行政执法检查计划表",
    "progress": "随机抽查工作进展情况统计表",
    "joint": "联合检查工作进展情况统计表",
    "halfplan": "非市场监管领域抽查工作计划表",
    "practice": "非市场监管领域推行“双随机、一公开”情况统计表",
    "area": "区县推行“双随机、一公开”情况统计表",
    "dept": "部门推行“双随机、一公开”情况统计表",
    "contacts": "“双随机、一公开”工作负责人和联络员名单",
}
#: The kinds of reporting period (统计期).
PERIOD_KINDS = {"year": "年度", "half": "半年", "quarter": "季度"}
#: When a table is due, besides a fixed day of the year ("12-15").
DUE_RULES = {
    "after_period": "统计期结束后的次日前（上半年的7月1日、下半年或全年的次年1月1日）",
    "second_to_last_week": "每季度倒数第二周内（该周的星期日前）",
}
#: Who submits a duty.
SUBMITTERS = {"departments": "各部门", "bureau": "司法局"}
#: A duty owed only by some departments.
DUTY_CONDITIONS = {"other_fields": "有非市场监管领域检查事项的部门"}
#: Whom a rulebook's duty or table binds (适用范围): the departments (or the bureau) of the rulebook's own level
#: alone (本级: 市直部门, 县政府部门), or those of the levels below that apply this rulebook too, having none of their
#: own (本级及下级: a town applies its county's).
BINDS = {"level": "本级", "level_and_below": "本级及下级"}
#: What a duty or table binds where its rulebook does not say: the levels below that apply the rulebook too — a
#: rulebook is theirs (适用上级) unless its words name its own level's departments (市直部门).
BINDS_DEFAULT = "level_and_below"

#: The plans' filing authorities (备案机关), and which plans each files.
FILING_AUTHORITIES = {"justice": "司法局（全部检查计划）", "market": "市场监督管理局（涉及市场监管领域的检查计划）"}

#: The kinds of check that need no annual plan (计划外检查的情形).
EXEMPT_KIND_NAMES = {
    "food_drug": "食品药品安全",
    "production_safety": "安全生产",
    "public_safety": "公共安全",
    "environment": "环境保护",
    "accident": "发生事故",
    "failed_test": "依法检验检查不合格",
    "complaint": "投诉举报",
    "order": "上级临时部署",
}
#: The kinds of check that may leave the yearly cap on inspections of a business out of count
#: (不计入检查次数上限的情形): checks on a cause rather than routine ones.
CAP_EXEMPT_KIND_NAMES = {code: EXEMPT_KIND_NAMES[code] for code in ("accident", "failed_test", "complaint", "order")}

#: The exempt kinds that concern a field (直接涉及人民生命财产安全的事项): claimed only for items of that field
#: (:data:`EXEMPT_KIND_NAMES`; which 执法类别 each covers is a rule, ``exempt_kind_categories``). The others —
#: an accident, a failed test, a complaint, an order from above — are about the case, and apply to any item.
FIELD_BOUND_KINDS = ("food_drug", "production_safety", "public_safety", "environment")

#: What keeps an entity in a frame although it was checked this year (不受同一年度已抽查排除限制的情形).
KEPT_FLAGS = {
    "complaints": "因投诉举报",
    "abnormal": "处于经营异常状态（列入经营异常名录）",
    "blacklisted": "列入严重违法失信名单",
    "penalized": "受到行政处罚",
    "order": "上级部门有具体规定（上级临时部署的抽查）",
}

#: When a random campaign's list of drawn businesses (抽查对象名单) is published, from the least open to the most: never
#: (不公布), once the campaign's checks have ended (检查结束后: the last day of its window past), or once the inspector
#: frame is frozen (抽取后: no target is replaced from then on, so the list has one version). A department's rules may
#: only choose one further down (publish more, earlier).
DRAWN_LIST_TIMES = {"never": "不公布", "after_checks": "检查结束后", "after_draw": "抽取后"}

#: The deductions of the assessment (考核扣分项), by code (their definitions: supervision's vocabulary).
DEDUCTION_LABELS = {
    "missed_filing": "检查计划未报备",
    "late_filing": "检查计划逾期报备",
    "coverage_market": "市场监管领域覆盖率未达标",
    "coverage_other": "其他领域覆盖率未达标",
    "late_publication": "检查结果逾期公示",
    "overdue_report": "检查结果逾期报送或未报送",
    "no_basics": "一单两库一细则不齐备",
    "no_ceremony": "检查未经平台随机抽取",
}

#: The platform's own floor of a team (DRAW-SPEC: ``team_size`` ≥ 2), whatever the rules say.
DRAW_SPEC_MIN_TEAM = 2

#: A version's state (:func:`spotcheck.tenants.rules.queries.state`), as the pages say it.
STATE_NAMES = {
    "in_force": _l("In force"),
    "coming": _l("Not yet in force"),
    "past": _l("Superseded"),
    "withdrawn": _l("Withdrawn"),
}

#: The parts of a rules file a refusal may name besides the parameters and the document's fields.
FILE_PARTS = {
    "file": _l("The rules file"),
    "text": _l("The rules file"),
    "preset": _l("Preset"),
    "document": _l("The document's heading"),
    "departments": _l("Departments' rules in force"),
    "regions": _l("Rulebooks of the regions below"),
    "region": _l("Region"),
    "department": _l("Department"),
    "articles": _l("Articles"),
    "sources": _l("Source documents"),
}
