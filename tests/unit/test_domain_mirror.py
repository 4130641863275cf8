"""One domain, one name, one place in every layer (docs/architecture.md): the pages, the API, the
templates and the jobs of a domain sit under the domain's own name, and every domain package has
the same files. Layer by layer, the import contracts of pyproject.toml keep the domains' order."""

from __future__ import annotations

from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "spotcheck"
DOMAINS = sorted(p.name for p in (PACKAGE / "tenants").iterdir() if (p / "__init__.py").exists())

#: The order of the domains (pyproject.toml, "Domains in order"): a higher one may import a lower one.
ORDER = [
    "business_record",
    "supervision audit",
    "joint",
    "notices exports spreadsheets businesses",
    "results",
    "campaigns",
    "plans",
    "directory items inspectors contacts",
    "rules",
    "accounts common",
    "regions",
]
LEVEL = {domain: len(ORDER) - rank for rank, names in enumerate(ORDER) for domain in names.split()}

#: Shared pieces of a layer that belong to no domain: the app's shell and what every domain's pages use.
SHARED_WEB = {
    "__init__",
    "apidocs",
    "blueprints",
    "browser_verifier",
    "calendar_pages",
    "charts",
    "forms",
    "health",
    "home",
    "public",
    "step_jobs",
    "templating",
}
SHARED_API = {"__init__", "blueprint", "blueprints", "calendar", "jobs", "schemas", "types"}
SHARED_TEMPLATES = {"public", "calendar"}
#: The job machinery (作业机制): running, claiming, sweeping and scheduling any domain's jobs.
JOB_MACHINERY = {"__init__", "embedded", "job_sessions", "job_sweep", "jobs", "schedule"}

#: What every domain package has (a module or a package of that name).
SAME_FILES = ("vocabulary", "policy", "commands", "queries")

#: Pages that still read a domain above their own, until that domain's own page query carries what
#: they show (issue 41, item 3). The list may only shrink.
READS_ABOVE = {
    "spotcheck.platform.api.campaigns.resources": {"results"},
    "spotcheck.platform.api.results.teams": {"notices"},
    "spotcheck.platform.api.results.visits": {"spreadsheets"},
    "spotcheck.platform.web.accounts.admin": {"contacts"},
    "spotcheck.platform.web.campaigns.pages": {"results"},
    "spotcheck.platform.web.campaigns.public": {"joint", "results"},
    "spotcheck.platform.web.campaigns.withdrawal": {"joint"},
    "spotcheck.platform.web.inspectors.pages": {"results"},
    "spotcheck.platform.web.plans.pages": {"joint"},
    "spotcheck.platform.web.results.teams": {"notices"},
    "spotcheck.platform.web.results.transfers": {"notices"},
    "spotcheck.platform.web.results.visits": {"joint", "notices", "spreadsheets"},
}


def _names(folder: Path) -> set[str]:
    return {p.stem for p in folder.iterdir() if p.suffix == ".py" or (p / "__init__.py").exists()}


def test_the_pages_and_the_api_of_a_domain_live_under_its_name():
    for layer, shared in (("web", SHARED_WEB), ("api", SHARED_API)):
        folder = PACKAGE / "platform" / layer
        strays = sorted(_names(folder) - shared - set(DOMAINS))
        assert not strays, f"platform/{layer}: modules named for no domain (move them under their domain): {strays}"
        flat = sorted(name for name in _names(folder) - shared if (folder / f"{name}.py").exists())
        assert not flat, f"platform/{layer}: a domain's modules go in its package, not beside it: {flat}"


def test_a_domains_templates_live_under_its_name():
    folder = PACKAGE / "platform" / "templates"
    strays = sorted(p.name for p in folder.iterdir() if p.is_dir() and p.name not in set(DOMAINS) | SHARED_TEMPLATES)
    assert not strays, f"template folders named for no domain: {strays}"


def test_a_domains_jobs_live_in_tasks_under_its_name_and_hold_no_command():
    folder = PACKAGE / "tasks"
    strays = sorted(_names(folder) - JOB_MACHINERY - set(DOMAINS))
    assert not strays, f"tasks/: job modules named for no domain: {strays}"
    # the machinery's own upkeep (the sweep that takes over a lost job) is a command of no domain
    commands = sorted(
        f"{path.relative_to(ROOT)}"
        for path in folder.glob("*.py")
        if path.stem not in JOB_MACHINERY and "@command(" in path.read_text()
    )
    assert not commands, f"commands live in the domain's commands, never in tasks/: {commands}"


def test_every_domain_has_the_same_files():
    # common holds what every domain shares (codes, names, validators): it acts on nothing itself
    missing = [
        f"tenants/{domain}/{name}"
        for domain in DOMAINS
        if domain != "common"
        for name in SAME_FILES
        if not (PACKAGE / "tenants" / domain / f"{name}.py").exists()
        and not (PACKAGE / "tenants" / domain / name / "__init__.py").exists()
    ]
    assert not missing, "missing: " + ", ".join(missing)


def test_a_domains_pages_and_api_read_no_domain_above_it():
    graph, found = grimp.build_graph("spotcheck", cache_dir=None), []
    for importer in sorted(graph.modules):
        parts = importer.split(".")
        if parts[:2] != ["spotcheck", "platform"] or len(parts) < 5 or parts[2] not in ("web", "api"):
            continue
        own = parts[3]
        above = {
            imported.split(".")[2]
            for imported in graph.find_modules_directly_imported_by(importer)
            if imported.startswith("spotcheck.tenants.") and LEVEL[imported.split(".")[2]] > LEVEL[own]
        }
        if above - READS_ABOVE.get(importer, set()):
            found.append(f"{importer} reads {sorted(above)}")
    stale = [
        name
        for name, domains in READS_ABOVE.items()
        if name in graph.modules
        and not domains
        & {i.split(".")[2] for i in graph.find_modules_directly_imported_by(name) if i.startswith("spotcheck.tenants.")}
    ]
    assert not found, "\n".join(found)
    assert not stale, f"no longer read above: take them off READS_ABOVE: {stale}"


def test_the_order_here_is_the_order_of_the_import_contract():
    text = (ROOT / "pyproject.toml").read_text()
    contract = text.split('name = "Domains in order')[1].split("layers = [")[1].split("]")[0]
    layers = [line.strip().strip('",') for line in contract.splitlines() if line.strip().startswith('"')]
    assert [" ".join(sorted(layer.replace("|", " ").split())) for layer in layers] == [
        " ".join(sorted(names.split())) for names in ORDER
    ]
