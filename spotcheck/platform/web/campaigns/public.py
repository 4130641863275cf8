"""The public side of plans and draws (一公开): published plans, campaign announcements, the draw
ceremony as it goes (commitment, frame digest and counts, inputs, seed), the drawn targets and
teams, the proofs, and a server-side verification anyone can run.

No login. A campaign is found by one look-up of its department (public campaigns only), and read inside that
department's scope (:func:`spotcheck.core.scoping.tenant_scope`) through the read-only services of
:mod:`spotcheck.tenants.campaigns.queries.public`; the list of plans and draws is a region's (``?region=<code>``, the
root's by default): its own departments' public rows, read all at once, and the way down to the regions below.
Nothing here changes anything: the "verify" button is a GET that recomputes the stored proof.
"""

from __future__ import annotations

import functools
import re

from flask import Blueprint, Response, abort, g, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from spotcheck.core.clock import today
from spotcheck.core.errors import NotFoundError
from spotcheck.core.scoping import tenant_scope
from spotcheck.draw import bundle
from spotcheck.platform.permissions import public
from spotcheck.platform.web import browser_verifier
from spotcheck.platform.web.forms import search_text
from spotcheck.tenants.accounts.queries import active_tenants, list_tenants, region_departments
from spotcheck.tenants.campaigns.queries import public as publication
from spotcheck.tenants.common.vocabulary import FRAME_EXCLUSION, name as name_in, stratum_label
from spotcheck.tenants.joint import queries as joint_queries
from spotcheck.tenants.regions import queries as regions
from spotcheck.tenants.results.queries import teams as team_experts

bp = Blueprint("public_draws", __name__, url_prefix="/public/draws")

KINDS = "any(targets, inspectors)"

#: What each check of :func:`spotcheck.draw.verify.verify` means, in the reader's language (the
#: verifier itself prints English, standard library only); the check's own name is shown beside it.
CHECK_LABELS = [
    (re.compile(r"algorithm is (?P<algorithm>spotcheck-draw/[123])$"), _l("The algorithm is %(algorithm)s")),
    (
        re.compile(r"blind_commitment is 64 hex characters and differs from commitment$"),
        _l("The blinding key's commitment is well-formed and differs from the secret number's"),
    ),
    (re.compile(r"every entity id is a token$"), _l("Every business is named by a token in the proof")),
    (re.compile(r"public inputs are not empty$"), _l("Observers gave at least one input (a blinded draw needs one)")),
    (re.compile(r"kind is targets or inspectors$"), _l("The draw is a target or an inspector draw")),
    (re.compile(r"the proof has exactly the fields of its kind$"), _l("The proof has exactly the fields it should")),
    (
        re.compile(r"H\(nonce\) = commitment$"),
        _l("The revealed secret number matches the commitment published beforehand"),
    ),
    (re.compile(r"frame rows are distinct$"), _l("No candidate is listed twice")),
    (re.compile(r"frame lines are sorted and distinct$"), _l("The frame lines are in order and none is listed twice")),
    (re.compile(r"frame digest$"), _l("The list of candidates matches the frame digest published before the draw")),
    (re.compile(r"seed = HMAC"), _l("The seed follows from the secret number, the frame and the observers' inputs")),
    (
        re.compile(r"selection lists exactly the frame's cells$"),
        _l("Every stratum of the frame was drawn, and no other"),
    ),
    (
        re.compile(r"selected (?P<cell>\S+): (?P<n>\d+) of (?P<m>\d+)$"),
        _l("Drawn in %(cell)s: %(n)s of %(m)s candidates, the first in the ranking"),
    ),
    (re.compile(r"reserve (?P<cell>\S+): \d+$"), _l("Reserve of %(cell)s: the next ones in the ranking")),
    (
        re.compile(r"replacement (?P<n>\d+) in (?P<cell>\S+): "),
        _l("Replacement %(n)s in %(cell)s: the next unused reserve, with a reason"),
    ),
    (re.compile(r"teams can be formed from the frame$"), _l("Every team can be formed from the frame")),
    (re.compile(r"a team for every visit, no other$"), _l("A team for every visit, and no other")),
    (re.compile(r"visits in draw order$"), _l("Visits in the order of the draw")),
    (re.compile(r"team (?P<visit>[^:]+): "), _l("Team for %(visit)s: the first eligible in that visit's ranking")),
    (
        re.compile(r"replacement (?P<n>\d+) at (?P<visit>[^:]+)"),
        _l("Replacement %(n)s at %(visit)s: the next eligible inspector, with a reason"),
    ),
    (re.compile(r"proof is complete and well-formed$"), _l("The proof is complete and well-formed")),
    (
        re.compile(r"the proof has exactly the fields of a redacted proof$"),
        _l("The redacted proof has exactly the fields it should"),
    ),
    (
        re.compile(r"redacted: the original proof's SHA-256 is (?P<sha>\S+)$"),
        _l("Details withdrawn from public view (the original proof's SHA-256 is %(sha)s)"),
    ),
    # the justice bureau's check (核验抽取): with the key and the clear file, or a joint draw's rows with their salts
    (re.compile(r"the proof is a blinded draw"), _l("The proof is a blinded draw (spotcheck-draw/3)")),
    (
        re.compile(r"H\(key\) = blind_commitment$"),
        _l("The blinding key disclosed matches the commitment published beforehand"),
    ),
    (
        re.compile(r"the clear frame blinded with the key gives the frame digest$"),
        _l("The clear frame, blinded with the key, gives the frame digest published before the draw"),
    ),
    (
        re.compile(r"excluded before the freeze: (?P<reason>.+): (?P<n>\d+)$"),
        _l("Left out before the freeze (%(reason)s): %(n)s, as published"),
    ),
    (re.compile(r"the key and the clear file can be read$"), _l("The blinding key and the clear file can be read")),
    (
        re.compile(r"clear rows of (?P<cell>\S+): (?P<n>\d+) in the proof with their salts$"),
        _l("%(cell)s: each of the %(n)s clear rows is in the proof by its token, and the proof holds no other"),
    ),
    (
        re.compile(r"clear lines of (?P<group>\S+): (?P<n>\d+) in the proof with their salts$"),
        _l("%(group)s: each of the %(n)s clear lines is in the proof, and the proof holds no other of the department"),
    ),
    (re.compile(r"the clear rows and their salts can be read$"), _l("The clear rows and their salts can be read")),
]


def check_label(name: str) -> str:
    for pattern, label in CHECK_LABELS:
        match = pattern.match(name)
        if match:
            found = match.groupdict()
            if "cell" in found:
                found["cell"] = _cell_name(found["cell"])
            if "group" in found:
                found["group"] = _cell_name(found["group"])
            if "reason" in found:
                found["reason"] = name_in(FRAME_EXCLUSION, found["reason"])
            return str(label) % found if found else str(label)
    return name


def _cell_name(cell: str) -> str:
    """A frame's cell as people name it: ``YJJ/A`` → 应急管理局 风险等级 A."""
    group, _, stratum = cell.partition("/")
    names = g.get("department_names")
    if names is None:
        names = g.department_names = {tenant.code: tenant.full_name for tenant in list_tenants()}
    return f"{names.get(group, group)} {stratum_label(stratum)}" if stratum else names.get(cell, cell)


@functools.lru_cache(maxsize=1)
def verifier() -> tuple[bytes, str]:
    """The single-file verifier (spotcheck-verify.pyz) and its SHA-256, built once per process
    from the draw engine's own source (byte for byte the same each time)."""
    data = bundle.build()
    return data, bundle.sha256(data)


@bp.app_context_processor
def _helpers() -> dict[str, object]:
    """For the public pages and the staff's verification page alike."""
    return {
        "check_label": check_label,
        "verifier_sha256": lambda: verifier()[1],
        "verifier_name": bundle.FILE_NAME,
        "public_status": publication.public_status,
    }


@bp.errorhandler(404)
@bp.errorhandler(NotFoundError)
def _not_found(error: Exception) -> tuple[str, int]:
    return render_template("campaigns/public/not_found.html"), 404


@bp.route("")
@public
def index() -> ResponseReturnValue:
    """The published plans and public campaigns of one region's own departments (``?region=<code>``, by default the
    root's) of one year (``?year=``; this year by default, else the latest with anything public), with links to the
    other years and to the regions right below it: a few statements, whatever the number of departments."""
    try:
        region = regions.named_on_page(request.args.get("region"))
    except NotFoundError:
        return render_template("public/not_found.html"), 404
    tenants = region_departments(region.id) if region is not None else active_tenants()
    years = publication.region_years(tenant.id for tenant in tenants)
    this_year, asked_year = today().year, request.args.get("year", type=int)
    year = asked_year or (this_year if this_year in years or not years else max(years))
    departments = publication.region_publication(tenants, year)
    return render_template(
        "campaigns/public/index.html",
        departments=[d for d in departments if d.plans or d.campaigns],
        year=year,
        years=sorted(years, reverse=True),
        quiet=[d.tenant for d in departments if not (d.plans or d.campaigns)],
        region=region,
        below=regions.children(region.id) if region is not None else [],
        asked_year=asked_year,  # kept on the way down to the regions below
    )


@bp.route("/campaigns/<int:campaign_id>")
@public
def campaign(campaign_id: int) -> str:
    """The campaign's ceremony, then its drawn targets with their teams, a page at a time
    (``?page=N``), searchable by code or name (``?q=``) and by stratum (``?stratum=``) — a blinded draw's by code and
    name only, once the department's rule publishes its list (抽查对象名单, ``publish_drawn_list``); a named check's
    grounds as the public reads them (有因检查 and the legal basis, never a business's cause)."""
    tenant = publication.department_of(campaign_id)  # one look-up; a draft or unknown id: 404
    search = search_text()
    stratum = request.args.get("stratum", "").strip()[:16]
    with tenant_scope(tenant.id):
        record = publication.public_campaign(campaign_id)
        draws = publication.public_draws(record)
        results, teams, strata, experts, checking = None, {}, {}, {}, {}
        blinded = any(draw.names_only for draw in draws.values())  # never a business beside its stratum or team
        listed = publication.list_rule(record, draws) if blinded else None  # 抽查对象名单: when its rules publish it
        if publication.targets_public(record, draws) and blinded:
            if listed is None or listed.public:
                results = publication.public_names(record, page=request.args.get("page", 1, type=int), search=search)
            strata = publication.drawn_target_counts(record)
        elif publication.targets_public(record, draws):
            results = publication.public_targets(
                record, page=request.args.get("page", 1, type=int), search=search, stratum=stratum
            )
            teams = publication.public_teams(record, [t.entity_id for t in results.rows if t.status == "selected"])
            if record.joint:
                checking = publication.public_departments_at(record, [t.entity_id for t in results.rows])
            experts = {
                entity_id: [team_experts.public_expert(e) for e in found]
                for entity_id, found in team_experts.experts_of(record, list(teams)).items()
            }  # 专家: not drawn, in addition
            strata = publication.drawn_target_counts(record)
        return render_template(
            "campaigns/public/campaign.html",
            department=tenant,
            campaign=record,
            draws=draws,
            results=results,
            teams=teams,
            strata=strata,
            search=search,
            stratum=stratum,
            experts=experts,
            savings=joint_queries.public_savings(record),
            checking=checking,
            counting=publication.counting_campaigns(draws),
            caps=publication.caps(record),
            blinded=blinded,
            drawn_list=listed,
            grounds=publication.named_grounds(record),
            verdicts=publication.bureau_verdicts(record) if blinded else {},
        )


@bp.route(f"/campaigns/<int:campaign_id>/proofs/<{KINDS}:kind>.json")
@public
def proof(campaign_id: int, kind: str) -> Response:
    tenant = publication.department_of(campaign_id)  # one look-up; a draft or unknown id: 404
    with tenant_scope(tenant.id):
        record = publication.public_campaign(campaign_id)
        publication.require_disclosed(record)
        body = publication.published_proof(record, kind)
    return Response(
        body,
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="campaign-{campaign_id}-{kind}-proof.json"',
            "Cache-Control": "no-cache",
        },
    )


@bp.route(f"/campaigns/<int:campaign_id>/proofs/<{KINDS}:kind>/verify")
@public
def verify(campaign_id: int, kind: str) -> str:
    tenant = publication.department_of(campaign_id)  # one look-up; a draft or unknown id: 404
    with tenant_scope(tenant.id):
        record = publication.public_campaign(campaign_id)
        publication.require_disclosed(record)
        result = publication.verify_proof(record, kind)
        return render_template(
            "campaigns/public/verify.html",
            department=tenant,
            campaign=record,
            kind=kind,
            result=result,
            browser_verifier_sha256=browser_verifier.sha256(),
            browser_verifier_name=browser_verifier.FILE_NAME,
            department_names={t.code: t.name for t in list_tenants()},
        )


@bp.route(f"/{bundle.FILE_NAME}")
@public
def verifier_file() -> Response:
    """The verifier as one file: ``python3 spotcheck-verify.pyz PROOF.json``, nothing else to install."""
    data, digest = verifier()
    return Response(
        data,
        mimetype="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{bundle.FILE_NAME}"',
            "X-Content-SHA256": digest,
            "Cache-Control": "public, max-age=3600",
        },
    )


@bp.route(f"/{browser_verifier.FILE_NAME}")
@public
def browser_verifier_file() -> Response:
    """The browser verifier as one file (``node spotcheck-verify.js PROOF.json``, or in a page), with
    its SHA-256; 404 when this server has not built it."""
    found = browser_verifier.built()
    if found is None:
        abort(404)
    data, digest = found
    return Response(
        data,
        mimetype="text/javascript",
        headers={
            "Content-Disposition": f'attachment; filename="{browser_verifier.FILE_NAME}"',
            "X-Content-SHA256": digest,
            "Cache-Control": "public, max-age=3600",
        },
    )


@bp.route("/algorithm")
@public
def algorithm() -> str:
    return render_template("campaigns/public/algorithm.html")
