"""The year's joint-inspection statistics (联合检查工作进展情况统计表, seed 001 附件3): the figures
computed here from the drawn targets, shown on the lead's page and written in the workbook;
other departments and roles refused."""

from __future__ import annotations

import html
import io
import math
import re
from datetime import datetime

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from spotcheck.core import jobs
from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.draw import target_frames, targets as target_engine
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.campaigns.draws import frame_file_of
from spotcheck.tenants.campaigns.models import Campaign, CampaignTarget, Draw, DrawKind, TargetStatus
from spotcheck.tenants.joint import commands as joint_commands, statistics
from spotcheck.tenants.supervision import commands as supervision_commands, figures, queries as supervision_queries
from spotcheck.tenants.supervision.periods import Period
from tests.support.helpers import bearer, csrf_token, signed_in, user_named
from tests.support.joint_world import world

TITLE_2026 = "2026年度联合检查工作进展情况统计表"  # seed 001, 附件3: "ＸＸ年度联合检查工作进展情况统计表"


def _expected(campaign_id: int) -> dict:
    """The figures from the rows themselves: the selected targets, the frame and the rules."""
    targets = db.session.execute(
        sa.select(CampaignTarget.entity_id, CampaignTarget.group_code).where(
            CampaignTarget.campaign_id == campaign_id, CampaignTarget.status == TargetStatus.selected
        )
    ).all()
    campaign = db.session.scalar(sa.select(Campaign).where(Campaign.id == campaign_id))
    frame = db.session.scalar(
        sa.select(Draw.frame_file).where(Draw.campaign_id == campaign_id, Draw.kind == DrawKind.targets)
    )
    rules = {group: part["strata"] for group, part in campaign.joint_parts.items()}
    separate = target_engine.expected_separate_visits(target_frames.parse_frame_file(frame_file_of(frame)), rules)
    visits = len({entity for entity, _group in targets})
    names = [db.session.scalar(sa.select(Tenant.name).where(Tenant.code == code)) for code in ("SWJ", "YJJ")]
    return {
        "visits": visits,
        "checks": len(targets),
        "separate": separate,
        "saved": math.floor(max(separate - visits, 0) + 0.5),
        "items": 2,
        "names": names,
        "code": campaign.code,
        "title": campaign.title,
    }


def _cells(page: str, row_selector: str) -> dict[str, str]:
    row = re.search(rf"<tr {row_selector}>(.*?)</tr>", page, re.S)
    assert row, f"no row {row_selector}"
    return {
        key: html.unescape(re.sub(r"<[^>]+>", "", text)).strip()
        for key, text in re.findall(r'<t[dh][^>]*data-key="(\w+)"[^>]*>(.*?)</t[dh]>', row.group(1), re.S)
    }


def test_the_lead_sees_and_downloads_the_years_joint_figures(app):
    with app.app_context():
        ids = world("targets")
        with tenant_scope(user_named("scj_coord").tenant_id):
            want = _expected(ids["campaign"])
            campaign = db.session.scalar(sa.select(Campaign).where(Campaign.id == ids["campaign"]))
            one = statistics.campaign_figures(campaign)
            # the lead's 减少检查户次 on the supervision dashboard is the table's row
            [lead] = figures.compute(Period(2026), figures.departments([campaign.tenant_id]), ("visits_saved",))
        assert lead.visits_saved == want["saved"]
        assert want["visits"] < want["checks"] and want["saved"] >= 1  # the world's departments overlap
        assert (one.visits, one.checks, one.saved, one.items, one.department_count) == (
            want["visits"],
            want["checks"],
            want["saved"],
            2,
            2,
        )
        assert one.separate == round(want["separate"], 1) and one.complete == 0

    for login in ("scj_coord", "scj_planner"):  # JOINT_MANAGE, CAMPAIGNS_VIEW
        response = signed_in(app, login).get("/joint/statistics?year=2026")
        assert response.status_code == 200, login
    page = response.get_data(as_text=True)
    assert TITLE_2026 in page
    for header in statistics.HEADERS:
        assert f'<th scope="col">{header}</th>' in page
    row = _cells(page, f'data-campaign="{ids["campaign"]}"')
    assert row["code"] == want["code"] and row["title"] == want["title"]
    assert row["departments"] == "、".join(want["names"])
    assert (row["visits"], row["checks"], row["saved"], row["items"], row["department_count"], row["campaigns"]) == (
        str(want["visits"]),
        str(want["checks"]),
        str(want["saved"]),
        "2",
        "2",
        "1",
    )
    assert row["separate"] == f"{want['separate']:.1f}"
    total = _cells(page, 'id="statistics-total"')
    assert (total["visits"], total["saved"], total["campaigns"], total["department_count"]) == (
        str(want["visits"]),
        str(want["saved"]),
        "1",
        "2",
    )
    assert 'action="/joint/statistics/export"' in page and 'name="year" value="2026"' in page

    # The table is written by an export job (run at once in the tests): the button leads to the job's page,
    # which shows its progress and then offers the workbook.
    client = signed_in(app, "scj_coord")
    started = client.post(
        "/joint/statistics/export", data={"csrf_token": csrf_token(client, "/joint/statistics"), "year": "2026"}
    )
    assert started.status_code == 302 and "/jobs/" in started.location, started.get_data(as_text=True)[:500]
    job_page = client.get(started.location).get_data(as_text=True)
    assert "导出年度联合检查工作进展情况统计表" in job_page and 'id="back-to-statistics"' in job_page
    link = re.search(r'id="export-download" href="([^"]+)"', job_page)
    assert link, job_page
    response = client.get(link.group(1))
    assert response.status_code == 200 and response.headers["Cache-Control"].startswith("private")
    assert "attachment" in response.headers["Content-Disposition"]
    assert signed_in(app, "scj_planner").get(link.group(1)).status_code == 404  # another's job: not theirs
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet["A1"].value == TITLE_2026
    assert f"A1:{chr(ord('A') + len(statistics.HEADERS) - 1)}1" in {str(r) for r in sheet.merged_cells.ranges}
    assert [sheet[f"A{n}"].value for n in (2, 3)] == ["（2026年度）", "填报单位（盖章）：宁安市市场监督管理局"]
    assert sheet["A4"].value.startswith("填表时间：")
    assert tuple(c.value for c in sheet[5]) == statistics.HEADERS
    keys = [column.key for column in statistics.COLUMNS]
    data = dict(zip(keys, (c.value for c in sheet[6]), strict=True))
    assert data["number"] == 1 and data["code"] == want["code"] and data["title"] == want["title"]
    assert data["departments"] == "、".join(want["names"])
    assert (data["visits"], data["checks"], data["saved"], data["items"]) == (
        want["visits"],
        want["checks"],
        want["saved"],
        2,
    )
    assert data["separate"] == round(want["separate"], 1)
    totals = dict(zip(keys, (c.value for c in sheet[7]), strict=True))
    assert totals["number"] == "合计" and (totals["campaigns"], totals["visits"], totals["saved"]) == (
        1,
        want["visits"],
        want["saved"],
    )
    assert str(sheet.cell(row=sheet.max_row, column=1).value).startswith("填报人：")
    assert all(sheet.column_dimensions[letter].width for letter in "ABCDEFGHIJKLM")

    other_year = signed_in(app, "scj_coord").get("/joint/statistics?year=2025").get_data(as_text=True)
    assert "2025年度联合检查工作进展情况统计表" in other_year and f'data-campaign="{ids["campaign"]}"' not in other_year

    # The API: 202 with the job (its progress at 100 once done, a row per joint campaign), then the same workbook
    # from the job's file; the API document says so.
    api, headers = app.test_client(), bearer(app, "scj_planner")
    answer = api.post("/api/v1/joint/statistics/exports", json={"year": 2026}, headers=headers)
    assert answer.status_code == 202, answer.get_data(as_text=True)[:500]
    job = api.get(f"/api/v1/jobs/{answer.get_json()['id']}", headers=headers).get_json()
    assert job["kind"] == "export.joint_statistics" and job["status"] == "succeeded" and job["progress"] == 100, job
    assert job["result"]["rows"] == 1 and job["result"]["file"] == f"{TITLE_2026}.xlsx"
    got = api.get(f"/api/v1/jobs/{job['id']}/file", headers=headers)
    assert got.status_code == 200 and got.mimetype.endswith("spreadsheetml.sheet")
    rows = list(load_workbook(io.BytesIO(got.data)).active.iter_rows(values_only=True))
    assert rows[0][0] == TITLE_2026 and rows[4] == statistics.HEADERS
    assert rows[5][1] == want["code"] and rows[5][8] == want["visits"] and rows[6][0] == "合计"
    assert api.get(f"/api/v1/jobs/{job['id']}/file", headers=bearer(app, "yjj_admin")).status_code == 404
    paths = api.get("/api/openapi.json").json["paths"]
    assert "202" in paths["/api/v1/joint/statistics/exports"]["post"]["responses"]


def test_other_departments_and_roles_are_refused(app):
    for login in ("yjj_planner", "swj_admin", "scj_inspector", "sfj_supervisor"):
        client = signed_in(app, login)
        assert client.get("/joint/statistics?year=2026").status_code == 403, login
        api = client.post("/api/v1/joint/statistics/exports", json={"year": 2026}, headers=bearer(app, login))
        assert api.status_code == 403, login
    field_lead = signed_in(app, "yjj_coord")  # a field's coordinator leads joint campaigns, its department does not
    assert field_lead.get("/joint/statistics?year=2026").status_code == 403
    assert 'id="joint-statistics"' not in field_lead.get("/joint").get_data(as_text=True)  # no link to a refusal
    client = signed_in(app, "scj_coord")
    assert 'id="joint-statistics"' in client.get("/joint").get_data(as_text=True)
    assert client.get("/joint/statistics?year=zwei").status_code == 404
    assert client.get("/joint/statistics.xlsx?year=2026").status_code == 404  # nothing is built inside the request
    assert (
        client.post(
            "/joint/statistics/export", data={"csrf_token": csrf_token(client, "/joint/statistics"), "year": "1800"}
        ).status_code
        == 404
    )
    refused = client.post("/api/v1/joint/statistics/exports", json={"year": 1800}, headers=bearer(app, "scj_coord"))
    assert refused.status_code == 422 and "2000" in str(refused.get_json()["errors"]["json"]["year"])
    page = client.get("/joint/statistics").get_data(as_text=True)  # the present year, no campaign yet
    assert "年度联合检查工作进展情况统计表" in page and 'id="statistics-total"' in page


def _contents(data: bytes) -> list[tuple]:
    """Every sheet's name and cell values."""
    book = load_workbook(io.BytesIO(data))
    return [(sheet.title, *sheet.iter_rows(values_only=True)) for sheet in book.worksheets]


@pytest.mark.seconds(4)
def test_the_joint_table_is_one_table_whoever_asks(app):
    """Seed 001 附件3 is one table: the lead department's export and the justice bureau's table of
    that department hold the same rows and columns; so do a participant's (应急管理局, which took
    part) as its leader and as the bureau read it, the joint campaign it took part in listed."""
    with app.app_context(), frozen_at(datetime(2026, 11, 20, 10, 0)):
        ids = world("targets")
        scj, yjj = user_named("scj_coord").tenant_id, ids["yjj"]["tenant"]
        coord = user_named("scj_coord")
        with tenant_scope(scj):  # the lead's export job (run at once in the tests)
            job = joint_commands.submit_statistics_export(2026, actor=coord)
            lead = jobs.file_of(job.id, coord)[0].read_bytes()
        supervisor, yjj_leader = user_named("sfj_supervisor"), user_named("yjj_leader")
        with tenant_scope(supervisor.tenant_id):
            job = supervision_commands.request_table("joint", "2026", department_id=scj, actor=supervisor)
            bureau = supervision_queries.table_file(job.id, supervisor)[0]
            job = supervision_commands.request_table("joint", "2026", department_id=yjj, actor=supervisor)
            bureau_yjj = supervision_queries.table_file(job.id, supervisor)[0]
            job = supervision_commands.request_table("joint", "2026", actor=supervisor)
            summary = supervision_queries.table_file(job.id, supervisor)[0]
        with tenant_scope(yjj):
            job = supervision_commands.request_table("joint", "2026", actor=yjj_leader)
            own_yjj = supervision_queries.table_file(job.id, yjj_leader)[0]
    assert _contents(lead) == _contents(bureau)
    assert _contents(own_yjj) == _contents(bureau_yjj)
    rows = _contents(lead)[0][1:]
    header = rows.index(statistics.HEADERS)
    campaign_row, total_row = rows[header + 1], rows[header + 2]
    assert campaign_row[0] == 1 and total_row[0] == "合计"
    assert rows[header + 1][1:] == _contents(own_yjj)[0][1:][header + 1][1:]  # the same campaign, the same figures
    assert "填报单位（盖章）：宁安市应急管理局" in [r[0] for r in _contents(own_yjj)[0][1:]]
    summary_rows = _contents(summary)[0][1:]
    assert summary_rows[header + 1][1:] == campaign_row[1:] and "司法局汇总" in summary_rows[2][0]
