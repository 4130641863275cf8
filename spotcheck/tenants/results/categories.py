"""Result categories (检查结果类别) of a department: the market-regulation categories by default
(DESIGN "Result categories", :data:`spotcheck.tenants.common.vocabulary.reference.RESULT_CATEGORIES`), or the
department's own list once its administrator configures one — the standard categories it uses and
categories of its own field (e.g. 发现安全隐患责令限期整改 for emergency management).

This module is the one place that says which categories a department offers, which of them say
that a problem was found (the findings must then say what; a follow-up may be opened) and how a
category is named where it is published. "未发现问题" always stays and always stands alone. The
commands that configure the list are in :mod:`spotcheck.tenants.results.commands.categories`.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from spotcheck.core.database import db
from spotcheck.core.scoping import current_scope
from spotcheck.tenants.common.vocabulary import reference
from spotcheck.tenants.results.models import CategoryChoice


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
    return [
        Category(
            code, name, code in reference.RESULT_PROBLEM_CATEGORIES, code.startswith(reference.RESULT_PENDING_PREFIX)
        )
        for code, name in reference.RESULT_CATEGORIES.items()
    ]


def chosen_rows() -> list[CategoryChoice]:
    return list(db.session.scalars(sa.select(CategoryChoice).order_by(CategoryChoice.position, CategoryChoice.id)))


def configured() -> bool:
    """Whether the current department has its own list (else the standard one applies)."""
    return db.session.scalar(sa.select(sa.exists().where(CategoryChoice.id.is_not(None)))) or False


#: Where a transaction keeps the lists it has read, by scope (``Session.info``): a review list or a
#: publication of thousands of results reads the department's list once, not once per result.
_READ = "spotcheck.result_categories"


def every() -> list[Category]:
    """The department's categories in order, those out of use included (to name old results);
    read once per transaction and scope (:func:`forget` after changing them)."""
    read = db.session.info.setdefault(_READ, {})
    scope = current_scope()
    if scope not in read:
        rows = chosen_rows()
        known = set(reference.RESULT_CATEGORIES)
        read[scope] = (
            tuple(standard())
            if not rows
            else tuple(
                Category(row.code, row.name, row.problem, row.pending, row.active, row.code in known) for row in rows
            )
        )
    return list(read[scope])


def forget() -> None:
    """The department's list changed in this transaction: read it again."""
    db.session.info.pop(_READ, None)


@event.listens_for(Session, "after_transaction_end")
def _forget_at_the_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # another transaction may see another list
        session.info.pop(_READ, None)


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
