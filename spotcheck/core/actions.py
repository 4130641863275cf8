"""Allowed actions (可执行的操作): what an object allows in its present state, for this actor.

Each aggregate (a campaign, a plan, an item…) declares its actions once, as a table of
:class:`Action` rows: the permission the action needs, the state in which it is possible, and
what to say when it is not. Commands call :meth:`Actions.require` before changing anything;
pages, the API and templates call :meth:`Actions.allowed` to show only the buttons that work.
The rule is written once and read by both.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from spotcheck.core.actor import Actor
from spotcheck.core.errors import Conflict, Forbidden
from spotcheck.core.policy import Permission, has_permission, require


@dataclass(frozen=True)
class Action:
    """``name`` is possible for an actor holding ``permission`` when ``possible(obj)`` holds;
    otherwise a command refuses with ``refusal``: a translatable message, or a function of the
    object giving the message that says why."""

    name: str
    permission: Permission
    possible: Callable[[Any], bool]
    refusal: Any  # a message, or what makes it from the object
    #: Who among the permission's holders may take it (e.g. only the visit's team leader):
    #: ``who(obj, actor)``; otherwise Forbidden with ``who_refusal``.
    who: Callable[[Any, Any], bool] | None = None
    who_refusal: object = None

    def by_whom(self, obj: Any, actor: Actor | None) -> bool:
        return self.who is None or self.who(obj, actor)


class Actions:
    """The actions of one aggregate."""

    def __init__(self, *actions: Action):
        self.by_name = {action.name: action for action in actions}

    def allowed(self, obj: Any, actor: Actor | None) -> frozenset[str]:
        """The names of the actions ``actor`` may take on ``obj`` now."""
        return frozenset(name for name, action in self.by_name.items()
                         if has_permission(actor, action.permission) and action.possible(obj)
                         and action.by_whom(obj, actor))

    def check_state(self, obj: Any, name: str) -> None:
        """Refuse (Conflict) unless the object's state allows ``name`` (the permission is checked elsewhere)."""
        action = self.by_name[name]
        if not action.possible(obj):
            raise Conflict(action.refusal(obj) if callable(action.refusal) else action.refusal)

    def require(self, obj: Any, actor: Actor | None, name: str) -> None:
        """Refuse (Forbidden without the permission or when the actor is not the one who may,
        Conflict in the wrong state) unless ``name`` is allowed."""
        action = self.by_name[name]
        require(actor, action.permission)
        if not action.by_whom(obj, actor):
            raise Forbidden(action.who_refusal or _l("You are not allowed to do this."))
        self.check_state(obj, name)
