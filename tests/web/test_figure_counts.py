"""统计结果: the supervision dashboard and the bureau's home read the figures a job last counted and say when
(数据截至); before any count the page says so and offers to count them; 立即重新统计 queues the count as a job (run
at once in the tests) and the page shows its progress while it runs; a department's leader reads their own figures
counted now."""

from __future__ import annotations

import re
from datetime import datetime

import sqlalchemy as sa

from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.job_models import Job, JobStatus
from spotcheck.core.policy import SCHEDULER
from spotcheck.core.scoping import tenant_scope
from spotcheck.tasks.schedule import BEAT_SCHEDULE
from spotcheck.tenants.inspectors import commands as inspectors
from spotcheck.tenants.supervision import commands as supervision
from spotcheck.tenants.supervision.vocabulary import COUNT_DUE_TASK, COUNT_JOB, COUNT_TASK
from tests.support import campaign_world
from tests.support.helpers import post_form, signed_in, user_named

NINE = datetime(2026, 11, 26, 9, 0)


def _inspectors(page: str, code: str = "YJJ") -> int:
    row = re.search(rf'<tr data-department="{code}">(.*?)</tr>', page, re.S).group(1)
    return int(re.search(r'data-drill="inspectors">(\d+)<', row).group(1))


def _taken(page: str) -> str:
    return re.search(r'id="figures-taken">数据截至 ([\d-]+ [\d:]+)', page).group(1)


def _one_more_inspector(number: int) -> None:
    admin = user_named("yjj_admin")
    with tenant_scope(admin.tenant_id):
        inspectors.create_inspector(
            {
                "name": f"新检查员{number}",
                "sex": "女",
                "post": "科员",
                "id_number": campaign_world.id_number(50 + number),
                "agency": "应急管理局",
                "cert_no": f"YJJ-N{number:03d}",
                "categories": [campaign_world.QUALIFICATION],
            },
            actor=admin,
        )
        db.session.commit()


def _count_jobs(app) -> list[Job]:
    with app.app_context(), tenant_scope(user_named("sfj_supervisor").tenant_id):
        return list(db.session.scalars(sa.select(Job).where(Job.kind == COUNT_JOB).order_by(Job.id)))


def test_the_dashboard_reads_the_figures_as_counted_and_counts_them_again_as_a_job(app):
    with app.app_context():
        campaign_world.build("yjj")
    supervisor = signed_in(app, "sfj_supervisor")
    first = supervisor.get("/supervision?period=2026").get_data(as_text=True)
    assert 'id="figures-not-counted"' in first and "尚未统计" in first and 'id="count-afresh"' in first
    assert _inspectors(first) == 0  # not counted: the rows without figures, never counted in the request

    with frozen_at(NINE):
        done = post_form(supervisor, "/supervision/count", {"period": "2026"}, token_from="/supervision?period=2026")
    assert done.status_code == 302 and done.headers["Location"].endswith("/supervision?period=2026")
    (job,) = _count_jobs(app)
    assert job.status == JobStatus.succeeded and job.params["period"] == "2026" and job.task == COUNT_TASK
    counted_page = supervisor.get("/supervision?period=2026").get_data(as_text=True)
    assert _taken(counted_page) == "2026-11-26 09:00" and "立即重新统计" in counted_page
    counted = _inspectors(counted_page)
    assert counted > 0

    with app.app_context():
        _one_more_inspector(1)
    again = supervisor.get("/supervision?period=2026").get_data(as_text=True)
    assert _inspectors(again) == counted and _taken(again) == "2026-11-26 09:00"  # as counted, and when
    with frozen_at(datetime(2026, 11, 26, 9, 4)):
        post_form(supervisor, "/supervision/count", {"period": "2026"}, token_from="/supervision?period=2026")
    afresh = supervisor.get("/supervision?period=2026").get_data(as_text=True)
    assert _inspectors(afresh) == counted + 1 and _taken(afresh) == "2026-11-26 09:04"
    assert len(_count_jobs(app)) == 2

    # another period is counted on its own; a department's leader reads their own department, counted now
    assert 'id="figures-not-counted"' in supervisor.get("/supervision?period=2026Q4").get_data(as_text=True)
    own = signed_in(app, "yjj_leader").get("/supervision?period=2026").get_data(as_text=True)
    assert set(re.findall(r'<tr data-department="([A-Z]+)"', own)) == {"YJJ"}
    assert _inspectors(own) == counted + 1 and "figures-counted" not in own and "count-afresh" not in own


def test_a_count_under_way_shows_its_progress_and_is_not_asked_twice(app):
    with app.app_context():
        supervisor_user = user_named("sfj_supervisor")
        with tenant_scope(supervisor_user.tenant_id):
            job = Job(
                kind=COUNT_JOB,
                task=COUNT_TASK,
                created_by_id=supervisor_user.id,
                tenant_id=supervisor_user.tenant_id,
                params={"period": "2026"},
                status=JobStatus.running,
                progress=40,
            )
            db.session.add(job)
            db.session.commit()
            job_id = job.id
    supervisor = signed_in(app, "sfj_supervisor")
    page = supervisor.get("/supervision?period=2026").get_data(as_text=True)
    assert f'id="figures-counting" data-job="{job_id}"' in page and 'http-equiv="refresh"' in page
    assert 'value="40"' in page and 'id="count-afresh"' not in page  # its progress, no second button
    with app.app_context(), tenant_scope(supervisor_user.tenant_id):
        again = supervision.request_count("2026", actor=user_named("sfj_supervisor"))
    assert again.id == job_id and [j.id for j in _count_jobs(app)] == [job_id]


def test_a_department_asks_for_no_count(app):
    leader = signed_in(app, "yjj_leader")
    response = post_form(leader, "/supervision/count", {"period": "2026"}, token_from="/supervision?period=2026")
    assert response.status_code == 403 and "司法局" in response.get_data(as_text=True)  # the refusal, said
    assert _count_jobs(app) == []


def test_the_bureau_home_reads_the_counted_figures_and_says_when(app):
    supervisor = signed_in(app, "sfj_supervisor")
    before = supervisor.get("/").get_data(as_text=True)
    assert 'id="home-figures-not-counted"' in before and 'id="home-supervision-findings"' not in before
    with app.app_context(), frozen_at(NINE):
        counted = supervision.count_scheduled(actor=SCHEDULER)
    assert counted == {"2026": counted["2026"]} and counted["2026"] > 0
    home = supervisor.get("/").get_data(as_text=True)
    assert re.search(r'id="home-figures-taken">数据截至 2026-11-26 09:00。', home)
    assert 'id="home-supervision-findings"' in home


def test_the_schedule_counts_the_figures_every_hour():
    (entry,) = [e for e in BEAT_SCHEDULE.values() if e["task"] == COUNT_DUE_TASK]
    assert entry["schedule"] == 3600
