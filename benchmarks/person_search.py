"""Time the person search on the borough: duplicate checks and typo-tolerant name searches.

    .venv/bin/python benchmarks/person_search.py [--names 50] [--database var/bench.sqlite3]

Loads ``demo_data --size borough`` into a scratch SQLite file (migrating it first; neither is
timed), or reuses ``--database`` if the borough is already in it. Then, in this process, for
50 children picked with a fixed seed, each with one typing slip in the first or last name
(a letter doubled, dropped or swapped), it times:

- the duplicate check that runs when a child is recorded (``likely_duplicates``: the same
  NHS number, or a similar name and the same date of birth, across the partnership), with the
  name mistyped as a practitioner might;
- the children page's name search (``search_children``) for the same mistyped name, as a
  social worker who can see every local authority child: the first page of 200 and the count.

It prints the row counts and the median, 95th percentile and slowest time of each, and writes
every timing to var/benchmarks/person_search.json (change with ``--output``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median, quantiles

ROOT = Path(__file__).resolve().parents[1]
MANAGE = ROOT / "manage.py"
SETTINGS = "masa.config.settings.local"


def manage(database: Path, *args: str) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SETTINGS_MODULE": SETTINGS,
    }
    subprocess.run(  # noqa: S603 - our own interpreter and manage.py, fixed arguments
        [sys.executable, str(MANAGE), *args], env=env, capture_output=True, text=True, check=True
    )


def load_borough(database: Path) -> None:
    if database.exists():
        with sqlite3.connect(database) as db:
            found = db.execute(
                "SELECT COUNT(*) FROM sqlite_master WHERE name = 'people_personsearchkey'"
            ).fetchone()[0]
            if found and db.execute("SELECT COUNT(*) FROM people_child").fetchone()[0] > 30_000:
                return
    manage(database, "migrate", "--noinput", "-v0")
    manage(database, "demo_data", "--size", "borough", "--reset")


def mistyped(rng: random.Random, name: str) -> str:
    """One slip: a letter doubled, dropped or swapped with the next (never the first)."""
    if len(name) < 4:
        return name + name[-1]
    while True:
        i = rng.randint(1, len(name) - 2)
        slip = rng.choice(("double", "drop", "swap"))
        if slip == "double":
            typed = name[: i + 1] + name[i:]
        elif slip == "drop":
            typed = name[:i] + name[i + 1 :]
        else:
            typed = name[:i] + name[i + 1] + name[i] + name[i + 2 :]
        if typed != name:  # swapping a doubled letter changes nothing
            return typed


def milliseconds(timings: list[float]) -> dict[str, float]:
    ms = sorted(t * 1000 for t in timings)
    return {
        "median": round(median(ms), 1),
        "p95": round(quantiles(ms, n=20)[-1], 1),
        "max": round(ms[-1], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--names", type=int, default=50)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database", type=Path, default=None)
    parser.add_argument("--output", type=Path, default=ROOT / "var/benchmarks/person_search.json")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="masa-bench-") as tmp:
        database = options.database or Path(tmp) / "bench.sqlite3"
        started = time.perf_counter()
        load_borough(database)
        print(f"Borough ready in {time.perf_counter() - started:.0f} s ({database})")
        results = run(database, options.names, options.seed)
    options.output.parent.mkdir(parents=True, exist_ok=True)
    options.output.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nWrote {options.output}")


def run(database: Path, count: int, seed: int) -> dict[str, object]:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from masa.core.models import User
    from masa.people.models import Address, Child, PersonSearchKey
    from masa.people.selectors import likely_duplicates, search_children

    creator = User.objects.select_related("agency").get(username="mash.police")
    worker = User.objects.select_related("agency").get(username="social.worker")
    rng = random.Random(seed)
    ids = list(
        Child.objects.filter(date_of_birth__isnull=False, merged_into__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    picked = list(Child.objects.filter(pk__in=rng.sample(ids, count)).order_by("pk"))
    # One slip per name, in the first name for half of them and the last name for the rest.
    typed = [
        (c, mistyped(rng, c.first_name), c.last_name)
        if i % 2
        else (c, c.first_name, mistyped(rng, c.last_name))
        for i, c in enumerate(picked)
    ]

    def duplicates(child: Child, first: str, last: str) -> int:
        found = likely_duplicates(
            creator,
            first_name=first,
            last_name=last,
            date_of_birth=child.date_of_birth,
            nhs_number=child.nhs_number,
        )
        return len(found.visible) + found.hidden_count

    def name_search(child: Child, first: str, last: str) -> int:
        results = search_children(worker, f"{first} {last}")
        list(results[:200])
        return results.count()

    timings: dict[str, list[float]] = {"duplicate check": [], "name search": []}
    found: dict[str, list[int]] = {"duplicate check": [], "name search": []}
    missed = 0
    for operation, call in (("duplicate check", duplicates), ("name search", name_search)):
        call(*typed[0])  # warm the page cache and the query plan
        for child, first, last in typed:
            started = time.perf_counter()
            hits = call(child, first, last)
            timings[operation].append(time.perf_counter() - started)
            found[operation].append(hits)
    for child, first, last in typed:
        if child.pk not in [c.pk for c in search_children(worker, f"{first} {last}")[:200]]:
            missed += 1

    counts = {
        "children": Child.objects.count(),
        "search_keys": PersonSearchKey.objects.count(),
        "addresses": Address.objects.count(),
    }
    print(
        f"\n{counts['children']:,} children, {counts['search_keys']:,} search keys, "
        f"{counts['addresses']:,} addresses; {count} mistyped names "
        f"(e.g. {typed[0][0].full_name} typed as {typed[0][1]} {typed[0][2]})\n"
    )
    print("| Operation | Median (ms) | 95th percentile (ms) | Slowest (ms) | Rows found, median |")
    print("|---|---:|---:|---:|---:|")
    summary = {}
    for operation, values in timings.items():
        stats = milliseconds(values)
        summary[operation] = stats
        print(
            f"| {operation} | {stats['median']} | {stats['p95']} | {stats['max']} "
            f"| {median(found[operation]):.0f} |"
        )
    print(f"\nThe child typed was in the first 200 results {count - missed} times of {count}.")
    return {
        "machine": {
            "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version,
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
        },
        "rows": counts,
        "summary": summary,
        "timings_seconds": timings,
        "rows_found": found,
        "missed": missed,
    }


if __name__ == "__main__":
    main()
