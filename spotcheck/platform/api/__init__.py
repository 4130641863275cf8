"""REST API under ``/api/v1`` (flask-smorest); OpenAPI at ``/api/openapi.json``."""
from __future__ import annotations

from flask_smorest import Api


def register(api: Api) -> None:
    from spotcheck.platform.api import (
        campaigns, directory, imports, inspectors, items, jobs, me, plans, rules, tenants, tokens, users,
    )

    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    api.spec.components.security_scheme("session", {"type": "apiKey", "in": "cookie", "name": "session"})
    for module in (tenants, users, me, tokens, jobs, items, directory, inspectors, rules, imports, plans, campaigns):
        api.register_blueprint(module.blp, url_prefix=f"/api/v1{module.PREFIX}")
