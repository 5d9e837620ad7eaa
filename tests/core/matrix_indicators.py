"""Placeholders for this part's rows of docs/permission-matrix.csv, made from real records."""

from __future__ import annotations

from django.utils import timezone

from masa.indicators.load_published import ENGLAND
from masa.indicators.models import AreaLevel, PublishedArea, PublishedFigure
from masa.indicators.services import local_authority_link, population_set

from ..conftest import World


def build(world: World, found: dict[str, str]) -> dict[str, str]:
    """``found`` holds the placeholders built before this part (e.g. "{review}").

    The measure page is opened for a rate, with a population estimate held, so every role's
    status comes from a page that computes a real figure; the partnership is compared with an
    authority whose published figures are held, so the dashboard and the CSV show comparators
    and the children page lists the children behind the figure."""
    population_set(world.partnership, 2025, 20_000, source="Permission matrix test")
    now = timezone.now()
    PublishedArea.objects.get_or_create(
        code="359", defaults={"level": AreaLevel.LOCAL_AUTHORITY, "name": "Wigan"}
    )
    year = timezone.localdate().year
    PublishedFigure.objects.bulk_create(
        [
            PublishedFigure(
                area_code=code,
                area_level=level,
                measure_code="referral_rate",
                year=year - 1,
                time_period=str(year - 1),
                value_text=text,
                value=float(text),
                source="Permission matrix test",
                priority=1,
                loaded_at=now,
            )
            for code, level, text in (
                ("359", AreaLevel.LOCAL_AUTHORITY, "529.6"),
                (ENGLAND, AreaLevel.NATIONAL, "518.2"),
            )
        ],
        ignore_conflicts=True,
    )
    local_authority_link(world.partnership, "359", "Wigan")
    return {"{indicator}": "referral_rate"}
