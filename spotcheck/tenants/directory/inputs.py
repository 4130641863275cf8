"""What the registry's and the directory's commands take (检查对象名录库的录入项), declared once: each
field's name, its Chinese name, its kind, its limit and its list. The commands check a row against it
(:mod:`spotcheck.tenants.directory.checks`); the API's input schemas, the pages' forms, the
directory workbook's columns and the templates' limits are derived from it."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from spotcheck.tenants.common.vocabulary import ENTITY_FLAG, reference

#: The kinds of a field: how it is typed, sent and read. A ``CODE`` is text kept as typed in a
#: workbook (never a number); ``TAGS`` a list (one text in a form or a cell, split on commas or 、).
TEXT, CODE, CHOICE, FLAG, DATE, COUNT, TAGS, ROW = "text", "code", "choice", "flag", "date", "count", "tags", "row"
#: What a workbook's drop-down offers for a choice: its Chinese names, its codes, or both.
NAMES, CODES, BOTH = "names", "codes", "both"


@dataclass(frozen=True)
class Sheet:
    """How the field appears in the directory workbook (检查对象名录库导入表): its header, the other
    headers read as it, the grey hint under the header, the column's width and its drop-down."""

    header: str
    aliases: tuple[str, ...] = ()
    hint: str = ""
    width: int = 16
    required: bool = False
    offers: str = NAMES


@dataclass(frozen=True)
class DirectoryField:
    """One field a directory command takes (录入项)."""

    name: str
    label: object  # the page's label (lazy gettext: Chinese on a Chinese page)
    kind: str
    sheet: Sheet | None = None  # None: not a column of the workbook
    longest: int = 0  # a text's length, at most (0: no limit of its own)
    choices: dict[str, str] = field(default_factory=dict)  # a choice's codes and Chinese names
    default: str = ""  # what an empty value stands for
    unset: object = None  # a choice that may be left unset: the page's name for "none"
    about: str = ""  # what the API's document says of it


#: A registry entity (市场主体名录), in the workbook's order; only the lead department keeps them.
ENTITY_FIELDS: tuple[DirectoryField, ...] = (
    DirectoryField(
        "code",
        _l("Unified social credit code (or code of a product, project or behaviour)"),
        CODE,
        Sheet(
            "统一社会信用代码/对象编码",
            ("统一社会信用代码", "对象编码", "信用代码", "社会信用代码"),
            "必填。企业等组织填18位统一社会信用代码；产品、项目、行为填其编码",
            24,
            required=True,
        ),
        longest=32,
        about="统一社会信用代码 (18 characters, checked by its check character), "
        "or the code of a product/project/behaviour target",
    ),
    DirectoryField(
        "name",
        _l("Name"),
        TEXT,
        Sheet("名称", ("企业名称", "主体名称", "对象名称", "单位名称"), "必填", 30, required=True),
        longest=200,
        about="名称",
    ),
    DirectoryField(
        "entity_type",
        _l("Target type"),
        CHOICE,
        Sheet("对象类型", ("主体类型", "类型"), "留空为企业", 14),
        choices=reference.ENTITY_TYPES,
        default="enterprise",
        about="Code or Chinese name (default enterprise)",
    ),
    DirectoryField(
        "industry_code",
        _l("Industry code (GB/T 4754, e.g. C1311)"),
        CODE,
        Sheet("行业代码", ("国民经济行业代码", "行业"), "必填。GB/T 4754，如 C1311", 10, required=True),
        longest=5,
        about="GB/T 4754-2017, e.g. C1311",
    ),
    DirectoryField(
        "region_code",
        _l("Region code (GB/T 2260, 6 digits; a town's 9 or 12)"),
        CODE,
        Sheet(
            "行政区划代码", ("区划代码",), "必填。6位，GB/T 2260；乡镇街道9位或12位，统计用区划代码", 14, required=True
        ),
        longest=12,
        about="GB/T 2260, 6 digits; a town's 统计用区划代码, 9 or 12 digits",
    ),
    DirectoryField(
        "address",
        _l("Address"),
        TEXT,
        Sheet("地址", ("住所", "经营场所"), width=30),
        longest=200,
        about="地址 (a longer one is cut at maxLength)",
    ),
    DirectoryField(
        "status",
        _l("Registration status"),
        CHOICE,
        Sheet("登记状态", hint="留空为存续", width=10),
        choices=reference.ENTITY_STATUSES,
        default="active",
        about="Code or Chinese name (default active)",
    ),
    DirectoryField(
        "abnormal",
        ENTITY_FLAG["abnormal"],
        FLAG,
        Sheet("经营异常名录", ("列入经营异常名录",), "是或否", 10),
        about="On the 经营异常名录",
    ),
    DirectoryField(
        "blacklisted",
        ENTITY_FLAG["blacklisted"],
        FLAG,
        Sheet("严重违法失信", ("严重违法失信名单", "列入严重违法失信名单"), "是或否", 10),
        about="On the 严重违法失信名单",
    ),
    DirectoryField(
        "penalized_on",
        _l("Most recent administrative penalty on"),
        DATE,
        Sheet("最近处罚日期", hint="YYYY-MM-DD，可空", width=12),
        about="Date of the most recent administrative penalty (not after today)",
    ),
    DirectoryField(
        "complaints",
        _l("Complaints and reports in the last 12 months"),
        COUNT,
        Sheet("投诉举报数", hint="近12个月，整数", width=10),
        about="Complaints and reports in the last 12 months (0 or more)",
    ),
    DirectoryField(
        "credit_rating",
        _l("Credit rating"),
        CHOICE,
        Sheet("信用等级", hint="A、B、C、D，可空", width=10, offers=CODES),
        choices=reference.CREDIT_RATINGS,
        unset=_l("Not rated"),
        about="信用等级 (null: not rated)",
    ),
)

#: The registry entity a new directory entry points to: by its id or by its code.
TARGET_FIELDS: tuple[DirectoryField, ...] = (
    DirectoryField("entity_code", _l("Code"), CODE, about="Code of the registry entity (or give entity_id)"),
    DirectoryField("entity_id", _l("Registry entity"), ROW, about="Id of the registry entity (or give entity_code)"),
)

#: A department's own fields of a directory entry (检查对象名录), in the workbook's order.
ENTRY_FIELDS: tuple[DirectoryField, ...] = (
    DirectoryField(
        "category",
        _l("Supervision category"),
        TEXT,
        Sheet("监管类别", hint="本部门的监管类别"),
        longest=64,
        about="The department's own supervision category (监管类别; a longer one is cut at maxLength)",
    ),
    DirectoryField(
        "risk",
        _l("Risk class"),
        CHOICE,
        Sheet("风险等级", hint="A、B、C、D 或 高、较高、一般、低，留空为C", width=10, offers=BOTH),
        choices=reference.RISK_LABEL_STYLES["words"],
        default="C",
        about="Risk class: A (high) … D (low), or 高/较高/一般/低 (default C)",
    ),
    DirectoryField(
        "tags",
        _l("Tags (separated by commas)"),
        TAGS,
        Sheet("标签", hint="多个用“、”分隔"),
        longest=400,
        about="A list of tags, each a string (at most 400 characters in all, separators included)",
    ),
    DirectoryField(
        "last_inspected_on",
        _l("Last inspected on"),
        DATE,
        Sheet("上次检查日期", hint="YYYY-MM-DD，可空", width=12),
        about="上次检查日期 (not after today)",
    ),
)

#: Every field of the directory workbook, in its order (after 序号).
FIELDS: tuple[DirectoryField, ...] = ENTITY_FIELDS + ENTRY_FIELDS

BY_NAME: dict[str, DirectoryField] = {
    declared.name: declared for declared in (*ENTITY_FIELDS, *TARGET_FIELDS, *ENTRY_FIELDS)
}
