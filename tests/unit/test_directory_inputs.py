"""The registry's and the directory's fields are declared once (检查对象名录库的录入项,
``tenants/directory/inputs.py``): the API's input schemas, the entry and entity forms, the entity
form's template and the directory workbook's columns are derived from that declaration, and the
commands check against its limits, lists and defaults — so a field added, renamed, lengthened or
listed there changes everywhere."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask
from flask_babel import Babel
from stdnum.cn import uscc

from spotcheck.platform.api.directory.schemas import (
    EntityInputSchema,
    EntityUpdateSchema,
    EntryCreateSchema,
    EntryUpdateSchema,
)
from spotcheck.platform.api.types import INT32
from spotcheck.platform.web.directory.forms import EntityForm, EntryForm
from spotcheck.tenants.directory import inputs
from spotcheck.tenants.directory.checks import clean_entity, clean_entry
from spotcheck.tenants.spreadsheets.columns import CHOICE, CODE, DATE, DIRECTORY, FLAG, INT, NO, TEXT, YES, names

TEMPLATES = Path(__file__).resolve().parents[2] / "spotcheck/platform/templates/directory"
SCHEMAS = (
    (EntityInputSchema, inputs.ENTITY_FIELDS),
    (EntityUpdateSchema, inputs.ENTITY_FIELDS),
    (EntryCreateSchema, inputs.TARGET_FIELDS + inputs.ENTRY_FIELDS),
    (EntryUpdateSchema, inputs.ENTRY_FIELDS),
)
CODE_17 = "91330106MA2B3C4D5"
#: A registry row the checks take, but for the field a test changes.
ROW = {
    "code": CODE_17 + uscc.calc_check_digit(CODE_17),
    "name": "杭州西湖炙烤餐饮有限公司",
    "industry_code": "H6210",
    "region_code": "330106",
}


def _page():
    app = Flask(__name__)
    app.config.update(SECRET_KEY="test", WTF_CSRF_ENABLED=False)
    Babel(app)
    return app


def test_the_api_takes_exactly_the_declared_fields_with_their_limits_and_lists():
    for schema_class, declared in SCHEMAS:
        schema = schema_class()
        # a registry entity's operating places (一照多址) besides: a list of places, not a column of the registry
        places = ["places"] if declared is inputs.ENTITY_FIELDS else []
        assert list(schema.fields) == [field.name for field in declared] + places, schema_class
        for field in declared:
            taken = schema.fields[field.name]
            assert field.about in taken.metadata["description"], field.name
            assert all(f"{code} = {name}" in taken.metadata["description"] for code, name in field.choices.items())
            texts = field.kind in (inputs.TEXT, inputs.CODE)
            assert taken.metadata.get("maxLength") == (field.longest if texts and field.longest else None), field.name
            # no second check in the schema: the command alone refuses, naming the field in the user's language
            # (only the whole-number range a database column holds, never a 500)
            assert all(validator is INT32 for validator in taken.validators), field.name


def test_the_page_forms_ask_for_the_declared_fields_and_hand_the_command_exactly_them():
    typed = {
        "code": ROW["code"],
        "name": ROW["name"],
        "entity_type": "product",
        "abnormal": "y",
        "complaints": "2",
        "credit_rating": "B",
        "category": "餐饮",
        "risk": "高",
        "tags": "学校周边, 燃气",
        "last_inspected_on": "2025-06-30",
    }
    with _page().test_request_context(method="POST", data=typed):
        for form, declared in ((EntityForm(), inputs.ENTITY_FIELDS), (EntryForm(), inputs.ENTRY_FIELDS)):
            places = ["places"] if declared is inputs.ENTITY_FIELDS else []  # 一照多址, asked after the declared
            assert [asked.name for asked in form] == [field.name for field in declared] + places
            for field in declared:
                assert form[field.name].label.text is field.label, field.name
                if field.choices:
                    offered = [choice.value for choice in form[field.name].choices]
                    assert offered == ([""] if field.unset else []) + list(field.choices), field.name
        entity = EntityForm().entity_data()
        assert list(entity) == [field.name for field in inputs.ENTITY_FIELDS]
        assert (entity["entity_type"], entity["abnormal"], entity["blacklisted"], entity["complaints"]) == (
            "product",
            True,
            False,
            "2",
        )
        assert EntryForm().entry_data() == {
            "category": "餐饮",
            "risk": "高",
            "tags": "学校周边, 燃气",
            "last_inspected_on": "2025-06-30",
        }


def test_the_entity_form_template_takes_its_limits_from_the_declaration():
    text = (TEMPLATES / "entity_form.html").read_text(encoding="utf-8")
    for name in ("code", "name"):
        assert f"field(form.{name}," in text and f"maxlength=fields.{name}.longest" in text, name
    for template in TEMPLATES.glob("*.html"):
        assert not re.search(r'maxlength="\d', template.read_text(encoding="utf-8")), template.name


def test_the_directory_workbook_has_a_column_per_declared_field_in_its_order():
    kinds = {
        inputs.TEXT: TEXT,
        inputs.CODE: CODE,
        inputs.CHOICE: CHOICE,
        inputs.FLAG: FLAG,
        inputs.DATE: DATE,
        inputs.COUNT: INT,
        inputs.TAGS: TEXT,
    }
    columns = [column for column in DIRECTORY.columns if column.key]
    assert [column.key for column in columns] == [field.name for field in inputs.FIELDS]
    for column, field in zip(columns, inputs.FIELDS, strict=True):
        sheet = field.sheet
        assert (column.header, column.aliases, column.hint, column.width, column.required) == (
            sheet.header,
            sheet.aliases,
            sheet.hint,
            sheet.width,
            sheet.required,
        ), field.name
        assert column.kind == kinds[field.kind], field.name
    offered = {column.key: column.choices for column in columns}
    assert offered["abnormal"] == offered["blacklisted"] == (YES, NO)
    assert offered["entity_type"] == names(inputs.BY_NAME["entity_type"].choices)
    assert offered["credit_rating"] == ("A", "B", "C", "D")
    assert offered["risk"] == ("A", "B", "C", "D", "高", "较高", "一般", "低")


def test_the_commands_check_against_the_declared_limits_lists_and_defaults():
    longest = inputs.BY_NAME["name"].longest
    assert "name" not in clean_entity({**ROW, "name": "名" * longest})[1]
    assert "name" in clean_entity({**ROW, "name": "名" * (longest + 1)})[1]
    clean, errors = clean_entity({**ROW, "address": "址" * 300})
    assert not errors and len(clean["address"]) == inputs.BY_NAME["address"].longest
    assert (clean["entity_type"], clean["status"]) == ("enterprise", "active")  # the declared defaults
    for name in ("entity_type", "status"):  # a listed value by its code or by its Chinese name
        for code, chinese in inputs.BY_NAME[name].choices.items():
            assert clean_entity({**ROW, name: chinese})[0][name] == clean_entity({**ROW, name: code})[0][name] == code
    assert "credit_rating" in clean_entity({**ROW, "credit_rating": "E"})[1]
    entry, errors = clean_entry({"category": "类" * 100, "tags": ["标签"]})
    assert not errors and len(entry["category"]) == inputs.BY_NAME["category"].longest and entry["risk"] == "C"
    too_many = [f"标签{number}" for number in range(inputs.BY_NAME["tags"].longest // 4)]
    assert "tags" in clean_entry({"tags": too_many})[1]
