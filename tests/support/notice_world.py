"""Notices (文书) as the tests read them: the day the tests are set on, a kind's notices in order, and a
notices' ``store`` that fails, dies or is taken over at its n-th call."""

from __future__ import annotations

import socket
from datetime import date

import sqlalchemy as sa
from aiosmtpd.controller import Controller

from spotcheck.core import jobs
from spotcheck.core.commands import unit_of_work
from spotcheck.core.database import db
from spotcheck.core.job_models import Job
from spotcheck.tasks import notices as notice_tasks
from spotcheck.tenants.notices import commands as writing_commands
from spotcheck.tenants.notices.models import Notice, NoticeKind

TODAY = date(2026, 10, 12)


def notices_of(kind: NoticeKind) -> list[Notice]:
    """Every notice of ``kind`` the current scope shows, in order."""
    return list(db.session.scalars(sa.select(Notice).where(Notice.kind == kind).order_by(Notice.id)))


def store_with(n: int, effect):
    """The notices' ``store``, doing ``effect()`` first at its ``n``-th call (a failure raised there, a
    worker's death, another run taking the job over); the real one otherwise."""
    real, calls = writing_commands.store, []

    def store(*args, **kwargs):
        calls.append(args[2])
        if len(calls) == n:
            effect()
        return real(*args, **kwargs)

    return store


def raising(error: BaseException):
    def effect():
        raise error

    return effect


class Mailbox:
    """A real SMTP server on loopback that keeps what it receives."""

    def __init__(self):
        self.received = []
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        mailbox = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):  # noqa: N802 — the name aiosmtpd calls
                mailbox.received.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()


def submit_notices_job(ids: dict, planner) -> Job:
    """The planner asks for the notices of the handed-out campaign of ``ids`` (in its department's
    scope), as a job of its own transaction; run at once where jobs run eagerly."""
    with unit_of_work():
        return jobs.submit(
            notice_tasks.write_campaign_notices.name, "notices.campaign", planner, campaign_id=ids["campaign"]
        )
