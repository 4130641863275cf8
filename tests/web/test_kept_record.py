"""The kept record (留存的企业检查档案): a business reading its record again, nothing of it changed, is served the
record kept from its last reading, without building it from the departments' rows again; any change of what it was
built from — by a command, by a bulk statement, of the business's own name, of the rules every record reads — shows
at the very next reading, on both databases. The database's triggers stamp every table the record reads."""

from __future__ import annotations

import re
from pathlib import Path

import sqlalchemy as sa

from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.scoping import system_access, tenant_scope
from spotcheck.platform.rls import earlier_migration
from spotcheck.tenants.business_record import kept
from spotcheck.tenants.campaigns.models import Campaign, TeamMember
from spotcheck.tenants.directory.models import Entity
from spotcheck.tenants.inspectors.models import Inspector
from tests.support.business_accounts import DURING, claim, visited_business
from tests.support.growing import counted
from tests.support.page_text import visible_text

MIGRATION = earlier_migration(
    str(Path(__file__).parents[2] / "migrations" / "versions" / "0001"), "0072_record_stamps.py"
)


def _coming(client) -> str:
    html = client.get("/business").get_data(as_text=True)
    found = re.search(r'<section[^>]*id="record-coming".*?</section>', html, re.S)
    assert found
    return visible_text(found.group(0))


def _signed_in(app):
    world = visited_business(app)
    client = app.test_client()
    with frozen_at(DURING):
        assert claim(client, world["credit"], world["code"]).status_code == 302
    return world, client


def test_a_record_read_again_unchanged_is_served_as_kept(app):
    world, client = _signed_in(app)
    with app.app_context():
        kept.store().entries.clear()  # kept by an earlier test of this worker, on an identical copy: built anew here
    with frozen_at(DURING):
        with counted(app) as first:
            before = client.get("/business").get_data(as_text=True)
        with counted(app) as again:
            after = client.get("/business").get_data(as_text=True)
    assert re.sub(r'name="csrf_token"[^>]*', "", before) == re.sub(r'name="csrf_token"[^>]*', "", after)
    assert world["name"] in after
    # built: every department's rows of the business; kept: the look-up (visits and stamps) and the account alone
    assert len(again) < len(first) - 5, (len(first), len(again))


def test_a_change_by_a_command_or_a_bulk_statement_shows_at_the_next_reading(app):
    world, client = _signed_in(app)
    tenant, campaign_id = world["ids"]["tenant"], world["ids"]["campaign"]
    with frozen_at(DURING):
        first = _coming(client)
        with app.app_context(), tenant_scope(tenant):
            title = db.session.get(Campaign, campaign_id).title
        assert title in first

        # a bulk statement on the campaign (no ORM object): its title shows
        with app.app_context(), tenant_scope(tenant):
            db.session.execute(
                sa.update(Campaign).where(Campaign.id == campaign_id).values(title="夏季安全生产专项检查")
            )
            db.session.commit()
        assert "夏季安全生产专项检查" in _coming(client)

        # the team's inspector renamed (a name every record reads): shows
        with app.app_context(), tenant_scope(tenant):
            member = db.session.scalars(
                sa.select(TeamMember)
                .join(Entity, Entity.id == TeamMember.entity_id)
                .where(TeamMember.campaign_id == campaign_id, Entity.code == world["credit"])
                .order_by(TeamMember.id)
            ).first()
            inspector = db.session.get(Inspector, member.inspector_id)
            inspector.name = "欧阳改名"
            db.session.commit()
        assert "欧阳改名" in _coming(client)


def test_the_business_renamed_in_the_registry_reads_its_new_name(app):
    world, client = _signed_in(app)
    with frozen_at(DURING):
        assert client.get("/api/v1/business/record").get_json()["name"] == world["name"]
        with app.app_context(), system_access("the registry renames a business"):
            db.session.execute(
                sa.update(Entity).where(Entity.code == world["credit"]).values(name="更名后的企业有限公司")
            )
            db.session.commit()
        assert client.get("/api/v1/business/record").get_json()["name"] == "更名后的企业有限公司"


def test_a_kept_entry_altered_in_the_store_is_never_read(app):
    """An entry whose signature does not hold (altered where it is kept) is built anew, never served."""
    world, client = _signed_in(app)
    read = lambda: client.get("/api/v1/business/record").get_json()["name"]  # noqa: E731
    with frozen_at(DURING):
        assert read() == world["name"]
        with app.app_context():
            entity_id = db.session.scalar(sa.select(Entity.id).where(Entity.code == world["credit"]))
            where = kept.store()
        [name] = [n for n in where.entries if n.endswith(f":{entity_id}")]
        entry, own = where.entries[name], world["name"].encode()
        forged = "冒".encode() * (len(own) // 3) + b"x" * (len(own) % 3)  # as long: the entry still reads as a record
        assert own in entry
        where.entries[name] = entry[:64] + entry[64:].replace(own, forged)
        assert read() == world["name"]


def test_every_table_the_record_reads_is_stamped(app):
    """Each table's triggers are in place (a later migration rebuilding a table on SQLite must make them again)."""
    wanted = {
        MIGRATION._name(table, change)
        for table, (_kind, _key, changes) in MIGRATION.STAMPED.items()
        for change in changes
    }
    with app.app_context():
        found = set(
            db.session.scalars(
                sa.text("SELECT tgname FROM pg_trigger")
                if db.engine.dialect.name == "postgresql"
                else sa.text("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            )
        )
    assert sorted(wanted - found) == []


def test_an_inspection_notice_issued_stamps_the_record(app):
    """Migration 0088: writing a notice stamps its campaign, so a record kept before it shows 检查预告 at once."""
    with app.app_context():
        found = set(
            db.session.scalars(
                sa.text("SELECT tgname FROM pg_trigger")
                if db.engine.dialect.name == "postgresql"
                else sa.text("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            )
        )
    assert {f"notice_record_stamp_{change}" for change in ("insert", "update", "delete")} <= found
