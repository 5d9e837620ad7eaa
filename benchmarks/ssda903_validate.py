"""Time reading and validating a synthetic SSDA903 return (all tables).

    .venv/bin/python benchmarks/ssda903_validate.py [--children 5000] [--year 2024/25] [--repeat 3]

Generates a valid-ish return of N children (``masa.returns.ssda903.synthetic``: episodes,
reviews, missing, OC2, OC3, UASC, AD1, placed for adoption, previous permanence and social
worker episodes where the year has them) as the DfE's CSV files in a temporary folder, then
reads and validates it with every rule for the year. Prints the rows per table, seconds for
reading and for validating (median of the runs) and the peak memory: Python allocations traced
by tracemalloc in one extra run, and the process's maximum resident size. Target (issue 5):
5,000 children in under 5 s, peak memory under 500 MB.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from masa.returns.ssda903 import label, parse_year, read_return, validate
from masa.returns.ssda903.synthetic import synthetic_return, write_csv_files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=5000)
    parser.add_argument("--year", default="2024/25")
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    year = parse_year(options.year)

    with tempfile.TemporaryDirectory() as folder:
        rows = synthetic_return(options.children, year.year)
        write_csv_files(rows, Path(folder), year.year)
        size = sum(p.stat().st_size for p in Path(folder).iterdir())
        counts = ", ".join(f"{name} {len(r):,}" for name, r in rows.items())
        print(f"SSDA903 {label(year.year)}, {options.children:,} children ({size / 1e6:.1f} MB)")
        print(f"Rows: {counts}")

        reads, checks, totals = [], [], []
        findings = 0
        for _ in range(options.repeat):
            started = time.perf_counter()
            result = read_return([folder], year)
            read_done = time.perf_counter()
            outcome = validate(result.data, la_code="359")
            done = time.perf_counter()
            reads.append(read_done - started)
            checks.append(done - read_done)
            totals.append(done - started)
            findings = len(outcome.findings)
        tracemalloc.start()
        validate(read_return([folder], year).data, la_code="359")
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux
    print(
        f"{len(outcome.ran)} rules ran; {findings} findings. Median of {options.repeat}: "
        f"read {statistics.median(reads):.2f} s, validate {statistics.median(checks):.2f} s, "
        f"total {statistics.median(totals):.2f} s"
    )
    print(f"Peak memory: {peak / 1e6:.0f} MB traced by tracemalloc; {rss:.0f} MB max resident")


if __name__ == "__main__":
    main()
