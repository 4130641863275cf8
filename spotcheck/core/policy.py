"""The permission policy (权限策略): roles (角色), permissions (权限), and who holds which —
pure data and functions, the one place that says who may do what.

Commands check it themselves (:func:`require`, through :mod:`spotcheck.core.commands`); routes
declare the same permissions (:mod:`spotcheck.platform.permissions`) so that a page is refused
before any work is done.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask_babel import LazyString, lazy_gettext as _l

from spotcheck.core.actor import Actor
from spotcheck.core.errors import ForbiddenError


class Role(enum.StrEnum):
    platform_admin = "platform_admin"
    tenant_admin = "tenant_admin"
    planner = "planner"
    leader = "leader"
    inspector = "inspector"
    coordinator = "coordinator"
    supervisor = "supervisor"
    #: The joint-check coordinator of a department that leads an enforcement field outside market
    #: regulation (执法领域牵头部门): coordinates that field's joint campaigns, reads no other department.
    field_coordinator = "field_coordinator"


class Permission(enum.StrEnum):
    #: Any logged-in user: own home page, profile, password, API tokens.
    SIGNED_IN = "signed_in"
    #: Create tenants (departments) and their first administrators.
    TENANTS_MANAGE = "tenants.manage"
    #: Load the regions' tree (区划) the departments are attached to: the platform administrator, and the operator
    #: at the console (``spotcheck regions load``).
    REGIONS_MANAGE = "regions.manage"
    #: Manage the users and roles of one's own tenant.
    USERS_MANAGE = "users.manage"
    #: Keep the department's 负责人 and 联络员 of 双随机、一公开 (seed 003 附件5), with their phones.
    CONTACTS_MANAGE = "contacts.manage"
    #: Read one's own tenant's audit trail (全程留痕) and run its verification.
    AUDIT_VIEW = "audit.view"
    #: Read the data of every department of one's region and of the regions below it (its branch, 辖区), through
    #: the explicit cross-tenant path: a region's justice bureau and market-regulation lead.
    TENANTS_READ_ALL = "tenants.read_all"
    #: Read the department's item list, target directory, inspector directory, rules document.
    CATALOG_VIEW = "catalog.view"
    #: Keep them (一单两库一细则), import and export them.
    CATALOG_MANAGE = "catalog.manage"
    #: Keep the shared entity registry (the lead department's administrators).
    REGISTRY_MANAGE = "registry.manage"
    #: See inspectors' full ID numbers (department administrator only).
    INSPECTORS_PERSONAL_DATA = "inspectors.personal_data"
    #: Read the department's plans and campaigns, their draws and teams.
    CAMPAIGNS_VIEW = "campaigns.view"
    #: Write annual plans and campaigns; run the ceremony steps (freeze, draw, replacements, team leaders).
    CAMPAIGNS_EDIT = "campaigns.edit"
    #: Approve: submit plans for filing (报备), approve campaigns, publish.
    CAMPAIGNS_APPROVE = "campaigns.approve"
    #: Record the results of the visits one is on (检查结果录入); the team leader (组长) submits them.
    RESULTS_ENTER = "results.enter"
    #: Review submitted results: approve or return them with reasons (审核).
    RESULTS_REVIEW = "results.review"
    #: Publish approved results (公示) and correct published ones (更正).
    RESULTS_PUBLISH = "results.publish"
    #: Follow up a problem found (后续处置): order rectification and re-check, open a case, transfer
    #: to another department or to the police; finish (办结) a visit.
    RESULTS_FOLLOW_UP = "results.follow_up"
    #: Acknowledge (签收) what another department transferred to one's own (移送接收).
    TRANSFERS_RECEIVE = "transfers.receive"
    #: Coordinate joint campaigns (联合抽查) as the lead department: create them, invite departments,
    #: run their draws, name the teams' leaders and hand the visits out.
    JOINT_MANAGE = "joint.manage"
    #: Take part in joint campaigns: read the ones one's department is invited to.
    JOINT_VIEW = "joint.view"
    #: File or return the departments' plans (备案), as the justice bureau, and the plans touching the
    #: market-regulation field as the market-regulation bureau.
    PLANS_REVIEW = "plans.review"
    #: Read the supervision figures, tables and assessment (监督统计、考核): a supervisor of every department of
    #: the bureau's branch (through the audited cross-department path), a leader of their own.
    SUPERVISION_VIEW = "supervision.view"
    #: Read the supervision figures, drill-downs, tables, submissions and assessment of every department of the
    #: bureau's branch (through the audited cross-department path): a justice bureau's supervisor, and the bureau's
    #: leader, who signs the notices of criticism of other departments (:data:`KIND_PERMISSIONS`).
    SUPERVISION_READ_ALL = "supervision.read_all"
    #: Draft notices of criticism (通报) and set the assessment's deductions, as the justice bureau.
    SUPERVISION_MANAGE = "supervision.manage"
    #: Check the blinded draws (盲化抽取) of the departments the justice bureau checks, with their blinding keys and
    #: clear files (核验抽取: DRAW-SPEC "The bureau's check"): the bureau's supervisor; nobody else reads a key.
    DRAWS_CHECK = "draws.check"
    #: Approve (签发) a notice of criticism drafted in one's own bureau (a leader of the justice bureau).
    CRITICISM_APPROVE = "criticism.approve"
    #: Read and answer the complaints the justice bureau forwards to one's department (转办投诉): a leader.
    COMPLAINTS_ANSWER = "complaints.answer"
    #: Prepare the department's statistical tables for submission (报表填报): freeze the figures of a
    #: table and period for the leader to sign — a planner, a leader, and the justice bureau's
    #: supervisor for the area-wide table it files itself.
    REPORTS_PREPARE = "reports.prepare"
    #: Sign and submit (签发报送) a statistical table as frozen, or a correction of it: the department's leader.
    REPORTS_SUBMIT = "reports.submit"
    #: Keep the department's export batches to the credit system (信用信息共享): read their manifests
    #: and deliveries, deliver a batch again.
    EXPORTS_MANAGE = "exports.manage"
    #: Send the department's notices and reminders and export its published results: the scheduler
    #: and the jobs it starts, and the console (no role holds it).
    NOTICES_SEND = "notices.send"
    #: Enter a year of the official calendar (法定节假日与调休) from the State Council's notice: the
    #: platform administrator, and the operator at the console.
    CALENDAR_MANAGE = "calendar.manage"
    #: Load a version of the deployment's rulebook (实施方案): the platform administrator, and the
    #: operator at the console.
    RULEBOOK_MANAGE = "rules.rulebook"
    #: Load a version of the department's own rules (细则): its administrator, and the operator at the
    #: console (``spotcheck rules load --department``).
    DEPARTMENT_RULES_MANAGE = "rules.department"
    #: Create platform administrators: the operator at the server's console only (no role holds it).
    PLATFORM_BOOTSTRAP = "platform.bootstrap"
    #: Verify every department's audit chain and re-queue or end stalled jobs: the scheduler only.
    PLATFORM_MAINTAIN = "platform.maintain"
    #: Move the protected values to another data key (``spotcheck keys adopt`` / ``rotate``): the console alone.
    DATA_KEYS_MANAGE = "platform.data_keys"
    #: Withdraw from public view the proofs drawn before blinding that name a business's class, flag or recusal
    #: (``spotcheck draws redact``, and ``spotcheck db upgrade``): the console alone.
    DRAWS_REDACT = "platform.draws_redact"
    #: Reset a business's account (企业账户重置), with the reason: the platform administrator.
    BUSINESSES_RESET = "businesses.reset"
    #: A business's own account (企业账户), signed in as the business: no staff role holds it, and a business holds
    #: nothing else (:data:`BUSINESS_PERMISSIONS`).
    BUSINESS_SIGNED_IN = "business.signed_in"
    #: Add and remove the people of one's business under its account: the account's holder (持有人) only.
    BUSINESS_PEOPLE_MANAGE = "business.people"


#: Each role's name (角色名称), as users read it.
ROLE_LABELS = {
    Role.platform_admin: _l("Platform administrator"),
    Role.tenant_admin: _l("Department administrator"),
    Role.planner: _l("Planner"),
    Role.leader: _l("Leader"),
    Role.inspector: _l("Inspector"),
    Role.coordinator: _l("Coordinator (joint inspections)"),
    Role.supervisor: _l("Supervisor (justice bureau)"),
    Role.field_coordinator: _l("Joint-check coordinator of a field's lead department"),
}

#: Each permission's name (权限名称), as a refusal names it.
PERMISSION_LABELS = {
    Permission.SIGNED_IN: _l("sign in"),
    Permission.TENANTS_MANAGE: _l("create departments and their administrators"),
    Permission.REGIONS_MANAGE: _l("load the regions' tree"),
    Permission.USERS_MANAGE: _l("manage the department's users and roles"),
    Permission.CONTACTS_MANAGE: _l("keep the department's persons in charge and liaisons"),
    Permission.AUDIT_VIEW: _l("read the department's audit trail"),
    Permission.TENANTS_READ_ALL: _l("read every department's data"),
    Permission.CATALOG_VIEW: _l("read the item list, the two directories and the rules"),
    Permission.CATALOG_MANAGE: _l("keep the item list, the two directories and the rules"),
    Permission.REGISTRY_MANAGE: _l("keep the market-entity registry"),
    Permission.INSPECTORS_PERSONAL_DATA: _l("see inspectors' ID numbers"),
    Permission.CAMPAIGNS_VIEW: _l("read plans and campaigns"),
    Permission.CAMPAIGNS_EDIT: _l("write plans and campaigns and run their draws"),
    Permission.CAMPAIGNS_APPROVE: _l("approve campaigns and submit plans for filing"),
    Permission.RESULTS_ENTER: _l("record the results of one's own visits"),
    Permission.RESULTS_REVIEW: _l("review results"),
    Permission.RESULTS_PUBLISH: _l("publish results"),
    Permission.RESULTS_FOLLOW_UP: _l("follow up problems found"),
    Permission.TRANSFERS_RECEIVE: _l("acknowledge transfers from other departments"),
    Permission.COMPLAINTS_ANSWER: _l("answer the complaints the justice bureau forwards"),
    Permission.JOINT_MANAGE: _l("coordinate joint inspections"),
    Permission.JOINT_VIEW: _l("take part in joint inspections"),
    Permission.PLANS_REVIEW: _l("file or return departments' plans"),
    Permission.SUPERVISION_VIEW: _l("read the supervision figures and tables"),
    Permission.SUPERVISION_READ_ALL: _l("read every department's supervision figures and tables"),
    Permission.SUPERVISION_MANAGE: _l("draft notices of criticism and set the assessment"),
    Permission.DRAWS_CHECK: _l("check the blinded draws with their keys and clear files"),
    Permission.CRITICISM_APPROVE: _l("sign notices of criticism"),
    Permission.REPORTS_PREPARE: _l("prepare statistical tables"),
    Permission.REPORTS_SUBMIT: _l("sign and submit statistical tables"),
    Permission.EXPORTS_MANAGE: _l("keep the exports to the credit system"),
    Permission.NOTICES_SEND: _l("send notices and reminders"),
    Permission.CALENDAR_MANAGE: _l("enter the official calendar"),
    Permission.RULEBOOK_MANAGE: _l("load the rulebook"),
    Permission.DEPARTMENT_RULES_MANAGE: _l("load the department's rules"),
    Permission.PLATFORM_BOOTSTRAP: _l("create platform administrators"),
    Permission.PLATFORM_MAINTAIN: _l("maintain the platform"),
    Permission.DATA_KEYS_MANAGE: _l("change the key of the protected personal data"),
    Permission.DRAWS_REDACT: _l("withdraw old draw proofs from public view"),
    Permission.BUSINESSES_RESET: _l("reset a business's account"),
    Permission.BUSINESS_SIGNED_IN: _l("sign in as a business"),
    Permission.BUSINESS_PEOPLE_MANAGE: _l("add and remove the people of one's business"),
}


#: The permissions that open the cross-department path (:func:`spotcheck.core.scoping.cross_tenant`):
#: reading the departments of one's region and of the regions below it (a region's justice bureau, its
#: market-regulation bureau's coordinator), their supervision figures (a bureau's supervisor and leader), and
#: reading the frame of a joint draw one runs, over the departments it invited (a joint-check coordinator).
CROSS_DEPARTMENT = frozenset({Permission.TENANTS_READ_ALL, Permission.SUPERVISION_READ_ALL, Permission.JOINT_MANAGE})

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.platform_admin: frozenset(
        {
            Permission.SIGNED_IN,
            Permission.TENANTS_MANAGE,
            Permission.REGIONS_MANAGE,
            Permission.CALENDAR_MANAGE,
            Permission.RULEBOOK_MANAGE,
            Permission.BUSINESSES_RESET,
        }
    ),
    Role.tenant_admin: frozenset(
        {
            Permission.SIGNED_IN,
            Permission.USERS_MANAGE,
            Permission.AUDIT_VIEW,
            Permission.CATALOG_VIEW,
            Permission.CATALOG_MANAGE,
            Permission.REGISTRY_MANAGE,
            Permission.INSPECTORS_PERSONAL_DATA,
            Permission.CAMPAIGNS_VIEW,
            Permission.EXPORTS_MANAGE,
            Permission.JOINT_VIEW,
            Permission.CONTACTS_MANAGE,
            Permission.DEPARTMENT_RULES_MANAGE,
        }
    ),
    Role.planner: frozenset(
        {
            Permission.SIGNED_IN,
            Permission.CATALOG_VIEW,
            Permission.CAMPAIGNS_VIEW,
            Permission.JOINT_VIEW,
            Permission.CAMPAIGNS_EDIT,
            Permission.RESULTS_PUBLISH,
            Permission.RESULTS_FOLLOW_UP,
            Permission.TRANSFERS_RECEIVE,
            Permission.REPORTS_PREPARE,
        }
    ),
    Role.leader: frozenset(
        {
            Permission.SIGNED_IN,
            Permission.AUDIT_VIEW,
            Permission.CATALOG_VIEW,
            Permission.CAMPAIGNS_VIEW,
            Permission.CAMPAIGNS_APPROVE,
            Permission.RESULTS_REVIEW,
            Permission.JOINT_VIEW,
            Permission.SUPERVISION_VIEW,
            Permission.CRITICISM_APPROVE,
            Permission.TRANSFERS_RECEIVE,
            Permission.REPORTS_PREPARE,
            Permission.REPORTS_SUBMIT,
            Permission.COMPLAINTS_ANSWER,
        }
    ),
    Role.inspector: frozenset({Permission.SIGNED_IN, Permission.RESULTS_ENTER, Permission.RESULTS_FOLLOW_UP}),
    Role.coordinator: frozenset(
        {
            Permission.SIGNED_IN,
            Permission.TENANTS_READ_ALL,
            Permission.CATALOG_VIEW,
            Permission.REGISTRY_MANAGE,
            Permission.JOINT_MANAGE,
            Permission.JOINT_VIEW,
            Permission.PLANS_REVIEW,
        }
    ),
    Role.supervisor: frozenset(
        {
            Permission.SIGNED_IN,
            Permission.TENANTS_READ_ALL,
            Permission.AUDIT_VIEW,
            Permission.PLANS_REVIEW,
            Permission.SUPERVISION_VIEW,
            Permission.SUPERVISION_READ_ALL,
            Permission.SUPERVISION_MANAGE,
            Permission.REPORTS_PREPARE,
            Permission.DRAWS_CHECK,
        }
    ),
    Role.field_coordinator: frozenset(
        {Permission.SIGNED_IN, Permission.CATALOG_VIEW, Permission.JOINT_MANAGE, Permission.JOINT_VIEW}
    ),
}

#: Which tenant kinds may hold which roles; ``None`` is "no tenant" (the platform itself).
ROLES_BY_TENANT_KIND: dict[str | None, frozenset[Role]] = {
    None: frozenset({Role.platform_admin}),
    "ordinary": frozenset({Role.tenant_admin, Role.planner, Role.leader, Role.inspector, Role.field_coordinator}),
    "lead": frozenset({Role.tenant_admin, Role.planner, Role.leader, Role.inspector, Role.coordinator}),
    "supervisor": frozenset({Role.tenant_admin, Role.planner, Role.leader, Role.inspector, Role.supervisor}),
}


#: What a role holds, beyond :data:`ROLE_PERMISSIONS`, in a department of one kind: the justice bureau's
#: (``supervisor``) leader signs the notices of criticism (通报) of every department, so reads every
#: department's supervision figures as the bureau's supervisor does; a leader elsewhere reads their own.
KIND_PERMISSIONS: dict[tuple[str, Role], frozenset[Permission]] = {
    ("supervisor", Role.leader): frozenset({Permission.SUPERVISION_READ_ALL}),
}


def permissions_of(roles: Iterable[str] | None, kind: str | None = None) -> frozenset[Permission]:
    """The permissions of ``roles``, held in a department of ``kind`` (``None``: no department's own)."""
    granted: set[Permission] = set()
    kind = getattr(kind, "value", kind)
    for role in roles or ():
        granted |= ROLE_PERMISSIONS.get(Role(role), frozenset())
        if kind is not None:
            granted |= KIND_PERMISSIONS.get((kind, Role(role)), frozenset())
    return frozenset(granted)


#: What a business signed in as itself (企业账户) holds, by its place on the account: no staff permission at all, not
#: even :attr:`Permission.SIGNED_IN`, so no staff route, command or query admits it.
BUSINESS_PERMISSIONS: dict[str, frozenset[Permission]] = {
    "member": frozenset({Permission.BUSINESS_SIGNED_IN}),
    "holder": frozenset({Permission.BUSINESS_SIGNED_IN, Permission.BUSINESS_PEOPLE_MANAGE}),
}


def kind_of(actor: Actor | None) -> str | None:
    """The kind of ``actor``'s department (``None`` without one)."""
    kind = getattr(getattr(actor, "tenant", None), "kind", None)
    return getattr(kind, "value", kind)


def permissions_held(actor: Actor | None) -> frozenset[Permission]:
    """What ``actor`` (a signed-in user) holds: their roles' permissions in their department's kind; a business's
    person (``business_place``: "holder" or "member") holds :data:`BUSINESS_PERMISSIONS`' and nothing else."""
    place = getattr(actor, "business_place", None)
    if place is not None:
        return BUSINESS_PERMISSIONS.get(place, frozenset())
    return permissions_of(getattr(actor, "roles", ()), kind_of(actor))


@dataclass(frozen=True)
class SystemActor:
    """The platform acting by itself, not a person: the console (the ``spotcheck`` command) or the
    scheduler (Celery beat). It holds only the permissions it is given, never a role's."""

    login: str
    display_name: str
    grants: frozenset[Permission] = field(default_factory=frozenset)
    id = None
    tenant_id = None
    tenant = None
    roles: tuple[str, ...] = ()
    is_authenticated = True
    active = True

    def __post_init__(self) -> None:
        SYSTEM_ACTORS[self.login] = self


#: Every system actor by its login, as the audit trail names them (not "非本部门人员").
SYSTEM_ACTORS: dict[str, SystemActor] = {}

#: The operator running ``spotcheck`` commands on the server.
CONSOLE = SystemActor(
    "console",
    "系统控制台",
    frozenset(
        {
            Permission.PLATFORM_BOOTSTRAP,
            Permission.PLATFORM_MAINTAIN,
            Permission.DATA_KEYS_MANAGE,
            Permission.DRAWS_REDACT,
            Permission.NOTICES_SEND,
            Permission.CALENDAR_MANAGE,
            Permission.RULEBOOK_MANAGE,
            Permission.DEPARTMENT_RULES_MANAGE,
            Permission.REGIONS_MANAGE,
        }
    ),
)
#: Celery beat's periodic jobs.
SCHEDULER = SystemActor("scheduler", "定时任务", frozenset({Permission.PLATFORM_MAINTAIN, Permission.NOTICES_SEND}))


def has_permission(actor: Actor | None, permission: Permission) -> bool:
    """Whether ``actor`` (a signed-in user, a system actor, or nobody) holds ``permission``."""
    if isinstance(actor, SystemActor):
        return permission in actor.grants
    if not getattr(actor, "is_authenticated", False) or not getattr(actor, "active", True):
        return False
    return permission in permissions_held(actor)


def holders(permission: Permission) -> list[Role]:
    """The roles that hold ``permission``, in the order of :class:`Role`."""
    return [role for role in Role if permission in ROLE_PERMISSIONS.get(role, frozenset())]


def refusal(permission: Permission) -> LazyString:
    """What a refusal for want of ``permission`` says (权限不足): the permission by its name, and the
    roles that hold it — or that only the platform itself does it."""
    roles = holders(permission)
    if any(permission in held for held in BUSINESS_PERMISSIONS.values()):
        return _l(
            "Needs “%(permission)s”: this page is a business's own; sign in as the business, with its credit code, "
            "on the business sign-in page.",
            permission=PERMISSION_LABELS[permission],
        )
    if not roles:
        return _l(
            "Permission needed: “%(permission)s”, which only the platform itself holds (the server's "
            "console or its scheduled jobs).",
            permission=PERMISSION_LABELS[permission],
        )
    return _l(
        "Permission needed: “%(permission)s”, held by: %(roles)s. Your account does not hold it; ask the "
        "department's administrator if your work needs it.",
        permission=PERMISSION_LABELS[permission],
        roles=LazyString(lambda: "、".join(str(ROLE_LABELS[role]) for role in roles)),
    )


def require(actor: Actor | None, permission: Permission) -> None:
    """Refuse (Forbidden, naming the permission and who holds it) unless ``actor`` holds ``permission``."""
    if not has_permission(actor, permission):
        raise ForbiddenError(refusal(permission))
