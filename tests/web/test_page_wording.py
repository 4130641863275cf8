"""No page speaks code (页面用语): every page each role of the demo city opens, in the Chinese locale,
shows names, never an identifier (``freeze_targets``) or a sentence left in English.

One account of every role walks every GET page route (one URL a route, its arguments taken from the
demo's own rows) and the links its pages show, on the demo city as ``spotcheck demo`` loads it;
the visible text of each page (its elements' text, placeholders, tooltips and buttons) is read.
A login name (``scj_planner``) is data the reader types, not code: it is allowed.
"""

from __future__ import annotations

import re
from collections import Counter, deque

import pytest
import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.core.scoping import system_access
from spotcheck.tenants.accounts.models import User
from spotcheck.tenants.supervision.vocabulary import BURDEN_FIGURES, EVALUATION_FIGURES, FIGURES
from tests.support.demo_world import demo_city, reported_unpublished
from tests.support.helpers import signed_in, tenant_id
from tests.support.page_text import programmer_words, visible_text
from tests.support.route_urls import (  # WALKERS: one account of each role, and a citizen
    FOLLOWED_PER_RULE,
    WALKERS,
    crawlable,
    ids_by_table,
    links,
    route_urls,
    rule_of,
)


def _logins(app) -> set[str]:
    with app.app_context(), system_access("test: the demo's logins"):
        return set(db.session.scalars(sa.select(User.login)))


def _walk(app, client, seeds) -> tuple[dict[str, list[str]], list[str], int]:
    """GET the seeds and the links their pages show: the words found, by page; the 5xx answers;
    how many pages were read."""
    adapter = app.url_map.bind("localhost")
    queue, seen, followed = deque(seeds), set(), Counter()
    found, errors, pages = {}, [], 0
    while queue:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code >= 500:
            errors.append(f"GET {url} → {response.status_code}")
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        pages += 1
        words = programmer_words(visible_text(response.get_data(as_text=True)))
        if words:
            found[url] = words
        for link in links(response):
            if link in seen or link.startswith("/api/") or not crawlable(adapter, link, False):
                continue
            rule = rule_of(adapter, link)
            if followed[rule] < FOLLOWED_PER_RULE:
                followed[rule] += 1
                queue.append(link)
    return found, errors, pages


@pytest.mark.slow(20)
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_every_page_of_every_role_names_things_in_chinese(app):
    with app.app_context():
        demo_city(today="2026-11-21")
    logins = _logins(app)
    seeds = route_urls(app, ids_by_table(app), per_rule=1, skip=("/api/", "/platform/assets"))
    report, read = [], Counter()
    for login_name in WALKERS:
        client = signed_in(app, login_name) if login_name else app.test_client()
        found, errors, read[login_name] = _walk(app, client, seeds)
        assert not errors, f"{login_name}: server errors\n" + "\n".join(errors)
        for url, words in found.items():
            words = [word for word in words if word not in logins]
            if words:
                report.append(f"{login_name or 'citizen'} {url}: {words}")
    assert not report, "code or English on the pages:\n" + "\n".join(report)
    # not vacuous: each walker read its pages (a walk of refusals would find nothing)
    assert all(count >= 20 for count in read.values()), read


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_every_row_of_a_supervision_drill_down_opens_the_object_it_counts(app):
    """指标明细: the justice bureau's supervisor and a department's leader click any row of any
    figure's drill-down and land on a page that opens (the object's own page, or what the public
    may read of it); the supervisor every row of 涉企检查频次's, each business's checks included. The
    businesses' evaluations one by one are the bureau's alone: the leader's drill-down of them is refused."""
    with app.app_context():
        demo_city(today="2026-11-21")
        unpublished = reported_unpublished(today="2026-11-21")  # checked and reported, its result not public yet
        departments = {code: tenant_id(code) for code in ("SCJ", "YJJ", "SWJ")}
    row_link = re.compile(r'<tr><td><a href="([^"]+)"')
    clicked = Counter()
    for login_name, codes in (("sfj_supervisor", ("SCJ", "YJJ", "SWJ")), ("scj_leader", ("SCJ",))):
        client = signed_in(app, login_name)
        for code in codes:
            for figure in FIGURES:
                page = client.get(f"/supervision/departments/{departments[code]}/{figure.key}?period=2026")
                refused = login_name != "sfj_supervisor" and figure.key in EVALUATION_FIGURES
                assert page.status_code == (403 if refused else 200), (login_name, code, figure.key)
                for link in sorted(set(row_link.findall(page.get_data(as_text=True))))[:3]:
                    answer = client.get(link.replace("&amp;", "&"), follow_redirects=True)
                    assert answer.status_code == 200, (login_name, code, figure.key, link, answer.status_code)
                    clicked[link.split("/")[1]] += 1  # where it leads: public, visits, campaigns…
    assert "public" in clicked and "visits" in clicked and "supervision" in clicked, clicked  # a complaint too
    # 涉企检查频次 (the bureau's): every row of every figure's drill-down, and of each business it opens, has a link,
    # and each opens — a business whose results are not published yet too
    client, opened = signed_in(app, "sfj_supervisor"), set()
    pages = deque(f"/supervision/burden/{figure.key}?period=2026" for figure in BURDEN_FIGURES)
    while pages:
        url = pages.popleft()
        page = client.get(url)
        assert page.status_code == 200, url
        text = page.get_data(as_text=True).split('id="drill-rows"')[1]
        links = [link.replace("&amp;", "&") for link in row_link.findall(text)]
        assert len(links) == text.count("<tr><td>"), (url, "a row opens nothing")
        for link in sorted(set(links) - opened):
            opened.add(link)
            if link.startswith("/supervision/burden/businesses/"):  # a business: its checks, each opened in turn
                pages.append(link)
                continue
            answer = client.get(link, follow_redirects=True)
            assert answer.status_code == 200, ("sfj_supervisor", url, link, answer.status_code)
    assert f"/supervision/burden/businesses/{unpublished}?period=2026" in opened, opened
    assert any(link.startswith("/public/draws/campaigns/") for link in opened), opened
