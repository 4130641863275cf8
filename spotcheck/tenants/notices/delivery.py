"""Delivering messages to people (送达): the inbox at once, e-mail and SMS by the sender job.

:func:`deliver` is called inside a command: it writes the person's inbox message and a
:class:`Delivery` per channel the person can be reached on, each under an idempotency key
(``<purpose>:u<user>:<channel>``) — a command or job that runs again finds the key taken and sends
nothing twice. E-mail and SMS go out afterwards: :func:`claim_due` takes the deliveries that are
due (skipping those another sender holds), the job sends each, and :func:`record_outcome` writes
sent, or the next try after 1, 5, 25… minutes, or failed after the last try.

One window is left, as with any sender that records after sending: a sender that dies between a
successful send and its record sends that one again once its claim lapses. E-mails carry a
Message-ID made from the key so that the receiving server can recognise the copy.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import sqlalchemy as sa

from spotcheck.core import events, settings
from spotcheck.core.actor import Actor
from spotcheck.core.clock import now
from spotcheck.core.commands import command, in_command
from spotcheck.core.database import changed, db
from spotcheck.core.policy import Permission
from spotcheck.core.scoping import system_access
from spotcheck.tenants.accounts.models import User
from spotcheck.tenants.inspectors.models import Inspector
from spotcheck.tenants.notices import channels
from spotcheck.tenants.notices.models import Channel, Delivery, DeliveryStatus, Message, Notice

#: How long a sender holds the deliveries it claimed before another may take them.
CLAIM = timedelta(minutes=5)


def _channels_of(user: User) -> list[tuple[Channel, str]]:
    reach = [(Channel.inbox, "")]
    if user.email and channels.email_enabled():
        reach.append((Channel.email, user.email))
    if user.mobile:
        reach.append((Channel.sms, user.mobile))
    return reach


def deliver(
    user: User, *, purpose: str, subject: str, body: str = "", link: str = "", notice: Notice | None = None
) -> int:
    """Send ``subject``/``body`` to ``user`` on every channel that reaches them, once per
    ``purpose``; returns how many deliveries were new. Called inside a command."""
    if not in_command():
        raise RuntimeError("deliver() is called inside a command")
    keys = {channel: f"{purpose}:u{user.id}:{channel.value}"[:160] for channel, _ in _channels_of(user)}
    taken = set(db.session.scalars(sa.select(Delivery.key).where(Delivery.key.in_(list(keys.values())))))
    created, outgoing = 0, False
    moment = now()
    for channel, address in _channels_of(user):
        if keys[channel] in taken:
            continue
        delivery = Delivery(
            key=keys[channel],
            user_id=user.id,
            tenant_id=user.tenant_id,
            recipient_name=user.display_name,
            channel=channel,
            address=address,
            subject=subject[:200],
            body=body,
            link=link[:200],
            notice_id=notice.id if notice else None,
            next_attempt_at=moment,
        )
        if channel == Channel.inbox:
            db.session.add(
                Message(
                    user_id=user.id,
                    tenant_id=user.tenant_id,
                    title=subject[:200],
                    body=body,
                    link=link[:200],
                    notice_id=delivery.notice_id,
                    created_at=moment,
                )
            )
            delivery.status, delivery.attempts, delivery.sent_at = DeliveryStatus.sent, 1, moment
        else:
            outgoing = True
        db.session.add(delivery)
        created += 1
    if outgoing:  # the sender job is started once the command commits
        events.emit("deliveries.pending", actor=None)
    db.session.flush()
    return created


def tell_team(members: Sequence[tuple[object, Inspector]], *, purpose: str, subject: str, body: str, link: str) -> int:
    """A change of a visit's team (检查组变更) told to each member who has an active account: how many were told."""
    told = 0
    for _member, inspector in members:
        user = db.session.get(User, inspector.user_id) if inspector.user_id else None
        if user is not None and user.active:
            told += deliver(user, purpose=purpose, link=link, subject=subject, body=body) and 1
    return told


def _backoff(attempts: int) -> timedelta:
    return timedelta(minutes=5 ** max(0, attempts - 1))


@command(Permission.NOTICES_SEND)
def claim_due(*, actor: Actor, limit: int = 100) -> list[dict]:
    """Take up to ``limit`` e-mail and SMS deliveries that are due, for this sender, across
    departments; each is held for :data:`CLAIM`."""
    moment = now()
    with system_access("send the notices of every department"):
        query = (
            sa.select(Delivery)
            .where(
                Delivery.status == DeliveryStatus.pending,
                Delivery.channel != Channel.inbox,
                Delivery.next_attempt_at <= moment,
            )
            .order_by(Delivery.next_attempt_at, Delivery.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        claimed = []
        for delivery in db.session.scalars(query):
            delivery.attempts += 1
            delivery.next_attempt_at = moment + CLAIM
            claimed.append(
                {
                    "id": delivery.id,
                    "attempt": delivery.attempts,
                    "channel": delivery.channel.value,
                    "address": delivery.address,
                    "subject": delivery.subject,
                    "body": delivery.body,
                    "key": delivery.key,
                }
            )
        db.session.flush()
    return claimed


@command(Permission.NOTICES_SEND)
def record_outcome(delivery_id: int, attempt: int, error: str | None, *, actor: Actor) -> None:
    """Write what the send of a claimed delivery gave: sent, or its next try, or failed for good.
    A claim that lapsed and was taken by another sender (another ``attempt``) writes nothing."""
    moment = now()
    with system_access("record a notice's delivery"):
        delivery = db.session.scalar(sa.select(Delivery).where(Delivery.id == delivery_id).with_for_update())
        if delivery is None or delivery.attempts != attempt or delivery.status != DeliveryStatus.pending:
            return
        if error is None:
            delivery.status, delivery.sent_at, delivery.last_error = DeliveryStatus.sent, moment, ""
        elif delivery.attempts >= int(settings.get("SPOTCHECK_DELIVERY_MAX_ATTEMPTS") or 5):
            delivery.status, delivery.last_error = DeliveryStatus.failed, error[:500]
        else:
            delivery.next_attempt_at, delivery.last_error = moment + _backoff(delivery.attempts), error[:500]
        db.session.flush()


def send(claimed: dict) -> str | None:
    """Send one claimed delivery; the error's text, or None when it went out."""
    try:
        if claimed["channel"] == Channel.email.value:
            channels.send_email(claimed["address"], claimed["subject"], claimed["body"], key=claimed["key"])
        else:
            channels.send_sms(claimed["address"], f"{claimed['subject']} {claimed['body']}".strip()[:300])
    except channels.SendError as failed:
        return str(failed)
    return None


def send_due(actor: Actor, *, limit: int = 100) -> dict[str, int]:
    """Claim, send and record the due deliveries (the sender job; beat runs it every minute)."""
    counts = {"sent": 0, "failed": 0}
    for claimed in claim_due(actor=actor, limit=limit):
        error = send(claimed)
        record_outcome(claimed["id"], claimed["attempt"], error, actor=actor)
        counts["failed" if error else "sent"] += 1
    return counts


# --- the inbox ------------------------------------------------------------------------------------


def unread_count(user: Actor) -> int:
    if getattr(user, "id", None) is None or getattr(user, "tenant_id", None) is None:
        return 0
    return (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(Message).where(Message.user_id == user.id, Message.read_at.is_(None))
        )
        or 0
    )


def inbox_query(user: Actor) -> sa.Select:
    return sa.select(Message).where(Message.user_id == user.id).order_by(Message.created_at.desc(), Message.id.desc())


@command(Permission.SIGNED_IN)
def mark_read(message_ids: Sequence[object] | None, *, actor: Actor) -> int:
    """Mark the actor's messages read (``None``: all of them); returns how many changed."""
    query = sa.update(Message).where(Message.user_id == actor.id, Message.read_at.is_(None))
    if message_ids is not None:
        query = query.where(Message.id.in_([i for i in message_ids if isinstance(i, int)]))
    return changed(db.session.execute(query.values(read_at=now()).execution_options(synchronize_session=False)))


def deliveries_query() -> sa.Select:
    """The department's delivery log, newest first."""
    return sa.select(Delivery).order_by(Delivery.created_at.desc(), Delivery.id.desc())
