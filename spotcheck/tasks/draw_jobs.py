"""The two draws of a campaign as background jobs (抽取作业).

Asking for a draw is a command (:func:`submit_draw`): it checks the observers' inputs (with none, that
the reason for drawing without them is given) and, with the
campaign row locked, that the draw may be made now and that no draw of that kind is already under
way — so a second request is refused at once (409) — and queues the job. The job calls the
ceremony's draw command, which locks the campaign and its draw row and refuses again if another
request drew first. The job's result holds the seed and the counts.
"""
from __future__ import annotations

import sqlalchemy as sa
from celery import shared_task
from flask_babel import lazy_gettext as _l

from spotcheck.core.commands import command
from spotcheck.core.database import db
from spotcheck.core.errors import ValidationFailed
from spotcheck.core.policy import Permission
from spotcheck.tasks import jobs
from spotcheck.tasks.models import Job
from spotcheck.tenants.campaigns import commands as campaign_commands, queries as campaign_queries
from spotcheck.tenants.campaigns.draws import observers
from spotcheck.tenants.campaigns.queries import get_campaign
from spotcheck.tenants.campaigns.vocabulary import DRAW_KINDS
from spotcheck.tenants.joint import commands as joint_commands
from spotcheck.tenants.joint.policy import JOINT_ACTIONS
from spotcheck.tenants.joint.queries import get_joint

KINDS = DRAW_KINDS
UNDER_WAY = _l("This draw is already under way; follow its progress on the campaign page.")


def _work(kind: str, campaign_id: int, public_inputs: list[str], no_input_reason: str = ""):
    def work(job, user, progress) -> dict:
        draw = campaign_commands.draw_targets if kind == "targets" else campaign_commands.draw_inspectors
        return _summary(kind, campaign_id, draw(campaign_id, {"public_inputs": public_inputs,
                                                              "no_input_reason": no_input_reason}, actor=user))

    return work


def _summary(kind: str, campaign_id: int, record) -> dict:
    proof = record.proof
    result = {"campaign_id": campaign_id, "campaign": proof["campaign"], "kind": kind, "seed": record.seed,
              "public_inputs": len(record.public_inputs or [])}
    if kind == "targets":
        result["selected"] = sum(len(ids) for strata in proof["selected"].values() for ids in strata.values())
        result["reserves"] = sum(len(ids) for strata in proof["reserves"].values() for ids in strata.values())
        result["strata"] = {f"{group}/{stratum}": len(ids) for group, strata in proof["selected"].items()
                            for stratum, ids in strata.items()}
    else:
        result["teams"] = len(proof["teams"])
        result["members"] = sum(len(team) for team in proof["teams"].values())
    return result


@shared_task(name="spotcheck.draw.targets")
def draw_targets(job_id: int, tenant_id: int, user_id: int, *, campaign_id: int, public_inputs: list[str],
                 no_input_reason: str = "", locale: str = "zh_CN") -> dict:
    return jobs.run_job(job_id, tenant_id, user_id, _work("targets", campaign_id, public_inputs, no_input_reason),
                        locale=locale)


@shared_task(name="spotcheck.draw.inspectors")
def draw_inspectors(job_id: int, tenant_id: int, user_id: int, *, campaign_id: int, public_inputs: list[str],
                    no_input_reason: str = "", locale: str = "zh_CN") -> dict:
    return jobs.run_job(job_id, tenant_id, user_id, _work("inspectors", campaign_id, public_inputs, no_input_reason),
                        locale=locale)


TASKS = {"targets": draw_targets, "inspectors": draw_inspectors}


@command(Permission.CAMPAIGNS_EDIT)
def submit_draw(campaign_id: int, data: dict, *, actor, locale: str = "zh_CN") -> Job:
    """Ask for a draw (抽取) of ``data["kind"]`` with the observers' ``data["public_inputs"]`` (with none,
    ``data["no_input_reason"]``, required): the inputs or the reason are checked and the draw must be
    possible now, with no draw of that kind under way, before the job is queued; returns the job to watch."""
    kind = data.get("kind")
    if kind not in KINDS:
        raise ValidationFailed({"kind": [_l("No such draw.")]})
    campaign = get_campaign(campaign_id, for_update=True)  # two requests take turns here
    campaign_queries.ready_to_draw(campaign, kind)
    jobs.refuse_if_under_way(f"draw.{kind}", campaign.id, UNDER_WAY)
    inputs, reason = observers(data)  # once the draw can be made: a refused step says why first
    return jobs.submit(TASKS[kind], f"draw.{kind}", actor, campaign_id=campaign.id, public_inputs=inputs,
                       no_input_reason=reason, locale=locale)


# --- a joint campaign's draws ----------------------------------------------------------------------


def _joint_work(kind: str, campaign_id: int, public_inputs: list[str], no_input_reason: str = ""):
    def work(job, user, progress) -> dict:
        draw = joint_commands.draw_targets if kind == "targets" else joint_commands.draw_inspectors
        return _summary(kind, campaign_id, draw(campaign_id, {"public_inputs": public_inputs,
                                                              "no_input_reason": no_input_reason}, actor=user))

    return work


@shared_task(name="spotcheck.joint.draw.targets")
def draw_joint_targets(job_id: int, tenant_id: int, user_id: int, *, campaign_id: int, public_inputs: list[str],
                       no_input_reason: str = "", locale: str = "zh_CN") -> dict:
    return jobs.run_job(job_id, tenant_id, user_id, _joint_work("targets", campaign_id, public_inputs, no_input_reason),
                        locale=locale)


@shared_task(name="spotcheck.joint.draw.inspectors")
def draw_joint_inspectors(job_id: int, tenant_id: int, user_id: int, *, campaign_id: int, public_inputs: list[str],
                          no_input_reason: str = "", locale: str = "zh_CN") -> dict:
    return jobs.run_job(job_id, tenant_id, user_id,
                        _joint_work("inspectors", campaign_id, public_inputs, no_input_reason), locale=locale)


JOINT_TASKS = {"targets": draw_joint_targets, "inspectors": draw_joint_inspectors}


@command(Permission.JOINT_MANAGE)
def submit_joint_draw(campaign_id: int, data: dict, *, actor, locale: str = "zh_CN") -> Job:
    """Ask for a joint campaign's draw (联合抽取) of ``data["kind"]`` with the observers' inputs (with none,
    the reason, ``data["no_input_reason"]``): refused at once, as the draw itself would refuse it, before
    the job is queued; returns the job to watch."""
    kind = data.get("kind")
    if kind not in KINDS:
        raise ValidationFailed({"kind": [_l("No such draw.")]})
    campaign = get_joint(campaign_id, for_update=True)
    JOINT_ACTIONS.require(campaign, actor, f"draw_{kind}")
    jobs.refuse_if_under_way(f"joint.draw.{kind}", campaign.id, UNDER_WAY)
    inputs, reason = observers(data)  # once the draw can be made: a refused step says why first
    return jobs.submit(JOINT_TASKS[kind], f"joint.draw.{kind}", actor, campaign_id=campaign.id, public_inputs=inputs,
                       no_input_reason=reason, locale=locale)


# --- a joint campaign's size, estimated before its frame is frozen -----------------------------


@shared_task(name="spotcheck.joint.sizes")
def estimate_joint_sizes(job_id: int, tenant_id: int, user_id: int, *, campaign_id: int) -> dict:
    return jobs.run_job(job_id, tenant_id, user_id, lambda job, user, progress: joint_commands.estimate_sizes(
        campaign_id, actor=user, progress=progress))


@command(Permission.JOINT_MANAGE)
def request_joint_sizes(campaign_id: int, data: dict | None = None, *, actor) -> Job:
    """Estimate the size of a joint campaign's draw (抽取规模预估) in the background: it reads every
    department's directory, seconds at a city's size; returns the job to watch."""
    campaign = get_joint(campaign_id)
    JOINT_ACTIONS.require(campaign, actor, "estimate_sizes")
    return jobs.submit(estimate_joint_sizes, "joint.sizes", actor, campaign_id=campaign.id)


def joint_sizes(campaign_id: int) -> Job | None:
    """The newest size estimate of the joint campaign, for whoever of the lead department reads its
    page (the coordinator asks for it, the leader reads it before approving)."""
    return next((job for job in db.session.scalars(sa.select(Job).where(Job.kind == "joint.sizes")
                                                   .order_by(Job.id.desc()).limit(50)
                                                   .execution_options(populate_existing=True))
                 if (job.params or {}).get("campaign_id") == campaign_id), None)
