"""The results' commands (检查结果命令), by step: hand the visits out (:mod:`.handing_out`), record and
submit a result (:mod:`.recording`), review it (:mod:`.review`), publish and correct it
(:mod:`.publication`), close the campaign (:mod:`.closing`); follow-ups (:mod:`.follow_ups`), the team
after the draw (:mod:`.teams`), attachments, result categories and the inspector's account link. Every
command takes the id (or ids) first, then the data, then ``actor``, and loads and locks its row itself."""

from spotcheck.tenants.results.commands.arrival import record_arrival, record_departure
from spotcheck.tenants.results.commands.attachments import add_attachment, remove_attachment
from spotcheck.tenants.results.commands.business import (
    confirm_visit,
    count_scans,
    decide_recusal_request,
    request_recusal,
)
from spotcheck.tenants.results.commands.categories import add_own, set_own_active, use_standard
from spotcheck.tenants.results.commands.closing import close_campaign
from spotcheck.tenants.results.commands.follow_ups import (
    acknowledge_transfer,
    acknowledge_transfers,
    close_follow_up,
    close_visit,
    decide_no_follow_up,
    open_follow_up,
    review_rectification_answer,
)
from spotcheck.tenants.results.commands.handing_out import hand_out, submit_hand_out
from spotcheck.tenants.results.commands.inspectors import IssuedAccount, create_inspector_accounts, link_inspector
from spotcheck.tenants.results.commands.late_entry import record_late_entry
from spotcheck.tenants.results.commands.publication import publish_results, start_correction, submit_publication
from spotcheck.tenants.results.commands.recording import import_result, import_results, record_result, submit_result
from spotcheck.tenants.results.commands.review import (
    approve_result,
    approve_results,
    correct_check_dates,
    return_result,
    submit_approval,
)
from spotcheck.tenants.results.commands.teams import (
    add_expert,
    declare_member_recusal,
    declare_own_recusal,
    remove_expert,
)

__all__ = [
    "IssuedAccount",
    "acknowledge_transfer",
    "acknowledge_transfers",
    "add_attachment",
    "add_expert",
    "add_own",
    "approve_result",
    "approve_results",
    "close_campaign",
    "close_follow_up",
    "close_visit",
    "confirm_visit",
    "correct_check_dates",
    "count_scans",
    "create_inspector_accounts",
    "decide_no_follow_up",
    "decide_recusal_request",
    "declare_member_recusal",
    "declare_own_recusal",
    "hand_out",
    "import_result",
    "import_results",
    "link_inspector",
    "open_follow_up",
    "publish_results",
    "record_arrival",
    "record_departure",
    "record_late_entry",
    "record_result",
    "remove_attachment",
    "remove_expert",
    "request_recusal",
    "return_result",
    "review_rectification_answer",
    "set_own_active",
    "start_correction",
    "submit_approval",
    "submit_hand_out",
    "submit_publication",
    "submit_result",
    "use_standard",
]
