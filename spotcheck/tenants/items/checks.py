"""Checking an item's fields (一单 · 事项要素) against their declaration (:mod:`.inputs`):
normalising what users type, and what a published item must state (明确抽查主体、依据、对象、内容、
方式、比例和频次)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l

from spotcheck.core.scoping import current_tenant_id
from spotcheck.tenants.common.validators import InvalidValueError
from spotcheck.tenants.common.vocabulary import reference, sampling
from spotcheck.tenants.items.inputs import (
    CHOICE,
    CODES,
    FIELDS,
    FLAG,
    NON_RANDOM_REASON,
    SAMPLING_KINDS,
    TO_PUBLISH,
    ItemField,
)
from spotcheck.tenants.rules.rulebook import rules_for


def _clean_sampling(data: dict, clean: dict, errors: dict) -> None:
    """抽查比例 and 抽查频次 of ``data``, where given: a ratio in basis points (more than 0, at most 100 %)
    or none; a frequency as a number of times per period, both given, or neither."""
    ratio, times, period = (_named(kind) for kind in SAMPLING_KINDS)
    if ratio in data:
        value = data[ratio]
        try:
            clean[ratio] = None if value is None or value == "" else sampling.ratio(value)
        except InvalidValueError as invalid:
            errors[ratio] = [invalid.message]
    given = [name for name in (times, period) if name in data]
    if len(given) == 1:
        errors[given[0]] = [sampling.PAIR_REFUSAL]
    elif given:
        mistakes: dict = {}
        value = sampling.checked_frequency(data[times], data[period], mistakes)
        errors.update(mistakes)
        if not mistakes:
            clean[times], clean[period] = value


def _named(kind: str) -> str:
    """The one field of a sampling kind (抽查比例, 抽查频次's times and period)."""
    return next(field.name for field in FIELDS if field.kind == kind)


def _codes(field: ItemField, value: Iterable[str] | None, clean: dict, errors: dict) -> None:
    """Codes of the field's list, each given as its code or its Chinese name; unknown ones are refused."""
    codes: list[str] = []
    unknown: list[Any] = []
    for entry in value or []:
        code = reference.code_for(field.choices or {}, entry)
        (codes if code else unknown).append(code or entry)
    if unknown:
        errors[field.name] = [_l("Unknown code(s): %(codes)s", codes="、".join(map(str, unknown)))]
    clean[field.name] = sorted(set(codes))


def clean_item_fields(data: dict) -> tuple[dict, dict[str, list]]:
    """Normalise the editable fields of an item, as :mod:`~spotcheck.tenants.items.inputs` declares
    them; returns the clean values and the errors per field."""
    clean: dict[str, Any] = {}
    errors: dict[str, list[Any]] = {}
    for field in FIELDS:
        name = field.name
        if name not in data or field.kind in SAMPLING_KINDS:
            continue  # the sampling values below
        value = data[name]
        if field.kind == CODES:
            _codes(field, value, clean, errors)
        elif field.kind == CHOICE:
            clean[name] = reference.code_for(field.choices or {}, value)
            if clean[name] is None:
                errors[name] = [field.unknown]
        elif field.kind == FLAG:
            clean[name] = bool(value)
        else:
            text = ("" if value is None else str(value)).strip()
            if field.longest and len(text) > field.longest:
                errors[name] = [_l("At most %(n)d characters.", n=field.longest)]
            clean[name] = text
    _clean_sampling(data, clean, errors)
    for field in FIELDS:
        if field.required and field.name in clean and not clean[field.name]:
            errors[field.name] = [field.missing]
    return clean, errors


def absent_required(fields: dict) -> dict[str, list]:
    """The refusals of the required fields a new item does not give (its name)."""
    return {field.name: [field.missing] for field in FIELDS if field.required and field.name not in fields}


def missing_for_publication(values: dict) -> dict[str, list]:
    """What an item with these field values lacks to be published, by field (empty: complete): every item its
    basis, body, targets, content and methods — an inspection item is published before it is used (the national
    floor's ``published_items_only``, 国办发〔2024〕54号: 清理并公布行政检查事项), and stated in full; one under random
    checking its ratio and frequency; one kept out of random checking the written reason where the rules ask it
    (``non_random_reason_required``, e.g. 宁安市's 第2条: 书面说明理由). Each refusal cites the rules in force."""
    rules = rules_for(current_tenant_id())
    errors: dict[str, list] = {}
    random = bool(values.get("random_check", True))
    for field in TO_PUBLISH:
        if field.random_only and not random:
            continue
        value = values.get(field.name)
        if not (value if isinstance(value, list) else str(value or "").strip()):
            errors[field.name] = [
                _l(
                    "%(rule)san inspection item is published, stating its basis, body, targets, "
                    "content, methods, ratio and frequency, before it is used: it is published only "
                    "with %(field)s.",
                    rule=rules.under("published_items_only"),
                    field=field.to_publish,
                )
            ]
    if not random and rules.non_random_reason_required and not str(values.get(NON_RANDOM_REASON) or "").strip():
        errors[NON_RANDOM_REASON] = [
            _l(
                "%(rule)san item kept out of random checking is published only with the written reason.",
                rule=rules.under("non_random_reason_required"),
            )
        ]
    return errors
