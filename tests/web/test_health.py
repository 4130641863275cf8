"""Liveness and readiness."""

from sqlalchemy import event

from spotcheck.core.database import db
from tests.support.helpers import make_app, signed_in


def test_healthz(client):
    assert client.get("/healthz").json == {"status": "ok"}


def test_readyz_checks_the_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json["checks"] == {"database": "ok", "broker": "embedded"}


def test_readyz_reports_an_unreachable_broker(database_url):
    app = make_app(database_url, REDIS_URL="redis://127.0.0.1:1/0")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["broker"] == "unreachable"


def test_a_static_file_is_served_without_asking_the_database_who_is_there(app):
    """Style sheets and scripts are public: a signed-in page's dozen of them cost no session lookup."""
    client = signed_in(app, "scj_planner")
    statements = []

    def executed(connection, cursor, statement, *rest):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", executed)
    try:
        answer = client.get("/static/spotcheck.css")
        assert answer.status_code == 200 and b"{" in answer.data
        assert statements == []
        assert client.get("/account/").status_code == 200 and statements  # a page does look the user up
    finally:
        event.remove(engine, "before_cursor_execute", executed)
