"""执法证: whether an inspector's enforcement certificate number has its issuing body's format, and what an entry is
warned of (an issuer whose format is not known, a certificate expired).

The formats are data (:file:`certificate_formats.toml`, or the file ``SPOTCHECK_CERTIFICATE_FORMATS`` names), by
issuing body: a provincial government's for the departments of its province, a ministry's for a vertically managed
department (known by words of its agency's name). A number refused names the issuer, an example and the document
that sets the format; an issuer not listed is a warning, never a refusal. An expired certificate is kept and marked
(never drawn: :mod:`.eligibility`); its entry is warned of that."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from flask_babel import LazyString, lazy_gettext as _l

from spotcheck.core import settings
from spotcheck.core.clock import today
from spotcheck.core.database import db
from spotcheck.tenants.regions.models import Region
from spotcheck.tenants.rules.rulebook import region_of_department

#: The formats the platform ships (none it could not cite: a deployment lists its issuers in a file of this form).
DEFAULT_FORMATS = Path(__file__).with_name("certificate_formats.toml")


@dataclass(frozen=True)
class Issuer:
    """An issuing body of enforcement certificates (发证机关) and its numbers' format."""

    name: str
    pattern: re.Pattern[str]
    example: str
    source: str
    province: str = ""
    agencies: tuple[str, ...] = ()


class FormatsFileError(ValueError):
    """A file of certificate formats that cannot be read, with the reason."""


def _issuer(entry: object, place: str) -> Issuer:
    if not isinstance(entry, dict):
        raise FormatsFileError(f"{place}: not a table")
    try:
        name, pattern = str(entry["name"]).strip(), re.compile(str(entry["pattern"]))
        example, source = str(entry["example"]).strip(), str(entry["source"]).strip()
    except KeyError as missing:
        raise FormatsFileError(f"{place}: {missing.args[0]} is missing") from None
    except re.error as wrong:
        raise FormatsFileError(f"{place}: the pattern is not a regular expression ({wrong})") from None
    province, agencies = str(entry.get("province") or "").strip(), entry.get("agencies") or []
    if not (name and example and source) or bool(province) == bool(agencies):
        raise FormatsFileError(f"{place}: give name, example, source, and either province or agencies")
    if province and not re.fullmatch(r"\d{2}", province):
        raise FormatsFileError(f"{place}: province is the two first digits of a region code")
    if not pattern.fullmatch(example):
        raise FormatsFileError(f"{place}: the example {example!r} does not match the pattern")
    return Issuer(name, pattern, example, source, province, tuple(str(word) for word in agencies))


@lru_cache(maxsize=4)
def read_formats(path: str) -> tuple[Issuer, ...]:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise FormatsFileError(f"{path}: {error}") from None
    return tuple(_issuer(entry, f"{path}, issuer {n}") for n, entry in enumerate(data.get("issuer") or [], 1))


def issuers() -> tuple[Issuer, ...]:
    """The issuing bodies whose formats are known (``SPOTCHECK_CERTIFICATE_FORMATS``, else the platform's file)."""
    return read_formats(str(settings.get("SPOTCHECK_CERTIFICATE_FORMATS") or DEFAULT_FORMATS))


def issuer_of(agency: str, region_code: str | None) -> Issuer | None:
    """Who issues the certificates of an inspector of ``agency`` in a department of ``region_code``: the ministry of a
    vertically managed agency (a word of its name), else the government of the department's province; None: not
    known."""
    known = issuers()
    for issuer in known:
        if issuer.agencies and any(word and word in (agency or "") for word in issuer.agencies):
            return issuer
    province = (region_code or "")[:2]
    return next((issuer for issuer in known if issuer.province and issuer.province == province), None)


def department_region_code(tenant_id: int | None) -> str | None:
    """The region code (行政区划代码) of department ``tenant_id`` (None: none, or no tree loaded)."""
    region_id = region_of_department(tenant_id) if tenant_id is not None else None
    region = db.session.get(Region, region_id) if region_id is not None else None
    return region.code if region is not None else None


def format_refusal(cert_no: str, issuer: Issuer | None) -> LazyString | None:
    """Why ``cert_no`` is not a number ``issuer`` gives (None: it is, or the issuer is not known)."""
    if issuer is None or issuer.pattern.fullmatch(cert_no):
        return None
    return _l(
        "Not a certificate number of %(issuer)s (e.g. %(example)s): %(source)s.",
        issuer=issuer.name,
        example=issuer.example,
        source=issuer.source,
    )


def warnings(agency: str, cert_no: str, expires_on: date | None, region_code: str | None) -> list[str]:
    """What an inspector's entry is warned of (kept, not refused): an issuer whose format is not known (the number is
    not checked), a certificate expired (kept and marked; the inspector is not drawn while it is)."""
    said = []
    if cert_no and issuer_of(agency, region_code) is None:
        said.append(
            str(
                _l(
                    "The format of the certificate numbers of this agency's issuing body is not known: the number "
                    "%(cert_no)s was kept without being checked.",
                    cert_no=cert_no,
                )
            )
        )
    if expires_on is not None and expires_on < today():
        said.append(
            str(
                _l(
                    "The certificate expired on %(day)s: the entry is kept and marked expired, and the inspector is "
                    "not drawn until a valid certificate is entered.",
                    day=expires_on.isoformat(),
                )
            )
        )
    return said
