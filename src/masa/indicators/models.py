"""Population denominators and the local authority a partnership reports as.

Rates per 10,000 divide by the ONS mid-year estimate of children aged 0 to 17, held as data per
year (``PopulationEstimate``), loaded from the DfE's published file by ``load_population`` or
set for the fictional demo borough by ``masa.indicators.services.population_set``.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from masa.core.models import Partnership


class PopulationEstimate(models.Model):
    """The ONS mid-year estimate (30 June of ``year``) of children aged 0 to 17 in the area."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="population_estimates"
    )
    year = models.PositiveSmallIntegerField()  # the mid-year: 2023 is the estimate for mid-2023
    children_0_to_17 = models.PositiveIntegerField()
    source = models.CharField(max_length=300)

    class Meta:
        ordering: ClassVar = ["partnership", "year"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["partnership", "year"], name="population_year_once")
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.children_0_to_17} children aged 0 to 17"


class LocalAuthorityLink(models.Model):
    """The local authority whose published figures are the partnership's own (3-digit DfE code,
    e.g. 359 Wigan): the population and, later, the benchmarks are read for this code."""

    partnership = models.OneToOneField(
        Partnership, on_delete=models.CASCADE, related_name="local_authority"
    )
    la_code = models.CharField(max_length=3)
    la_name = models.CharField(max_length=200)

    def __str__(self) -> str:
        return f"{self.la_name} ({self.la_code})"


# ---------------------------------------------------------------- benchmarks and snapshots
# (ADR 0020: published comparators, statistical neighbours and year-end snapshots)


class AreaLevel(models.TextChoices):
    NATIONAL = "national", "England"
    REGIONAL = "regional", "Region"
    LOCAL_AUTHORITY = "local_authority", "Local authority"


class PublishedArea(models.Model):
    """An area the DfE publishes figures for: England, a region or a local authority.

    ``code`` is the 3-digit DfE code of a local authority ("359"), ``england``, or a key made
    from a region's name (``masa.indicators.load_published.region_key``), so a region reads the
    same from Explore Education Statistics ("North West") and LAIT (981, "North West")."""

    code = models.CharField(max_length=60, unique=True)
    level = models.CharField(max_length=20, choices=AreaLevel.choices)
    name = models.CharField(max_length=200)
    ons_code = models.CharField(max_length=9, blank=True)  # E08000010, E12000002
    region_code = models.CharField(max_length=60, blank=True)  # for a local authority
    region_name = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering: ClassVar = ["level", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class PublishedFigure(models.Model):
    """One published value: an area's figure for a measure in a DfE reporting year.

    ``year`` is the year the DfE reporting year ends: 2024 is 2023-24 (1 April 2023 to 31 March
    2024), which EES and LAIT both publish as "2024". For the ONS population
    (``measure_code`` ``population_0_17``) it is the mid-year. ``value_text`` is the value as
    published ("24.4", "c", "-"), ``value`` its number (None when suppressed or not available).
    ``priority`` says which source wins when two give the same figure (1: EES as published,
    2: LAIT, 3: a rate worked out from an EES count and the ONS population)."""

    area_code = models.CharField(max_length=60)
    area_level = models.CharField(max_length=20, choices=AreaLevel.choices)
    measure_code = models.CharField(max_length=60)
    year = models.PositiveSmallIntegerField()
    time_period = models.CharField(max_length=12)
    value_text = models.CharField(max_length=40)
    value = models.FloatField(null=True, blank=True)
    source = models.CharField(max_length=300)
    priority = models.PositiveSmallIntegerField()
    loaded_at = models.DateTimeField()

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["area_code", "measure_code", "year"], name="published_figure_once"
            )
        ]
        indexes: ClassVar = [models.Index(fields=["measure_code", "year"])]

    def __str__(self) -> str:
        return f"{self.area_code} {self.measure_code} {self.year}: {self.value_text}"


class StatisticalNeighbour(models.Model):
    """One of a local authority's ten statistical neighbours in a version of the DfE's model
    ("2021": the April 2021 groupings; "2025": the 2025 model)."""

    model = models.CharField(max_length=10)
    la_code = models.CharField(max_length=3)
    rank = models.PositiveSmallIntegerField()
    neighbour_code = models.CharField(max_length=3)
    closeness = models.CharField(max_length=40, blank=True)
    source = models.CharField(max_length=300)

    class Meta:
        ordering: ClassVar = ["model", "la_code", "rank"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["model", "la_code", "rank"], name="statistical_neighbour_rank_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.la_code} ({self.model}) {self.rank}: {self.neighbour_code}"


class YearEndSnapshot(models.Model):
    """The partnership's figures for a DfE year frozen as submitted at year end; the live
    figures may drift as late records arrive, the snapshot never changes."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="year_end_snapshots"
    )
    start_year = models.PositiveSmallIntegerField()  # 2024 is 2024-25
    taken_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    taken_by_label = models.CharField(max_length=200)
    taken_at = models.DateTimeField()
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering: ClassVar = ["partnership", "-start_year"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["partnership", "start_year"], name="year_end_snapshot_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.start_year}-{(self.start_year + 1) % 100:02d} as submitted"


class SnapshotFigure(models.Model):
    """One measure's figure in a year-end snapshot, as computed when it was taken."""

    snapshot = models.ForeignKey(YearEndSnapshot, on_delete=models.CASCADE, related_name="figures")
    measure_code = models.CharField(max_length=60)
    numerator = models.IntegerField()
    denominator = models.IntegerField(null=True, blank=True)
    value = models.FloatField(null=True, blank=True)
    population_year = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["snapshot", "measure_code"], name="snapshot_figure_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.measure_code}: {self.numerator}/{self.denominator}"
