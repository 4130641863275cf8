"""The words of the business's record (企业检查档案): its parts and the cap ledger's line."""

from __future__ import annotations

import enum


class Part(enum.StrEnum):
    """Where a check stands on the record."""

    coming = "coming"  # 检查预告: not yet arrived, shown from the window's first day or the rules' notice before it
    under_way = "under_way"  # 检查中: the team recorded its arrival (入企), the result not yet published
    past = "past"  # 已公示: the result as published


PART_NAMES = {Part.coming: "检查预告", Part.under_way: "检查中", Part.past: "检查结果"}


def ledger_line(counted: int, cap: int | None, citation: str) -> str:
    """``本年度已计入 N 次，上限 M 次（依据…）`` (``未设上限`` where the business's region's rules set none)."""
    if cap is None:
        return f"本年度已计入 {counted} 次，未设上限"
    return f"本年度已计入 {counted} 次，上限 {cap} 次" + (f"（依据{citation}）" if citation else "")
