"""A frame's capped list stored compactly (campaigns.capped_store): read back row by row as it was listed."""

from __future__ import annotations

from spotcheck.tenants.campaigns import capped_store

WHY = "已达每户企业每年涉企行政检查次数上限：3次（《实施方案》第5条；上城区）"
CITY, COUNTY = "杭州市应急管理局（杭州市，市级）", "上城区应急管理局（上城区，县级）"


def _row(code: str, counted: list[tuple[str, list[str]]], why: str | None = WHY) -> dict:
    row = {
        "code": code,
        "name": f"企业{code}",
        "campaigns": [campaign for campaign, _ in counted],
        "counted": [{"campaign": campaign, "departments": departments} for campaign, departments in counted],
    }
    return row | ({"why": why} if why is not None else {})


def test_a_capped_list_comes_back_as_it_was_listed_each_text_stored_once():
    rows = [
        _row(
            "91330102A",
            [("应急抽〔2026〕1号", [COUNTY]), ("应急抽〔2026〕1号", [CITY]), ("联〔2026〕2号", [CITY, COUNTY])],
        ),
        _row("91330102B", [("应急抽〔2026〕1号", [COUNTY])]),
        _row("91330102C", [], why=None),  # without a campaign: no reason
    ]
    stored = capped_store.packed(rows)
    assert isinstance(stored, dict) and stored["format"] == capped_store.FORMAT
    assert stored["why"] == [WHY] and sorted(stored["departments"]) == sorted([CITY, COUNTY])
    assert len(stored["counted"]) == 3  # 应急抽〔2026〕1号 of the county's, of the city's, and the joint one
    assert capped_store.unpacked(stored) == rows
    assert capped_store.packed(stored) is stored  # packed already: as it is


def test_a_list_stored_before_and_a_list_of_another_shape_are_kept_as_they_are():
    before = [{"code": "91330102A", "name": "企业", "campaigns": ["应急抽〔2026〕1号"]}]  # before 78: no counted
    assert capped_store.packed(before) is before and capped_store.unpacked(before) is before
    odd = [_row("91330102A", [("应急抽〔2026〕1号", [COUNTY])]) | {"campaigns": ["另一个"]}]
    assert capped_store.packed(odd) is odd
    assert capped_store.packed([]) == [] and capped_store.unpacked(None) is None


def test_the_lists_of_a_joint_frames_departments_merge_each_business_once_by_code():
    first = capped_store.packed([_row("B", [("联〔2026〕2号", [CITY])]), _row("D", [("联〔2026〕2号", [CITY])])])
    second = capped_store.packed([_row("A", [("联〔2026〕2号", [COUNTY])]), _row("B", [("联〔2026〕2号", [COUNTY])])])
    assert isinstance(first, dict) and isinstance(second, dict)
    merged = capped_store.unpacked(capped_store.merged([first, second]))
    assert merged is not None and [row["code"] for row in merged] == ["A", "B", "D"]
    assert merged[1]["counted"] == [{"campaign": "联〔2026〕2号", "departments": [CITY]}]  # the first department's
    assert capped_store.merged([first]) is first
