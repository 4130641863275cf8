"""Reading the documents the product writes (文书), as a person would: the text of a PDF."""

from __future__ import annotations

import io

from pypdf import PdfReader


def pdf_text(data: bytes) -> str:
    """The text of every page, without the spaces and line breaks the extraction puts in."""
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).replace(" ", "").replace("\n", "")
