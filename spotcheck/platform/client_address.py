"""Who is asking, for rate limits only (限流标识): the client's address as the proxy in front reports
it (``SPOTCHECK_PROXY_HOPS`` trusted hops, through werkzeug's ProxyFix), never stored or logged as
such — a keyed hash cut to 16 hex digits, which the limiter keeps only as long as its window (at most
a day; the rules allow 7). A person's address is personal data (PIPL); this cannot be turned back."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress

from flask import Flask, current_app, request
from werkzeug.middleware.proxy_fix import ProxyFix


def client_key() -> str:
    """An IPv6 client by its /64 (one subscriber's block: its addresses are not many clients)."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    try:
        parsed = ipaddress.ip_address(request.remote_addr or "")
        shown = str(ipaddress.ip_network(f"{parsed}/64", strict=False)) if parsed.version == 6 else str(parsed)
    except ValueError:
        shown = request.remote_addr or ""
    address = shown.encode()
    return "c:" + hmac.new(secret, b"rate-limit|" + address, hashlib.sha256).hexdigest()[:16]


def trust_proxies(app: Flask) -> None:
    """Read the client's address from X-Forwarded-For when the app runs behind that many proxies."""
    hops = app.config["SPOTCHECK_PROXY_HOPS"]
    if hops > 0:
        proxied = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
        app.wsgi_app = proxied  # type: ignore[method-assign]  # Werkzeug's documented way to wrap the app
