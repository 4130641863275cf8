"""The words of joint campaigns (联合抽查): a participant's statuses (参与部门状态) and the domain's
constants, with their Chinese names for pages and API."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from spotcheck.core.calendar_notice import FIRST_YEAR, LAST_YEAR


class ParticipantStatus(enum.StrEnum):
    """invited → accepted (the department prepares its part) → approved (by its leader); or declined."""

    invited = "invited"
    accepted = "accepted"
    approved = "approved"
    declined = "declined"
    withdrawn = "withdrawn"  # the joint campaign was withdrawn (撤销): the part follows


#: What the lead sets for the whole joint campaign; each department sets the rest for its part.
JOINT_FIELDS = ("title", "year", "reserve_size", "team_size", "capacity", "window_start", "window_end", "method")
PART_FIELDS = ("item_ids", "exempt_kind", "exempt_reason", "target_filter", "strata")
DECLINE_LENGTH = 500

#: The reason recorded when the coordinator reads the departments' directories and inspector lists.
FRAME_REASON = "联合抽查：按各参与部门的名录与执法人员库建立抽取范围"
SIZES_REASON = "联合抽查：锁定抽取范围前，按各参与部门的名录预估抽取规模"
#: … and the inspector a replacement draw of the mixed team chose, in their department's list.
REPLACEMENT_REASON = "联合抽查：按抽取规则替换混合检查组成员，读取抽中人员的执法人员库记录"
LEADERS_REASON = "联合抽查：指定组长、下达前核对组长是否已开通账号，读取各参与部门执法人员库的账号关联"

#: The draws of a joint campaign, in order.
DRAW_KINDS = ("targets", "inspectors")


#: The Celery tasks (后台作业) of a joint campaign: its draws by kind, the size estimate and the
#: hand-out (queued jobs name them: never renamed).
DRAW_TASKS = {"targets": "spotcheck.joint.draw.targets", "inspectors": "spotcheck.joint.draw.inspectors"}
SIZES_TASK = "spotcheck.joint.sizes"
HAND_OUT_TASK = "spotcheck.joint.hand_out"
#: The year's statistics written as a workbook (联合检查工作进展情况统计表导出): its task and its job's kind (an
#: export: :func:`spotcheck.core.jobs.file_of` serves its file).
STATISTICS_TASK = "spotcheck.joint.statistics_export"
STATISTICS_JOB = "export.joint_statistics"
#: The years the statistics may be asked for: the years the official calendar holds.
STATISTICS_YEARS = range(FIRST_YEAR, LAST_YEAR + 1)


@dataclass(frozen=True)
class Year:
    """A calendar year as a reporting period (年度), as the lead department's own page asks for it;
    named as :class:`spotcheck.tenants.supervision.periods.Period` names a year."""

    year: int

    @property
    def start(self) -> date:
        return date(self.year, 1, 1)

    @property
    def end(self) -> date:
        return date(self.year, 12, 31)

    @property
    def label(self) -> str:
        return f"{self.year}年度"
