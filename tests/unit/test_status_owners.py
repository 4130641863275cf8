"""Each status has one owner (状态的唯一写入者, docs/architecture.md "Each status has one owner"): the status of a
visit, a plan, an invitation… is written by one module, its owner, and every command that moves it goes through
that module. This test reads the code (the syntax tree of every module under ``spotcheck/``) for the writes of a
status and fails on any outside its owner, naming the place and the owner to go through.

What counts as a write of a status: an assignment to ``x.status`` (plain, in a tuple, augmented or annotated, and
``setattr(x, "status", …)``); ``Model(status=…)`` for a model with a status column (the models are read from the
mapped metadata); ``.values(status=…)`` or ``.values({"status": …})`` of a statement; a row ``{"status": …}`` in a
function that inserts into or updates a model's table; and SQL text that updates or inserts a table's status column
(``UPDATE visit SET status = …``, ``INSERT INTO campaign_target (…, status)``, ``ON CONFLICT … DO UPDATE SET status``).
A write is the model's the code names (a constructor, ``update(Model)``, a table in SQL, an annotated or cast
variable, a variable named for the model: ``visit.status``); else it is the module's own: allowed in an owner module,
refused elsewhere.

``migrations/`` lies outside ``spotcheck/`` and is not read: it is the schema's history, whose data migrations set
the statuses of their time once, and never run again.
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import spotcheck.models  # noqa: F401 — registers every model, so that the metadata holds the whole schema
from spotcheck.core.database import Model

ROOT = Path(__file__).resolve().parents[2]

#: Each model with a status column → the module(s) that alone write it (docs/architecture.md).
OWNERS: dict[str, tuple[str, ...]] = {
    "Campaign": ("spotcheck.tenants.campaigns.transitions",),
    "CampaignTarget": ("spotcheck.tenants.campaigns.draws",),
    "Complaint": ("spotcheck.tenants.supervision.commands.complaints",),
    "Criticism": ("spotcheck.tenants.supervision.commands.criticism",),
    "Delivery": ("spotcheck.tenants.notices.delivery",),
    "Entity": (
        "spotcheck.tenants.directory.commands",
        "spotcheck.tenants.directory.file_merge",
        "spotcheck.tenants.directory.bulk",
    ),
    "ExportBatch": ("spotcheck.tenants.exports.commands",),
    "Item": ("spotcheck.tenants.items.versions",),
    "ItemVersion": ("spotcheck.tenants.items.versions",),
    "Job": ("spotcheck.tasks.jobs",),
    "JointParticipant": ("spotcheck.tenants.joint.participant_transitions",),
    "Plan": ("spotcheck.tenants.plans.commands",),
    "RecusalRequest": ("spotcheck.tenants.results.commands.business",),
    "RectificationAnswer": ("spotcheck.tenants.results.rectification_answers",),
    "ReportSubmission": ("spotcheck.tenants.supervision.commands.submissions",),
    "Visit": ("spotcheck.tenants.results.visit_transitions",),
}

#: Statuses whose owners write them among fields named at run time (a form's or a file's columns), which no
#: reading of the code can see: an entity's registration status (登记状态) is a column of the registry like its name.
WRITTEN_AMONG_FIELDS = {"Entity"}


def status_models() -> dict[str, str]:
    """Every mapped class with a ``status`` column → its table, from the metadata."""
    return {
        mapper.class_.__name__: mapper.local_table.name
        for mapper in Model.registry.mappers
        if "status" in mapper.local_table.c
    }


# --- the scanner ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Write:
    """One write of a status: its line, its form, the model the code names (None: the module's own) and the code."""

    line: int
    form: str
    model: str | None
    code: str


#: The calls that make a statement on a table: ``sa.update(Model)``, ``sa.insert(Model)``, ``dialect_insert(table)``.
STATEMENTS = {"update", "insert", "dialect_insert"}
#: ``UPDATE table [AS alias] SET …`` up to its WHERE, FROM or RETURNING.
SQL_UPDATE = re.compile(
    r"\bupdate\s+(?:only\s+)?\"?(\w+)\"?(?:\s+(?:as\s+)?\w+)?\s+set\b(.*?)(?=\bwhere\b|\bfrom\b|\breturning\b|;|$)",
    re.I | re.S,
)
#: ``INSERT INTO table (columns)``, and its ``ON CONFLICT … DO UPDATE SET …``.
SQL_INSERT = re.compile(r"\binsert\s+into\s+\"?(\w+)\"?\s*\(([^)]*)\)", re.I)
SQL_UPSERT = re.compile(
    r"\binsert\s+into\s+\"?(\w+)\"?.*?\bdo\s+update\s+set\b(.*?)(?=\bwhere\b|\breturning\b|;|$)", re.I | re.S
)
SETS_STATUS = re.compile(r"(?:^|[\s,(.\"])status\"?\s*=(?!=)", re.I)


def _last(node: ast.AST) -> str | None:
    """The name an expression ends with: ``Visit`` of ``models.Visit``, ``visit`` of ``self.visit``."""
    return node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None


def _is_status(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value == "status"


def _status_dict(node: ast.AST) -> bool:
    """``{"status": …}``, ``{Visit.status: …}`` or ``dict(status=…)``."""
    if isinstance(node, ast.Dict):
        return any(
            _is_status(key) or (isinstance(key, ast.Attribute) and key.attr == "status") for key in node.keys if key
        )
    return isinstance(node, ast.Call) and _last(node.func) == "dict" and _sets_status(node)


def _sets_status(call: ast.Call) -> bool:
    """A call given ``status=…`` or ``**{"status": …}``."""
    return any(kw.arg == "status" or (kw.arg is None and _status_dict(kw.value)) for kw in call.keywords)


def _stores(target: ast.AST) -> Iterator[ast.Attribute]:
    """The ``x.status`` an assignment target stores into, inside tuples, lists and starred targets too."""
    if isinstance(target, ast.Tuple | ast.List):
        for element in target.elts:
            yield from _stores(element)
    elif isinstance(target, ast.Starred):
        yield from _stores(target.value)
    elif isinstance(target, ast.Attribute) and target.attr == "status":
        yield target


def _targets(node: ast.AST) -> list[ast.expr]:
    """What an assignment, a loop, a ``with … as`` or a comprehension stores into (an annotation alone stores
    nothing)."""
    if isinstance(node, ast.Assign):
        return node.targets
    if isinstance(node, ast.AnnAssign) and node.value is None:
        return []
    if isinstance(node, ast.AugAssign | ast.AnnAssign | ast.For | ast.AsyncFor | ast.comprehension):
        return [node.target]
    if isinstance(node, ast.withitem) and node.optional_vars is not None:
        return [node.optional_vars]
    return []


def _own_nodes(node: ast.AST) -> Iterator[ast.AST]:
    """The nodes of a function (or module) outside the functions and classes defined in it."""
    stack = list(ast.iter_child_nodes(node))
    while stack:
        child = stack.pop()
        yield child
        if not isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            stack.extend(ast.iter_child_nodes(child))


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


@dataclass
class _Scope:
    """What a function knows of its names: the model each variable holds (an annotation, ``cast(Model, …)``,
    ``Model(…)``, ``get_row(Model, …)``, a statement on a model) and the models its statements insert or update."""

    names: dict[str, str] = field(default_factory=dict)
    statements: set[str] = field(default_factory=set)


class Scanner:
    """The writes of a status in one module's source."""

    def __init__(self, models: Mapping[str, str]) -> None:
        self.models = set(models)
        self.tables = {table: name for name, table in models.items()}
        last_words = [(_snake(name).rsplit("_", 1)[-1], name) for name in models]
        self.by_name = {word: name for word, name in last_words if sum(w == word for w, _ in last_words) == 1}
        self.by_name.update((_snake(name), name) for name in models)
        self.aliases: dict[str, str] = {}
        self.writes: set[Write] = set()
        self.seen: set[int] = set()

    def scan(self, source: str) -> list[Write]:
        tree = ast.parse(source)
        self.aliases = {
            alias.asname: alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
            for alias in node.names
            if alias.asname
        }
        # a string standing alone is a docstring or a comment, never SQL that runs
        self.seen = {
            id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant)
        }
        self.writes = set()
        self._walk(tree, self._scope(tree, _Scope()))
        return sorted(self.writes)

    # the model an expression names

    def _model(self, node: ast.AST) -> str | None:
        """The model a class expression names: ``Visit``, ``models.Visit``, ``Visit | None``, ``Visit.__table__``,
        ``table_of(Visit)``, an imported alias."""
        if isinstance(node, ast.BinOp):
            return self._model(node.left) or self._model(node.right)
        if isinstance(node, ast.Attribute) and node.attr == "__table__":
            return self._model(node.value)
        if isinstance(node, ast.Call) and _last(node.func) == "table_of" and node.args:
            return self._model(node.args[0])
        name = node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else _last(node)
        name = self.aliases.get(name or "", name)
        return name if name in self.models else None

    def _statement(self, node: ast.AST, scope: _Scope) -> str | None:
        """The model a statement works on: ``sa.update(Visit).where(…)``, or a variable holding one."""
        while isinstance(node, ast.Call):
            if _last(node.func) in STATEMENTS and node.args:
                table = node.args[0]
                return self._model(table) or (scope.names.get(table.id) if isinstance(table, ast.Name) else None)
            if not isinstance(node.func, ast.Attribute):
                return None
            node = node.func.value
        return scope.names.get(node.id) if isinstance(node, ast.Name) else None

    def _holder(self, node: ast.AST, scope: _Scope) -> str | None:
        """The model an object whose status is written is of: a variable the function typed, else its name."""
        if isinstance(node, ast.Name) and node.id in scope.names:
            return scope.names[node.id]
        name = _last(node)
        return self.by_name.get(name) if name else None

    def _scope(self, node: ast.AST, outer: _Scope) -> _Scope:
        scope = _Scope(dict(outer.names))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            arguments = node.args
            for arg in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]:
                if arg.annotation is not None and (model := self._model(arg.annotation)):
                    scope.names[arg.arg] = model
        for child in _own_nodes(node):
            if isinstance(child, ast.AnnAssign) and isinstance(child.target, ast.Name):
                if model := self._model(child.annotation):
                    scope.names[child.target.id] = model
            elif isinstance(child, ast.Assign) and len(child.targets) == 1 and isinstance(child.targets[0], ast.Name):
                if model := self._assigned(child.value, scope):
                    scope.names[child.targets[0].id] = model
            elif (
                isinstance(child, ast.Call)
                and _last(child.func) in STATEMENTS
                and (model := self._statement(child, scope))
            ):
                scope.statements.add(model)
        return scope

    def _assigned(self, value: ast.AST, scope: _Scope) -> str | None:
        """The model a value assigned to a variable is of: ``cast(Visit, …)``, ``Visit(…)``, ``get_row(Visit, …)``,
        ``sa.update(Visit)…``, ``table_of(Visit)``."""
        if not isinstance(value, ast.Call):
            return None
        if _last(value.func) == "cast" and value.args:
            return self._model(value.args[0])
        return (
            self._model(value.func)
            or (self._model(value.args[0]) if value.args else None)
            or self._statement(value, scope)
        )

    # the writes

    def _walk(self, node: ast.AST, scope: _Scope) -> None:
        for child in ast.iter_child_nodes(node):
            inner = self._scope(child, scope) if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else scope
            self._check(child, inner)
            self._walk(child, inner)

    def _add(self, node: ast.AST, form: str, model: str | None, code: str) -> None:
        self.writes.add(Write(getattr(node, "lineno", 0), form, model, code))

    def _check(self, node: ast.AST, scope: _Scope) -> None:
        for target in _targets(node):
            for store in _stores(target):
                self._add(store, "attribute", self._holder(store.value, scope), ast.unparse(store))
        if isinstance(node, ast.Call):
            self._call(node, scope)
        elif isinstance(node, ast.Dict) and id(node) not in self.seen and _status_dict(node) and scope.statements:
            self._add(node, "row", min(scope.statements) if len(scope.statements) == 1 else None, '{"status": …}')
        elif isinstance(node, ast.Constant | ast.JoinedStr) and id(node) not in self.seen:
            self._sql(node)

    def _call(self, call: ast.Call, scope: _Scope) -> None:
        name = _last(call.func)
        if name == "setattr" and len(call.args) > 1 and _is_status(call.args[1]):
            holder = call.args[0]
            self._add(call, "setattr", self._holder(holder, scope), f'setattr({ast.unparse(holder)}, "status", …)')
        if (model := self._model(call.func)) and _sets_status(call):
            self._add(call, "constructor", model, f"{ast.unparse(call.func)}(status=…)")
        if name == "dict" and id(call) not in self.seen and _sets_status(call) and scope.statements:
            self._add(call, "row", min(scope.statements) if len(scope.statements) == 1 else None, "dict(status=…)")
        if name == "values" and isinstance(call.func, ast.Attribute):
            given = [arg for arg in call.args if _status_dict(arg)]
            self.seen.update(id(arg) for arg in call.args)
            if given or _sets_status(call):
                self._add(call, "values", self._statement(call.func.value, scope), ".values(status=…)")

    def _sql(self, node: ast.Constant | ast.JoinedStr) -> None:
        if isinstance(node, ast.JoinedStr):
            self.seen.update(id(part) for part in node.values)
            text = "".join(part.value if isinstance(part, ast.Constant) else "{}" for part in node.values)
        elif isinstance(node.value, str):
            text = node.value
        else:
            return
        found = [(m[1], SETS_STATUS.search(m[2])) for m in SQL_UPDATE.finditer(text)]
        found += [(m[1], re.search(r"\bstatus\b", m[2])) for m in SQL_INSERT.finditer(text)]
        found += [(m[1], SETS_STATUS.search(m[2])) for m in SQL_UPSERT.finditer(text)]
        for table, sets in found:
            if sets and table.lower() in self.tables:
                self._add(node, "sql", self.tables[table.lower()], " ".join(text.split())[:60])


def status_writes(source: str, models: Mapping[str, str] | None = None) -> list[Write]:
    """The writes of a status in ``source``, each with the model the code names (None: the module's own)."""
    return Scanner(status_models() if models is None else models).scan(source)


# --- the rule ---------------------------------------------------------------------------------------------------


def module_of(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def misplaced(module: str, place: str, writes: list[Write]) -> list[str]:
    """The writes of ``module`` (at ``place``, a path) made outside their status's owner, each with the owner."""
    own = [model for model, owners in OWNERS.items() if module in owners]
    found = []
    for write in writes:
        if write.model is not None and module not in OWNERS.get(write.model, ()):
            owners = " or ".join(OWNERS.get(write.model, ("(none: add it to OWNERS)",)))
            found.append(f"{place}:{write.line}: {write.code} writes {write.model}.status — go through {owners}")
        elif write.model is None and not own:
            domain = ".".join(
                module.split(".")[:3] if module.startswith("spotcheck.tenants.") else module.split(".")[:2]
            )
            near = sorted({o for owners in OWNERS.values() for o in owners if o.startswith(domain + ".")})
            found.append(
                f"{place}:{write.line}: {write.code} writes a status in a module that owns none — go through its "
                f"model's owner ({' or '.join(near) if near else 'see OWNERS'})"
            )
    return found


def _sources() -> Iterator[Path]:
    for path in sorted((ROOT / "spotcheck").rglob("*.py")):
        if "migrations" not in path.relative_to(ROOT).parts:  # the schema's history (none is kept in spotcheck/)
            yield path


@functools.cache
def _writes_in_the_code() -> dict[str, tuple[Path, list[Write]]]:
    models = status_models()
    return {module_of(path): (path, status_writes(path.read_text(encoding="utf-8"), models)) for path in _sources()}


# --- the tests --------------------------------------------------------------------------------------------------


def test_every_status_has_an_owner_that_exists():
    assert set(OWNERS) == set(status_models()), "OWNERS must name the owner of each model with a status column"
    missing = [
        module
        for owners in OWNERS.values()
        for module in owners
        if not (ROOT / Path(*module.split("."))).with_suffix(".py").is_file()
    ]
    assert not missing, missing


@pytest.mark.seconds(1.5)
def test_no_status_is_written_outside_its_owner():
    found = [
        line
        for module, (path, writes) in _writes_in_the_code().items()
        for line in misplaced(module, str(path.relative_to(ROOT)), writes)
    ]
    assert not found, "a status written outside its owner:\n" + "\n".join(found)


@pytest.mark.seconds(1.5)
def test_every_owner_is_found_writing_its_status():
    """The scan sees the writes it guards: each status (but those written among fields named at run time) is
    found written in its owner — a scan that found nothing would let every test here pass."""
    written = set()
    for module, (_, writes) in _writes_in_the_code().items():
        own = [model for model, owners in OWNERS.items() if module in owners]
        for write in writes:
            model = write.model or (own[0] if own else None)
            if model is not None and module in OWNERS.get(model, ()):
                written.add(model)
    assert set(OWNERS) - WRITTEN_AMONG_FIELDS - written == set()


SNIPPETS = [
    ("visit.status = VisitStatus.approved", [("attribute", "Visit")]),
    ("visit.status, visit.approved_at = VisitStatus.approved, now()", [("attribute", "Visit")]),
    ("(first, (self.job.status, *rest)) = values", [("attribute", "Job")]),
    ("job.status += 'x'", [("attribute", "Job")]),
    ("visit.status: VisitStatus = VisitStatus.approved", [("attribute", "Visit")]),
    ("for row.status in values: pass", [("attribute", None)]),
    ("row.status = 'x'", [("attribute", None)]),
    ("def f(out: CampaignTarget | None):\n    out.status = 'replaced'", [("attribute", "CampaignTarget")]),
    ("incoming = cast(CampaignTarget, found)\nincoming.status = 'selected'", [("attribute", "CampaignTarget")]),
    ("part = Campaign(code='x')\npart.status = 'approved'", [("attribute", "Campaign")]),
    ('setattr(visit, "status", VisitStatus.approved)', [("setattr", "Visit")]),
    ("Visit(entity_id=1, status=VisitStatus.assigned)", [("constructor", "Visit")]),
    ("models.JointParticipant(status='invited')", [("constructor", "JointParticipant")]),
    ("from spotcheck.tenants.results.models import Visit as V\nV(status='assigned')", [("constructor", "Visit")]),
    ('Visit(**{"status": "assigned"})', [("constructor", "Visit")]),
    ("sa.update(Job).where(Job.id == 1).values(status=JobStatus.running)", [("values", "Job")]),
    ('sa.update(Visit).values({"status": "approved"})', [("values", "Visit")]),
    ("sa.update(Visit).values({Visit.status: VisitStatus.approved})", [("values", "Visit")]),
    ("sa.insert(Plan.__table__).values(status='draft')", [("values", "Plan")]),
    ("statement = sa.update(Job).where(Job.id == 1)\nstatement.values(status='queued')", [("values", "Job")]),
    ("stmt.values(status='queued')", [("values", None)]),
    (
        "def store(rows):\n    db.session.execute(sa.insert(CampaignTarget), [{'status': s} for s in rows])",
        [("row", "CampaignTarget")],
    ),
    (
        "def upsert():\n    dialect_insert(table_of(Delivery)).on_conflict_do_update(set_=dict(status='sent'))",
        [("row", "Delivery")],
    ),
    ("sa.text(\"UPDATE visit SET note = '', status = 'approved' WHERE id = :id\")", [("sql", "Visit")]),
    ('sa.text("update job as j set status = :s from x where j.id = x.id")', [("sql", "Job")]),
    ('INSERT = "INSERT INTO campaign_target (tenant_id, entity_id, status) SELECT …"', [("sql", "CampaignTarget")]),
    (
        "UPSERT = \"INSERT INTO plan (id, title) VALUES (:id, :t) ON CONFLICT (id) DO UPDATE SET status = 'filed'\"",
        [("sql", "Plan")],
    ),
    ("f\"UPDATE job SET status = 'queued' WHERE id IN ({ids})\"", [("sql", "Job")]),
]

NOT_WRITES = [
    "visit.status == VisitStatus.approved",
    "sa.select(Visit).where(Visit.status == VisitStatus.approved)",
    "render_template('x.html', status=status)",
    "Tenant(status='x')",
    "{'status': 'ok'}",
    "jsonify({'status': 'ok'})",
    'sa.text("SELECT status FROM visit WHERE status = :s")',
    "sa.text(\"UPDATE visit SET note = 'status' WHERE status = 'approved'\")",
    'execute("UPDATE staging SET status = 1")',
    'def f():\n    """UPDATE visit SET status = \'approved\' (a docstring)."""',
    "counts.values()",
]


@pytest.mark.parametrize(("source", "expected"), SNIPPETS)
def test_the_scan_finds_each_form_of_a_write(source, expected):
    assert [(write.form, write.model) for write in status_writes(source)] == expected


@pytest.mark.parametrize("source", NOT_WRITES)
def test_the_scan_finds_no_write_in_a_read(source):
    assert status_writes(source) == []


def test_a_write_outside_its_owner_names_its_place_and_its_owner():
    review = "visit.status = VisitStatus.approved\nrow.status = 'x'\n"
    found = misplaced("spotcheck.tenants.results.commands.review", "review.py", status_writes(review))
    assert found == [
        "review.py:1: visit.status writes Visit.status — go through spotcheck.tenants.results.visit_transitions",
        "review.py:2: row.status writes a status in a module that owns none — go through its model's owner "
        "(spotcheck.tenants.results.commands.business or spotcheck.tenants.results.rectification_answers or "
        "spotcheck.tenants.results.visit_transitions)",
    ]
    owner = "visit.status = to\nrow.status = 'x'\n"
    assert misplaced("spotcheck.tenants.results.visit_transitions", "owner.py", status_writes(owner)) == []


def test_the_architecture_names_every_owner():
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = text[text.find("## Each status has one owner") :]
    assert "## Each status has one owner" in text
    missing = sorted({module for owners in OWNERS.values() for module in owners if f"`{module}`" not in section})
    assert not missing, missing
