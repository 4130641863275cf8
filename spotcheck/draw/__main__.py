"""``python3 -m spotcheck.draw verify PROOF.json`` — check a published draw proof with nothing but
Python's standard library; ``python3 -m spotcheck.draw bundle OUT.pyz`` — write the same verifier
as one file (a zipapp) that runs as ``python3 spotcheck-verify.pyz PROOF.json``."""
from __future__ import annotations

import sys

from spotcheck.draw.verify import verify_file

USAGE = """usage: python3 -m spotcheck.draw verify PROOF.json   check a published draw proof (spotcheck-draw/1)
       python3 -m spotcheck.draw bundle OUT.pyz      write this verifier as one file"""


def verify_command(path: str, out=None, err=None) -> int:
    """Print each check of the proof at ``path``; 0 when all hold, 1 when one fails, 2 when the file
    cannot be read as a proof."""
    out, err = out or sys.stdout, err or sys.stderr
    checks = verify_file(path)
    for check in checks:
        print(str(check), file=out)
    failed = [check for check in checks if not check.ok]
    if len(checks) == 1 and failed and checks[0].name == "read the proof":
        print(f"cannot read the proof {path}: {checks[0].detail}", file=err)
        return 2
    if failed:
        print(f"proof NOT verified: {len(failed)} of {len(checks)} checks failed", file=err)
        return 1
    print(f"proof verified: all {len(checks)} checks hold", file=out)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) == 2 and args[0] == "verify":
        return verify_command(args[1])
    if len(args) == 2 and args[0] == "bundle":
        from spotcheck.draw import bundle  # the bundle runs this module as its entry point

        data = bundle.build()
        with open(args[1], "wb") as out:
            out.write(data)
        print(f"{args[1]}: {len(data)} bytes, SHA-256 {bundle.sha256(data)}")
        return 0
    print(USAGE, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
