"""The audit page's filters (issue 8, item 10): by person, action, object and Beijing dates, kept
while paging by key, and bad filter values answered with a message, never a 500."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from spotcheck.core import audit
from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.audit.vocabulary import ACTION_LABELS
from tests.support.audit_page import field_errors, get, item_through_the_pages, link, rows, zh
from tests.support.helpers import signed_in, user_named


def test_each_filter_narrows_the_rows(app):
    admin = signed_in(app, "scj_admin")
    item_id = item_through_the_pages(admin)
    with app.app_context():
        scj_admin = user_named("scj_admin")
        with tenant_scope(scj_admin.tenant_id), frozen_at(datetime(2026, 3, 2, 7, 30)):  # 2026-03-01 23:30 UTC
            audit.record("rules.saved", "rules_document", 999, actor=scj_admin, details={"title": "凌晨保存的细则"})
            db.session.commit()
    leader = signed_in(app, "scj_leader")
    everything = rows(get(leader, "/audit"))

    by_action = rows(get(leader, "/audit?action=item.published"))
    assert by_action and len(by_action) < len(everything)
    assert {r["action"] for r in by_action} == {zh(app, ACTION_LABELS, "item.published")}

    with app.app_context():
        admin_id = user_named("scj_admin").id
    by_person = rows(get(leader, f"/audit?actor={admin_id}"))
    assert by_person and all(r["who"].startswith("赵敏") for r in by_person)
    assert any(not r["who"].startswith("赵敏") for r in everything)

    by_object = rows(get(leader, f"/audit?object_type=item&object_id={item_id}"))
    assert len(by_object) == 3 and all("食品生产企业日常监督检查" in r["object"] for r in by_object)
    by_type = rows(get(leader, "/audit?object_type=rules_document"))
    assert by_type and all(r["object"].startswith("实施细则") for r in by_type)
    gone = next(r for r in by_type if "凌晨保存的细则" in r["details"])
    assert gone["object"] == "实施细则 #999"  # an object that does not exist: its type and id

    # Beijing dates: 07:30 on 2 March in Beijing is 1 March in UTC
    day = rows(get(leader, "/audit?since=2026-03-02&until=2026-03-02"))
    assert [r["details"] for r in day] == ["标题 凌晨保存的细则"] and day[0]["when"].startswith("2026-03-02 07:30")
    assert rows(get(leader, "/audit?since=2026-03-01&until=2026-03-01")) == []
    before = rows(get(leader, "/audit?until=2026-03-01"))  # the demo's department opened on 5 January
    assert all("凌晨保存的细则" not in r["details"] and r["when"] < "2026-03-02" for r in before)
    since = rows(get(leader, "/audit?since=2026-03-03"))
    assert since and all("凌晨保存的细则" not in r["details"] for r in since)

    combined = rows(get(leader, f"/audit?actor={admin_id}&action=item.changed&since=2026-03-03"))
    assert len(combined) == 1 and "依据新修订的检查要点调整" in combined[0]["details"]
    empty = get(leader, "/audit?action=plan.published&object_type=item")
    assert rows(empty) == [] and "没有符合筛选条件的记录" in empty


def test_paging_is_by_key_and_keeps_the_filters(app):
    leader = signed_in(app, "scj_leader")
    with app.app_context():
        admin = user_named("scj_admin")
    url = "/audit?action=rules.saved&actor=" + str(admin.id)
    before = len(rows(get(leader, url)))
    with app.app_context():
        admin = user_named("scj_admin")
        with tenant_scope(admin.tenant_id):
            for n in range(120):
                audit.record("rules.saved", "rules_document", None, actor=admin, details={"title": f"第{n}稿"})
                audit.record("auth.logout", "user", admin.id, actor=admin)  # interleaved, filtered out
            db.session.commit()
    seen, pages, page = [], [], get(leader, url)
    assert link(page, "prev") is None and "« 最新" not in page
    while True:
        shown = rows(page)
        pages.append(shown)
        assert all(r["action"] == zh(app, ACTION_LABELS, "rules.saved") for r in shown)
        seen += [r["seq"] for r in shown]
        older = link(page, "next")
        if older is None:
            break
        query = parse_qs(urlsplit(older).query)
        assert query["action"] == ["rules.saved"] and query["actor"] == [str(admin.id)] and "before" in query
        page = get(leader, older)
    assert [len(p) for p in pages] == [50, 50, 20 + before]
    assert seen == sorted(set(seen), reverse=True)  # newest first, nothing twice, nothing skipped
    newer = link(page, "prev")
    assert newer and parse_qs(urlsplit(newer).query)["action"] == ["rules.saved"]
    assert [r["seq"] for r in rows(get(leader, newer))] == [r["seq"] for r in pages[1]]


@pytest.mark.parametrize(
    "query,message",
    [
        ("since=2026-13-01", "请按 YYYY-MM-DD 格式输入日期。"),
        ("until=yesterday", "请按 YYYY-MM-DD 格式输入日期。"),
        ("since=2026-02-30", "请按 YYYY-MM-DD 格式输入日期。"),
        ("since=2026-05-02&until=2026-05-01", "结束日期早于开始日期。"),
        ("action=item.exploded", "请从列表中选择操作。"),
        ("actor=someone", "请从列表中选择操作人。"),
        ("actor=0", "请从列表中选择操作人。"),
        ("actor=99999999999999999999", "请从列表中选择操作人。"),
        ("object_type=spaceship", "请从列表中选择对象类型。"),
        ("object_id=12", "请同时选择对象类型。"),
        ("object_type=item&object_id=" + "9" * 65, "对象编号不超过64个字符。"),
        ("before=abc", None),
        ("before=-5", None),
        ("before=0", None),
        ("before=99999999999999999999", None),
        ("after=abc", None),
        ("after=99999999999999999999", None),
        ("before=1", None),
        ("since=0001-01-01&until=9999-12-31", None),
        ("action=&actor=&object_type=&since=&until=", None),
    ],
)
def test_bad_filter_values_are_named_never_a_500(app, query, message):
    page = get(signed_in(app, "scj_leader"), "/audit?" + query)
    if message:
        assert message in field_errors(page)
    else:
        assert field_errors(page) == []
