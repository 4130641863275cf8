"""Who reads and who keeps the regions (区划).

* The tree is read by anyone signed in (the page and the API require a sign-in): it holds only the names and codes
  of places, and no region belongs to a department — reading it opens no scope.
* Loading a tree file (载入区划) is the platform administrator's, as creating departments is, and the operator's at
  the console (``spotcheck regions load``): :data:`LOAD`.
"""

from __future__ import annotations

from spotcheck.core.actor import Actor
from spotcheck.core.policy import Permission, has_permission

#: Who loads a tree file: the platform administrator (who creates the departments attached to it) and the console.
LOAD = Permission.REGIONS_MANAGE


def may_load(actor: Actor | None) -> bool:
    """Whether ``actor`` loads a tree file (the administrator's page shows the form)."""
    return has_permission(actor, LOAD)
