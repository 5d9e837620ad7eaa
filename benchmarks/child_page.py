"""Time the child page and the chronology page of the child with the longest chronology.

    .venv/bin/python benchmarks/child_page.py [--repeat 20] [--rebuild]
    .venv/bin/python benchmarks/child_page.py --postgres postgres://postgres@127.0.0.1:5432

Loads the ``borough`` demo data into a scratch database (see borough_db.py), signs in as the
demo social worker and renders, through the Django test client, the full child page
(``people:child-detail``) and the chronology page (``journey:chronology``) of the child whose
chronology is longest among the children the social worker may see. Prints the row counts it
ran on, then median and p95 over the runs. Target (issue 4): under 150 ms.
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
    from django.db.models import Count
    from django.urls import NoReverseMatch, reverse

    from masa.core.models import User
    from masa.journey.models import Case, ChronologyEntry
    from masa.people.models import Child
    from masa.people.selectors import children_visible_to

    worker = User.objects.get(username="social.worker")
    visible = children_visible_to(worker).values("pk")
    longest = (
        ChronologyEntry.objects.filter(child_id__in=visible)
        .values("child_id")
        .annotate(n=Count("id"))
        .order_by("-n", "child_id")
        .first()
    )
    assert longest is not None, "no chronology: is the journey domain loaded?"
    child = Child.objects.get(pk=longest["child_id"])
    first = ChronologyEntry.objects.filter(child=child).order_by("occurred_on").first()
    print(f"Machine: {machine(url)}")
    print(
        f"Rows: {Child.objects.count():,} children, {ChronologyEntry.objects.count():,} "
        f"chronology entries, {Case.objects.count():,} cases. Child {child.pk} has "
        f"{longest['n']:,} entries since {first.occurred_on if first else '-'} "
        f"({Case.objects.filter(child=child).count()} cases); {repeat} runs each.\n"
    )
    client = signed_in_client("social.worker")
    table_header()
    pages = [("Child page (people:child-detail)", reverse("people:child-detail", args=[child.pk]))]
    try:
        pages.append(
            ("Chronology (journey:chronology)", reverse("journey:chronology", args=[child.pk]))
        )
    except NoReverseMatch:
        print("(journey:chronology does not exist yet: not timed)")
    for label, url_path in pages:

        def get(path: str = url_path) -> None:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)

        timed(label, get, repeat)


if __name__ == "__main__":
    main()
