"""URL converters: an ``<int:…>`` in a route names a database row, so it only matches numbers a row
id can be (PostgreSQL ``integer``, up to 2,147,483,647); a larger one is simply no such page (404),
never a query the database refuses."""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter, Map

from spotcheck.core.database import MAX_ROW_ID as MAX_ID


class RowIdConverter(IntegerConverter):
    """``<int:…>``: a whole number from 0 to :data:`MAX_ID` (documented as such in the OpenAPI)."""

    def __init__(
        self, map: Map, fixed_digits: int = 0, min: int = 0, max: int | None = MAX_ID, signed: bool = False
    ) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def init_app(app: Flask) -> None:
    """Before any route is added: every ``<int:…>`` is a row id."""
    app.url_map.converters["int"] = RowIdConverter
