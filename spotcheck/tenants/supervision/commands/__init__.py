"""Supervision's commands (监督命令): the assessment's deductions (:mod:`.assessment`), notices of
criticism (:mod:`.criticism`), businesses' complaints (:mod:`.complaints`) and evaluations (:mod:`.evaluations`),
the statistical tables submitted (:mod:`.submissions`) and built (:mod:`.tables`), the figures counted
(:mod:`.figures`), and the bureau's check of blinded draws (:mod:`.draw_checks`)."""

from __future__ import annotations

from spotcheck.tenants.supervision.commands.assessment import configure
from spotcheck.tenants.supervision.commands.complaints import (
    answer_complaint,
    answer_forwarded,
    complain,
    forward_complaint,
)
from spotcheck.tenants.supervision.commands.criticism import approve, draft, send_back, submit_draft, update, withdraw
from spotcheck.tenants.supervision.commands.draw_checks import check_draw, request_check
from spotcheck.tenants.supervision.commands.evaluations import evaluate_visit
from spotcheck.tenants.supervision.commands.figures import count_branch, count_scheduled, request_count
from spotcheck.tenants.supervision.commands.submissions import fill_cells, prepare, submit
from spotcheck.tenants.supervision.commands.tables import request_table

__all__ = [
    "answer_complaint",
    "answer_forwarded",
    "approve",
    "check_draw",
    "complain",
    "configure",
    "count_branch",
    "count_scheduled",
    "draft",
    "evaluate_visit",
    "fill_cells",
    "forward_complaint",
    "prepare",
    "request_check",
    "request_count",
    "request_table",
    "send_back",
    "submit",
    "submit_draft",
    "update",
    "withdraw",
]
