"""What the OpenAPI document (接口文档) states beyond what the schemas say of themselves."""

from __future__ import annotations

from typing import Any

from apispec import BasePlugin


class ChangesNameAField(BasePlugin):
    """A PATCH body names at least one field to change (``minProperties: 1``), as the API enforces
    (:func:`spotcheck.platform.api.refuse_empty_changes`): a client reads the rule in the document."""

    def operation_helper(
        self, path: str | None = None, operations: dict[str, Any] | None = None, **kwargs: object
    ) -> None:
        body = (operations or {}).get("patch", {}).get("requestBody", {})
        for content in body.get("content", {}).values():
            if "schema" in content:
                content["schema"] = {"allOf": [content["schema"]], "minProperties": 1}
