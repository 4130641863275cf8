"""A plan's fields are declared once (计划的录入项, ``tenants/plans/inputs.py``): the API's input
schemas and the plan pages' forms are derived from that declaration, so a field added, renamed,
bounded or listed there changes everywhere."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask_babel import Babel
from werkzeug.datastructures import MultiDict

from spotcheck.platform.api.plans.schemas import PlanCreateSchema, PlanLineUpdateSchema, PlanReviewSchema
from spotcheck.platform.api.types import INT32
from spotcheck.platform.web.plans.forms import JointPlanForm, PlanForm, PlanLineForm, ReviewForm
from spotcheck.tenants.plans import inputs

TEMPLATES = Path(__file__).resolve().parents[2] / "spotcheck/platform/templates/plans"
SCHEMAS = (
    (PlanCreateSchema, inputs.PLAN_FIELDS),
    (PlanLineUpdateSchema, inputs.LINE_FIELDS),
    (PlanReviewSchema, inputs.REVIEW_FIELDS),
)


def _page():
    app = Flask(__name__)
    app.config.update(SECRET_KEY="test", WTF_CSRF_ENABLED=False)
    Babel(app)
    return app


def test_the_api_takes_exactly_the_declared_fields_with_their_bounds_and_lists():
    for schema_class, declared in SCHEMAS:
        schema = schema_class()
        sent = [field for field in declared if field.kind != inputs.ID]  # a line's item is the URL's
        assert list(schema.fields) == [field.name for field in sent], schema_class
        for field in sent:
            taken = schema.fields[field.name]
            assert taken.required == field.required, field.name
            assert field.about in taken.metadata["description"], field.name
            if field.kind in (inputs.WHOLE, inputs.RATIO):
                assert (taken.metadata["minimum"], taken.metadata["maximum"]) == (field.least, field.most), field.name
            if field.longest:
                assert taken.metadata["maxLength"] == field.longest, field.name
            if field.kind == inputs.CHOICE:
                assert [code for code in taken.metadata["enum"] if code not in ("", None)] == list(field.choices)
            if field.kind == inputs.CHOICES:
                assert all(code in taken.metadata["description"] for code in field.choices), field.name
    # no second check in the schemas: the plan command alone refuses, naming the field in the user's language
    # (a whole number stays within the database's range, so that a number too large is a 422, never a 500)
    taken = [field for schema_class, _ in SCHEMAS for field in schema_class().fields.values()]
    assert all(validator is INT32 for field in taken for validator in field.validators)


def test_a_plans_bounds_are_those_the_commands_apply():
    assert inputs.PLAN["year"].admits(2026) and not inputs.PLAN["year"].admits(1999)
    assert inputs.PLAN["title"].fits("计" * 200) and not inputs.PLAN["title"].fits("计" * 201)
    assert [m for m in range(0, 14) if inputs.LINE["months"].admits(m)] == list(range(1, 13))
    assert "market" not in (inputs.PLAN["field"].choices or {})  # a joint plan is of a field outside market regulation


def test_the_page_forms_are_labelled_and_listed_from_the_declaration():
    forms = (
        (PlanForm, inputs.PLAN_FIELDS),
        (JointPlanForm, inputs.PLAN_FIELDS),
        (PlanLineForm, inputs.LINE_FIELDS),
        (ReviewForm, inputs.REVIEW_FIELDS),
    )
    with _page().test_request_context(method="POST"):
        for form_class, declared in forms:
            form = form_class(formdata=None)
            for field in declared:
                shown = getattr(form, field.form_name, None)
                if shown is None:
                    continue
                assert shown.label.text is field.label, field.name
                if field.kind in (inputs.CHOICE, inputs.CHOICES) and field.name != "field":  # the page lists the led
                    assert [code for code, *_ in shown.iter_choices() if code] == [str(c) for c in field.choices]
                if field.longest:
                    assert f'maxlength="{field.longest}"' in str(shown()), field.name
        line = PlanLineForm(formdata=None)
        assert [code for code, *_ in line.months.iter_choices()] == [str(m) for m in range(1, 13)]
        assert PlanLineForm.renamed == {
            "ratio_bp": "ratio"
        }  # the page types a percentage, the command takes basis points


def test_the_page_forms_send_the_declared_fields_as_the_command_takes_them():
    typed = MultiDict(
        [
            ("item_id", "7"),
            ("ratio", "2.55"),
            ("frequency_period", "year"),
            ("frequency_times", "2"),
            ("months", "3"),
            ("months", "4"),
            ("methods", "onsite"),
        ]
    )
    with _page().test_request_context(method="POST"):
        assert PlanLineForm(formdata=typed).line_data() == {
            "item_id": 7,
            "ratio_bp": 255,
            "frequency_period": "year",
            "frequency_times": 2,
            "months": [3, 4],
            "methods": ["onsite"],
        }
        assert PlanLineForm(formdata=MultiDict([("item_id", "7"), ("ratio", "abc")])).line_data() == {
            "item_id": 7,
            "ratio_bp": None,
            "frequency_period": "",
            "frequency_times": None,
            "months": [],
            "methods": [],
        }  # what cannot be read is the command's to refuse, under its field
        half = PlanForm(formdata=MultiDict([("year", "2026"), ("half", "2"), ("title", "计划")])).plan_data()
        assert half == {"year": 2026, "half": 2, "title": "计划"}
        whole = PlanForm(formdata=MultiDict([("year", "2026"), ("half", ""), ("title", "计划")])).plan_data()
        assert whole["half"] is None
        joint = JointPlanForm(
            formdata=MultiDict(
                [
                    ("year", "2026"),
                    ("field", "safety"),
                    ("title", "联合"),
                    ("department_ids", "3"),
                    ("department_ids", "5"),
                ]
            )
        ).plan_data()
        assert joint == {
            "year": 2026,
            "half": None,
            "title": "联合",
            "kind": "joint",
            "field": "safety",
            "department_ids": [3, 5],
        }
        assert set(joint) == {field.name for field in inputs.PLAN_FIELDS}


def test_the_templates_show_every_declared_field_of_the_page_through_its_form():
    plan_form, detail = (TEMPLATES / "form.html").read_text("utf-8"), (TEMPLATES / "detail.html").read_text("utf-8")
    for field in inputs.PLAN_FIELDS:
        if field.label is not None:
            assert f"form.{field.form_name}" in plan_form, field.name
    for field in inputs.LINE_FIELDS:
        assert f"line_form.{field.form_name}" in detail, field.name
