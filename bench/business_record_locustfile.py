"""locust users for :mod:`bench.business_record`: as :mod:`bench.city_locustfile` (one user class a page, a pause of
``BENCH_CITY_PAUSE_MIN`` to ``BENCH_CITY_PAUSE_MAX`` seconds between two requests, ``BENCH_CITY_REQUESTS`` requests
each in the timed pass, the figures written to ``BENCH_CITY_RESULT``), but a role with ``"bearer": true`` signs in by
no form: each of its users takes the next of the spec's ``tokens`` (a business's 访问令牌, ``scb_…``) and sends it as
``Authorization: Bearer`` with every request — so fifty users are fifty businesses, each reading its own page."""

import itertools
import json
import os
from collections.abc import Iterator
from pathlib import Path

import gevent  # type: ignore[import-untyped]  # gevent ships no types (types-gevent is not installed)
from locust import FastHttpUser, between, events, task
from locust.env import Environment
from locust.exception import StopUser
from locust.runners import STATE_RUNNING

SPEC = json.loads(Path(os.environ["BENCH_CITY_PAGES"]).read_text(encoding="utf-8"))
REQUESTS = int(os.environ.get("BENCH_CITY_REQUESTS", "0"))
#: The businesses' tokens, one a user, in turn (a user started after the last takes the first again).
TOKENS: Iterator[str] = itertools.cycle(SPEC.get("tokens") or [""])


class PageUser(FastHttpUser):
    abstract = True
    wait_time = between(
        float(os.environ.get("BENCH_CITY_PAUSE_MIN", "1.0")), float(os.environ.get("BENCH_CITY_PAUSE_MAX", "2.0"))
    )
    bearer = False
    label = ""
    paths: tuple[str, ...] = ()

    def on_start(self) -> None:
        self.turn: Iterator[str] = itertools.cycle(self.paths)
        self.asked = 0
        self.headers = {"Authorization": f"Bearer {next(TOKENS)}"} if self.bearer else {}

    @task
    def open_page(self) -> None:
        if REQUESTS and self.asked >= REQUESTS:
            raise StopUser()
        self.asked += 1
        with self.client.get(next(self.turn), name=self.label, headers=self.headers, catch_response=True) as answer:
            if answer.status_code != 200:
                answer.failure(f"status {answer.status_code}")


@events.quitting.add_listener
def _write_figures(environment: Environment, **_kwargs: object) -> None:
    if not os.environ.get("BENCH_CITY_RESULT"):
        return
    runner = environment.runner
    assert runner is not None  # the run has ended: its runner is there
    figures = {
        name: {
            "p50_ms": entry.get_response_time_percentile(0.5),
            "p95_ms": entry.get_response_time_percentile(0.95),
            "p99_ms": entry.get_response_time_percentile(0.99),
            "max_ms": entry.max_response_time,
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            "per_second": round(entry.total_rps, 2),
        }
        for (name, _method), entry in runner.stats.entries.items()
    }
    with Path(os.environ["BENCH_CITY_RESULT"]).open("w", encoding="utf-8") as out:
        json.dump(figures, out, ensure_ascii=False)


@events.test_start.add_listener
def _quit_when_every_user_has_asked(environment: Environment, **_kwargs: object) -> None:
    if not REQUESTS:
        return

    def watch() -> None:
        runner = environment.runner
        assert runner is not None  # a test has started: its runner is there
        while runner.state != STATE_RUNNING:
            gevent.sleep(0.1)
        while runner.user_count:
            gevent.sleep(0.1)
        runner.quit()

    gevent.spawn(watch)


for _n, (_role, _spec) in enumerate(SPEC["roles"].items()):
    for _m, (_label, _path) in enumerate(_spec["pages"]):
        _name = f"User_{_n}_{_m}"
        globals()[_name] = type(
            _name, (PageUser,), {"bearer": bool(_spec.get("bearer")), "label": _label, "paths": (_path,)}
        )
