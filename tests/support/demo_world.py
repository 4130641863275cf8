"""The demo city of ``spotcheck demo`` (演示城市) as a world: loaded through the demo's own commands
once per run and database kind, copied for every further test that looks at it."""
from __future__ import annotations

from datetime import date

from spotcheck.core.policy import CONSOLE
from spotcheck.demo import CAMPAIGNS_FROM, load_demo
from tests.support.snapshots import snapshotted


@snapshotted
def demo_city(entities: int | None = None, today: str = "2026-11-21") -> None:
    """The demo loaded as ``spotcheck demo`` loads it on ``today`` (ISO date), with ``entities``
    registry entities (default: the fewest that give every campaign something to draw)."""
    load_demo(entities=entities or CAMPAIGNS_FROM, today=date.fromisoformat(today), actor=CONSOLE)
