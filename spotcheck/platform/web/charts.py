"""Server-rendered SVG bar charts (图表): no script, so the pages keep their strict CSP. The
geometry is computed here; ``supervision/_chart.html`` draws it, and each chart has its table of
the same numbers beside it."""

from __future__ import annotations

from dataclasses import dataclass, field

ROW = 26  # px per bar
LABEL = 120  # px for the department names
WIDTH = 420  # px of the whole chart
PLOT = WIDTH - LABEL - 60


@dataclass
class Bar:
    label: str
    value: float | None
    y: int
    width: float
    text: str
    warn: bool = False  # below the target (drawn in the warning colour)
    series: int = 0  # 0 or 1: the first or second series of a pair
    height: int = 18


@dataclass
class Chart:
    id: str
    title: str
    unit: str
    bars: list[Bar] = field(default_factory=list)
    height: int = 0
    target: float | None = None
    target_x: float | None = None
    legend: list[str] = field(default_factory=list)
    width: int = WIDTH
    label_width: int = LABEL


def bars(
    id: str,
    title: str,
    unit: str,
    rows: list[tuple[str, float | None]],
    *,
    target: float | None = None,
    maximum: float | None = None,
) -> Chart:
    """One bar per row (label, value); ``None`` values are shown as "—" without a bar; a value
    under ``target`` is a warning bar, and the target is a vertical line."""
    values = [v for _, v in rows if v is not None]
    top = maximum or max([*values, target or 0, 1])
    chart = Chart(id, title, unit, target=target)
    for n, (label, value) in enumerate(rows):
        width = 0 if value is None else PLOT * float(value) / top
        chart.bars.append(
            Bar(
                label,
                value,
                n * ROW + 4,
                round(width, 1),
                "—" if value is None else f"{value:g}{unit}",
                warn=target is not None and value is not None and value < target,
            )
        )
    chart.height = len(rows) * ROW + 8
    if target is not None:
        chart.target_x = round(LABEL + PLOT * target / top, 1)
    return chart


def pairs(id: str, title: str, unit: str, rows: list[tuple[str, float, float]], legend: tuple[str, str]) -> Chart:
    """Two bars per row (e.g. checked and problems found)."""
    top = max([max(a, b) for _, a, b in rows] + [1])
    chart = Chart(id, title, unit, legend=list(legend))
    for n, (label, first, second) in enumerate(rows):
        y = n * ROW * 1.5 + 4
        chart.bars.append(Bar(label, first, int(y), round(PLOT * first / top, 1), f"{first:g}", series=0, height=12))
        chart.bars.append(
            Bar("", second, int(y + 13), round(PLOT * second / top, 1), f"{second:g}", series=1, height=12)
        )
    chart.height = int(len(rows) * ROW * 1.5 + 8)
    return chart
