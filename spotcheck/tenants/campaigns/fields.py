"""A campaign's fields (抽查任务字段), listed once: their names, kinds and meanings.

The API's request schema is generated from this list, the form and the update command read a
saved campaign through :func:`values_of` (the shape the cleaning function takes), and
:func:`spotcheck.tenants.campaigns.services.clean_campaign` is the one place that checks them.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from spotcheck.tenants.common.vocabulary import reference

TEXT, INT, INT_LIST, DATE, MAPPING, CODE = "text", "int", "int_list", "date", "mapping", "code"


@dataclass(frozen=True)
class Field:
    """``limits``: what the cleaning function accepts, as OpenAPI states it (minimum, maxLength…)."""

    name: str
    kind: str
    description: str
    nullable: bool = False
    limits: dict = field(default_factory=dict)


def _codes(table: dict) -> str:
    return "; ".join(f"{code} = {name}" for code, name in table.items())


def fields() -> tuple[Field, ...]:
    from spotcheck.tenants.campaigns.services import EXEMPT_KINDS

    return (
        Field("title", TEXT, "The campaign's title", limits={"minLength": 1, "maxLength": 200}),
        Field("year", INT, "The year of the annual plan it belongs to", limits={"minimum": 2000, "maximum": 2100}),
        Field("item_ids", INT_LIST, "Published items of my item list", limits={"minItems": 1}),
        Field("exempt_kind", CODE, "Outside the annual plan (seed 001), with a stated reason: " + _codes(EXEMPT_KINDS),
              nullable=True, limits={"enum": [*EXEMPT_KINDS, None]}),
        Field("exempt_reason", TEXT, "Why the check is made outside the annual plan"),
        Field("target_filter", MAPPING,
              "Which directory entries are candidates: {categories: [...], industries: [GB/T 4754 prefixes], regions: "
              "[GB/T 2260 prefixes], entity_types: [...], flags: [abnormal, blacklisted, penalized, complaints]}"),
        Field("strata", MAPPING,
              "Sampling per stratum A, B, C, D (required) and flagged (optional): {\"count\": n} or "
              "{\"ratio_bp\": r, \"min\": m} (r in basis points)"),
        Field("reserve_size", INT, "Reserves drawn per stratum, 0–50", limits={"minimum": 0, "maximum": 50}),
        Field("team_size", INT, "Inspectors per team, 2–10", limits={"minimum": 2, "maximum": 10}),
        Field("capacity", INT, "Most visits per inspector, or null", nullable=True, limits={"minimum": 1}),
        Field("window_start", DATE, "First day of the inspections, YYYY-MM-DD", limits={"format": "date"}),
        Field("window_end", DATE, "Last day of the inspections, YYYY-MM-DD", limits={"format": "date"}),
        Field("method", CODE, "检查方式: " + _codes(reference.CHECK_METHODS),
              limits={"enum": [*reference.CHECK_METHODS, *reference.CHECK_METHODS.values()]}),
    )


def values_of(campaign) -> dict:
    """A saved campaign's fields, as the cleaning function takes them."""
    values = {field.name: getattr(campaign, field.name) for field in fields() if field.name != "item_ids"}
    values["item_ids"] = [item.id for item in campaign.items]
    return values
