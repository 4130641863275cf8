"""The results' reads (检查结果查询): a visit as its reader may see it (:mod:`.visits`), lists of
visits (:mod:`.listing`), the public register (:mod:`.register`), follow-ups and transfers
(:mod:`.follow_ups`), teams and experts (:mod:`.teams`), result categories, inspectors' account
links, and the home page's to-dos (:mod:`.todo`: :func:`tasks_for`, :func:`overdue_publications`)."""

from spotcheck.tenants.results.models import (  # the domain's nouns, for the pages' annotations
    FollowUp,
    InspectionCode,
    Visit,
)
from spotcheck.tenants.results.queries.todo import overdue_publications, queues, tasks_for
from spotcheck.tenants.results.queries.visits import get_visit, team_of, visit_for

__all__ = [
    "FollowUp",
    "InspectionCode",
    "Visit",
    "get_visit",
    "overdue_publications",
    "queues",
    "tasks_for",
    "team_of",
    "visit_for",
]
