"""The supervision dashboard's charts (图表) never cut a label at their edge: a department's full name with its place
(宁安镇综合行政执法办公室) wraps after its place within the label column, a label too long for two lines ends in
“…”, and the whole chart fits a phone's column (390 px) at its own size."""

from __future__ import annotations

from spotcheck.platform.web import charts

LABELS = [
    "宁安市市场监督管理局",
    "宁安镇综合行政执法办公室",
    "牡丹江市市场监督管理局",
    "宁安市",
    "海林市应急管理局",
    "黑龙江省牡丹江市宁安市市场监督管理局东京城镇市场监督管理所",
]


def _fits(chart: charts.Chart) -> None:
    column = chart.label_width - charts.GAP
    for bar in chart.bars:
        if bar.label:
            assert 1 <= len(bar.lines) <= 2 and all(charts.text_width(line) <= column for line in bar.lines), bar
    assert chart.width <= charts.FIT and chart.label_width + chart.plot + charts.VALUE == chart.width


def test_long_labels_wrap_after_their_place_and_never_overflow_the_label_column():
    chart = charts.bars("c", "覆盖率", "%", [(label, 50.0) for label in LABELS], target=70, maximum=100)
    _fits(chart)
    lines = {bar.label: bar.lines for bar in chart.bars}
    assert lines["宁安镇综合行政执法办公室"] == ["宁安镇", "综合行政执法办公室"]
    assert lines["牡丹江市市场监督管理局"] == ["牡丹江市", "市场监督管理局"]
    assert lines["宁安市"] == ["宁安市"] and lines["海林市应急管理局"] == ["海林市应急管理局"]
    longest = lines[LABELS[-1]]
    assert longest[0] == "黑龙江省" and longest[1].endswith("…")  # its whole text in the tooltip and the table
    # a two-line label's row is taller than a one-line one's, its bar inside it
    tops = [bar.y for bar in chart.bars]
    assert tops == sorted(tops) and chart.height >= tops[-1] + 18
    assert chart.target_x is not None and chart.target_x + 30 <= chart.width  # the target's words inside too


def test_short_labels_leave_the_bars_the_room_and_pairs_fit_as_well():
    short = charts.bars("c", "按时公示率", "%", [("宁安市", 90.0), ("海林市", None)], maximum=100)
    assert short.label_width == 3 * charts.FONT + charts.GAP and short.plot > 200
    _fits(short)
    pairs = charts.pairs("p", "户次", "", [(label, 8, 2) for label in LABELS], ("已检查户次", "发现问题户次"))
    _fits(pairs)
    assert [bar.lines for bar in pairs.bars if bar.series == 1] == [[]] * len(LABELS)
