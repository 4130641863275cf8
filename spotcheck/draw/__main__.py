"""``python3 -m spotcheck.draw verify PROOF.json`` — check a published draw proof with nothing but
Python's standard library; ``python3 -m spotcheck.draw bundle OUT.pyz`` — write the same verifier
as one file (a zipapp) that runs as ``python3 spotcheck-verify.pyz PROOF.json``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from spotcheck.draw import wording
from spotcheck.draw.verify import verify_file

USAGE = wording.USAGE


def verify_command(path: str, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Print each check of the proof at ``path`` in Chinese, its own name beside it (as the Node
    verifier prints it, :mod:`spotcheck.draw.wording`); 0 when all hold, 1 when one fails, 2 when the
    file cannot be read as a proof. The verdict keeps its English words in brackets (``proof
    verified``, ``proof NOT verified``) for the programs that read it."""
    out, err = out or sys.stdout, err or sys.stderr
    checks = verify_file(path)
    for check in checks:
        print(wording.line(check), file=out)
    failed = [check for check in checks if not check.ok]
    if len(checks) == 1 and failed and checks[0].name == "read the proof":
        print(wording.unreadable(path, checks[0].detail), file=err)
        return 2
    if failed:
        print(wording.refused(len(failed), len(checks)), file=err)
        return 1
    print(wording.verified(len(checks)), file=out)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) == 2 and args[0] == "verify":
        return verify_command(args[1])
    if len(args) == 2 and args[0] == "bundle":
        from spotcheck.draw import bundle  # the bundle runs this module as its entry point

        data = bundle.build()
        Path(args[1]).write_bytes(data)
        print(f"{args[1]}：{len(data)} 字节 bytes，SHA-256 {bundle.sha256(data)}")
        return 0
    print(USAGE, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
