"""演示城市的规则: the demo's county (宁安市, or 城口县 under its rulebook: :mod:`spotcheck.demo.place`) adopts its own
rulebook (实施方案) — the upper level (牡丹江市) has none we know of and runs on the national floor alone — and two
of its departments record rules (细则) of their own, built from the presets of real bureaus and saying so:
应急管理局's from 乌审旗应急管理局's 方案 (the 5-working-day report, the record, the exclusion of
entities checked this year and its exceptions), 商务局's from 唐山高新区商务局's (the post of every
inspector). 市场监督管理局 and 司法局 work under the rulebook alone. Loaded once: a deployment that has a
rulebook keeps it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from spotcheck.core.clock import today
from spotcheck.core.policy import CONSOLE
from spotcheck.core.scoping import current_tenant_id, tenant_scope
from spotcheck.demo import city as demo_city
from spotcheck.demo.people import deployed, role_key
from spotcheck.demo.place import Place, for_rules
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.regions import queries as region_queries
from spotcheck.tenants.rules import commands, departments, documents, presets, rulebook, rulefile

#: The rulebook of a demo city by default.
DEFAULT_RULES = "宁安市"
#: The departments' rules: the preset each is built from (issued under the department's full name).
DEPARTMENT_RULES = {
    "YJJ": "乌审旗应急管理局",
    "SWJ": "唐山高新区商务局",
}


#: The demo's own article of 应急管理局's rules (none of the presets' documents sets a yearly cap on
#: inspections): its tighter 细则 caps its own checks of one business at one a year, so that the demo
#: shows a business left out of a later frame at its cap (国办发〔2024〕54号: 合理确定年度检查频次上限).
DEMO_CAPS = {
    "YJJ": documents.Article(
        "示例条款一",
        "同一企业一个年度内由本局实施的现场检查不超过1次；因事故、检验检查不合格、"
        "投诉举报和上级临时部署开展的检查不计入次数（示例，非乌审旗方案原文）。",
    )
}


def department_document(preset_name: str, tenant: Tenant, since: date, code: str = "") -> documents.Document:
    """A department's rules taken from a preset as a starting point (:func:`~spotcheck.tenants.rules.departments.
    starting_point`: the department's issuer and title, its articles marked as the preset's words, unconfirmed);
    with the demo's own article where it has one (:data:`DEMO_CAPS`)."""
    document = departments.starting_point(presets.BY_NAME[preset_name], tenant.full_name, since)
    cap = DEMO_CAPS.get(code)
    if cap is None:
        return document
    return replace(
        document,
        articles=(*document.articles, cap),
        entries={**document.entries, "department_inspection_cap": documents.Entry(value=1, article=cap.number)},
        note=document.note + "另加一条示例条款（年度检查次数上限），演示被排除的企业。",
    )


def tighten(tenants: dict[str, Tenant], *, since: date) -> None:
    """The demo city's departments with a demo article of their own (:data:`DEMO_CAPS`) load it before their
    campaigns: a revision of their rules, in force from today (a new version takes effect from today on;
    the tests' departments, which load no campaigns, keep the presets' parameters alone)."""
    for code in DEMO_CAPS:
        if rulebook.rules_for(tenants[code].id).department_inspection_cap is not None:
            continue  # loaded already (a demo loaded again)
        preset_name = DEPARTMENT_RULES[code]
        with tenant_scope(tenants[code].id):
            document = replace(department_document(preset_name, tenants[code], since, code), effective_from=today())
            commands.load_department_rules({"text": rulefile.write(document), "preset": preset_name}, actor=CONSOLE)


#: The city's name in the demo's words where no rulebook names it.
NO_PLACE = "本市"


def county_id(place: Place | None = None) -> int | None:
    """The region of the demo's departments (宁安市): the level whose rulebook they work under."""
    found = region_queries.by_code((place or deployed()).county[0])
    return found.id if found else None


def place(*, upper: bool = False) -> str:
    """The place of the demo's departments (宁安市, 城口县; ``upper``: the level above, 牡丹江市): what the demo's
    government side is called."""
    where = deployed()
    return (where.upper[1] if upper else where.county[1]) or NO_PLACE


def placed(text: str, *, upper: bool = False) -> str:
    """A demo text of the government side (an agency, a plan's title) in the deployment's place: the
    generated city's own name (杭州市) made the county's (or, ``upper``, the upper level's), its province's
    (浙江) the place's. The registry's businesses keep theirs."""
    where = deployed()
    return (
        text.replace("杭州市", place(upper=upper))
        .replace("浙江省", where.province)
        .replace("（浙江）", f"（{where.province_short}）")
    )


def rules_text(code: str, name: str) -> tuple[str, str]:
    """The title and text of a department's published rules document (一细则): the document its rules in
    force come from, its articles quoted, where it loaded rules of its own; else the demo's generic
    rules, which leave every number to the rulebook."""
    own = rulebook.version_ids(current_tenant_id())[1]  # the department being built: its scope
    if own is not None:
        document = rulebook.document_of(own)
        articles = "\n\n".join(f"{a.number} {a.text}" for a in document.articles)
        return document.title, f"{document.note}\n\n{articles}"
    return demo_city.rules_document(role_key(code), name)  # its name says its place (宁安市商务局, 牡丹江市司法局)


def load_county_rulebook(preset: presets.Preset, county: int | None) -> None:
    """The county's rulebook (宁安市's 实施方案) loaded as the county's own, at its region (``county``): the one place
    that says where the demo's rulebook goes."""
    commands.load_rulebook({"text": preset.text, "preset": preset.name, "region": county}, actor=CONSOLE)


def deploy(tenants: dict[str, Tenant], *, rules: str = DEFAULT_RULES, since: date) -> str:
    """Load the rulebook ``rules`` (a preset's name) as the county's and the departments' rules, unless the
    county has a rulebook already; the place's name (宁安市)."""
    county = county_id(for_rules(rules))
    for on in (since, None):  # a rulebook in force since the departments began, or from a later day
        in_force = rulebook.rules_for_region(county, on)
        if in_force.rulebook is not None:
            return in_force.place
    preset = presets.find(rules)
    if preset is None or preset.kind != "rulebook":
        raise ValueError(f"no rulebook preset named {rules!r}")
    load_county_rulebook(preset, county)
    for code, preset_name in DEPARTMENT_RULES.items():
        document = department_document(preset_name, tenants[code], since)
        with tenant_scope(tenants[code].id):
            commands.load_department_rules({"text": rulefile.write(document), "preset": preset_name}, actor=CONSOLE)
    return preset.document.place


def exemption(exempt: tuple[str, str] | None, tenant_id: int) -> tuple[str | None, str]:
    """A demo check's kind outside the plan and its reason, as the department's rules in force allow them: none
    under a rulebook that asks no annual plan (城口县), where no check is outside one."""
    kind, reason = exempt or (None, "")
    return (kind, reason) if kind in rulebook.rules_for(tenant_id).exempt_kinds else (None, "")
