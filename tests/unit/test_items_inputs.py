"""An item's fields are declared once (事项要素, ``tenants/items/inputs.py``): the API's input
schemas, the item form and the item pages' labels, the item list workbook's columns and the
command's checks are all derived from that declaration, so a field added, renamed or lengthened
there changes everywhere."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from flask import Flask

from spotcheck.platform.api.items.schemas import ItemCreateSchema, ItemSchema, ItemUpdateSchema
from spotcheck.platform.api.types import INT32
from spotcheck.platform.web.items.forms import ItemEditForm, ItemForm
from spotcheck.platform.web.items.pages import FIELD_LABELS, FORM_FIELD
from spotcheck.tenants.items import inputs
from spotcheck.tenants.items.checks import clean_item_fields
from spotcheck.tenants.items.vocabulary import ITEM_FIELDS
from spotcheck.tenants.spreadsheets.columns import CHOICE, FLAG, FREQUENCY, ITEMS, MULTI, NO, RATIO, TEXT, YES, names

TEMPLATE = Path(__file__).resolve().parents[2] / "spotcheck/platform/templates/items/form.html"
NAMES = [field.name for field in inputs.FIELDS]


def test_the_api_takes_exactly_the_declared_fields_with_their_limits_and_lists():
    create, update = ItemCreateSchema(), ItemUpdateSchema()
    assert list(create.fields) == NAMES == list(ITEM_FIELDS)
    assert list(update.fields) == [*NAMES, inputs.CHANGE_REASON.name]
    assert list(ItemSchema().fields)[: len(NAMES)] == NAMES  # an item is answered with the fields it is sent with
    for field in inputs.FIELDS:
        taken = create.fields[field.name]
        assert taken.metadata.get("maxLength") == field.longest, field.name
        assert field.about in taken.metadata["description"], field.name
        assert taken.required == field.required and not update.fields[field.name].required, field.name
        assert taken.load_default is update.fields[field.name].load_default  # a change leaves out what it does not send
        if field.bounds:
            assert (taken.metadata["minimum"], taken.metadata["maximum"]) == field.bounds, field.name
        if field.kind == inputs.CHOICE:
            assert taken.metadata["enum"] == [*field.choices, *field.choices.values()]  # a code or its name
        if field.kind == inputs.PERIOD:
            assert taken.metadata["enum"] == [*field.choices, "", None]
    # no second check in the schema (the database's whole-number range is the type's): the command alone
    # refuses, naming the field in the user's language
    assert not any(set(taken.validators) - {INT32} for taken in (*create.fields.values(), *update.fields.values()))


def _form(data: dict | None = None, form_class=ItemForm):
    app = Flask(__name__)
    with app.test_request_context(method="POST" if data is not None else "GET", data=data or {}):
        return form_class(meta={"csrf": False})


def test_the_form_has_a_field_per_declared_field_labelled_as_declared():
    form = _form()
    for field in inputs.FIELDS:
        assert form[field.field_name].label.text is field.label, field.name
        if field.longest:
            assert form[field.field_name].render_kw == {"maxlength": field.longest}, field.name
    assert FORM_FIELD == {"ratio_bp": "ratio"}  # a refusal of the ratio is shown under the field typed in per cent
    assert _form(form_class=ItemEditForm)["reason"].label.text is inputs.CHANGE_REASON.label
    # a new item's form offers what the declaration says (the market field, a general item under random checking)
    assert (form.field.data, form.kind.data, form.random_check.data) == ("market", "general", True)


def test_the_form_hands_the_command_the_declared_fields_and_nothing_else():
    data = _form(
        {
            "name": "食品生产监督检查",
            "ratio": "不低于5%",
            "frequency_times": "2",
            "frequency_period": "half",
            "methods": ["onsite", "document"],
            "field": "market",
            "kind": "key",
            "random_check": "y",
        }
    ).item_data()
    assert list(data) == NAMES
    assert (data["ratio_bp"], data["frequency_times"], data["frequency_period"]) == (500, 2, "half")
    assert data["methods"] == ["onsite", "document"] and data["random_check"] is True
    # what is not a number goes on as typed, for the command to refuse naming the field
    bad = _form({"name": "x", "ratio": "abc", "frequency_times": "一年一次"}).item_data()
    assert (bad["ratio_bp"], bad["frequency_times"], bad["frequency_period"]) == ("abc", "一年一次", "")


def test_the_form_shows_a_saved_items_sampling_as_typed():
    form = _form()
    form.show(SimpleNamespace(ratio_bp=250, frequency_times=2, frequency_period="half"))
    assert (form.ratio.data, form.frequency_times.data, form.frequency_period.data) == ("2.5", "2", "half")


def test_the_template_writes_every_declared_field_and_the_pages_label_each():
    text = TEMPLATE.read_text(encoding="utf-8")
    for field in inputs.FIELDS:
        assert f"field(form.{field.field_name}" in text, field.name
    # the detail and version pages: every field in the declared order, the frequency's period said with its times
    assert [name for name, _ in FIELD_LABELS] == [name for name in NAMES if name != "frequency_period"]
    assert all(label is inputs.BY_NAME[name].shown_as for name, label in FIELD_LABELS)


def test_the_items_workbook_has_a_column_per_declared_field():
    kinds = {
        inputs.TEXT: TEXT,
        inputs.LONG_TEXT: TEXT,
        inputs.CODES: MULTI,
        inputs.CHOICE: CHOICE,
        inputs.FLAG: FLAG,
        inputs.RATIO: RATIO,
        inputs.TIMES: FREQUENCY,
    }
    columns = ITEMS.columns[2:]  # after 序号 and 事项编码 (the row's key, not a field of the command)
    assert [column.header for column in ITEMS.columns[:2]] == ["序号", "事项编码"]
    assert len(columns) == len(inputs.SHEET_FIELDS)
    for column, field in zip(columns, inputs.SHEET_FIELDS, strict=True):
        assert (column.header, column.key, column.aliases, column.hint, column.width, column.required) == (
            field.sheet.header,
            field.sheet.key or field.name,
            field.sheet.aliases,
            field.sheet.hint,
            field.sheet.width,
            field.sheet.required,
        )
        assert column.kind == kinds[field.kind]
        assert column.choices == (
            (YES, NO) if field.kind == inputs.FLAG else names(field.choices) if field.choices else ()
        )
    # every field is read from a column: its own, or the one that holds it with another (频次: times and period)
    held = {column.key for column in columns}
    assert all(field.name in held or ITEMS.held_in.get(field.name) in held for field in inputs.FIELDS)
    assert ITEMS.header_for("frequency_period") == ITEMS.header_for("frequency_times") == "频次"


def test_the_command_checks_the_declared_limits_lists_and_required_fields():
    for field in inputs.FIELDS:
        if field.longest:
            _, errors = clean_item_fields({field.name: "字" * field.longest})
            assert field.name not in errors, field.name
            _, errors = clean_item_fields({field.name: "字" * (field.longest + 1)})
            assert field.name in errors, field.name
        if field.kind == inputs.CHOICE:
            clean, errors = clean_item_fields({field.name: next(iter(field.choices.values()))})
            assert clean[field.name] == next(iter(field.choices)) and not errors  # a Chinese name is its code
            _, errors = clean_item_fields({field.name: "moon"})
            assert errors[field.name] == [field.unknown]
        if field.required:
            _, errors = clean_item_fields({field.name: " "})
            assert errors[field.name] == [field.missing]
