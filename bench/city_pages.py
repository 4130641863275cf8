"""The pages of :mod:`bench.city_year`: each role's pages at a campaign's size, asked for by locust
(headless) through gunicorn, and those over budget traced once in-process."""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import sqlalchemy as sa
from flask import Flask

from bench import city_services as services
from bench.city_measure import Year
from bench.city_report import PAGE_BUDGET_MS
from bench.city_world import PASSWORD, YEAR, Department
from bench.common import Figures, log, web_workers
from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.accounts.models import User
from spotcheck.tenants.campaigns.models import TeamMember
from spotcheck.tenants.directory.models import Entity
from spotcheck.tenants.inspectors.models import Inspector
from spotcheck.tenants.results.models import PublishedResult

#: The pages: requests of each page by each of its users in the timed pass (its p95 is taken from them, so
#: one slow request cannot decide it), seconds of the warm-up before it, and users per page.
PAGE_REQUESTS = int(os.environ.get("BENCH_CITY_PAGE_REQUESTS", "100"))
PAGE_WARMUP = int(os.environ.get("BENCH_CITY_PAGE_WARMUP", "5"))
#: The pause of a user between two requests (a person reading the page).
PAUSE = (float(os.environ.get("BENCH_CITY_PAUSE_MIN", "1.0")), float(os.environ.get("BENCH_CITY_PAUSE_MAX", "2.0")))
USERS_PER_PAGE = int(os.environ.get("BENCH_CITY_USERS_PER_PAGE", "1"))
TRACES = int(os.environ.get("BENCH_CITY_TRACES", "1000"))
WEB_WORKERS = int(os.environ.get("BENCH_CITY_WEB_WORKERS", "0")) or web_workers()


def _last_page(count: int) -> int:
    return max(1, math.ceil(count / 50))  # spotcheck.tenants.results.queries.listing.PER_PAGE


def busiest_inspector(campaign_id: int) -> str:
    """The login of the inspector on most visits of the campaign (their 我的检查 is the longest)."""
    return db.session.execute(
        sa.select(User.login)
        .join(Inspector, Inspector.user_id == User.id)
        .join(TeamMember, TeamMember.inspector_id == Inspector.id)
        .where(TeamMember.campaign_id == campaign_id, TeamMember.active.is_(True))
        .group_by(User.login)
        .order_by(sa.func.count().desc(), User.login)
        .limit(1)
    ).scalar_one()


def public_searches() -> list[str]:
    """What citizens type: fragments, a name and a code prefix of published entities (or of the
    registry, before anything is published)."""
    rows = db.session.execute(
        sa.select(Entity.name, Entity.code)
        .join(PublishedResult, PublishedResult.entity_id == Entity.id)
        .order_by(PublishedResult.id.desc())
        .limit(3)
    ).all()
    if not rows:
        rows = db.session.execute(sa.select(Entity.name, Entity.code).order_by(Entity.id).limit(3)).all()
    searches = ["餐饮管理", "有限公司"]
    for name, code in rows:
        searches += [name[2:6], name, code[:12]]
    return searches


def role_pages(
    department: Department, campaign_id: int, visits: int, inspector: str, extra: Figures | None = None
) -> Figures:
    """Each role's pages at the campaign's size (the same labels in every pass)."""
    last = _last_page(visits)
    roles = {
        "planner": {
            "login": department.login("planner"),
            "pages": [
                ["planner: home", "/"],
                ["planner: campaign page", f"/campaigns/{campaign_id}"],
                ["planner: visits of the campaign", f"/visits/campaign/{campaign_id}"],
                ["planner: visits of the campaign, last page", f"/visits/campaign/{campaign_id}?page={last}"],
            ],
        },
        "leader": {
            "login": department.login("leader"),
            "pages": [
                ["leader: home", "/"],
                ["leader: review list", "/visits/review"],
                ["leader: review list, no problem found", "/visits/review?category=no_problem"],
                ["leader: review list, last page", f"/visits/review?page={last}"],
            ],
        },
        "inspector": {
            "login": inspector,
            "pages": [["inspector: home", "/"], ["inspector: my visits", "/visits/mine"]],
        },
        "supervisor": {
            "login": "sfj_supervisor",
            "pages": [["supervisor: home", "/"], ["supervisor: dashboard", f"/supervision?period={YEAR}"]],
        },
        "public": {
            "login": None,
            "pages": [["public: results search", f"/public/results?q={quote(q)}"] for q in public_searches()]
            + [["public: newest results", "/public/results"]],
        },
    }
    roles.update(extra or {})
    return {"password": PASSWORD, "roles": roles}


def paths_of_labels(spec: Figures) -> dict[str, list[tuple[str | None, str]]]:
    """Each page label's paths with the login that asks for them: a label may rotate through several
    (the public search asks a fragment, a name and a code prefix under one label)."""
    paths: dict[str, list[tuple[str | None, str]]] = {}
    for role in spec["roles"].values():
        for page_label, path in role["pages"]:
            paths.setdefault(page_label, []).append((role["login"], path))
    return paths


def traced(app: Flask, paths: list[tuple[str | None, str]]) -> Figures:
    """Every path of an over-budget label traced once in-process: ``traces`` holds each (with its path),
    ``trace`` the slowest, so the report names the request that costs most rather than the last one."""
    traces = [{"path": path, **services.trace_page(app, login, PASSWORD, path)} for login, path in paths]
    return {"traces": traces, "trace": max(traces, key=lambda trace: trace["seconds"])}


class Pages:
    """The passes of the pages: gunicorn started once, locust run at each chosen moment."""

    def __init__(self, year: Year, server: services.WebServer, folder: Path) -> None:
        self.year, self.server, self.folder = year, server, folder

    def measure(self, label: str, spec: Figures, size: int) -> None:
        """One pass: the jobs still running finished first (the worker idle), then locust; pages
        over budget traced once in-process."""
        self.year.collect()
        db.session.remove()
        load = os.getloadavg()[0]
        log(f"pages at {label} ({size:,} visits): {PAGE_WARMUP} s warm-up, {PAGE_REQUESTS} requests of each page timed")
        pages = services.locust(
            self.server.base,
            spec,
            self.folder,
            label,
            users_per_page=USERS_PER_PAGE,
            warmup=PAGE_WARMUP,
            requests=PAGE_REQUESTS,
            pause_max=PAUSE[1],
        )
        paths = paths_of_labels(spec)
        over = sorted(
            (label for label, figures in pages.items() if figures["p95_ms"] > PAGE_BUDGET_MS and label in paths),
            key=lambda label: -pages[label]["p95_ms"],
        )
        for page_label in over[:TRACES]:
            pages[page_label].update(traced(self.year.app, paths[page_label]))
        self.year.pages[label] = {
            "size": size,
            "pages": pages,
            "load_average": [round(load, 2), round(os.getloadavg()[0], 2)],
        }

    def single(self, label: str, department: Department) -> Callable[[int, list[int]], None]:
        def measure(campaign_id: int, visit_ids: list[int]) -> None:
            with tenant_scope(department.tenant_id):
                spec = role_pages(department, campaign_id, len(visit_ids), busiest_inspector(campaign_id))
            self.measure(label, spec, len(visit_ids))

        return measure

    def joint(self, label: str, lead: Department) -> Callable[[int, dict[str, int], dict[str, list[int]]], None]:
        def measure(campaign_id: int, part_ids: dict[str, int], visits: dict[str, list[int]]) -> None:
            part = part_ids[lead.code]
            with tenant_scope(lead.tenant_id):
                spec = role_pages(
                    lead,
                    part,
                    len(visits[lead.code]),
                    busiest_inspector(part),
                    extra={
                        "coordinator": {
                            "login": "scj_coord",
                            "pages": [
                                ["coordinator: home", "/"],
                                ["coordinator: joint campaign page", f"/joint/{campaign_id}"],
                            ],
                        }
                    },
                )
            self.measure(label, spec, sum(len(v) for v in visits.values()))

        return measure
