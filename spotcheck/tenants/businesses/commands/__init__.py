"""企业账户的命令: claiming the account with a 企业核验码 and signing in, with a password or through the legal
persons' identity platform (:mod:`.signing_in`), the holder's care of
the business's people and the platform administrator's reset (:mod:`.people`)."""

from spotcheck.tenants.businesses import code_uses  # noqa: F401 (hears each use of a claimed code)
from spotcheck.tenants.businesses.commands.people import add_person, remove_person, reset_account
from spotcheck.tenants.businesses.commands.signing_in import (
    change_password,
    claim_account,
    issue_token,
    revoke_token,
    sign_in,
    sign_in_with_identity,
    sign_out,
)

__all__ = [
    "add_person",
    "change_password",
    "claim_account",
    "issue_token",
    "remove_person",
    "reset_account",
    "revoke_token",
    "sign_in",
    "sign_in_with_identity",
    "sign_out",
]
