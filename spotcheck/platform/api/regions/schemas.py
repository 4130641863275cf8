"""Marshmallow schemas of the regions (区划): a region as the tree lists it, a tree file to load, and what loading
it changed."""

from marshmallow import Schema, fields, validate

from spotcheck.platform.api.types import Int
from spotcheck.tenants.regions.vocabulary import FILE_LIMIT, RegionLevel


class RegionSchema(Schema):
    id = Int(attribute="region.id")
    code = fields.Str(
        attribute="region.code",
        metadata={
            "description": "GB/T 2260 (6 digits) for a province, city or county; 统计用区划代码 (9 or 12) for a town"
        },
    )
    name = fields.Str(attribute="region.name")
    level = fields.Enum(RegionLevel, by_value=True, attribute="region.level")
    level_name = fields.Str(metadata={"description": "省, 市, 县 or 乡"})
    parent_id = Int(attribute="region.parent_id", allow_none=True, metadata={"description": "None for the root"})
    parent_code = fields.Str(metadata={"description": "Empty for the root"})
    path = fields.Str(
        attribute="region.path", metadata={"description": "The codes from the root down: /500000/500200/"}
    )
    depth = Int(metadata={"description": "0 for the root"})


class TreeFileSchema(Schema):
    text = fields.Str(
        required=True,
        validate=validate.Length(min=1, max=FILE_LIMIT * 80),
        metadata={
            "description": "A tree file: CSV with the header code,name,level,parent "
            "(or 区划代码,名称,层级,上级区划代码), one region a line; level 省|市|县|乡; the root's parent empty"
        },
    )


class LoadedSchema(Schema):
    added = fields.List(fields.Str(), metadata={"description": "The codes added, parents first"})
    renamed = fields.Dict(
        keys=fields.Str(), values=fields.List(fields.Str()), metadata={"description": "code: [was, now]"}
    )
    moved = fields.Dict(
        keys=fields.Str(), values=fields.List(fields.Str()), metadata={"description": "code: [parent was, parent now]"}
    )
    relevelled = fields.Dict(
        keys=fields.Str(), values=fields.List(fields.Str()), metadata={"description": "code: [level was, level now]"}
    )
