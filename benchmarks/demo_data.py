"""Time ``manage.py demo_data`` at each size on a fresh SQLite file database.

    .venv/bin/python benchmarks/demo_data.py [--sizes small borough] [--repeat 3]

Each run migrates a new database file in a temporary directory (not timed), then times the
command as a person running it would wait for it (a new process, so Django start-up counts),
alongside the generator's own time as the command reports it. Results are printed as a
Markdown table and written as JSON (default var/benchmarks/demo_data.json).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parents[1]
MANAGE = ROOT / "manage.py"
SETTINGS = "masa.config.settings.local"  # what `make demo` uses: Argon2 passwords, SQLite file
REPORTED = re.compile(r"in ([0-9.]+) s")


def manage(database: Path, *args: str) -> tuple[float, str]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SETTINGS_MODULE": SETTINGS,
    }
    started = time.perf_counter()
    result = subprocess.run(  # noqa: S603 - our own interpreter and manage.py, fixed arguments
        [sys.executable, str(MANAGE), *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return time.perf_counter() - started, result.stdout


@dataclass(frozen=True)
class Run:
    size: str
    seed: int
    wall_seconds: float
    generator_seconds: float | None
    migrate_seconds: float
    children: int
    involvements: int
    database_mb: float


def run_once(size: str, seed: int) -> Run:
    with tempfile.TemporaryDirectory(prefix="masa-bench-") as tmp:
        database = Path(tmp) / "bench.sqlite3"
        migrate_seconds, _ = manage(database, "migrate", "--noinput", "-v0")
        wall, output = manage(database, "demo_data", "--size", size, "--seed", str(seed))
        reported = REPORTED.search(output)
        with sqlite3.connect(database) as db:
            children = db.execute("SELECT COUNT(*) FROM people_child").fetchone()[0]
            involvements = db.execute("SELECT COUNT(*) FROM people_agencyinvolvement").fetchone()[0]
        return Run(
            size=size,
            seed=seed,
            wall_seconds=round(wall, 2),
            generator_seconds=float(reported.group(1)) if reported else None,
            migrate_seconds=round(migrate_seconds, 2),
            children=children,
            involvements=involvements,
            database_mb=round(database.stat().st_size / 1_000_000, 1),
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["small", "borough"])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--output", type=Path, default=ROOT / "var/benchmarks/demo_data.json")
    options = parser.parse_args()

    runs = [run_once(size, options.seed) for size in options.sizes for _ in range(options.repeat)]
    results = {
        "machine": {
            "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version,
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
        },
        "runs": [asdict(run) for run in runs],
    }
    options.output.parent.mkdir(parents=True, exist_ok=True)
    options.output.write_text(json.dumps(results, indent=2) + "\n")

    print("| Size | Children | Involvements | Wall time, median (s) | Generator (s) | DB (MB) |")
    print("|---|---:|---:|---:|---:|---:|")
    for size in options.sizes:
        mine = [run for run in runs if run.size == size]
        walls = sorted(run.wall_seconds for run in mine)
        generator = sorted(run.generator_seconds or 0.0 for run in mine)
        print(
            f"| {size} | {mine[0].children:,} | {mine[0].involvements:,} "
            f"| {median(walls):.1f} (min {walls[0]:.1f}, max {walls[-1]:.1f}) "
            f"| {median(generator):.1f} | {mine[0].database_mb} |"
        )
    print(f"\nWrote {options.output}")


if __name__ == "__main__":
    main()
