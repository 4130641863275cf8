"""The demo's 司法局 supervisor in a real browser (Chromium): every department's status, a chart and
its table, a figure's definition and the rows behind it, and a table downloaded and opened."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from spotcheck.core.clock import frozen_at
from spotcheck.core.policy import CONSOLE
from spotcheck.demo import CAMPAIGNS_FROM, load_demo
from tests.support.browsers import Person, assert_fits, assert_worded, at_both_widths, save_shot
from tests.support.helpers import served

TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def demo(sqlite_template, tmp_path_factory):
    def prepare(app):
        with frozen_at(TODAY):
            load_demo(entities=CAMPAIGNS_FROM, today=TODAY, actor=CONSOLE)

    with served(sqlite_template, tmp_path_factory.mktemp("supervision"), prepare) as (_app, url):
        yield url


def _cut_chart_text(page) -> list[str]:
    """The charts' words drawn outside their chart, or charts wider than their box (a label cut at the edge)."""
    return page.evaluate("""() => [...document.querySelectorAll('figure.chart')].flatMap(figure => {
        const box = figure.querySelector('.chart-scroll'), svg = figure.querySelector('svg');
        const edge = svg.getBoundingClientRect(), shown = box.getBoundingClientRect();
        const left = Math.max(edge.left, shown.left), right = Math.min(edge.right, shown.right);
        const cut = [...svg.querySelectorAll('text')].filter(t => {
            const r = t.getBoundingClientRect();
            return r.left < left - 0.5 || r.right > right + 0.5;
        });
        const wide = box.scrollWidth > box.clientWidth + 1 ? [`${figure.id}: ${box.scrollWidth} px wide`] : [];
        return cut.map(t => `${figure.id}: ${t.textContent}`).concat(wide);
    })""")


def test_the_justice_bureau_sees_every_department_and_downloads_a_table(browser, demo):
    bureau = Person(browser, demo, "sfj_supervisor")
    try:
        home = bureau.go("/")
        findings = home.inner_text("#home-supervision-findings")
        assert "商务局" in findings  # its plans were late (the demo's filing days)
        with home.expect_navigation():
            home.click("#home-to-supervision")
        table = home.locator("#supervision-table")
        for name in ("市场监督管理局", "应急管理局", "商务局", "司法局"):
            assert table.locator(f"tbody th:has-text('{name}')").count() == 1
        swj = table.locator("tr[data-department='SWJ']")
        assert swj.locator("a.filing-late").count() >= 1 and swj.locator("a.filing-missing").count() == 1
        chart = home.locator("#chart-coverage-market")
        # 宁安市's departments and its town's office (宁安镇, supervised by 宁安市's bureau): five rows
        assert chart.locator("svg rect").count() >= 5 and chart.locator("table.chart-table tbody tr").count() == 5
        header = table.locator("th[data-figure='on_time_rate']")
        assert header.get_attribute("title").startswith("按时公示户次 ÷ 应公示户次")
        save_shot(home, "supervision-dashboard")
        # at a desk the table's box takes the window's width (not the 1,100 px of the other pages);
        # on a phone each chart's text is drawn at 11 px or more (the chart scrolls in its box)
        home.set_viewport_size({"width": 1366, "height": 900})
        box = table.evaluate("t => t.parentElement.getBoundingClientRect().width")
        assert box >= 1366 - 60, f"the table's box is {box} px wide at 1366 px"
        home.set_viewport_size({"width": 390, "height": 844})
        smallest = home.evaluate("""() => Math.min(...[...document.querySelectorAll('figure.chart svg text')]
          .map(t => parseFloat(t.getAttribute('font-size')) * t.ownerSVGElement.getBoundingClientRect().width
                    / t.ownerSVGElement.width.baseVal.value))""")
        assert smallest >= 11, f"chart text drawn at {smallest:.1f} px at 390 px"
        assert_fits(home, "supervision-dashboard-phone", 390)
        assert not _cut_chart_text(home), _cut_chart_text(home)
        home.set_viewport_size({"width": 1366, "height": 900})
        assert_fits(home, "supervision-dashboard-phone", 1366)
        assert not _cut_chart_text(home), _cut_chart_text(home)
        # the long names of 宁安市's departments and its town's office wrap within the label column, whole
        labels = chart.locator("svg text.chart-label").evaluate_all(
            "labels => labels.map(l => [...l.querySelectorAll('tspan')].map(t => t.textContent))"
        )
        assert ["宁安镇", "综合行政执法办公室"] in labels and ["宁安市", "市场监督管理局"] in labels, labels
        with home.expect_navigation():
            swj.locator("a[data-drill='plan_half']").first.click()
        assert "口径" in home.inner_text("#drill-definition")
        assert "未报备" in home.inner_text("#drill-rows")
        save_shot(home, "supervision-drill")
        # 涉企检查频次's checks on a phone: the table scrolls inside its box, no cell squeezed to a character or two a
        # line
        drill = bureau.go("/supervision/burden/onsite?period=2026")
        drill.set_viewport_size({"width": 390, "height": 844})
        cells = drill.evaluate("""() => [...document.querySelectorAll('#drill-rows tbody td')]
          .map(c => c.getBoundingClientRect().width)""")
        box = drill.evaluate(
            "() => { const b = document.querySelector('#drill-rows').parentElement;"
            " return [b.className, b.scrollWidth, b.clientWidth] }"
        )
        assert cells and min(cells) >= 100, f"cramped cells at 390 px: {sorted(cells)[:5]}"
        assert box[0] == "table-scroll" and box[1] > box[2], box  # wider than the phone: it scrolls in its box
        assert_fits(drill, "supervision-burden-drill", 390)
        drill.set_viewport_size({"width": 1366, "height": 900})

        page = bureau.go("/supervision/tables")
        page.select_option("#code", "progress")
        page.select_option("#period", "2026")
        bureau.submit("#table-request")
        link = page.locator("#table-jobs a.table-download").first
        link.wait_for()
        with page.expect_download() as download:
            link.click()
        book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
        rows = list(book.worksheets[0].iter_rows(values_only=True))
        assert rows[0][0] == "市直部门2026年度随机抽查工作进展情况统计表"
        assert {r[1] for r in rows if isinstance(r[0], int)} == {
            "宁安市市场监督管理局",
            "宁安市应急管理局",
            "宁安市商务局",
            "宁安市司法局",
        }  # 市直部门's table (宁安市's 第9条): not the town's office, which 宁安市's bureau supervises
        # every other table of 宁安市's rulebook, the current year, each with its title there; none of 城口县's
        assert (
            page.locator("#code option[value=area]").count() == 0
            and page.locator("#code option[value=dept]").count() == 0
        )
        titles = {
            "plan": "2026年度行政执法检查计划表",
            "joint": "2026年度联合检查工作进展情况统计表",
            "halfplan": "2026年度非市场监管领域抽查工作计划表",
            "practice": "2026年度市直部门非市场监管领域推行“双随机、一公开”情况统计表",
        }
        for code, title in titles.items():
            page.select_option("#code", code)
            page.select_option("#period", "2026")
            bureau.submit("#table-request")
            newest = page.locator("#table-jobs tbody tr").first.locator("a.table-download")
            newest.wait_for()
            with page.expect_download() as download:
                newest.click()
            book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
            assert book.worksheets[0]["A1"].value == title, code
            if code == "joint":
                joint = [r for r in book.worksheets[0].iter_rows(values_only=True) if r[1] == "宁市监联抽〔2026〕1号"]
                assert joint and joint[0][5] == 3  # three departments took part
        save_shot(page, "supervision-tables")
    finally:
        bureau.close()


def test_the_demo_shows_a_submitted_table_and_the_missing_ones(browser, demo):
    """The demo (报表报送): 应急管理局's leader signed its first half-year's progress table on time and
    附件5 late; the other departments have submitted nothing."""
    bureau = Person(browser, demo, "sfj_supervisor")
    try:
        page = bureau.go("/reports/overview?year=2026")
        progress = page.locator("section[data-duty='progress/2026H1']")
        assert progress.locator("tr[data-department='YJJ'] .status-on_time").inner_text() == "按时报送"
        assert "王磊" in progress.locator("tr[data-department='YJJ']").inner_text()
        for code in ("SCJ", "SWJ"):
            assert progress.locator(f"tr[data-department='{code}'] .status-missing").count() == 1
        assert page.locator("section[data-duty='practice/2026H1'] tr[data-department='YJJ'] .status-late").count() == 1
    finally:
        bureau.close()


def test_the_bureau_checks_the_joint_draw_from_its_home_and_the_public_page_says_so(browser, demo):
    """核验抽取 (issue 92): the bureau's home names the joint campaign's draws to check; the bureau opens the target
    draw, checks every row with the key and the clear file (a job, followed back to the draw's page), reads each check
    holding, and the draw's public page states the verdict with the bureau and the day. The pages fit a phone."""
    bureau = Person(browser, demo, "sfj_supervisor")
    try:
        home = bureau.go("/")
        task = home.locator("#home-bureau-draw-checks a.draw-check-task").filter(has_text="宁市监联抽〔2026〕1号")
        assert task.count() == 2  # the target draw and the inspector draw, each by its campaign's number
        with home.expect_navigation():
            task.filter(has_text="检查对象抽取").click()
        assert home.locator("#draw-check-scope").get_attribute("data-scope") == "whole"
        assert home.locator("#draw-check-none").count() == 1
        at_both_widths(home, "draw-check-before")
        bureau.submit("#draw-check-run button[type=submit]")
        assert "核验完成：全部" in home.inner_text("body")
        verdict = home.locator("#draw-check-verdicts article.draw-verdict").first
        assert verdict.get_attribute("data-passed") == "true"
        assert "盲化密钥已向宁安市司法局披露，核验通过（" in verdict.inner_text()
        assert verdict.locator("tr.check-fail").count() == 0 and verdict.locator("tr.check-ok").count() > 3
        assert_worded(home)
        at_both_widths(home, "draw-check-after")
        public = bureau.go(home.locator("#draw-check-facts a[href*='/public/draws/campaigns/']").get_attribute("href"))
        assert "盲化密钥已向宁安市司法局披露，核验通过（" in public.inner_text("#targets-bureau-checks")
        home = bureau.go("/")
        assert (
            home.locator("#home-bureau-draw-checks a.draw-check-task")
            .filter(has_text="检查对象抽取")
            .filter(has_text="宁市监联抽〔2026〕1号")
            .count()
            == 0
        )
    finally:
        bureau.close()
