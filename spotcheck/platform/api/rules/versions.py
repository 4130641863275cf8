"""Marshmallow schemas of the rules in force and their versions (现行规则 · 规则版本): a scope's rules
in force with each parameter's value and citation, a version (with its text), the differences of two
versions, and the body that loads a version (a rules file's text, or a preset's name)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from spotcheck.platform.api.types import Bool, Int
from spotcheck.tenants.rules.commands.versions import MAX_FILE_LENGTH
from spotcheck.tenants.rules.vocabulary import SOURCES

_STATES = ("in_force", "coming", "past", "withdrawn")


class DepartmentRefSchema(Schema):
    code = fields.Str()
    name = fields.Str()


class DocumentRefSchema(Schema):
    version_id = Int(allow_none=True)
    title = fields.Str()
    short_title = fields.Str()
    number = fields.Str(metadata={"description": "文号 (empty: the document has none)"})
    effective_from = fields.Date(allow_none=True, metadata={"description": "施行日期"})
    name = fields.Str(metadata={"description": "As cited: 《title》（文号）"})


class RuleParameterSchema(Schema):
    key = fields.Str(metadata={"description": "The parameter's key in a rules file"})
    label = fields.Str(metadata={"description": "Its name, in Chinese"})
    group = fields.Str(metadata={"description": "Its group, in Chinese"})
    value = fields.Str(metadata={"description": "The value in force, in Chinese (未规定 when open)"})
    raw = fields.Raw(
        allow_none=True, metadata={"description": "The value in force as a rules file writes it (null: open)"}
    )
    source = fields.Str(
        metadata={
            "description": "Where it comes from: " + ", ".join(f"{k} ({v})" for k, v in SOURCES.items()),
            "enum": list(SOURCES),
        }
    )
    source_name = fields.Str()
    cited = fields.Str(
        metadata={
            "description": "The document and article (《…》第9条), or the note of a platform "
            "default or of an open parameter"
        }
    )
    stricter_than = fields.Str(
        metadata={
            "description": "Set by the department's rules: what the documents above set "
            "(empty when they leave it open, or when not the department's)"
        }
    )


class RegionRefSchema(Schema):
    code = fields.Str(metadata={"description": "The region's code (区划代码)"})
    name = fields.Str()
    level = fields.Str(metadata={"description": "province / city / county / town"})
    level_name = fields.Str(metadata={"description": "省级, 市级, 县级 or 乡级"})


class RuleLevelSchema(RegionRefSchema):
    rulebook = fields.Nested(
        DocumentRefSchema,
        allow_none=True,
        metadata={"description": "The level's own rulebook (实施方案) in force; null: it runs on the rules above it"},
    )
    rulebook_note = fields.Str(
        metadata={
            "description": "What applies at a level without a rulebook of its own, in Chinese (empty: it has one)"
        }
    )


class RulesInForceSchema(Schema):
    department = fields.Nested(DepartmentRefSchema, allow_none=True, metadata={"description": "null: the deployment's"})
    region = fields.Nested(
        RegionRefSchema,
        allow_none=True,
        metadata={"description": "The level asked for (the department's region; by default the root)"},
    )
    levels = fields.List(
        fields.Nested(RuleLevelSchema),
        metadata={"description": "The levels from the root down to the region, each with its own rulebook or none"},
    )
    place = fields.Str(metadata={"description": "The deployment's place (地名), from the rulebook"})
    rulebook = fields.Nested(
        DocumentRefSchema, allow_none=True, metadata={"description": "The rulebook (实施方案) in force"}
    )
    department_rules = fields.Nested(
        DocumentRefSchema, allow_none=True, metadata={"description": "The department's rules (细则) in force"}
    )
    parameters = fields.List(fields.Nested(RuleParameterSchema))


class RuleVersionSchema(Schema):
    id = Int()
    scope = fields.Str(
        metadata={
            "description": "rulebook (the deployment's 实施方案) / department (a department's 细则)",
            "enum": ["rulebook", "department"],
        }
    )
    department = fields.Nested(DepartmentRefSchema, allow_none=True)
    title = fields.Str()
    short_title = fields.Str()
    issuer = fields.Str()
    number = fields.Str()
    effective_from = fields.Date()
    state = fields.Str(
        metadata={
            "description": "in_force (现行) / coming (待施行) / past (已废止) / withdrawn (已撤回)",
            "enum": list(_STATES),
        }
    )
    state_name = fields.Str()
    withdrawn = Bool()
    preset = fields.Str(
        metadata={
            "description": "The preset it was loaded from (empty: a file; shown to the rules' owners and the platform "
            "administrator alone)"
        }
    )
    origin = fields.Str(metadata={"description": "Where its text comes from, in the public page's words (Chinese)"})
    sha256 = fields.Str(metadata={"description": "SHA-256 of the file as loaded"})
    loaded_at = fields.DateTime()
    loaded_by_name = fields.Str(
        metadata={
            "description": "Who loaded it: for the rules' owners (the department of a department's rules) and the "
            "platform administrator; empty for anyone else"
        }
    )


class ArticleSchema(Schema):
    number = fields.Str()
    text = fields.Str()


class VersionEntrySchema(Schema):
    key = fields.Str()
    label = fields.Str()
    says = fields.Str(
        metadata={
            "description": "set (the document sets it) / open (leaves it open, saying why)",
            "enum": ["set", "open"],
        }
    )
    value = fields.Str(metadata={"description": "In Chinese"})
    article = fields.Str(metadata={"description": "The article that sets it, or why it is left open"})


class RuleVersionDetailSchema(RuleVersionSchema):
    issued_on = fields.Date(allow_none=True)
    place = fields.Str()
    note = fields.Str()
    articles = fields.List(fields.Nested(ArticleSchema))
    entries = fields.List(
        fields.Nested(VersionEntrySchema),
        metadata={"description": "What the document says of each parameter it writes"},
    )
    text = fields.Str(metadata={"description": "The rules file as loaded (TOML)"})


class DifferenceSchema(Schema):
    key = fields.Str()
    label = fields.Str(metadata={"description": "The item, in Chinese"})
    before = fields.Str()
    after = fields.Str()


class DifferencesSchema(Schema):
    first = fields.Nested(RuleVersionSchema, data_key="from")
    second = fields.Nested(RuleVersionSchema, data_key="to")
    differences = fields.List(fields.Nested(DifferenceSchema))


class RuleLoadSchema(Schema):
    text = fields.Str(
        validate=validate.Length(max=MAX_FILE_LENGTH),
        metadata={"description": "The rules file (TOML), whole; or give preset"},
    )
    preset = fields.Str(
        validate=validate.Length(max=60),
        metadata={"description": "A preset's name (宁安市, 城口县; 乌审旗应急管理局 …) instead of text"},
    )
    region = fields.Str(
        validate=validate.Length(max=12),
        metadata={"description": "A rulebook's level: its region's code (the root when not given); not for 细则"},
    )


class DepartmentQuerySchema(Schema):
    department = fields.Str(
        validate=validate.Length(min=1, max=16),
        metadata={"description": "A department's code (SCJ, YJJ …); by default the caller's own"},
    )


class RegionQuerySchema(Schema):
    region = fields.Str(
        metadata={"description": "A region's code (区划代码: 6, 9 or 12 digits); by default the root"},
    )


class DifferencesQuerySchema(Schema):
    first = Int(required=True, data_key="from", metadata={"description": "The earlier version's id"})
    second = Int(required=True, data_key="to", metadata={"description": "The later version's id"})
