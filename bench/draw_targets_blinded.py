"""``python -m bench draw_targets_blinded``: :mod:`bench.draw_targets` at 1,000,000 candidates, every draw blinded
(``spotcheck-draw/3``, issue 91) — the version 3 ceremony against ``ORDER BY random()`` per stratum and against its
floor, the citizen's three checks of its proof — with what the draw keeps in the database beside it: the frame as
raw tokens and the sealed clear file (:mod:`spotcheck.tenants.campaigns.clear_store`), their sizes against the
published frame's. Results: ``bench/results/draw_targets_blinded.json``."""

from __future__ import annotations

import os

from bench import draw_targets
from bench.common import Figures, emit, save
from bench.draw_report import NOTES, figure_lines, size_note

NAME = "draw_targets_blinded"
#: Candidates (override: BENCH_BLIND_SIZE; a smaller one is a trial, kept out of RESULTS.md).
SIZE = int(os.environ.get("BENCH_BLIND_SIZE", "1000000"))
TITLE = f"Blinded target draw (spotcheck-draw/3, issue 91) at {SIZE:,}: {draw_targets.TITLE}"


def headline(r: Figures) -> str:
    """The run in one sentence: the ceremony against ORDER BY random(), what it keeps, the proof and its check."""
    ceremony, random, stored = r["ceremony"], r["random"], r["stored"]
    verifiers = r.get("verifiers", {})
    browser = verifiers.get("browser", {}).get("seconds")
    loads = [run["load_average"] for way in ("random", "ceremony") for run in r[way].get("runs", [])]
    proof = verifiers.get("proof_megabytes", r["engine"]["proof_megabytes"])
    return (
        f"Every draw blinded: the version 3 ceremony {ceremony['seconds']:.2f} s (freeze "
        f"{ceremony['freeze_seconds']:.2f} s + draw {ceremony['draw_seconds']:.2f} s) against ORDER BY random()'s "
        f"{random['seconds']:.2f} s, {ceremony['seconds'] / random['seconds']:.2f}x; the frame kept as raw tokens "
        f"({stored['frame_stored_megabytes']:.1f} MB against the published {r['engine']['frame_megabytes']:.1f} MB) "
        f"and the clear file {stored['clear_form']} ({stored['clear_megabytes']:.1f} MB); the proof {proof:.1f} MB, "
        "checked in Chromium in "
        + (f"{browser:.2f} s" if browser is not None else "(not measured)")
        + (f". Load average during the runs {min(loads):.1f}–{max(loads):.1f} on 2 CPUs." if loads else ".")
    )


def run() -> Figures:
    result = draw_targets.run_size(SIZE)
    lines = figure_lines([result])
    notes = ([headline(result)] if "stored" in result else []) + [size_note(result), *NOTES]
    out = {
        "title": TITLE,
        "sizes": [SIZE],
        "rules": draw_targets.RULES,
        "reserve_size": draw_targets.RESERVE,
        "results": [result],
        "lines": lines,
        "notes": notes,
    }
    emit(lines)
    save(NAME, out, trial=SIZE < 1_000_000)
    return out
