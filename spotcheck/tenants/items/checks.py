"""Checking an item's fields (一单 · 事项要素): normalising what users type, and what a published
item must state (明确抽查主体、依据、对象、内容、方式、比例和频次)."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from spotcheck.tenants.common.validators import Invalid
from spotcheck.tenants.common.vocabulary import reference, sampling
from spotcheck.tenants.items.vocabulary import ITEM_FIELDS, RANDOM_ONLY, REQUIRED_TO_PUBLISH, TEXT_LIMITS


def _clean_sampling(data: dict, clean: dict, errors: dict) -> None:
    """抽查比例 and 抽查频次 of ``data``, where given: a ratio in basis points (more than 0, at most 100 %)
    or none; a frequency as a number of times per period, both given, or neither."""
    if "ratio_bp" in data:
        value = data["ratio_bp"]
        try:
            clean["ratio_bp"] = None if value is None or value == "" else sampling.ratio(value)
        except Invalid as invalid:
            errors["ratio_bp"] = [invalid.message]
    given = [name for name in ("frequency_times", "frequency_period") if name in data]
    if len(given) == 1:
        errors[given[0]] = [sampling.PAIR_REFUSAL]
    elif given:
        mistakes: dict = {}
        value = sampling.checked_frequency(data["frequency_times"], data["frequency_period"], mistakes)
        errors.update(mistakes)
        if not mistakes:
            clean["frequency_times"], clean["frequency_period"] = value


def clean_item_fields(data: dict) -> tuple[dict, dict[str, list]]:
    """Normalise the editable fields of an item; returns the clean values and the errors per field."""
    clean: dict[str, Any] = {}
    errors: dict[str, list[Any]] = {}
    for name in ITEM_FIELDS:
        if name not in data:
            continue
        value = data[name]
        if name in ("ratio_bp", "frequency_times", "frequency_period"):
            continue  # below, as values
        if name in ("methods", "inspector_categories"):
            table = reference.CHECK_METHODS if name == "methods" else reference.ENFORCEMENT_CATEGORIES
            codes: list[str] = []
            unknown: list[Any] = []
            for entry in value or []:
                code = reference.code_for(table, entry)
                (codes if code else unknown).append(code or entry)
            if unknown:
                errors[name] = [_l("Unknown code(s): %(codes)s", codes="、".join(map(str, unknown)))]
            clean[name] = sorted(set(codes))
        elif name == "field":
            clean[name] = reference.code_for(reference.ITEM_FIELDS, value)
            if clean[name] is None:
                errors[name] = [_l("Choose market-regulation field or other field.")]
        elif name == "kind":
            clean[name] = reference.code_for(reference.ITEM_KINDS, value)
            if clean[name] is None:
                errors[name] = [_l("Choose general or key inspection item.")]
        elif name == "random_check":
            clean[name] = bool(value)
        else:
            text = ("" if value is None else str(value)).strip()
            if name in TEXT_LIMITS and len(text) > TEXT_LIMITS[name]:
                errors[name] = [_l("At most %(n)d characters.", n=TEXT_LIMITS[name])]
            clean[name] = text
    _clean_sampling(data, clean, errors)
    if "name" in clean and not clean["name"]:
        errors["name"] = [_l("Enter the item's name.")]
    return clean, errors


def missing_for_publication(values: dict) -> dict[str, list]:
    """What an item with these field values lacks to be published, by field (empty: complete):
    every item its basis, body, targets, content and methods (凡法律、法规、规章没有规定的，一律不得擅自开展
    检查); one under random checking its ratio and frequency; one kept out of random checking the
    written reason (seed 001: 书面说明理由)."""
    errors: dict[str, list] = {}
    random = bool(values.get("random_check", True))
    for name, label in REQUIRED_TO_PUBLISH.items():
        if name in RANDOM_ONLY and not random:
            continue
        value = values.get(name)
        if not (value if isinstance(value, list) else str(value or "").strip()):
            errors[name] = [_l("Following “凡法律、法规、规章没有规定的，一律不得擅自开展检查” and “明确抽查主体、依据、"
                               "对象、内容、方式、比例和频次”, an item is published only with %(field)s.", field=label)]
    if not random and not str(values.get("non_random_reason") or "").strip():
        errors["non_random_reason"] = [_l("Following “因本单位执法领域特殊不适宜采取‘双随机、一公开’监管方式的，应当书面说明"
                                          "理由”, an item kept out of random checking is published only with the "
                                          "written reason.")]
    return errors
