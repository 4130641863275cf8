"""The rules document's words (一细则 · 实施细则): where its files are kept, which files are accepted."""
from __future__ import annotations

#: Where the documents are kept in the shared storage.
AREA = "rules"

#: Accepted files: extension → (media type, leading bytes that prove it).
ACCEPTED = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    ".ofd": ("application/ofd", (b"PK\x03\x04",)),
    ".doc": ("application/msword", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),
    ".wps": ("application/vnd.ms-works", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),
}
