"""统一身份认证登录: signing in through the city's identity platform (the staff's provider), and the page a person
linked to no user is shown: the one-time link code (关联码) to hand to their department's administrator, or the form
where they enter the account link code (账号关联码) their administrator handed them, which links and signs them in."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_user
from joserfc.errors import MissingClaimError

from spotcheck.core.clock import SHANGHAI, as_utc
from spotcheck.platform import identity_platform
from spotcheck.platform.extensions import limiter
from spotcheck.platform.identity_platform import STAFF
from spotcheck.platform.permissions import public
from spotcheck.platform.session import PENDING_KEY, SESSION_KEY
from spotcheck.platform.web.forms import LinkCodeForm
from spotcheck.tenants.accounts import commands as account_commands

bp = Blueprint("identity", __name__)

#: Where a session signed in by the provider says so (its sign-out then goes through the provider's too).
SIGNED_IN_BY = "signed_in_by"
#: Where the signed cookie keeps, after a sign-in of a person linked to no user, the row of the link code shown: the
#: identity the provider vouched for, which an account link code may still link (never the code itself).
PENDING_IDENTITY = "identity_pending"


def start_at(name: str, callback: str, home: str) -> ResponseReturnValue:
    """Off to provider ``name``'s sign-in (authorization code with PKCE, state and nonce; the answer in the query),
    to come back at the endpoint ``callback``; a provider out of reach is said so on the page ``home``."""
    if identity_platform.provider(name) is None:
        abort(404)
    try:
        client = identity_platform.client(name)
    except identity_platform.REFUSALS as error:  # the provider cannot be reached or answers wrongly
        current_app.logger.warning("identity platform unavailable: %s", error)
        flash(_("The identity platform cannot be reached now. Try again later."), "error")
        return redirect(url_for(home))
    return client.authorize_redirect(url_for(callback, _external=True), response_mode="query")


def verified_claims(name: str) -> Mapping[str, Any] | None:
    """The claims of provider ``name``'s ID token, the code exchanged (with the PKCE verifier) and the token checked by
    Authlib (signature, issuer, audience, expiry, nonce; the state first); None when refused — audited with the
    reason and said on the page it leads to."""
    provider = identity_platform.provider(name)
    if provider is None:
        abort(404)
    try:
        token = identity_platform.client(name).authorize_access_token(
            leeway=current_app.config["SPOTCHECK_OIDC_LEEWAY"],
            claims_options=identity_platform.claims_options(provider),
        )
        claims = token.get("userinfo")
        if not claims:
            raise ValueError("the provider gave no ID token")
        for needed in (provider.link_claim, provider.credit_code_claim):  # never fall back to sub
            if needed and not claims.get(needed):
                raise MissingClaimError(needed)
    except identity_platform.REFUSALS as error:
        why = identity_platform.why_refused(error)
        current_app.logger.warning("identity platform sign-in refused (%s): %s", why, error)
        account_commands.record_identity_refusal({"issuer": provider.issuer, "why": why})
        flash(_("The sign-in through the identity platform was refused. Sign in again."), "error")
        return None
    return cast("Mapping[str, Any]", claims)


def signed_in(name: str, principal: object, session_key: str | None) -> None:
    """A new session in the cookie: its key, and the provider that signed it in (its sign-out goes there too)."""
    session.clear()
    session.permanent = True
    session[SESSION_KEY] = session_key
    session[SIGNED_IN_BY] = name
    login_user(principal)


def awaiting_second_factor(name: str, session_key: str | None) -> ResponseReturnValue:
    """The provider vouched for the person, whose second factor is still awaited (as after a password): nobody is
    signed in yet; the provider that signed them in is kept for the sign-out."""
    session.clear()
    session.permanent = True
    session[PENDING_KEY] = session_key
    session[SIGNED_IN_BY] = name
    return redirect(url_for("auth.second_factor"))


@bp.route("/login/identity")
@public
def start() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    return start_at(STAFF, "identity.callback", "auth.login")


@bp.route("/login/identity/callback")
@public
def callback() -> ResponseReturnValue:
    """The provider's answer: a linked user is signed in, a person linked to no user shown a link code, anything else
    refused and audited."""
    claims = verified_claims(STAFF)
    if claims is None:
        return redirect(url_for("auth.login"))
    provider = cast(identity_platform.Provider, identity_platform.provider(STAFF))
    stable = str(claims[provider.link_claim]) if provider.link_claim else None
    outcome = account_commands.sign_in_with_identity(
        {
            "issuer": provider.issuer,
            "subject": account_commands.identity_key(str(claims["sub"]), stable),
            "name": str(claims.get(provider.name_claim) or ""),
            "user_agent": request.headers.get("User-Agent", ""),
        }
    )
    attempt = outcome.attempt
    if outcome.link_code is not None:
        session[PENDING_IDENTITY] = outcome.pending
        expires = as_utc(outcome.expires_at).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")  # type: ignore[arg-type]
        page = render_template(
            "accounts/link_code.html", code=outcome.link_code, expires=expires, form=LinkCodeForm(formdata=None)
        )
        return page, 200, {"Cache-Control": "no-store"}
    if attempt.refused is not None:
        flash(str(attempt.refused.message), "error")
        return redirect(url_for("auth.login"))
    if attempt.pending:
        return awaiting_second_factor(STAFF, attempt.session_key)
    signed_in(STAFF, attempt.user, attempt.session_key)
    return redirect(url_for("home.index"))


@bp.route("/login/identity/claim", methods=["POST"])
@public
@limiter.limit(lambda: current_app.config["SPOTCHECK_CODE_LIMIT_PER_CLIENT"], scope="link-codes")
def claim() -> ResponseReturnValue:
    """The account link code (账号关联码) entered by a person the identity platform just signed in, linked to no user:
    the identity is linked to the account it was issued for and the person signed in; a wrong, used or expired code
    is said so under the field (and counted: too many, and the person signs in through the provider again)."""
    pending = session.get(PENDING_IDENTITY)
    form = LinkCodeForm()
    if pending is None or not form.validate_on_submit():
        flash(_("Sign in through the identity platform again, then enter the link code."), "error")
        return redirect(url_for("auth.login"))
    attempt = account_commands.claim_account(
        {"pending": pending, "code": form.code.data, "user_agent": request.headers.get("User-Agent", "")}
    )
    if attempt.refused is None and attempt.pending:
        return awaiting_second_factor(STAFF, attempt.session_key)
    if attempt.refused is None:
        signed_in(STAFF, attempt.user, attempt.session_key)
        flash(_("Your account of the identity platform is linked: from now on, sign in through it."), "success")
        return redirect(url_for("home.index"))
    form.code.errors = [str(attempt.refused.message)]
    page = render_template("accounts/link_code.html", code=None, expires=None, form=form)
    return page, 422, {"Cache-Control": "no-store"}


def logout_redirect(signed_in_by: str | None, back: str = "auth.login") -> str | None:
    """Where a sign-out goes on: the provider's end-session endpoint (RP-initiated logout) for a session it signed
    in, coming back to the sign-in page ``back``; None for a password's session."""
    provider = identity_platform.provider(signed_in_by or "")
    if provider is None:
        return None
    try:
        client = identity_platform.client(provider.name)
        return client.create_logout_url(
            post_logout_redirect_uri=url_for(back, _external=True), client_id=provider.client_id
        )["url"]
    except identity_platform.UNAVAILABLE as error:  # no end-session endpoint, or the provider unreachable
        current_app.logger.warning("identity platform sign-out not offered: %s", error)
        return None
