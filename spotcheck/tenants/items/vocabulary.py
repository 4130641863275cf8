"""The item list's words (一单 · 随机抽查事项清单): an item's states and its fields."""

from __future__ import annotations

import enum

from spotcheck.tenants.items.inputs import FIELDS


class ItemStatus(enum.StrEnum):
    """草稿 → 已发布 → 已停用."""

    draft = "draft"
    published = "published"
    retired = "retired"


#: The fields of an item that users edit and versions record, in the order of seed 003's 附件1
#: (declared in :mod:`spotcheck.tenants.items.inputs`).
ITEM_FIELDS = tuple(field.name for field in FIELDS)
