"""What an item of the list (一单 · 随机抽查事项) allows, in its state (草稿 → 已发布 → 已停用)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from spotcheck.core.actions import Action, Actions
from spotcheck.core.policy import Permission
from spotcheck.tenants.items.vocabulary import ItemStatus

ITEM_ACTIONS = Actions(
    Action(
        "edit",
        Permission.CATALOG_MANAGE,
        lambda item: item.status != ItemStatus.retired,
        _l("A retired item cannot be changed."),
    ),
    Action(
        "publish",
        Permission.CATALOG_MANAGE,
        lambda item: item.status == ItemStatus.draft,
        _l("Only a draft can be published."),
    ),
    Action(
        "retire",
        Permission.CATALOG_MANAGE,
        lambda item: item.status == ItemStatus.published,
        _l("Only a published item can be retired."),
    ),
)

#: The actions that are somebody's next step on the home page (editing a draft is always possible).
NEXT_STEPS = frozenset({"publish"})
