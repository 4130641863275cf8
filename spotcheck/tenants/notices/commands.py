"""Writing the documents of a campaign (文书) and telling the people concerned, as commands.

* :func:`write_campaign_notices` — once the visits are handed to the teams: the inspection notice
  (检查通知书) of every visit, addressed to the entity, and the assignment notice (派遣通知) of every
  inspector on a team, sent to the inspector's inbox (and e-mail, SMS).
* :func:`write_joint_notices` — once a joint campaign (联合抽查) is handed out: one inspection
  notice per visit from the lead department, naming every department that checks there and its
  items and the mixed team; then, in each department, the assignment notices of its inspectors.
* :func:`write_announcement` — the campaign's result announcement (检查结果公告) of the results
  published so far, a new version each time.
* :func:`write_transfer_letter` — the transfer letter (移送函) of a transfer to another
  department, shared with it and sent to the people there who acknowledge transfers.

Every document is numbered per department, kind and year (文号), rendered to PDF, kept in the core
storage with its SHA-256, and written once: a job that runs again finds it there.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core import audit, storage
from spotcheck.core.clock import today
from spotcheck.core.commands import command, in_command
from spotcheck.core.database import db, get_row
from spotcheck.core.errors import NotFound, ValidationFailed
from spotcheck.core.policy import Permission, has_permission
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.campaigns.models import Campaign, TeamMember
from spotcheck.tenants.directory.models import Entity
from spotcheck.tenants.inspectors.models import Inspector
from spotcheck.tenants import numbering
from spotcheck.tenants.models import Tenant, User
from spotcheck.tenants.notices import delivery, documents
from spotcheck.tenants.notices.models import Notice, NoticeKind
from spotcheck.tenants.results.models import FollowUp, FollowUpKind, PublishedResult, Visit
from spotcheck.tenants.results import teams as team_experts
from spotcheck.tenants.results.rules import membership

#: The word of a document number (文号) per kind: 市监检通〔2026〕3号.
NUMBER_WORDS = {NoticeKind.inspection: "检通", NoticeKind.assignment: "派", NoticeKind.announcement: "检公",
                NoticeKind.transfer: "移", NoticeKind.criticism: "通"}
TITLES = {NoticeKind.inspection: "检查通知书", NoticeKind.assignment: "检查任务派遣通知",
          NoticeKind.announcement: "检查结果公告", NoticeKind.transfer: "移送函",
          NoticeKind.criticism: "通报"}
AREA = "notices"


def notice_for(notice_id: int, reader) -> Notice:
    """The document, if ``reader`` may read it (:func:`readable`); NotFound otherwise, as for a
    document that does not exist."""
    notice = get_row(Notice, notice_id, _l("No such document."))
    if not readable(notice, reader):
        raise NotFound(_l("No such document."))
    return notice


def _numberer(tenant: Tenant, kind: NoticeKind) -> Callable[[], str]:
    """Hands out the next numbers (文号) of ``kind`` this year, one each time a document is written,
    from the department's counter (:mod:`spotcheck.tenants.numbering`): in the writing command's
    transaction, so a job that fails gives its numbers back and two jobs never share one."""
    year = today().year
    prefix = tenant.short_name or tenant.name
    return lambda: f"{prefix}{NUMBER_WORDS[kind]}〔{year}〕{numbering.issue(tenant.id, kind.value, year)}号"


def _store(tenant: Tenant, kind: NoticeKind, subject: str, number: str, title: str, template: str, **context) -> Notice:
    data = documents.pdf(template, issuer=tenant.name, number=number, title=TITLES[kind],
                         dated=documents.chinese_date(today()), **context)
    stored = storage.save_bytes(data, area=AREA, tenant_id=tenant.id, suffix=".pdf")
    notice = Notice(kind=kind, subject=subject, number=number, title=title, storage_key=stored.key,
                    size=stored.size, sha256=stored.sha256)
    db.session.add(notice)
    return notice


def _contact(actor, tenant: Tenant) -> str:
    return f"{getattr(actor, 'display_name', '')}（{tenant.name}）"


def _teams(campaign: Campaign) -> dict[int, list[tuple[TeamMember, Inspector]]]:
    """Each visit's present team by entity, 组长 first."""
    rows = db.session.execute(
        sa.select(TeamMember, Inspector).join(Inspector, Inspector.id == TeamMember.inspector_id)
        .where(TeamMember.campaign_id == campaign.id, TeamMember.active.is_(True))
        .order_by(TeamMember.entity_id, TeamMember.is_leader.desc(), TeamMember.position)).all()
    teams: dict[int, list] = defaultdict(list)
    for member, inspector in rows:
        teams[member.entity_id].append((member, inspector))
    return teams


def _items_of(campaign: Campaign) -> list[dict]:
    return [{"name": item.name + (f"（{item.sub_item}）" if getattr(item, "sub_item", "") else ""),
             "content": getattr(item, "content", "")} for item in campaign.items]


def _visits_handed_out(campaign: Campaign) -> list[Visit]:
    visits = list(db.session.scalars(sa.select(Visit).where(Visit.campaign_id == campaign.id).order_by(Visit.id)))
    if not visits:  # visits exist once the campaign is handed to its teams (检查任务下达)
        raise ValidationFailed({"campaign": [_l("The visits are not handed to the teams yet.")]})
    return visits


@command(Permission.CAMPAIGNS_EDIT)
def write_campaign_notices(campaign: Campaign, *, actor, progress: Callable[[int], None] = lambda p: None) -> dict:
    """The inspection notice of every visit and the assignment notice of every inspector of a
    campaign handed to its teams; each inspector with an account is told in the inbox. Documents
    already written are left as they are."""
    visits = _visits_handed_out(campaign)
    tenant = campaign.tenant
    done = set(db.session.scalars(sa.select(Notice.subject).where(Notice.campaign_id == campaign.id)))
    teams = _teams(campaign)
    experts = team_experts.experts_of(campaign)  # 专家, in addition to the drawn team
    items = _items_of(campaign)
    window = documents.window(campaign.window_start, campaign.window_end)
    contact = _contact(actor, tenant)
    written = {"inspection": 0, "assignment": 0, "told": 0}
    number = _numberer(tenant, NoticeKind.inspection)
    total = max(1, len(visits))
    for n, visit in enumerate(visits, 1):
        subject = f"visit:{visit.id}"
        if subject not in done:
            team = [{"name": i.name, "cert_no": i.cert_no, "leader": m.is_leader} for m, i in teams.get(visit.entity_id, [])]
            team += [team_experts.public_expert(expert) for expert in experts.get(visit.entity_id, [])]
            notice = _store(tenant, NoticeKind.inspection, subject, number(), f"{TITLES[NoticeKind.inspection]}：{visit.entity.name}",
                            "inspection", entity=visit.entity, campaign=campaign, window=window, items=items,
                            team=team, contact=contact)
            notice.campaign_id, notice.visit_id = campaign.id, visit.id
            written["inspection"] += 1
        if n % 20 == 0:
            progress(int(80 * n / total))
    written.update(_assignments(campaign, visits, teams, items, window, contact))
    audit.record("notices.written", "campaign", campaign.id, actor=actor,
                 details={"inspection": written["inspection"], "assignment": written["assignment"]})
    return written


def _assignments(campaign: Campaign, visits: list[Visit], teams, items: list[dict], window: str, contact: str) -> dict:
    """The assignment notice (派遣通知) of every inspector on the campaign's teams, each inspector
    with an account told in the inbox (and e-mail, SMS); those already written are left as they are."""
    tenant = campaign.tenant
    written = {"assignment": 0, "told": 0}
    by_inspector: dict[int, list] = defaultdict(list)
    inspectors: dict[int, Inspector] = {}
    for visit in visits:
        team = teams.get(visit.entity_id, [])
        for member, inspector in team:
            inspectors[inspector.id] = inspector
            by_inspector[inspector.id].append({
                "entity_name": visit.entity.name, "entity_code": visit.entity.code, "address": visit.entity.address,
                "leader": member.is_leader,
                "teammates": "、".join(i.name + ("（组长）" if m.is_leader else "") for m, i in team if i.id != inspector.id)})
    number = _numberer(tenant, NoticeKind.assignment)
    item_names = "、".join(item["name"] for item in items)
    for inspector_id, rows in sorted(by_inspector.items()):
        inspector = inspectors[inspector_id]
        subject = f"campaign:{campaign.id}:inspector:{inspector_id}"
        notice = db.session.scalar(sa.select(Notice).where(Notice.subject == subject, Notice.kind == NoticeKind.assignment))
        if notice is None:
            notice = _store(tenant, NoticeKind.assignment, subject, number(),
                            f"{TITLES[NoticeKind.assignment]}：{campaign.code} {inspector.name}", "assignment",
                            inspector=inspector, campaign=campaign, window=window, visits=rows, items=item_names,
                            contact=contact)
            notice.campaign_id, notice.inspector_id = campaign.id, inspector_id
            written["assignment"] += 1
            db.session.flush()
        user = db.session.get(User, inspector.user_id) if inspector.user_id else None
        if user is not None and user.active:
            leads = sum(1 for row in rows if row["leader"])
            written["told"] += delivery.deliver(
                user, purpose=f"assignment:{campaign.id}", notice=notice, link="/visits/mine",
                subject=f"检查任务派遣：{campaign.code}《{campaign.title}》",
                body=f"您被随机选派检查 {len(rows)} 户（其中任组长 {leads} 户），检查时间 {window}。"
                     f"请在检查结束后 5 个工作日内录入检查结果。派遣通知：{notice.number}") and 1
    db.session.flush()
    return written


@command(Permission.JOINT_MANAGE)
def write_joint_notices(campaign: Campaign, *, actor, progress: Callable[[int], None] = lambda p: None) -> dict:
    """A joint campaign handed out (联合抽查): one inspection notice per visit, issued by the lead
    department, naming every department that checks there with its items, and the mixed team;
    then each department's assignment notices to its own inspectors, written in that department
    (the coordinator writes them as the lead). Documents already written are left as they are."""
    from spotcheck.tenants.joint.draws import teams as mixed_teams, visit_groups

    parts = dict(sorted((campaign.joint_parts or {}).items()))
    groups = visit_groups(campaign)
    if campaign.status.value not in ("notified", "in_progress", "results_in", "published", "closed") or not groups:
        raise ValidationFailed({"campaign": [_l("The visits are not handed to the teams yet.")]})
    tenant, teams = campaign.tenant, mixed_teams(campaign)
    done = set(db.session.scalars(sa.select(Notice.subject).where(Notice.campaign_id == campaign.id)))
    window = documents.window(campaign.window_start, campaign.window_end)
    contact = _contact(actor, tenant)
    entities = {entity.id: entity for entity in db.session.scalars(
        sa.select(Entity).where(Entity.id.in_(list(groups))).order_by(Entity.code))}
    written = {"inspection": 0, "assignment": 0, "told": 0}
    number = _numberer(tenant, NoticeKind.inspection)
    for n, (entity_id, entity) in enumerate(entities.items(), 1):
        subject = f"joint:{campaign.id}:entity:{entity_id}"
        if subject in done:
            continue
        items = [{"department": parts[group]["name"], "name": item["name"], "content": ""}
                 for group in groups[entity_id] for item in parts[group].get("items", [])]
        team = [{"name": m.inspector_name, "cert_no": m.cert_no, "leader": m.is_leader,
                 "department": parts.get(m.group_code, {}).get("name", m.group_code)} for m in teams.get(entity_id, [])]
        notice = _store(tenant, NoticeKind.inspection, subject, number(),
                        f"联合{TITLES[NoticeKind.inspection]}：{entity.name}", "inspection", entity=entity,
                        campaign=campaign, window=window, items=items, team=team, contact=contact,
                        departments=[parts[group]["name"] for group in groups[entity_id]])
        notice.campaign_id = campaign.id
        written["inspection"] += 1
        if n % 20 == 0:
            progress(int(60 * n / len(entities)))
    db.session.flush()
    for group, part in parts.items():  # each department tells its own inspectors
        with tenant_scope(part["tenant_id"]):
            own = db.session.scalar(sa.select(Campaign).where(Campaign.id == part["part_campaign_id"]))
            told = _assignments(own, _visits_handed_out(own), _teams(own), _items_of(own), window, contact)
            written["assignment"] += told["assignment"]
            written["told"] += told["told"]
    audit.record("notices.written", "campaign", campaign.id, actor=actor,
                 details={"inspection": written["inspection"], "assignment": written["assignment"]})
    return written


@command(Permission.RESULTS_PUBLISH)
def write_announcement(campaign: Campaign, *, actor) -> Notice:
    """The campaign's result announcement (检查结果公告) of every result published so far: a new
    version each time it is written."""
    published = db.session.execute(
        sa.select(PublishedResult).where(PublishedResult.campaign_id == campaign.id, PublishedResult.current.is_(True))
        .order_by(PublishedResult.published_at, PublishedResult.id)).scalars().all()
    if not published:
        raise ValidationFailed({"campaign": [_l("No result of this campaign is published yet.")]})
    tenant = campaign.tenant
    versions = db.session.scalar(sa.select(sa.func.count()).select_from(Notice).where(
        Notice.campaign_id == campaign.id, Notice.kind == NoticeKind.announcement)) or 0
    rows = [{"name": row.entity.name, "code": row.entity.code, "checked_on": documents.chinese_date(row.checked_on),
             "corrected": row.corrected,
             "categories": "；".join(dict.fromkeys(name for item in row.content.get("items", [])
                                                  for name in item.get("categories", [])))} for row in published]
    drawn = db.session.scalar(sa.select(sa.func.count()).select_from(Visit).where(Visit.campaign_id == campaign.id))
    notice = _store(tenant, NoticeKind.announcement, f"campaign:{campaign.id}:v{versions + 1}",
                    _numberer(tenant, NoticeKind.announcement)(), f"{campaign.code} {TITLES[NoticeKind.announcement]}",
                    "announcement", campaign=campaign, results=rows, drawn=drawn,
                    window=documents.window(campaign.window_start, campaign.window_end))
    notice.campaign_id = campaign.id
    db.session.flush()
    audit.record("notices.announcement", "campaign", campaign.id, actor=actor,
                 details={"number": notice.number, "results": len(rows)})
    return notice


@command(Permission.RESULTS_FOLLOW_UP)
def write_transfer_letter(follow_up: FollowUp, *, actor) -> Notice:
    """The transfer letter (移送函) of a transfer to another department: shared with that
    department, whose people who acknowledge transfers are told in their inbox."""
    if follow_up.kind != FollowUpKind.transfer or not follow_up.receiver_tenant_id:
        raise ValidationFailed({"follow_up": [_l("Only a transfer to another department has a letter.")]})
    subject = f"follow_up:{follow_up.id}"
    notice = db.session.scalar(sa.select(Notice).where(Notice.subject == subject, Notice.kind == NoticeKind.transfer))
    sender = db.session.get(Tenant, follow_up.tenant_id)
    receiver = db.session.get(Tenant, follow_up.receiver_tenant_id)
    if notice is None:
        notice = _store(sender, NoticeKind.transfer, subject, _numberer(sender, NoticeKind.transfer)(),
                        f"{TITLES[NoticeKind.transfer]}：{follow_up.transferred['entity_name']}", "transfer",
                        receiver=receiver.name, transferred=follow_up.transferred, contact=_contact(actor, sender))
        notice.follow_up_id, notice.visit_id, notice.receiver_tenant_id = follow_up.id, follow_up.visit_id, receiver.id
        db.session.flush()
        audit.record("notices.transfer_letter", "visit", follow_up.visit_id, actor=actor,
                     details={"number": notice.number, "to": receiver.id})
    with tenant_scope(receiver.id):  # the receiving department's people who acknowledge transfers
        for user in db.session.scalars(sa.select(User).where(User.active.is_(True)).order_by(User.id)):
            if has_permission(user, Permission.TRANSFERS_RECEIVE):
                delivery.deliver(user, purpose=f"transfer:{follow_up.id}", notice=notice, link="/transfers",
                                 subject=f"移送函：{sender.name} {notice.number}",
                                 body=f"{sender.name}移送：{follow_up.transferred['entity_name']}。请在“移送接收”中查看并签收。")
        db.session.flush()
    return notice


# --- reading -----------------------------------------------------------------------------------


def notices_of_campaign(campaign: Campaign, reader) -> list[Notice]:
    """The campaign's documents that ``reader`` may read: inspection notices, assignment notices,
    announcements, each in the order written."""
    rows = db.session.scalars(sa.select(Notice).where(Notice.campaign_id == campaign.id).order_by(Notice.id)).all()
    order = list(NoticeKind)
    return sorted((notice for notice in rows if readable(notice, reader)), key=lambda n: (order.index(n.kind), n.id))


def notices_of_visit(visit: Visit, reader) -> list[Notice]:
    rows = db.session.scalars(sa.select(Notice).where(Notice.visit_id == visit.id).order_by(Notice.id)).all()
    return [notice for notice in rows if readable(notice, reader)]


def for_visit_page(visit: Visit, reader) -> list[Notice]:
    """The visit's inspection notice and the reader's own assignment notice of its campaign."""
    found = notices_of_visit(visit, reader)
    own = assignment_of(visit.campaign_id, reader)
    return found + ([own] if own is not None else [])


def letter_of(follow_up: FollowUp) -> Notice | None:
    """A transfer's letter (the sender's and the receiver's to read)."""
    return db.session.scalar(sa.select(Notice).where(Notice.follow_up_id == follow_up.id,
                                                     Notice.kind == NoticeKind.transfer))


def assignment_of(campaign_id: int, reader) -> Notice | None:
    """The reader's own assignment notice of a campaign (through the linked inspector entry)."""
    inspector_id = db.session.scalar(sa.select(Inspector.id).where(Inspector.user_id == getattr(reader, "id", None)))
    if inspector_id is None:
        return None
    return db.session.scalar(sa.select(Notice).where(Notice.subject == f"campaign:{campaign_id}:inspector:{inspector_id}"))


def readable(notice: Notice, reader) -> bool:
    """Who may read a document: the department's staff who see campaigns; an inspector their own
    assignment notice and the notices of the visits they are on; the receiving department's people
    who acknowledge transfers, its transfer letter."""
    tenant_id = getattr(reader, "tenant_id", None)
    if notice.kind == NoticeKind.criticism:  # 通报: the bureau's staff, and the leaders of the department named
        return (tenant_id in (notice.tenant_id, notice.receiver_tenant_id)
                and has_permission(reader, Permission.SUPERVISION_VIEW))
    if notice.receiver_tenant_id is not None and tenant_id == notice.receiver_tenant_id:
        return has_permission(reader, Permission.TRANSFERS_RECEIVE)
    if tenant_id != notice.tenant_id:
        return False
    if has_permission(reader, Permission.CAMPAIGNS_VIEW):
        return True
    if notice.kind == NoticeKind.transfer:
        return has_permission(reader, Permission.RESULTS_FOLLOW_UP) and notice.follow_up_id is not None and \
            membership(db.session.get(Visit, db.session.get(FollowUp, notice.follow_up_id).visit_id), reader) is not None
    if notice.kind == NoticeKind.assignment:
        return db.session.scalar(sa.select(Inspector.user_id).where(Inspector.id == notice.inspector_id)) == reader.id
    if notice.visit_id is not None:
        return membership(db.session.get(Visit, notice.visit_id), reader) is not None
    return False


def notice_file(notice: Notice) -> bytes:
    return storage.read(notice.storage_key)


def write_criticism(issuer: Tenant, criticism_id: int, *, title: str, opening: list[str], findings: list[dict],
                    closing: list[str], contact: str, link: str) -> tuple[str, list[Notice]]:
    """A notice of criticism (通报) of ``issuer`` (the justice bureau): one document with one number,
    a copy shared with each department named in ``findings`` (``{tenant_id, name, reasons}``), and
    its leaders told in their inbox (and by e-mail). Called inside the approving command; returns
    the number and the copies."""
    if not in_command():
        raise RuntimeError("a notice of criticism is written by a command")
    subject = f"criticism:{criticism_id}"
    number = _numberer(issuer, NoticeKind.criticism)()
    data = documents.pdf("criticism", issuer=issuer.name, number=number, title=title,
                         dated=documents.chinese_date(today()), opening=opening, findings=findings,
                         closing=closing, contact=contact)
    stored = storage.save_bytes(data, area=AREA, tenant_id=issuer.id, suffix=".pdf")
    copies = []
    for finding in findings:
        notice = Notice(kind=NoticeKind.criticism, subject=f"{subject}:t{finding['tenant_id']}", number=number,
                        title=title, storage_key=stored.key, size=stored.size, sha256=stored.sha256,
                        receiver_tenant_id=finding["tenant_id"], criticism_id=criticism_id)
        db.session.add(notice)
        copies.append(notice)
    db.session.flush()
    for notice, finding in zip(copies, findings):
        with tenant_scope(finding["tenant_id"]):  # the department's leaders, in its own inboxes
            for user in db.session.scalars(sa.select(User).where(User.active.is_(True)).order_by(User.id)):
                if has_permission(user, Permission.SUPERVISION_VIEW):
                    delivery.deliver(user, purpose=f"{subject}:notice", notice=notice, link=link,
                                     subject=f"通报：{issuer.name} {number}",
                                     body=f"{issuer.name}印发《{title}》，{finding['name']}被通报："
                                          + "；".join(reason["text"] for reason in finding["reasons"]) + "。")
            db.session.flush()
    return number, copies


def criticisms_received(reader) -> list[Notice]:
    """The notices of criticism the reader's department received, newest first."""
    rows = db.session.scalars(sa.select(Notice).where(Notice.kind == NoticeKind.criticism,
                                                      Notice.receiver_tenant_id == getattr(reader, "tenant_id", None))
                              .order_by(Notice.id.desc()))
    return [notice for notice in rows if readable(notice, reader)]


def criticism_copies(criticism_id: int) -> list[Notice]:
    """The copies of an approved notice of criticism, one per department named (the bureau's rows)."""
    return list(db.session.scalars(sa.select(Notice).where(Notice.kind == NoticeKind.criticism,
                                                           Notice.criticism_id == criticism_id).order_by(Notice.id)))
