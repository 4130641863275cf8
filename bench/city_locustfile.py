"""locust users for :mod:`bench.city_year`: for each page of each role of the city (科员、领导、检查人员、
司法局、公众…) one user, signed in once as that role, asking for that page again and again with a
pause between two requests (a person reading it: ``BENCH_CITY_PAUSE_MIN`` to ``BENCH_CITY_PAUSE_MAX``
seconds, default 1–2), never a form — so every page is asked for as often, whatever its role's other
pages. The roles, logins and pages come from ``BENCH_CITY_PAGES`` (JSON: ``{"password": …, "roles":
{role: {"login": …, "pages": [[label, path]…]}}}``; no login: the public; several paths under one
label are taken in turn, such as the searches of the public).

With ``BENCH_CITY_REQUESTS`` (the timed pass), each user stops after asking for its page that many
times, and the run ends once every user has stopped: every page's p95 is taken from as many requests,
so one slow request cannot decide it; without it (the warm-up), the run lasts its ``-t``. At the end,
each page's figures (p50 and p95 in ms, requests, failures) are written as JSON to ``BENCH_CITY_RESULT``."""

import itertools
import json
import os
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import gevent  # type: ignore[import-untyped]  # gevent ships no types (types-gevent is not installed)
from locust import FastHttpUser, between, events, task
from locust.env import Environment
from locust.exception import StopUser
from locust.runners import STATE_RUNNING

SPEC = json.loads(Path(os.environ["BENCH_CITY_PAGES"]).read_text(encoding="utf-8"))
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
#: Requests of each user's page in the timed pass (0: as many as the run's time allows).
REQUESTS = int(os.environ.get("BENCH_CITY_REQUESTS", "0"))


class PageUser(FastHttpUser):
    abstract = True
    wait_time = between(
        float(os.environ.get("BENCH_CITY_PAUSE_MIN", "1.0")), float(os.environ.get("BENCH_CITY_PAUSE_MAX", "2.0"))
    )
    login: str | None = None
    label = ""
    paths: tuple[str, ...] = ()

    def on_start(self) -> None:
        self.turn: Iterator[str] = itertools.cycle(self.paths)
        self.asked = 0
        if self.login:
            page = self.client.get("/login", name="login page")
            found = CSRF.search(page.text or "")
            assert found is not None, "the sign-in form carries its CSRF token"
            token = found.group(1)
            self.client.post(
                "/login", data={"login": self.login, "password": SPEC["password"], "csrf_token": token}, name="sign in"
            )

    @task
    def open_page(self) -> None:
        if REQUESTS and self.asked >= REQUESTS:
            raise StopUser()
        self.asked += 1
        self.client.get(next(self.turn), name=self.label)


@events.quitting.add_listener
def _write_figures(environment: Environment, **_kwargs: object) -> None:
    """Each page's p50/p95 (ms), requests and failures, from the run's own statistics, once it has ended."""
    if not os.environ.get("BENCH_CITY_RESULT"):
        return
    runner = environment.runner
    assert runner is not None  # the run has ended: its runner is there
    figures = {
        name: {
            "p50_ms": entry.get_response_time_percentile(0.5),
            "p95_ms": entry.get_response_time_percentile(0.95),
            "requests": entry.num_requests,
            "failures": entry.num_failures,
        }
        for (name, _method), entry in runner.stats.entries.items()
        if name not in ("login page", "sign in")
    }
    with Path(os.environ["BENCH_CITY_RESULT"]).open("w", encoding="utf-8") as out:
        json.dump(figures, out, ensure_ascii=False)


@events.test_start.add_listener
def _quit_when_every_user_has_asked(environment: Environment, **_kwargs: object) -> None:
    """With :data:`REQUESTS`, end the run once its users have all stopped (locust would wait for ``-t``)."""
    if not REQUESTS:
        return

    def watch() -> None:
        runner = environment.runner
        assert runner is not None  # a test has started: its runner is there
        while runner.state != STATE_RUNNING:  # the users are still being started
            gevent.sleep(0.1)
        while runner.user_count:
            gevent.sleep(0.1)
        runner.quit()

    gevent.spawn(watch)


def pages_of(role: Mapping[str, Any]) -> dict[str, list[str]]:
    """The role's pages by label (a label may stand for several paths)."""
    found: dict[str, list[str]] = {}
    for label, path in role["pages"]:
        found.setdefault(label, []).append(path)
    return found


for _role, _spec in SPEC["roles"].items():
    for _n, (_label, _paths) in enumerate(pages_of(_spec).items()):
        _name = f"User_{_role}_{_n}"
        globals()[_name] = type(
            _name, (PageUser,), {"login": _spec.get("login"), "label": _label, "paths": tuple(_paths)}
        )
