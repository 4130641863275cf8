"""统一身份认证（测试）: the real OpenID Connect provider of ``tests/oidc/provider.mjs`` (panva's oidc-provider, under
Node) on a loopback port, a proxy in front of its token endpoint that can spoil an answer as an attacker would, the
app served beside them, and a person signing in through them with plain HTTP (what a browser does, redirect by
redirect)."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import requests

from tests.support.helpers import served, service_missing

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tests" / "oidc" / "provider.mjs"

#: This deployment's client at the provider, and a second client (another system of the city) whose tokens must
#: never sign anyone in here.
CLIENT = {"client_id": "spotcheck", "client_secret": "spotcheck-test-secret-0123456789abcdef"}
OTHER_CLIENT = {"client_id": "other-system", "client_secret": "other-system-secret-0123456789abcdef"}
#: The provider's people: their login at the provider is their ``sub``.
PEOPLE = {
    "p-planner": {"password": "Provider-pass-1", "name": "钱伟（统一身份认证）", "id_number": "11010519491231002X"},
    "p-stranger": {"password": "Provider-pass-2", "name": "钱多多"},
    "p-admin": {"password": "Provider-pass-3", "name": "赵敏"},
    "p-leader": {"password": "Provider-pass-4", "name": "孙立"},
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        service_missing("Node.js", "no `node` on PATH (the test provider runs under Node 20)")
    if not (ROOT / "node_modules" / "oidc-provider").is_dir():
        service_missing("oidc-provider", "no node_modules/oidc-provider (npm install)")
    return str(node)


@contextmanager
def provider(
    folder: Path, *, id_token_ttl: dict[str, int] | None = None, people: dict | None = None, port: int | None = None
) -> Iterator[str]:
    """The provider, started on a loopback port (a free one unless ``port``) with ``people`` (:data:`PEOPLE`) and the
    two clients (PKCE required, any loopback port for their redirects); yields its issuer."""
    port = port or free_port()
    issuer = f"http://127.0.0.1:{port}"
    config = {
        "port": port,
        "issuer": issuer,
        "clients": [
            {
                **client,
                "redirect_uris": [
                    "http://127.0.0.1/login/identity/callback",
                    "http://127.0.0.1/business/sign-in/identity/callback",
                    "http://127.0.0.1/elsewhere/callback",
                ],
                "post_logout_redirect_uris": ["http://127.0.0.1/login", "http://127.0.0.1/business/sign-in"],
            }
            for client in (CLIENT, OTHER_CLIENT)
        ],
        "users": people or PEOPLE,
        "id_token_ttl": id_token_ttl or {},
        "loopback_any_port": True,
    }
    path = folder / f"provider-{port}.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    process = subprocess.Popen(
        [_node(), str(SCRIPT), str(path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline() if process.stdout else ""
        if not line.startswith("ready"):
            raise RuntimeError(
                f"the test provider did not start: {line}{process.stderr.read() if process.stderr else ''}"
            )
        yield issuer
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


class TokenProxy:
    """A proxy in front of the provider's discovery document and token endpoint (the app is told to read its
    discovery there): it passes everything on as it is, unless told to spoil the next token answer —
    ``forge`` (the ID token's signature altered), ``swap`` (the ID token replaced by :attr:`replacement`, one issued
    to another client), ``delay`` (the answer held back :attr:`seconds`, so that a short-lived ID token expires)."""

    def __init__(self, issuer: str):
        self.issuer = issuer
        self.mode: str | None = None
        self.replacement = ""
        self.seconds = 0.0
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                if self.path != "/.well-known/openid-configuration":
                    self._answer(404, b"{}")
                    return
                document = requests.get(proxy.issuer + self.path, timeout=10).json()
                document["token_endpoint"] = proxy.url + "/token"
                self._answer(200, json.dumps(document).encode())

            def do_POST(self):
                if self.path != "/token":
                    self._answer(404, b"{}")
                    return
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                forwarded = requests.post(
                    requests.get(proxy.issuer + "/.well-known/openid-configuration", timeout=10).json()[
                        "token_endpoint"
                    ],
                    data=body,
                    headers={
                        "Content-Type": self.headers["Content-Type"],
                        "Authorization": self.headers.get("Authorization", ""),
                    },
                    timeout=10,
                )
                answer = forwarded.json()
                mode, proxy.mode = proxy.mode, None
                if mode == "forge" and "id_token" in answer:
                    answer["id_token"] = forged(answer["id_token"])
                elif mode == "swap":
                    answer["id_token"] = proxy.replacement
                elif mode == "delay":
                    time.sleep(proxy.seconds)
                self._answer(forwarded.status_code, json.dumps(answer).encode())

            def _answer(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, name="token-proxy", daemon=True)

    def __enter__(self) -> TokenProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def forged(token: str) -> str:
    """``token`` with one byte of its signature changed: the header and claims intact, the signature not the
    provider's."""
    header, payload, signature = token.split(".")
    raw = bytearray(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)))
    raw[len(raw) // 2] ^= 0x01
    return ".".join([header, payload, base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()])


def settings(issuer: str, proxy: TokenProxy | None = None, **more) -> dict:
    """The app's settings for the provider (its discovery read through ``proxy``)."""
    found = {
        "SPOTCHECK_OIDC_ISSUER": issuer,
        "SPOTCHECK_OIDC_CLIENT_ID": CLIENT["client_id"],
        "SPOTCHECK_OIDC_CLIENT_SECRET": CLIENT["client_secret"],
        "SPOTCHECK_OIDC_LEEWAY": 0,
    }
    if proxy is not None:
        found["SPOTCHECK_OIDC_METADATA_URL"] = proxy.url + "/.well-known/openid-configuration"
    return found | more


@contextmanager
def served_app(sqlite_template: Path, folder: Path, overrides: dict) -> Iterator[tuple[object, str]]:
    """A copy of the template database served by werkzeug on a free loopback port with ``overrides``."""
    with served(sqlite_template, folder, overrides=overrides) as found:
        yield found


_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_FORM_ACTION = re.compile(r'<form[^>]*action="([^"]+)"')


def csrf_of(html: str) -> str:
    return _CSRF.search(html).group(1)  # type: ignore[union-attr]


def walk(browser: requests.Session, response: requests.Response, until: str) -> requests.Response:
    """Follow redirects by hand until the address starts with ``until`` (no request to it is made)."""
    while response.is_redirect:
        target = urljoin(response.url, response.headers["Location"])
        if target.startswith(until):
            response.headers["X-Target"] = target
            return response
        response = browser.get(target, allow_redirects=False)
    return response


def provider_login(
    browser: requests.Session, response: requests.Response, login: str, people: dict | None = None
) -> requests.Response:
    """On the provider's login form ``response``, sign in as ``login``; returns the provider's answer (the redirect
    towards the client, not followed)."""
    action = _FORM_ACTION.search(response.text).group(1)  # type: ignore[union-attr]
    answer = browser.post(
        urljoin(response.url, action),
        data={"login": login, "password": (people or PEOPLE)[login]["password"]},
        allow_redirects=False,
    )
    return answer


def sign_in(
    browser: requests.Session, base: str, login: str, *, start: str = "/login/identity", people: dict | None = None
) -> requests.Response:
    """Sign in at the app through the provider as ``login`` (from ``start``), as a browser would; returns the app's
    last answer (its home page, the link code's page, or the sign-in page with the refusal)."""
    started = browser.get(base + start, allow_redirects=False)
    at_provider = walk(browser, started, base)
    if "X-Target" not in at_provider.headers:  # the provider's login form
        at_provider = walk(browser, provider_login(browser, at_provider, login, people), base)
    callback = at_provider.headers["X-Target"]
    return browser.get(callback)


def callback_url(browser: requests.Session, base: str, login: str) -> str:
    """The app's callback address the provider sends ``login`` back with (code and state), not yet visited."""
    started = browser.get(base + "/login/identity", allow_redirects=False)
    at_provider = walk(browser, started, base)
    if "X-Target" not in at_provider.headers:
        at_provider = walk(browser, provider_login(browser, at_provider, login), base)
    return at_provider.headers["X-Target"]


def other_clients_id_token(issuer: str, login: str, client: dict = OTHER_CLIENT, people: dict | None = None) -> str:
    """An ID token the provider issued to ``client`` (:data:`OTHER_CLIENT`) for ``login`` (its own flow, with
    PKCE)."""
    browser = requests.Session()
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    redirect = "http://127.0.0.1:9/elsewhere/callback"
    started = browser.get(
        issuer + "/auth",
        params={
            "client_id": client["client_id"],
            "response_type": "code",
            "scope": "openid profile credit_code",
            "redirect_uri": redirect,
            "state": "s",
            "nonce": "n",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        },
        allow_redirects=False,
    )
    form = walk(browser, started, redirect)
    back = walk(browser, provider_login(browser, form, login, people), redirect).headers["X-Target"]
    code = parse_qs(urlsplit(back).query)["code"][0]
    document = requests.get(issuer + "/.well-known/openid-configuration", timeout=10).json()
    tokens = requests.post(
        document["token_endpoint"],
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": redirect, "code_verifier": verifier},
        auth=(client["client_id"], client["client_secret"]),
        timeout=10,
    ).json()
    return tokens["id_token"]


def password_sign_in(browser: requests.Session, base: str, login: str, password: str) -> requests.Response:
    """Sign in at the app with a password (the sign-in form, its CSRF token)."""
    form = browser.get(base + "/login")
    return browser.post(base + "/login", data={"csrf_token": csrf_of(form.text), "login": login, "password": password})
