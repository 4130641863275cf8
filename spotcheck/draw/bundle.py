"""The verifier as one file (单文件验证程序): a zipapp of the draw engine and its verifier, built
byte for byte the same from the same source (fixed dates, order and permissions, no bytecode),
so that its SHA-256 can be published and anyone can rebuild it and compare.

``python3 spotcheck-verify.pyz PROOF.json`` checks a proof with nothing installed but Python 3.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

#: The archive's own entry point.
MAIN = '''"""spotcheck-verify: check a published draw proof of the Spotcheck platform (spotcheck-draw/1, /2 and /3)."""
import sys

from spotcheck.draw.__main__ import verify_arguments
from spotcheck.draw.wording import BUNDLE_USAGE

if len(sys.argv) < 2 or sys.argv[1] in ("-h", "--help"):
    print(BUNDLE_USAGE, file=sys.stderr)
    sys.exit(2)
sys.exit(verify_arguments(sys.argv[1:]))
'''
SHEBANG = b"#!/usr/bin/env python3\n"
#: 1980-01-01 00:00:00, the earliest date a zip entry holds: the same for every build.
FIXED_DATE = (1980, 1, 1, 0, 0, 0)
FILE_NAME = "spotcheck-verify.pyz"


def _sources() -> list[tuple[str, bytes]]:
    draw = Path(__file__).resolve().parent
    package = draw.parent
    files = [("spotcheck/__init__.py", (package / "__init__.py").read_bytes())]
    files += [(f"spotcheck/draw/{path.name}", path.read_bytes()) for path in sorted(draw.glob("*.py"))]
    return [("__main__.py", MAIN.encode("utf-8")), *files]


def build() -> bytes:
    """The zipapp's bytes."""
    buffer = io.BytesIO()
    buffer.write(SHEBANG)
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in sorted(_sources()):
            info = zipfile.ZipInfo(name, date_time=FIXED_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, whatever builds it
            info.external_attr = 0o644 << 16
            archive.writestr(info, data, compresslevel=9)
    return buffer.getvalue()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
