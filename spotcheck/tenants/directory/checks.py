"""Checking registry rows and directory rows (两库 · 检查对象名录库), one place for the forms, the API
and the imports: what users type, normalised, with the errors per field. The limits, lists and
defaults are the declared ones (:mod:`spotcheck.tenants.directory.inputs`)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from spotcheck.tenants.common import validators
from spotcheck.tenants.common.vocabulary import reference
from spotcheck.tenants.directory.inputs import BY_NAME


def clean_entity(data: dict) -> tuple[dict, dict[str, list]]:
    """Check and normalise a registry row; the code is a 统一社会信用代码 for organisations."""
    clean: dict[str, Any] = {}
    errors: dict[str, list[Any]] = {}
    types = BY_NAME["entity_type"]
    entity_type = reference.code_for(types.choices, data.get("entity_type") or types.default)
    if entity_type is None:
        errors["entity_type"] = [_l("Unknown target type.")]
    clean["entity_type"] = entity_type
    try:
        if entity_type in reference.USCC_ENTITY_TYPES:
            clean["code"] = validators.credit_code(data.get("code"))
        else:
            clean["code"] = validators.other_target_code(data.get("code"))
    except validators.InvalidValueError as invalid:
        errors["code"] = [invalid.message]
    name = (data.get("name") or "").strip()
    if not name or len(name) > BY_NAME["name"].longest:
        errors["name"] = [_l("Enter the name (at most 200 characters).")]
    clean["name"] = name
    for key, check in (("industry_code", validators.industry_code), ("region_code", validators.region_code)):
        try:
            clean[key] = check(data.get(key))
        except validators.InvalidValueError as invalid:
            errors[key] = [invalid.message]
    clean["address"] = (data.get("address") or "").strip()[: BY_NAME["address"].longest]
    status = reference.code_for(BY_NAME["status"].choices, data.get("status") or BY_NAME["status"].default)
    if status is None:
        errors["status"] = [_l("Unknown registration status.")]
    clean["status"] = status
    clean["abnormal"] = validators.parse_flag(data.get("abnormal"))
    clean["blacklisted"] = validators.parse_flag(data.get("blacklisted"))
    clean["penalized_on"] = validators.past_date(data.get("penalized_on"), "penalized_on", errors)
    try:
        clean["complaints"] = int(data.get("complaints") or 0)
        if clean["complaints"] < 0:
            raise ValueError
    except (TypeError, ValueError):
        errors["complaints"] = [_l("Enter a whole number of 0 or more.")]
    rating = data.get("credit_rating") or None
    if rating is not None:
        rating = str(rating).strip().upper()[:1] or None
        if rating and rating not in BY_NAME["credit_rating"].choices:
            errors["credit_rating"] = [_l("The credit rating is A, B, C or D.")]
    clean["credit_rating"] = rating
    return clean, errors


def risk_code(value: object) -> str | None:
    """The risk class code (A–D) for ``value`` given as a letter or as a word (高/较高/一般/低)."""
    risk = str(value or "").strip()
    if risk.upper() in BY_NAME["risk"].choices:
        return risk.upper()
    return next(
        (c for style in reference.RISK_LABEL_STYLES.values() for c, label in style.items() if label == risk), None
    )


def clean_entry(data: dict) -> tuple[dict, dict[str, list]]:
    """Check and normalise a department's directory fields."""
    clean: dict[str, Any] = {}
    errors: dict[str, list[Any]] = {}
    clean["category"] = (data.get("category") or "").strip()[: BY_NAME["category"].longest]
    code = risk_code(data.get("risk") or BY_NAME["risk"].default)
    if code is None:
        errors["risk"] = [_l("The risk class is A, B, C or D (or 高, 较高, 一般, 低).")]
    clean["risk"] = code
    tags = data.get("tags") or []
    if isinstance(tags, str):
        tags = tags.replace("，", ",").replace("、", ",").split(",")
    tags = sorted({t.strip() for t in tags if t and t.strip()})
    clean["tags"] = ("," + ",".join(tags) + ",") if tags else ""
    if len(clean["tags"]) > BY_NAME["tags"].longest:
        errors["tags"] = [_l("Too many tags.")]
    clean["last_inspected_on"] = validators.past_date(data.get("last_inspected_on"), "last_inspected_on", errors)
    return clean, errors


#: At most this many operating places (一照多址) a business lists besides its registered one.
MAX_PLACES = 50


def clean_places(value: object) -> tuple[list[tuple[str, str]], list[str]]:
    """A business's operating places (一照多址): a list of ``{"region_code", "address"}``, or text of one place a line
    (区划代码 then the address, 231083100 黑龙江省牡丹江市海林市…); each place once. The problems name the line."""
    if value is None or value == "":
        return [], []
    if isinstance(value, str):
        rows: list = []
        for line in value.replace("\r", "").split("\n"):
            if line.strip():
                code, _, address = line.strip().replace("\u3000", " ").partition(" ")
                rows.append({"region_code": code, "address": address})
    elif isinstance(value, list):
        rows = value
    else:
        return [], ["经营场所应逐行填写：区划代码、空格、地址。"]
    if len(rows) > MAX_PLACES:
        return [], [f"经营场所最多{MAX_PLACES}处。"]
    places: list[tuple[str, str]] = []
    problems: list[str] = []
    for number, row in enumerate(rows, 1):
        if not isinstance(row, dict):
            problems.append(f"第{number}处经营场所：请填写区划代码和地址。")
            continue
        try:
            code = validators.region_code(str(row.get("region_code") or ""))
        except validators.InvalidValueError:
            problems.append(f"第{number}处经营场所：区划代码为6位（GB/T 2260），或乡镇的9位、12位统计用区划代码。")
            continue
        address = str(row.get("address") or "").strip()[: BY_NAME["address"].longest]
        if (code, address) in places:
            problems.append(f"第{number}处经营场所与前面的重复。")
            continue
        places.append((code, address))
    return places, problems
