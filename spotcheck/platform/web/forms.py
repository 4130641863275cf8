"""Web forms (Flask-WTF: every form carries its CSRF token).

The forms only collect input; the commands validate it, so each rule lives in one place and
the same messages reach the pages and the API.
"""

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Final, Generic, Literal, TypeVar, overload

from flask import flash, g, redirect, request, url_for
from flask_babel import get_locale, gettext, lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response as BaseResponse
from wtforms import BooleanField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from spotcheck.core.errors import ConflictError, ForbiddenError, InvalidInputError, ServiceError, user_message
from spotcheck.core.job_models import Job
from spotcheck.core.policy import Role
from spotcheck.core.text import whole_number, whole_numbers
from spotcheck.tenants.accounts.vocabulary import ROLE_LABELS, TENANT_KIND_LABELS
from spotcheck.tenants.common.vocabulary import sampling


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class LoginForm(FlaskForm):
    login = StringField(_l("Login"))
    password = PasswordField(_l("Password"))


class LinkCodeForm(FlaskForm):
    """The link code (关联码) a person of the identity platform was shown, entered by their administrator."""

    code = StringField(_l("Link code"))


class EmptyForm(FlaskForm):
    """A form with only its CSRF token, for buttons that change something."""


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(_l("Current password"))
    new_password = PasswordField(_l("New password"))


class SecondFactorForm(FlaskForm):
    """A code of the authenticator (动态验证码), or a recovery code where it is accepted."""

    code = StringField(_l("Verification code"))


class TokenForm(FlaskForm):
    name = StringField(_l("Token name"))


class UserForm(FlaskForm):
    login = StringField(_l("Login"))
    display_name = StringField(_l("Full name"))
    password = PasswordField(_l("Initial password"))
    roles = MultiCheckboxField(_l("Roles"))


class UserEditForm(FlaskForm):
    display_name = StringField(_l("Full name"))
    roles = MultiCheckboxField(_l("Roles"))
    active = BooleanField(_l("Active"))


class TenantForm(FlaskForm):
    code = StringField(_l("Code"))
    name = StringField(_l("Full name, with its place (a name without it gets its region's name before it)"))
    # no kind chosen in advance: an empty form is not taken for a second lead department
    kind = SelectField(
        _l("Kind"),
        choices=[
            SelectChoice("", _l("— choose —")),
            *(SelectChoice(value, label) for value, label in TENANT_KIND_LABELS.items()),
        ],
        validate_choice=False,
    )  # the command names a missing or unknown kind
    region = StringField(_l("Region (its name or code in the regions' tree)"))
    short_name = StringField(
        _l("Short name in document numbers (机关代字, e.g. 宁应急; left empty: its place's and its own, distinct)")
    )
    admin_login = StringField(_l("First administrator: login"))
    admin_name = StringField(_l("First administrator: name"))
    admin_password = PasswordField(_l("First administrator: initial password"))


def role_choices(allowed: Collection[Role]) -> list[SelectChoice]:
    return [SelectChoice(role.value, ROLE_LABELS[role]) for role in Role if role in allowed]


def apply_service_errors(
    form: FlaskForm, errors: Mapping[str, Sequence[str]], field_map: Mapping[str, str] | None = None
) -> None:
    """Show a service's field errors under the matching form fields (others at the top)."""
    field_map = field_map or {}
    for field, messages in errors.items():
        target = getattr(form, field_map.get(field, field), None)
        if target is not None and hasattr(target, "errors"):
            target.errors = list(target.errors) + list(messages)
        else:
            form.form_errors.extend(messages)


#: The refusals a page shows (a bad input, a state that does not allow it); anything else (a
#: missing permission: 403, an object that is not there: 404) is the error page.
REFUSALS: tuple[type[ServiceError], ...] = (InvalidInputError, ConflictError)
#: Only a bad input: for a form whose other refusals stay the error page.
BAD_INPUT: tuple[type[InvalidInputError]] = (InvalidInputError,)
#: The refusals, and a missing permission shown as one (a button a role sees but may not use).
WITH_FORBIDDEN: tuple[type[ServiceError], ...] = (InvalidInputError, ConflictError, ForbiddenError)


class _Sentinel(Enum):
    REFUSED = "refused"


#: What :func:`perform` returns when the command refused (``result is REFUSED`` tells a page).
REFUSED: Final = _Sentinel.REFUSED

T = TypeVar("T")

#: What a page flashes when a command succeeded: a message, a function of the command's result
#: giving one, or ``None`` (nothing: the page it leads to says what became of it).
Done = str | Callable[[T], str] | None


class _Outcome:
    """What the two outcomes of :func:`attempt` share: how a page shows a refusal."""

    refusal: ServiceError | None

    @property
    def invalid(self) -> bool:
        """Refused for a bad input (a :class:`InvalidInputError`: field errors to show on a form)."""
        return isinstance(self.refusal, InvalidInputError)

    @property
    def errors(self) -> dict[str, list[str]]:
        """The field errors of a bad input ({} for any other refusal)."""
        return self.refusal.errors if isinstance(self.refusal, InvalidInputError) else {}

    def flash_refusal(self, where: str = "") -> None:
        """Flash the refusal in the user's language (``where``: the part of the page that shows it)."""
        if self.refusal is not None:
            flash(user_message(self.refusal), f"error {where}".strip())

    def show_on(self, form: FlaskForm, field_map: Mapping[str, str] | None = None) -> None:
        """Put the field errors under the form's fields (see :func:`apply_service_errors`)."""
        apply_service_errors(form, self.errors, field_map)


@dataclass
class Succeeded(_Outcome, Generic[T]):
    """A command a page ran that succeeded: its ``result``."""

    result: T
    refusal: None = None

    @property
    def ok(self) -> Literal[True]:
        return True

    @property
    def invalid(self) -> Literal[False]:
        return False

    def report(self, done: Done[T], where: str = "") -> None:
        """Flash ``done`` (a message, or a function of the result; ``None``: nothing)."""
        if done is not None:
            flash(done(self.result) if callable(done) else done, f"success {where}".strip())


@dataclass
class Refused(_Outcome):
    """A command a page ran that the state, or who acts, refused (it has no result)."""

    refusal: ServiceError
    result: None = None

    @property
    def ok(self) -> Literal[False]:
        return False

    @property
    def invalid(self) -> Literal[False]:
        return False

    def report(self, done: object, where: str = "") -> None:
        """Flash the refusal (``done`` is for a success)."""
        self.flash_refusal(where)


@dataclass
class Invalid(_Outcome):
    """A command a page ran that refused its input (:class:`InvalidInputError`: field errors to show)."""

    refusal: InvalidInputError
    result: None = None

    @property
    def ok(self) -> Literal[False]:
        return False

    @property
    def invalid(self) -> Literal[True]:
        return True

    def report(self, done: object, where: str = "") -> None:
        """Flash the refusal (``done`` is for a success)."""
        self.flash_refusal(where)


#: What became of a command a page ran: its ``result`` (``if outcome.ok:``), or the refusal it met —
#: a bad input (``if outcome.invalid:``) or another.
Attempt = Succeeded[T] | Invalid | Refused


def summary_fields(form: FlaskForm) -> list[tuple[str, str, object]]:
    """A form's fields as the error summary at the top of the view names them: (error key, element id, label)."""
    return [(f.name, f.id, f.label.text) for f in form if f.name != "csrf_token"]


@overload
def attempt(
    command: Callable[..., T], *args: object, refusals: tuple[type[InvalidInputError]], **kwargs: object
) -> Succeeded[T] | Invalid: ...
@overload
def attempt(
    command: Callable[..., T], *args: object, refusals: tuple[type[ServiceError], ...] = ..., **kwargs: object
) -> Succeeded[T] | Invalid | Refused: ...
def attempt(
    command: Callable[..., T], *args: object, refusals: tuple[type[ServiceError], ...] = REFUSALS, **kwargs: object
) -> Succeeded[T] | Invalid | Refused:
    """Run ``command(*args, **kwargs)`` for a page, catching the ``refusals`` the page shows
    (default :data:`REFUSALS`; a page may widen them, e.g. with ``ForbiddenError``; with :data:`BAD_INPUT`
    the only refusal is an :class:`Invalid`)."""
    try:
        return Succeeded(result=command(*args, **kwargs))
    except refusals as refused:
        return Invalid(refusal=refused) if isinstance(refused, InvalidInputError) else Refused(refusal=refused)


def perform(
    command: Callable[..., T],
    *args: object,
    done: Done[T],
    where: str = "",
    refusals: tuple[type[ServiceError], ...] = REFUSALS,
    **kwargs: object,
) -> T | Literal[_Sentinel.REFUSED]:
    """Run a command for a button of a page (see :func:`attempt`): flash ``done`` (a message, or a
    function of the command's result; ``None``: the page it leads to says what became of it) or the
    refusal. Returns the command's result, or :data:`REFUSED`. ``where``: an extra flash category."""
    outcome = attempt(command, *args, refusals=refusals, **kwargs)
    outcome.report(done, where)
    return outcome.result if outcome.ok else REFUSED


def start_export(command: Callable[..., Job], *args: object, actor: object, back: str) -> BaseResponse:
    """A page's button that queues an export job (导出作业: the command returns the job): on to the job's page,
    which shows its progress, then the download; back to ``back`` when the form's token is stale or the command
    refuses (the refusal flashed)."""
    if not EmptyForm().validate_on_submit():
        return redirect(back)
    job = perform(
        command,
        *args,
        actor=actor,
        locale=str(get_locale()),
        done=gettext("The export has started; its progress is shown below."),
    )
    return redirect(back if job is REFUSED else url_for("audit.job", job_id=job.id))


#: The longest search text a list takes (a credit code is 18 characters, a name rarely over 30).
SEARCH_LENGTH = 50


def search_text(name: str = "q") -> str:
    """The search text a list was asked for (``?q=``), at most :data:`SEARCH_LENGTH` characters: a
    longer one is cut there, and the page says so (``g.search_cut``, shown by the base layout)."""
    text = (request.args.get(name) or "").strip()
    if len(text) > SEARCH_LENGTH:
        g.search_cut = SEARCH_LENGTH
    return text[:SEARCH_LENGTH]


def requested_page() -> int:
    """The page number a list was asked for (``?page=N``; 1 when absent); 0 — no such page — for
    anything that is not a small whole number."""
    value = request.args.get("page", "1")
    return whole_number(value, digits=6) or 0


def requested_id(source: Mapping[str, str], name: str) -> int | None:
    """A row's id a page was given (``source``: the query string or the form), or ``None`` for
    anything that cannot be one."""
    value = source.get(name, "")
    return whole_number(value)


def requested_ids(source: MultiDict[str, str], name: str) -> list[int]:
    """The ids ticked on a list (every ``name`` of the form that can be an id)."""
    return whole_numbers(source.getlist(name))


def choices_of(table: Mapping[str, str]) -> list[SelectChoice]:
    return [SelectChoice(code, name) for code, name in table.items()]


def planned_ratio(text: object) -> int | None:
    try:
        return sampling.parse_ratio(text)
    except sampling.InvalidValueError:
        return None


def whole_or_text(text: object) -> int | str | None:
    text = str(text or "").strip()
    if not text:
        return None
    number = whole_number(text)
    return text if number is None else number  # the service names the field and the reason
