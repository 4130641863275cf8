"""The audit page shows one department's chain only (issue 8, item 10), names a page's rows in a
fixed number of queries, and still verifies the chain from a filtered page."""

from __future__ import annotations

import sqlalchemy as sa

from spotcheck.core import audit
from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.common import vocabulary as labels
from spotcheck.tenants.items import commands as items
from tests.support.audit_page import get, rows, zh
from tests.support.campaign_world import ITEM_BASICS
from tests.support.helpers import post_form, signed_in, user_named


def test_another_departments_entries_never_appear(app):
    with app.app_context():
        yjj, scj = user_named("yjj_admin"), user_named("scj_admin")
        with tenant_scope(yjj.tenant_id):
            item = items.create_item({**ITEM_BASICS, "name": "应急局专用的检查事项"}, actor=yjj)
            items.publish_item(item.id, actor=yjj)
            db.session.commit()
            yjj_item = item.id
        with tenant_scope(scj.tenant_id):  # an entry of ours that names their item's id
            audit.record("item.published", "item", yjj_item, actor=scj, details={"item_id": yjj_item})
            db.session.commit()
    leader = signed_in(app, "scj_leader")
    for url in (
        "/audit",
        f"/audit?actor={yjj.id}",
        f"/audit?object_type=item&object_id={yjj_item}",
        "/audit?action=item.created",
        "/audit?since=2000-01-01",
    ):
        page = get(leader, url)
        assert "应急局专用的检查事项" not in page and "吴刚" not in page and "yjj_admin" not in page, url
    ours = rows(get(leader, f"/audit?object_type=item&object_id={yjj_item}"))
    assert len(ours) == 1 and ours[0]["object"] == f"抽查事项 #{yjj_item}" and f"#{yjj_item}" in ours[0]["details"]
    assert rows(get(leader, f"/audit?actor={yjj.id}")) == []
    yjj_page = get(signed_in(app, "yjj_leader"), "/audit?action=item.created")
    assert "应急局专用的检查事项" in yjj_page and "食品" not in "".join(
        r["object"] for r in rows(yjj_page) if "SCJ" in r["object"]
    )


def test_a_page_is_named_in_a_fixed_number_of_queries(app):
    """Names are looked up in bulk: 50 rows naming 50 different objects cost what 5 rows do."""
    with app.app_context():
        admin = user_named("scj_admin")
        with tenant_scope(admin.tenant_id):
            made = [items.create_item({"name": f"批量事项{n}"}, actor=admin) for n in range(50)]
            db.session.commit()
        engine = db.engine
    statements = []

    def count(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    leader = signed_in(app, "scj_leader")
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        many = get(leader, "/audit?action=item.created")
        many_queries = len(statements)
        statements.clear()
        few = get(leader, f"/audit?object_type=item&object_id={made[0].id}")
        few_queries = len(statements)
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    assert len(rows(many)) == 50 and len(rows(few)) == 1
    assert "批量事项49" in many and "批量事项0" in few
    assert 0 < many_queries <= few_queries + 1, (many_queries, few_queries)


def test_verification_and_jobs_still_work_from_the_filtered_page(app):
    client = signed_in(app, "scj_leader")
    response = post_form(client, "/audit/verify", {}, token_from="/audit?action=auth.login")
    assert response.status_code == 302
    assert 'data-status="succeeded"' in get(client, response.headers["Location"])
    page = get(client, "/audit?action=job.succeeded")
    shown = rows(page)
    assert shown and zh(app, labels.JOB_KIND_LABELS, "audit.verify") in shown[0]["object"] and "#" in shown[0]["object"]
