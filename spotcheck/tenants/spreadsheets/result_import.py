"""Importing a campaign's results (检查结果导入) entered offline: one row per visit and item, all
or nothing, each visit's result recorded on its team's behalf (代为录入) as a draft its 组长 confirms —
submitted (待审核) at once only where the importer is that 组长 — and never approved (the command:
:func:`spotcheck.tenants.spreadsheets.commands.import_results`)."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core.actor import Actor
from spotcheck.core.database import db
from spotcheck.core.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from spotcheck.tenants.campaigns.models import Campaign
from spotcheck.tenants.common.vocabulary import reference
from spotcheck.tenants.results import categories, checks, commands as results
from spotcheck.tenants.results.inputs import TEXTS
from spotcheck.tenants.results.models import Visit
from spotcheck.tenants.results.policy import OPEN, VISIT_ACTIONS
from spotcheck.tenants.results.present_teams import recused_members
from spotcheck.tenants.results.vocabulary import VisitStatus
from spotcheck.tenants.spreadsheets.columns import RESULTS, cell_text
from spotcheck.tenants.spreadsheets.pipeline import Importer, Meter, Problems, Record, Sheet, required_blanks, tagged

METHOD_CODES = {name: code for code, name in reference.CHECK_METHODS.items()}
#: Per visit, these must be the same on every row (the report's texts may be on one row only).
_PER_VISIT = ("checked_on", "checked_until", "method")
#: The report's texts of a visit (检查记录、评价、处理意见和建议、方式变更理由), given on any one of its rows.


def _dates(data: dict) -> dict:
    """The check's dates of a row: its start, and its end when the row gives one (else it ends that day)."""
    dates = {"checked_on": data.get("checked_on")}
    if data.get("checked_until"):
        dates["checked_until"] = data["checked_until"]
    return dates


def _by_column(errors: dict) -> dict:
    """A result's field errors keyed by the sheet's fields (``items.<id>.categories`` → ``categories``)."""
    return {key.rpartition(".")[2]: messages for key, messages in errors.items()}


class ResultImport(Importer):
    def __init__(self, campaign: Campaign, actor: Actor):
        super().__init__(RESULTS, actor)
        self.campaign = campaign
        self.todo: dict[int, dict] = {}  # visit id → the result data for the command
        self.first_row: dict[int | None, int] = {}

    def prepare(self, sheet: Sheet) -> None:
        self.visits = {
            v.entity.code: v for v in db.session.scalars(sa.select(Visit).where(Visit.campaign_id == self.campaign.id))
        }
        self.items = {
            **{item.name: item for item in self.campaign.items},
            **{item.code: item for item in self.campaign.items},
        }
        self.seen: dict[tuple[str, int], int] = {}
        self.category_codes = categories.by_name()  # the department's categories, by any name a cell gives

    def check(self, record: Record, errors: Problems) -> None:
        data, problems = record.data, dict(record.errors)
        required_blanks(self.kind, record, problems)
        code = cell_text(data.get("entity_code")).upper()
        visit = self.visits.get(code)
        if code and visit is None:
            problems["entity_code"] = [_l("This entity was not drawn in this campaign.")]
        elif visit is not None and visit.status not in OPEN:
            problems["entity_code"] = [
                _l("The result of this entity is already submitted; it cannot be imported again.")
            ]
        elif visit is not None and recused_members(visit):
            problems["entity_code"] = [str(VISIT_ACTIONS.by_name["import"].refusal(visit))]
        item = self.items.get(cell_text(data.get("item")))
        if data.get("item") and item is None:
            problems["item"] = [_l("This item is not checked in this campaign.")]
        method = METHOD_CODES.get(cell_text(data.get("method")))
        if data.get("method") and method is None:
            problems["method"] = [_l("Choose a check method from the list.")]
        codes = [self.category_codes.get(name) for name in data.get("categories") or []]
        if None in codes:
            unknown = [n for n, c in zip(data["categories"], codes, strict=True) if c is None]
            problems["categories"] = [_l("Unknown result category: %(codes)s.", codes="、".join(unknown))]
        if visit is not None and item is not None and not problems:  # the same rules as the result form
            _, refused = checks.clean_result(
                visit,
                {
                    **_dates(data),
                    "method": method,
                    "items": {str(item.id): {"categories": codes, "findings": cell_text(data.get("findings"))}},
                },
            )
            problems = _by_column(refused)
        if visit is None or item is None or problems:
            errors.add_fields(record.row, problems)
            return
        if (code, item.id) in self.seen:
            errors.add(
                record.row,
                self.kind.header_for("item"),
                _l("The same entity and item as row %(row)d.", row=self.seen[(code, item.id)]),
            )
            return
        self.seen[(code, item.id)] = record.row
        result = self.todo.setdefault(visit.id, {"items": {}})
        self.first_row.setdefault(visit.id, record.row)
        values = {"checked_until": None, **_dates(data), "method": method}
        for key in _PER_VISIT:
            if key in result and result[key] != values[key]:
                errors.add(
                    record.row,
                    self.kind.header_for(key),
                    _l(
                        "Differs from row %(row)d of the same entity: one visit has one %(column)s.",
                        row=self.first_row[visit.id],
                        column=self.kind.header_for(key),
                    ),
                )
            result.setdefault(key, values[key])
        for key in TEXTS:
            if cell_text(data.get(key)):
                result[key] = cell_text(data.get(key))
        result["items"][str(item.id)] = {"categories": codes, "findings": cell_text(data.get("findings"))}

    def complete(self, errors: Problems) -> None:
        """A visit is imported only with what its report needs (seed 002: 现场检查笔录、对被检查人的评价及
        处理意见和建议, where the rules ask them; the reason for a method the campaign did not set), on one
        of its rows or already on the visit (the record: or attached): the first row of each visit
        without it is refused, under the column that lacks it."""
        visits = {v.id: v for v in self.visits.values()}
        for visit_id, result in self.todo.items():
            visit = visits[visit_id]
            values = {**{key: getattr(visit, key) for key in TEXTS}, **result}
            for key, messages in checks.missing_report(visit, values).items():
                for message in messages:
                    errors.add(self.first_row[visit_id], self.kind.header_for(key), message)

    def write(self, path: Path, meter: Meter) -> dict:
        """Every visit's result in one bulk command (the same checks as one by one): a refusal the
        first pass could not foresee undoes them all and is reported at the visit's first row."""
        given = {
            visit_id: {
                key: value
                for key, value in data.items()  # no end given: it ended the day it started
                if not (key == "checked_until" and value is None)
            }
            for visit_id, data in self.todo.items()
        }
        try:
            done = results.import_results(list(given), {"results": given}, actor=self.actor, progress=meter)
        except (InvalidInputError, ConflictError, ForbiddenError, NotFoundError) as failed:
            row = self.first_row.get(getattr(failed, "visit_id", None), 0)
            if isinstance(failed, InvalidInputError):
                failed = InvalidInputError(_by_column(failed.errors))
            raise tagged(failed, row) from failed
        meter(1.0)
        submitted = sum(1 for visit in done if visit.status == VisitStatus.submitted)
        return {"submitted": submitted, "drafted": len(done) - submitted}
