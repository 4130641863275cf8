"""What a rules document says (规则文件的内容): its head, its articles, and for each parameter a value with the
article that sets it, or that it leaves it open — the :class:`Document` a rules file is read into
(:mod:`.rulefile`) and stored as. The national floor's articles are dated (``since``): :meth:`Document.as_of`
is the floor as it stood on a day, so that an article added later never rewrites an earlier period's rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any


def article_numbers(article: str) -> list[str]:
    """The article numbers an ``article`` field cites (``第9条、第10条`` → two)."""
    return [part.strip() for part in re.split(r"[、，,]", article or "") if part.strip()]


@dataclass(frozen=True)
class Article:
    number: str  # as the document numbers it: 第9条, 三（三）, 附件4
    text: str
    since: date | None = None  # the national floor's articles: the day it is in force from (施行日期)


@dataclass(frozen=True)
class Source:
    """One document of the national floor (企业信息公示暂行条例, …), with the articles it is cited by."""

    id: str
    title: str
    number: str
    issuer: str
    articles: tuple[Article, ...]


@dataclass(frozen=True)
class Entry:
    """What a document says of one parameter: a value and the article that sets it, or that it leaves
    it open (``value`` None) and why."""

    value: Any = None
    article: str = ""
    open_note: str = ""
    source: str = ""  # the national floor's document (Source.id)

    @property
    def is_set(self) -> bool:
        return self.value is not None


@dataclass(frozen=True)
class Document:
    kind: str
    title: str
    short_title: str
    issuer: str
    number: str
    issued_on: date | None
    effective_from: date
    place: str
    note: str
    articles: tuple[Article, ...]
    entries: dict[str, Entry]
    sources: tuple[Source, ...] = field(default_factory=tuple)
    #: A department's rules started from another's preset (以其他部门的细则为起点): that document's title. Its
    #: articles are the other document's words, unconfirmed until the department loads rules of its own.
    based_on: str = ""

    def article(self, number: str, source: str = "") -> Article | None:
        pool = next((s.articles for s in self.sources if s.id == source), ()) if source else self.articles
        return next((a for a in pool if a.number == number), None)

    def source(self, source_id: str) -> Source | None:
        return next((s for s in self.sources if s.id == source_id), None)

    def since(self, entry: Entry) -> date | None:
        """The day the national floor's ``entry`` is in force from: that of the latest article it cites
        (None: a document of another kind, whose version has its own 施行日期)."""
        source = self.source(entry.source) if entry.source else None
        if source is None:
            return None
        cited = {entry.article, *article_numbers(entry.article)}
        dates = [a.since for a in source.articles if a.number in cited and a.since]
        return max(dates, default=None)

    @property
    def epochs(self) -> tuple[date, ...]:
        """The days the national floor changes on (an article comes into force), in order."""
        return tuple(sorted({a.since for s in self.sources for a in s.articles if a.since is not None}))

    def as_of(self, day: date) -> Document:
        """The national floor as it stood on ``day``: only the articles in force that day, and only the
        entries whose articles are (an article added later never rewrites an earlier period's rules)."""
        sources = tuple(
            replace(s, articles=tuple(a for a in s.articles if a.since is None or a.since <= day)) for s in self.sources
        )
        dated = replace(self, sources=tuple(s for s in sources if s.articles))
        entries = {
            key: entry
            for key, entry in self.entries.items()
            if not entry.source or ((since := dated.since(entry)) is not None and since <= day)
        }
        return replace(dated, entries=entries)
