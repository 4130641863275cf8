"""A rules file (规则文件): the TOML text a city's rulebook (实施方案), a department's rules (细则) or the
national floor (国家规定) is loaded from and shown as, read whole and checked key by key.

::

    [document]
    kind = "rulebook"                 # rulebook 实施方案 · department 细则
    title = "……实施方案"
    short_title = "宁安市实施方案"
    issuer = "宁安市人民政府办公室"
    number = ""                       # 文号 (empty: the document has none)
    issued_on = 2019-05-23            # 印发日期
    effective_from = 2019-05-23       # 施行日期: the version applies from this day
    place = "宁安市"                  # the deployment's place (rulebook only)

    [[articles]]
    number = "第3条"
    text = "……"

    [report_days]                     # a parameter the document sets, with the article that sets it
    value = 5
    article = "四、（三）"

    [coverage_market]                 # a parameter the document leaves open, saying so
    open = "本方案未规定覆盖率目标。"

A parameter not named is open. :func:`read` gives a :class:`Document` or raises
:class:`~spotcheck.core.errors.ValidationFailed` naming every bad key with the reason in Chinese;
:func:`write` gives the text back (comments say what each key is), so that reading what was written
gives the same document.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from datetime import date
from typing import Any

import tomlkit
from tomlkit.items import AoT, Table

from spotcheck.core.errors import InvalidInputError
from spotcheck.tenants.rules.documents import Article, Document, Entry, Source, article_numbers
from spotcheck.tenants.rules.kinds import BadValueError
from spotcheck.tenants.rules.parameters import BY_KEY, GROUPS, PARAMETERS, Parameter
from spotcheck.tenants.rules.vocabulary import DOCUMENT_KINDS

#: The keys of ``[document]``: name, required, longest.
DOCUMENT_FIELDS = {
    "kind": ("文件类型", True, 16),
    "title": ("标题", True, 200),
    "short_title": ("简称", True, 60),
    "issuer": ("发文机关", True, 100),
    "number": ("文号", False, 60),
    "place": ("地名", False, 30),
    "note": ("说明", False, 2000),
    "based_on": ("起点文件（条款待本部门确认）", False, 200),
}
DATE_FIELDS = {"issued_on": ("印发日期", False), "effective_from": ("施行日期", True)}
#: Parameters merged into another (old key → the one that replaced it): a file naming the old one is told so.
MERGED = {"yearly_cap": "inspection_cap"}
#: Most articles a document may cite, and the longest article text.
MAX_ARTICLES, ARTICLE_LENGTH = 200, 4000


#: The messages of a file's bad keys, by key (what :class:`InvalidInputError` carries).
Errors = dict[str, list[str]]


# --- reading --------------------------------------------------------------------------------------


def _syntax_error(error: tomllib.TOMLDecodeError) -> str:
    where = re.search(r"line (\d+), column (\d+)", str(error))
    place = f"第{where.group(1)}行第{where.group(2)}列附近" if where else "某处"
    return f"文件不是有效的 TOML 格式：{place}有误。请检查引号、等号和方括号，日期写作 2026-01-01（不加引号）。"


def _text(raw: object, name: str, required: bool, limit: int, key: str, errors: Errors) -> str:
    if raw is None and not required:
        return ""
    if not isinstance(raw, str) or (required and not raw.strip()) or len(raw) > limit:
        errors[key] = [f"{name}应为{'1' if required else '0'}至{limit}个字符的文字。"]
        return ""
    return raw.strip()


def _day(raw: object) -> date | None:
    """A date of the file (2026-01-01, unquoted), or None when it is not one."""
    if isinstance(raw, date) and not hasattr(raw, "hour") and 2000 <= raw.year <= 2100:
        return raw
    return None


def _articles(raw: object, key: str, errors: Errors, *, dated: bool = False) -> tuple[Article, ...]:
    """The articles of a document; ``dated``: each of the national floor's carries the day it is in force
    from (``since``), so that an article added later never rewrites an earlier period's rules."""
    if raw is None:
        return ()
    if not isinstance(raw, list) or len(raw) > MAX_ARTICLES:
        errors[key] = [f"应为条款的列表（[[{key}]]，每项写 number 和 text），至多{MAX_ARTICLES}条。"]
        return ()
    allowed = {"number", "text", "since"} if dated else {"number", "text"}
    found: list[Article] = []
    seen: set[str] = set()
    for index, article in enumerate(raw, start=1):
        where = f"{key}[{index}]"
        if not isinstance(article, dict) or set(article) - allowed:
            errors[where] = [
                "每条条款只写 number（条款号，如“第9条”）、text（原文）和 since（施行日期）。"
                if dated
                else "每条条款只写 number（条款号，如“第9条”）和 text（原文）。"
            ]
            continue
        number = _text(article.get("number"), "条款号 number", True, 40, where, errors)
        text = _text(article.get("text"), "条款原文 text", True, ARTICLE_LENGTH, where, errors)
        since = _day(article.get("since")) if dated else None
        if dated and since is None:
            errors[where] = [
                "国家规定的每条条款写明 since（施行日期，写作 2019-02-15，不加引号）：此前的统计期不适用它。"
            ]
        if number and number in seen:
            errors[where] = [f"条款号“{number}”重复。"]
        seen.add(number)
        found.append(Article(number, text, since))
    return tuple(found)


def _cited(articles: list[str], pool: tuple[Article, ...], key: str, errors: Errors, where: str) -> None:
    known = {a.number for a in pool}
    missing = [n for n in articles if n not in known]
    if missing:
        errors.setdefault(key, []).append(
            "条款"
            + "、".join(f"“{n}”" for n in missing)
            + f"不在{where}的条款（[[articles]]）中：先写出条款原文，再引用。"
        )


def _entry(
    key: str,
    raw: object,
    document_kind: str,
    articles: tuple[Article, ...],
    sources: tuple[Source, ...],
    errors: Errors,
) -> Entry | None:
    parameter = BY_KEY[key]
    if not isinstance(raw, dict):
        errors[key] = ["应为一张表：value 和 article（本文件规定），或 open（本文件未规定，说明理由）。"]
        return None
    allowed = {"value", "article", "open"} | ({"source"} if document_kind == "national" else set())
    unknown = sorted(set(raw) - allowed)
    if unknown:
        errors[key] = ["未知的键 " + "、".join(unknown) + "；只能写 " + "、".join(sorted(allowed)) + "。"]
        return None
    if "open" in raw:
        said_by = {"source", "article"} if document_kind == "national" else set()
        if set(raw) - {"open"} - said_by:
            errors[key] = ["写了 open（未规定）就不写 value" + ("。" if said_by else " 和 article。")]
            return None
        note = _text(raw["open"], "open（未规定的说明）", False, 500, key, errors)
        if document_kind == "national":  # the floor's note cites the article that leaves it to each place
            source, article = _cited_article(key, raw, sources, errors)
            return Entry(open_note=note or "本文件未规定。", article=article, source=source)
        return Entry(open_note=note or "本文件未规定。")
    if "value" not in raw:
        errors[key] = ['缺少 value（取值）；本文件未规定的，写 open = "……"。']
        return None
    if document_kind == "department" and not parameter.department_may_set:
        errors[key] = [f"“{parameter.label}”由实施方案规定，部门细则不能设定。"]
        return None
    try:
        value = parameter.kind.read(raw["value"])
    except BadValueError as bad:
        errors[f"{key}.value"] = [str(bad)]
        return None
    if document_kind == "national":
        source, article = _cited_article(key, raw, sources, errors)
        return Entry(value=value, article=article, source=source)
    article = _text(raw.get("article"), "article（出处条款）", True, 100, f"{key}.article", errors)
    if article and article not in {a.number for a in articles}:
        _cited(article_numbers(article), articles, f"{key}.article", errors, "本文件")
    return Entry(value=value, article=article)


def _cited_article(key: str, raw: Mapping[str, object], sources: tuple[Source, ...], errors: Errors) -> tuple[str, str]:
    """The national floor's document (``source``) and article an entry cites, each checked."""
    article = _text(raw.get("article"), "article（出处条款）", True, 100, f"{key}.article", errors)
    source = _text(raw.get("source"), "source（出处文件）", True, 40, f"{key}.source", errors)
    if source and not any(s.id == source for s in sources):
        errors[f"{key}.source"] = [f"出处文件“{source}”不在 [[sources]] 中。"]
        return source, article
    pool = next((s.articles for s in sources if s.id == source), ())
    if article and article not in {a.number for a in pool}:
        _cited(article_numbers(article), pool, f"{key}.article", errors, f"“{source}”")
    return source, article


def _sources(raw: object, errors: Errors) -> tuple[Source, ...]:
    if not isinstance(raw, list) or not raw:
        errors["sources"] = ["国家规定应列出出处文件（[[sources]]：id、title、number、issuer、articles）。"]
        return ()
    found: list[Source] = []
    for index, source in enumerate(raw, start=1):
        where = f"sources[{index}]"
        if not isinstance(source, dict):
            errors[where] = ["应为一张表。"]
            continue
        found.append(
            Source(
                id=_text(source.get("id"), "id", True, 40, where, errors),
                title=_text(source.get("title"), "title", True, 200, where, errors),
                number=_text(source.get("number"), "number", False, 60, where, errors),
                issuer=_text(source.get("issuer"), "issuer", False, 100, where, errors),
                articles=_articles(source.get("articles"), f"{where}.articles", errors, dated=True),
            )
        )
    return tuple(found)


def _parsed(text: str) -> dict[str, object]:
    """The TOML of a rules file, or :class:`InvalidInputError` saying why it cannot be read."""
    try:
        return tomllib.loads((text or "").lstrip("\ufeff"))
    except tomllib.TOMLDecodeError as error:
        raise InvalidInputError({"file": [_syntax_error(error)]}) from None
    except RecursionError:  # arrays or tables nested hundreds deep: no rules file is
        raise InvalidInputError(
            {
                "file": [
                    "文件的数组或表一层套一层，嵌套过深，无法读取：规则文件的值至多嵌套几层"
                    "（如 duties 的表中的列表）。请检查方括号和花括号。"
                ]
            }
        ) from None


def _head(head: Mapping[str, object], expect: str | None, errors: Errors) -> dict[str, str]:
    """The text fields of ``[document]``, each checked, and the document's kind against the one expected."""
    unknown = sorted(set(head) - set(DOCUMENT_FIELDS) - set(DATE_FIELDS))
    if unknown:
        errors["document"] = ["[document] 中未知的键 " + "、".join(unknown) + "。"]
    values = {
        name: _text(head.get(name), label, required, limit, f"document.{name}", errors)
        for name, (label, required, limit) in DOCUMENT_FIELDS.items()
    }
    kind = values["kind"]
    if kind and kind not in DOCUMENT_KINDS:
        errors["document.kind"] = [
            "文件类型应为 " + "、".join(f"“{k}”（{n}）" for k, n in DOCUMENT_KINDS.items()) + "。"
        ]
    elif expect and kind and kind != expect:
        errors["document.kind"] = [
            f'这里载入的是{DOCUMENT_KINDS[expect]}（kind = "{expect}"），这个文件是{DOCUMENT_KINDS[kind]}。'
        ]
    if values["based_on"] and kind != "department":
        errors["document.based_on"] = ["只有部门细则以其他文件为起点（based_on）。"]
    if kind == "rulebook" and not values["place"]:
        errors["document.place"] = ["实施方案须写明地名（place，如“宁安市”）：页面、表名和通报用它称呼本地。"]
    return values


def _dates(head: Mapping[str, object], errors: Errors) -> dict[str, date | None]:
    """The dates of ``[document]`` (None: not given, or not a date — said in ``errors``)."""
    dates: dict[str, date | None] = {}
    for name, (label, required) in DATE_FIELDS.items():
        value = head.get(name)
        if value is None and not required:
            dates[name] = None
        elif isinstance(value, date) and not hasattr(value, "hour") and 2000 <= value.year <= 2100:
            dates[name] = value
        else:
            errors[f"document.{name}"] = [f"{label}应为日期，写作 2026-01-01（不加引号）。"]
            dates[name] = None
    return dates


def _entries(
    raw: Mapping[str, object],
    kind: str,
    articles: tuple[Article, ...],
    sources: tuple[Source, ...],
    errors: Errors,
) -> dict[str, Entry]:
    """The parameters the file names (every key but ``document``, ``articles`` and ``sources``), each checked."""
    entries: dict[str, Entry] = {}
    for key, value in raw.items():
        if key in ("document", "articles", "sources"):
            continue
        if key in MERGED:
            errors[key] = [
                f"参数“{key}”已并入“{MERGED[key]}”（{BY_KEY[MERGED[key]].label}）：请改写为 [{MERGED[key]}]。"
            ]
            continue
        if key not in BY_KEY:
            errors[key] = [f"未知的参数“{key}”；参数见 spotcheck rules show 的输出或 docs/rules.md。"]
            continue
        entry = _entry(key, value, kind, articles, sources, errors)
        if entry is not None:
            entries[key] = entry
    return entries


def read(text: str, *, expect: str | None = None) -> Document:
    """The document of a rules file, checked whole; :class:`InvalidInputError` naming every bad key
    (``expect``: the kind the caller loads — rulebook or department)."""
    raw = _parsed(text)
    errors: Errors = {}
    head = raw.get("document")
    if not isinstance(head, dict):
        raise InvalidInputError({"document": ["缺少 [document]：文件类型、标题、发文机关和施行日期等。"]})
    values = _head(head, expect, errors)
    kind = values["kind"]
    dates = _dates(head, errors)
    sources = _sources(raw.get("sources"), errors) if kind == "national" else ()
    if kind != "national" and "sources" in raw:
        errors["sources"] = ["只有国家规定列出 [[sources]]；实施方案和细则的条款写在 [[articles]] 中。"]
    articles = _articles(raw.get("articles"), "articles", errors)
    entries = _entries(raw, kind, articles, sources, errors)
    if errors:
        raise InvalidInputError(errors)
    effective_from = dates["effective_from"]
    assert effective_from is not None  # a required date: without it ``errors`` says so above
    return Document(
        kind=kind,
        title=values["title"],
        short_title=values["short_title"],
        issuer=values["issuer"],
        number=values["number"],
        issued_on=dates["issued_on"],
        effective_from=effective_from,
        place=values["place"],
        note=values["note"],
        articles=articles,
        entries=entries,
        sources=sources,
        based_on=values["based_on"],
    )


# --- writing --------------------------------------------------------------------------------------


def _article_table(articles: tuple[Article, ...]) -> AoT:
    array = tomlkit.aot()
    for article in articles:
        table = tomlkit.table()
        table["number"] = article.number
        table["text"] = tomlkit.string(article.text, multiline="\n" in article.text)
        if article.since is not None:
            table["since"] = article.since
        array.append(table)
    return array


def _head_table(document: Document) -> Table:
    """``[document]``: its text fields (the empty ones left out, but the required ones and 文号) and its dates,
    each under a comment naming it."""
    head = tomlkit.table()
    for name in DOCUMENT_FIELDS:
        value = getattr(document, name)
        if value or DOCUMENT_FIELDS[name][1] or name == "number":
            head[name] = tomlkit.string(value, multiline="\n" in value)
            head[name].comment(DOCUMENT_FIELDS[name][0])
    for name, (label, _required) in DATE_FIELDS.items():
        value = getattr(document, name)
        if value is not None:
            head[name] = value
            head[name].comment(label)
    return head


def _sources_array(sources: tuple[Source, ...]) -> AoT:
    """``[[sources]]``: the national floor's documents, each with its articles."""
    array = tomlkit.aot()
    for source in sources:
        table = tomlkit.table()
        for name in ("id", "title", "number", "issuer"):
            table[name] = getattr(source, name)
        table["articles"] = _article_table(source.articles)
        array.append(table)
    return array


def _entry_table(parameter: Parameter, entry: Entry, heading: list[str]) -> Table:
    """A parameter's table: its value and the article (and document) that sets it, or ``open`` with the note
    that says why it is not set, under the comments of ``heading``."""
    table = tomlkit.table()
    for line in heading:
        table.add(tomlkit.comment(line))
    if entry.is_set:
        table["value"] = parameter.kind.write(entry.value)
        if entry.source:
            table["source"] = entry.source
        table["article"] = entry.article
    else:
        table["open"] = entry.open_note
        if entry.source:
            table["source"] = entry.source
            table["article"] = entry.article
    return table


def write(document: Document, *, described: dict[str, str] | None = None) -> str:
    """The document as a rules file. Every parameter is written, in the catalogue's order, under a
    comment naming it; ``described`` adds a comment to a key (what is in force where the document
    is silent: the national floor, a platform default)."""
    out = tomlkit.document()
    out.add(tomlkit.comment(f"{DOCUMENT_KINDS[document.kind]}：{document.title}"))
    out.add(tomlkit.comment("编辑后在“规则集”页面（部门细则：一细则 → 现行规则）载入，整体载入或整体不载入。"))
    out["document"] = _head_table(document)
    if document.sources:
        out["sources"] = _sources_array(document.sources)
    if document.articles:
        out["articles"] = _article_table(document.articles)
    group = None
    for parameter in PARAMETERS:
        entry = document.entries.get(parameter.key)
        note = (described or {}).get(parameter.key)
        if entry is None and not note:
            continue
        heading = []
        if group != parameter.group:
            group = parameter.group
            heading.append(f"—— {GROUPS[group]} ——")
        heading.append(f"{parameter.label}：{parameter.drives}")
        if note:
            heading.append(note)
        if entry is None:  # said in comments only: the key stays unwritten (open)
            out.add(tomlkit.nl())
            for line in [*heading, f"（本文件未写 {parameter.key}）"]:
                out.add(tomlkit.comment(line))
            continue
        out[parameter.key] = _entry_table(parameter, entry, heading)
    return tomlkit.dumps(out)


# --- storing --------------------------------------------------------------------------------------


def to_json(document: Document) -> dict[str, object]:
    """The document as stored (JSON): what :func:`from_json` reads back."""

    def articles(pool: tuple[Article, ...]) -> list[dict[str, str]]:
        return [
            {"number": a.number, "text": a.text} | ({"since": a.since.isoformat()} if a.since else {}) for a in pool
        ]

    return {
        "kind": document.kind,
        "title": document.title,
        "short_title": document.short_title,
        "issuer": document.issuer,
        "number": document.number,
        "issued_on": document.issued_on.isoformat() if document.issued_on else None,
        "effective_from": document.effective_from.isoformat(),
        "place": document.place,
        "note": document.note,
        "based_on": document.based_on,
        "articles": articles(document.articles),
        "sources": [
            {"id": s.id, "title": s.title, "number": s.number, "issuer": s.issuer, "articles": articles(s.articles)}
            for s in document.sources
        ],
        "entries": {
            key: {
                "value": BY_KEY[key].kind.write(e.value) if e.is_set else None,
                "article": e.article,
                "open": e.open_note,
                "source": e.source,
            }
            for key, e in document.entries.items()
        },
    }


def from_json(data: Mapping[str, Any]) -> Document:
    """The document as :func:`to_json` stored it (the JSON of a version's row, of any release)."""

    def articles(pool: list[dict[str, str]] | None) -> tuple[Article, ...]:
        return tuple(
            Article(a["number"], a["text"], date.fromisoformat(a["since"]) if a.get("since") else None)
            for a in pool or []
        )

    entries: dict[str, Entry] = {}
    stored = dict(data.get("entries") or {})
    for old, new in MERGED.items():  # a version stored before the merge: its value is the merged one's
        if old in stored and (new not in stored or stored[new].get("value") is None):
            stored[new] = stored.pop(old)
    for key, e in stored.items():
        if key not in BY_KEY:
            continue  # a parameter a later release dropped
        value = BY_KEY[key].kind.read(e["value"]) if e.get("value") is not None else None
        entries[key] = Entry(
            value=value, article=e.get("article") or "", open_note=e.get("open") or "", source=e.get("source") or ""
        )
    return Document(
        kind=data["kind"],
        title=data["title"],
        short_title=data["short_title"],
        issuer=data["issuer"],
        number=data.get("number") or "",
        issued_on=date.fromisoformat(data["issued_on"]) if data.get("issued_on") else None,
        effective_from=date.fromisoformat(data["effective_from"]),
        place=data.get("place") or "",
        note=data.get("note") or "",
        based_on=data.get("based_on") or "",
        articles=articles(data.get("articles")),
        entries=entries,
        sources=tuple(
            Source(s["id"], s["title"], s.get("number") or "", s.get("issuer") or "", articles(s.get("articles")))
            for s in data.get("sources") or []
        ),
    )
