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
from spotcheck.core.errors import ConflictError, ForbiddenError
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
    #: The rule parameter its state refusal enforces (a key of the rules, e.g. ``follow_up_required``): the
    #: refusal opens with that rule's citation from the rules in force for the object (根据《……》第9条，), so
    #: that it names the document it applies — under whatever rulebook, never a fixed document.
    rule: str | None = None
    #: Likewise for ``who_refusal`` (e.g. ``inspectors_record``: 谁检查、谁录入).
    who_rule: str | None = None

    def by_whom(self, obj: Any, actor: Actor | None) -> bool:
        return self.who is None or self.who(obj, actor)


class Actions:
    """The actions of one aggregate; ``rules_of(obj)`` gives the rules in force for an object, from which a
    row's :attr:`Action.rule` is cited."""

    def __init__(self, *actions: Action, rules_of: Callable[[Any], Any] | None = None):
        self.by_name = {action.name: action for action in actions}
        self.rules_of = rules_of

    def _said(self, rule: str | None, obj: Any, message: Any) -> Any:
        """``message``, opening with the citation of ``rule`` (a row's) where it names one."""
        if rule is None or self.rules_of is None:
            return message
        cited = self.rules_of(obj).under(rule)
        return f"{cited}{message}" if cited else message

    def allowed(self, obj: Any, actor: Actor | None) -> frozenset[str]:
        """The names of the actions ``actor`` may take on ``obj`` now."""
        return frozenset(
            name
            for name, action in self.by_name.items()
            if has_permission(actor, action.permission) and action.possible(obj) and action.by_whom(obj, actor)
        )

    def refusal(self, obj: Any, name: str) -> Any:
        """Why the object's state does not allow ``name`` now, with its rule cited (None when it does, or when
        ``name`` is no action of this table)."""
        action = self.by_name.get(name)
        if action is None or action.possible(obj):
            return None
        return self._said(action.rule, obj, action.refusal(obj) if callable(action.refusal) else action.refusal)

    def check_state(self, obj: Any, name: str) -> None:
        """Refuse (Conflict) unless the object's state allows ``name`` (the permission is checked elsewhere)."""
        if name not in self.by_name:
            raise KeyError(name)
        if (refused := self.refusal(obj, name)) is not None:
            raise ConflictError(refused)

    def require(self, obj: Any, actor: Actor | None, name: str) -> None:
        """Refuse (Forbidden without the permission or when the actor is not the one who may,
        Conflict in the wrong state) unless ``name`` is allowed."""
        action = self.by_name[name]
        require(actor, action.permission)
        if not action.by_whom(obj, actor):
            raise ForbiddenError(
                self._said(action.who_rule, obj, action.who_refusal)
                if action.who_refusal
                else _l("You are not allowed to do this.")
            )
        self.check_state(obj, name)
