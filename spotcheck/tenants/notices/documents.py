"""Documents as PDF (文书): HTML templates in the shape of official documents (issuer, document
number 文号, date, seal placeholder) rendered by WeasyPrint with a CJK font.

The templates are plain Jinja2 (no web request needed: a Celery worker renders them). Documents
are in Chinese whatever the reader's interface language: they are official papers.
"""
from __future__ import annotations

from datetime import date

import jinja2

_env = jinja2.Environment(loader=jinja2.PackageLoader("spotcheck.tenants.notices", "templates"),
                          autoescape=jinja2.select_autoescape(["html"]), undefined=jinja2.StrictUndefined)


def chinese_date(day: date) -> str:
    """2026年11月23日 (GB/T 9704: the date of issue in Arabic numerals)."""
    return f"{day.year}年{day.month}月{day.day}日"


def window(start: date, end: date) -> str:
    return f"{chinese_date(start)}至{chinese_date(end)}"


def html(template: str, **context) -> str:
    return _env.get_template(f"{template}.html").render(**context)


def pdf(template: str, **context) -> bytes:
    """The document as PDF bytes."""
    from weasyprint import HTML  # heavy: loaded by the processes that write documents only

    return HTML(string=html(template, **context)).write_pdf()
