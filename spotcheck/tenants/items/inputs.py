"""What users write of an item (一单 · 事项要素), declared once: each field's name, its Chinese name,
its kind, its limit, its list, its default and what publication needs of it. The item commands
check an item against it (:func:`spotcheck.tenants.items.checks.clean_item_fields`); the API's
input schemas, the item form, the item pages' labels and the item list workbook's columns are
derived from it."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from spotcheck.tenants.common.vocabulary import reference, sampling

#: The kinds of a field: how it is typed, sent and read. ``RATIO``, ``TIMES`` and ``PERIOD`` are the
#: sampling values (抽查比例 in basis points; 抽查频次 as times per period).
TEXT, LONG_TEXT, CODES, CHOICE, FLAG = "text", "long_text", "codes", "choice", "flag"
RATIO, TIMES, PERIOD = "ratio", "times", "period"
SAMPLING_KINDS = (RATIO, TIMES, PERIOD)


@dataclass(frozen=True)
class Sheet:
    """How the field appears in the item list workbook (随机抽查事项清单): its header, the other
    headers read as it, the grey hint under the header, the column's width; ``key``: the column's
    key where one column holds more than one field (频次: times and period)."""

    header: str
    aliases: tuple[str, ...] = ()
    hint: str = ""
    width: int = 16
    required: bool = False
    key: str = ""


@dataclass(frozen=True)
class ItemField:
    """One field of an item that users write (事项要素)."""

    name: str
    label: object  # the form's label (lazy gettext: Chinese on a Chinese page)
    kind: str
    sheet: Sheet
    about: str  # what the API's document says of it
    longest: int | None = None  # a text's length, at most
    choices: dict[str, str] | None = None  # codes and Chinese names (either is taken)
    bounds: tuple[int, int] | None = None  # a number's least and greatest
    default: object = None  # taken by a new item that does not give it
    offered: object = None  # what the new-item form offers first, where not the default
    required: bool = False  # never empty: given when creating, never emptied
    missing: object = None  # the refusal of a required field left empty
    unknown: object = None  # the refusal of a choice outside its list
    to_publish: object = None  # required to publish; what the refusal calls it
    random_only: bool = False  # …only of an item under random checking
    form_name: str = ""  # the form's field, where not the name
    heading: object = None  # the item pages' label, where not the form's

    @property
    def field_name(self) -> str:
        """The form's field that takes it."""
        return self.form_name or self.name

    @property
    def shown_as(self) -> object:
        """What the item pages call it."""
        return self.heading or self.label


#: 频次 is one cell of the workbook holding two fields (times and period).
FREQUENCY = Sheet("频次", ("抽查频次",), "每年、每半年、每季度或每月几次，如：每年1次", 12, key="frequency")

#: The fields, in the order of seed 003's 附件1 (the item pages' and a version's order).
FIELDS: tuple[ItemField, ...] = (
    ItemField(
        "name",
        _l("Item name"),
        TEXT,
        Sheet(
            "检查事项", ("事项名称", "抽查事项", "检查事项名称"), "必填。如：食品生产经营者监督检查", 28, required=True
        ),
        "事项名称 (required when creating)",
        longest=200,
        required=True,
        missing=_l("Enter the item's name."),
    ),
    ItemField("sub_item", _l("Sub-item"), TEXT, Sheet("子项", (), "可空", 20), "子项", longest=200),
    ItemField(
        "legal_basis",
        _l("Legal basis"),
        LONG_TEXT,
        Sheet("检查依据", (), "法律法规名称及条款", 36),
        "检查依据",
        to_publish=_l("the legal basis (检查依据)"),
    ),
    ItemField(
        "checking_body",
        _l("Checking body"),
        TEXT,
        Sheet("检查主体", ("抽查主体",), "如：市市场监督管理局", 18),
        "检查主体",
        longest=200,
        to_publish=_l("the checking body (抽查主体)"),
    ),
    ItemField(
        "target_type",
        _l("Inspection targets"),
        TEXT,
        Sheet("抽查对象", ("检查对象",), "如：食品生产企业", 18),
        "抽查对象",
        longest=200,
        to_publish=_l("the inspection targets (抽查对象)"),
    ),
    ItemField(
        "content",
        _l("Inspection content"),
        LONG_TEXT,
        Sheet("检查内容", (), "", 30),
        "检查内容",
        to_publish=_l("the inspection content (抽查内容)"),
    ),
    ItemField(
        "methods",
        _l("Check methods"),
        CODES,
        Sheet("检查方式", (), "可多选，用“、”分隔：" + "、".join(reference.CHECK_METHODS.values()), 18),
        "检查方式, codes (or Chinese names)",
        choices=reference.CHECK_METHODS,
        to_publish=_l("the check methods (抽查方式)"),
    ),
    ItemField(
        "ratio_bp",
        _l("Ratio, at least (%)"),
        RATIO,
        Sheet("比例", ("抽查比例",), "百分比，如：不低于5%、5%、2.5%", 12),
        "抽查比例: the least share checked, in basis points (500 = 不低于5%), above 0 and at most 10000; "
        "null: not stated (required to publish an item under random checking)",
        bounds=(1, sampling.FULL),
        to_publish=_l("the ratio (抽查比例)"),
        random_only=True,
        form_name="ratio",
        heading=_l("Ratio"),
    ),
    ItemField(
        "frequency_times",
        _l("Frequency: times"),
        TIMES,
        FREQUENCY,
        "抽查频次: how many times per period (with frequency_period; both null or empty: not stated)",
        bounds=(1, sampling.MAX_TIMES),
        to_publish=_l("the frequency (抽查频次)"),
        random_only=True,
        heading=_l("Frequency"),
    ),
    ItemField(
        "frequency_period", _l("Frequency: per"), PERIOD, FREQUENCY, "抽查频次's period", choices=sampling.PERIODS
    ),
    ItemField(
        "inspector_categories",
        _l("Enforcement categories required"),
        CODES,
        Sheet("执法类别", ("检查人员执法类别",), "检查人员须具备的执法类别，可多选，用“、”分隔", 18),
        "执法类别 required of the inspectors, codes (or Chinese names)",
        choices=reference.ENFORCEMENT_CATEGORIES,
    ),
    ItemField(
        "inspector_requirements",
        _l("Inspector requirements"),
        LONG_TEXT,
        Sheet("检查人员要求", (), "可空", 20),
        "检查人员要求",
    ),
    ItemField(
        "result_use",
        _l("Use of the results"),
        LONG_TEXT,
        Sheet("检查结果的运用情形", ("检查结果运用情形", "检查结果的运用"), "", 30),
        "检查结果的运用情形",
    ),
    ItemField("remarks", _l("Remarks"), LONG_TEXT, Sheet("备注", (), "", 20), "备注"),
    ItemField(
        "field",
        _l("Regulatory field"),
        CHOICE,
        Sheet("领域", (), "必填：" + "或".join(reference.ITEM_FIELDS.values()), 14, required=True),
        "领域",
        choices=reference.ITEM_FIELDS,
        default="other",
        offered="market",
        unknown=_l("Choose market-regulation field or other field."),
    ),
    ItemField(
        "kind",
        _l("Item kind"),
        CHOICE,
        Sheet("类别", ("事项类别",), "一般检查事项或重点检查事项，留空为一般检查事项", 14),
        "类别",
        choices=reference.ITEM_KINDS,
        default="general",
        unknown=_l("Choose general or key inspection item."),
    ),
    ItemField(
        "random_check",
        _l("Under random checking"),
        FLAG,
        Sheet("是否纳入随机抽查", ("纳入随机抽查",), "是或否，留空为是", 10),
        "纳入随机抽查",
        default=True,
    ),
    ItemField(
        "non_random_reason",
        _l("Written reason for keeping it out of random checking (书面说明理由)"),
        LONG_TEXT,
        Sheet(
            "不纳入随机抽查的理由", ("不纳入随机抽查理由", "书面说明理由"), "不纳入随机抽查的事项必须书面说明理由", 30
        ),
        "不纳入随机抽查的理由: the written reason an item is kept out of random checking (required to publish "
        "such an item; 书面说明理由)",
        longest=2000,
    ),
)

BY_NAME: dict[str, ItemField] = {field.name: field for field in FIELDS}
#: The item list workbook's columns of these fields, in its order (备注 last; 频次 one column).
SHEET_FIELDS: tuple[ItemField, ...] = tuple(
    BY_NAME[name]
    for name in (
        "name",
        "sub_item",
        "legal_basis",
        "checking_body",
        "target_type",
        "content",
        "methods",
        "ratio_bp",
        "frequency_times",
        "inspector_categories",
        "inspector_requirements",
        "result_use",
        "field",
        "kind",
        "random_check",
        "non_random_reason",
        "remarks",
    )
)
#: The fields one workbook column holds together, by that column's key.
HELD_IN: dict[str, str] = {field.name: field.sheet.key for field in FIELDS if field.sheet.key}

#: A new item's values of the fields it does not give.
DEFAULTS: dict[str, object] = {field.name: field.default for field in FIELDS if field.default is not None}
#: What a published item states (seeds 000, 001, 004: 明确抽查主体、依据、对象、内容、方式、比例和频次).
TO_PUBLISH: tuple[ItemField, ...] = tuple(field for field in FIELDS if field.to_publish)
#: The written reason of an item kept out of random checking (书面说明理由).
NON_RANDOM_REASON = "non_random_reason"


@dataclass(frozen=True)
class Reason:
    """The reason a published item changes (动态调整): asked beside the fields, kept with the version."""

    name: str
    label: object
    about: str


CHANGE_REASON = Reason(
    "reason",
    _l("Reason for the change"),
    "Why a published item changes (required for a published item; the change makes a new version)",
)
