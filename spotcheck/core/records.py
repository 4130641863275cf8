"""Typed records (记录对象): a page's data is a frozen dataclass; a screen extends the domain's page object with what
the web layer adds (the form, the other domains' additions), built from the page's own fields."""

from __future__ import annotations

import dataclasses
from typing import Any


def fields_of(record: Any) -> dict[str, Any]:
    """A dataclass instance's fields by name, as they are (not copied, unlike :func:`dataclasses.asdict`): what a
    subclass's constructor takes to extend it, ``Screen(**fields_of(page), form=…)``."""
    return {field.name: getattr(record, field.name) for field in dataclasses.fields(record)}
