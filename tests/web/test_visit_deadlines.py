"""A visit's due dates as its page reads them (检查结果的期限): earliest first, each named; and, where the rules in
force give the report a later day than the publication, a risk said to the leader who reviews — on the visit's
page and on the campaign's list of visits — never to the team."""

from __future__ import annotations

import re
from datetime import date

from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.policy import CONSOLE
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.results import commands as results
from spotcheck.tenants.rules import commands as rules_commands, rulebook
from tests.support.helpers import signed_in, user_named
from tests.support.results_world import complete_result, handed_out
from tests.support.rules_files import changed_department_rules

DAY = date(2026, 4, 1)


def _named_dates(html: str) -> list[tuple[str, str]]:
    """The visit's facts' due dates as shown: (name, first date), top to bottom."""
    facts = html.split('id="visit-facts"')[1].split("</dl>")[0]
    return [
        (name, re.search(r"\d{4}-\d{2}-\d{2}", value).group(0))
        for name, value in re.findall(r"<dt>([^<]*期限)</dt><dd[^>]*>(.*?)</dd>", facts, re.S)
    ]


def _recorded(*, publish_days: int | None = None) -> dict:
    """The world handed out, the first visit's result recorded (a draft) on ``DAY``; ``publish_days``: the department's
    rules first say the result is published that many working days after the check (a tightening)."""
    with frozen_at(DAY):
        ids = handed_out()
        with tenant_scope(ids["tenant"]):
            if publish_days is not None:
                article = rulebook.document_of(rulebook.version_ids(ids["tenant"])[1]).articles[0].number
                text = changed_department_rules(ids["tenant"], publish_days=(publish_days, article))
                rules_commands.load_department_rules({"text": text}, actor=CONSOLE)
                db.session.commit()
            results.record_result(
                ids["visit"], complete_result(ids, checked_on="2026-04-01"), actor=user_named("yjj_inspector")
            )
            db.session.commit()
    return ids


def test_the_due_dates_read_earliest_first_each_named_with_no_risk_when_the_report_comes_first(app):
    with app.app_context():
        ids = _recorded()
    with frozen_at(DAY):
        page = signed_in(app, "yjj_leader").get(f"/visits/{ids['visit']}").get_data(as_text=True)
    shown = _named_dates(page)
    assert [name for name, _ in shown] == ["结果报送期限", "公示期限"], shown
    assert shown[0][1] < shown[1][1]
    assert re.search(r'id="visit-due-label">结果报送期限<', page)  # the head names the one that matters now
    assert 'id="deadline-risk"' not in page


def test_a_report_due_after_the_publication_reads_second_and_is_flagged_to_the_leader_not_the_team(app):
    with app.app_context():
        ids = _recorded(publish_days=3)  # the report in 5 working days (应急管理局's rules), publication in 3
    with frozen_at(DAY):
        leader = signed_in(app, "yjj_leader")
        page = leader.get(f"/visits/{ids['visit']}").get_data(as_text=True)
        team = signed_in(app, "yjj_inspector").get(f"/visits/{ids['visit']}").get_data(as_text=True)
        listed = leader.get(f"/visits/campaign/{ids['campaign']}").get_data(as_text=True)
    shown = _named_dates(page)
    assert [name for name, _ in shown] == ["公示期限", "结果报送期限"], shown
    (_, publish), (_, report) = shown
    assert publish < report
    risk = page.split('id="deadline-risk"')[1].split("</p>")[0]
    assert "风险" in risk and report in risk and publish in risk
    assert 'id="deadline-risk"' not in team and next(n for n, _ in _named_dates(team)) == "公示期限"
    row = listed.split(f'data-visit="{ids["visit"]}"')[1].split("</tr>")[0]
    assert "deadline-risk" in row and publish in row
