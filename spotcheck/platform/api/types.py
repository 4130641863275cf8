"""Field types of the API's schemas beyond marshmallow's own."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypedDict, Unpack

from marshmallow import fields, types, validate

from spotcheck.platform.routing import MAX_ID

#: Whole numbers the database can hold (PostgreSQL ``integer``): ids, counts, years, ratios.
INT32 = validate.Range(min=-(2**31), max=MAX_ID, error="Must be a whole number from {min} to {max}.")


class IntKwargs(TypedDict, total=False):
    """The keywords of :class:`marshmallow.fields.Integer` but ``validate``, which :class:`Int` extends."""

    strict: bool
    as_string: bool
    load_default: Any
    dump_default: Any
    data_key: str | None
    attribute: str | None
    required: bool
    allow_none: bool | None
    load_only: bool
    dump_only: bool
    error_messages: types.ErrorMessages | None
    metadata: Mapping[str, Any] | None


class Int(fields.Integer):
    """A whole number within the database's ``integer`` range (ids, counts, pages), so a number
    too large is a field error (422), never a query the database refuses."""

    def __init__(
        self,
        *,
        validate: types.Validator | list[types.Validator] | tuple[types.Validator, ...] | None = None,
        **kwargs: Unpack[IntKwargs],
    ) -> None:
        extra = [] if validate is None else list(validate) if isinstance(validate, (list, tuple)) else [validate]
        super().__init__(validate=[INT32, *extra], **kwargs)


class Bool(fields.Boolean):
    """``true`` or ``false`` only, as the document says: a number or a string such as ``0`` or
    ``"yes"`` is a field error (marshmallow would take them for a boolean)."""

    def _deserialize(
        self, value: object, attr: str | None, data: Mapping[str, object] | None, **kwargs: object
    ) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class SortedList(fields.List):
    """A list dumped in order: a set of names (what the caller may do) reads the same at every call."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> list[Any] | None:
        dumped = super()._serialize(value, attr, obj, **kwargs)
        return None if dumped is None else sorted(dumped)


class QueryBool(fields.Boolean):
    """A boolean of the query string (``?mine=true``): ``true`` or ``false`` as text."""

    truthy = frozenset({True, "true"})  # type: ignore[assignment]  # marshmallow reads it with `in` only
    falsy = frozenset({False, "false"})  # type: ignore[assignment]  # likewise: read with `in` only


MAX_LIMIT = 200


def codes_text(table: Mapping[str, str]) -> str:
    return "; ".join(f"{code} = {name}" for code, name in table.items())
