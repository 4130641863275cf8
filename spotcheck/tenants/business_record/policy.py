"""Who reads a business's record (查阅权限): the business itself, signed in as its own principal (not a department's
user, holding no staff permission) — the sign-in that checks it is built apart. What the record shows is decided
here, once, for the queries and for the pages to come:

- a check of named businesses (特定对象检查) shows only once its own visit's team has left (离企), or the check is
  public (公布特定对象检查);
- a result shows only as published (公示), never a draft or a returned one, and of the team only the inspectors by
  name and 执法证号;
- of the follow-ups (后续处置) only rectification orders (责令改正), with their due dates and the business's answers
  (整改答复): never a case, a transfer or a transfer to the police."""

from __future__ import annotations

from spotcheck.tenants.results.models import InspectionCode
from spotcheck.tenants.results.vocabulary import FollowUpKind

#: The follow-ups a business reads (责令改正 alone).
SHOWN_FOLLOW_UPS = frozenset({FollowUpKind.rectification})
#: What a business does on an order of its record (整改答复): the results' policy says when
#: (:data:`spotcheck.tenants.results.policy.FOLLOW_UP_ACTIONS`).
BUSINESS_ACTIONS = frozenset({"answer"})


def named_shown(code: InspectionCode | None, disclosed: bool) -> bool:
    """Whether a named check's visit shows on the business's record: its own team has left (离企), or the whole
    check is public (``disclosed``)."""
    return disclosed or (code is not None and code.left_at is not None)
