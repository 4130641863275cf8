"""Commands (命令): every state change of the platform goes through one.

A command is a function decorated with :func:`command`. It takes the acting user as ``actor``
(a keyword argument), and the decorator

1. checks the permission through the one policy (:func:`spotcheck.core.policy.require`) before
   anything is read or written — :class:`~spotcheck.core.errors.Forbidden` otherwise;
2. refuses text with a control character (:mod:`spotcheck.core.text`) in any argument, naming
   the field, and otherwise
3. runs the function in a transaction it owns (:func:`unit_of_work`): committed when the function
   returns, rolled back when it raises, the audit entries it records included. A command called
   by another command runs in a savepoint of the caller's transaction, so a command that fails
   changes nothing even when its caller goes on;
4. runs what the command asked to do after the commit (:func:`after_commit`: queue a job, remove
   a replaced file) only once the commit has succeeded.

Views, API resources, Celery tasks and the command line call commands and never commit
themselves. Every command is listed in :data:`REGISTRY` (a test calls each one as every role that
lacks its permission and checks that nothing changed).
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps
from typing import Any, ParamSpec, TypeVar, cast

import sqlalchemy as sa

from spotcheck.core import policy, text
from spotcheck.core.database import db, end_reading, impatient, is_locked
from spotcheck.core.errors import InvalidInputError
from spotcheck.core.policy import Permission

log = logging.getLogger(__name__)

#: Anyone may run it, signed in or not (signing in itself).
ANYONE = None


@dataclass(frozen=True)
class Command:
    """A registered command: its name (module.function), the permission it needs, the function."""

    name: str
    permission: Permission | None
    function: Callable[..., Any]

    @property
    def parameters(self) -> list[inspect.Parameter]:
        return list(inspect.signature(self.function).parameters.values())


#: Every command of the platform, by name.
REGISTRY: dict[str, Command] = {}

_depth: ContextVar[int] = ContextVar("spotcheck_command_depth", default=0)
_Callbacks = list[Callable[[], object]]
_after: ContextVar[_Callbacks | None] = ContextVar("spotcheck_after_commit", default=None)
_undo: ContextVar[_Callbacks | None] = ContextVar("spotcheck_after_rollback", default=None)

P = ParamSpec("P")
R = TypeVar("R")


def command(permission: Permission | None) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Make a function a command needing ``permission`` (:data:`ANYONE`: no permission)."""

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        signature = inspect.signature(function)
        if "actor" not in signature.parameters:
            raise TypeError(f"command {function.__qualname__} must take the acting user as `actor`")

        @wraps(function)
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            arguments = signature.bind_partial(*args, **kwargs).arguments
            actor = arguments.get("actor")
            if permission is not ANYONE:
                policy.require(actor, permission)
            if problems := text.problems({k: v for k, v in arguments.items() if k != "actor"}):
                raise InvalidInputError(problems)
            with unit_of_work(keep=actor):
                return function(*args, **kwargs)

        name = f"{function.__module__}.{function.__qualname__}"
        # the ignore: a function declares no attributes; the wrapper carries its command for the registry
        run.command = REGISTRY[name] = Command(name, permission, function)  # type: ignore[attr-defined]
        return run

    return decorate


def in_command() -> bool:
    """Whether a command's transaction is open (a helper that writes must be called from one)."""
    return _depth.get() > 0


@contextmanager
def unit_of_work(*, keep: object = None) -> Iterator[None]:
    """The transaction of a command: the outermost commits or rolls back; a nested one is a savepoint.

    Background jobs open one around their work (:mod:`spotcheck.tasks.jobs`) so that the job's
    outcome and the work it did are committed together. ``keep``: an object (the actor) that a
    rollback must leave loaded as it is when the command did not change it — the caller goes on
    with it, in whatever tenant scope it is.
    """
    session = db.session
    depth = _depth.get()
    if depth:
        token = _depth.set(depth + 1)
        callbacks, undo = cast(_Callbacks, _after.get()), cast(_Callbacks, _undo.get())  # set by the outermost
        registered, undoable = len(callbacks), len(undo)
        try:
            with session.begin_nested():
                yield
        except BaseException:
            del callbacks[registered:]  # a failed nested command asks for nothing afterwards
            for callback in reversed(undo[undoable:]):
                _quietly(callback)
            del undo[undoable:]
            raise
        finally:
            _depth.reset(token)
        return
    end_reading(session())  # on SQLite, the command's transaction begins as the writer
    callbacks, undo = [], []
    depth_token, after_token, undo_token = _depth.set(1), _after.set(callbacks), _undo.set(undo)
    try:
        yield
        session.commit()
    except BaseException:
        _rollback(session, keep)
        for callback in reversed(undo):
            _quietly(callback)
        raise
    finally:
        _depth.reset(depth_token)
        _after.reset(after_token)
        _undo.reset(undo_token)
    for callback in callbacks:
        callback()


#: How long a write of bookkeeping waits for SQLite's one writer before it is left for next time.
BOOKKEEPING_PATIENCE_MS = 200


@contextmanager
def bookkeeping(what: str, *, keep: object = None) -> Iterator[None]:
    """A write of the platform's own bookkeeping (记账: a session's or a token's last activity), not an
    action of the user: in a transaction of its own, like a command's, but on SQLite it waits only a
    moment for the writer and is left for the next request while a job holds it — a page that only
    reads never waits on a job, nor fails for it. ``keep``: as :func:`unit_of_work`'s."""
    try:
        with impatient(BOOKKEEPING_PATIENCE_MS), unit_of_work(keep=keep):
            yield
    except sa.exc.OperationalError as error:
        if not is_locked(error):
            raise
        log.info("%s: the database is busy with another writer; left for the next request", what)


def _rollback(session: sa.orm.scoped_session[Any], keep: object) -> None:
    mapped = keep is not None and sa.inspect(keep, raiseerr=False) is not None  # not the console or the scheduler
    unchanged = mapped and keep in session and keep not in session.deleted and not session.is_modified(keep)
    if unchanged:
        session.expunge(keep)
    session.rollback()
    if unchanged:
        session.add(keep)


def _quietly(callback: Callable[[], object]) -> None:
    try:
        callback()
    except Exception:  # undoing outside the database must not hide why the command failed
        log.exception("undoing after a rollback failed")


def after_rollback(callback: Callable[[], object]) -> None:
    """Run ``callback`` if the command's transaction rolls back (remove a file it stored)."""
    undo = _undo.get()
    if undo is None:
        raise RuntimeError("after_rollback() outside a command")
    undo.append(callback)


def after_commit(callback: Callable[[], object]) -> None:
    """Run ``callback`` once the command's transaction has committed (never if it rolls back)."""
    callbacks = _after.get()
    if callbacks is None:
        raise RuntimeError("after_commit() outside a command")
    callbacks.append(callback)
