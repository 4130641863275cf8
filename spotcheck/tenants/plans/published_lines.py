"""A plan's lines as published (公开的计划内容): what publication and the filing archive keep of each line,
and whether the plan's lines changed since it was last published (a returned plan is filed again only once
changed)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from spotcheck.tenants.plans.models import Plan


def snapshot(plan: Plan) -> list[dict]:
    """The plan's lines as they are now: what publication and the filing archive keep — the frequency
    as its two values and as the plan says it (``frequency``: 每年1次, empty when left to the item's)."""
    return [
        {
            "item_id": line.item_id,
            "code": line.item.code,
            "name": line.item.name,
            "sub_item": line.item.sub_item,
            "field": line.item.field,
            "ratio_bp": line.ratio_bp,
            "frequency_times": line.frequency_times,
            "frequency_period": line.frequency_period,
            "frequency": line.frequency_text,
            "months": list(line.months or ()),
            "methods": list(line.methods or ()),
        }
        for line in plan.lines
    ]


def _content(lines: Iterable[Mapping[str, Any]] | None) -> list[tuple]:
    return sorted(
        (
            row["item_id"],
            row["ratio_bp"],
            row.get("frequency_times"),
            row.get("frequency_period") or "",
            tuple(row["months"]),
            tuple(row["methods"]),
        )
        for row in lines or ()
    )


def changed_since_published(plan: Plan) -> bool:
    """Whether the plan's lines differ from what was last published (or it was never published)."""
    return plan.published_lines is None or _content(snapshot(plan)) != _content(plan.published_lines)
