"""Who keeps and who reads the inspector directory (两库 · 执法检查人员名录库) and its recusals (回避).

* The department's staff who see the catalog read its own inspectors (the ordinary scope: one's
  own department, nothing to open); its administrator keeps them (:data:`INSPECTOR_ACTIONS`).
* ID numbers are personal data: shown masked to everyone, whole only to whoever holds
  ``inspectors.personal_data`` (:func:`reads_id_numbers`; each reading audited by the command).
* The public reads only the inspectors who may be drawn today, and of them only
  :data:`PUBLIC_COLUMNS` (:func:`publicly_listed`).
* A recusal is declared and withdrawn by the administrator; a withdrawn one is gone (withdrawing it
  again finds no recusal), and one a team member was replaced for stays (the teams' domain refuses).
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from spotcheck.core.actions import Action, Actions
from spotcheck.core.actor import Actor
from spotcheck.core.policy import Permission, has_permission
from spotcheck.tenants.inspectors import eligibility
from spotcheck.tenants.inspectors.models import Inspector

#: Who reads the department's directory (its pages, its API, its export).
READ = Permission.CATALOG_VIEW

#: What an inspector's entry allows (no state refuses: an inactive inspector is edited back to active).
INSPECTOR_ACTIONS = Actions(
    Action("edit", Permission.CATALOG_MANAGE, lambda inspector: True, ""),
    Action("reveal_id_number", Permission.INSPECTORS_PERSONAL_DATA, lambda inspector: True, ""),
    Action("declare_recusal", Permission.CATALOG_MANAGE, lambda inspector: True, ""),
    Action("withdraw_recusal", Permission.CATALOG_MANAGE, lambda inspector: True, ""),
)

#: What the public may know of an inspector: name, agency, certificate number (执法证号), categories.
PUBLIC_COLUMNS = (Inspector.name, Inspector.agency, Inspector.cert_no, Inspector.categories)


def reads_id_numbers(reader: Actor) -> bool:
    """Whether ``reader`` sees whole ID numbers (the department administrator), not masked ones."""
    return has_permission(reader, Permission.INSPECTORS_PERSONAL_DATA)


def publicly_listed(day: date) -> sa.ColumnElement[bool]:
    """The inspectors the public list shows on ``day``: those who may be drawn (active, certificate
    valid, not experts: experts advise a check and are never drawn)."""
    return eligibility.drawable_on(day)
