"""How a name is looked up (名称检索): the names' characters, which the registry's and the public register's indexes
hold (migration 0046), and the look-up of a name holding a text through them. PostgreSQL only."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import InstrumentedAttribute

from spotcheck.tenants.directory.plans import character_shares


def name_characters(column: sa.ColumnElement[str] | InstrumentedAttribute[str]) -> sa.ColumnElement[str]:
    """The characters of ``column`` (a name) compared byte by byte: the expression the names' indexes hold (the
    registry's and the public register's, migration 0046). PostgreSQL only."""
    return sa.func.string_to_array(sa.cast(column, sa.Text), sa.null()).collate("C")


#: How many of a text's characters the index of the names' characters is asked for: its rarest (:func:`name_holds`).
LOOKED_UP_CHARACTERS = 3


def name_holds(column: InstrumentedAttribute[str], text: str) -> sa.ColumnElement[bool]:
    """``column`` (a name) contains ``text``, found through the index of the names' characters: the names holding
    the :data:`LOOKED_UP_CHARACTERS` rarest characters of ``text`` (:func:`~.plans.character_shares` of the index of
    ``column``'s table), each checked by ``LIKE``. Every character asked for costs reading the index's list of the
    names holding it: a whole name asked for its twelve, 杭 and 州 among them (in nine names of ten), took 20 ms on
    a slow machine at 100,000 published names, and 1 ms asked for its three rarest. PostgreSQL only."""
    shares = character_shares(f"ix_{column.table.name}_name_characters")
    rarest = sorted(set(text), key=lambda character: (shares.get(character, 0.0), character))[:LOOKED_UP_CHARACTERS]
    characters = sa.literal(sorted(rarest), postgresql.ARRAY(sa.Text))
    return sa.and_(name_characters(column).op("@>")(characters), column.contains(text, autoescape=True))
