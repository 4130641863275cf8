"""The QR block of a document (二维码): an inspection code's QR (扫码核验) drawn module by module —
black squares, sharp at any printer's resolution — with its caption lines beside it."""

from __future__ import annotations

from dataclasses import dataclass, field

import segno
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Table, TableStyle

#: The printed side of the QR: large enough for a phone at arm's length.
SIZE = 32 * mm


@dataclass(frozen=True)
class Qr:
    """A QR code of ``url`` with its caption ``lines`` beside it."""

    url: str
    lines: list[str] = field(default_factory=list)


class _QrDrawing(Flowable):
    def __init__(self, url: str, size: float = SIZE):
        super().__init__()
        self.rows = [list(row) for row in segno.make_qr(url, error="m").matrix_iter(scale=1, border=2)]
        self.size = size

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        module = self.size / len(self.rows)
        self.canv.setFillColor(colors.black)
        for y, row in enumerate(self.rows):
            for x, dark in enumerate(row):
                if dark:
                    self.canv.rect(x * module, self.size - (y + 1) * module, module, module, stroke=0, fill=1)


def qr_table(block: Qr, captions: list[Flowable], width: float) -> Table:
    """The block as laid out: the QR, then its captions (paragraphs the document's layout made), boxed."""
    table = Table(
        [[_QrDrawing(block.url), captions]],
        colWidths=[SIZE + 4 * mm, width - SIZE - 4 * mm],
        spaceBefore=6,
        spaceAfter=10,
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (0, 0), 2 * mm),
                ("BOX", (0, 0), (-1, -1), 0.75, colors.HexColor("#333333")),
            ]
        )
    )
    return table
