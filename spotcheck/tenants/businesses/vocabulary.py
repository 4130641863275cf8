"""企业账户的词汇: a person's place on the account (持有人、其他人员), the shape of logins, what a refused sign-in or
claim says (the same words whoever asks), and how wrong attempts slow a client down (失败减速)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import LazyString, lazy_gettext as _l

#: The holder of the account (持有人): claimed it with a 企业核验码; adds and removes the other people.
HOLDER = "holder"
#: Another person of the business (其他人员), added by the holder.
MEMBER = "member"
PLACE_LABELS = {HOLDER: _l("Holder of the account"), MEMBER: _l("Person of the business")}

#: The account's trail as the holder reads it (账户记录), by audited action.
TRAIL_LABELS = {
    "business.claimed": _l("Account claimed with a notice's business code"),
    "business.holder_changed": _l("Holder of the account changed"),
    "business.code_reused": _l("A business code that had claimed the account was used to claim it again (refused)"),
    "business.code_used": _l("A claimed business code was used on an inspection's page"),
    "business.person_added": _l("Person added"),
    "business.person_removed": _l("Person removed"),
    "business.token_issued": _l("Access token made for an app"),
    "business.token_revoked": _l("Access token revoked"),
    "business.reset": _l("Account reset by the platform administrator"),
}

#: A person's login under the business's account.
LOGIN = re.compile(r"^[a-z][a-z0-9_.-]{2,31}$")
#: Every business access token starts with this (a staff token with ``sct_``).
TOKEN_PREFIX = "scb_"

#: Wrong attempts from one client at one credit code that cost nothing; each further one doubles the wait.
FREE_FAILURES = 5
#: The longest a client waits after wrong attempts (no lockout: the account stays open to everyone else).
LONGEST_WAIT = timedelta(minutes=15)
#: After this long without a wrong attempt, a client starts afresh.
FORGOTTEN_AFTER = timedelta(hours=24)

#: What a wrong credit code, login or password says: the same whether or not the business has an account.
WRONG_SIGN_IN = _l("Wrong credit code, login or password.")
#: What a sign-in through the legal persons' identity platform says when its credit code names no business of the
#: registry, or another business than the one the person signed in for before.
NOT_A_BUSINESS = _l(
    "The identity platform's credit code names no business of the registry, or another business than before: "
    "sign in with the business's credit code and password, or ask the department that inspected you."
)
#: What a wrong 企业核验码 says: the same whether or not the credit code has ever had a notice.
WRONG_CODE = _l(
    "Business code: this is not the 企业核验码 of a notice delivered to this credit code. Type the 12 characters "
    "printed on one of your business's inspection notices."
)
CODE_USED = _l("Business code: this code has already claimed the account once; use the code of another notice.")


def wait_for(failures: int) -> timedelta:
    """How long a client waits after ``failures`` wrong attempts in a row (none for the first few)."""
    if failures < FREE_FAILURES:
        return timedelta(0)
    return min(LONGEST_WAIT, timedelta(seconds=2 ** (failures - FREE_FAILURES)))


class BusinessRefusedError(Exception):
    """A sign-in or claim refused; ``message`` is safe to show (it never says whether the business has notices or
    an account), ``field`` the form's field it is about ("" for the form)."""

    def __init__(self, message: LazyString | str, field: str = "") -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Outcome:
    """A sign-in's or a claim's outcome (kept either way: a refusal is an outcome, not a failed command): the person
    and the new session's key, or why not."""

    person: object | None
    refused: BusinessRefusedError | None = None
    session_key: str | None = None


@dataclass(frozen=True)
class SessionCheck:
    """Who a business session belongs to, or why it no longer counts (``idle``, ``ended``)."""

    person: object | None
    why: str = ""
