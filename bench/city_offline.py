"""Results entered offline (离线录入) in the simulated year: at a large campaign's size a department
has its teams fill the campaign's results workbook and its planner imports it (检查结果导入), as
many departments do, instead of each 组长 typing every visit into the result form. The planner
downloads the workbook (an action, timed), the teams fill it in (not timed: their work offline),
and the planner uploads it (a job on the worker, timed): every visit arrives a draft recorded on its
team's behalf (代为录入), which its 组长 then confirms (:func:`bench.city_steps.record_results`)."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date

import openpyxl
import sqlalchemy as sa

from bench import city_world as world
from bench.city_measure import Year
from bench.city_world import CampaignSpec, Department
from spotcheck.core.database import db
from spotcheck.tenants.campaigns import queries as campaigns
from spotcheck.tenants.common.vocabulary import reference
from spotcheck.tenants.directory.models import Entity
from spotcheck.tenants.results import categories
from spotcheck.tenants.results.models import Visit
from spotcheck.tenants.spreadsheets import commands as sheet_commands, queries as sheet_queries
from spotcheck.tenants.spreadsheets.columns import RESULTS

#: What the teams write in a visit's record, and when a problem was found, in its findings.
RECORD = "检查人员出示执法证件，现场检查经营场所、台账和相关记录。"
#: The report's evaluation of the inspected party and handling opinions (对被检查人的评价及处理意见和建议).
EVALUATION, OPINIONS = "安全管理制度基本落实。", "按规定开展自查，发现问题及时整改。"
FINDINGS = "台账记录不全，已当场指出并责令改正。"


def import_results(
    year: Year,
    department: Department,
    spec: CampaignSpec,
    campaign_id: int,
    checked: dict[int, date],
    outcome: dict[int, str],
    problem: Callable[[str], bool],
) -> None:
    """The campaign's results through its workbook: ``checked`` and ``outcome`` give each visit's
    check day and category; ``problem(code)`` says whether the category found a problem."""
    planner = world.users(department)["planner"]
    stream, name = year.action(
        "template", spec, lambda: sheet_queries.results_template(campaigns.get_campaign(campaign_id))
    )
    by_code = dict(
        db.session.execute(
            sa.select(Entity.code, Visit.id)
            .join(Visit, Visit.entity_id == Entity.id)
            .where(Visit.campaign_id == campaign_id)
        ).all()
    )
    names = {category.code: category.name for category in categories.every()}
    book = openpyxl.load_workbook(stream)
    sheet = book.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    column = {header: index for index, header in enumerate(headers, start=1)}
    place = {
        key: column[RESULTS.header_for(key)]
        for key in ("entity_code", "checked_on", "method", "categories", "findings", "record", "evaluation", "opinions")
    }  # the template's own headers
    for row in range(2, sheet.max_row + 1):
        visit_id = by_code.get(sheet.cell(row, place["entity_code"]).value)
        if visit_id is None:
            continue  # the template's row of hints
        code = outcome[visit_id]
        for key, value in (
            ("checked_on", checked[visit_id].isoformat()),
            ("method", reference.CHECK_METHODS["onsite"]),
            ("categories", names[code]),
            ("findings", FINDINGS if problem(code) else ""),
            ("record", RECORD),
            ("evaluation", EVALUATION),
            ("opinions", OPINIONS),
        ):
            sheet.cell(row, place[key], str(value))
    filled = io.BytesIO()
    book.save(filled)
    filled.seek(0)
    year.job(
        "import",
        spec,
        department.tenant_id,
        lambda: sheet_commands.submit_results_import(campaign_id, name, filled, actor=planner),
        wait=True,
    )
    imported = year.measures[-1]["result"] or {}
    if not imported.get("ok") or imported.get("drafted", 0) + imported.get("submitted", 0) != len(by_code):
        raise RuntimeError(
            f"the results import of {spec.label} did not record every visit: "
            f"{ {k: v for k, v in imported.items() if k != 'errors'} } {imported.get('errors', [])[:3]}"
        )
