"""统一身份认证: the city's identity platform (an OpenID Connect provider) as the sign-in pages use it, through
Authlib — never by hand: discovery, the authorization code with PKCE (S256), state and nonce kept in the signed
session, the ID token's signature (the provider's published keys) and claims (issuer, audience, expiry, nonce)
checked, and RP-initiated logout.

Two providers may be configured (:mod:`spotcheck.platform.config`): the staff's (``SPOTCHECK_OIDC_*``) and one
signing in legal persons for the businesses (``SPOTCHECK_OIDC_BUSINESS_*``), whose credit-code claim is read from
its own ID tokens alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client.errors import MismatchingStateError
from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app
from joserfc.errors import BadSignatureError, ClaimError, ExpiredTokenError, JoseError

STAFF = "staff"
BUSINESS = "business"
_EXTENSION = "spotcheck.identity_platform"
#: Seconds a request to the provider (discovery, keys, the token endpoint) may take before the sign-in is refused.
TIMEOUT = 10

#: What Authlib and joserfc raise for a refused answer of the provider or a token that does not hold, and what
#: requests raises for a provider out of reach (an OSError): the sign-in is refused, never a 500.
REFUSALS: tuple[type[Exception], ...] = (AuthlibBaseError, JoseError, ValueError, KeyError, OSError)
#: What a sign-out's redirect to the provider meets when it cannot be offered (no end-session endpoint, the provider
#: unreachable): the sign-out here still happens.
UNAVAILABLE: tuple[type[Exception], ...] = (*REFUSALS, RuntimeError)


@dataclass(frozen=True)
class Provider:
    """One configured provider: its ``issuer``, this deployment's client there, the claims read."""

    name: str
    issuer: str
    client_id: str
    client_secret: str
    metadata_url: str
    scope: str
    name_claim: str
    link_claim: str
    credit_code_claim: str

    @property
    def origin(self) -> str:
        """The provider's origin (scheme, host, port): where the browser goes to sign in and out."""
        parts = urlsplit(self.issuer)
        return f"{parts.scheme}://{parts.netloc}"


def providers_of(cfg: Any) -> dict[str, Provider]:
    """The providers the settings configure (none, the staff's, the businesses', or both)."""
    found = {}
    for name, prefix in ((STAFF, "SPOTCHECK_OIDC_"), (BUSINESS, "SPOTCHECK_OIDC_BUSINESS_")):
        issuer = cfg.get(prefix + "ISSUER") or ""
        if not issuer:
            continue
        found[name] = Provider(
            name=name,
            issuer=issuer,
            client_id=cfg[prefix + "CLIENT_ID"],
            client_secret=cfg[prefix + "CLIENT_SECRET"],
            metadata_url=cfg.get(prefix + "METADATA_URL") or f"{issuer}/.well-known/openid-configuration",
            scope=cfg[prefix + "SCOPE"],
            name_claim=cfg["SPOTCHECK_OIDC_NAME_CLAIM"],
            link_claim=cfg["SPOTCHECK_OIDC_LINK_CLAIM"] if name == STAFF else "",
            credit_code_claim=cfg["SPOTCHECK_OIDC_CREDIT_CODE_CLAIM"] if name == BUSINESS else "",
        )
    return found


def init_app(app: Flask) -> None:
    """Register the configured providers with Authlib, one registry per app."""
    oauth = OAuth(app)
    for provider in providers_of(app.config).values():
        oauth.register(
            provider.name,
            client_id=provider.client_id,
            client_secret=provider.client_secret,
            server_metadata_url=provider.metadata_url,
            client_kwargs={"scope": provider.scope, "code_challenge_method": "S256", "default_timeout": TIMEOUT},
        )
    app.extensions[_EXTENSION] = oauth


def provider(name: str) -> Provider | None:
    """The configured provider ``name`` (:data:`STAFF`, :data:`BUSINESS`), or None."""
    return providers_of(current_app.config).get(name)


def client(name: str) -> Any:
    """Authlib's client of provider ``name``; its discovery document read once, and refused when it names another
    issuer than the one configured."""
    found = current_app.extensions[_EXTENSION].create_client(name)
    metadata = found.load_server_metadata()
    configured = providers_of(current_app.config)[name].issuer
    if metadata.get("issuer", "").rstrip("/") != configured:
        found.server_metadata = {}
        raise ValueError(f"the discovery document names the issuer {metadata.get('issuer')!r}, not {configured!r}")
    return found


def claims_options(found: Provider) -> dict[str, dict[str, object]]:
    """The ID token's issuer and audience, both required and checked: the issuer configured, this deployment's client
    among the audience (Authlib's own default checks the issuer alone, and the audience only through ``azp``)."""
    return {
        "iss": {"essential": True, "values": [found.issuer]},
        "aud": {"essential": True, "values": [found.client_id]},
    }


def form_action_sources(cfg: Any) -> str:
    """The CSP's ``form-action``: this site, and each provider's origin (a sign-out's redirect after a POST)."""
    return " ".join(["'self'", *sorted({p.origin for p in providers_of(cfg).values()})])


def why_refused(error: Exception) -> str:
    """Why the provider's answer was refused, as the audit entry says it: ``state`` (no sign-in under way with that
    state: a replay, or another browser's), ``signature``, ``audience``, ``expired``, ``nonce``, ``issuer``, another
    ``claim``, or the ``provider``'s own refusal (a code used twice, an error it sent back)."""
    if isinstance(error, MismatchingStateError):
        return "state"
    if isinstance(error, BadSignatureError):
        return "signature"
    if isinstance(error, ExpiredTokenError):
        return "expired"
    if isinstance(error, ClaimError):
        return {"aud": "audience", "nonce": "nonce", "iss": "issuer"}.get(error.claim, "claim")
    if isinstance(error, JoseError):
        return "token"
    return "provider"
