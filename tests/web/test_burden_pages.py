"""涉企检查频次 on the pages: the justice bureau opens it from the supervision overview, each figure drills down;
a department's leader is refused it (it reads every department's visits of a business)."""

from __future__ import annotations

import re
from datetime import date

from spotcheck.core.clock import frozen_at
from spotcheck.tenants.supervision.vocabulary import BURDEN_FIGURES
from tests.support.campaign_world import build
from tests.support.helpers import signed_in
from tests.support.joint_world import checked_world

ROW = re.compile(r"<tr><td>(.*?)</td>")
LINK = re.compile(r'^<a href="([^"]+)">')


def test_the_bureau_reads_how_often_businesses_are_inspected_and_a_department_does_not(app):
    with app.app_context():
        build()
    with frozen_at(date(2026, 4, 1)):
        supervisor = signed_in(app, "sfj_supervisor")
        overview = supervisor.get("/supervision?period=2026").get_data(as_text=True)
        assert 'id="to-burden"' in overview and "特定对象检查" in overview
        page = supervisor.get("/supervision/burden?period=2026")
        text = page.get_data(as_text=True)
        assert page.status_code == 200 and "涉企检查频次" in text and "超过检查次数上限的企业" in text
        assert "30" in text[text.index('id="burden-repeated"') :]  # the window of the rules in force
        for key in ("over_cap", "repeated", "per_business", "joint_rate", "onsite", "suspicious"):
            drill = supervisor.get(f"/supervision/burden/{key}?period=2026")
            assert drill.status_code == 200 and 'id="drill-rows"' in drill.get_data(as_text=True), key
            assert '<a href="/supervision/burden?period=2026">← 返回涉企检查频次</a>' in drill.get_data(as_text=True)
        assert supervisor.get("/supervision/burden/nothing?period=2026").status_code == 404
        assert signed_in(app, "yjj_leader").get("/supervision/burden?period=2026").status_code == 403


def _rows(client, url: str) -> tuple[int, list[str]]:
    """The count a drill-down page states, and the link of each of its rows (every row must have one)."""
    text = client.get(url).get_data(as_text=True)
    total = int(re.search(r'id="drill-count">.*?<strong>(\d+)</strong>', text).group(1))
    cells = ROW.findall(text.split('id="drill-rows"')[1])
    links = [LINK.match(cell) for cell in cells]
    assert all(links), f"{url}: a row with nothing to open"
    return total, [link.group(1).replace("&amp;", "&") for link in links]


def test_every_row_opens_what_it_names_and_a_figure_is_its_rows_with_a_joint_visit_once(app):
    """A business opens its checks of the period (results published or not); a check opens its campaign's public
    page on that business — a joint visit its joint campaign's, naming every department; the rate is written as the
    overview writes a per cent."""
    with app.app_context():
        ids = checked_world()
    with frozen_at(date(2026, 5, 6)):
        # the root's bureau (牡丹江市's): the world's businesses are registered outside 宁安市's codes, in no county's
        # area — the root's burden covers every business
        supervisor = signed_in(app, "mdjsfj_supervisor")
        page = supervisor.get("/supervision/burden?period=2026").get_data(as_text=True)
        rate = re.search(r'id="burden-joint_rate".*?<p class="figure-value">(.*?)</p>', page, re.S).group(1)
        assert re.fullmatch(r"<strong>\d+(\.\d)?%</strong>", rate), rate  # as the overview writes a per cent
        onsite, joint = (int(n) for n in re.search(r"现场检查 (\d+) 户次中联合检查 (\d+) 户次", page).groups())
        opened = set()
        for figure in BURDEN_FIGURES:
            total, links = _rows(supervisor, f"/supervision/burden/{figure.key}?period=2026")
            assert total == len(links), figure.key
            if figure.key in ("joint_rate", "onsite"):
                assert total == {"joint_rate": joint, "onsite": onsite}[figure.key]
            opened |= set(links)
        business = f"/supervision/burden/businesses/{ids['repeated']}?period=2026"
        assert business in opened  # from 每户企业平均检查次数 and 短期内多部门重复检查
        total, checks = _rows(supervisor, business)
        assert total == 2 and all(link.startswith("/public/draws/campaigns/") for link in checks)
        assert {link.split("?")[0] for link in checks} >= {f"/public/draws/campaigns/{ids['campaign']}"}
        for link in sorted(opened | set(checks)):
            answer = supervisor.get(link, follow_redirects=True)
            assert answer.status_code == 200, (link, answer.status_code)
        shown = supervisor.get(f"/public/draws/campaigns/{ids['campaign']}?q={ids['repeated']}").get_data(as_text=True)
        assert ids["repeated"] in shown and "应急管理局" in shown
        assert supervisor.get("/supervision/burden/businesses/000000000000000000?period=2026").status_code == 404
