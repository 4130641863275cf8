"""What a reader sees of a page (页面文字), and the words in it that only a programmer would write:
an identifier (``freeze_targets``, ``draw_inspectors``), a sentence left in English, or a document named
by a number of the platform's makers (文件001) or a year left as a placeholder (ＸＸ年度).

Shared by the walk of every demo role's pages (``tests/system/test_page_wording.py``) and the
browser walks (:class:`tests.support.browsers.Walker`), which read ``document.body.innerText``.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

#: An identifier as code writes it: words joined by underscores.
IDENTIFIER = re.compile(r"(?<![\w./-])[a-z]+(?:_[a-z0-9]+)+(?![\w./-])")
#: A key as code writes it, put before Chinese text (``observer:区人大代表``): the internal name of what follows.
KEYED = re.compile(r"(?<![\w./:-])[a-z]{3,}:(?=[\u4e00-\u9fff])")
#: Three or more English words in a row (a sentence or a phrase a Chinese reader was not meant to
#: see); abbreviations, file names and hashes are single words and do not count.
ENGLISH = re.compile(r"(?<![\w.-])[A-Za-z]{2,}(?:[ ,:;]+(?:[A-Za-z]{2,}|[a-z]))(?:[ ,:;]+[A-Za-z]{2,}){1,}(?![\w.-])")
#: Words of English that are names in a Chinese page: the product, the formats, the standards.
NAMES = frozenset(
    {
        "spotcheck",
        "sha",
        "hmac",
        "json",
        "pdf",
        "api",
        "excel",
        "xlsx",
        "csv",
        "openapi",
        "utf",
        "python",
        "node",
        "id",
        "url",
        "http",
        "https",
        "english",
        "swagger",
        "ui",
        "bearer",
        "token",
        "chrome",
        "edge",
        "firefox",
        "safari",
        "wps",
        "ok",
    }
)
#: Attributes whose value the reader sees (a placeholder, a tooltip, a button's label).
_SHOWN_ATTRIBUTES = {"placeholder", "title", "aria-label", "alt"}
#: Not read: what is not shown, and a file quoted as it is (``<pre>``: a manifest, a proof's JSON; ``<textarea>``: a
#: rules file being edited).
_HIDDEN_ELEMENTS = {"script", "style", "template", "noscript", "pre", "textarea"}


class _Visible(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in _HIDDEN_ELEMENTS:
            self._hidden += 1
            return
        found = dict(attrs)
        for name in _SHOWN_ATTRIBUTES & set(found):
            self.parts.append(found[name] or "")
        if tag == "input" and (found.get("type") or "").lower() in ("submit", "button") and found.get("value"):
            self.parts.append(found["value"])

    def handle_endtag(self, tag):
        if tag in _HIDDEN_ELEMENTS and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """The text of an HTML page as a reader meets it: the elements' text and the attributes shown
    (placeholders, tooltips, buttons), one part per line; scripts, styles and quoted files left out."""
    parser = _Visible()
    parser.feed(html)
    parser.close()
    return "\n".join(part.strip() for part in parser.parts if part.strip())


#: Where a page names a document by a number only the platform's makers used (文件001, seed 003), or shows a
#: template's placeholder for the year (ＸＸ年度) instead of the period.
SEED_NUMBER = re.compile(r"(?:文件|[Ss]eeds?\s*)0{2}\d|ＸＸ|XX年")


def seed_words(text: str) -> list[str]:
    """The seed numbers and year placeholders in a page's visible text, each once, in order."""
    return list(dict.fromkeys(match.group(0) for match in SEED_NUMBER.finditer(text)))


def programmer_words(text: str) -> list[str]:
    """The identifiers and English sentences in a page's visible text, each once, in order."""
    found = [match.group(0) for pattern in (IDENTIFIER, KEYED) for match in pattern.finditer(text)] + seed_words(text)
    for line in text.splitlines():
        for match in ENGLISH.finditer(line):
            words = re.findall(r"[A-Za-z]+", match.group(0))
            if sum(word.lower() not in NAMES for word in words) >= 3:
                found.append(match.group(0))
    return list(dict.fromkeys(found))
