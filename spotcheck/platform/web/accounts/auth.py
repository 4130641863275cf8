"""Sign in, sign out, language."""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from spotcheck.core.clock import SHANGHAI, as_utc
from spotcheck.platform import accounts, identity_platform
from spotcheck.platform.identity_platform import STAFF
from spotcheck.platform.permissions import Permission, public, requires
from spotcheck.platform.session import SESSION_KEY
from spotcheck.platform.web.accounts import identity
from spotcheck.platform.web.forms import EmptyForm, LoginForm
from spotcheck.tenants.accounts import commands as account_commands

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never redirect to another host after login."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
@public
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            signed_in = accounts.authenticate(
                form.login.data,
                form.password.data,
                max_failures=current_app.config["LOGIN_MAX_FAILURES"],
                lock_minutes=current_app.config["LOGIN_LOCK_MINUTES"],
                user_agent=request.headers.get("User-Agent", ""),
                password_login=current_app.config["SPOTCHECK_PASSWORD_LOGIN"] != "off",
            )
        except accounts.LoginRefusedError as refused:
            message = str(refused.message)
            if refused.locked_until is not None:
                until = as_utc(refused.locked_until).astimezone(SHANGHAI).strftime("%H:%M")
                message += " " + _("Locked until %(time)s.", time=until)
            form.form_errors.append(message)
        else:
            session.clear()
            session.permanent = True
            session[SESSION_KEY] = signed_in.session_key
            login_user(signed_in.user)
            return redirect(_safe_next(request.args.get("next")))
    return render_template(
        "accounts/login.html",
        form=form,
        identity_platform=identity_platform.provider(STAFF) is not None,
        passwords_off=current_app.config["SPOTCHECK_PASSWORD_LOGIN"] == "off",
    )


@bp.route("/logout", methods=["POST"])
@requires(Permission.SIGNED_IN)
def logout() -> ResponseReturnValue:
    account_commands.sign_out({"session_key": session.get(SESSION_KEY)}, actor=current_user._get_current_object())
    signed_in_by = session.get(identity.SIGNED_IN_BY)
    logout_user()
    session.clear()
    flash(_("You have signed out."), "info")
    return redirect(identity.logout_redirect(signed_in_by) or url_for("auth.login"))


@bp.route("/lang/<code>", methods=["POST"])
@public
def set_language(code: str) -> ResponseReturnValue:
    form = EmptyForm()
    if form.validate_on_submit() and code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    return redirect(_safe_next(request.form.get("next") or (request.referrer and urlsplit(request.referrer).path)))
