"""What the platform calls its states and codes (名称): one table per kind of code, used by the
staff pages, the public portal, the API's error messages and the documents alike.

Each value is a lazy translation (the UI is Chinese by default). :func:`name` looks a code (or
an enum member) up in a table and falls back to the code itself.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

#: 抽查任务 life cycle.
CAMPAIGN_STATUS = {
    "draft": _l("Draft"),
    "approved": _l("Approved, draw committed"),
    "targets_drawn": _l("Targets drawn"),
    "inspectors_drawn": _l("Inspectors drawn"),
    "notified": _l("Handed to the teams"),
    "in_progress": _l("Inspections in progress"),
    "results_in": _l("Results approved"),
    "published": _l("Results published"),
    "closed": _l("Closed"),
    "withdrawn": _l("Withdrawn (cancelled)"),
}
#: A department's answer to a joint campaign (联合抽查参与部门).
PARTICIPANT_STATUS = {
    "invited": _l("Invited, no answer yet"),
    "accepted": _l("Accepted, preparing its part"),
    "approved": _l("Part approved by its leader"),
    "declined": _l("Declined"),
    "withdrawn": _l("Joint campaign withdrawn"),
}
#: 通报 (a notice of criticism): drafted, then approved and delivered, or withdrawn.
CRITICISM_STATUS = {"draft": _l("Draft, to be approved by a leader of the bureau"),
                    "approved": _l("Approved and delivered"), "withdrawn": _l("Withdrawn")}
#: 检查 (a visit): its result step by step.
VISIT_STATUS = {
    "assigned": _l("To inspect"),
    "drafting": _l("Result being recorded"),
    "submitted": _l("Waiting for review"),
    "returned": _l("Returned for changes"),
    "approved": _l("Approved, to publish"),
    "published": _l("Published"),
}
#: How close a deadline is.
DUE_FLAG = {"overdue": _l("Overdue"), "due_soon": _l("Due soon")}
#: 文书: the kinds of document the platform writes.
NOTICE_KIND = {"inspection": _l("Inspection notice"), "assignment": _l("Assignment notice"),
               "announcement": _l("Result announcement"), "transfer": _l("Transfer letter"),
               "criticism": _l("Notice of criticism")}
#: An export batch to the credit system (导出批次): waiting for delivery, delivered, failed.
EXPORT_BATCH_STATUS = {"pending": _l("Waiting for delivery"), "delivered": _l("Delivered"),
                       "failed": _l("Delivery failed, to be tried again")}
#: 送达渠道 and the state of a delivery.
DELIVERY_CHANNEL = {"inbox": _l("Inbox"), "email": _l("E-mail"), "sms": _l("SMS")}
DELIVERY_STATUS = {"pending": _l("Waiting to be sent"), "sent": _l("Sent out"), "failed": _l("Not sent")}
#: A drawn target: selected, kept in reserve, or replaced (with a reason).
TARGET_STATUS = {"selected": _l("Selected"), "reserve": _l("Reserve"), "replaced": _l("Replaced")}
#: 年度检查计划: drafted, published (公开), submitted for filing (报备), filed (备案); or returned.
PLAN_STATUS = {
    "draft": _l("Draft"),
    "returned": _l("Returned for changes"),
    "published": _l("Published, to submit for filing"),
    "submitted": _l("Submitted for filing"),
    "filed": _l("Filed"),
}
#: The filing authorities (备案机关) of a plan.
PLAN_AUTHORITY = {"justice": _l("Justice bureau (司法局)"), "market": _l("Market-regulation bureau (市场监督管理局)")}
#: A plan's period.
PLAN_HALF = {None: _l("Whole year"), 1: _l("First half-year"), 2: _l("Second half-year")}
#: 抽查事项: draft, published, retired.
ITEM_STATUS = {"draft": _l("Draft"), "published": _l("Published"), "retired": _l("Retired")}
#: The two draws of a campaign.
DRAW_KIND = {"targets": _l("Target draw"), "inspectors": _l("Inspector draw")}
#: How far a draw's ceremony has gone.
DRAW_STAGE = {"committed": _l("Committed"), "frozen": _l("Frame frozen"), "drawn": _l("Drawn")}
#: Why candidates were left out of a frozen frame (its published exclusion counts).
FRAME_EXCLUSION = {
    "not_active": _l("No longer operating (deregistered, revoked or moved away)"),
    "checked_this_year": _l("Already checked this year for the same items (not flagged)"),
    "inactive": _l("Inspector not active"),
    "certificate_expired": _l("Enforcement certificate not valid on the draw date"),
    "not_qualified": _l("Not qualified for the items' enforcement categories"),
}
#: The flags of a registry entity that change sampling (分类分级).
ENTITY_FLAG = {
    "abnormal": _l("Abnormal operations list"),
    "blacklisted": _l("Serious violation / dishonesty list"),
    "penalized": _l("Recently penalised"),
    "complaints": _l("Complaints and reports"),
}
#: The same flags, short, for badges in tables (the long name is the badge's title).
ENTITY_FLAG_SHORT = {
    "abnormal": _l("Abnormal"),
    "blacklisted": _l("Dishonest"),
    "penalized": _l("Penalised"),
    "complaints": _l("Complaints"),
}


def name(table: dict, code) -> str:
    """The name of ``code`` (a value or an enum member) in ``table``; the code itself when unknown."""
    key = getattr(code, "value", code)
    value = table.get(key)
    return str(value) if value is not None else ("" if key is None else str(key))
