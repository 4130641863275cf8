"""The supervising bureau's page of a department's draws (监督部门的抽取核验): the full proof of each draw, to download
and verify — a proof drawn before blinding and withdrawn from public view (隐去明细) included, which the public reads
redacted. Reached from the bureau's drill-down rows of a campaign; every read is a query of
:mod:`spotcheck.tenants.supervision.queries.proofs` (the bureau's path across departments, recorded in its trail),
refused as not found to any reader but the bureau that supervises the department."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from werkzeug.wrappers import Response

from spotcheck.platform.permissions import Permission, acting_user as _user, requires
from spotcheck.platform.web.campaigns.pages import full_proof_download, proof_verification
from spotcheck.tenants.supervision.queries import proofs

bp = Blueprint("supervision_proofs", __name__, url_prefix="/supervision/draws")

KIND = "<any(targets, inspectors):kind>"


@bp.route("/<int:campaign_id>")
@requires(Permission.SUPERVISION_VIEW)
def campaign(campaign_id: int) -> str:
    """The campaign's draws, each drawn one with its full proof to download and verify."""
    found = proofs.supervised_draws(campaign_id, reader=_user())
    return render_template("supervision/draws.html", campaign=found.campaign, draws=found.draws)


@bp.route(f"/<int:campaign_id>/proofs/{KIND}.json")
@requires(Permission.SUPERVISION_VIEW)
def proof(campaign_id: int, kind: str) -> Response:
    """The full proof file."""
    campaign, data = proofs.full_proof(campaign_id, kind, reader=_user())
    return full_proof_download(data, f"{campaign.id}-{kind}-proof.json")


@bp.route(f"/<int:campaign_id>/proofs/{KIND}/verify")
@requires(Permission.SUPERVISION_VIEW)
def verify(campaign_id: int, kind: str) -> str:
    """The full proof recomputed on the server (the same checks as `spotcheck draw verify`)."""
    campaign, result = proofs.full_proof_checked(campaign_id, kind, reader=_user())
    return proof_verification(
        campaign,
        kind,
        result,
        back_url=url_for("supervision_proofs.campaign", campaign_id=campaign.id),
        proof_url=url_for("supervision_proofs.proof", campaign_id=campaign.id, kind=kind),
    )
