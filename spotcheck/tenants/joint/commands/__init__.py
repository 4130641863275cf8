"""Joint campaigns' commands (联合抽查命令), by step: preparing (:mod:`.preparation`), the draws and
the hand-out (:mod:`.draws`), the documents (:mod:`.notices`), withdrawal (:mod:`.withdrawal`)
and the fields' lead departments (:mod:`.field_leads`). Every command is importable from here."""

from __future__ import annotations

from spotcheck.tenants.joint.commands.draws import (
    designate_leader,
    designate_leaders,
    draw_inspectors,
    draw_targets,
    estimate_sizes,
    freeze_inspectors,
    freeze_targets,
    hand_out,
    request_joint_sizes,
    submit_joint_draw,
    submit_joint_hand_out,
)
from spotcheck.tenants.joint.commands.field_leads import name_field_lead
from spotcheck.tenants.joint.commands.notices import write_joint_notices
from spotcheck.tenants.joint.commands.preparation import (
    accept,
    approve_joint,
    approve_part,
    create_joint,
    decline,
    invite,
    save_part,
    update_joint,
)
from spotcheck.tenants.joint.commands.statistics import run_statistics_export, submit_statistics_export
from spotcheck.tenants.joint.commands.teams import declare_recusal, designate_submitter, replace_inspector
from spotcheck.tenants.joint.commands.withdrawal import cancel, return_joint, withdraw

__all__ = [
    "accept",
    "approve_joint",
    "approve_part",
    "cancel",
    "create_joint",
    "declare_recusal",
    "decline",
    "designate_leader",
    "designate_leaders",
    "designate_submitter",
    "draw_inspectors",
    "draw_targets",
    "estimate_sizes",
    "freeze_inspectors",
    "freeze_targets",
    "hand_out",
    "invite",
    "name_field_lead",
    "replace_inspector",
    "request_joint_sizes",
    "return_joint",
    "run_statistics_export",
    "save_part",
    "submit_joint_draw",
    "submit_joint_hand_out",
    "submit_statistics_export",
    "update_joint",
    "withdraw",
    "write_joint_notices",
]
