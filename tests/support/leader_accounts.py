"""The team leaders (组长) of a drawn campaign given accounts before its hand-out, which refuses while a 组长 has
none (only the 组长 records 入企 and 离企): one login of the world linked to the 组长 of the first visit, and every
other 组长 given one by the department's administrator, with the demo's password (a test signs in as them)."""

from __future__ import annotations

import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.core.scoping import joint_scope, tenant_scope
from spotcheck.tenants.accounts import commands as tenants
from spotcheck.tenants.campaigns.models import Campaign, CampaignTarget, TargetStatus, TeamMember
from spotcheck.tenants.campaigns.team_gaps import leaders_to_open
from spotcheck.tenants.inspectors.models import Inspector
from spotcheck.tenants.joint.models import JointParticipant
from spotcheck.tenants.results import commands as results
from tests.support.helpers import DEMO_PASSWORD, user_named


def first_leader(campaign_id: int) -> TeamMember | None:
    """The 组长 of the campaign's first visit (the first selected target, as the hand-out orders them)."""
    first = db.session.scalar(
        sa.select(CampaignTarget.entity_id)
        .where(CampaignTarget.campaign_id == campaign_id, CampaignTarget.status == TargetStatus.selected)
        .order_by(CampaignTarget.stratum, CampaignTarget.rank)
        .limit(1)
    )
    return db.session.scalar(
        sa.select(TeamMember).where(
            TeamMember.campaign_id == campaign_id,
            TeamMember.entity_id == first,
            TeamMember.active.is_(True),
            TeamMember.is_leader.is_(True),
        )
    )


def open_leader_accounts(campaign_id: int, department: str, *, first_to: str | None = None) -> None:
    """``first_to``: the login linked to the first visit's 组长 (none: that 组长 is given an account too); then every
    组长 still without one is given one by the department's administrator (:func:`account_for`)."""
    admin = user_named(f"{department}_admin")
    with tenant_scope(admin.tenant_id):
        campaign = db.session.get(Campaign, campaign_id)
        user = user_named(first_to) if first_to else None
        leader = first_leader(campaign_id) if user is not None else None
        linked = user is not None and db.session.scalar(sa.select(Inspector.id).where(Inspector.user_id == user.id))
        if leader is not None and not linked:
            results.link_inspector(leader.inspector_id, {"user_id": user.id, "other_name": True}, actor=admin)
        for inspector_id, _name in leaders_to_open(campaign):
            account_for(department, inspector_id, admin)
        db.session.commit()


def account_for(department: str, inspector_id: int, admin) -> None:
    """An inspector's account made and linked by the department's administrator, as the demo's are: the login
    ``<department>_inspector_<certificate>`` and the demo's password (a test signs in with it)."""
    inspector = db.session.get(Inspector, inspector_id)
    person = tenants.create_user(
        {
            "login": f"{department}_inspector_{inspector.cert_no.lower().replace('-', '')}",
            "display_name": inspector.name,
            "password": DEMO_PASSWORD,
            "roles": ["inspector"],
        },
        actor=admin,
    )
    results.link_inspector(inspector.id, {"user_id": person.id}, actor=admin)


def open_joint_leader_accounts(joint_id: int, departments: tuple[str, ...]) -> None:
    """Before a joint campaign's hand-out: each department's administrator opens the accounts of the department's
    members who lead a mixed team, in one step (one to-do per department)."""
    for department in departments:
        admin = user_named(f"{department}_admin")
        with tenant_scope(admin.tenant_id):
            group = db.session.scalar(
                sa.select(JointParticipant.group_code).where(
                    JointParticipant.campaign_id == joint_id, JointParticipant.receiver_tenant_id == admin.tenant_id
                )
            )
            with joint_scope(admin.tenant_id, joint_id):
                ids = [inspector_id for inspector_id, _ in leaders_to_open(db.session.get(Campaign, joint_id), group)]
            for inspector_id in ids:
                account_for(department, inspector_id, admin)
            db.session.commit()
