"""A business's complaint about an inspection (投诉), made with its 企业核验码 on its code's page, and the
justice bureau's answer. The complaint is the bureau's row; the department complained about reads a
copy — the text and the answer — as a transfer's receiver does (:class:`~spotcheck.core.scoping.SharedWithReceiver`);
who complained and how to reach them is a row of the bureau's alone, encrypted (personal data)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from spotcheck.core import audit, personal_data
from spotcheck.core.actor import Actor
from spotcheck.core.clock import now
from spotcheck.core.commands import ANYONE, command
from spotcheck.core.database import db, get_row
from spotcheck.core.errors import Conflict, ValidationFailed
from spotcheck.core.policy import Permission
from spotcheck.core.scoping import tenant_scope
from spotcheck.core.text import required_text
from spotcheck.tenants.accounts.vocabulary import MOBILE
from spotcheck.tenants.results.codes import BUSINESS
from spotcheck.tenants.results.commands.business import with_business_code
from spotcheck.tenants.rules.rulebook import rules_for
from spotcheck.tenants.supervision.bureau import supervising_bureau
from spotcheck.tenants.supervision.models import Complaint, ComplaintContact, ComplaintStatus
from spotcheck.tenants.supervision.policy import COMPLAINT_ACTIONS

#: The longest complaint and answer, and contact name (characters).
TEXT_LENGTH, NAME_LENGTH = 2000, 50


#: A complaint or an answer says something: at least this many characters.
SHORTEST = 5


def _text(data: dict, name: str, errors: dict, missing) -> str:
    """:func:`~spotcheck.core.text.required_text`, and a text of a word or two is taken as none given."""
    text = required_text(data.get(name), name, errors, limit=TEXT_LENGTH, missing=missing)
    if text and len(text) < SHORTEST:
        errors[name] = [missing]
    return text


@command(ANYONE)
def complain(token: str, data: dict, *, actor: Actor | None = None) -> Complaint:
    """投诉: the business complains to the justice bureau about the inspection of ``token`` (``data["text"]``),
    with who to reach (``data["contact_name"]``, ``data["contact_phone"]``, a mobile number)."""
    data = data if isinstance(data, dict) else {}
    with with_business_code(token, data) as (tenant_id, code):
        visit = code.visit
        errors: dict[str, list] = {}
        text = _text(data, "text", errors, _l("Say what the complaint is about (5 to %(n)d characters).", n=TEXT_LENGTH))
        name = required_text(data.get("contact_name"), "contact_name", errors, limit=NAME_LENGTH,
                             missing=_l("Give the name of the person to contact."))
        phone = str(data.get("contact_phone") or "").strip()
        if not MOBILE.match(phone):
            errors["contact_phone"] = [_l("Give a mobile number of 11 digits (the bureau calls back).")]
        if errors:
            raise ValidationFailed(errors)
        copy = {"visit_id": visit.id, "department_name": visit.campaign.tenant.name,
                "entity_name": visit.entity.name, "campaign_code": visit.campaign.code or ""}
    bureau = supervising_bureau(tenant_id)
    if bureau is None:
        raise Conflict(_l("%(rule)sthe justice bureau takes complaints about inspections, and none is on this platform "
                          "yet.", rule=rules_for(tenant_id).under("enforcement_supervisor")))
    with tenant_scope(bureau.id):
        complaint = Complaint(receiver_tenant_id=tenant_id, text=text, **copy)
        db.session.add(complaint)
        db.session.flush()
        db.session.add(ComplaintContact(complaint_id=complaint.id, name_encrypted=personal_data.encrypt(name),
                                        phone_encrypted=personal_data.encrypt(phone)))
        audit.record("complaint.made", "complaint", complaint.id, actor=BUSINESS,
                     details={"entity": copy["entity_name"], "department": copy["department_name"]})
        db.session.flush()
    return complaint


@command(Permission.SUPERVISION_MANAGE)
def answer_complaint(complaint_id: int, data: dict, *, actor: Actor) -> Complaint:
    """The justice bureau answers a complaint (答复), once; the business reads it on the code's page and
    the department in its copy."""
    complaint = get_row(Complaint, complaint_id, _l("No such complaint."), for_update=True)
    COMPLAINT_ACTIONS.require(complaint, actor, "answer")
    errors: dict[str, list] = {}
    answer = _text(data if isinstance(data, dict) else {}, "answer", errors,
                   _l("Write the answer (5 to %(n)d characters).", n=TEXT_LENGTH))
    if errors:
        raise ValidationFailed(errors)
    complaint.status, complaint.answer = ComplaintStatus.answered, answer
    complaint.answered_by_name, complaint.answered_at = actor.display_name, now()
    audit.record("complaint.answered", "complaint", complaint.id, actor=actor, details={"entity": complaint.entity_name})
    return complaint
