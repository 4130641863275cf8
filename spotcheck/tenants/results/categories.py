"""Result categories (检查结果类别) of a department: the market-regulation categories by default
(DESIGN "Result categories", :data:`spotcheck.tenants.common.vocabulary.reference.RESULT_CATEGORIES`), or the
department's own list once its administrator configures one — the standard categories it uses and
categories of its own field (e.g. 发现安全隐患责令限期整改 for emergency management).

This module is the one place that says which categories a department offers, which of them say
that a problem was found (the findings must then say what; a follow-up may be opened) and how a
category is named where it is published. "未发现问题" always stays and always stands alone.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from spotcheck.core import audit
from spotcheck.core.commands import command
from spotcheck.core.database import db
from spotcheck.core.errors import ValidationFailed
from spotcheck.core.policy import Permission
from spotcheck.core.scoping import TenantOwned
from spotcheck.tenants.common.vocabulary import reference

NO_PROBLEM = "no_problem"
NAME_LENGTH = 60


class CategoryChoice(TenantOwned, db.Model):
    """One result category of a department that configured its own list."""

    __tablename__ = "result_category_choice"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "code", name="uq_result_category_choice_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32))
    name: Mapped[str] = mapped_column(sa.String(NAME_LENGTH))
    problem: Mapped[bool] = mapped_column(default=False)  # says a problem was found
    pending: Mapped[bool] = mapped_column(default=False)  # a sub-category of 发现问题待后续处理
    active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    problem: bool
    pending: bool
    active: bool = True
    standard: bool = True

    @property
    def published_name(self) -> str:
        """As published: a sub-category with its group (发现问题待后续处理：…)."""
        return f"{reference.RESULT_PENDING_NAME}：{self.name}" if self.pending else self.name


def standard() -> list[Category]:
    return [Category(code, name, code in reference.RESULT_PROBLEM_CATEGORIES,
                     code.startswith(reference.RESULT_PENDING_PREFIX)) for code, name in reference.RESULT_CATEGORIES.items()]


def _rows() -> list[CategoryChoice]:
    return list(db.session.scalars(sa.select(CategoryChoice).order_by(CategoryChoice.position, CategoryChoice.id)))


def configured() -> bool:
    """Whether the current department has its own list (else the standard one applies)."""
    return db.session.scalar(sa.select(sa.exists().where(CategoryChoice.id.is_not(None)))) or False


def every() -> list[Category]:
    """The department's categories in order, those out of use included (to name old results)."""
    rows = _rows()
    if not rows:
        return standard()
    known = set(reference.RESULT_CATEGORIES)
    return [Category(row.code, row.name, row.problem, row.pending, row.active, row.code in known) for row in rows]


def offered() -> dict[str, Category]:
    """The categories a result may take now, by code, in order."""
    return {category.code: category for category in every() if category.active}


def problem_codes() -> frozenset[str]:
    return frozenset(category.code for category in every() if category.problem)


def published_name(code: str) -> str:
    found = next((category for category in every() if category.code == code), None)
    return found.published_name if found else reference.result_category_name(code)


def by_name() -> dict[str, str]:
    """Code by every name a spreadsheet cell may give (with or without the group, either colon)."""
    names = {}
    for category in offered().values():
        for name in (category.name, category.published_name, category.published_name.replace("：", ":")):
            names[name] = category.code
    return names


# --- configuring the list (the department's administrator) ------------------------------------


def _seed() -> list[CategoryChoice]:
    rows = _rows()
    if rows:
        return rows
    rows = [CategoryChoice(code=c.code, name=c.name, problem=c.problem, pending=c.pending, position=n)
            for n, c in enumerate(standard())]
    db.session.add_all(rows)
    db.session.flush()
    return rows


@command(Permission.CATALOG_MANAGE)
def use_standard(codes: list[str], *, actor) -> list[Category]:
    """Choose which standard categories the department uses (未发现问题 always stays)."""
    chosen = set(codes or ()) | {NO_PROBLEM}
    unknown = chosen - set(reference.RESULT_CATEGORIES)
    if unknown:
        raise ValidationFailed({"codes": [_l("Unknown result category: %(codes)s.", codes="、".join(sorted(unknown)))]})
    for row in _seed():
        if row.code in reference.RESULT_CATEGORIES:
            row.active = row.code in chosen
    audit.record("result_categories.configured", "tenant", actor.tenant_id, actor=actor,
                 details={"standard": sorted(chosen)})
    return every()


@command(Permission.CATALOG_MANAGE)
def add_own(data: dict, *, actor) -> Category:
    """Add a category of the department's own field: its name, whether it says a problem was
    found, whether it sits under 发现问题待后续处理."""
    name = str(data.get("name") or "").strip()
    errors = {}
    if len(name) < 2 or len(name) > NAME_LENGTH:
        errors["name"] = [_l("Name the category (2 to %(n)d characters).", n=NAME_LENGTH)]
    rows = _seed()
    if any(row.name == name for row in rows):
        errors["name"] = [_l("There is already a category of this name.")]
    if errors:
        raise ValidationFailed(errors)
    pending = bool(data.get("pending"))
    row = CategoryChoice(code=f"own_{len(rows) + 1}", name=name, problem=bool(data.get("problem")) or pending,
                         pending=pending, position=len(rows))
    db.session.add(row)
    db.session.flush()
    audit.record("result_categories.added", "tenant", actor.tenant_id, actor=actor,
                 details={"code": row.code, "name": name, "problem": row.problem})
    return Category(row.code, row.name, row.problem, row.pending, True, False)


@command(Permission.CATALOG_MANAGE)
def set_own_active(code: str, active: bool, *, actor) -> None:
    """Take a category of the department's own out of use, or back (results that have it keep it)."""
    row = db.session.scalar(sa.select(CategoryChoice).where(CategoryChoice.code == str(code or "")))
    if row is None or row.code in reference.RESULT_CATEGORIES:
        raise ValidationFailed({"code": [_l("No such category of your department's own.")]})
    row.active = bool(active)
    audit.record("result_categories.changed", "tenant", actor.tenant_id, actor=actor,
                 details={"code": row.code, "active": row.active})
