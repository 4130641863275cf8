"""Forms of the plan pages (年度检查计划). They only collect input; the plan commands validate it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar, cast

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.fields.core import UnboundField

from spotcheck.core.text import whole_number, whole_numbers
from spotcheck.platform.web.forms import MultiCheckboxField, planned_ratio, whole_or_text
from spotcheck.tenants.plans import inputs

#: What a form's field holds: a text field its text, a list of checkboxes the values ticked (``None``: not sent).
FieldData = str | list[str] | None


def _field(declared: inputs.PlanField, **options: object) -> UnboundField:
    """The page's field of a plan field, labelled and listed as :mod:`spotcheck.tenants.plans.inputs`
    declares it (the plan command checks what it gives)."""
    choices = [SelectChoice(str(code), name) for code, name in (declared.choices or {}).items()]
    if declared.kind == inputs.CHOICE:
        empty = [SelectChoice("", declared.empty)] if declared.empty is not None else []
        return SelectField(declared.label, choices=[*empty, *choices], validate_choice=False, **options)
    if declared.kind == inputs.ID:
        return SelectField(declared.label, validate_choice=False, **options)  # the page lists the rows
    if declared.kind == inputs.NUMBERS:
        numbers = range(declared.least or 0, (declared.most or 0) + 1)
        return MultiCheckboxField(
            declared.label, choices=[SelectChoice(str(n), str(n)) for n in numbers], validate_choice=False, **options
        )
    if declared.kind in (inputs.CHOICES, inputs.IDS):
        return MultiCheckboxField(declared.label, choices=choices or None, validate_choice=False, **options)
    if declared.kind == inputs.NOTE:
        return TextAreaField(declared.label, **options)
    render_kw = {"maxlength": declared.longest} if declared.longest else None
    return StringField(declared.label, render_kw=render_kw, **options)


def _value(declared: inputs.PlanField, data: FieldData) -> object:
    """What the page's field gives, as the plan command takes it (a wrong value is the command's to refuse)."""
    if declared.kind == inputs.RATIO:
        return planned_ratio(data)
    if declared.kind == inputs.WHOLE:
        return whole_or_text(data)
    if declared.kind == inputs.ID:
        return whole_number(data) or 0
    if declared.kind == inputs.CHOICE:
        # a CHOICE field is a select: its code as text (``None`` unsent, which no code matches)
        return {str(code): code for code in declared.choices or ()}.get(cast(str, data), data or declared.default)
    if declared.kind in (inputs.NUMBERS, inputs.IDS):
        return whole_numbers(data)
    if declared.kind == inputs.CHOICES:
        return list(data or [])
    return data or ""


def data_of(form: FlaskForm, declared: Iterable[inputs.PlanField]) -> dict[str, object]:
    """The command's input from the form's fields of ``declared`` (those the form has)."""
    return {
        field.name: _value(field, getattr(form, field.form_name).data)
        for field in declared
        if hasattr(form, field.form_name)
    }


_PLAN, _LINE = inputs.PLAN, inputs.LINE


class PlanForm(FlaskForm):
    year = _field(_PLAN["year"])
    half = _field(_PLAN["half"])
    title = _field(_PLAN["title"])

    def plan_data(self) -> dict[str, object]:
        return data_of(self, inputs.PLAN_FIELDS)


class JointPlanForm(FlaskForm):
    """年度联合抽查工作计划: a field's lead department plans the year's joint checks."""

    year = _field(_PLAN["year"])
    field = _field(_PLAN["field"])
    title = _field(_PLAN["title"])
    department_ids = _field(_PLAN["department_ids"])

    def plan_data(self) -> dict[str, object]:
        return {**data_of(self, inputs.PLAN_FIELDS), "half": None, "kind": "joint"}


class PlanLineForm(FlaskForm):
    item_id = _field(_LINE["item_id"])
    ratio = _field(_LINE["ratio_bp"])
    frequency_period = _field(_LINE["frequency_period"])
    frequency_times = _field(_LINE["frequency_times"])
    months = _field(_LINE["months"])
    methods = _field(_LINE["methods"])

    def line_data(self) -> dict[str, object]:
        return data_of(self, inputs.LINE_FIELDS)

    #: The command's names of the fields the form names otherwise (its errors go under them).
    renamed: ClassVar[dict[str, str]] = {field.name: field.page_name for field in inputs.LINE_FIELDS if field.page_name}


class ReviewForm(FlaskForm):
    comment = _field(inputs.REVIEW["comment"])
