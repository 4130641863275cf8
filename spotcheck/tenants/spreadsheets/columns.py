"""The columns of each spreadsheet kind, in order, with the Chinese headers of the seed
attachments (seed 003 附件1 for the item list, 附件2 + seed 004 for the inspector directory),
and how a cell becomes a value for the kind's clean function.

Headers, hints and the names of coded values are part of the document format (Chinese, like
the seed attachments), not of the UI: they stay the same whatever the UI language, so a file
filled in under one language imports under the other.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import LazyString, lazy_gettext as _l

from spotcheck.tenants.common.validators import InvalidValueError
from spotcheck.tenants.common.vocabulary import reference, sampling
from spotcheck.tenants.directory import inputs as directory_inputs
from spotcheck.tenants.items import inputs as item_inputs
from spotcheck.tenants.results import inputs as result_inputs

#: The hint row of a template (row 2) carries this in its 序号 cell; the import skips that row.
HINT_MARKER = "填写说明（本行不导入）"

TEXT, CODE, INT, DATE, FLAG, MULTI, CHOICE = "text", "code", "int", "date", "flag", "multi", "choice"
#: 抽查比例 (不低于5%: basis points) and 抽查频次 (每年1次: times and period), read as values (:mod:`.sampling`).
RATIO, FREQUENCY = "ratio", "frequency"

YES, NO = "是", "否"
#: A cell's value as a kind's clean function gets it, and what is wrong with the cell (``None``: nothing).
Converted = tuple[object, LazyString | str | None]
_TRUE = {"是", "√", "✓", "✔", "y", "yes", "true", "1", "有", "t"}
_FALSE = {"否", "×", "✗", "✘", "n", "no", "false", "0", "无", "f"}
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_LIST_SPLIT = re.compile(r"[、,，;；/／|\n]+")


@dataclass(frozen=True)
class Column:
    header: str  # the Chinese header, as in the seed attachment
    key: str | None  # the field of the clean function; None: 序号 and columns only kept for reading
    required: bool = False
    kind: str = TEXT
    hint: str = ""  # the grey second row of a template
    choices: tuple[str, ...] = ()  # offered as a drop-down list in the template
    aliases: tuple[str, ...] = ()  # other headers accepted on import
    width: int = 16

    def convert(self, value: object) -> Converted:
        """The cell's value for the clean function, and an error message or ``None``."""
        if self.kind == TEXT:  # most columns: asked first
            return cell_text(value), None
        if self.kind == INT:
            return to_int(value)
        if self.kind == DATE:
            return to_date(value)
        if self.kind == FLAG:
            return to_flag(value)
        if self.kind == CODE and isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) >= 1e15:
            return cell_text(value), _l(
                "Excel stored this code as a number and dropped its last digits: format the "
                "column as text and enter the code again."
            )
        if self.kind in (RATIO, FREQUENCY):
            return to_sampling(self.kind, value)
        if self.kind == MULTI:
            return [part.strip() for part in _LIST_SPLIT.split(cell_text(value)) if part.strip()], None
        return cell_text(value), None


@dataclass(frozen=True)
class SheetKind:
    name: str  # items / directory / inspectors (URLs, job kinds)
    title: str  # the document's Chinese title, used for sheet and file names
    columns: tuple[Column, ...]
    key: str  # the field that identifies a row (duplicates inside a file are refused)
    label: object = ""  # what the pages call this kind (translated)
    notes: tuple[str, ...] = field(default=())  # printed on the template's 填写说明 sheet
    #: Fields of the clean function that one column holds together (频次: times and period), by that column's key.
    held_in: dict[str, str] = field(default_factory=dict)

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def column_for(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)

    def header_for(self, key: str) -> str:
        column = self.column_for(self.held_in.get(key, key))
        return column.header if column else ""


def normalise_header(text: object) -> str:
    """Headers compare without spaces, required-markers (*) or full-width punctuation differences."""
    text = cell_text(text)
    text = re.sub(r"[\s\u3000*＊]+", "", text)
    return text.replace("（", "(").replace("）", ")").replace("／", "/")


def cell_text(value: object) -> str:
    """A cell as text: whole numbers without ``.0``, dates as YYYY-MM-DD, text stripped."""
    if type(value) is str:  # every cell of a CSV file, most of a workbook's: asked first
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def to_int(value: object) -> Converted:
    text = cell_text(value)
    if not text:
        return None, None
    try:
        number = int(text)
    except ValueError:
        return text, _l("Enter a whole number of 0 or more.")
    if number < 0:
        return number, _l("Enter a whole number of 0 or more.")
    return number, None


def to_date(value: object) -> Converted:
    if value in (None, ""):
        return None, None
    if isinstance(value, datetime):
        return value.date(), None
    if isinstance(value, date):
        return value, None
    if isinstance(value, (int, float)) and 1 <= value < 2958466:  # an Excel serial day number
        from openpyxl.utils.datetime import from_excel  # heavy: openpyxl loads only when a date cell is read

        return from_excel(value).date(), None
    text = cell_text(value)
    match = _DATE.match(text) or _COMPACT_DATE.match(text)
    if match:
        try:
            return date(*map(int, match.groups())), None
        except ValueError:
            pass
    return text, _l("Enter a date as YYYY-MM-DD.")


def to_sampling(kind: str, value: object) -> Converted:
    """A ratio cell (不低于5%, 5%, 5: per cent) in basis points, or a frequency cell (每年1次) as (times, period);
    ``None`` when empty."""
    text = cell_text(value)
    try:
        return (sampling.parse_ratio if kind == RATIO else sampling.parse_frequency)(text), None
    except InvalidValueError as invalid:
        return text, invalid.message


def to_flag(value: object) -> Converted:
    text = cell_text(value).lower()
    if not text:
        return None, None
    if text in _TRUE:
        return True, None
    if text in _FALSE:
        return False, None
    return text, _l("Enter 是 or 否.")


def flag_text(value: bool) -> str:
    return YES if value else NO


def names(table: Mapping[str, str]) -> tuple[str, ...]:
    return tuple(table.values())


def names_of(table: Mapping[str, str], codes: Iterable[str] | None) -> str:
    return "、".join(table.get(code, code) for code in codes or ())


# --- 随机抽查事项清单 (seed 003 附件1 + seed 004) ---------------------------------------------

#: An item field's kind (事项要素) as a workbook column reads it: 频次 one cell of times and period.
_ITEM_KINDS = {
    item_inputs.TEXT: TEXT,
    item_inputs.LONG_TEXT: TEXT,
    item_inputs.CODES: MULTI,
    item_inputs.CHOICE: CHOICE,
    item_inputs.FLAG: FLAG,
    item_inputs.RATIO: RATIO,
    item_inputs.TIMES: FREQUENCY,
}


def _item_column(field: item_inputs.ItemField) -> Column:
    """The workbook's column of an item field, as the items domain declares it."""
    sheet = field.sheet
    choices = (YES, NO) if field.kind == item_inputs.FLAG else names(field.choices) if field.choices else ()
    return Column(
        sheet.header,
        sheet.key or field.name,
        required=sheet.required,
        kind=_ITEM_KINDS[field.kind],
        width=sheet.width,
        aliases=sheet.aliases,
        hint=sheet.hint,
        choices=choices,
    )


ITEMS = SheetKind(
    name="items",
    title="随机抽查事项清单",
    key="code",
    label=_l("Spot-check item list"),
    held_in=item_inputs.HELD_IN,
    columns=(
        Column("序号", None, hint=HINT_MARKER, width=8),
        Column(
            "事项编码",
            "code",
            kind=CODE,
            width=14,
            aliases=("编码", "事项代码"),
            hint="新增事项留空；填写已有事项的编码即修改该事项",
        ),
        *(_item_column(field) for field in item_inputs.SHEET_FIELDS),
    ),
    notes=(
        "一行一个事项；第2行为填写说明，导入时自动跳过，也可删除。",
        "新增的事项导入后为草稿，发布后方可使用；填写“事项编码”即修改已有事项，已发布事项的修改形成新版本。",
        (
            "发布的事项须写明检查依据、检查主体、抽查对象、检查内容和检查方式；纳入随机抽查的还须写明比例和频次，"
            "不纳入随机抽查的须书面说明理由。已发布事项的修改缺少这些内容的，该行不导入。"
        ),
        "导入为“全部或全不”：任何一行有错，整份文件都不导入，并列出每一个出错的行、列和原因。",
    ),
)

# --- 检查对象名录库 (market-entity registry + the department's directory entries) ----------------

#: A directory field's kind (检查对象名录库的录入项) as a workbook column reads it.
_DIRECTORY_KINDS = {
    directory_inputs.TEXT: TEXT,
    directory_inputs.CODE: CODE,
    directory_inputs.CHOICE: CHOICE,
    directory_inputs.FLAG: FLAG,
    directory_inputs.DATE: DATE,
    directory_inputs.COUNT: INT,
    directory_inputs.TAGS: TEXT,
}


def _directory_column(field: directory_inputs.DirectoryField) -> Column:
    """The workbook's column of a directory field, as the directory domain declares it: a flag offers 是 and
    否, a choice its Chinese names, its codes or both."""
    sheet = field.sheet
    assert sheet is not None, f"{field.name} is not a column of the workbook"
    choices: tuple[str, ...] = ()
    if field.kind == directory_inputs.FLAG:
        choices = (YES, NO)
    elif field.choices:
        choices = {
            directory_inputs.NAMES: names(field.choices),
            directory_inputs.CODES: tuple(field.choices),
            directory_inputs.BOTH: (*field.choices, *field.choices.values()),
        }[sheet.offers]
    return Column(
        sheet.header,
        field.name,
        required=sheet.required,
        kind=_DIRECTORY_KINDS[field.kind],
        width=sheet.width,
        aliases=sheet.aliases,
        hint=sheet.hint,
        choices=choices,
    )


DIRECTORY = SheetKind(
    name="directory",
    title="检查对象名录库",
    key="code",
    label=_l("Target directory"),
    columns=(
        Column("序号", None, hint=HINT_MARKER, width=8),
        *(_directory_column(field) for field in directory_inputs.FIELDS),
    ),
    notes=(
        "一行一个检查对象；第2行为填写说明，导入时自动跳过，也可删除。",
        "名录库中已有的市场主体只能由市场监督管理局修改；其他部门导入时，已有主体的登记信息保持不变，只新增缺少的主体并更新本部门的监管类别、风险等级、标签和上次检查日期。",
        "导入为“全部或全不”：任何一行有错，整份文件都不导入，并列出每一个出错的行、列和原因。",
    ),
)

# --- 执法检查人员名录库 (seed 003 附件2 + seed 004) --------------------------------------------

INSPECTORS = SheetKind(
    name="inspectors",
    title="执法检查人员名录库",
    key="cert_no",
    label=_l("Inspector directory"),
    columns=(
        Column("序号", None, hint=HINT_MARKER, width=8),
        Column("姓名", "name", required=True, width=10, hint="必填"),
        Column("性别", "sex", required=True, kind=CHOICE, width=6, choices=names(reference.SEXES), hint="必填：男或女"),
        Column(
            "身份证号码",
            "id_number",
            kind=CODE,
            width=22,
            aliases=("身份证号", "公民身份号码"),
            hint="新增人员必填，18位；修改已有人员时可留空",
        ),
        Column("执法机构全称", "agency", required=True, width=26, aliases=("执法机构", "所在执法机构"), hint="必填"),
        Column("职务", "post", width=12, aliases=("岗位职务", "岗位")),
        Column(
            "执法证编号",
            "cert_no",
            required=True,
            kind=CODE,
            width=16,
            aliases=("执法证号", "执法证号码"),
            hint="必填；按编号新增或修改人员",
        ),
        Column(
            "执法证有效期至",
            "cert_expires_on",
            kind=DATE,
            width=14,
            aliases=("有效期至", "执法证有效期"),
            hint="YYYY-MM-DD，可空",
        ),
        Column(
            "执法类别",
            "categories",
            required=True,
            kind=MULTI,
            width=20,
            aliases=("执法种类",),
            choices=names(reference.ENFORCEMENT_CATEGORIES),
            hint="必填，可多选，用“、”分隔",
        ),
        Column("执法区域", "region", width=14),
        Column("业务专长", "expertise", width=16),
        Column("是否专家", "is_expert", kind=FLAG, width=8, choices=(YES, NO), aliases=("专家",), hint="是或否"),
        Column(
            "状态",
            "active",
            kind=CHOICE,
            width=8,
            choices=("在用", "停用"),
            aliases=("在岗状态",),
            hint="在用或停用，留空：新增为在用，已有人员不变",
        ),
        Column("备注", None, width=20, hint="仅供填表参考，系统不保存"),
    ),
    notes=(
        "一行一名执法检查人员；第2行为填写说明，导入时自动跳过，也可删除。",
        (
            "身份证号码属个人信息：只有本部门系统管理员导出的名录含完整号码，其他人导出的为遮盖后的号码；"
            "导入时遮盖后的号码视为“不修改”。"
        ),
        "导入为“全部或全不”：任何一行有错，整份文件都不导入，并列出每一个出错的行、列和原因。",
    ),
)

# --- 检查结果 (a campaign's results, entered offline and imported as submitted) ---------------

#: A result field's kind (检查结果的录入项) as a workbook column reads it.
_RESULT_KINDS = {
    result_inputs.DATE: DATE,
    result_inputs.CHOICE: CHOICE,
    result_inputs.CATEGORIES: MULTI,
    result_inputs.TEXT: TEXT,
}


def _result_column(field: result_inputs.ResultField) -> Column:
    """The workbook's column of a result field, as the results domain declares it."""
    sheet = field.sheet
    return Column(
        sheet.header,
        field.name,
        required=sheet.required,
        kind=_RESULT_KINDS[field.kind],
        width=sheet.width,
        aliases=sheet.aliases,
        hint=sheet.hint,
        choices=names(field.choices) if field.choices else (),
    )


RESULTS = SheetKind(
    name="results",
    title="抽查检查结果",
    key="entity_code",
    label=_l("Inspection results"),
    columns=(
        Column("序号", None, hint=HINT_MARKER, width=8),
        Column(
            "统一社会信用代码",
            "entity_code",
            required=True,
            kind=CODE,
            width=22,
            aliases=("信用代码",),
            hint="必填：本次抽查的检查对象",
        ),
        Column("检查对象名称", None, width=28, aliases=("企业名称", "名称"), hint="仅供核对，系统不保存"),
        Column("抽查事项", "item", required=True, width=26, aliases=("检查事项",), hint="必填：事项名称或编码"),
        *(_result_column(field) for field in result_inputs.FIELDS),
    ),
    notes=(
        "一行为一个检查对象的一个抽查事项；本次抽查的每个检查对象，其全部事项都要有一行。",
        (
            "检查结果是检查组的：导入的结果为代检查组录入的草稿，由该检查的组长确认提交后才进入审核（导入人就是该检查组长的，导入即提交）；"
            "审核由未参与录入的领导进行，导入人不能审核自己导入的结果。"
        ),
        "导入为“全部或全不”：任何一行有错，整份文件都不导入，并列出每一个出错的行、列和原因。",
    ),
)

KINDS: dict[str, SheetKind] = {kind.name: kind for kind in (ITEMS, DIRECTORY, INSPECTORS)}

#: What the job pages call the import jobs of the catalog's lists.
JOB_KINDS = {f"import.{kind.name}": kind for kind in KINDS.values()}
#: The job kind of a campaign's results import (检查结果导入), and the sheet of every import job.
RESULTS_JOB_KIND = "import.results"
IMPORT_JOB_SHEETS = {**JOB_KINDS, RESULTS_JOB_KIND: RESULTS}
#: The export jobs of the catalog's lists (导出作业), by their kind.
EXPORT_JOB_KINDS = {f"export.{kind.name}": kind for kind in KINDS.values()}

ACTIVE_NAMES = {"在用": True, "停用": False}
