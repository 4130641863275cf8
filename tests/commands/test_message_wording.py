"""Messages say things once and ask only what their reader can do (站内消息用语): a text joined into a
message never doubles its full stop ("。。") nor closes a clause twice ("；。"); a returned result's
team is asked to change what it may change — its check dates, submitted with the result, are a
leader's to correct, so the message says so instead of asking the team to check them."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.core.text import clauses, sentence
from spotcheck.tenants.notices.commands import RETURNED_ASKS, RETURNED_DATES
from spotcheck.tenants.notices.models import Message
from spotcheck.tenants.results import commands as results
from tests.support.helpers import user_named
from tests.support.results_world import complete_result, handed_out, visit


@pytest.mark.parametrize(
    "text, said",
    [
        ("请补充现场照片", "请补充现场照片。"),
        ("请补充现场照片。", "请补充现场照片。"),
        ("请补充现场照片。。 ", "请补充现场照片。"),
        ("补充照片；", "补充照片。"),
        ("为什么没有照片？", "为什么没有照片？"),
        ("Add photos.", "Add photos。"),
        ("  ", ""),
    ],
)
def test_a_sentence_ends_with_one_full_stop(text, said):
    assert sentence(text) == said


def test_clauses_are_joined_once_and_closed_once():
    assert (
        clauses(["覆盖率低于50%。", "3户次逾期未公示；", "", "计划未备案"])
        == "覆盖率低于50%；3户次逾期未公示；计划未备案。"
    )
    assert clauses([]) == ""


def test_a_returned_results_message_asks_only_what_the_team_can_do_and_ends_once(app):
    with app.app_context():
        ids = handed_out()
        chief, leader = user_named("yjj_inspector"), user_named("yjj_leader")
        with tenant_scope(ids["tenant"]):
            results.record_result(visit(ids).id, complete_result(ids), actor=chief)
            results.submit_result(visit(ids).id, actor=chief)
            results.return_result(visit(ids).id, {"reason": "请补充现场检查照片。"}, actor=leader)
            db.session.commit()
            [body] = db.session.scalars(
                sa.select(Message.body).where(Message.user_id == chief.id, Message.title.startswith("检查结果被退回"))
            ).all()
    assert "。。" not in body and "；。" not in body, body
    assert "原因：请补充现场检查照片。请按退回原因修改检查结果" in body
    assert body.endswith(RETURNED_ASKS + RETURNED_DATES)
    assert "核对检查日期" not in body and "检查组不能修改" in body  # the dates: told, never asked for
