"""The commands of campaigns (抽查任务命令), one module per step: drafting and approval
(:mod:`.drafting`), the draw ceremony (:mod:`.ceremony`), changes to what a draw chose
(:mod:`.teams`), withdrawal (:mod:`.withdrawal`) and old proofs withdrawn from public view
(:mod:`.redaction`). Each takes the campaign's id, then the data,
then ``actor``; all are importable from here.
"""

from spotcheck.tenants.campaigns.commands.ceremony import (
    draw_inspectors,
    draw_targets,
    freeze_inspectors,
    freeze_targets,
    submit_draw,
)
from spotcheck.tenants.campaigns.commands.drafting import approve, create_campaign, update_campaign
from spotcheck.tenants.campaigns.commands.emergency import register_emergency
from spotcheck.tenants.campaigns.commands.redaction import redact_old_proofs
from spotcheck.tenants.campaigns.commands.teams import (
    designate_leader,
    designate_leaders,
    replace_inspector,
    replace_inspectors,
    replace_target,
)
from spotcheck.tenants.campaigns.commands.withdrawal import cancel, delete_draft, return_draft

__all__ = [
    "approve",
    "cancel",
    "create_campaign",
    "delete_draft",
    "designate_leader",
    "designate_leaders",
    "draw_inspectors",
    "draw_targets",
    "freeze_inspectors",
    "freeze_targets",
    "redact_old_proofs",
    "register_emergency",
    "replace_inspector",
    "replace_inspectors",
    "replace_target",
    "return_draft",
    "submit_draw",
    "update_campaign",
]
