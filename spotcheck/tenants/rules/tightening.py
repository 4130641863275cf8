"""Only stricter (只能从严): a rulebook (实施方案) never loosens the national floor, and a department's
rules (细则) never loosen what the rulebook and the floor set. Each check answers the conflicts, one
per parameter, naming the article that sets the floor — the refusal of a load lists them all.
"""

from __future__ import annotations

from dataclasses import dataclass

from spotcheck.tenants.rules import documents
from spotcheck.tenants.rules.parameters import BY_KEY, PARAMETERS
from spotcheck.tenants.rules.rulebook import Rules


@dataclass(frozen=True)
class ConflictError:
    key: str
    message: str


def _looser(key: str, mine: object, floor: object, citation: str, whose: str) -> ConflictError:
    parameter = BY_KEY[key]
    return ConflictError(
        key,
        f"“{parameter.label}”：{whose}的“{parameter.say(mine)}”比{citation}规定的"
        f"“{parameter.say(floor)}”宽松；{whose}只能从严，不能放宽。",
    )


def rulebook_conflicts(document: documents.Document, national: documents.Document) -> list[ConflictError]:
    """What a rulebook loosens of the national floor."""
    base = Rules(national, None, None)
    found = []
    for parameter in PARAMETERS:
        entry = document.entries.get(parameter.key)
        floor = base.floor[parameter.key][0]
        if entry is None or not entry.is_set or floor is None:
            continue
        if not parameter.kind.at_least_as_strict(entry.value, floor):
            found.append(_looser(parameter.key, entry.value, floor, base.cited[parameter.key].citation, "实施方案"))
    return found


def department_conflicts(
    document: documents.Document, national: documents.Document, rulebook: tuple[int, documents.Document] | None
) -> list[ConflictError]:
    """What a department's rules loosen of the rulebook ``rulebook`` (with the floor), or set that only
    the rulebook may set."""
    base = Rules(national, rulebook, None)
    found = []
    for parameter in PARAMETERS:
        entry = document.entries.get(parameter.key)
        if entry is None or not entry.is_set:
            continue
        if not parameter.department_may_set:
            found.append(ConflictError(parameter.key, f"“{parameter.label}”由实施方案规定，部门细则不能设定。"))
            continue
        floor, cited = base.floor[parameter.key]
        if floor is None:
            continue  # open: a department may set it
        if parameter.kind.stricter == "superset":  # added to the rule's list, never replacing it
            restated = parameter.kind.restated(entry.value, floor)
            if restated:
                found.append(
                    ConflictError(
                        parameter.key,
                        f"“{parameter.label}”：{'、'.join(restated)}已由{cited.citation}"
                        f"规定；细则只能增加其他{parameter.label}。",
                    )
                )
            continue
        if not parameter.kind.at_least_as_strict(entry.value, floor):
            found.append(_looser(parameter.key, entry.value, floor, cited.citation, "部门细则"))
    return found
