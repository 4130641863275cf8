"""``python3 -m spotcheck.draw verify PROOF.json`` — check a published draw proof with nothing but
Python's standard library (``--own ID SALT``: the holder's check of a blinded draw; ``--key KEY --clear FILE``: the
bureau's); ``python3 -m spotcheck.draw bundle OUT.pyz`` — write the same verifier as one file (a zipapp) that runs
as ``python3 spotcheck-verify.pyz PROOF.json [--own ID SALT | --key KEY --clear FILE]``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TextIO

from spotcheck.draw import disclosure, wording
from spotcheck.draw.verify import verify_file

USAGE = wording.USAGE


def verify_command(
    path: str,
    out: TextIO | None = None,
    err: TextIO | None = None,
    *,
    own: tuple[str, str] | None = None,
    bureau: tuple[str, str] | None = None,
) -> int:
    """Print each check of the proof at ``path`` in Chinese, its own name beside it (as the Node
    verifier prints it, :mod:`spotcheck.draw.wording`); 0 when all hold, 1 when one fails, 2 when the
    file cannot be read as a proof. The verdict keeps its English words in brackets (``proof
    verified``, ``proof NOT verified``) for the programs that read it."""
    out, err = out or sys.stdout, err or sys.stderr
    checks = verify_file(path)
    if (own or bureau) and not (len(checks) == 1 and checks[0].name == "read the proof"):
        proof = json.loads(Path(path).read_bytes().decode("utf-8"))
        if own:
            checks = disclosure.own_checks(proof, *own)
        elif bureau:
            try:
                clear = json.loads(Path(bureau[1]).read_bytes().decode("utf-8"))
            except (OSError, ValueError) as exc:
                print(wording.unreadable(bureau[1], f"{type(exc).__name__}: {exc}"), file=err)
                return 2
            checks = disclosure.bureau_checks(proof, bureau[0], clear)
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


def verify_arguments(args: list[str]) -> int:
    """``PROOF.json``, ``PROOF.json --own ID SALT`` or ``PROOF.json --key KEY --clear FILE``: the verdict, or 2 with the
    usage when they are none of these."""
    if len(args) == 1 and not args[0].startswith("-"):
        return verify_command(args[0])
    if len(args) == 4 and args[1] == "--own":
        return verify_command(args[0], own=(args[2], args[3]))
    if len(args) == 5 and args[1] == "--key" and args[3] == "--clear":
        return verify_command(args[0], bureau=(args[2], args[4]))
    if len(args) == 5 and args[1] == "--clear" and args[3] == "--key":
        return verify_command(args[0], bureau=(args[4], args[2]))
    print(USAGE, file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) >= 2 and args[0] == "verify":
        return verify_arguments(args[1:])
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
