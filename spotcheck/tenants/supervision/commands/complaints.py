"""A business's complaint about an inspection (投诉), made with its 企业核验码 on its code's page, as the justice
bureau handles it: the complaint is the bureau's row alone, and who complained and how to reach them a row of the
bureau's, encrypted (personal data). The department complained about sees nothing of it until the bureau forwards it
(转办, :func:`forward_complaint`), with or without the business's name; the department answers the bureau
(:func:`answer_forwarded`), and the bureau replies to the business (:func:`answer_complaint`), which reads the reply
with its code (:mod:`spotcheck.tenants.supervision.queries.outcomes`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from flask_babel import LazyString, lazy_gettext as _l

from spotcheck.core import audit, personal_data
from spotcheck.core.actor import Actor
from spotcheck.core.clock import local, now
from spotcheck.core.commands import ANYONE, command
from spotcheck.core.database import db, get_row
from spotcheck.core.errors import ConflictError, InvalidInputError
from spotcheck.core.policy import Permission
from spotcheck.core.scoping import tenant_scope
from spotcheck.core.text import required_text
from spotcheck.tenants.accounts.vocabulary import MOBILE
from spotcheck.tenants.common.validators import Errors
from spotcheck.tenants.results.commands.business import party, with_business_code
from spotcheck.tenants.results.models import InspectionCode, Visit
from spotcheck.tenants.rules.rulebook import rules_for
from spotcheck.tenants.supervision.bureau import supervising_bureau
from spotcheck.tenants.supervision.models import Complaint, ComplaintContact, ComplaintForward, ComplaintStatus
from spotcheck.tenants.supervision.policy import COMPLAINT_ACTIONS, FORWARD_ACTIONS

#: The longest complaint and answer, and contact name (characters).
TEXT_LENGTH, NAME_LENGTH = 2000, 50


#: A complaint or an answer says something: at least this many characters.
SHORTEST = 5


def _text(data: Mapping[str, object], name: str, errors: Errors, missing: LazyString) -> str:
    """:func:`~spotcheck.core.text.required_text`, and a text of a word or two is taken as none given."""
    text = required_text(data.get(name), name, errors, limit=TEXT_LENGTH, missing=missing)
    if text and len(text) < SHORTEST:
        errors[name] = [missing]
    return text


def _checked_on(visit: Visit, code: InspectionCode) -> date | None:
    """The day of the check complained about: as its result states it, else the day the team arrived (入企)."""
    if visit.checked_on is not None:
        return visit.checked_on
    return local(code.arrived_at).date() if code.arrived_at is not None else None


@command(ANYONE)
def complain(token: str, data: Mapping[str, object], *, actor: Actor | None = None) -> Complaint:
    """投诉: the business complains to the justice bureau about the inspection of ``token`` (``data["text"]``),
    with who to reach (``data["contact_name"]``, ``data["contact_phone"]``, a mobile number) — with the 企业核验码, or
    signed in, from the business's record with no code. The contact is the bureau's alone, as the complaint is."""
    data = data if isinstance(data, dict) else {}
    by, named = party(actor)
    with with_business_code(token, data, actor) as (tenant_id, code):
        visit = code.visit
        errors: dict[str, list] = {}
        text = _text(
            data, "text", errors, _l("Say what the complaint is about (5 to %(n)d characters).", n=TEXT_LENGTH)
        )
        name = required_text(
            data.get("contact_name"),
            "contact_name",
            errors,
            limit=NAME_LENGTH,
            missing=_l("Give the name of the person to contact."),
        )
        phone = str(data.get("contact_phone") or "").strip()
        if not MOBILE.match(phone):
            errors["contact_phone"] = [_l("Give a mobile number of 11 digits (the bureau calls back).")]
        if errors:
            raise InvalidInputError(errors)
        copy = {
            "visit_id": visit.id,
            "department_name": visit.campaign.tenant.full_name,
            "entity_name": visit.entity.name,
            "campaign_code": visit.campaign.code or "",
            "checked_on": _checked_on(visit, code),
        }
    bureau = supervising_bureau(tenant_id)
    if bureau is None:
        raise ConflictError(
            _l(
                "%(rule)sthe justice bureau takes complaints about inspections, and none is on this platform yet.",
                rule=rules_for(tenant_id).under("enforcement_supervisor"),
            )
        )
    with tenant_scope(bureau.id):
        complaint = Complaint(about_tenant_id=tenant_id, text=text, **copy)
        db.session.add(complaint)
        db.session.flush()
        db.session.add(
            ComplaintContact(
                complaint_id=complaint.id,
                name_encrypted=personal_data.encrypt(name),
                phone_encrypted=personal_data.encrypt(phone),
            )
        )
        audit.record(
            "complaint.made",
            "complaint",
            complaint.id,
            actor=by,
            details={"entity": copy["entity_name"], "department": copy["department_name"], **named},
        )
        db.session.flush()
    return complaint


def _written(data: object, name: str, missing: LazyString) -> str:
    errors: dict[str, list] = {}
    text = _text(data if isinstance(data, dict) else {}, name, errors, missing)
    if errors:
        raise InvalidInputError(errors)
    return text


@command(Permission.SUPERVISION_MANAGE)
def forward_complaint(complaint_id: int, data: Mapping[str, object], *, actor: Actor) -> ComplaintForward:
    """转办: the justice bureau forwards a complaint to the department complained about, once — with the business's
    name (``data["named"]`` "yes": the business, the campaign's number and the day of the check) or without it
    ("no": none of them, nor the visit), and the text it forwards (``data["text"]``: the complaint's, as the bureau
    may have edited it; the original stays the bureau's)."""
    complaint = get_row(Complaint, complaint_id, _l("No such complaint."), for_update=True)
    COMPLAINT_ACTIONS.require(complaint, actor, "forward")
    data = data if isinstance(data, dict) else {}
    errors: dict[str, list] = {}
    named = {"yes": True, "no": False}.get(str(data.get("named") or ""))
    if named is None:
        errors["named"] = [_l("Choose whether the department reads the business's name.")]
    text = _text(data, "text", errors, _l("Write what the department reads (5 to %(n)d characters).", n=TEXT_LENGTH))
    if errors:
        raise InvalidInputError(errors)
    shown = (
        dict(
            visit_id=complaint.visit_id,
            entity_name=complaint.entity_name,
            campaign_code=complaint.campaign_code,
            checked_on=complaint.checked_on,
        )
        if named
        else {}
    )
    forward = ComplaintForward(
        complaint_id=complaint.id,
        receiver_tenant_id=complaint.about_tenant_id,
        named=bool(named),
        department_name=complaint.department_name,
        text=text,
        forwarded_by_name=actor.display_name,
        forwarded_at=now(),
        **shown,
    )
    db.session.add(forward)
    complaint.status = ComplaintStatus.forwarded
    db.session.flush()
    audit.record(
        "complaint.forwarded",
        "complaint",
        complaint.id,
        actor=actor,
        details={"department": complaint.department_name, "with_name": bool(named), "edited": text != complaint.text},
    )
    return forward


@command(Permission.COMPLAINTS_ANSWER)
def answer_forwarded(forward_id: int, data: dict, *, actor: Actor) -> ComplaintForward:
    """The department a complaint was forwarded to answers the justice bureau (部门答复), once: what it found and
    did. The bureau reads it beside the complaint and replies to the business."""
    forward = get_row(ComplaintForward, forward_id, _l("No such complaint."), for_update=True)
    FORWARD_ACTIONS.require(forward, actor, "answer")
    answer = _written(
        data, "answer", _l("Write the answer to the justice bureau (5 to %(n)d characters).", n=TEXT_LENGTH)
    )
    forward.answer, forward.answered_by_name, forward.answered_at = answer, actor.display_name, now()
    audit.record("complaint.forward_answered", "complaint_forward", forward.id, actor=actor)
    return forward


@command(Permission.SUPERVISION_MANAGE)
def answer_complaint(complaint_id: int, data: dict, *, actor: Actor) -> Complaint:
    """The justice bureau replies to the business (答复), once — after the department's answer to a forward, or
    without forwarding; the business reads the reply on its code's page with its 企业核验码."""
    complaint = get_row(Complaint, complaint_id, _l("No such complaint."), for_update=True)
    COMPLAINT_ACTIONS.require(complaint, actor, "answer")
    answer = _written(data, "answer", _l("Write the answer (5 to %(n)d characters).", n=TEXT_LENGTH))
    complaint.status, complaint.answer = ComplaintStatus.answered, answer
    complaint.answered_by_name, complaint.answered_at = actor.display_name, now()
    audit.record(
        "complaint.answered", "complaint", complaint.id, actor=actor, details={"entity": complaint.entity_name}
    )
    return complaint
