"""locust users for :mod:`bench.city_year`: for each page of each role of the city (科员、领导、检查人员、
司法局、公众…) one user, signed in once as that role, asking for that page again and again with a
pause between two requests (a person reading it: ``BENCH_CITY_PAUSE_MIN`` to ``BENCH_CITY_PAUSE_MAX``
seconds, default 1–2), never a form — so every page is asked for as often, whatever its role's other
pages. The roles, logins and pages come from ``BENCH_CITY_PAGES`` (JSON: ``{"password": …, "roles":
{role: {"login": …, "pages": [[label, path]…]}}}``; no login: the public; several paths under one
label are taken in turn, such as the searches of the public)."""
import itertools
import json
import os
import re

from locust import FastHttpUser, between, task

SPEC = json.loads(open(os.environ["BENCH_CITY_PAGES"], encoding="utf-8").read())
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class PageUser(FastHttpUser):
    abstract = True
    wait_time = between(float(os.environ.get("BENCH_CITY_PAUSE_MIN", "1.0")),
                        float(os.environ.get("BENCH_CITY_PAUSE_MAX", "2.0")))
    login, label, paths = None, "", ()

    def on_start(self):
        self.turn = itertools.cycle(self.paths)
        if self.login:
            page = self.client.get("/login", name="login page")
            token = CSRF.search(page.text).group(1)
            self.client.post("/login", data={"login": self.login, "password": SPEC["password"], "csrf_token": token},
                             name="sign in")

    @task
    def open_page(self):
        self.client.get(next(self.turn), name=self.label)


def pages_of(role: dict) -> dict[str, list[str]]:
    """The role's pages by label (a label may stand for several paths)."""
    found: dict[str, list[str]] = {}
    for label, path in role["pages"]:
        found.setdefault(label, []).append(path)
    return found


for _role, _spec in SPEC["roles"].items():
    for _n, (_label, _paths) in enumerate(pages_of(_spec).items()):
        _name = f"User_{_role}_{_n}"
        globals()[_name] = type(_name, (PageUser,), {"login": _spec.get("login"), "label": _label,
                                                     "paths": tuple(_paths)})
