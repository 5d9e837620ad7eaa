"""Time the indicators: the whole catalogue for one year and for ten, and the dashboard page.

    .venv/bin/python benchmarks/indicators.py                      # SQLite borough (borough_db)
    .venv/bin/python benchmarks/indicators.py --postgres postgres://postgres@127.0.0.1:5432
    .venv/bin/python benchmarks/indicators.py --database-url sqlite:////path/to/masa.sqlite3

With ``--database-url`` (or ``DATABASE_URL`` set) it runs on that database as it is, for example
the borough the lead loaded or a small demo; otherwise it loads the ``borough`` demo data into a
scratch database through ``borough_db.py``. Unless ``--no-published`` is given it loads the DfE's
published figures first (``load_published_figures``, default folder, compared with Wigan),
so the dashboard shows comparators as in the demo.

Timed, in process (median and p95 over ``--repeat`` runs after two warm-ups):

- ``selectors.figures`` for the last whole DfE year: every measure, uncached. Target < 2 s.
- ``selectors.figures_for_periods`` for the last ten DfE years, uncached. Target < 10 s.
- the dashboard page (``indicators:dashboard``) as the demo data analyst, the first time (cold:
  computes) and then again (the figures from the cache, comparators read). Target < 500 ms
  after the first computation.
- the fingerprint the cache is keyed on (one aggregate query per source table).
"""

from __future__ import annotations

import argparse
import os
import time
from contextlib import nullcontext

from borough_db import (
    add_arguments,
    borough,
    machine,
    setup_django,
    signed_in_client,
    table_header,
    timed,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--no-published", action="store_true")
    parser.add_argument("--partnership", default="northbury")
    parser.add_argument("--user", default="data.analyst")
    options = parser.parse_args()
    if options.repeat == 20:
        options.repeat = 5  # the uncached computations take seconds each
    context = nullcontext(options.database_url) if options.database_url else borough(options)
    with context as url:
        setup_django(url)
        run(options, url)


def run(options: argparse.Namespace, url: str) -> None:
    from django.core.cache import cache as django_cache
    from django.core.management import call_command
    from django.urls import reverse
    from django.utils import timezone

    from masa.core.models import Partnership
    from masa.frontdoor.models import Contact, Referral
    from masa.indicators import cache, selectors
    from masa.indicators.load_published import published_data_dir
    from masa.indicators.models import PublishedFigure
    from masa.indicators.periods import financial_year, financial_year_of
    from masa.people.models import Child
    from masa.protection.models import ChildProtectionPlan

    partnership = Partnership.objects.get(slug=options.partnership)
    if not options.no_published and published_data_dir() is not None:
        started = time.perf_counter()
        call_command(
            "load_published_figures",
            "--compare-with",
            "359",
            "--partnership",
            partnership.slug,
            stdout=open(os.devnull, "w"),  # noqa: SIM115 - the report is not wanted here
        )
        print(f"Published figures loaded in {time.perf_counter() - started:.1f} s")
    last = financial_year_of(timezone.localdate()) - 1
    year = financial_year(last)
    ten = [financial_year(last - back) for back in range(10)]
    print(f"Machine: {machine(url)}")
    print(
        f"Rows: {Child.objects.count():,} children, {Contact.objects.count():,} contacts, "
        f"{Referral.objects.count():,} referrals, {ChildProtectionPlan.objects.count():,} "
        f"child protection plans; {PublishedFigure.objects.count():,} published figures. "
        f"Year {year.label}; ten years {ten[-1].label} to {ten[0].label}; "
        f"{options.repeat} runs each.\n"
    )
    table_header()
    timed(
        f"Whole catalogue, {year.label} (selectors.figures, uncached)",
        lambda: selectors.figures(partnership.pk, year),
        options.repeat,
    )
    timed(
        "Whole catalogue, ten years (figures_for_periods, uncached)",
        lambda: selectors.figures_for_periods(partnership.pk, ten),
        options.repeat,
    )
    timed("Cache fingerprint (cache.data_fingerprint)", cache.data_fingerprint, options.repeat)

    client = signed_in_client(options.user)
    path = reverse("indicators:dashboard")

    def get() -> None:
        response = client.get(path)
        assert response.status_code == 200, response.status_code

    django_cache.clear()
    started = time.perf_counter()
    get()
    cold = (time.perf_counter() - started) * 1000
    print(f"| Dashboard, first computation (cold cache) | {cold:.0f} | | | | |")
    timed("Dashboard after the first computation (indicators:dashboard)", get, options.repeat * 4)
    measure = reverse("indicators:measure", args=["re_referrals"])

    def get_measure() -> None:
        response = client.get(measure)
        assert response.status_code == 200, response.status_code

    timed(
        "Measure page after the first computation (re_referrals)", get_measure, options.repeat * 4
    )


if __name__ == "__main__":
    main()
