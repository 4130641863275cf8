"""Notices as background jobs (文书作业): the documents of a campaign once it is handed to its teams,
the result announcement when it is closed, a transfer's letter when it is sent — each a durable
job started by the event its command emits — and the beat's sender and reminders."""
from __future__ import annotations

from celery import shared_task
from flask_babel import lazy_gettext as _l

from spotcheck.core import events
from spotcheck.core.commands import command
from spotcheck.core.errors import Conflict
from spotcheck.core.policy import SCHEDULER, Permission
from spotcheck.tasks import jobs
from spotcheck.tasks.models import Job, JobStatus
from spotcheck.tenants.campaigns.queries import get_campaign
from spotcheck.tenants.joint import commands as joint_commands
from spotcheck.tenants.notices import commands as notice_commands, delivery, reminders
from spotcheck.tenants.supervision import duty_status  # noqa: F401 (adds the tables due to the reminders)

#: Inspection notices written and committed together by a job: about 1.6 s of rendering (3.3 s for
#: 100 in the walk of a 1,878-visit joint campaign), so that a page that writes (a sign-in, a result)
#: never waits long on the job's transaction.
NOTICES_PER_BATCH = 50


def documents_in_all(written: dict) -> dict:
    """What a notices job reports (文书份数): the campaign's inspection and assignment notices that
    exist once none remains, whichever run or job wrote them — a job retried, or taken over after
    its worker died, counts the documents before it too, not only its own run's; and the inspectors
    told. A batch before the last reports only what remains (nothing to add up)."""
    if written.get("remaining"):
        return {"remaining": written["remaining"]}
    return {**written["in_all"], "told": written["told"], "remaining": 0}


@shared_task(name="spotcheck.notices.campaign")
def write_campaign_notices(job_id: int, tenant_id: int, user_id: int, campaign_id: int) -> dict:
    return jobs.run_job(job_id, tenant_id, user_id, lambda job, user, progress: documents_in_all(
        notice_commands.write_campaign_notices(campaign_id, {"batch": NOTICES_PER_BATCH}, actor=user,
                                               progress=progress)), batches=True)


@shared_task(name="spotcheck.notices.joint")
def write_joint_notices(job_id: int, tenant_id: int, user_id: int, campaign_id: int) -> dict:
    return jobs.run_job(job_id, tenant_id, user_id, lambda job, user, progress: documents_in_all(
        joint_commands.write_joint_notices(campaign_id, {"batch": NOTICES_PER_BATCH}, actor=user,
                                           progress=progress)), batches=True)


@shared_task(name="spotcheck.notices.announcement")
def write_announcement(job_id: int, tenant_id: int, user_id: int, campaign_id: int) -> dict:
    def work(job, user, progress) -> dict:
        notice = notice_commands.write_announcement(campaign_id, actor=user)
        return {"notice_id": notice.id, "number": notice.number}

    return jobs.run_job(job_id, tenant_id, user_id, work)


@shared_task(name="spotcheck.notices.transfer_letter")
def write_transfer_letter(job_id: int, tenant_id: int, user_id: int, follow_up_id: int) -> dict:
    def work(job, user, progress) -> dict:
        notice = notice_commands.write_transfer_letter(follow_up_id, actor=user)
        return {"notice_id": notice.id, "number": notice.number}

    return jobs.run_job(job_id, tenant_id, user_id, work)


@command(Permission.RESULTS_PUBLISH)
def request_announcement(campaign, *, actor) -> Job:
    """Write the campaign's result announcement (检查结果公告) of what is published now, in the background."""
    return jobs.submit(write_announcement, "notices.announcement", actor, campaign_id=campaign.id)


@command(Permission.CAMPAIGNS_EDIT)
def retry_campaign_notices(campaign_id: int, data: dict | None = None, *, actor) -> Job:
    """Write a campaign's documents again after its notices job failed (重新生成文书): the documents
    written before the failure stay, and the new job writes only those missing."""
    campaign = get_campaign(campaign_id, for_update=True)
    latest = next((job for job in jobs_of_campaign(campaign, actor) if job.kind == "notices.campaign"), None)
    if latest is None or latest.status != JobStatus.failed:
        raise Conflict(_l("The documents are not waiting to be written again."))
    jobs.refuse_if_under_way("notices.campaign", campaign.id)
    task = write_joint_notices if latest.task == write_joint_notices.name else write_campaign_notices
    return jobs.submit(task, "notices.campaign", actor, campaign_id=campaign.id)


def jobs_of_campaign(campaign, reader) -> list[Job]:
    """The newest jobs writing this campaign's documents that ``reader`` may see (to show progress)."""
    return [job for job in jobs.list_jobs(reader, kinds=("notices.campaign", "notices.announcement"))
            if (job.params or {}).get("campaign_id") == campaign.id]


@events.subscribe("campaign.handed_out")
def _on_handed_out(*, actor, campaign) -> None:
    jobs.submit(write_campaign_notices, "notices.campaign", actor, campaign_id=campaign.id)


@events.subscribe("joint.handed_out")
def _on_joint_handed_out(*, actor, campaign) -> None:
    jobs.submit(write_joint_notices, "notices.campaign", actor, campaign_id=campaign.id)


@events.subscribe("campaign.closed")
def _on_closed(*, actor, campaign) -> None:
    jobs.submit(write_announcement, "notices.announcement", actor, campaign_id=campaign.id)


@events.subscribe("follow_up.transferred")
def _on_transferred(*, actor, follow_up) -> None:
    jobs.submit(write_transfer_letter, "notices.transfer_letter", actor, follow_up_id=follow_up.id)


@events.subscribe("deliveries.pending")
def _on_pending(*, actor) -> None:
    jobs.dispatch_plain("spotcheck.notices.send_due")


@shared_task(name="spotcheck.notices.send_due")
def send_due() -> dict:
    """Every minute (beat), and at once when a command has something to send."""
    return delivery.send_due(SCHEDULER)


@shared_task(name="spotcheck.notices.reminders")
def send_reminders() -> dict:
    """08:30 Beijing time every day (beat); nothing happens on a day off."""
    return reminders.send_reminders(actor=SCHEDULER)
