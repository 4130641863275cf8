"""统计快照: the supervision dashboard and the bureau's home show figures counted at most
``SPOTCHECK_FIGURES_MAX_AGE_SECONDS`` ago, say when they were counted, and count them again on
request (立即重新统计) or once they are older; a department leader's snapshot is never another reader's."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.inspectors import commands as inspectors
from spotcheck.tenants.supervision import snapshots
from tests.support import campaign_world
from tests.support.helpers import signed_in, user_named

NINE = datetime(2026, 11, 26, 9, 0)


@pytest.fixture
def kept(app):
    app.config["SPOTCHECK_FIGURES_MAX_AGE_SECONDS"] = 300  # the app fixture restores its settings afterwards
    snapshots.forget()
    yield app
    snapshots.forget()


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


def test_the_dashboard_shows_its_snapshot_until_it_is_counted_again(kept):
    app = kept
    with app.app_context():
        campaign_world.build("yjj")
    supervisor = signed_in(app, "sfj_supervisor")
    with frozen_at(NINE):
        first = supervisor.get("/supervision?period=2026").get_data(as_text=True)
    assert _taken(first) == "2026-11-26 09:00" and "至多每 5 分钟更新一次" in first and "立即重新统计" in first
    counted = _inspectors(first)

    with app.app_context():
        _one_more_inspector(1)
    with frozen_at(datetime(2026, 11, 26, 9, 4)):
        again = supervisor.get("/supervision?period=2026").get_data(as_text=True)
        assert _inspectors(again) == counted and _taken(again) == "2026-11-26 09:00"  # the snapshot, and its moment
        afresh = supervisor.get("/supervision?period=2026&afresh=1").get_data(as_text=True)
        assert _inspectors(afresh) == counted + 1 and _taken(afresh) == "2026-11-26 09:04"

    with app.app_context():
        _one_more_inspector(2)
    with frozen_at(datetime(2026, 11, 26, 9, 8)):  # within five minutes of 09:04: still that snapshot
        assert _inspectors(supervisor.get("/supervision?period=2026").get_data(as_text=True)) == counted + 1
    with frozen_at(datetime(2026, 11, 26, 9, 10)):  # older than five minutes: counted again
        later = supervisor.get("/supervision?period=2026").get_data(as_text=True)
    assert _inspectors(later) == counted + 2 and _taken(later) == "2026-11-26 09:10"

    # another period is another snapshot; a department leader sees only their own department's, counted for them
    with frozen_at(datetime(2026, 11, 26, 9, 11)):
        own = signed_in(app, "yjj_leader").get("/supervision?period=2026").get_data(as_text=True)
    assert set(re.findall(r'<tr data-department="([A-Z]+)"', own)) == {"YJJ"}
    assert _inspectors(own) == counted + 2 and _taken(own) == "2026-11-26 09:11"


def test_the_bureau_home_says_when_its_figures_were_counted(kept):
    app = kept
    with frozen_at(NINE):
        home = signed_in(app, "sfj_supervisor").get("/").get_data(as_text=True)
    assert re.search(r'id="home-figures-taken">数据截至 2026-11-26 09:00。', home)


def test_without_a_maximum_age_every_page_counts_afresh(app):
    snapshots.forget()
    with app.app_context():
        campaign_world.build("yjj")
    supervisor = signed_in(app, "sfj_supervisor")
    counted = _inspectors(supervisor.get("/supervision?period=2026").get_data(as_text=True))
    with app.app_context():
        _one_more_inspector(3)
    page = supervisor.get("/supervision?period=2026").get_data(as_text=True)
    assert _inspectors(page) == counted + 1 and "分钟更新" not in page and "立即重新统计" in page
