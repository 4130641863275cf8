"""The supervising bureau's reading of a draw's full proof (监督部门核验完整抽取证明): a proof drawn before blinding
and withdrawn from public view (隐去明细, :mod:`spotcheck.tenants.campaigns.redaction`) is read whole by its
department and by the justice bureau that supervises it
(:func:`~spotcheck.tenants.supervision.bureau.supervising_bureau`), which downloads and verifies it. The read goes
through the bureau's cross-department path, recorded in its trail; any other reader — another bureau, a department —
finds no such draw here (a department reads its own on its pages).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from spotcheck.core.actor import Actor
from spotcheck.core.errors import NotFoundError
from spotcheck.core.policy import Permission
from spotcheck.core.queries import OWN, Across, query
from spotcheck.tenants.campaigns.models import Campaign, Draw
from spotcheck.tenants.campaigns.queries import draws, public as publication
from spotcheck.tenants.supervision.bureau import supervising_bureau
from spotcheck.tenants.supervision.policy import across_departments, sees_every_department

#: Why the bureau's path across departments is opened (the trail names it: ``READS``).
REASON = "full proof"


def _scope(reader: Actor, **_: object) -> Across | None:
    """A bureau reads through its path across departments; anyone else in their own department (and finds nothing)."""
    return across_departments(REASON) if sees_every_department(reader) else OWN


def supervises(reader: Actor, tenant_id: int) -> bool:
    """Whether ``reader`` reads for the justice bureau that supervises department ``tenant_id`` (its drill-down rows of
    a campaign then lead to the campaign's draws here)."""
    bureau = supervising_bureau(tenant_id)
    return bureau is not None and bureau.id == reader.tenant_id and sees_every_department(reader)


def _supervised(campaign_id: int, reader: Actor) -> Campaign:
    """The public campaign ``campaign_id`` of a department the reader's bureau supervises; NotFoundError otherwise."""
    campaign = publication.public_campaign(campaign_id)  # in the bureau's branch
    if not supervises(reader, campaign.tenant_id):
        raise NotFoundError(_l("No such campaign."))
    return campaign


@dataclass(frozen=True)
class SupervisedDraws:
    """A supervised department's campaign and its draws (by kind), as the bureau's page lists them."""

    campaign: Campaign
    draws: dict[str, Draw]


@query(Permission.SUPERVISION_VIEW, scope=_scope)
def supervised_draws(campaign_id: int, *, reader: Actor) -> SupervisedDraws:
    """The campaign's draws, for the bureau that supervises its department."""
    campaign = _supervised(campaign_id, reader)
    return SupervisedDraws(campaign, {kind: record for kind, record in draws(campaign).items() if record is not None})


@query(Permission.SUPERVISION_VIEW, scope=_scope)
def full_proof(campaign_id: int, kind: str, *, reader: Actor) -> tuple[Campaign, bytes]:
    """The full proof file of the campaign's draw of ``kind``, redacted on the public side or not."""
    campaign = _supervised(campaign_id, reader)
    return campaign, publication.full_proof_file(campaign, kind)


@query(Permission.SUPERVISION_VIEW, scope=_scope)
def full_proof_checked(campaign_id: int, kind: str, *, reader: Actor) -> tuple[Campaign, publication.Verification]:
    """The checks of the full proof file (the verifier's, as ``spotcheck draw verify`` prints them)."""
    campaign = _supervised(campaign_id, reader)
    return campaign, publication.verify_proof(campaign, kind, full=True)
