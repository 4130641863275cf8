"""Notices as background jobs (文书作业): the documents of a campaign once it is handed to its teams,
the result announcement when it is closed, a transfer's letter when it is sent — each a durable
job started by the event its command emits — and the beat's sender and reminders. Asking for a
document again is a command of the notices domain (:mod:`spotcheck.tenants.notices.commands`)."""

from __future__ import annotations

from celery import shared_task

from spotcheck.core import events, jobs as job_records
from spotcheck.core.actor import Actor
from spotcheck.core.job_models import Job
from spotcheck.core.policy import SCHEDULER
from spotcheck.tasks import jobs
from spotcheck.tenants.accounts.models import User
from spotcheck.tenants.campaigns.models import Campaign
from spotcheck.tenants.joint import commands as joint_commands
from spotcheck.tenants.notices import commands as notice_commands, delivery, reminders
from spotcheck.tenants.notices.vocabulary import (
    ANNOUNCEMENT_TASK,
    CAMPAIGN_NOTICES_TASK,
    JOINT_NOTICES_TASK,
    REMINDERS_TASK,
    SEND_DUE_TASK,
    TRANSFER_LETTER_TASK,
)
from spotcheck.tenants.results.models import FollowUp
from spotcheck.tenants.supervision import duties  # noqa: F401 (adds the tables due to the reminders)

#: Inspection notices written and committed together by a job: about 1.6 s of rendering (3.3 s for
#: 100 in the walk of a 1,878-visit joint campaign), so that a page that writes (a sign-in, a result)
#: never waits long on the job's transaction.
NOTICES_PER_BATCH = 50


def documents_in_all(written: dict) -> jobs.JobResult:
    """What a notices job reports (文书份数): the campaign's inspection and assignment notices that
    exist once none remains, whichever run or job wrote them — a job retried, or taken over after
    its worker died, counts the documents before it too, not only its own run's; and the inspectors
    told. A batch before the last reports only what remains (nothing to add up)."""
    if written.get("remaining"):
        return {"remaining": written["remaining"]}
    return {**written["in_all"], "told": written["told"], "remaining": 0}


@shared_task(name=CAMPAIGN_NOTICES_TASK)
def write_campaign_notices(job_id: int, tenant_id: int, user_id: int, campaign_id: int) -> jobs.JobResult:
    return jobs.run_job(
        job_id,
        tenant_id,
        user_id,
        lambda job, user, progress: documents_in_all(
            notice_commands.write_campaign_notices(
                campaign_id, {"batch": NOTICES_PER_BATCH}, actor=user, progress=progress
            )
        ),
        batches=True,
    )


@shared_task(name=JOINT_NOTICES_TASK)
def write_joint_notices(job_id: int, tenant_id: int, user_id: int, campaign_id: int) -> jobs.JobResult:
    return jobs.run_job(
        job_id,
        tenant_id,
        user_id,
        lambda job, user, progress: documents_in_all(
            joint_commands.write_joint_notices(campaign_id, {"batch": NOTICES_PER_BATCH}, actor=user, progress=progress)
        ),
        batches=True,
    )


@shared_task(name=ANNOUNCEMENT_TASK)
def write_announcement(job_id: int, tenant_id: int, user_id: int, campaign_id: int) -> jobs.JobResult:
    def work(job: Job, user: User, progress: jobs.Progress) -> jobs.JobResult:
        notice = notice_commands.write_announcement(campaign_id, actor=user)
        return {"notice_id": notice.id, "number": notice.number}

    return jobs.run_job(job_id, tenant_id, user_id, work)


@shared_task(name=TRANSFER_LETTER_TASK)
def write_transfer_letter(job_id: int, tenant_id: int, user_id: int, follow_up_id: int) -> jobs.JobResult:
    def work(job: Job, user: User, progress: jobs.Progress) -> jobs.JobResult:
        notice = notice_commands.write_transfer_letter(follow_up_id, actor=user)
        return {"notice_id": notice.id, "number": notice.number}

    return jobs.run_job(job_id, tenant_id, user_id, work)


@events.subscribe("campaign.handed_out")
def _on_handed_out(*, actor: Actor, campaign: Campaign) -> None:
    job_records.submit(CAMPAIGN_NOTICES_TASK, "notices.campaign", actor, campaign_id=campaign.id)


@events.subscribe("joint.handed_out")
def _on_joint_handed_out(*, actor: Actor, campaign: Campaign) -> None:
    job_records.submit(JOINT_NOTICES_TASK, "notices.campaign", actor, campaign_id=campaign.id)


@events.subscribe("campaign.closed")
def _on_closed(*, actor: Actor, campaign: Campaign) -> None:
    job_records.submit(ANNOUNCEMENT_TASK, "notices.announcement", actor, campaign_id=campaign.id)


@events.subscribe("follow_up.transferred")
def _on_transferred(*, actor: Actor, follow_up: FollowUp) -> None:
    job_records.submit(TRANSFER_LETTER_TASK, "notices.transfer_letter", actor, follow_up_id=follow_up.id)


@events.subscribe("deliveries.pending")
def _on_pending(*, actor: Actor) -> None:
    jobs.dispatch_plain(SEND_DUE_TASK)


@shared_task(name=SEND_DUE_TASK)
def send_due() -> dict[str, int]:
    """Every minute (beat), and at once when a command has something to send."""
    return delivery.send_due(SCHEDULER)


@shared_task(name=REMINDERS_TASK)
def send_reminders() -> jobs.JobResult:
    """08:30 Beijing time every day (beat); nothing happens on a day off."""
    return reminders.send_reminders(actor=SCHEDULER)
