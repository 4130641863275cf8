"""The import pipeline (导入流程), the same for every kind of spreadsheet, in two passes:

1. every row is read and checked by the kind's importer with the kind's own clean function (the
   same rules as the forms and the API), plus what only a whole file can break: required columns
   missing, the same key twice in the file, a key that names nothing of the department's. Each
   problem is collected as ``{row, column, reason}`` — the row number as Excel shows it, the
   Chinese header, the reason in the user's language;
2. only when no row is bad, the importer writes everything, in a savepoint of the import command's
   transaction: a row the first pass could not foresee undoes every write.

If any row is bad nothing is written, and the result lists every bad row. The first pass runs in a savepoint too:
an importer may stage the rows it has checked as it goes (the directory's: the file is read once), and what it
staged is discarded when a row is bad or the file cannot be read to its end.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask_babel import lazy_gettext as _l

from spotcheck.core import audit, text
from spotcheck.core.actor import Actor
from spotcheck.core.commands import unit_of_work
from spotcheck.core.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from spotcheck.tenants.spreadsheets.columns import HINT_MARKER, Column, SheetKind, cell_text, normalise_header
from spotcheck.tenants.spreadsheets.reading import RowSource, UnreadableFileError

#: Detailed errors kept in a job result; the counts always cover every bad row.
MAX_ERRORS = 2000
#: How many rows from the top may come before the header row (a title, "填报单位：…").
HEADER_SEARCH_ROWS = 10

Progress = Callable[[int], None]


class Importer:
    """What a kind of spreadsheet does with its rows: ``prepare`` (once the header is read), ``check``
    each record (``check_all``: staging it too, for an importer that stages as it checks) and
    ``complete`` the check (first pass), ``write`` everything (second pass) and return the counts;
    ``discard`` what was staged when nothing is to be written."""

    def __init__(self, kind: SheetKind, actor: Actor):
        self.kind, self.actor = kind, actor

    def prepare(self, sheet: Sheet) -> None:
        pass

    def check(self, record: Record, errors: Problems) -> None:
        """Check one record (the first pass of :meth:`check_all`; an importer with its own ``check_all`` needs none)."""
        raise NotImplementedError

    def check_all(self, records: Iterator[Record], errors: Problems) -> None:
        """The first pass: :meth:`check` each record. An importer that stages its rows as they are checked does
        it here (in the first pass's savepoint), and :meth:`discard` undoes it."""
        for record in records:
            self.check(record, errors)

    def discard(self) -> None:
        """Nothing is written — a bad row, no row, or a second pass refused: let go of what :meth:`check_all`
        staged (a file that cannot be read to its end takes it with the first pass's savepoint)."""

    def complete(self, errors: Problems) -> None:
        """After every record is checked: what only the rows together can show (first pass)."""

    def write(self, path: Path, meter: Meter) -> dict:
        raise NotImplementedError

    def write_rows(self, rows: list[tuple], meter: Meter, write_one: Callable[..., str]) -> dict:
        """The second pass of an importer that writes row by row through the commands: for each
        ``(row number, *data)``, ``write_one(*data)`` says ``created``, ``changed`` or ``unchanged``;
        a refusal is reported at its row."""
        counts = {"created": 0, "changed": 0, "unchanged": 0}
        for done, (row, *data) in enumerate(rows, start=1):
            try:
                counts[write_one(*data)] += 1
            except (InvalidInputError, ConflictError) as failed:
                raise tagged(failed, row) from failed
            meter(done / len(rows))
        return counts


class Problems:
    """Every problem of a file, as the user will read them: row number, column header, reason."""

    def __init__(self, kind: SheetKind):
        self.kind = kind
        self.items: list[dict] = []
        self.rows: set[int] = set()
        self.count = 0

    def add(self, row: int, column: str, reason: object) -> None:
        self.count += 1
        self.rows.add(row)
        if len(self.items) < MAX_ERRORS:
            self.items.append({"row": row, "column": column, "reason": str(reason)})

    def add_fields(self, row: int, errors: dict) -> None:
        for key, messages in errors.items():
            for message in messages:
                self.add(row, self.kind.header_for(key), message)

    def __bool__(self) -> bool:
        return self.count > 0

    def result(self, base: dict) -> dict:
        items = sorted(self.items, key=lambda e: (e["row"], column_order(self.kind, e["column"])))
        return {
            **base,
            "ok": False,
            "errors": items,
            "error_count": self.count,
            "error_rows": len(self.rows),
            "errors_truncated": self.count > len(items),
        }


def column_order(kind: SheetKind, header: str) -> int:
    return next((i for i, c in enumerate(kind.columns) if c.header == header), len(kind.columns))


@dataclass
class Record:
    row: int
    data: dict  # field → converted cell value (every column of the kind that the file has)
    errors: dict  # field → [messages] from reading the cells


class Sheet:
    """The data rows of a file, as records keyed by the kind's fields."""

    def __init__(self, kind: SheetKind, path: Path):
        self.kind = kind
        self.source = RowSource(path, sheet_title=kind.title[:31])
        self._rows = self.source.rows()
        self.header_row = 0
        self.columns: dict[int, Column] = {}
        self.ignored: list[str] = []

    def read_header(self, errors: Problems) -> bool:
        """Find the header row among the first rows; False (with one clear error) when required columns are missing."""
        known = {normalise_header(alias): c for c in self.kind.columns for alias in (c.header, *c.aliases)}
        best: tuple[int, dict[int, Column], list] | None = None
        for number, values in self._rows:
            matched = {i: known[normalise_header(v)] for i, v in enumerate(values) if normalise_header(v) in known}
            if len(matched) >= 2:
                best = (number, matched, values)
                break
            if number >= HEADER_SEARCH_ROWS:
                break
        if best is None:
            missing = [c.header for c in self.kind.columns if c.required]
            errors.add(
                1,
                "、".join(missing),
                _l(
                    "No header row found. The first row must hold the column headers of "
                    "the template; required columns: %(columns)s.",
                    columns="、".join(missing),
                ),
            )
            return False
        self.header_row, matched, values = best
        seen: dict[str, int] = {}
        for index, column in sorted(matched.items()):
            if column.header in seen:
                errors.add(self.header_row, column.header, _l("This column appears twice; keep one of them."))
                continue
            seen[column.header] = index
            self.columns[index] = column
        self.ignored = [cell_text(v) for i, v in enumerate(values) if cell_text(v) and i not in matched]
        missing = [c.header for c in self.kind.columns if c.required and c.header not in seen]
        if missing:
            errors.add(
                self.header_row,
                "、".join(missing),
                _l(
                    "Required column(s) missing: %(columns)s. Use the headers of the template.",
                    columns="、".join(missing),
                ),
            )
        return not errors

    def records(self) -> Iterator[Record]:
        columns = list(self.columns.items())  # pairs, not a dict keyed by column: a column hashes all its fields
        for number, values in self._rows:
            width = len(values)
            cells = [(column, values[i] if i < width else None) for i, column in columns]
            texts = [(column, cell_text(value)) for column, value in cells]
            if not any(text for column, text in texts if column.key):
                continue  # an empty row (perhaps with only a 序号)
            if any(c.hint == HINT_MARKER and t == HINT_MARKER for c, t in texts) or all(
                t == c.hint for c, t in texts if t
            ):
                continue  # the template's row of hints
            data: dict[str, object] = {}
            problems: dict[str, list[object]] = {}
            suspect = text.has_forbidden("".join(value for _, value in cells if isinstance(value, str)))  # once a row
            for column, value in cells:
                if column.key is None:
                    continue
                if suspect and isinstance(value, str) and text.has_forbidden(value):
                    data[column.key], problems[column.key] = "", [text.MESSAGE]
                    continue
                data[column.key], problem = column.convert(value)
                if problem:
                    problems[column.key] = [problem]
            yield Record(number, data, problems)

    def fraction(self) -> float:
        return self.source.fraction()


def required_blanks(kind: SheetKind, record: Record, errors: dict) -> None:
    """A blank cell in a required column, unless the clean function already said why."""
    for column in kind.columns:
        if column.required and column.key and column.key not in errors:
            value = record.data.get(column.key)
            if value in (None, "", []):
                errors[column.key] = [_l("This column is required.")]


class Meter:
    """Reports progress in whole per cent, only when it moves."""

    def __init__(self, report: Progress | None, start: int, span: int):
        self.report, self.start, self.span, self.last = report, start, span, -1

    def __call__(self, fraction: float) -> None:
        percent = self.start + int(self.span * max(0.0, min(fraction, 1.0)))
        if self.report is not None and percent > self.last:
            self.last = percent
            self.report(percent)


def run(importer: Importer, path: Path | str, *, file_name: str = "", progress: Progress | None = None) -> dict:
    """Import ``path`` with ``importer``, all or nothing; ``progress`` is told whole per cent as the
    passes go (it must not touch the import's transaction). Returns the result for the job:
    ``ok`` and the counts, or ``ok: False`` with every bad row."""
    kind, actor = importer.kind, importer.actor
    path = Path(path)
    base: dict[str, Any] = {"kind": kind.name, "file": file_name, "rows": 0}
    errors = Problems(kind)
    try:
        sheet = Sheet(kind, path)
        if not sheet.read_header(errors):
            return errors.result(base)
        base["ignored_columns"] = sheet.ignored
        meter = Meter(progress, 0, 50)
        importer.prepare(sheet)

        def counted() -> Iterator[Record]:
            for record in sheet.records():
                base["rows"] += 1
                yield record
                if base["rows"] % 200 == 0:
                    meter(sheet.fraction())

        with unit_of_work():  # a savepoint: what the first pass staged goes with a file that cannot be read
            importer.check_all(counted(), errors)
            importer.complete(errors)
            if errors or not base["rows"]:
                importer.discard()
    except UnreadableFileError as unreadable:
        errors.add(1, "", unreadable.message)
        return errors.result(base)
    if errors:
        return errors.result(base)
    if base["rows"] == 0:
        errors.add(sheet.header_row + 1, "", _l("The file has no rows to import below the headers."))
        return errors.result(base)
    meter(1.0)
    try:
        with unit_of_work():  # a savepoint: a failure undoes every write of this pass
            counts = importer.write(path, Meter(progress, 50, 49))
    except (
        InvalidInputError,
        ConflictError,
        ForbiddenError,
        NotFoundError,
    ) as failed:  # what the first pass could not foresee
        importer.discard()  # staged before the second pass's savepoint, so not undone with it
        row = getattr(failed, "row", 0)
        if isinstance(failed, InvalidInputError):
            errors.add_fields(row, failed.errors)
        else:
            errors.add(row, "", str(failed))
        return errors.result(base)
    audit.record(
        "sheet.imported",
        "import",
        None,
        actor=actor,
        details={
            "kind": kind.name,
            "file": file_name,
            "rows": base["rows"],
            **{k: v for k, v in counts.items() if isinstance(v, int)},
        },
    )
    return {**base, "ok": True, **counts}


def tagged(failure: Exception, row: int) -> Exception:
    """``failure`` marked with the row that caused it (the second pass reports it there)."""
    failure.row = row  # type: ignore[attr-defined]  # read back by the second pass
    return failure
