"""The results' words (检查结果词汇): a visit's states, the kinds of follow-up, the limits of the
texts the commands and the API check, and how a check's dates are shown."""

from __future__ import annotations

import enum
from datetime import date

from flask_babel import lazy_gettext as _l

#: The longest findings per item, record per visit, and reason (退回、更正、日期更正), in characters.
FINDINGS_LENGTH, RECORD_LENGTH, REASON_LENGTH = 2000, 10000, 500
#: The longest 对被检查人的评价 and 处理意见和建议 of a report, in characters.
EVALUATION_LENGTH = OPINIONS_LENGTH = 2000
#: The longest texts of a follow-up (characters).
DETAILS_LENGTH, NOTE_LENGTH, CASE_NUMBER_LENGTH, ORGAN_LENGTH = 2000, 1000, 64, 100
#: The longest rectification period given in working days.
MAX_DEADLINE_DAYS = 250
#: The result category that says nothing was found (未发现问题): always offered, always alone.
NO_PROBLEM = "no_problem"
#: The longest name of a department's own result category.
CATEGORY_NAME_LENGTH = 60
#: The most attachments (附件) one visit keeps.
MAX_ATTACHMENTS = 30

#: Who joins a team as an expert (专家), as the pages, documents and API name it.
EXPERT_KINDS = {
    "directory": "名录库专家",
    "testing_body": "检测机构",
    "research_institute": "科研院所",
    "scholar": "专家学者",
}
#: The longest expert's name, organisation, expertise, and conflict's reason (characters).
NAME_LENGTH, ORGANISATION_LENGTH, EXPERTISE_LENGTH, RECUSAL_REASON_LENGTH = 50, 200, 200, 200


class VisitStatus(enum.StrEnum):
    """A visit's result, step by step (the rules are in :mod:`spotcheck.tenants.results.policy`)."""

    assigned = "assigned"  # 待检查: handed to the team, nothing recorded
    drafting = "drafting"  # 录入中
    submitted = "submitted"  # 待审核: submitted by the team leader (or imported)
    returned = "returned"  # 已退回: the reviewer asked for changes
    approved = "approved"  # 待公示
    published = "published"  # 已公示


class FollowUpKind(enum.StrEnum):
    """后续处置: what is done about a problem found."""

    rectification = "rectification"  # 责令改正, with a deadline and a re-check (复查)
    case = "case"  # 立案, with the case number, until the case is concluded (结案)
    transfer = "transfer"  # 移送/抄告 to the competent department, until it acknowledges (签收)
    police = "police"  # 涉嫌犯罪移送公安, with the record, until the police acknowledge (受理)


def span(start: date | None, end: date | None) -> str:
    """The check's dates as a page shows them: ``2026-09-15`` for one day, else both (``—``: none)."""
    if start is None:
        return "—"
    if end is None or end == start:
        return start.isoformat()
    return str(_l("%(start)s to %(end)s", start=start.isoformat(), end=end.isoformat()))


#: The states in which a result can be recorded (and its team still change).
OPEN_STATUSES = (VisitStatus.assigned, VisitStatus.drafting, VisitStatus.returned)

#: The review list's filter value for a result that found a problem in any category (发现问题的).
FOUND_PROBLEM = "problem"


#: The Celery tasks (后台作业) of the results: a campaign's hand-out, the approval and the publication
#: of many results at once (queued jobs and the beat name them: never renamed).
HAND_OUT_TASK = "spotcheck.campaign.hand_out"
APPROVAL_TASK, PUBLICATION_TASK = "spotcheck.results.approve", "spotcheck.results.publish"
#: The job kinds of the approval and the publication of many results (their names are in the job labels).
APPROVAL_JOB, PUBLICATION_JOB = "results.approve", "results.publish"


#: The business's satisfaction with an inspection (满意度, as the 政务服务“好差评” grade it), best first.
SATISFACTION_LABELS = {
    5: _l("Very satisfied"),
    4: _l("Satisfied"),
    3: _l("Fairly satisfied"),
    2: _l("Dissatisfied"),
    1: _l("Very dissatisfied"),
}
#: The longest text of a business's evaluation (characters).
EVALUATION_TEXT_LENGTH = 500


# --- inspection codes (检查码): how they are written -------------------------------------------

#: The characters of a code to type (Crockford's base 32: no I, L, O or U to mistake), 5 bits each.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
#: A typed code's length: 12 characters, 60 bits.
TYPED_LENGTH = 12


def normalise_typed(text: str) -> str:
    """A typed code as stored: upper case, without spaces or hyphens, the letters one mistakes for
    digits read as those digits (O → 0, I and L → 1)."""
    cleaned = "".join(text.split()).replace("-", "").upper()
    return cleaned.translate(str.maketrans("OIL", "011"))


def grouped(typed: str) -> str:
    """A typed code as printed: three groups of four (``7K3M-Q9TX-2BHD``)."""
    return "-".join(typed[i : i + 4] for i in range(0, len(typed), 4))


class RecusalRequestStatus(enum.StrEnum):
    """A business's request that an inspector withdraw (回避申请), as a leader decides it."""

    pending = "pending"  # 待处理
    accepted = "accepted"  # 已同意: the member's conflict is declared, the member is replaced
    refused = "refused"  # 不同意, with the reason


RECUSAL_REQUEST_STATUS_LABELS = {
    RecusalRequestStatus.pending: _l("Waiting for a leader's decision"),
    RecusalRequestStatus.accepted: _l("Accepted: the inspector withdraws and is replaced"),
    RecusalRequestStatus.refused: _l("Refused"),
}


class AnswerStatus(enum.StrEnum):
    """A business's answer to a rectification order (整改答复), as the department reviews it."""

    submitted = "submitted"  # 待审核
    accepted = "accepted"  # 已通过: the order is closed as corrected (已改正)
    returned = "returned"  # 已退回, with the reason: the business answers again


ANSWER_STATUS_LABELS = {
    AnswerStatus.submitted: _l("Waiting for the department's review"),
    AnswerStatus.accepted: _l("Accepted: the order is closed as corrected"),
    AnswerStatus.returned: _l("Returned"),
}
#: How long an answer's text may be (整改情况说明); its files: the staff attachments' limit (:data:`MAX_ATTACHMENTS`).
ANSWER_LENGTH = 4000


#: A visit's two due dates, by their field (``deadlines.DUE_FIELDS``), as every page names them.
DUE_LABELS = {"report_due": _l("Report due"), "publish_due": _l("Publication due")}


class CheckState(enum.StrEnum):
    """What the public page of a code says of its inspection (defined from the data:
    :func:`spotcheck.tenants.results.codes.state_of`)."""

    not_yet = "not_yet"  # 检查期未到
    valid = "valid"  # 有效
    finished = "finished"  # 已结束
    expired = "expired"  # 已过期


CHECK_STATE_LABELS = {
    CheckState.not_yet: _l("Not yet: the inspection window has not begun, and the team may not arrive before it"),
    CheckState.valid: _l("Valid: this inspection was drawn and handed out, and may take place now"),
    CheckState.finished: _l("Finished: the team has recorded its departure"),
    CheckState.expired: _l("Expired: the inspection window ended and no arrival was recorded"),
}
