"""``python -m bench [import_entities] [directory_search] [draw_targets] [draw_targets_blinded] [draw_inspectors]
[joint_draw] [public_search] [notices_pdf] [export_results] [supervision_dashboard] [city_year]``: run the
benchmarks (all by default), print each figure beside its baseline with the ratio, and write
``bench/results/<name>.json`` and ``bench/RESULTS.md``. Needs the local PostgreSQL (``SPOTCHECK_BENCH_DATABASE_URL``,
else ``SPOTCHECK_TEST_DATABASE_URL``, else ``postgresql://localhost/test``); ``joint_draw`` (the joint campaign's
coordinated target draw against five separate draws) runs on the draw engine alone; ``city_year`` (a simulated year of a
city of 40 departments, each step and each role's pages against its budget) also needs Redis (``BENCH_CITY_REDIS_URL``,
default ``redis://127.0.0.1:6379/5``) for its Celery worker, and ``BENCH_CITY_SCALE=0.05`` is its quick version.

``python -m bench suite [--from PATH]`` (not one of the benchmarks run by default) times ``make test-fast`` and
``make test`` on a fresh clone, each beside its budget (:mod:`bench.suite`).

``python -m bench province [--rebuild]`` (not run by default either) measures a province's size: 3,000 departments,
10,000,000 businesses, 1,000,000 visits (:mod:`bench.province`); its world is built once into the database
``bench_province`` and reused (``--rebuild``: built anew; ``BENCH_PROVINCE_ENTITIES`` / ``BENCH_PROVINCE_VISITS``
and ``BENCH_PROVINCE_DATABASE`` for a trial of another size).

``python -m bench business_record`` (not run by default either) measures a business's own record (``/business``)
with 50 checks by departments of three levels, 50 businesses reading theirs at once, in a copy of that kept world
(:mod:`bench.business_record`)."""

from __future__ import annotations

import os
import sys

os.environ.setdefault("SPOTCHECK_ENV", "testing")

from bench import (
    business_record,
    city_year,
    directory_search,
    draw_blinding,
    draw_inspectors,
    draw_targets,
    draw_targets_blinded,
    export_results,
    import_entities,
    joint_draw,
    notices_pdf,
    province,
    public_search,
    suite,
    supervision_dashboard,
)

BENCHMARKS = {
    "import_entities": import_entities,
    "directory_search": directory_search,
    "draw_targets": draw_targets,
    "draw_targets_blinded": draw_targets_blinded,
    "draw_inspectors": draw_inspectors,
    "draw_blinding": draw_blinding,
    "joint_draw": joint_draw,
    "public_search": public_search,
    "notices_pdf": notices_pdf,
    "export_results": export_results,
    "supervision_dashboard": supervision_dashboard,
    "city_year": city_year,
}


def main(argv: list[str]) -> int:
    if argv[:1] == ["suite"]:
        return suite.run(argv[1:])
    if argv[:1] == ["province"]:
        return province.main(argv[1:])
    if argv[:1] == ["business_record"]:
        print(f"\n== {business_record.TITLE} ==", flush=True)
        business_record.run()
        return 0
    names = argv or list(BENCHMARKS)
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}", file=sys.stderr)
        return 2
    for name in names:
        module = BENCHMARKS[name]
        print(f"\n== {module.TITLE} ==", flush=True)
        module.run()
    print("\nresults: bench/results/*.json, bench/RESULTS.md")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
