"""The order the test modules run in (运行顺序): the longest first, so that the two workers of
``make test`` (``pytest -n 2 --dist loadfile``: a module runs whole on one worker, its worlds built
once) are handed the long modules while there is still short work to even them out, and end
together.

A test that takes many seconds says so with ``@pytest.mark.slow(seconds)`` (about what it takes on a
quiet two-core machine, the suite running); a module weighs the seconds of its slow tests. Modules
run heaviest first, then the others in their collection order. Only the order changes: every
test still runs, and alone each runs as before.
"""

from __future__ import annotations

import pytest


def weight(item) -> float:
    marker = item.get_closest_marker("slow")
    return float(marker.args[0]) if marker and marker.args else 0.0


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    modules: dict[str, float] = {}
    for item in items:
        module = item.nodeid.split("::")[0]
        modules[module] = modules.get(module, 0.0) + weight(item)
    order = {module: position for position, module in enumerate(modules)}
    items.sort(key=lambda item: (-modules[item.nodeid.split("::")[0]], order[item.nodeid.split("::")[0]]))
