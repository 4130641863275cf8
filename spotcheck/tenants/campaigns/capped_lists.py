"""被排除企业名单: the list a frame publishes of the businesses it left out at their yearly cap
(:attr:`~.models.Draw.capped`) — each with the cap reached and the rule that sets it, and each campaign whose checks
count toward it with its departments and their level (:mod:`.inspection_counts` counts them; :mod:`.capped_store`
keeps the list compactly).

A province's frame leaves out a hundred thousand businesses with seven register rows each. On PostgreSQL their rows are
gone through in the database, a text a business (:data:`_REGISTER_TEXTS`), and each key of the register read once
(:class:`_Keys`); elsewhere the rows are read and gone through here — the same list."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from itertools import count
from operator import itemgetter

import sqlalchemy as sa

from spotcheck.core.database import db, dialect, local_settings, one_of
from spotcheck.tenants.campaigns import capped_store
from spotcheck.tenants.campaigns.in_force import rules_of
from spotcheck.tenants.campaigns.inspection_counts import (
    Standing,
    counted_as,
    counts_toward_cap,
    day_of,
    kind_of,
    level_labels,
    register_rows,
    rules_of_businesses,
    standing,
    standings_of,
    why_capped,
)
from spotcheck.tenants.campaigns.models import Campaign
from spotcheck.tenants.directory.models import Entity
from spotcheck.tenants.regions.models import Region
from spotcheck.tenants.rules.rulebook import Rules


def capped_list(
    entity_ids: list[int], year: int, campaign: Campaign | None = None, department_id: int | None = None
) -> list[dict]:
    """The businesses left out at their cap (by a frame of ``campaign`` in ``department_id``), in the order of their
    codes: each with the cap reached and the rule that sets it (``why``: its region's yearly cap, or the department's
    own), the public codes of the campaigns counting toward it (one code per campaign: two regions' campaigns may
    share a code, 两个应急管理局 each with 应急抽〔2026〕1号 — both are listed), and each counting campaign with the
    departments whose draws count and their level (``counted``: ``{"campaign", "departments"}``,
    ``上城区应急管理局（上城区，县级）``). Without a campaign: every counting check of the year, no ``why``."""
    if not entity_ids:
        return []
    businesses = db.session.execute(
        sa.select(Entity.id, Entity.code, Entity.name, Entity.region_code).where(one_of(Entity.id, entity_ids))
    ).all()
    return capped_store.unpacked(packed_capped_list(businesses, year, campaign, department_id)) or []


#: A business as the capped list takes it: its id, registry code, name and region code.
Business = tuple[int, str, str, str]


def packed_capped_list(
    businesses: Iterable[Business], year: int, campaign: Campaign | None = None, department_id: int | None = None
) -> dict | None:
    """:func:`capped_list` of ``businesses`` as a frame stores it (:mod:`.capped_store`), made so: a province's frame
    leaves out a hundred thousand businesses, with seven checks each — their register rows are read once (the caps
    reached and the campaigns listed both come from them) and gone through once, each campaign with its departments
    and each rule's wording made once."""
    entities = sorted(businesses, key=lambda business: business[1])  # by code point, as the list is published
    if not entities:
        return None
    if dialect() == "postgresql" and (campaign is None or campaign.year == year):
        return _listed_in_database(entities, year, campaign, department_id)
    entity_ids = [entity_id for entity_id, *_ in entities]
    rows = register_rows(entity_ids, year, counted_as(campaign) if campaign is not None else None, withheld=False)
    standings: dict[int, Standing] = {}
    if campaign is not None:
        causes = dict.fromkeys(entity_ids)
        own_department = department_id or campaign.tenant_id
        if campaign.year == year:  # the rows read are those its caps count
            codes = {entity_id: region_code for entity_id, _, _, region_code in entities}
            standings = standings_of(campaign, causes, own_department, codes, rows)
        else:
            standings = standing(campaign, causes, own_department, withheld=False)
    entries: dict[tuple[str, tuple[int, ...]], int] = {}  # a campaign with its departments, as many rows name it
    why: dict[tuple[bool, bool, int, int | None], int] = {}
    reasons: list[str] = []
    listed = []
    exempts: dict[int, frozenset[str]] = {}  # each region's rules' exempt kinds, by the rules (a set made once)
    for entity_id, code, name, _ in entities:
        at = standings.get(entity_id)
        total = at is not None and at.at_total
        own = at is not None and at.at_own
        exempt: frozenset[str] = frozenset()
        if at is not None and total:
            if id(at.rules) not in exempts:
                exempts[id(at.rules)] = at.rules.cap_exempt_kinds
            exempt = exempts[id(at.rules)]
        counting: list[tuple[str, list[int]]] = []  # (campaign code, departments) by key: the rows come in key order
        last = None
        for key, campaign_code, department, kind, counts in rows.get(entity_id, ()):
            if (
                counts
                if at is None
                else (total and kind is not None and kind not in exempt)
                or (own and counts and department == department_id)
            ):
                if key == last:
                    counting[-1][1].append(department)
                else:
                    counting.append((campaign_code, [department]))
                    last = key
        counting.sort()
        reason = -1
        if at is not None:
            said = (at.at_total, at.at_own, id(at.rules), at.region.id if at.region is not None else None)
            if said not in why:
                why[said] = len(reasons)
                reasons.append(at.why)
            reason = why[said]
        listed.append([code, name, reason, [entries.setdefault((c, tuple(ds)), len(entries)) for c, ds in counting]])
    return _packed(list(entries), reasons, listed)


def _packed(entries: Sequence[tuple[str, Sequence[int]]], reasons: list[str], listed: list) -> dict:
    """The capped list as stored (:mod:`.capped_store`): ``entries`` (each counting campaign's code with its
    departments' ids, numbered as the rows of ``listed`` name them) with their departments named once."""
    departments = {d for _, ds in entries for d in ds}
    names = level_labels(departments)
    labels: dict[str, int] = {}
    counted = [
        [c, [labels.setdefault(label, len(labels)) for label in dict.fromkeys(names.get(d, "") for d in ds)]]
        for c, ds in entries
    ]
    return {
        "format": capped_store.FORMAT,
        "why": reasons,
        "departments": list(labels),
        "counted": counted,
        "rows": listed,
    }


#: Where the texts of :data:`_REGISTER_TEXTS` part a business's keys, a key's rows and a row's fields: control
#: characters, which no text the platform stores holds (:mod:`spotcheck.core.text`: every command and import refuses
#: them), so a campaign code goes in as it is.
KEYS_APART, ROWS_APART, FIELDS_APART = "\x1d", "\x1e", "\x1f"
#: PostgreSQL: the register rows of the year of the businesses ``:ids`` (the campaign's own, ``:key``, left out), by
#: business and key, answered a row a business: its keys, each as one text of its rows (:func:`_key_rows`) — a
#: province's 872,939 rows come back as 127,782 texts, and what each key means for the list is worked out once a key
#: text. Run under :data:`_REGISTER_SETTINGS`.
_REGISTER_TEXTS = sa.text(
    """
WITH k AS (
    SELECT i.entity_id, string_agg(CASE WHEN i.counts THEN 'c' ELSE 'n' END || i.department_id || E'\\x1f'
        || COALESCE('k' || i.kind, '') || E'\\x1f' || i.campaign_code, E'\\x1e') AS rows
    FROM inspection_count i
    WHERE i.year = :year AND i.withheld IS false AND i.entity_id = ANY(string_to_array(:ids, ',')::integer[])
        AND (CAST(:key AS text) IS NULL OR i.counted_as <> :key)
    GROUP BY i.entity_id, i.counted_as
)
SELECT k.entity_id, string_agg(k.rows, E'\\x1d') AS keys FROM k GROUP BY k.entity_id
"""
)


#: A register row as :func:`_key_rows` reads it from its text: department, campaign code, kind, counts.
KeyRow = tuple[int, str, str | None, bool]


#: How :data:`_REGISTER_TEXTS` is planned: its ids folded into the plan (one hashed look-up a row, never a plan made for
#: any text), each row's text made by two parallel workers, handed over at what that really costs (as the frame's
#: statements are, ``frames.FRAME_SETTINGS``): 0.55 s of the leader's time against 1.1 s alone, and on a machine
#: shared with other work the three processes take their share of it where one would wait (2.3–2.8 s against 6–7.8 s,
#: load average 5–7 on two cores).
_REGISTER_SETTINGS = {"parallel_tuple_cost": "0.001", "plan_cache_mode": "force_custom_plan"}


def _key_rows(text: str) -> list[KeyRow]:
    """A key's rows as :data:`_REGISTER_TEXTS` gives them in one text, in department order: each row's ``c``
    (counting toward the department's own cap) or ``n``, its department, ``k`` and its kind (nothing for none: an
    off-site check) and its campaign code, apart by :data:`FIELDS_APART`; the rows apart by :data:`ROWS_APART`."""
    rows = []
    for row in text.split(ROWS_APART):
        department, kind, code = row[1:].split(FIELDS_APART)
        rows.append((int(department), code, kind[1:] if kind else None, row[0] == "c"))
    return sorted(rows)


#: Which caps a business has reached, as :func:`_Keys` lists its keys for it: none, its region's yearly cap, the
#: department's own, both; and without a campaign (every counting check).
NEITHER, TOTAL_ONLY, OWN_ONLY, BOTH, EVERY = range(5)


class _Keys(dict[str, tuple]):
    """Each key text (:func:`_key_rows`) of the businesses under the same exempt kinds, read once: whether it counts
    toward the business's yearly cap (1 or 0) and toward the department's own, and the campaign as the list names it
    (its code, the first department's, and the departments listed; None: not listed) for each of :data:`NEITHER` …
    :data:`EVERY` — the rows :func:`packed_capped_list` lists for a business at those caps."""

    def __init__(self, exempt: frozenset[str], own: int | None, listing: int | None) -> None:
        super().__init__()
        self.exempt, self.own, self.listing = exempt, own, listing

    def __missing__(self, text: str) -> tuple:
        rows = _key_rows(text)
        if len(rows) == 1:  # most keys: one department's campaign, listed in full or not at all
            ((department, code, kind, counts),) = rows
            named = (code, (department,), f"{(department,)}{code}")
            total_, listed_ = kind is not None and kind not in self.exempt, counts and department == self.listing
            found = self[text] = (
                int(total_),
                int(counts and department == self.own),
                None,
                named if total_ else None,
                named if listed_ else None,
                named if total_ or listed_ else None,
                named if counts else None,
            )
            return found
        total = [kind is not None and kind not in self.exempt for _, _, kind, _ in rows]
        listed = [counts and department == self.listing for department, _, _, counts in rows]
        choices = (
            [False] * len(rows),
            total,
            listed,
            [t or o for t, o in zip(total, listed, strict=True)],
            [counts for *_, counts in rows],
        )
        found = self[text] = (
            int(any(total)),
            int(any(counts and department == self.own for department, _, _, counts in rows)),
            *(_named(rows, chosen) for chosen in choices),
        )
        return found


#: A counting campaign as the list names it: its code, its departments listed, and both as one text (what it is
#: numbered by: a text's hash is kept with it, a tuple's is worked out at each look-up).
Named = tuple[str, tuple[int, ...], str]


def _named(rows: list[KeyRow], chosen: list[bool]) -> Named | None:
    """A key's campaign as the list names it: the code of its first department listed, and those listed (None:
    none)."""
    listed = [row for row, taken in zip(rows, chosen, strict=True) if taken]
    if not listed:
        return None
    departments = tuple(department for department, *_ in listed)
    return listed[0][1], departments, f"{departments}{listed[0][1]}"


def _listed_in_database(
    entities: list[Business], year: int, campaign: Campaign | None, department_id: int | None
) -> dict:
    """:func:`packed_capped_list` on PostgreSQL (``entities`` in the order of their codes): the register rows read a
    business a text (:data:`_REGISTER_TEXTS`), what each key means for the list worked out once a key text
    (:class:`_Keys`) and the caps each business reached counted from its keys, as :class:`Standing` counts them; each
    region's rules looked up once a region code — the same list."""
    with local_settings(_REGISTER_SETTINGS):
        found: dict[int, str] = dict(
            db.session.execute(
                _REGISTER_TEXTS,
                {
                    "ids": ",".join(map(str, map(itemgetter(0), entities))),
                    "year": year,
                    "key": counted_as(campaign) if campaign is not None else None,
                },
            ).all()
        )
    total_of, own_of, text_of = itemgetter(0), itemgetter(1), itemgetter(2)
    numbers: defaultdict[str, int] = defaultdict(count().__next__)  # a campaign as many rows name it: its number
    reasons: list[str] = []
    listed = []
    if campaign is None:
        keys = _Keys(frozenset(), None, None)
        for entity_id, code, name, _ in entities:
            texts = found.get(entity_id)
            counted = list(map(keys.__getitem__, texts.split(KEYS_APART))) if texts else []
            listed.append([code, name, -1, _numbered([key[2 + EVERY] for key in counted if key[2 + EVERY]], numbers)])
        return _packed(_in_order(numbers, [keys]), reasons, listed)
    on, own_rules = day_of(campaign), rules_of(campaign)
    own_cap = own_rules.department_inspection_cap if counts_toward_cap(campaign) else None
    kind = kind_of(campaign)
    # each region code's keys, the cap a check of the campaign counts toward there (None: none), its region and rules,
    # and where in `reasons` each cap reached there is worded (by NEITHER … BOTH; -1: not yet — a region's wording
    # made once, the first time a business of it reaches that cap)
    places: dict[str, tuple[_Keys, int | None, Region | None, Rules, list[int]]] = {}
    by_exempt: dict[frozenset[str], _Keys] = {}
    worded: dict[tuple[int, int | None], list[int]] = {}
    for region_code, (region, rules) in rules_of_businesses({business[3] for business in entities}, on).items():
        exempt = rules.cap_exempt_kinds
        if exempt not in by_exempt:
            by_exempt[exempt] = _Keys(exempt, department_id or campaign.tenant_id, department_id)
        cap = rules.inspection_cap if kind is not None and kind not in exempt else None
        wording = worded.setdefault((id(rules), region.id if region else None), [-1] * 4)
        places[region_code] = (by_exempt[exempt], cap, region, rules, wording)
    for entity_id, code, name, region_code in entities:
        keys, cap, region, rules, wording = places[region_code]
        texts = found.get(entity_id)
        counted = list(map(keys.__getitem__, texts.split(KEYS_APART))) if texts else []
        at_total = cap is not None and sum(map(total_of, counted)) >= cap
        at_own = own_cap is not None and sum(map(own_of, counted)) >= own_cap
        reached = at_total + 2 * at_own  # NEITHER, TOTAL_ONLY, OWN_ONLY or BOTH
        if wording[reached] < 0:
            wording[reached] = len(reasons)
            reasons.append(why_capped(at_total, at_own, region, rules, own_rules))
        chosen = 2 + reached
        named = [key[chosen] for key in counted if key[chosen]]
        named.sort()
        listed.append([code, name, wording[reached], list(map(numbers.__getitem__, map(text_of, named)))])
    return _packed(_in_order(numbers, by_exempt.values()), reasons, listed)


def _numbered(named: list[Named], numbers: defaultdict[str, int]) -> list[int]:
    """A business's counting campaigns in the order of their codes and departments, as their numbers in the list
    (``numbers``: a new campaign takes the next)."""
    named.sort()
    return list(map(numbers.__getitem__, map(itemgetter(2), named)))


def _in_order(numbers: dict[str, int], keys: Iterable[_Keys]) -> list[tuple[str, tuple[int, ...]]]:
    """The counting campaigns numbered (``numbers``, by their texts), in the order of their numbers: (code,
    departments) each."""
    named = {entry[2]: entry[:2] for known in keys for key in known.values() for entry in key[2:] if entry}
    return [named[text] for text in numbers]
