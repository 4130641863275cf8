"""How a frame's capped list (:attr:`~.models.Draw.capped`) is stored: compactly, each text said once.

The list gives every business left out at its yearly cap with the rule it reached (``why``) and each counting campaign
with its departments and their level (``counted``): a province's frame leaves out a hundred thousand businesses, and
the same few rules, campaigns and department names come back in every row — stored row by row, 225 MB of JSON that
each load of the draw parsed again. Stored here as tables of the texts and rows of indexes into them
(:func:`packed`); read back as the list it was, row by row equal (:func:`unpacked`). A list that is not of the
capped list's shape, and a list stored before (a JSON list), are stored and read as they are."""

from __future__ import annotations

from typing import Any

#: Marks a packed list (a stored list is a JSON array).
FORMAT = "capped/1"
#: The keys of a row of the capped list (:func:`~.capped_lists.capped_list`), ``why`` only with a campaign.
_KEYS = {"code", "name", "campaigns", "counted"}


def packed(rows: list[dict] | dict | None) -> dict | list | None:
    """``rows`` as stored: ``{"format", "why": [texts], "departments": [texts], "counted": [[campaign code,
    [department indexes]]], "rows": [[code, name, why index or -1, [counted indexes]]]}`` — or as they are when a
    row is not of the capped list's shape (it would not come back equal), or packed already
    (:func:`~.capped_lists.packed_capped_list`)."""
    if not rows or isinstance(rows, dict):
        return rows
    why: dict[str, int] = {}
    departments: dict[str, int] = {}
    counted: dict[tuple[str, tuple[int, ...]], int] = {}
    seen: dict[int, tuple[dict, int]] = {}  # an entry by its identity: the capped list's rows share their equal entries
    out = []
    for row in rows:
        entries = row.get("counted")
        if row.keys() - {"why"} != _KEYS or not isinstance(entries, list):
            return rows
        indexes = []
        for entry in entries:
            known = seen.get(id(entry))
            if known is None:
                if not isinstance(entry, dict) or entry.keys() != {"campaign", "departments"}:
                    return rows
                names = tuple(departments.setdefault(name, len(departments)) for name in entry["departments"])
                known = seen[id(entry)] = (entry, counted.setdefault((entry["campaign"], names), len(counted)))
            indexes.append(known[1])
        if row["campaigns"] != [entry["campaign"] for entry in entries]:
            return rows
        reason = why.setdefault(row["why"], len(why)) if "why" in row else -1
        out.append([row["code"], row["name"], reason, indexes])
    return {
        "format": FORMAT,
        "why": list(why),
        "departments": list(departments),
        "counted": [[code, list(names)] for code, names in counted],
        "rows": out,
    }


def unpacked(stored: Any) -> list[dict] | None:
    """The capped list as :func:`packed` stored it (a list stored as it was: itself)."""
    if not isinstance(stored, dict) or stored.get("format") != FORMAT:
        return stored
    why, departments = stored["why"], stored["departments"]
    # each campaign with its departments made once, the rows naming it sharing it (a list to read, not to change)
    counted = [{"campaign": code, "departments": [departments[i] for i in names]} for code, names in stored["counted"]]
    rows = []
    for code, name, reason, indexes in stored["rows"]:
        entries = [counted[i] for i in indexes]
        row: dict[str, Any] = {
            "code": code,
            "name": name,
            "campaigns": [entry["campaign"] for entry in entries],
            "counted": entries,
        }
        if reason >= 0:
            row["why"] = why[reason]
        rows.append(row)
    return rows


def merged(lists: list[dict]) -> dict | list | None:
    """The capped lists of a frame's departments (each packed) as one: each business once, as the first department's
    list gives it, in the order of their codes."""
    if len(lists) == 1:
        return lists[0]
    rows: dict[str, dict] = {}
    for stored in lists:
        for row in unpacked(stored) or []:
            rows.setdefault(row["code"], row)
    return packed([rows[code] for code in sorted(rows)])
