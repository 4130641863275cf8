"""Web forms (Flask-WTF: every form carries its CSRF token)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from spotcheck.platform.permissions import Role

ROLE_LABELS = {
    Role.platform_admin: _l("Platform administrator"),
    Role.tenant_admin: _l("Department administrator"),
    Role.planner: _l("Planner"),
    Role.leader: _l("Leader"),
    Role.inspector: _l("Inspector"),
    Role.coordinator: _l("Coordinator (joint inspections)"),
    Role.supervisor: _l("Supervisor (justice bureau)"),
}

TENANT_KIND_LABELS = {
    "lead": _l("Lead department (market regulation)"),
    "supervisor": _l("Supervising department (justice bureau)"),
    "ordinary": _l("Ordinary department"),
}

JOB_STATUS_LABELS = {
    "queued": _l("Queued"),
    "running": _l("Running"),
    "succeeded": _l("Done"),
    "failed": _l("Failed"),
}


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class LoginForm(FlaskForm):
    login = StringField(_l("Login"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired()])


class EmptyForm(FlaskForm):
    """A form with only its CSRF token, for buttons that change something."""


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(_l("New password"), validators=[DataRequired()])


class TokenForm(FlaskForm):
    name = StringField(_l("Token name"), validators=[DataRequired(), Length(max=100)])


class UserForm(FlaskForm):
    login = StringField(_l("Login"), validators=[DataRequired(), Length(max=64)])
    display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    password = PasswordField(_l("Initial password"), validators=[DataRequired()])
    roles = MultiCheckboxField(_l("Roles"))


class UserEditForm(FlaskForm):
    display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    roles = MultiCheckboxField(_l("Roles"))
    active = BooleanField(_l("Active"))


class TenantForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=16)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    kind = SelectField(_l("Kind"), choices=list(TENANT_KIND_LABELS.items()))
    region_code = StringField(_l("Region code (GB/T 2260)"), validators=[DataRequired(), Length(min=6, max=6)])
    admin_login = StringField(_l("First administrator: login"), validators=[DataRequired(), Length(max=64)])
    admin_name = StringField(_l("First administrator: name"), validators=[DataRequired(), Length(max=100)])
    admin_password = PasswordField(_l("First administrator: initial password"), validators=[DataRequired()])


def role_choices(allowed) -> list[tuple[str, str]]:
    return [(role.value, ROLE_LABELS[role]) for role in Role if role in allowed]


def apply_service_errors(form: FlaskForm, errors: dict[str, list[str]], field_map: dict[str, str] | None = None) -> None:
    """Show a service's field errors under the matching form fields (others at the top)."""
    field_map = field_map or {}
    for field, messages in errors.items():
        target = getattr(form, field_map.get(field, field), None)
        if target is not None and hasattr(target, "errors"):
            target.errors = list(target.errors) + list(messages)
        else:
            form.form_errors.extend(messages)
