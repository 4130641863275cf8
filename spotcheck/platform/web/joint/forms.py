"""Forms of the joint campaign pages (联合抽查). They only collect input; the joint commands check it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField

from spotcheck.core.text import whole_numbers
from spotcheck.platform.web.campaigns.forms import declared_field, values_of_form
from spotcheck.platform.web.forms import MultiCheckboxField
from spotcheck.tenants.campaigns import inputs

_C = inputs.CAMPAIGN


class JointForm(FlaskForm):
    """What the lead sets for the whole joint campaign, and the departments it invites."""

    title = declared_field(_C["title"])
    year = declared_field(_C["year"])
    field = SelectField(_l("Enforcement field"), validate_choice=False)
    window_start = declared_field(_C["window_start"])
    window_end = declared_field(_C["window_end"])
    method = declared_field(_C["method"])
    team_size = declared_field(_C["team_size"], default=str(_C["team_size"].least))
    capacity = declared_field(_C["capacity"])
    reserve_size = declared_field(_C["reserve_size"])
    department_ids = MultiCheckboxField(_l("Departments invited"), validate_choice=False)

    def joint_data(self) -> dict[str, object]:
        """The joint campaign's own fields (those it shares with a campaign, as declared), its field and
        the departments invited."""
        return {
            **values_of_form(self, inputs.FIELDS),
            "field": self.field.data or None,
            "department_ids": whole_numbers(self.department_ids.data),
        }


class DeclineForm(FlaskForm):
    reason = TextAreaField(_l("Why the department does not take part"))
