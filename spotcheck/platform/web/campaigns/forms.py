"""Forms of the plan and campaign pages. They only collect input (and turn a percentage typed
with one decimal into basis points); the plan, campaign and ceremony commands validate it."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import TypedDict, cast

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Field,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice
from wtforms.fields.core import UnboundField

from spotcheck.core.text import whole_number, whole_numbers
from spotcheck.platform.permissions import acting_user
from spotcheck.platform.web.forms import MultiCheckboxField, choices_of, whole_or_text
from spotcheck.tenants.campaigns import inputs
from spotcheck.tenants.campaigns.queries import Campaign
from spotcheck.tenants.campaigns.vocabulary import CAMPAIGN_KIND_NAMES, FLAGGED, LEADER_RULES, NAMED_CAUSES
from spotcheck.tenants.directory.queries import directory_categories
from spotcheck.tenants.items import queries as items
from spotcheck.tenants.regions import queries as regions
from spotcheck.tenants.rules import queries as rules_queries
from spotcheck.tenants.rules.queries import Rules

STRATA = inputs.STRATA


#: Where the campaign form shows a refusal that the drafting commands name by their own field.
FORM_FIELD = {"target_filter": "industries"}

#: What a form's field holds: a text field its text, a list of checkboxes the values ticked (``None``: not sent).
FieldData = str | list[str] | None


class NamedRow(TypedDict):
    """One target of a named check as the drafting commands take it."""

    entity_code: str
    cause: str
    reference: str


class StratumRule(TypedDict, total=False):
    """A stratum's rule as the drafting commands take it: a ``count``, or a ``ratio_bp`` with a ``min``
    (a number typed wrong stays its text, for the command to name)."""

    count: int | str | None
    ratio_bp: int | None
    min: int | str


def percent_to_bp(text: str | None) -> int | None:
    """``"2.5"`` or ``"2.5%"`` → 250; ``None`` when empty. ValueError unless 0–100 with at most one decimal."""
    text = str(text or "").strip().rstrip("%％").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(text) from None
    bp = value * 100
    if not value.is_finite() or bp != bp.to_integral_value() or not 0 <= value <= 100 or (bp % 10) != 0:
        raise ValueError(text)
    return int(bp)


def bp_to_percent(bp: int | str | None) -> str:
    """250 → ``"2.5"``, 3000 → ``"30"``."""
    if bp in (None, ""):
        return ""
    text = f"{Decimal(int(bp)) / 100:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _percent(form: FlaskForm, field: Field) -> None:
    try:
        percent_to_bp(field.data)
    except ValueError:
        raise ValidationError(_l("Enter a percentage from 0 to 100 with at most one decimal, e.g. 2.5.")) from None


def named_rows(text: str | None) -> list[NamedRow]:
    """A named check's targets as typed or pasted from a spreadsheet, one a line: the business's code, the
    cause (its name or code) and the cause's reference, separated by a tab, a comma or spaces."""
    rows: list[NamedRow] = []
    for line in str(text or "").splitlines():
        if not line.strip():
            continue
        if "\t" in line:
            parts = [part.strip() for part in line.split("\t", 2)]
        elif re.search(r"[,，]", line):
            parts = [part.strip() for part in re.split(r"[,，]", line, maxsplit=2)]
        else:
            parts = line.split(None, 2)
        parts += [""] * (3 - len(parts))
        rows.append({"entity_code": parts[0], "cause": parts[1], "reference": parts[2].strip()})
    return rows


def named_text(rows: Iterable[Mapping[str, str]] | None) -> str:
    """A named check's saved targets, as the form shows them (one a line, tab-separated)."""
    return "\n".join(
        f"{row['entity_code']}\t{NAMED_CAUSES.get(row['cause'], row['cause'])}\t{row['reference']}"
        for row in rows or []
    )


def split_codes(text: str | None) -> list[str]:
    """Prefixes typed in one box, separated by commas, spaces or 、."""
    return [part for part in re.split(r"[\s,，、;；]+", str(text or "")) if part]


# --- plans ------------------------------------------------------------------------------------


# --- campaigns --------------------------------------------------------------------------------


def declared_field(declared: inputs.CampaignField, **options: object) -> UnboundField:
    """The page's field of a campaign field, labelled and listed as :mod:`spotcheck.tenants.campaigns.inputs`
    declares it (the campaign commands check what it gives)."""
    if declared.kind == inputs.CHOICE:
        empty = [SelectChoice("", declared.empty)] if declared.empty is not None else []
        options.setdefault("default", declared.default)
        return SelectField(
            declared.label,
            choices=[*empty, *choices_of(dict(declared.choices or {}))],
            validate_choice=False,
            **options,
        )
    if declared.kind in (inputs.IDS, inputs.CHOICES):  # ids and a department's categories: listed by the page
        choices = choices_of(dict(declared.choices)) if declared.choices else None
        return MultiCheckboxField(declared.label, choices=choices, validate_choice=False, **options)
    if declared.kind == inputs.NOTE:
        return TextAreaField(declared.label, **options)
    if declared.kind == inputs.DATE:
        return StringField(declared.label, render_kw={"type": "date"}, **options)
    if declared.kind == inputs.WHOLE and declared.default is not None:
        options.setdefault("default", str(declared.default))
    render_kw = {"maxlength": declared.longest} if declared.longest else None
    return StringField(declared.label, render_kw=render_kw, **options)


def declared_value(declared: inputs.CampaignField, data: FieldData) -> object:
    """What the page's field gives, as the campaign commands take it (a wrong value is theirs to refuse)."""
    if declared.kind == inputs.WHOLE:
        return whole_or_text(data)
    if declared.kind == inputs.IDS:
        return whole_numbers(data)
    if declared.kind == inputs.CHOICE:
        return data or declared.default
    if declared.kind == inputs.CHOICES:  # a listed code only (a department's categories are its own)
        return [code for code in data or [] if not declared.choices or code in declared.choices]
    if declared.kind == inputs.PREFIXES:
        return split_codes(cast(str | None, data))  # a PREFIXES field is a text box
    return data or ""


def values_of_form(form: FlaskForm, declared: Iterable[inputs.CampaignField]) -> dict[str, object]:
    """The command's input from the form's fields of ``declared`` (those the form has)."""
    return {
        field.name: declared_value(field, getattr(form, field.form_name).data)
        for field in declared
        if hasattr(form, field.form_name)
    }


_C, _FILTER, _RULE = inputs.CAMPAIGN, {field.name: field for field in inputs.FILTER_FIELDS}, inputs.RULE


class _CampaignFields(FlaskForm):
    kind = HiddenField(_C["kind"].label, default="random")
    named_targets = TextAreaField(_C["named_targets"].label)
    title = declared_field(_C["title"])
    year = declared_field(_C["year"])
    item_ids = declared_field(_C["item_ids"])
    exempt_kind = declared_field(_C["exempt_kind"])

    def prepare(self) -> None:
        """The choices of the signed-in user's department: the kinds of check its rules allow outside the
        plan (none where no plan is asked), its least team, its published items, its categories."""
        rules = rules_queries.in_force(acting_user().tenant_id)
        self.exempt_kind.choices = [SelectChoice("", _C["exempt_kind"].empty), *choices_of(rules.exempt_kinds)]
        if not self.team_size.data:
            self.team_size.data = str(rules.min_team_size)
        self.item_ids.choices = [(str(i.id), f"{i.code} {i.name}") for i in items.list_items("published")]
        categories = directory_categories()
        chosen = [c for c in self.categories.data or [] if c not in categories]
        self.categories.choices = [(c, c) for c in categories + chosen]
        tenant = acting_user().tenant
        branch = regions.branch(tenant.region_id) if tenant is not None else []  # its region and those below it
        listed, top = {region.code for region in branch}, branch[0].depth if branch else 0
        self.regions.choices = [
            *((region.code, f"{'　' * (region.depth - top)}{region.name}（{region.code}）") for region in branch),
            *((code, code) for code in self.regions.data or [] if code not in listed),  # the command names it
        ]

    exempt_reason = declared_field(_C["exempt_reason"])
    categories = declared_field(_FILTER["categories"])
    industries = declared_field(_FILTER["industries"])
    regions = declared_field(_FILTER["regions"])
    entity_types = declared_field(_FILTER["entity_types"])
    flags = declared_field(_FILTER["flags"])
    reserve_size = declared_field(_C["reserve_size"])
    team_size = declared_field(_C["team_size"])
    capacity = declared_field(_C["capacity"])
    window_start = declared_field(_C["window_start"])
    window_end = declared_field(_C["window_end"])
    method = declared_field(_C["method"])


def _strata_fields() -> dict[str, UnboundField]:
    mode, ratio, least, count = _RULE["mode"], _RULE["ratio_bp"], _RULE["min"], _RULE["count"]
    fields = {}
    for stratum in STRATA:
        modes = choices_of(dict(mode.choices or {}))
        if stratum == FLAGGED:  # only flagged entities may have no rule of their own
            modes.insert(0, SelectChoice("none", mode.empty))
        fields[f"{stratum}_{mode.form_name}"] = RadioField(
            mode.label, choices=modes, validate_choice=False, default="none" if stratum == FLAGGED else "ratio"
        )
        fields[f"{stratum}_{ratio.form_name}"] = StringField(ratio.label, validators=[_percent])
        fields[f"{stratum}_{least.form_name}"] = StringField(least.label)
        fields[f"{stratum}_{count.form_name}"] = StringField(count.label)
    return fields


class CampaignForm(type("_CampaignBase", (_CampaignFields,), _strata_fields())):  # type: ignore[misc]  # fields by stratum
    """A campaign's fields; the rules per stratum as ``<stratum>_mode/_ratio/_min/_count``."""

    def strata_data(self) -> dict[str, StratumRule]:
        strata: dict[str, StratumRule] = {}
        for stratum in STRATA:
            mode = getattr(self, f"{stratum}_mode").data
            if mode == "none":
                continue
            if mode == "count":
                strata[stratum] = {"count": whole_or_text(getattr(self, f"{stratum}_count").data)}
            else:
                try:
                    ratio = percent_to_bp(getattr(self, f"{stratum}_ratio").data)
                except ValueError:
                    ratio = None
                strata[stratum] = {"ratio_bp": ratio, "min": whole_or_text(getattr(self, f"{stratum}_min").data) or 0}
        return strata

    def campaign_data(self) -> dict[str, object]:
        """The campaign's fields as the drafting commands take them (:data:`inputs.FIELDS`)."""
        data = values_of_form(self, inputs.FIELDS)
        data["target_filter"] = values_of_form(self, inputs.FILTER_FIELDS)
        data["strata"] = self.strata_data()
        data["kind"] = self.kind.data if self.kind.data in CAMPAIGN_KIND_NAMES else "random"
        data["named_targets"] = named_rows(self.named_targets.data) if data["kind"] == "named" else []
        return {field.name: data[field.name] for field in inputs.FIELDS}

    def fill_from(self, campaign: Campaign) -> None:
        """Show a saved campaign in the form (its fields as the campaign commands take them)."""
        values = inputs.values_of(campaign)
        f = values["target_filter"] or {}
        self.title.data, self.year.data = values["title"], str(values["year"])
        self.kind.data, self.named_targets.data = values["kind"], named_text(values["named_targets"])
        self.item_ids.data = [str(item_id) for item_id in values["item_ids"]]
        self.exempt_kind.data, self.exempt_reason.data = values["exempt_kind"] or "", values["exempt_reason"]
        self.categories.data, self.entity_types.data = (
            list(f.get("categories") or []),
            list(f.get("entity_types") or []),
        )
        self.flags.data = list(f.get("flags") or [])
        self.industries.data, self.regions.data = " ".join(f.get("industries") or []), list(f.get("regions") or [])
        for stratum in STRATA:
            rule = (values["strata"] or {}).get(stratum)
            if rule is None:
                getattr(self, f"{stratum}_mode").data = "none" if stratum == FLAGGED else "ratio"
            elif "count" in rule:
                getattr(self, f"{stratum}_mode").data = "count"
                getattr(self, f"{stratum}_count").data = str(rule["count"])
            else:
                getattr(self, f"{stratum}_mode").data = "ratio"
                getattr(self, f"{stratum}_ratio").data = bp_to_percent(rule.get("ratio_bp"))
                getattr(self, f"{stratum}_min").data = str(rule.get("min") or 0)
        self.reserve_size.data, self.team_size.data = str(values["reserve_size"]), str(values["team_size"])
        self.capacity.data = str(values["capacity"]) if values["capacity"] else ""
        self.window_start.data, self.window_end.data = (
            values["window_start"].isoformat(),
            values["window_end"].isoformat(),
        )
        self.method.data = values["method"]


class LateCheckForm(_CampaignFields):
    """紧急检查事后登记: a named check already made — the day, the reason, the businesses and the team that went
    (the 组长 and the members, from the department's inspector directory)."""

    checked_on = StringField(_l("Day of the check"), render_kw={"type": "date"})
    late_reason = TextAreaField(_l("Why it was made before it was registered"))
    leader_id = SelectField(_l("Team leader"), choices=[], validate_choice=False)
    member_ids = MultiCheckboxField(_l("Members"), choices=[], validate_choice=False)

    def offer(self, inspectors: Iterable[tuple[int, str, str]]) -> LateCheckForm:
        """The department's active inspectors (``(id, name, certificate number)``) for the team."""
        choices = [(str(i), f"{name}（{cert}）") for i, name, cert in inspectors]
        self.leader_id.choices = [SelectChoice("", _l("Choose the team leader…")), *choices]
        self.member_ids.choices = choices
        return self

    def command_data(self) -> dict[str, object]:
        data = values_of_form(self, inputs.FIELDS)
        data.update(
            kind="named",
            named_targets=named_rows(self.named_targets.data),
            checked_on=self.checked_on.data or "",
            late_reason=self.late_reason.data or "",
        )
        leader = whole_number(self.leader_id.data or "")
        data["team"] = [leader] * bool(leader) + [m for m in whole_numbers(self.member_ids.data) if m != leader]
        for key in ("target_filter", "strata", "window_start", "window_end"):
            data.pop(key, None)
        return data


class DrawForm(FlaskForm):
    """A draw's outside input: each observer's line (who they are and the word or number they gave),
    entering the draw exactly as typed; with none, the reason the draw uses the department's secret
    number alone (the draw commands refuse it without one)."""

    public_inputs = TextAreaField(inputs.DRAW["public_inputs"].label)
    no_input_reason = declared_field(inputs.DRAW["no_input_reason"])

    def inputs(self) -> list[str]:
        return [line.strip() for line in (self.public_inputs.data or "").splitlines() if line.strip()]

    def draw_data(self, kind: str) -> dict[str, object]:
        """What the draw commands take: the kind, the inputs and the reason for having none."""
        return {
            "kind": kind,
            "public_inputs": self.inputs(),
            "no_input_reason": (self.no_input_reason.data or "").strip(),
        }

    def show_errors(self, errors: Mapping[str, list[str]]) -> None:
        """The draw commands' refusals under their fields (a reason's under the reason, the rest under the inputs)."""
        self.no_input_reason.errors = list(errors.get("no_input_reason", []))
        self.public_inputs.errors = [
            m for field, messages in errors.items() if field != "no_input_reason" for m in messages
        ]


class ReplaceTargetForm(FlaskForm):
    reason = declared_field(inputs.REPLACE_TARGET)

    def offer(self, rules: Rules) -> ReplaceTargetForm:
        """The reasons the campaign's rules allow."""
        self.reason.choices = [
            SelectChoice("", inputs.REPLACE_TARGET.empty),
            *choices_of(rules.target_replacement_reasons),
        ]
        return self


class _InspectorReasonForm(FlaskForm):
    """The reason an inspector is replaced (the forms of one member and of one inspector everywhere)."""

    reason = declared_field(inputs.REPLACE_INSPECTOR)


class ReplaceInspectorForm(_InspectorReasonForm):
    def offer(self, rules: Rules) -> ReplaceInspectorForm:
        """The reasons the campaign's rules allow (a declared conflict, 回避, always)."""
        self.reason.choices = [
            SelectChoice("", inputs.REPLACE_INSPECTOR.empty),
            *choices_of(rules.inspector_replacement_reasons),
        ]
        return self


class ReplaceEverywhereForm(_InspectorReasonForm):
    """Replace one inspector at every visit of the campaign (批量替换: taken ill, away)."""

    inspector_id = SelectField(_l("Inspector"), choices=[], validate_choice=False)

    def offer(self, inspectors: Iterable[tuple[int, str, str, int]]) -> ReplaceEverywhereForm:
        """Offer the inspectors on the campaign's teams (``inspectors_on_teams``)."""
        self.inspector_id.choices = [SelectChoice("", _l("Choose an inspector…"))] + [
            SelectChoice(str(i), _l("%(name)s (%(cert)s), %(n)s visits", name=name, cert=cert, n=n))
            for i, name, cert, n in inspectors
        ]
        return self

    def command_data(self) -> dict[str, object]:
        value = self.inspector_id.data or ""
        return {"inspector_id": whole_number(value) or 0, "reason": self.reason.data or ""}


class LeaderRuleForm(FlaskForm):
    """Name every visit's team leader (组长) at once, by a rule (the single and the joint campaign)."""

    rule = RadioField(_l("Rule"), choices=choices_of(LEADER_RULES), default="first_drawn", validate_choice=False)
    only_missing = BooleanField(_l("Keep the leaders already named"), default=True)

    def command_data(self) -> dict[str, object]:
        return {"rule": self.rule.data or "", "only_missing": bool(self.only_missing.data)}
