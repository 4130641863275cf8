"""Forms of the joint campaign pages (联合抽查). They only collect input; the joint commands check it."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField

from spotcheck.core.text import whole_numbers
from spotcheck.platform.web.forms import MultiCheckboxField, choices_of, whole_or_text
from spotcheck.tenants.common.vocabulary import reference


class JointForm(FlaskForm):
    """What the lead sets for the whole joint campaign, and the departments it invites."""

    title = StringField(_l("Title"))
    year = StringField(_l("Year"))
    field = SelectField(_l("Enforcement field"), validate_choice=False)
    window_start = StringField(_l("From"), render_kw={"type": "date"})
    window_end = StringField(_l("To"), render_kw={"type": "date"})
    method = SelectField(_l("Check method"), choices=choices_of(reference.CHECK_METHODS), default="onsite",
                         validate_choice=False)
    team_size = StringField(_l("Inspectors per team"), default="2")
    capacity = StringField(_l("Most visits per inspector"))
    reserve_size = StringField(_l("Reserves per stratum"), default="3")
    department_ids = MultiCheckboxField(_l("Departments invited"), validate_choice=False)

    def joint_data(self) -> dict:
        return {"title": self.title.data or "", "year": whole_or_text(self.year.data), "field": self.field.data or None,
                "window_start": self.window_start.data or "", "window_end": self.window_end.data or "",
                "method": self.method.data or "onsite", "team_size": whole_or_text(self.team_size.data),
                "capacity": whole_or_text(self.capacity.data), "reserve_size": whole_or_text(self.reserve_size.data),
                "department_ids": whole_numbers(self.department_ids.data)}


class DeclineForm(FlaskForm):
    reason = TextAreaField(_l("Why the department does not take part"))
