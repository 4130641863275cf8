"""A visit as its page and the API show it (检查页面): the visit's own columns, and everything read
or computed about it — its team and experts, what the reader may do, its deadlines, what its
submission still lacks, its attachments and follow-ups — each read once, when first asked.

The visit's page and the API's ``VisitSchema`` both read this one picture, so what a reader sees
of a visit is the same on the page and through the API."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import cached_property
from typing import Any

import sqlalchemy as sa
from flask_babel import LazyString

from spotcheck.core.actor import Actor
from spotcheck.core.clock import today
from spotcheck.core.database import db
from spotcheck.core.policy import Permission, has_permission
from spotcheck.core.queries import query
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.campaigns import queries as campaigns
from spotcheck.tenants.campaigns.models import TeamExpert, TeamMember
from spotcheck.tenants.results import categories, codes, deadlines, inputs, policy, recusals, vocabulary
from spotcheck.tenants.results.categories import Category
from spotcheck.tenants.results.models import Attachment, RecusalRequest, Visit
from spotcheck.tenants.results.queries import follow_ups, listing, teams, visits


class VisitPage:
    """One visit for one reader (检查页面). The visit's columns read through (``page.checked_on``);
    the rest is computed on first use and kept for the request."""

    fields = inputs.BY_NAME  # the result's fields, their labels and limits (检查结果的录入项)

    def __init__(self, visit: Visit, reader: Actor):
        self.visit, self.reader = visit, reader

    def __getattr__(self, name: str) -> Any:  # any of the visit's columns, read through
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.visit, name)

    @cached_property
    def follow_up_rule(self) -> LazyString:
        """Why the visit waits for a follow-up before it closes, citing the campaign's rules."""
        return policy.follow_up_rule(self.visit.campaign)

    # --- who is on it ---------------------------------------------------------------------------

    @cached_property
    def team(self) -> list[TeamMember]:
        return visits.team_of(self.visit)

    @cached_property
    def experts(self) -> list[TeamExpert]:
        return teams.experts_of_visit(self.visit)

    @cached_property
    def recused(self) -> list[TeamMember]:
        return visits.recused_members(self.visit)

    @cached_property
    def recusal_note(self) -> LazyString | None:
        """Why the visit waits while a member who declared a conflict is not replaced (the rule cited), or
        ``None``."""
        return recusals.refusal(self.visit, self.recused) if self.recused else None

    @cached_property
    def me(self) -> TeamMember | None:
        return visits.membership(self.visit, self.reader)

    # --- what the reader may do ---------------------------------------------------------------------

    @cached_property
    def actions(self) -> frozenset[str]:
        return visits.allowed_actions(self.visit, self.reader)

    @cached_property
    def own_actions(self) -> frozenset[str]:
        return visits.own_actions(self.visit, self.reader)

    @cached_property
    def team_actions(self) -> frozenset[str]:
        """The campaign's team steps (replace a member, name the 组长), for its planners."""
        if not has_permission(self.reader, Permission.CAMPAIGNS_EDIT):
            return frozenset()
        return campaigns.allowed_actions(self.visit.campaign, reader=self.reader)

    @cached_property
    def code_actions(self) -> frozenset[str]:
        """入企 and 离企, for the 组长 (:data:`~spotcheck.tenants.results.codes.CODE_ACTIONS`)."""
        return codes.CODE_ACTIONS.allowed(self.visit, self.reader)

    @cached_property
    def check(self) -> dict | None:
        """The visit's 检查码 as the team shows it at the door (its QR, its URL, its 12 characters), with
        its row (``code``: 入企, 离企, 补录, scans, the business's confirmation); the page never shows the
        business's code, nor its evaluation (the justice bureau's alone). ``None`` before the hand-out or without
        a code."""
        code = self.visit.code
        if code is None:
            return None
        url = codes.public_url(code.token)
        return {
            "code": code,
            "url": url,
            "typed": vocabulary.grouped(code.typed),
            "qr_svg": codes.qr_svg(url),
            "state": codes.state_of(code, self.visit.campaign, self.today),
        }

    @cached_property
    def recusal_requests(self) -> list[tuple[RecusalRequest, frozenset[str]]]:
        """The business's requests that an inspector withdraw (回避申请), each with what the reader may do."""
        found = db.session.scalars(
            sa.select(RecusalRequest).where(RecusalRequest.visit_id == self.visit.id).order_by(RecusalRequest.id)
        )
        return [(request, codes.RECUSAL_REQUEST_ACTIONS.allowed(request, self.reader)) for request in found]

    @cached_property
    def follow_up_actions(self) -> dict[int, frozenset[str]]:
        return {f.id: visits.follow_up_actions(f, self.reader) for f in self.visit.follow_ups}

    # --- the result -------------------------------------------------------------------------------

    @cached_property
    def results_by_item(self) -> dict:
        """The items' results by item id (the visit's ``results`` stay its list)."""
        return {result.item_id: result for result in self.visit.results}

    @cached_property
    def missing(self) -> dict[str, list]:
        return visits.missing_for_submission(self.visit) if visits.still_drafting(self.visit) else {}

    @cached_property
    def awaits_confirmation(self) -> bool:
        return visits.awaits_confirmation(self.visit)

    @cached_property
    def awaits_follow_up(self) -> bool:
        return visits.awaits_follow_up(self.visit)

    @cached_property
    def method_changed(self) -> bool:
        return visits.method_changed(self.visit)

    @cached_property
    def planned_names(self) -> str:
        return visits.planned_method_names(self.visit)

    @cached_property
    def categories(self) -> dict[str, Category]:
        return categories.offered()

    @property
    def methods(self) -> Mapping[str, str] | None:
        return inputs.BY_NAME["method"].choices

    @cached_property
    def attachments(self) -> list[Attachment]:
        return visits.attachments_of(self.visit)

    # --- its deadlines ------------------------------------------------------------------------------

    @cached_property
    def due(self) -> date | None:
        return listing.due_of(self.visit)

    @cached_property
    def due_provisional(self) -> bool:
        return listing.due_provisional(self.visit)

    @cached_property
    def flag(self) -> str | None:
        return listing.flag_of(self.visit)

    @cached_property
    def late(self) -> deadlines.Late | None:
        return listing.late_of(self.visit)

    @cached_property
    def overdue(self) -> deadlines.Overdue | None:
        """逾期N个工作日 past the deadline that matters now (:func:`listing.overdue_of`)."""
        return listing.overdue_of(self.visit)

    @cached_property
    def publication_overdue(self) -> deadlines.Overdue | None:
        """逾期未公示: working days past the publication due date, the result not published yet."""
        return deadlines.publication_overdue(self.visit)

    @cached_property
    def published_late(self) -> deadlines.Overdue | None:
        """逾期公示: working days past its due date the result was first published (kept after corrections)."""
        return deadlines.published_late(self.visit)

    # the same figures as numbers, for the API (VisitSchema)

    @property
    def due_overdue_working_days(self) -> int | None:
        return self.overdue.days if self.overdue else None

    @property
    def publish_overdue_working_days(self) -> int | None:
        return self.publication_overdue.days if self.publication_overdue else None

    @property
    def published_late_working_days(self) -> int | None:
        """N working days late, 0 published in time, None not published yet (or given no due date)."""
        if self.visit.first_published_at is None or self.visit.publish_due is None:
            return None
        return self.published_late.days if self.published_late else 0

    @property
    def publication_lateness_provisional(self) -> bool:
        """Whether the working days late were counted through a year without an official calendar."""
        late = self.publication_overdue or self.published_late
        return bool(late and late.provisional)

    @cached_property
    def deadline_rules(self) -> dict[str, str]:
        return visits.deadline_rules(self.visit)

    # --- where its follow-ups go ------------------------------------------------------------------

    @cached_property
    def receivers(self) -> list[Tenant]:
        return follow_ups.receivers(self.visit.tenant_id)

    @cached_property
    def receiver_names(self) -> dict[int, str]:
        return {tenant.id: tenant.name for tenant in self.receivers}

    @cached_property
    def today(self) -> date:
        return today()

    def shown(self) -> dict:
        """Every value the page's template names, by that name."""
        names = (
            "team",
            "experts",
            "recused",
            "recusal_note",
            "own_actions",
            "team_actions",
            "awaits_follow_up",
            "follow_up_rule",
            "actions",
            "me",
            "due",
            "flag",
            "attachments",
            "deadline_rules",
            "follow_up_actions",
            "receivers",
            "receiver_names",
            "today",
            "missing",
            "late",
            "overdue",
            "publication_overdue",
            "published_late",
            "awaits_confirmation",
            "method_changed",
            "planned_names",
            "categories",
            "methods",
            "fields",
            "check",
            "code_actions",
            "recusal_requests",
        )
        return {
            "visit": self.visit,
            "results": self.results_by_item,
            "today_iso": self.today.isoformat(),
            **{name: getattr(self, name) for name in names},
        }


def page_of(visit: Visit, reader: Actor) -> VisitPage:
    """The page's picture of a visit the reader was already allowed to see (a list's rows)."""
    return VisitPage(visit, reader)


@query(Permission.SIGNED_IN)
def visit_page(visit_id: int, *, reader: Actor) -> VisitPage:
    """The visit's page for ``reader`` (NotFoundError for one who may not see it, as
    :func:`~spotcheck.tenants.results.queries.visits.visit_for`)."""
    return VisitPage(visits.visit_for(visit_id, reader=reader), reader)
