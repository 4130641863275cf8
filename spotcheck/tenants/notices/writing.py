"""Writing documents (文书制作): numbering (文号), rendering to PDF and storing, and the assignment
notices (派遣通知) of a campaign's inspectors — the steps the commands of notices, of joint
campaigns and of supervision (its notice of criticism, 通报) share."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core import storage
from spotcheck.core.actor import Actor
from spotcheck.core.clock import today
from spotcheck.core.database import db
from spotcheck.core.errors import InvalidInputError
from spotcheck.tenants.accounts.models import Tenant, User
from spotcheck.tenants.campaigns import named
from spotcheck.tenants.campaigns.models import Campaign, TeamMember
from spotcheck.tenants.campaigns.vocabulary import CampaignStatus, cause_line
from spotcheck.tenants.common import numbering
from spotcheck.tenants.inspectors.models import Inspector
from spotcheck.tenants.notices import delivery, documents
from spotcheck.tenants.notices.models import Notice
from spotcheck.tenants.notices.vocabulary import NUMBER_WORDS, TITLES, NoticeKind
from spotcheck.tenants.results import codes
from spotcheck.tenants.results.models import Visit

AREA = "notices"


def numberer(tenant: Tenant, kind: NoticeKind, count: int = 1) -> Callable[[], str]:
    """Hands out the next numbers (文号) of ``kind`` this year, one each time a document is written,
    from the department's counter (:mod:`spotcheck.tenants.common.numbering`): in the writing command's
    transaction, so a job that fails gives its numbers back and two jobs never share one. A command
    that knows it writes ``count`` documents takes their numbers in one step; any further one is
    taken on its own (so no number is taken and left unused)."""
    year = today().year
    prefix = tenant.short_name or tenant.full_name  # a department without a short name: its one full name
    taken: list[int] = []
    ahead = count

    def next_number() -> str:
        nonlocal ahead
        if not taken:
            block, ahead = max(1, ahead), 0
            first = numbering.issue(tenant.id, kind.value, year, block)
            taken.extend(reversed(range(first, first + block)))
        return f"{prefix}{NUMBER_WORDS[kind]}〔{year}〕{taken.pop()}号"

    return next_number


def store(
    tenant: Tenant, kind: NoticeKind, subject: str, number: str, title: str, template: str, **context: object
) -> Notice:
    data = documents.pdf(
        template,
        issuer=tenant.full_name,  # the department's full name, its place in it
        number=number,
        title=TITLES[kind],
        dated=documents.chinese_date(today()),
        **context,
    )
    stored = storage.save_bytes(data, area=AREA, tenant_id=tenant.id, suffix=".pdf")
    check = context.get("check")  # an inspection notice's code: its QR's address is kept (a print is never corrected)
    notice = Notice(
        kind=kind,
        subject=subject,
        number=number,
        title=title,
        storage_key=stored.key,
        size=stored.size,
        sha256=stored.sha256,
        qr_base=codes.public_base() if check else None,
    )
    db.session.add(notice)
    return notice


def contact_of(actor: Actor, tenant: Tenant) -> str:
    return f"{getattr(actor, 'display_name', '')}（{tenant.full_name}）"


def teams_of(campaign: Campaign) -> dict[int, list[tuple[TeamMember, Inspector]]]:
    """Each visit's present team by entity, 组长 first."""
    rows = db.session.execute(
        sa.select(TeamMember, Inspector)
        .join(Inspector, Inspector.id == TeamMember.inspector_id)
        .where(TeamMember.campaign_id == campaign.id, TeamMember.active.is_(True))
        .order_by(TeamMember.entity_id, TeamMember.is_leader.desc(), TeamMember.position)
    ).all()
    teams: dict[int, list] = defaultdict(list)
    for member, inspector in rows:
        teams[member.entity_id].append((member, inspector))
    return teams


def items_of(campaign: Campaign) -> list[dict]:
    return [
        {
            "name": item.name + (f"（{item.sub_item}）" if getattr(item, "sub_item", "") else ""),
            "content": getattr(item, "content", ""),
        }
        for item in campaign.items
    ]


def visits_handed_out(campaign: Campaign) -> list[Visit]:
    visits = list(db.session.scalars(sa.select(Visit).where(Visit.campaign_id == campaign.id).order_by(Visit.id)))
    if not visits:  # visits exist once the campaign is handed to its teams (检查任务下达)
        raise InvalidInputError({"campaign": [_l("The visits are not handed to the teams yet.")]})
    return visits


def assignments(
    campaign: Campaign,
    visits: list[Visit],
    teams: Mapping[int, list[tuple[TeamMember, Inspector]]],
    items: list[dict],
    window: str,
    contact: str,
    progress: Callable[[int], None] = lambda k: None,
    only: set[int] | None = None,
) -> dict:
    """The assignment notice (派遣通知) of every inspector on the campaign's teams (``only``: of those
    inspectors), each inspector with an account told in the inbox (and e-mail, SMS); those already
    written are left as they are. ``progress(k)``: told every 20 inspectors. Returns the notices
    written and the inspectors told now, and ``in_all``: the campaign's assignment notices that exist
    (written now or before)."""
    tenant = campaign.tenant
    written = {"assignment": 0, "told": 0}
    by_inspector: dict[int, list] = defaultdict(list)
    inspectors: dict[int, Inspector] = {}
    causes = named.causes_of(campaign, [visit.entity_id for visit in visits])  # 特定对象检查: why each is checked
    for visit in visits:
        team = teams.get(visit.entity_id, [])
        for member, inspector in team:
            if only is not None and inspector.id not in only:
                continue
            inspectors[inspector.id] = inspector
            by_inspector[inspector.id].append(
                {
                    "entity_name": visit.entity.name,
                    "entity_code": visit.entity.code,
                    "address": visit.entity.address,
                    "leader": member.is_leader,
                    "visit_id": visit.id,
                    "cause": cause_line(*causes[visit.entity_id]) if visit.entity_id in causes else "",
                    "teammates": "、".join(
                        i.name + ("（组长）" if m.is_leader else "") for m, i in team if i.id != inspector.id
                    ),
                }
            )
    subject_of = {inspector_id: f"campaign:{campaign.id}:inspector:{inspector_id}" for inspector_id in by_inspector}
    done = {
        notice.subject: notice
        for notice in db.session.scalars(
            sa.select(Notice).where(Notice.campaign_id == campaign.id, Notice.kind == NoticeKind.assignment)
        )
    }
    number = numberer(tenant, NoticeKind.assignment, sum(1 for subject in subject_of.values() if subject not in done))
    item_names = "、".join(item["name"] for item in items)
    for k, (inspector_id, rows) in enumerate(sorted(by_inspector.items()), 1):
        if k % 20 == 0:
            progress(k)
        inspector = inspectors[inspector_id]
        subject = subject_of[inspector_id]
        notice = done.get(subject)
        if notice is None:
            notice = store(
                tenant,
                NoticeKind.assignment,
                subject,
                number(),
                f"{TITLES[NoticeKind.assignment]}：{campaign.code} {inspector.name}",
                "assignment",
                inspector=inspector,
                campaign=campaign,
                window=window,
                visits=rows,
                items=item_names,
                contact=contact,
            )
            notice.campaign_id, notice.inspector_id = campaign.id, inspector_id
            written["assignment"] += 1
            db.session.flush()
        user = db.session.get(User, inspector.user_id) if inspector.user_id else None
        if user is not None and user.active:
            written["told"] += tell_assignment(user, campaign, notice, rows, window) and 1
    db.session.flush()
    return {**written, "in_all": len(by_inspector)}


def tell_assignment(user: User, campaign: Campaign, notice: Notice, rows: list[dict], window: str) -> int:
    """Tell an inspector's account of their assignment notice (派遣通知) in the inbox (and e-mail, SMS), once
    per account and campaign — when the notice is written, or when the account is linked later
    (:func:`tell_linked`). ``rows``: the inspector's visits (``visit_id``, ``leader``)."""
    leads = sum(1 for row in rows if row["leader"])
    return delivery.deliver(
        user,
        purpose=f"assignment:{campaign.id}",
        notice=notice,
        link=_visits_link(campaign, rows),
        subject=f"检查任务派遣：{campaign.code}《{campaign.title}》",
        body=f"您被随机选派检查 {len(rows)} 户（其中任组长 {leads} 户），检查时间 {window}。"
        f"请在检查结束后 5 个工作日内录入检查结果。派遣通知：{notice.number}",
    )


def tell_linked(inspector: Inspector, user: User) -> int:
    """An account linked to an inspector after their assignment notices were written is told of each of
    them, for the campaigns still open (not closed, not withdrawn): what it would have been told had it
    been linked then. Returns how many deliveries were new."""
    if not user.active:
        return 0
    told = 0
    found = db.session.execute(
        sa.select(Notice, Campaign)
        .join(Campaign, Campaign.id == Notice.campaign_id)
        .where(
            Notice.kind == NoticeKind.assignment,
            Notice.inspector_id == inspector.id,
            Campaign.status.not_in((CampaignStatus.closed, CampaignStatus.withdrawn)),
        )
        .order_by(Notice.id)
    ).all()
    for notice, campaign in found:
        rows = [
            {"visit_id": visit_id, "leader": leader}
            for visit_id, leader in db.session.execute(
                sa.select(Visit.id, TeamMember.is_leader)
                .join(
                    TeamMember,
                    sa.and_(TeamMember.campaign_id == Visit.campaign_id, TeamMember.entity_id == Visit.entity_id),
                )
                .where(
                    Visit.campaign_id == campaign.id,
                    TeamMember.inspector_id == inspector.id,
                    TeamMember.active.is_(True),
                )
                .order_by(Visit.id)
            )
        ]
        if rows:
            told += tell_assignment(
                user, campaign, notice, rows, documents.window(campaign.window_start, campaign.window_end)
            )
    return told


def _visits_link(campaign: Campaign, rows: list[dict]) -> str:
    """Where an inspector's message leads: the visit itself, or their visits of this campaign."""
    if len(rows) == 1:
        return f"/visits/{rows[0]['visit_id']}"
    return f"/visits/mine?campaign={campaign.id}"


def batch_of(missing: list, data: dict | None) -> list:
    """The documents of ``missing`` one call writes: at most ``data["batch"]`` (a job writes a large
    campaign's documents in batches, each committed, so that nobody waits on its transaction), or
    all of them."""
    batch = (data or {}).get("batch") if isinstance(data, dict) else None
    wanted = isinstance(batch, int) and not isinstance(batch, bool) and batch > 0
    return missing[:batch] if wanted else missing
