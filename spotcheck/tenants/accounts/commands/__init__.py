"""部门与用户的命令: every state change of departments, users, sign-in and sessions — the
administration of departments and users (:mod:`.administration`), the platform administrator's care
of the departments' administrators (:mod:`.department_admins`) and one's own account: signing
in and out, password, contacts, API tokens (:mod:`.signing_in`), the second factor (:mod:`.second_factor`); signing
in through the identity platform and linking its people to users (:mod:`.identities`)."""

from spotcheck.tenants.accounts.commands.administration import (
    create_department,
    create_platform_admin,
    create_user,
    unlock_user,
    update_user,
)
from spotcheck.tenants.accounts.commands.department_admins import (
    create_department_admin,
    reset_admin_password,
    reset_admin_second_factor,
    set_admin_active,
)
from spotcheck.tenants.accounts.commands.identities import (
    AccountCode,
    IdentitySignIn,
    LinkEntry,
    claim_account,
    enter_link_code,
    identity_key,
    issue_account_code,
    link_identity,
    record_identity_refusal,
    sign_in_with_identity,
)
from spotcheck.tenants.accounts.commands.second_factor import (
    Enrolled,
    confirm_enrolment,
    disable_second_factor,
    finish_enrolment,
    give_second_factor,
    reset_user_second_factor,
    start_enrolment,
)
from spotcheck.tenants.accounts.commands.signing_in import (
    attempt_sign_in,
    change_password,
    issue_token,
    revoke_token,
    set_contact,
    sign_out,
    sign_out_everywhere,
)

__all__ = [
    "AccountCode",
    "Enrolled",
    "IdentitySignIn",
    "LinkEntry",
    "attempt_sign_in",
    "change_password",
    "claim_account",
    "confirm_enrolment",
    "create_department",
    "create_department_admin",
    "create_platform_admin",
    "create_user",
    "disable_second_factor",
    "enter_link_code",
    "finish_enrolment",
    "give_second_factor",
    "identity_key",
    "issue_account_code",
    "issue_token",
    "link_identity",
    "record_identity_refusal",
    "reset_admin_password",
    "reset_admin_second_factor",
    "reset_user_second_factor",
    "revoke_token",
    "set_admin_active",
    "set_contact",
    "sign_in_with_identity",
    "sign_out",
    "sign_out_everywhere",
    "start_enrolment",
    "unlock_user",
    "update_user",
]
