"""Marshmallow schemas of the plan and campaign API (年度检查计划, 抽查任务, 抽取).

The schemas check shapes only; the plan, campaign and ceremony services check the values, so
the pages and the API give the same messages.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from spotcheck.platform.api.types import MAX_LIMIT, Bool, Int, codes_text
from spotcheck.tenants.campaigns import inputs
from spotcheck.tenants.campaigns.queries import Campaign, public as publication
from spotcheck.tenants.campaigns.vocabulary import (
    EXEMPT_KINDS,
    LEADER_RULES,
    CampaignKind,
    CampaignStatus,
    TargetStatus,
)
from spotcheck.tenants.rules.vocabulary import DRAWN_LIST_TIMES

# --- plans ------------------------------------------------------------------------------------


# --- campaigns --------------------------------------------------------------------------------


class ItemRefSchema(Schema):
    id = Int()
    code = fields.Str()
    name = fields.Str()


def _input_field(field: inputs.CampaignField, *, defaults: bool = False) -> fields.Field:
    """A campaign field as the API takes it: typed and documented here, checked by the campaign commands
    alone (a whole number stays within the database's range: :class:`Int`). ``defaults``: an omitted
    field is its default (never for a campaign's own fields: a change sends only what changes)."""
    choices = field.choices or {}
    meta: dict = {"description": f"{field.about}: {codes_text(choices)}" if choices else field.about}
    if field.kind == inputs.WHOLE:
        meta.update(
            {key: value for key, value in (("minimum", field.least), ("maximum", field.most)) if value is not None}
        )
    elif field.kind == inputs.TEXT:
        meta.update(minLength=field.least, maxLength=field.longest)
    elif field.kind == inputs.IDS:
        meta["minItems"] = field.least
    elif field.kind == inputs.LINES:
        meta["maxItems"] = field.most
    elif field.kind == inputs.DATE:
        meta["format"] = "date"
    elif field.kind == inputs.CHOICE:
        meta["enum"] = [*choices, *(choices.values() if field.names_too else ()), *([None] if field.nullable else [])]
    shape: dict = {"allow_none": field.nullable}
    if defaults:
        shape["load_default"] = field.default
    if field.kind == inputs.WHOLE:
        return Int(**shape, metadata=meta)
    if field.kind == inputs.IDS:
        return fields.List(Int(), **shape, metadata=meta)
    if field.kind == inputs.LINES:
        return fields.List(fields.Str(metadata={"maxLength": field.longest}), **shape, metadata=meta)
    if field.kind in (inputs.CHOICES, inputs.PREFIXES):
        return fields.List(fields.Str(), **shape, metadata=meta)
    if field.kind == inputs.FILTER:
        return fields.Nested(TargetFilterSchema, **shape, metadata=meta)
    if field.kind == inputs.RULES:
        return fields.Dict(**shape, metadata=meta)
    if field.kind == inputs.NAMED:
        return fields.List(fields.Nested(NamedTargetSchema), **shape, metadata={**meta, "maxItems": field.most})
    return fields.Str(**shape, metadata=meta)


class _Lenient(Schema):
    class Meta:
        unknown = EXCLUDE  # a key the filter does not have is left out, as before it was typed


#: Which directory entries are candidates, as :mod:`spotcheck.tenants.campaigns.inputs` declares it.
TargetFilterSchema = _Lenient.from_dict(
    {
        field.name: fields.List(fields.Str(), allow_none=True, metadata={"description": field.about})
        for field in inputs.FILTER_FIELDS
    },
    name="TargetFilterSchema",
)


#: One target of a named check (特定对象检查), as :data:`inputs.NAMED_TARGET_FIELDS` declares it.
NamedTargetSchema = _Lenient.from_dict(
    {field.name: _input_field(field) for field in inputs.NAMED_TARGET_FIELDS}, name="NamedTargetSchema"
)


def fields_schema(name: str, names: Collection[str] | None = None, **extra: fields.Field) -> type[Schema]:
    """A schema of a campaign's fields as the API takes them, derived from their declaration
    (:mod:`spotcheck.tenants.campaigns.inputs`; ``names``: only those); the campaign commands check the values."""
    return Schema.from_dict(
        {
            **{field.name: _input_field(field) for field in inputs.FIELDS if names is None or field.name in names},
            **extra,
        },
        name=name,
    )


CampaignFieldsSchema = fields_schema("CampaignFieldsSchema")

#: 紧急检查事后登记: a named check already made — its fields (no window: the day of the check is its window),
#: the day, the reason and the team that went.
LateCheckSchema = fields_schema(
    "LateCheckSchema",
    [
        f.name
        for f in inputs.FIELDS
        if f.kind not in (inputs.FILTER, inputs.RULES, inputs.DATE) and f.name not in ("kind", "reserve_size")
    ],
    checked_on=fields.Str(required=True, metadata={"format": "date", "description": "The day the check was made"}),
    late_reason=fields.Str(
        required=True,
        metadata={"description": "Why it was made before it was registered", "minLength": 4, "maxLength": 500},
    ),
    team=fields.List(
        Int(),
        required=True,
        metadata={
            "description": "The inspectors who went (ids of my inspector directory), the team leader (组长) first"
        },
    ),
)


def _drawn_list(campaign: Campaign) -> dict[str, object] | None:
    """A random campaign's list of drawn businesses as the public portal publishes it (抽查对象名单的公布)."""
    listed = publication.list_rule(campaign)
    if listed is None:
        return None
    return {"when": listed.when, "words": listed.words, "source": listed.source, "public": listed.public}


class CampaignSchema(Schema):
    id = Int()
    code = fields.Str(
        allow_none=True,
        metadata={
            "description": "Public code (文号), e.g. 应急抽〔2026〕3号: issued when the campaign is approved; "
            "null for a draft (未编号). Unique in the issuing department's region, not in the deployment (the "
            "应急管理局 of two counties each have their 应急抽〔2026〕1号): the id names a campaign everywhere"
        },
    )
    title = fields.Str()
    kind = fields.Enum(
        CampaignKind,
        by_value=True,
        metadata={
            "description": "random (随机抽查) or named (特定对象检查: targets named with their causes, "
            "only inspectors drawn)"
        },
    )
    named_targets = fields.List(fields.Nested(NamedTargetSchema), allow_none=True)
    late_reason = fields.Str(
        metadata={
            "description": "A check registered after it was made (紧急检查事后登记): why; its team went, not drawn"
        }
    )
    disclosed_at = fields.DateTime(
        allow_none=True,
        metadata={
            "description": "A named check: when its targets, teams and inspector proof became public (after 离企)"
        },
    )
    drawn_list = fields.Function(
        _drawn_list,
        allow_none=True,
        metadata={
            "type": "object",
            "description": "A random campaign: when the public portal publishes the list of the businesses drawn "
            "(抽查对象名单, names only — a blinded draw's), under which rule, and whether it is public now; null for a "
            "check of named businesses (published once its teams have left), a department's part of a joint campaign "
            "(the joint campaign's list is published) and a draw frozen before blinding",
            "properties": {
                "when": {"type": "string", "enum": list(DRAWN_LIST_TIMES)},
                "words": {"type": "string", "description": "In words: 不公布, 检查结束后 or 抽取后"},
                "source": {"type": "string", "description": "The document and article, or the platform default"},
                "public": {"type": "boolean", "description": "The public page lists the businesses drawn now"},
            },
        },
    )
    year = Int()
    status = fields.Enum(CampaignStatus, by_value=True)
    plan_id = Int(allow_none=True)
    exempt_kind = fields.Str(allow_none=True)
    exempt_kind_name = fields.Function(lambda c: EXEMPT_KINDS.get(c.exempt_kind) if c.exempt_kind else None)
    exempt_reason = fields.Str()
    items = fields.List(fields.Nested(ItemRefSchema))
    item_ids = fields.Function(lambda c: [item.id for item in c.items])
    target_filter = fields.Dict()
    strata = fields.Dict()
    reserve_size = Int()
    team_size = Int()
    capacity = Int(allow_none=True)
    window_start = fields.Date()
    window_end = fields.Date()
    method = fields.Str()
    approved_at = fields.DateTime(allow_none=True)
    approved_by_name = fields.Str()
    created_at = fields.DateTime()
    withdrawn_at = fields.DateTime(allow_none=True, metadata={"description": "Withdrawn (撤销) by a leader"})
    withdrawn_by_name = fields.Str()
    withdrawal_reason = fields.Str(metadata={"description": "Why it was withdrawn (published)"})
    returned_at = fields.DateTime(allow_none=True, metadata={"description": "A draft last returned (退回) by a leader"})
    returned_by_name = fields.Str()
    return_reason = fields.Str()


class WithdrawalReasonSchema(Schema):
    reason = fields.Str(
        required=True,
        metadata={
            "description": "The reason (4 to 500 characters): shown to the planner, and published for a withdrawal",
            "minLength": 4,
            "maxLength": 500,
        },
    )


class DrawSchema(Schema):
    kind = fields.Str()
    commitment = fields.Str(
        metadata={
            "description": "SHA-256 of the nonce, published at approval (targets) or after the target draw (inspectors)"
        }
    )
    committed_at = fields.DateTime()
    frame_digest = fields.Str(allow_none=True)
    counts = fields.Dict(allow_none=True)
    excluded = fields.Dict(allow_none=True, metadata={"description": "Excluded rows per reason"})
    frozen_at = fields.DateTime(allow_none=True)
    public_inputs = fields.List(fields.Str(), allow_none=True)
    no_input_reason = fields.Str(
        allow_none=True,
        metadata={
            "description": "Drawn with no observer's input (无外部监督人输入, the department's secret number "
            "alone): why, as recorded and published; empty when observers gave inputs (or for a draw made before the "
            "reason was asked); null before the draw"
        },
    )
    seed = fields.Str(allow_none=True)
    drawn_at = fields.DateTime(allow_none=True)
    nonce = fields.Str(allow_none=True, metadata={"description": "Revealed only after the draw"})
    proof_sha256 = fields.Str(allow_none=True)
    blind_commitment = fields.Str(
        allow_none=True,
        metadata={
            "description": "A blinded draw (spotcheck-draw/3): SHA-256 of its blinding key, published with the "
            "commitment; the key itself is never published. Null for a draw made before blinding"
        },
    )
    redacted = fields.Bool(
        metadata={
            "description": "A proof drawn before blinding (spotcheck-draw/1 or /2) withdrawn from public view: the "
            "public downloads the redacted proof (DRAW-SPEC), which names proof_sha256 as its original's SHA-256; the "
            "department's proof route still gives the full proof"
        }
    )


#: A draw's outside input: the observers' inputs, or the reason there are none.
DrawRequestSchema = Schema.from_dict(
    {field.name: _input_field(field, defaults=True) for field in inputs.DRAW_FIELDS}, name="DrawRequestSchema"
)


def _reason(field: inputs.CampaignField) -> fields.Field:
    """A replacement's reason: the campaign's rules may allow their own, so only the platform's are documented."""
    return fields.Str(required=True, metadata={"description": field.about})


class ReplaceTargetSchema(Schema):
    reason = _reason(inputs.REPLACE_TARGET)


class ReplaceInspectorSchema(Schema):
    reason = _reason(inputs.REPLACE_INSPECTOR)


class ReplaceManySchema(ReplaceInspectorSchema):
    """Several members replaced at once (批量替换): those of ``member_ids``, or every visit of ``inspector_id``."""

    member_ids = fields.List(Int(validate=validate.Range(min=1)), validate=validate.Length(min=1, max=5000))
    inspector_id = Int(validate=validate.Range(min=1))

    @validates_schema
    def one_of(self, data: Mapping[str, object], **kwargs: object) -> None:
        if ("member_ids" in data) == ("inspector_id" in data):
            raise ValidationError(_l("Give either the members or the inspector to replace."), "member_ids")


class LeaderRuleSchema(Schema):
    """Every visit's team leader (组长) named at once by a rule."""

    rule = fields.Str(
        required=True,
        metadata={"description": codes_text(LEADER_RULES), "enum": list(LEADER_RULES)},
        validate=validate.OneOf(list(LEADER_RULES)),
    )
    only_missing = Bool(load_default=True)


class LeadersNamedSchema(Schema):
    named = Int()
    kept = Int()
    rule = fields.Str()


class TeamMemberSchema(Schema):
    id = Int()
    inspector_id = Int()
    name = fields.Str(attribute="shown_name")
    cert_no = fields.Str(attribute="shown_cert_no")
    position = Int()
    is_leader = Bool()
    active = Bool()
    replacement_reason = fields.Str()
    recused = Bool(metadata={"description": "A conflict (回避) was declared after the draw: to be replaced"})


class TargetSchema(Schema):
    entity_id = Int()
    code = fields.Str()
    name = fields.Str()
    group_code = fields.Str()
    stratum = fields.Str()
    rank = Int()
    status = fields.Enum(TargetStatus, by_value=True)
    replacement_reason = fields.Str()
    cause = fields.Str(
        metadata={"description": "A named check's target: why it is checked (NAMED_CAUSES); empty when drawn"}
    )
    cause_reference = fields.Str(metadata={"description": "The cause's reference (complaint number, 文号…)"})
    team = fields.List(
        fields.Nested(TeamMemberSchema),
        attribute="team_members",
        metadata={"description": "The team of the visit, replaced members included (active false)"},
    )
    experts = fields.List(
        fields.Dict(),
        metadata={
            "description": "Experts (专家) on the team in addition to the drawn inspectors: name, organisation, kind"
        },
    )


class TargetQuerySchema(Schema):
    q = fields.Str(
        load_default="",
        validate=validate.Length(max=50),
        metadata={"description": "Name contains, or code starts with"},
    )
    stratum = fields.Str(load_default="", metadata={"description": "A, B, C, D or flagged"})
    status = fields.Enum(TargetStatus, by_value=True, load_default=None)
    page = Int(
        load_default=1, validate=validate.Range(min=1), metadata={"description": "From 1; past the last page: 404"}
    )
    limit = Int(load_default=50, validate=validate.Range(min=1, max=MAX_LIMIT))


class TargetPageSchema(Schema):
    items = fields.List(fields.Nested(TargetSchema))
    page = Int()
    pages = Int(metadata={"description": "At least 1"})
    total = Int(metadata={"description": "Targets matching, on all pages"})
    next_page = Int(allow_none=True, metadata={"description": "Pass as page for the next page; null on the last"})
