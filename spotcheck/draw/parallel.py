"""Two cores for a draw's heavy arithmetic (并行计算): the sort of a frame's cells and the HMAC ranking of
its rows split between this process and one forked child (:func:`map_in_two`); the published proof's
SHA-256 worked out by a child while this process writes the drawn rows (:func:`in_background`).

Only pure computation runs in the child — no database, no file, no logging — on the parts of the work
it was forked with (copy-on-write: nothing is sent to it); it sends its results back through a pipe,
pickled, and ends with ``os._exit``, so nothing the parent holds (its database connections, its
threads' locks) is touched or closed by it. The answer is the same as on one core, in the same order:
where a child cannot be made (one core, no ``fork``, a child that fails or dies) the parent does the
whole work itself.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

Task = TypeVar("Task")
Result = TypeVar("Result")

#: Below this much work (the tasks' total weight), one core: a fork and its pipe cost more than they save.
THRESHOLD = 200_000


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def split(weights: Sequence[int]) -> tuple[list[int], list[int]]:
    """The tasks' indexes in two shares of about equal weight (the heaviest first, each to the lighter share)."""
    mine: list[int] = []
    theirs: list[int] = []
    loads = [0, 0]
    for index in sorted(range(len(weights)), key=lambda i: -weights[i]):
        share = 0 if loads[0] <= loads[1] else 1
        (mine if share == 0 else theirs).append(index)
        loads[share] += weights[index]
    return sorted(mine), sorted(theirs)


def map_in_two(
    function: Callable[[Task], Result], tasks: Sequence[Task], weights: Sequence[int], *, threshold: int = THRESHOLD
) -> list[Result]:
    """``[function(task) for task in tasks]``, a share of the tasks done by a forked child when there are two
    cores and the tasks weigh ``threshold`` or more in all (``weights``: e.g. the rows of each)."""
    if len(tasks) < 2 or sum(weights) < threshold or cores() < 2 or not hasattr(os, "fork"):
        return [function(task) for task in tasks]
    mine, theirs = split(weights)
    if not mine or not theirs:
        return [function(task) for task in tasks]
    results: dict[int, Result] = {}
    child = _fork(function, [tasks[i] for i in theirs])
    try:
        for index in mine:
            results[index] = function(tasks[index])
    except BaseException:  # the parent's share failed (e.g. a bad code): the child is stopped, not left writing
        if child is not None:
            _stop(*child)
        raise
    done: list[Result] | None = _collect(*child) if child is not None else None
    if done is None:  # no child, or it failed: the parent does its share too
        done = [function(tasks[i]) for i in theirs]
    results.update(zip(theirs, done, strict=True))
    return [results[i] for i in range(len(tasks))]


def _fork(function: Callable[[Task], Result], tasks: list[Task]) -> tuple[int, int] | None:
    """A child computing ``function`` over ``tasks`` and writing the pickled results to a pipe: (its pid, the
    pipe's reading end), or None when no child could be made."""
    try:
        reading, writing = os.pipe()
    except OSError:
        return None
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        pid = os.fork()
    except OSError:
        os.close(reading)
        os.close(writing)
        return None
    if pid == 0:  # the child: compute, send, and leave without running any of the parent's clean-up
        status = 1
        try:
            os.close(reading)
            data = pickle.dumps([function(task) for task in tasks], protocol=pickle.HIGHEST_PROTOCOL)
            view = memoryview(data)
            while view:
                view = view[os.write(writing, view) :]
            status = 0
        finally:
            os._exit(status)
    os.close(writing)
    return pid, reading


def _collect(pid: int, reading: int) -> list[Result] | None:
    """The child's results, or None if it failed."""
    chunks = []
    try:
        while chunk := os.read(reading, 1 << 20):
            chunks.append(chunk)
    finally:
        os.close(reading)
        _, status = os.waitpid(pid, 0)
    if status != 0:
        return None
    try:
        results: list[Result] = pickle.loads(b"".join(chunks))
    except Exception:
        return None
    return results


def _stop(pid: int, reading: int) -> None:
    """End a child whose answer is no longer wanted, and wait for it (no zombie, no pipe left open)."""
    os.close(reading)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


class Pending(Generic[Result]):
    """A result being worked out by a forked child (:func:`in_background`); :meth:`result` waits for it."""

    def __init__(self, function: Callable[..., Result], args: tuple[object, ...], child: tuple[int, int] | None):
        self.function, self.args, self.child = function, args, child

    def result(self) -> Result:
        """The child's answer, or — without a child, or when it failed — the function run here."""
        child, self.child = self.child, None
        answers: list[Result] | None = _collect(*child) if child is not None else None
        return answers[0] if answers else self.function(*self.args)


def in_background(function: Callable[..., Result], *args: object, size: int) -> Pending[Result]:
    """``function(*args)`` worked out by a forked child while this process goes on (when there are two cores
    and the work's ``size`` is :data:`THRESHOLD` or more); :meth:`Pending.result` gives it. Call ``result``
    on every path (a ``finally``): a child not waited for stays a zombie until this process ends."""
    if size < THRESHOLD or cores() < 2 or not hasattr(os, "fork"):
        return Pending(function, args, None)
    return Pending(function, args, _fork(lambda _task: function(*args), [None]))
