"""Sign in (with its second factor, 两步验证), sign out, language."""

from urllib.parse import unquote, urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from spotcheck.core.clock import SHANGHAI, as_utc
from spotcheck.platform import accounts, identity_platform
from spotcheck.platform.identity_platform import STAFF
from spotcheck.platform.permissions import Permission, public, requires
from spotcheck.platform.session import PENDING_KEY, SESSION_KEY
from spotcheck.platform.web.accounts import identity
from spotcheck.platform.web.forms import BAD_INPUT, EmptyForm, LoginForm, SecondFactorForm, attempt
from spotcheck.tenants.accounts import commands as account_commands, queries as account_queries
from spotcheck.tenants.accounts.vocabulary import AWAITS_ENROLMENT

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never redirect to another host after login — no ``//host``, and no backslash or control
    character anywhere (browsers read ``/\\host`` as ``//host``)."""
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in unquote(target)
        and not any(ord(c) < 32 or ord(c) == 127 for c in unquote(target))
        and not urlsplit(target).netloc
    ):
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
            form.form_errors.append(_locked_message(refused))
        else:
            session.clear()
            session.permanent = True
            if signed_in.pending:  # the second factor awaited: nobody is signed in yet
                session[PENDING_KEY] = signed_in.session_key
                return redirect(url_for("auth.second_factor", next=request.args.get("next")))
            session[SESSION_KEY] = signed_in.session_key
            login_user(signed_in.user)
            return redirect(_safe_next(request.args.get("next")))
    return render_template(
        "accounts/login.html",
        form=form,
        identity_platform=identity_platform.provider(STAFF) is not None,
        passwords_off=current_app.config["SPOTCHECK_PASSWORD_LOGIN"] == "off",
    )


def _signed_in_with(session_key: str | None, user: object) -> None:
    """This browser signed in under the session ``session_key`` (the one awaiting the second factor forgotten; the
    identity platform that vouched for the person kept, for the sign-out)."""
    by = session.get(identity.SIGNED_IN_BY)
    session.clear()
    session.permanent = True
    session[SESSION_KEY] = session_key
    if by:
        session[identity.SIGNED_IN_BY] = by
    login_user(user)


def _locked_message(refused: accounts.LoginRefusedError) -> str:
    message = str(refused.message)
    if refused.locked_until is not None:
        until = as_utc(refused.locked_until).astimezone(SHANGHAI).strftime("%H:%M")
        message += " " + _("Locked until %(time)s.", time=until)
    return message


@bp.route("/login/code", methods=["GET", "POST"])
@public
def second_factor() -> ResponseReturnValue:
    """The sign-in's second step (两步验证): the code of the authenticator, or a recovery code. Before it, the
    browser holds a session that grants nothing."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    idle = current_app.config["SESSION_IDLE_TIMEOUT"]
    pending = account_queries.pending_sign_in(session.get(PENDING_KEY), idle=idle)
    if pending is None:
        session.pop(PENDING_KEY, None)
        flash(_("Sign in again: the sign-in was not finished in time."), "info")
        return redirect(url_for("auth.login"))
    if pending.awaits == AWAITS_ENROLMENT:
        return redirect(url_for("auth.enrol", next=request.args.get("next")))
    form = SecondFactorForm()
    status = 200
    if form.validate_on_submit():
        given = account_commands.give_second_factor(
            {
                "session_key": session.get(PENDING_KEY),
                "code": form.code.data,
                "max_failures": current_app.config["LOGIN_MAX_FAILURES"],
                "lock_minutes": current_app.config["LOGIN_LOCK_MINUTES"],
                "idle": idle,
            }
        )
        if given.refused is None:
            _signed_in_with(given.session_key, given.user)
            return redirect(_safe_next(request.args.get("next")))
        if given.refused.locked_until is not None:  # locked: the waiting session is over, start again later
            session.pop(PENDING_KEY, None)
            flash(_locked_message(given.refused), "error")
            return redirect(url_for("auth.login"))
        form.code.errors = [str(given.refused.message)]
        status = 422
    return render_template("accounts/second_factor_code.html", form=form), status


@bp.route("/login/enrol", methods=["GET", "POST"])
@public
def enrol() -> ResponseReturnValue:
    """The sign-in's enrolment (设置两步验证): an administrator without a second factor where one is required sets
    it up before being signed in (a QR code, one code to confirm), then reads the recovery codes once."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    idle = current_app.config["SESSION_IDLE_TIMEOUT"]
    pending = account_queries.pending_sign_in(session.get(PENDING_KEY), idle=idle)
    if pending is None or pending.awaits != AWAITS_ENROLMENT or pending.enrolment is None:
        session.pop(PENDING_KEY, None)
        flash(_("Sign in again: the sign-in was not finished in time."), "info")
        return redirect(url_for("auth.login"))
    form = SecondFactorForm()
    status = 200
    if form.validate_on_submit():
        finished = attempt(
            account_commands.finish_enrolment,
            {"session_key": session.get(PENDING_KEY), "code": form.code.data, "idle": idle},
            refusals=BAD_INPUT,
        )
        if finished.ok:
            _signed_in_with(finished.result.session_key, finished.result.user)
            return _recovery_codes_page(finished.result.recovery_codes, _safe_next(request.args.get("next")))
        finished.show_on(form)
        status = 422
    body = render_template(
        "accounts/second_factor_enrol.html", form=form, enrolment=pending.enrolment, action=request.full_path
    )
    return body, status, {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _recovery_codes_page(codes: list[str], then: str) -> ResponseReturnValue:
    """The recovery codes, shown this once (never stored in clear, never in the cookie)."""
    body = render_template("accounts/second_factor_codes.html", codes=codes, then=then)
    return body, 200, {"Cache-Control": "no-store", "Pragma": "no-cache"}


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
