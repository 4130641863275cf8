"""A campaign's fields are declared once (抽查任务的录入项, ``tenants/campaigns/inputs.py``): the API's
input schemas and the campaign pages' forms (the joint campaign's too) are derived from that
declaration, so a field added, renamed, bounded or listed there changes everywhere."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask_babel import Babel
from werkzeug.datastructures import MultiDict

from spotcheck.platform.api.campaigns.schemas import (
    CampaignFieldsSchema,
    DrawRequestSchema,
    ReplaceInspectorSchema,
    ReplaceTargetSchema,
    TargetFilterSchema,
)
from spotcheck.platform.api.types import INT32
from spotcheck.platform.web.campaigns.forms import CampaignForm, DrawForm, ReplaceInspectorForm, ReplaceTargetForm
from spotcheck.platform.web.joint.forms import JointForm
from spotcheck.tenants.campaigns import inputs

TEMPLATE = Path(__file__).resolve().parents[2] / "spotcheck/platform/templates/campaigns/form.html"


def _page():
    app = Flask(__name__)
    app.config.update(SECRET_KEY="test", WTF_CSRF_ENABLED=False)
    Babel(app)
    return app


def test_the_api_takes_exactly_the_declared_fields_with_their_bounds_and_lists():
    schema = CampaignFieldsSchema()
    assert list(schema.fields) == [field.name for field in inputs.FIELDS]
    for field in inputs.FIELDS:
        taken = schema.fields[field.name]
        assert field.about in taken.metadata["description"], field.name
        assert taken.allow_none == field.nullable, field.name
        assert not taken.required, field.name  # a change sends only what changes: the command names what is missing
        if field.kind == inputs.WHOLE:
            assert (taken.metadata.get("minimum"), taken.metadata.get("maximum")) == (field.least, field.most)
        if field.longest:
            assert taken.metadata["maxLength"] == field.longest, field.name
        if field.kind == inputs.CHOICE:
            assert [code for code in taken.metadata["enum"] if code in field.choices] == list(field.choices)
    method = inputs.CAMPAIGN["method"]
    assert schema.fields["method"].metadata["enum"] == [*method.choices, *method.choices.values()]  # names too
    assert list(TargetFilterSchema().fields) == list(inputs.FILTER_KEYS)
    draw = DrawRequestSchema()
    assert list(draw.fields) == [field.name for field in inputs.DRAW_FIELDS]
    assert draw.load({}) == {"public_inputs": [], "no_input_reason": ""}  # an omitted field is its default
    assert draw.fields["public_inputs"].metadata["maxItems"] == inputs.DRAW["public_inputs"].most
    assert draw.fields["public_inputs"].inner.metadata["maxLength"] == inputs.DRAW["public_inputs"].longest
    for schema_class, declared in (
        (ReplaceTargetSchema, inputs.REPLACE_TARGET),
        (ReplaceInspectorSchema, inputs.REPLACE_INSPECTOR),
    ):
        reason = schema_class().fields["reason"]
        assert reason.required and all(code in reason.metadata["description"] for code in declared.choices)
    # no second check in the schemas: the campaign commands alone refuse, naming the field in the user's language
    # (a whole number stays within the database's range, so that a number too large is a 422, never a 500)
    taken = [*schema.fields.values(), *draw.fields.values(), *TargetFilterSchema().fields.values()]
    assert all(validator is INT32 for field in taken for validator in field.validators)


def test_a_campaigns_bounds_are_those_the_commands_apply():
    campaign, rule = inputs.CAMPAIGN, inputs.RULE
    assert campaign["year"].admits(2026) and not campaign["year"].admits(1999)
    assert campaign["title"].fits("查" * 200) and not campaign["title"].fits("查" * 201)
    assert [n for n in range(0, 52) if campaign["reserve_size"].admits(n)] == list(range(0, 51))
    assert not campaign["capacity"].admits(0) and campaign["team_size"].most == 10
    assert rule["ratio_bp"].admits(10000) and not rule["ratio_bp"].admits(10001) and not rule["count"].admits(-1)
    assert inputs.STRATA == ("A", "B", "C", "D", "flagged")
    reason = inputs.DRAW["no_input_reason"]
    assert not reason.fits("短") and reason.fits("现场无人到场观察")


def test_the_page_forms_are_labelled_and_listed_from_the_declaration():
    with _page().test_request_context(method="POST"):
        form = CampaignForm(formdata=None)
        for field in (*inputs.FIELDS, *inputs.FILTER_FIELDS):
            shown = getattr(form, field.form_name, None)
            if field.kind in (inputs.FILTER, inputs.RULES):
                continue  # the filter's and the strata's own fields are the page's
            assert shown is not None and shown.label.text is field.label, field.name
            # the exempt kinds are the rules'; the kind is chosen by the link the page is opened from (新建 / 登记特定对
            # 象检查)
            if (
                field.kind in (inputs.CHOICE, inputs.CHOICES)
                and field.choices
                and field.name not in ("exempt_kind", "kind")
            ):
                assert [code for code, *_ in shown.iter_choices() if code] == list(field.choices), field.name
            if field.longest:
                assert f'maxlength="{field.longest}"' in str(shown()), field.name
        for stratum in inputs.STRATA:
            for field in inputs.RULE_FIELDS:
                assert form[f"{stratum}_{field.form_name}"].label.text is field.label, (stratum, field.name)
        assert [code for code, *_ in form.flagged_mode.iter_choices()] == ["none", *inputs.RULE["mode"].choices]
        assert form.reserve_size.data == "3" and form.method.data == "onsite"  # the command's defaults, shown
        joint = JointForm(formdata=None)
        for name in ("title", "year", "window_start", "window_end", "method", "team_size", "capacity", "reserve_size"):
            assert getattr(joint, name).label.text is inputs.CAMPAIGN[name].label, name
        assert joint.team_size.data == "2"
        draw = DrawForm(formdata=None)
        assert draw.public_inputs.label.text is inputs.DRAW["public_inputs"].label
        assert draw.no_input_reason.label.text is inputs.DRAW["no_input_reason"].label
        for form_class, declared in (
            (ReplaceTargetForm, inputs.REPLACE_TARGET),
            (ReplaceInspectorForm, inputs.REPLACE_INSPECTOR),
        ):
            reason = form_class(formdata=None).reason
            assert reason.label.text is declared.label
            assert [code for code, *_ in reason.iter_choices()] == ["", *declared.choices]


def test_the_page_form_sends_the_declared_fields_as_the_commands_take_them():
    typed = MultiDict(
        [
            ("title", "危化企业抽查"),
            ("year", "2026"),
            ("item_ids", "7"),
            ("item_ids", "9"),
            ("exempt_kind", ""),
            ("industries", "C26, C2611"),
            ("regions", "330102"),
            ("flags", "abnormal"),
            ("flags", "nonsense"),
            ("reserve_size", "3"),
            ("team_size", "2"),
            ("capacity", ""),
            ("window_start", "2026-05-01"),
            ("window_end", "2026-06-30"),
            ("method", "onsite"),
            *((f"{s}_mode", "ratio") for s in "ABCD"),
            *((f"{s}_ratio", "10") for s in "ABCD"),
            *((f"{s}_min", "1") for s in "ABCD"),
            ("flagged_mode", "count"),
            ("flagged_count", "abc"),
        ]
    )
    with _page().test_request_context(method="POST"):
        data = CampaignForm(formdata=typed).campaign_data()
    assert list(data) == [field.name for field in inputs.FIELDS]
    assert data["year"] == 2026 and data["item_ids"] == [7, 9] and data["exempt_kind"] is None
    assert data["target_filter"] == {
        "categories": [],
        "industries": ["C26", "C2611"],
        "regions": ["330102"],
        "entity_types": [],
        "flags": ["abnormal"],
    }  # an unlisted flag is left out
    assert data["strata"]["A"] == {"ratio_bp": 1000, "min": 1}
    assert data["strata"]["flagged"] == {"count": "abc"}  # what cannot be read is the command's to refuse
    assert data["capacity"] is None and data["method"] == "onsite"
    with _page().test_request_context(method="POST"):
        joint = JointForm(
            formdata=MultiDict(
                [
                    ("title", "联合"),
                    ("year", "2026"),
                    ("field", "safety"),
                    ("department_ids", "3"),
                    ("department_ids", "5"),
                ]
            )
        ).joint_data()
    assert joint["department_ids"] == [3, 5] and joint["field"] == "safety" and joint["year"] == 2026
    assert set(joint) - {"field", "department_ids"} <= {field.name for field in inputs.FIELDS}


def test_the_template_shows_every_declared_field_of_the_page_through_its_form():
    text = TEMPLATE.read_text("utf-8")
    for field in (*inputs.FIELDS, *inputs.FILTER_FIELDS):
        if field.kind not in (inputs.FILTER, inputs.RULES):
            assert f"form.{field.form_name}" in text, field.name
