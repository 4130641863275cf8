"""Where a rule in force comes from (出处): the document as it is cited (:class:`DocumentRef`: 《标题》（文号）) and a
value's source with its article (:class:`Cited`: 根据《……》第9条，), or the note of a platform default or of a
parameter left open — what every refusal, due date and table names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class DocumentRef:
    """A document the rules come from, as it is cited: its title, 文号 and the version loaded."""

    kind: str  # national / rulebook / department
    title: str
    short_title: str
    number: str
    effective_from: date | None
    version_id: int | None = None

    @property
    def name(self) -> str:
        return f"《{self.title}》" + (f"（{self.number}）" if self.number else "")

    @property
    def short_name(self) -> str:
        """By its short title, as a table cites it: 《宁安市实施方案》; a national document keeps its 文号 (its title is
        its only name)."""
        return self.name if self.kind == "national" else f"《{self.short_title}》"


@dataclass(frozen=True)
class Cited:
    """Where a value in force comes from (出处): the source, the document and its article, or the note
    of a platform default or of a parameter left open."""

    source: str  # national / rulebook / department / platform / open
    document: DocumentRef | None = None
    article: str = ""
    note: str = ""
    said_by: DocumentRef | None = None  # an open parameter: the document whose note says so

    @property
    def citation(self) -> str:
        """《宁安市……实施方案》第9条 — empty for a platform default or an open parameter."""
        return self.document.name + self._article if self.document is not None else ""

    @property
    def short(self) -> str:
        """The citation by the document's short title (《宁安市实施方案》第3条), for a table; what a platform
        default or an open parameter says of itself otherwise."""
        return self.document.short_name + self._article if self.document is not None else self.note

    @property
    def _article(self) -> str:
        return self.article if self.article not in ("", "全文") else ""

    @property
    def words(self) -> str:
        """The citation, or what a platform default or an open parameter says of itself."""
        if self.source == "platform":
            return f"平台默认（{self.note}）" if self.note else "平台默认"
        if self.source == "open":
            if not self.note:
                return "未规定"
            return f"未规定（{'《' + self.said_by.short_title + '》：' if self.said_by else ''}{self.note}）"
        return self.citation
