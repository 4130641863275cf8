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

from spotcheck.tenants.results.codes import named_shown
from spotcheck.tenants.results.vocabulary import FollowUpKind

#: The follow-ups a business reads (责令改正 alone).
SHOWN_FOLLOW_UPS = frozenset({FollowUpKind.rectification})
#: What a business does on an order of its record (整改答复): the results' policy says when
#: (:data:`spotcheck.tenants.results.policy.FOLLOW_UP_ACTIONS`).
BUSINESS_ACTIONS = frozenset({"answer"})
#: What a business does on a check of its record, signed in and with no 企业核验码 — the code page's acts, by the same
#: commands (:mod:`spotcheck.tenants.results.commands.business`, :mod:`spotcheck.tenants.supervision.commands`):
#: 确认入企, 申请回避, 评价 (once), 投诉.
RECORD_ACTS = ("confirm", "ask_recusal", "evaluate", "complain")

__all__ = ["BUSINESS_ACTIONS", "RECORD_ACTS", "SHOWN_FOLLOW_UPS", "named_shown"]
