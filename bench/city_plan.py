"""The city of :mod:`bench.city_year` at the run's scale (``BENCH_CITY_SCALE``): its departments and
their campaigns in the order the year runs them, the joint campaign's shape, and the set-up of the
registry, the departments, their directories and inspectors (:mod:`bench.city_world`)."""

from __future__ import annotations

import math
import os

from bench import city_world as world
from bench.city_world import CampaignSpec, Department
from bench.common import Figures, Timer, log

SCALE = float(os.environ.get("BENCH_CITY_SCALE", "1.0"))
DEPARTMENTS = max(2, round(40 * SCALE))
ENTITIES = max(20_000, round(1_000_000 * SCALE))
CAMPAIGNS = max(2, round(60 * SCALE))
SMALLEST = max(10, round(200 * SCALE))
LARGEST = max(SMALLEST, round(3000 * SCALE))
JOINT_DEPARTMENTS = max(2, min(5, DEPARTMENTS))
JOINT_VISITS = max(20, round(2000 * SCALE))
BASELINE_VISITS = 20

#: The departments beyond the demo's three (市场监管局, 应急管理局, 商务局), in turn.
NAMES = (
    "卫生健康委员会",
    "生态环境局",
    "交通运输局",
    "文化广电旅游局",
    "住房和城乡建设局",
    "农业农村局",
    "教育局",
    "人力资源和社会保障局",
    "自然资源和规划局",
    "水利局",
    "林业局",
    "城市管理局",
    "民政局",
    "体育局",
    "粮食和物资储备局",
    "烟草专卖局",
    "气象局",
    "档案局",
    "国防动员办公室",
    "消防救援支队",
    "公安局",
    "财政局",
    "统计局",
    "审计局",
    "医疗保障局",
    "退役军人事务局",
    "机关事务管理局",
    "数据资源管理局",
    "港航管理局",
    "人民防空办公室",
    "邮政管理局",
    "地方金融监督管理局",
    "园林文物局",
    "民族宗教事务局",
    "新闻出版局",
    "知识产权局",
    "畜牧兽医局",
)


# --- the city's plan for the year ----------------------------------------------------------------


def campaign_sizes() -> list[int]:
    """``CAMPAIGNS`` sizes from ``SMALLEST`` to ``LARGEST``, spread geometrically (most campaigns
    small, a few large), smallest first."""
    if CAMPAIGNS == 1:
        return [LARGEST]
    step = (LARGEST / SMALLEST) ** (1 / (CAMPAIGNS - 1))
    return [round(SMALLEST * step**n) for n in range(CAMPAIGNS)]


def plan_city() -> tuple[list[Department], list[CampaignSpec], Figures]:
    """The departments, the campaigns in the order the year runs them (the baseline first, the
    largest last among the single ones) and the joint campaign's shape."""
    codes = [("SCJ", "市场监督管理局"), ("YJJ", "应急管理局"), ("SWJ", "商务局")]
    codes += [
        (f"D{n + 4:02d}", NAMES[n] if n < len(NAMES) else f"第{n + 4}行政执法局")
        for n in range(max(0, DEPARTMENTS - 3))
    ]
    departments = [Department(index=n, code=code, name=name) for n, (code, name) in enumerate(codes[:DEPARTMENTS])]
    baseline = CampaignSpec(
        0,
        "SCJ",
        BASELINE_VISITS,
        world.window(0),
        "基准抽查对象",
        label=f"baseline campaign (SCJ, {BASELINE_VISITS} visits)",
    )
    specs = [baseline]
    sizes = campaign_sizes()
    for rank, visits in enumerate(sorted(sizes, reverse=True)):  # the largest to 市场监管局, then in turn
        department = departments[rank % len(departments)]
        number = len(sizes) - rank
        specs.append(CampaignSpec(number, department.code, visits, world.window(number), f"抽查对象{number:02d}类"))
    specs = [baseline, *sorted(specs[1:], key=lambda s: (s.visits, s.number))]
    by_code = {d.code: d for d in departments}
    for spec in specs:
        by_code[spec.department].campaigns.append(spec)
    joint_parts = departments[:JOINT_DEPARTMENTS]
    per_department = math.ceil(JOINT_VISITS / len(joint_parts))
    for department in joint_parts:
        department.joint, department.joint_visits = True, per_department
    joint = {
        "departments": [d.code for d in joint_parts],
        "visits": per_department * len(joint_parts),
        "frame": world.frame_for(per_department),
        "window": world.window(5),
    }
    return departments, specs, joint


# --- the set-up -------------------------------------------------------------------------------------


def build_city(url: str, departments: list[Department], joint: Figures) -> Figures:
    """The registry, the departments (through the commands), their directories and inspectors; the
    plans are the year's first step (:func:`bench.city_steps.plans_of_the_year`)."""
    timings = {}
    log(f"registry: {ENTITIES:,} entities by COPY")
    registry = world.load_registry(url, ENTITIES)
    timings["registry"] = registry["seconds"]
    with Timer() as opened:
        world.open_departments(departments)
    timings["departments"] = opened.seconds
    world.place_directories(departments, ENTITIES, joint["frame"])
    log(f"directories of {len(departments)} departments (INSERT … SELECT)")
    directories = world.load_directories(url, departments, ENTITIES, registry["first_id"], joint["frame"])
    timings["directories"] = directories["seconds"] + directories["vacuum_seconds"]
    with Timer() as staffed:
        number = 0
        for department in departments:
            number += world.inspectors_with_accounts(department, number)
    timings["inspectors"] = staffed.seconds
    log(f"{number:,} inspectors with their accounts in {staffed.seconds:.0f} s")
    return {"entries": directories["entries"], "inspectors": number, "parts": timings}
