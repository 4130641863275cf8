"""My account: profile, password, second factor (两步验证), personal API tokens."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from spotcheck.core.policy import permissions_held
from spotcheck.platform.extensions import limiter
from spotcheck.platform.permissions import Permission, requires
from spotcheck.platform.session import SESSION_KEY
from spotcheck.platform.web.forms import (
    BAD_INPUT,
    REFUSED,
    WITH_FORBIDDEN,
    EmptyForm,
    PasswordChangeForm,
    SecondFactorForm,
    TokenForm,
    attempt,
    perform,
)
from spotcheck.tenants.accounts import commands as accounts, queries as account_queries

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.route("/", methods=["GET", "POST"])
@requires(Permission.SIGNED_IN)
def profile() -> ResponseReturnValue:
    user = current_user._get_current_object()
    form = PasswordChangeForm()
    if form.validate_on_submit():
        changed = attempt(
            accounts.change_password,
            {
                "current": form.current_password.data,
                "new": form.new_password.data,
                "keep_session": session.get(SESSION_KEY),
            },
            actor=user,
            refusals=BAD_INPUT,
        )
        if not changed.ok:
            changed.show_on(form)
        else:
            login_user(user)  # this session goes on with the new stamp; others end
            flash(_("Your password has been changed. Other sessions have been signed out."), "success")
            return redirect(url_for("account.profile"))
    permissions = sorted(p.value for p in permissions_held(user))
    return render_template("accounts/account.html", user=user, form=form, permissions=permissions, end_form=EmptyForm())


@bp.route("/contact", methods=["POST"])
@requires(Permission.SIGNED_IN)
def contact() -> ResponseReturnValue:
    """My e-mail and mobile, where notices and reminders are also sent."""
    user = current_user._get_current_object()
    if EmptyForm().validate_on_submit():
        saved = attempt(
            accounts.set_contact,
            {"email": request.form.get("email", ""), "mobile": request.form.get("mobile", "")},
            actor=user,
            refusals=BAD_INPUT,
        )
        if saved.invalid:
            permissions = sorted(p.value for p in permissions_held(user))
            return render_template(
                "accounts/account.html",
                user=user,
                form=PasswordChangeForm(formdata=None),
                permissions=permissions,
                end_form=EmptyForm(),
                contact_errors=saved.errors,
                contact_values=request.form,
            ), 422
        flash(_("Your contact details are saved."), "success")
    return redirect(url_for("account.profile"))


@bp.route("/sessions/end", methods=["POST"])
@requires(Permission.SIGNED_IN)
def sign_out_everywhere() -> ResponseReturnValue:
    """End every session of mine, on every device, this one included."""
    if EmptyForm().validate_on_submit():
        ended = accounts.sign_out_everywhere(actor=current_user._get_current_object())
        logout_user()
        session.clear()
        flash(_("You have been signed out everywhere (%(n)d session(s) ended).", n=ended), "info")
        return redirect(url_for("auth.login"))
    return redirect(url_for("account.profile"))


@bp.route("/tokens", methods=["GET", "POST"])
@requires(Permission.SIGNED_IN)
def tokens() -> ResponseReturnValue:
    user = current_user._get_current_object()
    form = TokenForm()
    new_secret = None
    if form.validate_on_submit():
        issued = attempt(
            accounts.issue_token,
            {"name": form.name.data, "session_key": session.get(SESSION_KEY)},
            actor=user,
            refusals=WITH_FORBIDDEN,
        )
        if issued.invalid:
            issued.show_on(form)
        elif not issued.ok:
            issued.flash_refusal()
        else:
            _token, new_secret = issued.result
            form = TokenForm(formdata=None)
    return render_template(
        "accounts/tokens.html",
        form=form,
        tokens=account_queries.list_tokens(user),
        new_secret=new_secret,
        revoke_form=EmptyForm(),
    )


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@requires(Permission.SIGNED_IN)
def revoke_token(token_id: int) -> ResponseReturnValue:
    if EmptyForm().validate_on_submit():
        perform(
            accounts.revoke_token,
            token_id,
            actor=current_user._get_current_object(),
            done=_("The token has been revoked."),
        )
    return redirect(url_for("account.tokens"))


# --- the second factor (两步验证) ----------------------------------------------------------------------


@bp.route("/second-factor")
@requires(Permission.SIGNED_IN)
def second_factor() -> ResponseReturnValue:
    """My second factor: on or off, the recovery codes left; set it up, or turn it off with a code."""
    user = current_user._get_current_object()
    body = render_template(
        "accounts/second_factor.html",
        state=account_queries.second_factor_state(user),
        form=SecondFactorForm(),
        button=EmptyForm(),
    )
    return body, 200, {"Cache-Control": "private, no-store"}


@bp.post("/second-factor/start")
@requires(Permission.SIGNED_IN)
def start_second_factor() -> ResponseReturnValue:
    if EmptyForm().validate_on_submit():
        started = perform(accounts.start_enrolment, actor=current_user._get_current_object(), done=None)
        if started is not REFUSED:
            return redirect(url_for("account.enrol_second_factor"))
    return redirect(url_for("account.second_factor"))


@bp.route("/second-factor/enrol", methods=["GET", "POST"])
@requires(Permission.SIGNED_IN)
@limiter.limit(lambda: current_app.config["SPOTCHECK_CODE_LIMIT_PER_CLIENT"], scope="second-factor-codes")
def enrol_second_factor() -> ResponseReturnValue:
    """The QR code and the secret of the factor being set up, and one code to confirm it; then the recovery codes,
    shown this once."""
    user = current_user._get_current_object()
    state = account_queries.second_factor_state(user)
    if state.enrolment is None:
        return redirect(url_for("account.second_factor"))
    form = SecondFactorForm()
    status = 200
    if form.validate_on_submit():
        confirmed = attempt(
            accounts.confirm_enrolment,
            {"code": form.code.data, "session_key": session.get(SESSION_KEY)},
            actor=user,
            refusals=BAD_INPUT,
        )
        if confirmed.ok:
            body = render_template(
                "accounts/second_factor_codes.html",
                codes=confirmed.result.recovery_codes,
                then=url_for("account.second_factor"),
            )
            return body, 200, {"Cache-Control": "no-store", "Pragma": "no-cache"}
        confirmed.show_on(form)
        status = 422
    body = render_template(
        "accounts/second_factor_enrol.html",
        form=form,
        enrolment=state.enrolment,
        action=url_for("account.enrol_second_factor"),
    )
    return body, status, {"Cache-Control": "no-store", "Pragma": "no-cache"}


@bp.post("/second-factor/disable")
@requires(Permission.SIGNED_IN)
@limiter.limit(lambda: current_app.config["SPOTCHECK_CODE_LIMIT_PER_CLIENT"], scope="second-factor-codes")
def disable_second_factor() -> ResponseReturnValue:
    form = SecondFactorForm()
    if form.validate_on_submit():
        perform(
            accounts.disable_second_factor,
            {"code": form.code.data},
            actor=current_user._get_current_object(),
            done=_("Your second factor is off."),
            refusals=WITH_FORBIDDEN,
        )
    return redirect(url_for("account.second_factor"))
