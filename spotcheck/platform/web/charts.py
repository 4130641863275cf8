"""Server-rendered SVG bar charts (图表): no script, so the pages keep their strict CSP. The
geometry is computed here; ``supervision/_macros.html`` draws it, and each chart has its table of
the same numbers beside it.

A bar's label (a department's full name with its place, 牡丹江市市场监督管理局; a region's) is never cut at the
chart's edge: the label column is as wide as its longest line, a label too long for one line wraps onto a second
(after its place where it can: 牡丹江市 / 市场监督管理局), and one too long for two ends in “…”, its whole text in the
bar's tooltip and in the table. A whole chart fits a phone's column (390 px) at its own size, its text never
drawn below 11 px."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

FONT = 12  # px, the labels' text
LINE = 14  # px between a label's two lines
ROW = 26  # px per bar of one line's label
LABEL_MAX = 9 * FONT  # px: a label's line holds nine Chinese characters at most
LABEL_MIN = 3 * FONT
GAP = 6  # px between a label and its bar
VALUE = 52  # px for the value after the bar (100%, 12,345)
FIT = 320  # px: the widest a chart is drawn (a phone's column, 390 px, holds it)
PLOT_MIN = 140  # px: the shortest the longest bar is
#: The endings of a place's name: a label breaks after the first (牡丹江市 / 市场监督管理局).
PLACE_ENDINGS = ("街道", "市", "县", "区", "镇", "乡", "旗", "省")
ELLIPSIS = "…"


def text_width(text: str, size: int = FONT) -> float:
    """How wide ``text`` is drawn at ``size`` px: a Chinese (wide) character a full em, any other about 0.6 em."""
    return sum(size if unicodedata.east_asian_width(ch) in "WF" else size * 0.6 for ch in text)


def _fitting(text: str, width: float) -> str:
    """The longest start of ``text`` no wider than ``width``."""
    end = 0
    while end < len(text) and text_width(text[: end + 1]) <= width:
        end += 1
    return text[:end]


def _ended(text: str, width: float) -> str:
    """``text`` if it fits ``width``, else its start that fits with “…” after it."""
    return text if text_width(text) <= width else _fitting(text, width - text_width(ELLIPSIS)) + ELLIPSIS


def wrap(label: str, width: float = LABEL_MAX) -> list[str]:
    """``label`` in at most two lines no wider than ``width``: one where it fits; else broken after its place's
    name when that fits (宁安镇 / 综合行政执法办公室), else where the first line is full; a second line too long ends
    in “…”."""
    if text_width(label) <= width:
        return [label]
    breaks = [label.index(ending) + len(ending) for ending in PLACE_ENDINGS if 0 < label.find(ending) < len(label) - 1]
    place = min(breaks, default=0)
    first = label[:place] if place and text_width(label[:place]) <= width else _fitting(label, width)
    return [first.rstrip(), _ended(label[len(first) :].lstrip(), width)]


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
    #: The label as drawn: its lines (one or two), the first's baseline at ``label_y``.
    lines: list[str] = field(default_factory=list)
    label_y: int = 0


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
    width: int = FIT
    label_width: int = LABEL_MAX + GAP
    plot: int = FIT - LABEL_MAX - GAP - VALUE
    line_height: int = LINE


def _layout(labels: list[str]) -> tuple[list[list[str]], int, int]:
    """Each label's lines, the label column's width (its longest line and the gap) and the plot's (what the chart's
    width leaves, never under :data:`PLOT_MIN`)."""
    lines = [wrap(label) for label in labels]
    widest = max((text_width(line) for label in lines for line in label), default=0.0)
    label_width = int(min(max(widest, LABEL_MIN), LABEL_MAX) + 0.999) + GAP
    return lines, label_width, max(PLOT_MIN, FIT - label_width - VALUE)


def _label_y(top: int, block: int, lines: list[str]) -> int:
    """The first line's baseline of a label centred on a block ``block`` px high from ``top``."""
    return int(top + (block - (len(lines) - 1) * LINE) / 2 + FONT * 0.4)


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
    lines, label_width, plot = _layout([label for label, _ in rows])
    chart = Chart(id, title, unit, target=target, label_width=label_width, plot=plot)
    chart.width = label_width + plot + VALUE
    y = 0  # each row's top: a two-line label's row is taller, its bar in the middle
    for (label, value), shown in zip(rows, lines, strict=True):
        row = max(ROW, len(shown) * LINE + 10)
        width = 0 if value is None else plot * float(value) / top
        chart.bars.append(
            Bar(
                label,
                value,
                y + (row - 18) // 2,
                round(width, 1),
                "—" if value is None else f"{value:g}{unit}",
                warn=target is not None and value is not None and value < target,
                lines=shown,
                label_y=_label_y(y, row, shown),
            )
        )
        y += row
    chart.height = y + 8
    if target is not None:
        chart.target_x = round(label_width + plot * target / top, 1)
    return chart


def pairs(id: str, title: str, unit: str, rows: list[tuple[str, float, float]], legend: tuple[str, str]) -> Chart:
    """Two bars per row (e.g. checked and problems found)."""
    top = max([max(a, b) for _, a, b in rows] + [1])
    lines, label_width, plot = _layout([label for label, _, _ in rows])
    chart = Chart(id, title, unit, legend=list(legend), label_width=label_width, plot=plot)
    chart.width = label_width + plot + VALUE
    row = int(ROW * 1.5)
    for n, ((label, first, second), shown) in enumerate(zip(rows, lines, strict=True)):
        y = n * row + 4
        chart.bars.append(
            Bar(
                label,
                first,
                y,
                round(plot * first / top, 1),
                f"{first:g}",
                series=0,
                height=12,
                lines=shown,
                label_y=_label_y(y, 25, shown),
            )
        )
        chart.bars.append(Bar("", second, y + 13, round(plot * second / top, 1), f"{second:g}", series=1, height=12))
    chart.height = len(rows) * row + 8
    return chart
