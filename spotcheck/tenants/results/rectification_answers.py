"""A business's answer to a rectification order (整改答复), its one life cycle: submitted by a person of the business
(:func:`submit`, with text and files, on time or late against the order's deadline) → reviewed by the department
(:func:`review`): accepted — the order is then closed as corrected by the follow-ups' own step — or returned with
the reason, after which the business answers again. What each step allows, and to whom, is the results' policy
(:data:`spotcheck.tenants.results.policy.FOLLOW_UP_ACTIONS`: ``answer`` and ``review_answer``); the commands that
take these steps are the business's (:mod:`spotcheck.tenants.business_record.commands`) and the department's
(:func:`spotcheck.tenants.results.commands.follow_ups.review_rectification_answer`)."""

from __future__ import annotations

from datetime import date
from typing import BinaryIO

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from spotcheck.core.clock import now
from spotcheck.core.database import db, is_row_id
from spotcheck.core.errors import NotFoundError
from spotcheck.tenants.results import attachments
from spotcheck.tenants.results.models import FollowUp, RectificationAnswer, RectificationFile
from spotcheck.tenants.results.vocabulary import ANSWER_LENGTH, MAX_ATTACHMENTS, AnswerStatus, FollowUpKind

#: Where the files of the answers are kept (the core storage's area).
AREA = "rectifications"


def answer_text(data: dict, errors: dict) -> str:
    """整改情况说明: what the business corrected, 2 to :data:`ANSWER_LENGTH` characters."""
    text = str(data.get("text") or "").strip()
    if len(text) < 2:
        errors["text"] = [_l("Say what was corrected and how (at least 2 characters).")]
    elif len(text) > ANSWER_LENGTH:
        errors["text"] = [_l("At most %(n)d characters.", n=ANSWER_LENGTH)]
    return text


def uploads(data: dict, errors: dict) -> list[tuple[BinaryIO, str]]:
    """The files given (``data["files"]``: (stream, name) pairs; none is allowed), at most :data:`MAX_ATTACHMENTS`."""
    given = [(stream, name) for stream, name in data.get("files") or [] if stream is not None and name]
    if len(given) > MAX_ATTACHMENTS:
        errors["files"] = [_l("Attach at most %(n)d files.", n=MAX_ATTACHMENTS)]
    return given


def submit(
    follow_up: FollowUp, text: str, files: list[tuple[BinaryIO, str]], *, person_id: int | None, by_name: str, on: date
) -> RectificationAnswer:
    """The business's answer to ``follow_up`` given on ``on`` (Beijing's day): late (逾期) when after its deadline;
    its files stored and checked (a wrong one is a field error under ``files``, and nothing is kept)."""
    answer = RectificationAnswer(
        follow_up_id=follow_up.id,
        text=text,
        answered_at=now(),
        answered_on=on,
        late=_late(on, follow_up),
        person_id=person_id,
        by_name=by_name,
        status=AnswerStatus.submitted,
    )
    db.session.add(answer)
    db.session.flush()
    for stream, name in files:
        stored, kind = attachments.store_checked(stream, area=AREA, tenant_id=follow_up.tenant_id, field="files")
        db.session.add(
            RectificationFile(
                answer_id=answer.id,
                name=attachments.clean_name(name, kind),
                content_type=kind[0],
                size=stored.size,
                sha256=stored.sha256,
                storage_key=stored.key,
            )
        )
    db.session.flush()
    db.session.expire(follow_up, ["answers"])
    return answer


def deadline_moved(follow_up: FollowUp) -> None:
    """The order's deadline counted again (its year's official calendar entered): each answer late (逾期) or not
    against the deadline now in force."""
    for answer in follow_up.answers:
        answer.late = _late(answer.answered_on, follow_up)


def _late(answered_on: date, follow_up: FollowUp) -> bool:
    """逾期答复: given after the order's deadline in force."""
    return follow_up.deadline is not None and answered_on > follow_up.deadline


def review(answer: RectificationAnswer, *, accepted: bool, note: str, by_name: str) -> None:
    """The department's review of ``answer``: accepted, or returned with the reason (``note``)."""
    answer.status = AnswerStatus.accepted if accepted else AnswerStatus.returned
    answer.reviewed_at, answer.reviewed_by_name, answer.review_note = now(), by_name, note


def load_for(follow_ups: list[FollowUp]) -> None:
    """Load the answers of ``follow_ups`` (already read) and their files in one read each, not one per order."""
    ids = [f.id for f in follow_ups if f.kind == FollowUpKind.rectification]
    if ids:
        db.session.scalars(
            sa.select(FollowUp)
            .where(FollowUp.id.in_(ids))
            .options(selectinload(FollowUp.answers).selectinload(RectificationAnswer.files))
        ).all()


def file_of(follow_up: FollowUp, file_id: object) -> RectificationFile:
    """A file of an answer to ``follow_up`` (else not found)."""
    found = (
        db.session.scalar(
            sa.select(RectificationFile)
            .join(RectificationAnswer, RectificationAnswer.id == RectificationFile.answer_id)
            .where(RectificationFile.id == file_id, RectificationAnswer.follow_up_id == follow_up.id)
        )
        if is_row_id(file_id)
        else None
    )
    if found is None:
        raise NotFoundError(_l("No such file."))
    return found
