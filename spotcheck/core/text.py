"""Text the platform accepts (文本字符): no control characters but tab and line breaks, no
unpaired surrogates, no non-characters. Such characters come from copy and paste or from hostile
input; stored, they would break a spreadsheet export, a document or a database query. Every
command refuses them, naming the field (:mod:`spotcheck.core.commands`), and so does every import."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from flask_babel import lazy_gettext as _l

#: C0 controls but tab, line feed and carriage return; unpaired surrogates; U+FFFE and U+FFFF.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
MESSAGE = _l(
    "This text contains a control character that cannot be stored (often left by copy and paste); "
    "remove it and try again."
)


def has_forbidden(text: str) -> bool:
    return FORBIDDEN.search(text) is not None


def forbidden_fields(value: object, field: str) -> Iterator[str]:
    """The fields under ``field`` whose text has a forbidden character: a string is ``field``
    itself, a dict's entries are their keys (the top-level key names the field), lists and tuples
    are walked."""
    if isinstance(value, str):
        if has_forbidden(value):
            yield field
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and has_forbidden(key):
                yield field
            yield from forbidden_fields(item, str(key) if field in ("data", "values", "fields") else field)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            yield from forbidden_fields(item, field)


def problems(arguments: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [message]}`` for every argument (by name) holding a forbidden character."""
    found: dict[str, list[Any]] = {}
    for name, value in arguments.items():
        for field in forbidden_fields(value, name):
            found.setdefault(field, [MESSAGE])
    return found


def required_text(value: object, key: str, errors: dict[str, Any], *, limit: int, missing: object) -> str:
    """A text that must be given (a name, a title), stripped: ``missing`` when empty, the length
    limit when too long (never "enter it" for a text that was entered); the error under ``key``."""
    text = str(value or "").strip()
    if not text:
        errors[key] = [missing]
    elif len(text) > limit:
        errors[key] = [_l("At most %(limit)d characters (%(given)d given).", limit=limit, given=len(text))]
    return text


def whole_number(value: object, *, digits: int = 9) -> int | None:
    """A whole number (整数) a user typed or a link carried — a page number, a year, an id — or
    ``None`` for anything else. Only ASCII digits count, at most ``digits`` of them: ``str.isdigit``
    also takes "²" or "١٢", which ``int()`` then refuses or reads as another number."""
    if isinstance(value, bool):
        return None
    text = str(value) if isinstance(value, int) else value
    if not isinstance(text, str) or not 0 < len(text) <= digits or not (text.isascii() and text.isdigit()):
        return None
    return int(text)


def whole_numbers(values: Iterable[object] | None, *, digits: int = 9) -> list[int]:
    """Every value of ``values`` that is a :func:`whole_number` (the ids ticked on a list)."""
    return [number for number in (whole_number(value, digits=digits) for value in values or ()) if number is not None]


#: What may close a sentence as it is (感叹号、问号、省略号); a full stop, comma, semicolon or colon at the
#: end of a text is replaced by the one full stop a sentence ends with.
_OWN_ENDS = "！？!?…"
_TRAILING = "。．.；;，,、：: \t\n"


def sentence(text: object) -> str:
    """``text`` (a typed reason, a name, a clause) as one sentence ending with one full stop (句号),
    to be followed by another: "请补充照片。" and "请补充照片" both give "请补充照片。"; "为什么？" stays;
    so a message joining texts never reads "。。" or "；。". Empty text gives an empty string."""
    text = str(text or "").strip()
    if text.endswith(tuple(_OWN_ENDS)):
        return text
    text = text.rstrip(_TRAILING)
    return f"{text}。" if text else ""


def clauses(texts: Iterable[object], separator: str = "；") -> str:
    """Texts joined as the clauses of one sentence (分句, by default with "；"), each without its own
    closing mark, the whole ending with one full stop: ``["甲。", "乙；"]`` → "甲；乙。"."""
    parts = [str(t or "").strip().rstrip(_TRAILING + _OWN_ENDS) for t in texts]
    return sentence(separator.join(part for part in parts if part))
