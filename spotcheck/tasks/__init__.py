"""Celery (异步任务), integrated as in the Flask documentation's Celery pattern.

Tasks run inside an application context (reusing one when already inside, as eager tasks
are). They take ids plus the tenant and user ids, never ORM objects, and re-establish the
tenant scope themselves (:func:`spotcheck.tasks.jobs.run_job`).
"""

from __future__ import annotations

import importlib
from pathlib import Path

from celery import Celery, Task
from flask import Flask, has_app_context

from spotcheck.core import jobs as job_records
from spotcheck.tasks import jobs
from spotcheck.tasks.schedule import BEAT_SCHEDULE

#: The modules whose tasks the workers run.
TASK_MODULES = (
    "audit",
    "campaigns",
    "exports",
    "job_sweep",
    "joint",
    "notices",
    "results",
    "spreadsheets",
    "supervision",
)


def celery_init_app(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args: object, **kwargs: object) -> object:
            if has_app_context():
                return self.run(*args, **kwargs)
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(app.config["CELERY"])
    for folder in (app.config["CELERY"].get("broker_transport_options") or {}).values():
        if isinstance(folder, str):  # the embedded queue's folders (kombu's filesystem transport)
            Path(folder).mkdir(parents=True, exist_ok=True)
    celery_app.conf.beat_schedule = BEAT_SCHEDULE
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    for module in TASK_MODULES:  # registers their tasks with this Celery app
        importlib.import_module(f"spotcheck.tasks.{module}")
    job_records.set_dispatcher(_dispatch)  # a submitted job goes to this process's Celery app
    return celery_app


def _dispatch(task_name: str, job_id: int, tenant_id: int | None, user_id: int | None, params: dict) -> bool:
    """The kernel's dispatcher: :func:`spotcheck.tasks.jobs.dispatch`, looked up at each call."""
    return jobs.dispatch(task_name, job_id, tenant_id, user_id, params)
