"""The two draws of a campaign as background jobs (抽取作业).

The web request checks that the draw may happen now (so a second draw is refused at once, with
409) and queues the job; the job calls :mod:`spotcheck.tenants.campaigns.ceremony`, which locks
the campaign and its draw row and refuses again if another request drew first. The job's result
holds the seed and the counts; a refusal makes the job fail with the service's message.
"""
from __future__ import annotations

from celery import shared_task
from flask_babel import force_locale

from spotcheck.core.errors import ServiceError
from spotcheck.tasks import jobs
from spotcheck.tasks.models import Job
from spotcheck.tenants.campaigns import ceremony

KINDS = ("targets", "inspectors")


class DrawRefused(Exception):
    """A service refused the draw; the message is already in the user's language."""


def _work(kind: str, campaign_id: int, public_inputs: list[str], locale: str):
    def work(job, user, progress) -> dict:
        with force_locale(locale):
            try:
                if kind == "targets":
                    record = ceremony.draw_targets(campaign_id, public_inputs, actor=user)
                else:
                    record = ceremony.draw_inspectors(campaign_id, public_inputs, actor=user)
            except ServiceError as refused:
                raise DrawRefused(str(refused)) from None
        return _summary(kind, campaign_id, record)

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


def _run(kind: str, job_id: int, tenant_id: int, user_id: int, campaign_id: int, public_inputs: list[str],
         locale: str) -> dict:
    try:
        return jobs.run_job(job_id, tenant_id, user_id, _work(kind, campaign_id, public_inputs, locale))
    except DrawRefused as refused:
        # The job is recorded as failed with the message; a refusal is no error of the worker.
        return {"ok": False, "error": str(refused)}


@shared_task(name="spotcheck.draw.targets")
def draw_targets(job_id: int, tenant_id: int, user_id: int, *, campaign_id: int, public_inputs: list[str],
                 locale: str = "zh_CN") -> dict:
    return _run("targets", job_id, tenant_id, user_id, campaign_id, public_inputs, locale)


@shared_task(name="spotcheck.draw.inspectors")
def draw_inspectors(job_id: int, tenant_id: int, user_id: int, *, campaign_id: int, public_inputs: list[str],
                    locale: str = "zh_CN") -> dict:
    return _run("inspectors", job_id, tenant_id, user_id, campaign_id, public_inputs, locale)


TASKS = {"targets": draw_targets, "inspectors": draw_inspectors}


def submit_draw(campaign, kind: str, public_inputs, user, *, locale: str = "zh_CN") -> Job:
    """Check the inputs and that the draw may happen now, then queue it; returns the job to watch.

    Raises ValidationFailed (bad inputs) or Conflict (not frozen, already drawn) before any job exists.
    """
    inputs = ceremony.clean_inputs(public_inputs)
    ceremony.ready_to_draw(campaign, kind)
    return jobs.submit(TASKS[kind], f"draw.{kind}", user, campaign_id=campaign.id, public_inputs=inputs, locale=locale)
