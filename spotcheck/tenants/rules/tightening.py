"""Only stricter (只能从严): a rulebook (实施方案) never loosens the national floor nor, in what passes down the
levels, the rulebooks above its level; a department's rules (细则) never loosen what the rulebooks of its levels
and the floor set. Each check answers the conflicts, one
per parameter, naming the article that sets the floor — the refusal of a load lists them all.
"""

from __future__ import annotations

from collections.abc import Sequence
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


def rulebook_conflicts(
    document: documents.Document,
    national: documents.Document,
    above: Sequence[tuple[int, documents.Document]] = (),
) -> list[ConflictError]:
    """What a rulebook loosens of the national floor and of the rulebooks ``above`` its level (from the root
    down): a parameter inherited and only tightened against all of them, one local to a level against the floor
    alone (a level sets its own duties, tables and filing authorities)."""
    floor_only = Rules(national, None, None)
    base = Rules(national, list(above), None) if above else floor_only
    found = []
    for parameter in PARAMETERS:
        rules = base if parameter.passes == "tightened" else floor_only
        entry = document.entries.get(parameter.key)
        floor = rules.floor[parameter.key][0]
        if entry is None or not entry.is_set or floor is None:
            continue
        if not parameter.kind.at_least_as_strict(entry.value, floor):
            found.append(_looser(parameter.key, entry.value, floor, rules.cited[parameter.key].citation, "实施方案"))
    return found


def department_conflicts(
    document: documents.Document,
    national: documents.Document,
    rulebooks: Sequence[tuple[int, documents.Document]] | None,
    own_level: bool = True,
) -> list[ConflictError]:
    """What a department's rules loosen of the rulebooks of its levels ``rulebooks`` (from the root down, with the
    floor), or set that only a rulebook may set; ``own_level`` false: the department's level has no rulebook of its
    own and applies the nearest one's (its duties of that level alone are not the department's)."""
    base = Rules(national, list(rulebooks or ()), None, own_level=own_level)
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
