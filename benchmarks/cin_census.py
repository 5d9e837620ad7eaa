"""Time the CIN census export, the census check and the Annex A workbook on the borough.

    .venv/bin/python benchmarks/cin_census.py [--repeat 3] [--rebuild]
    .venv/bin/python benchmarks/cin_census.py --postgres postgres://postgres@127.0.0.1:5432

Loads the ``borough`` demo data into a scratch database (see borough_db.py: ten years of
casework, about 3,500 referrals a year) and times, for the last completed census year and the
year in progress:

- building the year's census records from the live records (``census_children``), with the
  number of queries (it must not grow with the children);
- the whole export service: records, XML in the year's layout, the schema check, the audit;
- reading the exported file back and validating it (schema, return-level and every DfE rule);
- the Annex A workbook for an inspection on the demo's "today".

Prints the row counts it ran on, then median and p95 over the runs.
"""

from __future__ import annotations

import argparse

from borough_db import add_arguments, borough, machine, setup_django, table_header, timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser)
    parser.set_defaults(repeat=3)
    options = parser.parse_args()
    with borough(options) as url:
        setup_django(url)
        run(options.repeat, url)


def run(repeat: int, url: str) -> None:
    from masa.core.calendar import working_day_calendar
    from masa.core.models import Partnership
    from masa.demo.factories.base import REFERENCE_DATE
    from masa.returns.annex_a import annex_a_exported
    from masa.returns.cin.export import census_children, cin_census_exported
    from masa.returns.cin.xml_read import validate_file
    from masa.returns.cin.xsd import label
    from masa.returns.cin.years import CollectionYear

    partnership = Partnership.objects.get(slug="northbury")
    calendar = working_day_calendar()
    current = CollectionYear.of(REFERENCE_DATE).year
    print(f"Machine: {machine(url)}")
    sizes = []
    exports = {}
    for year in (current - 1, current):
        export = cin_census_exported(
            partnership=partnership, year=year, actor=None, actor_label="benchmark", la_code="359"
        )
        exports[year] = export
        sizes.append(
            f"{label(year)}: {export.children:,} children, {export.episodes:,} episodes, "
            f"{len(export.content) / 1e6:.1f} MB"
        )
    print("Census years: " + "; ".join(sizes) + f". {repeat} runs each.\n")
    table_header()
    for year, export in exports.items():
        timed(
            f"census_children {label(year)}",
            lambda year=year: census_children(partnership.pk, year, calendar=calendar),
            repeat,
        )
        timed(
            f"export service {label(year)} (records, XML, schema check, audit)",
            lambda year=year: cin_census_exported(
                partnership=partnership, year=year, actor=None, actor_label="benchmark",
                la_code="359",
            ),
            repeat,
        )  # fmt: skip
        timed(
            f"check the exported file {label(year)} (schema and every rule)",
            lambda export=export: validate_file(
                export.content, source="census.xml", calendar=calendar
            ),
            repeat,
        )
    timed(
        f"Annex A workbook for {REFERENCE_DATE:%d %B %Y}",
        lambda: annex_a_exported(
            partnership=partnership, inspection=REFERENCE_DATE, actor=None, actor_label="benchmark"
        ),
        repeat,
    )


if __name__ == "__main__":
    main()
