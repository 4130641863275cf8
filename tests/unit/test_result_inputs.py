"""A result's fields are declared once (检查结果的录入项, ``tenants/results/inputs.py``): the API's
input schema, the visit page's form and template, and the results workbook's columns are all
derived from that declaration, so a field added, renamed or lengthened there changes everywhere."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from flask import Flask

from spotcheck.platform.api.results.schemas import ItemResultInputSchema, ResultInputSchema
from spotcheck.platform.web.results.visits import _form_data
from spotcheck.tenants.results import inputs
from spotcheck.tenants.spreadsheets.columns import CHOICE, DATE, MULTI, RESULTS, TEXT, names

TEMPLATE = Path(__file__).resolve().parents[2] / "spotcheck/platform/templates/results/visits/detail.html"


def test_the_api_takes_exactly_the_declared_fields_with_their_limits_and_lists():
    schema, item_schema = ResultInputSchema(), ItemResultInputSchema()
    assert list(schema.fields) == [*(field.name for field in inputs.VISIT_FIELDS), "items"]
    assert list(item_schema.fields) == [field.name for field in inputs.ITEM_FIELDS]
    for field in inputs.FIELDS:
        taken = (item_schema if field.per_item else schema).fields[field.name]
        assert taken.metadata.get("maxLength") == field.longest, field.name
        assert field.about in taken.metadata["description"], field.name
        if field.kind == inputs.CHOICE:
            assert taken.metadata["enum"] == ["", *field.choices]
    # no second check in the schema: the command alone refuses, naming the field in the user's language
    assert not any(taken.validators for taken in (*schema.fields.values(), *item_schema.fields.values()))


def test_the_page_form_sends_the_declared_fields_and_nothing_else():
    visit = SimpleNamespace(campaign=SimpleNamespace(items=[SimpleNamespace(id=7), SimpleNamespace(id=9)]))
    form = {
        "checked_on": "2026-05-06",
        "method": "onsite",
        "record": "笔录",
        "item-7-categories": ["no_problem"],
        "item-7-findings": "",
        "item-9-categories": ["licence"],
        "item-9-findings": "无证",
    }
    with Flask(__name__).test_request_context(method="POST", data=form):
        data = _form_data(visit)
    sent_dates = {"checked_on"}  # a date the page does not send (fixed after submission) is not sent on
    assert set(data) == {field.name for field in inputs.VISIT_FIELDS if field.kind != inputs.DATE} | sent_dates | {
        "items"
    }
    assert data["items"] == {
        "7": {"categories": ["no_problem"], "findings": ""},
        "9": {"categories": ["licence"], "findings": "无证"},
    }


def test_the_template_labels_and_limits_every_field_from_the_declaration():
    text = TEMPLATE.read_text(encoding="utf-8")
    for field in inputs.FIELDS:
        assert f"fields.{field.name}.label" in text, field.name
        if field.longest:
            assert f'maxlength="{{{{ page.fields.{field.name}.longest }}}}"' in text, field.name


def test_the_results_workbook_has_a_column_per_declared_field_in_its_order():
    kinds = {inputs.DATE: DATE, inputs.CHOICE: CHOICE, inputs.CATEGORIES: MULTI, inputs.TEXT: TEXT}
    columns = [column for column in RESULTS.columns if column.key in inputs.BY_NAME]
    assert [column.key for column in columns] == [field.name for field in inputs.FIELDS]
    for column, field in zip(columns, inputs.FIELDS, strict=True):
        assert (column.header, column.aliases, column.hint, column.width, column.required) == (
            field.sheet.header,
            field.sheet.aliases,
            field.sheet.hint,
            field.sheet.width,
            field.sheet.required,
        )
        assert column.kind == kinds[field.kind]
        assert column.choices == (names(field.choices) if field.choices else ())
