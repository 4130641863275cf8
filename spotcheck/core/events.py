"""Domain events (领域事件): what a command tells the rest of the platform has happened, so that an
outer layer reacts without the inner one knowing it — a campaign handed to its teams starts the
job that writes its inspection notices; a transfer sent starts the letter to its receiver.

A handler runs at once, inside the command that emits the event: what it writes (a job row, a
notice row) is committed with the command's own work, or not at all. Handlers register when their
module is imported (the Celery app imports every task module, in the web process too).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from spotcheck.core.actor import Actor

Handler = Callable[..., object]
_handlers: dict[str, list[Handler]] = defaultdict(list)
_suspended: ContextVar[bool] = ContextVar("spotcheck_events_suspended", default=False)


def subscribe(name: str) -> Callable[[Handler], Handler]:
    """Decorate a handler of the event ``name``: called as ``handler(actor=..., **data)``."""

    def register(handler: Handler) -> Handler:
        if handler not in _handlers[name]:
            _handlers[name].append(handler)
        return handler

    return register


def emit(name: str, *, actor: Actor | None, **data: Any) -> None:
    """Tell the handlers of ``name`` (none registered, or events suspended: nothing happens)."""
    if _suspended.get():
        return
    for handler in list(_handlers.get(name, ())):
        handler(actor=actor, **data)


@contextmanager
def suspended() -> Iterator[None]:
    """Within the block, events reach no handler: for tests of one part that must not pay for
    another's reactions (a test of results does not render the notices' PDFs)."""
    token = _suspended.set(True)
    try:
        yield
    finally:
        _suspended.reset(token)
