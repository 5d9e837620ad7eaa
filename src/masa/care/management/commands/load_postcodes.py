"""Load postcode centroids from an ONS Postcode Directory CSV (columns pcds, lat, long, oslaua).

    manage.py load_postcodes ONSPD_FEB_2026_UK.csv

The file is read as a stream and written in chunks of 5,000 rows with ``bulk_create`` (a postcode
already held is updated), so the whole directory (2.7 million rows) loads in constant memory.
Postcodes without a location (the ONS gives them latitude 99.999999) are skipped: their distance
stays "unknown", never guessed.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from masa.care.distance import normalise_postcode
from masa.care.models import PostcodeCentroid

BATCH = 5_000
REQUIRED = ("pcds", "lat", "long", "oslaua")
NO_LOCATION = Decimal("99.999999")


def centroids(path: Path, source: str) -> Iterator[PostcodeCentroid | None]:
    """One centroid per usable row; None for a row without a location."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [name for name in REQUIRED if name not in (reader.fieldnames or [])]
        if missing:
            raise CommandError(
                f"{path.name} is not an ONS Postcode Directory CSV: it has no "
                f"{', '.join(missing)} column{'s' if len(missing) > 1 else ''}"
            )
        for line, row in enumerate(reader, start=2):
            try:
                latitude, longitude = Decimal(row["lat"]), Decimal(row["long"])
            except InvalidOperation as error:
                raise CommandError(
                    f"{path.name}, line {line}: latitude or longitude is not a number"
                ) from error
            postcode = normalise_postcode(row["pcds"])
            if not postcode or latitude == NO_LOCATION or len(postcode) > 8:
                yield None
                continue
            yield PostcodeCentroid(
                postcode=postcode,
                latitude=latitude.quantize(Decimal("0.000001")),
                longitude=longitude.quantize(Decimal("0.000001")),
                local_authority_code=(row["oslaua"] or "").strip()[:9],
                source=source,
            )


class Command(BaseCommand):
    help = "Load postcode centroids from an ONS Postcode Directory CSV (pcds, lat, long, oslaua)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--source", default="", help="Recorded with each postcode")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        source = (options["source"] or f"ONS Postcode Directory ({path.name})")[:80]
        loaded = skipped = 0
        batch: list[PostcodeCentroid] = []

        def flush() -> None:
            # One statement per chunk; a postcode already held takes the new values.
            with transaction.atomic():
                PostcodeCentroid.objects.bulk_create(
                    batch,
                    batch_size=BATCH,
                    update_conflicts=True,
                    unique_fields=["postcode"],
                    update_fields=["latitude", "longitude", "local_authority_code", "source"],
                )
            batch.clear()

        for centroid in centroids(path, source):
            if centroid is None:
                skipped += 1
                continue
            batch.append(centroid)
            loaded += 1
            if len(batch) >= BATCH:
                flush()
        if batch:
            flush()
        self.stdout.write(
            f"Loaded {loaded:,} postcode{'s' if loaded != 1 else ''} from {path.name}; "
            f"skipped {skipped:,} without a location."
        )
