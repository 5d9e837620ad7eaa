"""Time the team manager's overdue work list over the whole borough.

    .venv/bin/python benchmarks/work_list.py [--repeat 20] [--rebuild]
    .venv/bin/python benchmarks/work_list.py --postgres postgres://postgres@127.0.0.1:5432

Loads the ``borough`` demo data into a scratch database (see borough_db.py), signs in as the
demo team manager and renders ``journey:work-list`` for all teams, overdue items only, through
the Django test client; also times ``journey.deadlines.open_deadlines`` over the whole
partnership on its own. Prints the row counts it ran on, then median and p95 over the runs.
Target (issue 4): under 300 ms.
"""

from __future__ import annotations

import argparse

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
    options = parser.parse_args()
    with borough(options) as url:
        setup_django(url)
        run(options.repeat, url)


def run(repeat: int, url: str) -> None:
    from django.urls import NoReverseMatch, reverse
    from django.utils import timezone

    from masa.core.calendar import ClockState
    from masa.core.models import Partnership
    from masa.journey.deadlines import Scope, open_deadlines
    from masa.journey.models import Case, Stage

    partnership = Partnership.objects.get(slug="northbury")
    today = timezone.localdate()
    deadlines = open_deadlines(Scope(partnership.pk), today=today)
    overdue = sum(d.state == ClockState.OVERDUE for d in deadlines)
    print(f"Machine: {machine(url)}")
    print(
        f"Rows: {Case.objects.count():,} cases, "
        f"{Case.objects.exclude(stage=Stage.CLOSED).count():,} open; {len(deadlines):,} open "
        f"deadlines across the borough, {overdue:,} overdue (today {today}); {repeat} runs each.\n"
    )
    table_header()
    timed(
        "open_deadlines(whole partnership)",
        lambda: open_deadlines(Scope(partnership.pk), today=today),
        repeat,
    )
    try:
        path = reverse("journey:work-list") + "?team=all&state=overdue"
    except NoReverseMatch:
        print("(journey:work-list does not exist yet: only open_deadlines timed)")
        return
    client = signed_in_client("team.manager")

    def get() -> None:
        response = client.get(path)
        assert response.status_code == 200, response.status_code

    timed("Work list, all teams, overdue (journey:work-list)", get, repeat)


if __name__ == "__main__":
    main()
