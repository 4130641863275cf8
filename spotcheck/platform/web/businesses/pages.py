"""企业账户的网页: /business/sign-in (credit code, login, password), /business/claim (credit code and the 企业核验码
of a notice, then the holder's password), /business (the home), /business/people (the holder's care of the other
people), /business/tokens (one's own access tokens for a city's app), signing out; and /platform/businesses, where
the platform administrator resets an account, with the reason.

A refusal is shown at the top of the form, naming the field, in the same words whoever asks."""

from __future__ import annotations

from typing import cast

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, TextAreaField

from spotcheck.core.errors import NotFoundError, user_message
from spotcheck.platform import identity_platform
from spotcheck.platform.client_address import client_key
from spotcheck.platform.identity_platform import BUSINESS
from spotcheck.platform.permissions import Permission, acting_user, public, requires
from spotcheck.platform.session import SESSION_KEY, is_business
from spotcheck.platform.web.accounts import identity
from spotcheck.platform.web.forms import BAD_INPUT, REFUSALS, EmptyForm, attempt, summary_fields
from spotcheck.tenants.businesses import commands as businesses, queries as business_queries
from spotcheck.tenants.businesses.vocabulary import PLACE_LABELS, TRAIL_LABELS

bp = Blueprint("business_pages", __name__)


class SignInForm(FlaskForm):
    credit_code = StringField(_l("Unified social credit code"))
    login = StringField(_l("Login"))
    password = PasswordField(_l("Password"))


class ClaimForm(FlaskForm):
    credit_code = StringField(_l("Unified social credit code"))
    business_code = StringField(_l("Business code (企业核验码)"))
    display_name = StringField(_l("Your name"))
    login = StringField(_l("Your login"))
    password = PasswordField(_l("Your password"))


class PersonForm(FlaskForm):
    display_name = StringField(_l("Name"))
    login = StringField(_l("Login"))
    password = PasswordField(_l("First password"))


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"))
    new_password = PasswordField(_l("New password"))


class TokenForm(FlaskForm):
    name = StringField(_l("Token name"))


class ResetForm(FlaskForm):
    credit_code = StringField(_l("Unified social credit code"))
    reason = TextAreaField(_l("Reason"))


def _asked(form: FlaskForm, *fields: str) -> dict:
    """What a sign-in or a claim asks of the command: the form's ``fields``, and the client it comes from (whose wrong
    attempts are slowed down) with its browser."""
    return {
        **{name: form[name].data for name in fields},
        "client": client_key(),
        "user_agent": request.headers.get("User-Agent", ""),
    }


def _signed_in(person: object, key: str | None) -> ResponseReturnValue:
    session.clear()
    session.permanent = True
    session[SESSION_KEY] = key
    login_user(person)
    return redirect(url_for("business_record_pages.home"))


@bp.route("/business/sign-in", methods=["GET", "POST"])
@public
def sign_in() -> ResponseReturnValue:
    if is_business(current_user._get_current_object()):
        return redirect(url_for("business_record_pages.home"))
    form, errors = SignInForm(), {}
    if form.validate_on_submit():
        tried = attempt(businesses.sign_in, _asked(form, "credit_code", "login", "password"), refusals=BAD_INPUT)
        if not tried.ok:
            errors = tried.errors
        elif tried.result.refused is None:
            return _signed_in(tried.result.person, tried.result.session_key)
        else:
            form.form_errors.append(str(tried.result.refused.message))
    status = 422 if errors or form.form_errors else 200
    return render_template(
        "businesses/sign_in.html",
        form=form,
        errors=errors,
        fields=summary_fields(form),
        identity_platform=identity_platform.provider(BUSINESS) is not None,
    ), status


@bp.route("/business/sign-in/identity")
@public
def sign_in_through_identity() -> ResponseReturnValue:
    """Off to the legal persons' identity platform (法人统一身份认证)."""
    if is_business(current_user._get_current_object()):
        return redirect(url_for("business_record_pages.home"))
    return identity.start_at(BUSINESS, "business_pages.identity_callback", "business_pages.sign_in")


@bp.route("/business/sign-in/identity/callback")
@public
def identity_callback() -> ResponseReturnValue:
    """The legal persons' provider's answer: the business its credit-code claim names (read from this provider's
    ID token only) is signed in, its account made on the first sign-in."""
    claims = identity.verified_claims(BUSINESS)
    if claims is None:
        return redirect(url_for("business_pages.sign_in"))
    provider = cast(identity_platform.Provider, identity_platform.provider(BUSINESS))
    outcome = businesses.sign_in_with_identity(
        {
            "issuer": provider.issuer,
            "subject": str(claims["sub"]),
            "credit_code": str(claims[provider.credit_code_claim]),
            "name": str(claims.get(provider.name_claim) or ""),
            "user_agent": request.headers.get("User-Agent", ""),
        }
    )
    if outcome.refused is not None:
        flash(str(outcome.refused.message), "error")
        return redirect(url_for("business_pages.sign_in"))
    identity.signed_in(BUSINESS, outcome.person, outcome.session_key)
    return redirect(url_for("business_record_pages.home"))


@bp.route("/business/claim", methods=["GET", "POST"])
@public
def claim() -> ResponseReturnValue:
    form, errors = ClaimForm(), {}
    if form.validate_on_submit():
        tried = attempt(
            businesses.claim_account,
            _asked(form, "credit_code", "business_code", "display_name", "login", "password"),
            refusals=BAD_INPUT,
        )
        outcome = tried.result if tried.ok else None
        if outcome is None:
            errors = tried.errors
        elif outcome.refused is None:
            flash(_("The account is yours: you hold it, and sign in with your login and password from now on."))
            return _signed_in(outcome.person, outcome.session_key)
        elif outcome.refused.field:
            errors = {outcome.refused.field: [str(outcome.refused.message)]}
        else:
            form.form_errors.append(str(outcome.refused.message))
    status = 422 if errors or form.form_errors else 200
    return render_template("businesses/claim.html", form=form, errors=errors, fields=summary_fields(form)), status


@bp.route("/business/people", methods=["GET", "POST"])
@requires(Permission.BUSINESS_PEOPLE_MANAGE)
def people() -> ResponseReturnValue:
    holder = acting_user()
    form, errors = PersonForm(), {}
    if form.validate_on_submit():
        added = attempt(
            businesses.add_person,
            {"display_name": form.display_name.data, "login": form.login.data, "password": form.password.data},
            actor=holder,
            refusals=REFUSALS,
        )
        if added.ok:
            flash(_("%(name)s may now sign in under the business's account.", name=added.result.display_name))
            return redirect(url_for("business_pages.people"))
        errors = added.errors
        if not added.invalid:
            form.form_errors.append(user_message(added.refusal))
    return render_template(
        "businesses/people.html",
        home=business_queries.own_account(reader=holder),
        me=holder,
        places=PLACE_LABELS,
        form=form,
        errors=errors,
        fields=summary_fields(form),
        remove_form=EmptyForm(),
    ), (422 if errors or form.form_errors else 200)


@bp.route("/business/people/<int:person_id>/remove", methods=["POST"])
@requires(Permission.BUSINESS_PEOPLE_MANAGE)
def remove_person(person_id: int) -> ResponseReturnValue:
    if EmptyForm().validate_on_submit():
        removed = attempt(businesses.remove_person, person_id, actor=acting_user(), refusals=REFUSALS)
        removed.report(lambda person: _("%(name)s is removed and signed out.", name=person.display_name))
    return redirect(url_for("business_pages.people"))


@bp.route("/business/password", methods=["GET", "POST"])
@requires(Permission.BUSINESS_SIGNED_IN)
def password() -> ResponseReturnValue:
    """One's own password: a person the holder added changes the first one here."""
    person = acting_user()
    form, errors = PasswordForm(), {}
    if form.validate_on_submit():
        changed = attempt(
            businesses.change_password,
            {
                "current": form.current_password.data,
                "new": form.new_password.data,
                "keep_session": session.get(SESSION_KEY),
            },
            actor=person,
            refusals=REFUSALS,
        )
        if changed.ok:
            login_user(person)  # this session goes on with the new stamp; the others end
            flash(_("Your password has been changed. Other sessions have been signed out."), "success")
            return redirect(url_for("business_record_pages.home"))
        errors = changed.errors
    return render_template("businesses/password.html", form=form, errors=errors, fields=summary_fields(form)), (
        422 if errors else 200
    )


@bp.route("/business/tokens", methods=["GET", "POST"])
@requires(Permission.BUSINESS_SIGNED_IN)
def tokens() -> ResponseReturnValue:
    """One's own access tokens (访问令牌) for a city's app: a new one's secret shown this once, each revocable."""
    person = acting_user()
    form, errors, secret = TokenForm(), {}, None
    if form.validate_on_submit():
        issued = attempt(businesses.issue_token, {"name": form.name.data}, actor=person, refusals=BAD_INPUT)
        if issued.ok:
            _token, secret = issued.result
            form = TokenForm(formdata=None)
        else:
            errors = issued.errors
    return render_template(
        "businesses/tokens.html",
        form=form,
        errors=errors,
        fields=summary_fields(form),
        tokens=business_queries.own_tokens(reader=person),
        new_secret=secret,
        revoke_form=EmptyForm(),
    ), (422 if errors else 200)


@bp.route("/business/tokens/<int:token_id>/revoke", methods=["POST"])
@requires(Permission.BUSINESS_SIGNED_IN)
def revoke_token(token_id: int) -> ResponseReturnValue:
    if EmptyForm().validate_on_submit():
        revoked = attempt(businesses.revoke_token, token_id, actor=acting_user(), refusals=REFUSALS)
        revoked.report(lambda token: _("The token %(name)s is revoked: it no longer works.", name=token.name))
    return redirect(url_for("business_pages.tokens"))


@bp.route("/business/sign-out", methods=["POST"])
@requires(Permission.BUSINESS_SIGNED_IN)
def sign_out() -> ResponseReturnValue:
    businesses.sign_out({"session_key": session.get(SESSION_KEY)}, actor=acting_user())
    signed_in_by = session.get(identity.SIGNED_IN_BY)
    logout_user()
    session.clear()
    flash(_("You have signed out."), "info")
    back = "business_pages.sign_in"
    return redirect(identity.logout_redirect(signed_in_by, back) or url_for(back))


@bp.route("/platform/businesses", methods=["GET", "POST"])
@requires(Permission.BUSINESSES_RESET)
def reset() -> ResponseReturnValue:
    """The platform administrator finds a business's account by its credit code and resets it, with the reason."""
    admin = acting_user()
    form, errors, found = ResetForm(), {}, None
    asked = (request.args.get("credit_code") or form.credit_code.data or "").strip()
    if form.validate_on_submit():
        done = attempt(
            businesses.reset_account,
            {"credit_code": form.credit_code.data, "reason": form.reason.data},
            actor=admin,
            refusals=(*REFUSALS, NotFoundError),
        )
        if done.ok:
            flash(_("The account is reset: every person of the business is signed out and removed."), "success")
            return redirect(url_for("business_pages.reset", credit_code=done.result.credit_code))
        errors = done.errors or {"credit_code": [user_message(done.refusal)]}
    if asked:
        try:
            found = business_queries.account_of(asked, reader=admin)
        except NotFoundError:
            found = None
        form.credit_code.data = asked
    return render_template(
        "businesses/reset.html",
        form=form,
        errors=errors,
        fields=summary_fields(form),
        found=found,
        asked=asked,
        trail_labels=TRAIL_LABELS,
    ), (422 if errors else 200)
