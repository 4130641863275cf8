"""The Chinese UI (界面中文化): every source string is translated, and the shipped .mo matches the .po.

Translators' workflow (see the header of messages.po):
    pybabel extract -F babel.cfg -k _l -o messages.pot .
    pybabel update -i messages.pot -d spotcheck/translations -l zh_Hans_CN
    pybabel compile -d spotcheck/translations -D messages

The catalog lives under zh_Hans_CN: the app's locale is "zh_CN", which Babel parses (likely
subtags) as zh_Hans_CN, and that is the folder name Flask-Babel looks up.
"""

from __future__ import annotations

import functools
import io
import re
from pathlib import Path

import pytest
from babel import Locale
from babel.messages import frontend
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

ROOT = Path(__file__).resolve().parents[2]
BABEL_CFG = ROOT / "babel.cfg"
TRANSLATIONS = ROOT / "spotcheck" / "translations"
LC_MESSAGES = TRANSLATIONS / "zh_Hans_CN" / "LC_MESSAGES"
#: BABEL_DEFAULT_LOCALE and the "中文" choice in the language switcher (spotcheck/platform/config.py).
APP_LOCALE = "zh_CN"
PO_FILE = LC_MESSAGES / "messages.po"
MO_FILE = LC_MESSAGES / "messages.mo"

#: The same keywords as ``pybabel extract -k _l``: gettext, _ and friends, plus lazy_gettext imported as _l.
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}

#: A printf-style placeholder with a name, e.g. %(name)s or %(n)d.
PLACEHOLDER = re.compile(r"%\((\w+)\)[#0 +\-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")


def _method_map():
    parse = getattr(frontend, "parse_mapping_cfg", None) or frontend.parse_mapping
    with BABEL_CFG.open(encoding="utf-8") as fileobj:
        method_map, options_map = parse(fileobj)
    return method_map, options_map


@functools.cache
def _extracted() -> dict:
    """msgid (and context) -> the places it is used, from the sources as babel.cfg describes them."""
    method_map, options_map = _method_map()
    found: dict = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(ROOT),
        method_map,
        options_map,
        keywords=KEYWORDS,
        strip_comment_tags=True,
    ):
        key = (message if isinstance(message, str) else tuple(message), context)
        found.setdefault(key, []).append(f"{filename}:{lineno}")
    return found


@functools.cache
def _po_catalog():
    with PO_FILE.open("rb") as fileobj:
        return read_po(fileobj)


def _translated(catalog) -> dict:
    """The messages a compiled catalog would serve: {(msgid, context): msgstr}, header excluded."""
    return {(m.id, m.context): m.string for m in catalog if m.id}


def _is_translated(message) -> bool:
    if message is None or message.fuzzy:
        return False
    strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
    return bool(strings) and all(s and s.strip() for s in strings)


@pytest.mark.seconds(4)
def test_babel_cfg_covers_python_and_templates():
    method_map, _ = _method_map()
    methods = dict(method_map)
    assert methods.get("spotcheck/**.py") == "python"
    assert methods.get("spotcheck/platform/templates/**.html") == "jinja2"
    extracted = {msgid for msgid, _ in _extracted()}
    # one string from a template _(), one from gettext as _, one from lazy_gettext as _l
    assert {"Sign in", "You have signed out.", "Wrong login or password."} <= extracted


def test_the_app_locale_finds_the_chinese_catalog():
    # What Flask-Babel does for a request: parse the selected locale, load <dir>/<locale>/LC_MESSAGES.
    translations = Translations.load(str(TRANSLATIONS), [Locale.parse(APP_LOCALE)], "messages")
    assert isinstance(translations, Translations), (
        f"no catalog is found for locale {APP_LOCALE!r} (parsed as {Locale.parse(APP_LOCALE)}) "
        f"under {TRANSLATIONS.relative_to(ROOT)}: the UI would stay in English"
    )
    assert translations.gettext("Sign in") == "登录"


def test_every_ui_string_has_a_chinese_translation():
    catalog = _po_catalog()
    missing = []
    for (msgid, context), places in sorted(_extracted().items(), key=lambda item: item[1][0]):
        if not _is_translated(catalog.get(msgid, context)):
            missing.append(f"{msgid!r} ({places[0]})")
    assert not missing, (
        f"{len(missing)} UI string(s) lack a Chinese translation in {PO_FILE.relative_to(ROOT)} "
        "(run pybabel extract/update, translate, compile):\n  " + "\n  ".join(missing)
    )


def test_po_has_no_fuzzy_or_empty_entries():
    bad = [m.id for m in _po_catalog() if m.id and not _is_translated(m)]
    assert not bad, f"fuzzy or untranslated entries in messages.po: {bad}"


def test_committed_mo_matches_the_po():
    compiled = io.BytesIO()
    write_mo(compiled, _po_catalog())
    compiled.seek(0)
    expected = _translated(read_mo(compiled))
    assert MO_FILE.exists(), "messages.mo is missing: run pybabel compile -d spotcheck/translations -D messages"
    with MO_FILE.open("rb") as fileobj:
        committed = _translated(read_mo(fileobj))
    stale = sorted(str(key[0]) for key in expected.keys() | committed.keys() if expected.get(key) != committed.get(key))
    assert not stale, (
        "messages.mo is out of date with messages.po "
        f"(run pybabel compile -d spotcheck/translations -D messages); differing: {stale}"
    )


def _strings(value) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


def test_placeholders_survive_translation():
    problems = []
    for message in _po_catalog():
        if not message.id:
            continue
        source = " ".join(_strings(message.id))
        wanted = {m.group(0) for m in PLACEHOLDER.finditer(source)}
        wanted_names = set(PLACEHOLDER.findall(source))
        source_has_lone_percent = "%" in PLACEHOLDER.sub("", source).replace("%%", "")
        for translated in _strings(message.string):
            if not translated:
                continue  # reported by the translation tests
            lost = sorted(p for p in wanted if p not in translated)
            if lost:
                problems.append(f"{message.id!r} -> {translated!r}: lost {lost}")
            unknown = sorted(set(PLACEHOLDER.findall(translated)) - wanted_names)
            if unknown:
                problems.append(f"{message.id!r} -> {translated!r}: unknown placeholder(s) {unknown}")
            # Templates always %-format the translation (newstyle gettext): a lone % breaks the page.
            if "%" in PLACEHOLDER.sub("", translated).replace("%%", "") and not source_has_lone_percent:
                problems.append(f"{message.id!r} -> {translated!r}: lone % (write %% for a percent sign)")
    assert not problems, "placeholder problems in messages.po:\n  " + "\n  ".join(problems)
