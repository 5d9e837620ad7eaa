"""A scratch database holding the ``borough`` demo data, for the page benchmarks.

    from borough_db import Borough  (scripts in this folder put it on the path)

SQLite: a file under var/benchmarks/ (kept between runs; ``--rebuild`` starts again).
PostgreSQL: ``--postgres postgres://postgres@127.0.0.1:5432`` creates the scratch database
``masa_bench_borough`` (never ``masa``), loads it, and drops it at the end unless ``--keep``.
Loading runs ``manage.py migrate`` and ``manage.py demo_data --size borough`` in a new process.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SQLITE_FILE = ROOT / "var/benchmarks/borough.sqlite3"
SCRATCH_DB = "masa_bench_borough"
SETTINGS = "masa.config.settings.local"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--postgres", metavar="URL", help="server URL, without a database name")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL scratch database")
    parser.add_argument(
        "--reuse", action="store_true", help="use a kept PostgreSQL scratch database as it is"
    )
    parser.add_argument("--rebuild", action="store_true", help="reload the SQLite borough")
    parser.add_argument("--repeat", type=int, default=20)


def _manage(url: str, *args: str) -> float:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": SETTINGS}
    started = time.perf_counter()
    subprocess.run(  # noqa: S603 - our own interpreter and manage.py, fixed arguments
        [sys.executable, str(ROOT / "manage.py"), *args], env=env, check=True,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    return time.perf_counter() - started


def _psql(server: str, sql: str) -> list[tuple[object, ...]]:
    import psycopg

    with psycopg.connect(f"{server.rstrip('/')}/postgres", autocommit=True) as conn:
        cursor = conn.execute(sql)
        return cursor.fetchall() if cursor.description else []


@contextmanager
def borough(options: argparse.Namespace) -> Iterator[str]:
    """Yield a DATABASE_URL holding the borough, loading it first if needed."""
    if options.postgres:
        server = options.postgres.rstrip("/")
        url = f"{server}/{SCRATCH_DB}"
        exists = _psql(server, f"SELECT 1 FROM pg_database WHERE datname = '{SCRATCH_DB}'")  # noqa: S608
        try:
            if not (options.reuse and exists):
                _psql(server, f"DROP DATABASE IF EXISTS {SCRATCH_DB}")
                _psql(server, f"CREATE DATABASE {SCRATCH_DB}")
                _load(url)
            yield url
        finally:
            if not options.keep:
                from django.db import connections

                connections.close_all()
                _psql(server, f"DROP DATABASE IF EXISTS {SCRATCH_DB}")
        return
    if options.rebuild and SQLITE_FILE.exists():
        SQLITE_FILE.unlink()
    url = f"sqlite:///{SQLITE_FILE}"
    if not SQLITE_FILE.exists():
        SQLITE_FILE.parent.mkdir(parents=True, exist_ok=True)
        _load(url)
    yield url


def _load(url: str) -> None:
    print("Loading the borough (migrate, demo_data --size borough)...", flush=True)
    migrate = _manage(url, "migrate", "--noinput", "-v0")
    load = _manage(url, "demo_data", "--size", "borough")
    print(f"  migrated in {migrate:.1f} s, loaded in {load:.1f} s (wall time)", flush=True)


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def signed_in_client(username: str):  # type: ignore[no-untyped-def]
    """A test client signed in with password and second factor, as after a real sign-in."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from masa.core.models import User

    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def timed(label: str, action: Callable[[], object], repeat: int) -> dict[str, float]:
    """Run ``action`` twice to warm up, then ``repeat`` times; print median, p95 and queries."""
    from django.db import connection

    for _ in range(2):
        action()
    times = []
    # Counted with a wrapper: the test client's request_started signal resets the query log.
    queries: list[str] = []

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        action()
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    result = {"median_ms": statistics.median(times), "p95_ms": p95, "queries": len(queries)}
    print(
        f"| {label} | {result['median_ms']:.0f} | {p95:.0f} | {min(times):.0f} "
        f"| {max(times):.0f} | {len(queries)} |"
    )
    return result


def machine(url: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("select sqlite_version()")
            db = f"SQLite {cursor.fetchone()[0]}"
        else:
            cursor.execute("show server_version")
            db = f"PostgreSQL {cursor.fetchone()[0]}"
    return (
        f"{time.strftime('%Y-%m-%d')}, {os.cpu_count()} CPUs, {platform.machine()}, "
        f"Python {platform.python_version()}, {db}"
    )


def table_header() -> None:
    print("| What | Median (ms) | p95 (ms) | Min (ms) | Max (ms) | Queries |")
    print("|---|---:|---:|---:|---:|---:|")
