"""Spreadsheet reads (电子表格): which kind a name means, the blank templates, a campaign's results
template pre-filled with its visits still to record, and how large an upload may be."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core import clock
from spotcheck.core.actor import Actor
from spotcheck.core.database import db
from spotcheck.core.errors import NotFoundError
from spotcheck.tenants.campaigns.models import Campaign
from spotcheck.tenants.results.models import Visit
from spotcheck.tenants.results.policy import OPEN
from spotcheck.tenants.spreadsheets import exporting, policy, uploads, writing
from spotcheck.tenants.spreadsheets.columns import KINDS, RESULTS, SheetKind


def kind_named(name: str) -> SheetKind:
    kind = KINDS.get(name)
    if kind is None:
        raise NotFoundError(_l("No such spreadsheet kind."))
    return kind


def allowed_steps(reader: Actor) -> dict[str, frozenset[str]]:
    """What ``reader`` may do with each list, by its name (what the spreadsheets page offers)."""
    return {name: policy.allowed(kind, reader) for name, kind in KINDS.items()}


def template_file(kind: SheetKind) -> tuple[IO[bytes], str]:
    """The blank template of ``kind`` and its download name."""
    return writing.template(kind), f"{kind.title}-模板.xlsx"


def max_upload_bytes() -> int:
    return uploads.max_upload_bytes()


def open_visits(campaign: Campaign) -> list[Visit]:
    """The campaign's visits whose result can still be recorded or imported."""
    return list(
        db.session.scalars(
            sa.select(Visit).where(Visit.campaign_id == campaign.id, Visit.status.in_(OPEN)).order_by(Visit.id)
        )
    )


def results_template(campaign: Campaign, progress: exporting.Progress | None = None) -> tuple[IO[bytes], str]:
    """The results template of the campaign: a row per visit still to record and item, the
    entity's code and name and the item filled in; ``progress`` is told the visits written (the export job's,
    :func:`spotcheck.tenants.spreadsheets.commands.run_results_template`)."""

    def rows() -> Iterator[list]:
        number = 0
        visits = open_visits(campaign)
        for done, visit in enumerate(visits, start=1):
            if progress is not None and done % 200 == 0:
                progress(95 * done // len(visits), done, len(visits))
            for item in campaign.items:
                number += 1
                values: dict[str | None, str] = {"entity_code": visit.entity.code, "item": item.name}
                yield [
                    number
                    if c.header == "序号"
                    else visit.entity.name
                    if c.header == "检查对象名称"
                    else values.get(c.key, "")
                    for c in RESULTS.columns
                ]

    return writing.export(RESULTS, rows()), f"{RESULTS.title}-{campaign.code}-{clock.today():%Y%m%d}.xlsx"
