"""The cost of blinding (盲化抽取的代价, ``spotcheck-draw/3``) in the draw engine, at a city's frame of a million
candidates in one stratum: the tokens of every candidate in C and in Python (the fallback), and a version 3 target
draw — blinding the frame file at the freeze, then drawing over the tokens — beside version 1's draw of the same
frame, all in one run. The proofs' sizes are set side by side too. No database: what the ceremony adds to its
statements (:mod:`bench.draw_targets` sets those against ``ORDER BY random()``) is measured here alone."""

from __future__ import annotations

import os
import time
from collections.abc import Callable

from bench.common import Line, emit, save
from spotcheck.draw import blinding, native, proof_file, targets
from spotcheck.draw.target_frames import frame_file

TITLE = "Blinded draws (spotcheck-draw/3): the engine's cost at a million candidates"
#: Candidates in the frame (override: BENCH_BLIND_ROWS).
ROWS = int(os.environ.get("BENCH_BLIND_ROWS", "1000000"))
#: Of those, the tokens made by the Python fallback (it is slow: a share, scaled).
PYTHON_ROWS = min(ROWS, 200_000)


def _codes(n: int) -> list[str]:
    return [f"91231084MA{number:08d}" for number in range(n)]


def _best(function: Callable[[], object], runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best


def run() -> None:
    codes = _codes(ROWS)
    rows = [["SCJ", "A", code] for code in codes]
    clear = frame_file(rows)
    key, nonce = b"\x2e" * 32, b"\x5a" * 32
    rules = {"SCJ": {"A": {"ratio_bp": 300, "min": 1}}}
    inputs = ["observer:基准 1"]
    joined = "\n".join(codes).encode()

    in_c = _best(lambda: blinding.tokens_joined(key, "targets", joined)) if native.BUILT else None
    built, native.BUILT = native.BUILT, False
    try:
        share = "\n".join(codes[:PYTHON_ROWS]).encode()
        in_python = _best(lambda: blinding.tokens_joined(key, "targets", share), runs=1) * ROWS / PYTHON_ROWS
    finally:
        native.BUILT = built

    def v1() -> dict:
        return targets.draw_targets_from_file(
            campaign="基准抽〔2026〕1号",
            nonce=nonce,
            frame_file=clear,
            rules=rules,
            reserve_size=5,
            public_inputs=inputs,
        )

    blinded_file: list[bytes] = []

    def v3() -> dict:
        blinded_file[:] = [blinding.blind_frame_file(key, clear)]
        return targets.draw_targets_from_file(
            campaign="基准抽〔2026〕1号",
            nonce=nonce,
            frame_file=blinded_file[0],
            rules=rules,
            reserve_size=5,
            public_inputs=inputs,
            blind_key=key,
        )

    version_1, version_3 = _best(v1), _best(v3)
    size_1 = len(proof_file.dumps(v1(), clear))
    size_3 = len(proof_file.dumps(v3(), blinded_file[0]))
    lines: list[Line] = [
        {
            "figure_name": f"tokens of {ROWS:,} candidates, in C",
            "figure": f"{in_c:.2f} s" if in_c is not None else "not built",
            "baseline_name": "the same in Python (fallback)",
            "baseline": f"{in_python:.2f} s",
            "ratio": in_c / in_python if in_c else None,
        },
        {
            "figure_name": "version 3 draw (blind the frame, then draw)",
            "figure": f"{version_3:.2f} s",
            "baseline_name": "version 1 draw of the same frame",
            "baseline": f"{version_1:.2f} s",
            "ratio": version_3 / version_1,
        },
        {
            "figure_name": "version 3 proof",
            "figure": f"{size_3 / 1e6:.1f} MB",
            "baseline_name": "version 1 proof",
            "baseline": f"{size_1 / 1e6:.1f} MB",
            "ratio": size_3 / size_1,
        },
    ]
    emit(lines)
    save(
        "draw_blinding",
        {
            "title": TITLE,
            "rows": ROWS,
            "native_built": native.BUILT,
            "tokens_c_s": in_c,
            "tokens_python_s": in_python,
            "draw_v1_s": version_1,
            "draw_v3_s": version_3,
            "proof_v1_bytes": size_1,
            "proof_v3_bytes": size_3,
            "lines": lines,
        },
        trial=ROWS < 1_000_000,
    )
