"""What a team records for a visit (检查结果的录入项), declared once: each field's name, its Chinese
name, its kind, its limit and its list. The recording command checks a result against it
(:func:`spotcheck.tenants.results.checks.clean_result`); the API's input schema, the visit page's
form, the results workbook's columns and the template's labels and limits are derived from it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from spotcheck.tenants.common.vocabulary import reference
from spotcheck.tenants.results.vocabulary import (
    EVALUATION_LENGTH,
    FINDINGS_LENGTH,
    OPINIONS_LENGTH,
    REASON_LENGTH,
    RECORD_LENGTH,
)

#: The kinds of a field: how it is typed, sent and read.
DATE, CHOICE, TEXT, CATEGORIES = "date", "choice", "text", "categories"


@dataclass(frozen=True)
class Sheet:
    """How the field appears in the results workbook (检查结果导入表): its header, the other headers
    read as it, the grey hint under the header, and the column's width."""

    header: str
    aliases: tuple[str, ...] = ()
    hint: str = ""
    width: int = 16
    required: bool = False


@dataclass(frozen=True)
class ResultField:
    """One field of a recorded result (录入项)."""

    name: str
    label: object  # the page's label (lazy gettext: Chinese on a Chinese page)
    kind: str
    sheet: Sheet
    longest: int | None = None  # a text's length, at most
    choices: Mapping[str, str] | None = None  # a choice's codes and Chinese names
    about: str = ""  # what the API's document says of it
    per_item: bool = False  # recorded for each checked item (categories, findings), not once for the visit

    @property
    def is_text(self) -> bool:
        return self.kind == TEXT


#: The fields, in the workbook's order: the visit's own, and each checked item's (a row per item).
FIELDS: tuple[ResultField, ...] = (
    ResultField(
        "checked_on",
        _l("Check started on"),
        DATE,
        Sheet("检查日期", ("检查开始日期",), "必填，检查开始的日期，YYYY-MM-DD；同一对象各行一致", 12, required=True),
        about="检查开始日期, inside the campaign's window, not in the future",
    ),
    ResultField(
        "checked_until",
        _l("Check ended on"),
        DATE,
        Sheet("检查结束日期", (), "当天完成的可不填；YYYY-MM-DD，报送和公示期限从此日起算；同一对象各行一致", 12),
        about="检查结束日期 (not before the start; omitted with checked_on: the check ends that day). Both "
        "are fixed once the result is submitted: only a leader corrects them (POST …/dates)",
    ),
    ResultField(
        "method",
        _l("Check method"),
        CHOICE,
        Sheet("核查方式", ("检查方式",), "必填；同一对象各行一致", 14, required=True),
        choices=reference.CHECK_METHODS,
        about="检查方式",
    ),
    ResultField(
        "categories",
        _l("Result categories"),
        CATEGORIES,
        Sheet("检查结果", ("检查结果类别",), "必填，可多选，用“、”分隔；不会默认“未发现问题”", 30, required=True),
        choices=reference.RESULT_CATEGORIES,
        about="The department's result category codes (GET /api/v1/visits/categories); by default",
        per_item=True,
    ),
    ResultField(
        "findings",
        _l("Findings"),
        TEXT,
        Sheet("检查情况", ("问题描述", "发现的问题"), "发现问题的，必须写明", 30),
        longest=FINDINGS_LENGTH,
        about="检查情况: what was found; required where a problem was found",
        per_item=True,
    ),
    ResultField(
        "record",
        _l("Inspection record (检查记录 / 现场笔录)"),
        TEXT,
        Sheet("检查记录", ("现场笔录", "检查记录/现场笔录"), "必填（同一对象写在任一行即可；已上传附件的可空）", 30),
        longest=RECORD_LENGTH,
        about="检查记录/现场笔录: required to submit where the rules in force ask it",
    ),
    ResultField(
        "evaluation",
        _l("Evaluation of the inspected party (对被检查人的评价)"),
        TEXT,
        Sheet("对被检查人的评价", ("评价", "被检查人评价"), "规则要求的必填（同一对象写在任一行即可）", 30),
        longest=EVALUATION_LENGTH,
        about="对被检查人的评价: required to submit where the rules in force ask it",
    ),
    ResultField(
        "opinions",
        _l("Handling opinions and suggestions (处理意见和建议)"),
        TEXT,
        Sheet("处理意见和建议", ("处理意见", "处理意见及建议"), "规则要求的必填（同一对象写在任一行即可）", 30),
        longest=OPINIONS_LENGTH,
        about="处理意见和建议: required to submit where the rules in force ask them",
    ),
    ResultField(
        "method_change_reason",
        _l("Reason for the change of method (方式变更理由)"),
        TEXT,
        Sheet(
            "方式变更理由",
            ("检查方式变更理由",),
            "核查方式不是抽查任务（及检查计划）确定的方式时必填；同一对象写在任一行即可",
            24,
        ),
        longest=REASON_LENGTH,
        about="方式变更理由: required to submit a result by a method the campaign (and its plan) did not set",
    ),
)
VISIT_FIELDS = tuple(field for field in FIELDS if not field.per_item)
ITEM_FIELDS = tuple(field for field in FIELDS if field.per_item)

BY_NAME: dict[str, ResultField] = {field.name: field for field in FIELDS}

#: The report's texts (检查报告) beside the items' results, and the longest each may be.
TEXTS: dict[str, int] = {field.name: field.longest for field in VISIT_FIELDS if field.is_text and field.longest}
#: The two dates of a check: its start (检查开始日期) and end (检查结束日期; a one-day check ends when it
#: starts), fixed once the result is submitted.
CHECK_DATES: tuple[str, ...] = tuple(field.name for field in VISIT_FIELDS if field.kind == DATE)
