"""What a business does on its record (企业在检查档案上办理的事项): it answers a rectification order (整改答复) with
text and files. Only an order its record shows is answered (:func:`.queries.own_order`, the record's own audited
read; any other reads as none at all), read and written in the scope of the department keeping it. The answer's
life cycle is the results' own (:mod:`spotcheck.tenants.results.rectification_answers`), its rules the results'
policy. It reads its own rows of the draws (本户抽取核验, :mod:`.draw_rows`), which reads the draw's key."""

from __future__ import annotations

from typing import cast

from flask_babel import lazy_gettext as _l

from spotcheck.core import audit
from spotcheck.core.actor import Actor
from spotcheck.core.clock import today
from spotcheck.core.commands import ANYONE, command
from spotcheck.core.database import db
from spotcheck.core.errors import InvalidInputError, NotFoundError
from spotcheck.core.policy import Permission
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.business_record import draw_rows, queries
from spotcheck.tenants.business_record.draw_rows import OwnDraw
from spotcheck.tenants.businesses.models import person_of
from spotcheck.tenants.campaigns import holders
from spotcheck.tenants.directory.models import Entity
from spotcheck.tenants.results import rectification_answers
from spotcheck.tenants.results.commands.business import with_business_code
from spotcheck.tenants.results.models import RectificationAnswer
from spotcheck.tenants.results.policy import FOLLOW_UP_ACTIONS
from spotcheck.tenants.results.queries.follow_ups import get_follow_up


@command(Permission.BUSINESS_SIGNED_IN)
def answer_rectification(follow_up_id: int, data: dict, *, actor: Actor) -> RectificationAnswer:
    """整改答复: the signed-in business answers rectification order ``follow_up_id`` of its record — ``text`` (what it
    corrected and how) and ``files`` ((stream, name) pairs: photos or PDFs, checked as a result's attachments are).
    Given after the order's deadline, the answer is kept and counted late (逾期)."""
    person = person_of(actor)
    tenant_id = queries.own_order(follow_up_id, reader=actor).rectification.department_id  # else not found
    with tenant_scope(tenant_id):
        follow_up = get_follow_up(follow_up_id, for_update=True)
        FOLLOW_UP_ACTIONS.require(follow_up, actor, "answer")
        errors: dict[str, list] = {}
        text = rectification_answers.answer_text(data, errors)
        files = rectification_answers.uploads(data, errors)
        if errors:
            raise InvalidInputError(errors)
        answer = rectification_answers.submit(
            follow_up, text, files, person_id=person.id, by_name=person.display_name, on=today()
        )
        audit.record(
            "rectification.answered",
            "visit",
            follow_up.visit_id,
            actor=person.as_actor,
            tenant_id=tenant_id,
            details={
                "follow_up": follow_up.id,
                "answer": answer.id,
                "late": answer.late,
                "files": len(files),
                "business": person.account.credit_code,
            },
        )
        return answer


@command(Permission.BUSINESS_SIGNED_IN)
def own_draws(*, actor: Actor) -> list[OwnDraw]:
    """The signed-in business's rows of every drawn target draw that held it or left it out, oldest first."""
    account = getattr(actor, "account", None)
    if account is None:
        raise NotFoundError(_l("No business is signed in."))
    entity = cast(Entity, db.session.get(Entity, account.entity_id))
    found = []
    for record in holders.draws_of(entity.id):
        held = holders.holding(record, entity, actor=actor, reader=draw_rows.SIGNED_IN)
        if held is not None:
            found.append(held)
    return draw_rows.worded(found, entity.code)


@command(ANYONE)
def code_draw(token: str, data: object, *, actor: Actor | None = None) -> OwnDraw | None:
    """The business's row of the target draw its check of code ``token`` came from, shown to whoever gives the
    notice's 企业核验码 (``data["business_code"]``) — never on the part of the page the code alone opens; None for a
    check no target draw made (a named check)."""
    with with_business_code(token, data if isinstance(data, dict) else {}) as (_tenant_id, code):
        visit = code.visit
        campaign = visit.campaign
        drawn_by = campaign.joint_id or campaign.id
        entity = visit.entity
    record = holders.target_draw(drawn_by)
    if record is None:
        return None
    held = holders.holding(record, entity, actor=actor, reader=draw_rows.CODE_HOLDER)
    return draw_rows.worded([held], entity.code)[0] if held is not None else None
