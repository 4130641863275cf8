"""抽取规模预估 in Chromium: the coordinator who asked for the size of a joint draw watches it on the joint campaign's
page, and the estimate appears there once its job is done — nobody reloads the page by hand. The job waiting is
one the broker holds (queued); it is then settled with the estimate an earlier run gave, as a worker would."""

from __future__ import annotations

import pytest

from spotcheck.core.database import db
from spotcheck.core.job_models import Job, JobStatus
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.joint import commands as joint_commands, queries as joint_queries
from spotcheck.tenants.joint.vocabulary import SIZES_TASK
from tests.support import joint_world
from tests.support.browsers import Person, at_both_widths
from tests.support.helpers import served, user_named

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def world(sqlite_template, tmp_path_factory):
    found = {}

    def prepare(app):
        ids = joint_world.world("approved")
        coordinator = user_named("scj_coord")
        with tenant_scope(coordinator.tenant_id):
            joint_commands.request_joint_sizes(ids["campaign"], actor=coordinator)  # eager: ran at the commit
            db.session.commit()
            estimate = joint_queries.joint_sizes(ids["campaign"]).result
            waiting = Job(
                kind="joint.sizes",
                task=SIZES_TASK,
                params={"campaign_id": ids["campaign"]},
                created_by_id=coordinator.id,
            )
            db.session.add(waiting)
            db.session.commit()
            found.update(campaign=ids["campaign"], estimate=estimate, waiting=waiting.id, tenant=coordinator.tenant_id)

    with served(sqlite_template, tmp_path_factory.mktemp("joint-sizes"), prepare) as (app, url):
        found["url"], found["app"] = url, app
        yield found


def test_the_size_of_the_joint_draw_appears_on_its_page_once_estimated(browser, world):
    coordinator = Person(browser, world["url"], "scj_coord")
    try:
        page = coordinator.go(f"/joint/{world['campaign']}")
        assert page.locator("#joint-sizes .job-progress").is_visible()  # 正在预估…
        assert page.locator("#joint-sizes-table").count() == 0
        at_both_widths(page, "joint-sizes-estimating")
        with world["app"].app_context(), tenant_scope(world["tenant"]):  # the worker settles the job
            job = db.session.get(Job, world["waiting"])
            job.status, job.progress, job.result = JobStatus.succeeded, 100, world["estimate"]
            db.session.commit()
        page.wait_for_selector("#joint-sizes-table", timeout=20_000)  # shown without a reload by hand
        assert page.inner_text("#sizes-checks") == f"{world['estimate']['checks']:,}"
        assert page.locator("#joint-sizes .job-progress").count() == 0
    finally:
        coordinator.close()
