"""Time importing a 5,000-child SSDA903 return into masa's records and exporting it again.

    .venv/bin/python benchmarks/ssda903_import_export.py [--children 5000] [--year 2024/25]
    .venv/bin/python benchmarks/ssda903_import_export.py --database postgres://postgres@127.0.0.1:5432/masa_bench_903

Generates a synthetic return of N children with every table of the year
(``masa.returns.ssda903.synthetic``) as the DfE's CSV files, then, on a fresh database (SQLite
file in a temporary folder by default; a PostgreSQL URL is created if missing and dropped
afterwards unless --keep), migrated before timing:

1. **import**: read the files, validate them with every rule of the year, plan the import
   (match 903 CHILD and UPN, work out creates and updates) and write it in one transaction
   (what ``masa.care.import903.import_return`` does, timed phase by phase), then the same
   files again (nothing changes);
2. **export**: build the year's tables from the records and write the CSV files and the XML.

Prints seconds per phase (and the CPU seconds, since on a shared machine the wall time includes
waiting for a core) and the peak memory: the process's maximum resident size, and the
Python allocations tracemalloc traced over a second import and export. Targets (issue 5): import
and validate under 5 s, export under 5 s, peak memory under 500 MB.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _postgres(url: str, *, drop: bool = False) -> None:
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if drop and exists:
            conn.execute(f'DROP DATABASE "{name}"')
        elif not drop and not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "masa.config.settings.local"
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def timed(action: Callable[[], Any]) -> tuple[Any, float, float]:
    """The result, the seconds it took and the CPU seconds this process used meanwhile (on a
    shared machine the wall time includes waiting for a core)."""
    started, cpu = time.perf_counter(), time.process_time()
    result = action()
    return result, time.perf_counter() - started, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=5000)
    parser.add_argument("--year", default="2024/25")
    parser.add_argument("--database", help="DATABASE_URL (default: a new SQLite file)")
    parser.add_argument("--keep", action="store_true", help="keep a PostgreSQL database")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        url = options.database or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        postgres = url.startswith("postgres")
        if postgres:
            _postgres(url)
        try:
            run(options, url, Path(folder))
        finally:
            if postgres and not options.keep:
                from django.db import connections

                connections.close_all()
                _postgres(url, drop=True)


def run(options: argparse.Namespace, url: str, folder: Path) -> None:
    setup(url)
    from django.db import connection, transaction

    from masa.care.export903 import csv_files, xml_bytes
    from masa.care.import903 import apply_plan, plan_import
    from masa.care.returns903 import tables_for_year
    from masa.core.models import Agency, AgencyKind, Partnership, Team
    from masa.returns.ssda903 import label, parse_year, read_return, validate
    from masa.returns.ssda903.synthetic import synthetic_return, write_csv_files

    year = parse_year(options.year)
    partnership, _ = Partnership.objects.get_or_create(
        slug="bench903", defaults={"name": "Benchmark Partnership", "short_name": "Bench"}
    )
    agency, _ = Agency.objects.get_or_create(
        partnership=partnership, name="Benchmark council", kind=AgencyKind.LOCAL_AUTHORITY
    )
    team, _ = Team.objects.get_or_create(agency=agency, name="Children in care")

    files = folder / "return"
    rows = synthetic_return(options.children, year.year)
    write_csv_files(rows, files, year.year)
    size = sum(p.stat().st_size for p in files.iterdir())
    print(
        f"SSDA903 {label(year.year)}, {options.children:,} children ({size / 1e6:.1f} MB); "
        f"{connection.vendor} {connection.Database.sqlite_version if connection.vendor == 'sqlite' else connection.pg_version}; "  # noqa: E501
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs"
    )
    print("Rows: " + ", ".join(f"{name} {len(r):,}" for name, r in rows.items()))

    def do_import() -> tuple[dict[str, Any], dict[str, tuple[float, float]]]:
        """What ``import_return`` does, phase by phase, in one transaction."""
        phases: dict[str, tuple[float, float]] = {}
        with transaction.atomic():
            read, *phases["read"] = timed(lambda: read_return([files], year))
            assert not read.errors, read.errors
            checked, *phases["validate"] = timed(lambda: validate(read.data))
            plan, *phases["plan"] = timed(
                lambda: plan_import(read.data, partnership, checked.findings)
            )
            result, *phases["write"] = timed(
                lambda: apply_plan(plan, team=team, actor=None, actor_label="bench")
            )
        return result.summary, phases

    def show(title: str, phases: dict[str, tuple[float, float]]) -> float:
        total = sum(wall for wall, _ in phases.values())
        cpu = sum(c for _, c in phases.values())
        detail = ", ".join(f"{name} {wall:.2f}" for name, (wall, _) in phases.items())
        print(f"{title}: {total:.2f} s ({cpu:.2f} s CPU): {detail}")
        return total

    summary, phases = do_import()
    import_seconds = show("Import (read, validate, plan, write)", phases)
    print(
        f"  {len(summary['create']):,} children created, {len(summary['refused']):,} refused; "
        + ", ".join(f"{t} {c['created']:,}" for t, c in summary["tables"].items())
    )
    again, phases = do_import()
    show("Import again (nothing changes)", phases)
    print(f"  {len(again['unchanged']):,} unchanged, {len(again['update'])} updated")

    def do_export() -> tuple[int, int]:
        tables = tables_for_year(partnership.pk, year.year)
        csv_size = sum(len(content) for content in csv_files(tables).values())
        return csv_size, len(xml_bytes(tables))

    (csv_size, xml_size), export_seconds, export_cpu = timed(do_export)
    print(
        f"Export (tables, CSV files and XML): {export_seconds:.2f} s ({export_cpu:.2f} s CPU) "
        f"-> CSV {csv_size / 1e6:.1f} MB, XML {xml_size / 1e6:.1f} MB"
    )

    tracemalloc.start()
    do_import()
    do_export()
    _, traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux
    print(
        f"Peak memory: {rss:.0f} MB max resident (whole process); {traced / 1e6:.0f} MB traced "
        "by tracemalloc over a second import and export"
    )
    verdict = "met" if import_seconds < 5 and export_seconds < 5 and rss < 500 else "MISSED"
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    print(f"Targets (import < 5 s, export < 5 s, < 500 MB): {verdict}; load average {load}")


if __name__ == "__main__":
    main()
