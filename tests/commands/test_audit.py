"""The audit trail (全程留痕): every change recorded; any tampering detected by `spotcheck audit verify`."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from spotcheck.core.audit import AuditEntry
from spotcheck.core.database import db
from spotcheck.core.policy import SCHEDULER
from spotcheck.core.scoping import system_access
from spotcheck.tenants.audit.commands import publish_audit_heads
from tests.support.helpers import bearer, login, make_app, post_form, signed_in, tenant_id


def entries(app, **where):
    with app.app_context(), system_access("test"):
        query = sa.select(AuditEntry).order_by(AuditEntry.id)
        for key, value in where.items():
            query = query.where(getattr(AuditEntry, key) == value)
        return db.session.scalars(query).all()


def verify_cli(app):
    return app.test_cli_runner().invoke(args=["audit", "verify"])


def test_state_changes_are_recorded(app):
    admin = signed_in(app, "scj_admin")
    post_form(
        admin,
        "/admin/users/new",
        {"login": "scj_new", "display_name": "新同事", "password": "Aa1!Aa1!Aa1!", "roles": ["planner"]},
        token_from="/admin/users/new",
    )
    login(app.test_client(), "scj_new", "wrong-Password-1")
    login(app.test_client(), "scj_new", "Aa1!Aa1!Aa1!")
    bearer(app, "scj_admin")
    actions = [e.action for e in entries(app)]
    for expected in ("tenant.created", "user.created", "auth.login", "auth.login_failed", "token.issued"):
        assert expected in actions
    created = next(e for e in entries(app, action="user.created") if e.details.get("login") == "scj_new")
    assert created.actor_login == "scj_admin" and created.details["roles"] == ["planner"]
    assert "password" not in str(created.details).lower()


def test_verify_passes_on_an_untouched_trail(app):
    result = verify_cli(app)
    assert result.exit_code == 0, result.output
    assert "intact" in result.output


def _tamper(app, sql: str, params: dict) -> None:
    """Change the table behind the application's back, as the database owner would."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.begin() as connection:
        connection.execute(sa.text(sql), params)
    engine.dispose()


@pytest.mark.parametrize(
    "tampering,expected",
    [
        ('UPDATE audit_entry SET details = \'{"login": "forged"}\' WHERE id = :id', "edited"),
        ("DELETE FROM audit_entry WHERE id = :id", "deleted"),
        ("UPDATE audit_entry SET created_at = created_at - INTERVAL '1 day' WHERE id = :id", "edited"),
    ],
)
def test_tampering_with_one_row_is_detected_and_named(app, tampering, expected):
    chain = entries(app, chain=0)
    victim, successor = chain[3], chain[4]
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        tampering = tampering.replace("created_at - INTERVAL '1 day'", "datetime(created_at, '-1 day')")
    _tamper(app, tampering, {"id": victim.id})
    result = verify_cli(app)
    assert result.exit_code == 1
    first_bad = victim.id if expected == "edited" else successor.id
    assert f"id={first_bad}" in result.output and expected in result.output


def test_reordering_rows_is_detected(app):
    first, second = entries(app, chain=0)[1:3]
    # swap the two entries' contents (seq stays with its row id)
    columns = [
        "actor_id",
        "actor_login",
        "action",
        "object_type",
        "object_id",
        "details",
        "created_at",
        "prev_hash",
        "hash",
    ]
    assignments = ", ".join(f"{c} = (SELECT {c} FROM audit_entry WHERE id = :b)" for c in columns)
    _tamper(app, "CREATE TABLE tmp_swap AS SELECT * FROM audit_entry WHERE id = :a", {"a": first.id})
    _tamper(app, f"UPDATE audit_entry SET {assignments} WHERE id = :a", {"a": first.id, "b": second.id})
    assignments = ", ".join(f"{c} = (SELECT {c} FROM tmp_swap)" for c in columns)
    _tamper(app, f"UPDATE audit_entry SET {assignments} WHERE id = :b", {"b": second.id})
    result = verify_cli(app)
    assert result.exit_code == 1 and f"id={first.id}" in result.output


@pytest.mark.postgres
def test_the_application_role_cannot_change_the_trail(postgres_url):
    app = make_app(postgres_url)
    with app.app_context(), system_access("test"):
        for statement in ("UPDATE audit_entry SET action = 'x'", "DELETE FROM audit_entry"):
            with pytest.raises(sa.exc.ProgrammingError, match="permission denied"):
                db.session.execute(sa.text(statement))
            db.session.rollback()
        db.engine.dispose()


def test_department_verification_from_the_audit_page(app):
    client = signed_in(app, "scj_leader")
    page = client.get("/audit")
    assert page.status_code == 200 and "auth.login" in page.get_data(as_text=True)
    response = post_form(client, "/audit/verify", {}, token_from="/audit")
    assert response.status_code == 302
    job_page = client.get(response.headers["Location"])
    assert 'data-status="succeeded"' in job_page.get_data(as_text=True)


def test_a_trail_cut_short_after_its_head_was_published_fails_against_the_kept_heads(app, tmp_path):
    """审计链头公示: the heads published each day are public and kept; a trail cut short after its head
    was published still verifies on its own (what remains is a whole chain), but no longer extends the
    head a citizen kept, and `spotcheck audit verify --against` says which chain."""
    signed_in(app, "scj_admin")
    with app.app_context():
        assert publish_audit_heads(actor=SCHEDULER)["published"] >= 2  # the department's chain, the platform's
        assert publish_audit_heads(actor=SCHEDULER)["published"] == 1  # only the platform's moved since
    public = app.test_client()
    page = public.get("/public/audit-heads").get_data(as_text=True)
    assert "审计链头公示" in page and "市场监督管理局" in page and 'id="audit-heads-file"' in page
    kept = public.get("/public/audit-heads.json").get_json()["heads"]
    path = tmp_path / "audit-heads.json"
    path.write_text(public.get("/public/audit-heads.json").get_data(as_text=True), encoding="utf-8")

    def against():
        return app.test_cli_runner().invoke(args=["audit", "verify", "--against", str(path)])

    assert against().exit_code == 0 and "every published head extended" in against().output
    signed_in(app, "scj_planner")  # the trail goes on after the head: it still extends it
    assert against().exit_code == 0
    with app.app_context():
        scj = tenant_id("SCJ")
    head = max((h for h in kept if h["chain"] == scj), key=lambda h: h["entries"])
    _tamper(app, "DELETE FROM audit_entry WHERE chain = :chain AND seq >= :seq", {"chain": scj, "seq": head["entries"]})
    assert verify_cli(app).exit_code == 0  # what remains is a whole chain: alone, nothing shows the cut
    result = against()
    assert result.exit_code == 1 and f"chain {scj}" in result.output and "cut short" in result.output, result.output
    bad = tmp_path / "bad.json"
    bad.write_text('{"heads": [{"chain": "x"}]}', encoding="utf-8")
    refused = app.test_cli_runner().invoke(args=["audit", "verify", "--against", str(bad)])
    assert refused.exit_code != 0 and "cannot read the published heads" in refused.output


def _heads(app) -> list[dict]:
    return app.test_client().get("/public/audit-heads.json").get_json()["heads"]


def test_the_console_publishes_the_heads_now(app):
    """``spotcheck audit publish-heads`` does at once what the scheduler does at 02:30, audited as the console."""
    assert _heads(app) == []
    runner = app.test_cli_runner()
    first = runner.invoke(args=["audit", "publish-heads"])
    assert first.exit_code == 0 and "已公示" in first.output, first.output
    with app.app_context():
        scj = tenant_id("SCJ")
    assert {scj, 0} <= {head["chain"] for head in _heads(app)}
    again = runner.invoke(args=["audit", "publish-heads"])  # only the platform's chain moved (the record of the first)
    assert again.exit_code == 0 and "已公示1条" in again.output
    published = entries(app, action="audit.heads_published")
    assert len(published) == 2 and published[0].actor_login == "console"


def test_db_upgrade_publishes_the_first_heads_of_a_deployment_once(app):
    runner = app.test_cli_runner()
    assert _heads(app) == []
    upgraded = runner.invoke(args=["db", "upgrade"])
    assert upgraded.exit_code == 0 and "已公示首批" in upgraded.output, upgraded.output
    heads = _heads(app)
    assert len(heads) >= 2
    again = runner.invoke(args=["db", "upgrade"])
    assert again.exit_code == 0 and "首批" not in again.output and _heads(app) == heads


@pytest.mark.seconds(6)
def test_db_upgrade_of_a_new_database_publishes_its_first_head(tmp_path):
    """A new deployment's /public/audit-heads is not empty on its first day: the platform's chain
    begins with the record of that first publication."""
    new = make_app(f"sqlite:///{tmp_path / 'new.db'}")
    upgraded = new.test_cli_runner().invoke(args=["db", "upgrade"])
    assert upgraded.exit_code == 0 and "已公示首批1条" in upgraded.output, upgraded.output
    assert [head["chain"] for head in _heads(new)] == [0]
    kept = tmp_path / "audit-heads.json"
    kept.write_text(new.test_client().get("/public/audit-heads.json").get_data(as_text=True), encoding="utf-8")
    verified = new.test_cli_runner().invoke(args=["audit", "verify", "--against", str(kept)])
    assert verified.exit_code == 0 and "every published head extended" in verified.output, verified.output
    with new.app_context():
        db.session.remove()
        db.engine.dispose()
