"""Bulk commands (批量操作): a selection of rows, each checked exactly as the single command checks
it, all or nothing.

:func:`each` runs one row's step after another inside the present command and collects every
row's refusal instead of stopping at the first; if any row was refused, it raises one
:class:`~spotcheck.core.errors.ValidationFailed` that names each refused row and why, so the
command changes nothing and the person sees every row to correct at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from flask_babel import lazy_gettext as _l

from spotcheck.core.commands import in_command
from spotcheck.core.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError, user_message

Row = TypeVar("Row")
Done = TypeVar("Done")

#: Refusals of a row (a bad row, a row whose state does not allow it, a row not there or not one's own).
REFUSALS = (InvalidInputError, ConflictError, NotFoundError, ForbiddenError)
#: The field a bulk command's refusals are reported under.
FIELD = "rows"


def each(rows: Iterable[Row], step: Callable[[Row], Done], *, name: Callable[[Row], str]) -> list[Done]:
    """``step(row)`` for every row, in order; the results, or — if any row was refused — one
    refusal naming each refused row (``name(row)``: how a person knows it) with its reason. A
    selection of one row is refused as the single command refuses it."""
    if not in_command():
        raise RuntimeError("a bulk step runs inside a command (all or nothing)")
    done, refused, total = [], [], 0
    for row in rows:
        total += 1
        try:
            done.append(step(row))
        except REFUSALS as refusal:
            if total == 1:
                first = refusal
            refused.append(f"{name(row)}：{user_message(refusal)}")
    if refused and total == 1:
        raise first  # a selection of one is the single command: its own refusal
    if refused:
        raise InvalidInputError(
            {
                FIELD: [
                    str(_l("Nothing was changed: %(count)d of the selected rows cannot be.", count=len(refused))),
                    *refused,
                ]
            }
        )
    return done


def require_selection(ids: object, *, most: int = 5000) -> list[int]:
    """The ids of a selection: whole numbers, at least one, at most ``most``, each once."""
    if not isinstance(ids, (list, tuple)) or not ids:
        raise InvalidInputError({"ids": [_l("Select at least one row.")]})
    if len(ids) > most:
        raise InvalidInputError({"ids": [_l("Select at most %(most)d rows at once.", most=most)]})
    if not all(isinstance(i, int) and not isinstance(i, bool) and 0 < i < 2**31 for i in ids):
        raise InvalidInputError({"ids": [_l("The selection names rows that do not exist.")]})
    return list(dict.fromkeys(ids))
