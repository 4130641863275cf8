"""The item list's words (一单 · 随机抽查事项清单): an item's states, its fields, what publication needs."""
from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l


class ItemStatus(str, enum.Enum):
    """草稿 → 已发布 → 已停用."""

    draft = "draft"
    published = "published"
    retired = "retired"


#: The fields of an item that users edit and versions record, in the order of seed 003's 附件1.
ITEM_FIELDS = (
    "name", "sub_item", "legal_basis", "checking_body", "target_type", "content", "methods", "ratio_bp",
    "frequency_times", "frequency_period", "inspector_categories", "inspector_requirements", "result_use", "remarks",
    "field", "kind", "random_check", "non_random_reason",
)

#: The longest text each short field holds.
TEXT_LIMITS = {"name": 200, "sub_item": 200, "checking_body": 200, "target_type": 200, "non_random_reason": 2000}

#: What a published item states (seeds 000, 001, 004: 明确抽查主体、依据、对象、内容、方式、比例和频次); the
#: ratio and frequency only of an item under random checking, whose sampling they describe.
REQUIRED_TO_PUBLISH = {
    "legal_basis": _l("the legal basis (检查依据)"),
    "checking_body": _l("the checking body (抽查主体)"),
    "target_type": _l("the inspection targets (抽查对象)"),
    "content": _l("the inspection content (抽查内容)"),
    "methods": _l("the check methods (抽查方式)"),
    "ratio_bp": _l("the ratio (抽查比例)"),
    "frequency_times": _l("the frequency (抽查频次)"),
}
#: Only of an item under random checking (双随机).
RANDOM_ONLY = ("ratio_bp", "frequency_times")
#: The fields of 抽查比例 and 抽查频次, values (:mod:`spotcheck.tenants.common.vocabulary.sampling`): a ratio in
#: basis points, a frequency as a number of times per period.
SAMPLING_FIELDS = ("ratio_bp", "frequency_times", "frequency_period")
