"""系统暂时无法访问: while the database or the broker cannot be reached, pages answer 503 with a short
Chinese page and the API with its JSON error body, both with ``Retry-After``; /readyz says not
ready while /healthz (liveness) stays 200; a programming error stays a 500."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from spotcheck.core.database import db, is_unreachable
from spotcheck.core.job_models import Job, JobStatus
from spotcheck.core.scoping import system_access
from tests.support.helpers import make_app, post_form, signed_in

#: A PostgreSQL that refuses connections (nothing listens on port 1), and a SQLite file that cannot be opened.
UNREACHABLE = {"postgresql": "postgresql://127.0.0.1:1/test", "sqlite": "sqlite:////nonexistent-folder/spotcheck.db"}
SAID = "系统暂时无法访问，请稍后再试"


@pytest.fixture(params=sorted(UNREACHABLE))
def down(request):
    """An app whose database is unreachable, and a browser that was signed in to it before."""
    app = make_app(UNREACHABLE[request.param])
    client = app.test_client()
    with client.session_transaction() as session:  # a session cookie: the page looks its user up
        session["_user_id"], session["sid"] = "1:2:stamp", "key"
    return app, client


@pytest.mark.parametrize("path", ["/", "/campaigns", "/no-such-page", "/public/draws", "/public/results"])
def test_a_page_answers_503_with_a_short_chinese_page(down, path):
    _, client = down
    answer = client.get(path)
    assert answer.status_code == 503 and answer.headers["Retry-After"].isdigit()
    page = answer.get_data(as_text=True)
    assert SAID in page and "Internal Server Error" not in page and 'id="unavailable"' in page


def test_a_form_sent_while_the_database_is_away_answers_503(down):
    _, client = down
    answer = client.post("/logout", data={})
    assert answer.status_code == 503 and SAID in answer.get_data(as_text=True)


def test_the_api_answers_503_with_its_json_error_body(down):
    _, client = down
    for headers in ({}, {"Authorization": "Bearer sct_" + "x" * 40}):
        answer = client.get("/api/v1/campaigns", headers=headers)
        assert answer.status_code == 503 and answer.headers["Retry-After"].isdigit()
        assert answer.json["code"] == 503 and answer.json["status"] == "Service Unavailable"
        assert SAID in answer.json["message"]


def test_readiness_says_not_ready_while_liveness_stays_up(down):
    _, client = down
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.json["checks"]["database"] == "unreachable"
    assert client.get("/healthz").status_code == 200 and client.get("/healthz").json == {"status": "ok"}


def test_an_unreachable_broker_makes_readiness_fail_and_a_job_asked_for_waits_queued(database_url):
    """Redis refusing: /readyz 503, /healthz 200; a page that asks for a job answers at once and the job
    stays queued for the periodic check to hand over again (never a 500)."""
    app = make_app(database_url, REDIS_URL="redis://127.0.0.1:1/0")
    client = app.test_client()
    assert client.get("/readyz").status_code == 503 and client.get("/readyz").json["checks"]["broker"] == "unreachable"
    assert client.get("/healthz").status_code == 200
    client = signed_in(app, "scj_leader")
    answer = post_form(client, "/audit/verify", {}, token_from="/audit")
    assert answer.status_code == 302, answer.get_data(as_text=True)[:500]
    page = client.get(answer.headers["Location"])
    assert page.status_code == 200 and 'data-status="queued"' in page.get_data(as_text=True)
    with app.app_context(), system_access("the test looks at the job"):
        [job] = db.session.scalars(sa.select(Job).where(Job.kind == "audit.verify")).all()
        assert job.status == JobStatus.queued
        db.engine.dispose()


def test_a_programming_error_is_not_taken_for_an_unreachable_database():
    engine = sa.create_engine("sqlite://")
    with engine.connect() as connection, pytest.raises(sa.exc.OperationalError) as missing_table:
        connection.execute(sa.text("SELECT * FROM no_such_table"))
    assert not is_unreachable(missing_table.value)
    with pytest.raises(sa.exc.OperationalError) as refused:
        sa.create_engine(UNREACHABLE["postgresql"].replace("postgresql:", "postgresql+psycopg:")).connect()
    assert is_unreachable(refused.value)
