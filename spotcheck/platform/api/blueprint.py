"""The API's blueprint (接口蓝图): flask-smorest's, whose request bodies say the truth in the OpenAPI document.

flask-smorest marks every body ``required`` unless told otherwise, so a body of which no field is required (an
export's ``year`` defaulting to this year) was documented as required and accepted when absent. Here a body is
required exactly when its schema requires a field (a partial schema's fields are not required), and a required body
that is absent is refused with a 422 that names it and its required fields, in the user's language, before anything
else of the request is read."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

import flask_smorest
from flask import request
from flask_babel import gettext as _
from flask_smorest import abort
from marshmallow import Schema

#: Where a request's body is read from (flask-smorest's locations of a ``requestBody``).
BODY_LOCATIONS = frozenset(flask_smorest.Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING)


def required_fields(schema: type[Schema] | Schema) -> list[str]:
    """The names (as sent) of the fields a body loaded by ``schema`` must hold: required, loaded, not made optional
    by the schema's ``partial``."""
    instance = schema() if isinstance(schema, type) else schema
    partial = instance.partial
    if partial is True:
        return []
    optional = set(partial or ())
    return [
        field.data_key or name
        for name, field in instance.fields.items()
        if field.required and not field.dump_only and name not in optional
    ]


def _body_absent(location: str) -> bool:
    if location == "json":
        return not request.get_data(cache=True).strip()
    return not request.form and not request.files


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's blueprint, with :meth:`arguments` deciding whether a body is required from its schema."""

    def arguments(
        self,
        schema: Any,
        *,
        location: str = "json",
        required: bool | None = None,
        changes: bool = False,
        **kwargs: Any,
    ) -> Any:
        """As flask-smorest's, but a body (``json``, ``form``, ``files``) is required, by default, exactly when its
        schema requires a field; and a required body that is absent is a 422 naming it. ``changes``: the body of a
        PATCH, whose fields are each optional but of which one at least must be given (a PATCH of nothing is refused,
        :func:`spotcheck.platform.api.refuse_empty_changes`): required."""
        body = location in BODY_LOCATIONS
        if changes:
            required = True
            kwargs.setdefault("description", "The fields to change: each optional, at least one given")
        if required is None:
            required = bool(required_fields(schema)) if body else True
        decorate = super().arguments(schema, location=location, required=required, **kwargs)
        if not (body and required):
            return decorate
        names = required_fields(schema)

        def decorator(function: Callable[..., Any]) -> Callable[..., Any]:
            parsed = decorate(function)

            @wraps(parsed)
            def checked(*args: Any, **kw: Any) -> Any:
                if _body_absent(location):
                    fields = "、".join(names)
                    if not names:
                        message = _("Give at least one field to change, as a JSON object.")
                    elif location == "json":
                        message = _(
                            "The request has no body: send a JSON object holding at least %(fields)s.", fields=fields
                        )
                    else:
                        message = _("The request has no body: send a form holding at least %(fields)s.", fields=fields)
                    missing = _("This field is required: the request has no body.")
                    abort(422, message=message, messages={location: {name: [missing] for name in names}})
                return parsed(*args, **kw)

            return checked

        return decorator
