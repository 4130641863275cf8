"""Forms of the plan pages (年度检查计划). They only collect input; the plan commands validate it."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from spotcheck.core.text import whole_number, whole_numbers
from spotcheck.platform.web.forms import MultiCheckboxField, choices_of, planned_ratio, sampling_ratio, whole_or_text
from spotcheck.tenants.common.vocabulary import reference, sampling


class PlanForm(FlaskForm):
    year = StringField(_l("Year"))
    half = SelectField(_l("Period"), choices=[SelectChoice("", _l("The whole year")),
                                                  SelectChoice("1", _l("First half-year")),
                                                  SelectChoice("2", _l("Second half-year"))], validate_choice=False)
    title = StringField(_l("Title"))

    def plan_data(self) -> dict:
        year = whole_or_text(self.year.data)
        return {"year": year if isinstance(year, int) else 0, "half": int(self.half.data) if self.half.data else None,
                "title": self.title.data or ""}


class JointPlanForm(FlaskForm):
    """年度联合抽查工作计划: a field's lead department plans the year's joint checks."""

    year = StringField(_l("Year"))
    field = SelectField(_l("Enforcement field"), validate_choice=False)
    title = StringField(_l("Title"))
    department_ids = MultiCheckboxField(_l("Departments the joint checks will involve"), validate_choice=False)

    def plan_data(self) -> dict:
        year = whole_or_text(self.year.data)
        return {"year": year if isinstance(year, int) else 0, "half": None, "title": self.title.data or "",
                "kind": "joint", "field": self.field.data or "",
                "department_ids": whole_numbers(self.department_ids.data)}


class PlanLineForm(FlaskForm):
    item_id = SelectField(_l("Item"), validate_choice=False)
    ratio = StringField(_l("Planned ratio (%)"), validators=[sampling_ratio])
    frequency_period = SelectField(_l("Frequency: per"), choices=[
        SelectChoice("", _l("As in the item list")), *choices_of(sampling.PERIODS)], validate_choice=False)
    frequency_times = StringField(_l("Frequency: times"))
    months = MultiCheckboxField(_l("Months"), choices=[SelectChoice(str(m), str(m)) for m in range(1, 13)],
                                validate_choice=False)
    methods = MultiCheckboxField(_l("Check methods"), choices=choices_of(reference.CHECK_METHODS), validate_choice=False)

    def line_data(self) -> dict:
        return {"item_id": whole_number(self.item_id.data) or 0,
                "ratio_bp": planned_ratio(self.ratio.data), "frequency_times": whole_or_text(self.frequency_times.data),
                "frequency_period": self.frequency_period.data or "",
                "months": whole_numbers(self.months.data),
                "methods": list(self.methods.data or [])}


class ReviewForm(FlaskForm):
    comment = TextAreaField(_l("Comment"))
