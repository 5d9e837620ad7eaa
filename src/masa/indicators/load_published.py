"""Loading the DfE's published figures and statistical neighbours (``load_published_figures``).

Files are read in the layouts the DfE publishes them in; nothing is hard-coded but the mapping
from published columns to masa's measures, which is data
(``masa/indicators/data/published_measures.csv``, one row per published series):

- ``layout``: ``ees`` (Explore Education Statistics CSV: ``time_period``,
  ``geographic_level``, ``old_la_code``, ``la_name``, ``region_name``...) or ``lait`` (the Local
  Authority Interactive Tool, wide: ``la_number``, ``area``, ``year`` and a column per measure;
  or long, CSV or parquet: ``Short Desc``, ``Years``, ``LA Number``, ``Values``).
- ``measure``: the masa measure code (``masa.indicators.catalogue``), or ``population_0_17``.
- ``value_column``: the column (EES, LAIT wide) or ``Short Desc`` (LAIT long) holding it.
- ``filters``: ``column=value`` pairs, ``;``-separated, picking the rows of a long EES table.
- ``how``: ``as_published``; ``per_10000`` (a rate worked out from the published count and the
  ONS 0-17 estimate for the mid-year before the reporting year ends, as the DfE's own rates are:
  Wigan's 3,744 referrals in 2023-24 over 70,691 children is LAIT's 529.6); ``population``.

A mapping row reads every file that has its value column and filter columns, so a newer file in
the same layout loads the same way. When two sources give the same figure, the DfE's value as
published on EES wins, then LAIT, then a rate masa worked out; a newer file of the same kind
replaces the older one's values. Loading is idempotent and set-based (bulk writes).

Statistical neighbours come from the DfE's groupings: the April 2021 file (``LA num``,
``SN1``... with a closeness after each) and the 2025 model (``old_la_code``, ``SN_1``...,
``SN_1P``...), whose model is the year in the file name; or the long extract (``la_number``,
``sn_set``, ``rank``, ``sn_la_number``).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from masa.core import audit
from masa.core.models import AuditAction, User
from masa.core.services import ServiceError

from .catalogue import MEASURES
from .models import AreaLevel, PublishedArea, PublishedFigure, StatisticalNeighbour
from .periods import financial_year
from .selectors import population_mid_year

MAPPING_FILE = Path(__file__).resolve().parent / "data" / "published_measures.csv"
POPULATION = "population_0_17"
ENGLAND = "england"
EES, LAIT = "ees", "lait"
AS_PUBLISHED, PER_10000, POPULATION_HOW = "as_published", "per_10000", "population"
PRIORITY_EES, PRIORITY_LAIT, PRIORITY_WORKED_OUT = 1, 2, 3
FILE_SUFFIXES = (".csv", ".parquet")

EES_COLUMNS = ("time_period", "geographic_level")
LAIT_WIDE_COLUMNS = ("la_number", "area", "year")
LAIT_LONG_COLUMNS = ("Short Desc", "Years", "LA Number", "Values")
SN_LONG_COLUMNS = ("la_number", "sn_set", "rank", "sn_la_number")


class LayoutError(ServiceError):
    """A file that is not in a layout masa reads."""


def published_data_dir() -> Path | None:
    """Where the DfE's published files are read from by default: the setting
    ``MASA_PUBLISHED_DATA_DIR``, else ``../shared/data/dfe-published`` beside the project, if
    it exists (None if neither is there)."""
    configured = getattr(settings, "MASA_PUBLISHED_DATA_DIR", None)
    if configured:
        return Path(configured)
    beside = Path(settings.PROJECT_ROOT).parent / "shared" / "data" / "dfe-published"
    return beside if beside.is_dir() else None


# ---------------------------------------------------------------- the mapping


@dataclass(frozen=True)
class MappingRow:
    layout: str
    measure: str
    value_column: str
    filters: tuple[tuple[str, str], ...]
    how: str
    note: str


@lru_cache(maxsize=1)
def mapping() -> tuple[MappingRow, ...]:
    """The mapping from published columns to masa's measures, checked as it is read."""
    rows = []
    with MAPPING_FILE.open(newline="", encoding="utf-8") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            measure = row["measure"].strip()
            if measure not in MEASURES and measure != POPULATION:
                raise ValueError(f"{MAPPING_FILE.name} line {line}: no measure {measure!r}")
            if row["layout"] not in (EES, LAIT):
                raise ValueError(f"{MAPPING_FILE.name} line {line}: layout {row['layout']!r}")
            if row["how"] not in (AS_PUBLISHED, PER_10000, POPULATION_HOW):
                raise ValueError(f"{MAPPING_FILE.name} line {line}: how {row['how']!r}")
            filters = tuple(
                (name.strip(), value.strip())
                for name, _, value in (
                    part.partition("=") for part in row["filters"].split(";") if part.strip()
                )
            )
            rows.append(
                MappingRow(
                    row["layout"], measure, row["value_column"], filters, row["how"], row["note"]
                )
            )
    return tuple(rows)


def published_measure_codes() -> set[str]:
    """The masa measures some published series gives a comparator for."""
    return {row.measure for row in mapping() if row.measure != POPULATION}


# ---------------------------------------------------------------- values, years, areas


def region_key(name: str) -> str:
    """A region's key from its name, the same for EES ("Yorkshire and The Humber", "Inner
    London") and LAIT ("Yorkshire and the Humber", "London (Inner)"): its words, lower case,
    in alphabetical order."""
    words = sorted(re.findall(r"[a-z0-9]+", name.lower()))
    return "-".join(words)


def number(text: str) -> float | None:
    """The number in a published value, or None for a suppression or missing mark (c, x, z,
    :, -, low...)."""
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None


def reporting_year(time_period: str) -> int | None:
    """The year a DfE reporting year ends, from EES's "2024" or "202324", or LAIT's "2024"
    (both 2023-24). Multi-year periods ("2014-16") are not reporting years."""
    text = time_period.strip()
    if re.fullmatch(r"\d{4}", text):
        return int(text)
    if re.fullmatch(r"\d{6}", text) and int(text[4:]) == (int(text[:4]) + 1) % 100:
        return int(text[:4]) + 1
    return None


def year_label(year: int) -> str:
    """ "2023-24" for the reporting year ending in 2024."""
    return financial_year(year - 1).label


@dataclass(frozen=True)
class Area:
    code: str
    level: str
    name: str
    ons_code: str = ""
    region_code: str = ""
    region_name: str = ""
    from_ees: bool = False


@dataclass(frozen=True)
class Candidate:
    area: Area
    measure: str
    year: int
    time_period: str
    text: str
    source: str
    priority: int

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.area.code, self.measure, self.year)


@dataclass(frozen=True)
class Neighbour:
    model: str
    la_code: str
    rank: int
    neighbour_code: str
    closeness: str
    source: str


@dataclass
class ParsedFile:
    path: Path
    layout: str
    candidates: list[Candidate] = field(default_factory=list)
    counts: list[Candidate] = field(default_factory=list)  # for the per_10000 rates
    areas: list[Area] = field(default_factory=list)
    neighbours: list[Neighbour] = field(default_factory=list)


# ---------------------------------------------------------------- reading files


def _rows(path: Path) -> tuple[list[str], list[list[str]]]:
    """The header (names stripped) and the rows of a CSV (the DfE's files are a few MB)."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    if not rows:
        raise LayoutError(f"{path.name} is empty")
    return [name.strip() for name in rows[0]], rows[1:]


def _ees_area(row: dict[str, str]) -> Area | None:
    level = row.get("geographic_level", "").strip()
    if level == "National":
        return Area(
            ENGLAND, AreaLevel.NATIONAL, "England", row.get("country_code", ""), "", "", True
        )
    region_name = row.get("region_name", "").strip()
    if level == "Regional" and region_name:
        code = region_key(region_name)
        return Area(code, AreaLevel.REGIONAL, region_name, row.get("region_code", ""), "", "", True)
    la_code = row.get("old_la_code", "").strip()
    if level == "Local authority" and la_code:
        return Area(
            la_code,
            AreaLevel.LOCAL_AUTHORITY,
            row.get("la_name", "").strip(),
            row.get("new_la_code", "").strip(),
            region_key(region_name) if region_name else "",
            region_name,
            True,
        )
    return None  # other geographies (districts, skills areas) are not compared


def _read_ees(path: Path, header: list[str], body: Iterable[list[str]]) -> ParsedFile:
    parsed = ParsedFile(path, EES)
    applicable = [
        row
        for row in mapping()
        if row.layout == EES
        and row.value_column in header
        and all(name in header for name, _ in row.filters)
    ]
    if not applicable:
        return parsed
    areas: dict[str, Area] = {}
    for values in body:
        row = dict(zip(header, values, strict=False))
        area = _ees_area(row)
        if area is None:
            continue
        areas.setdefault(area.code, area)
        period = row["time_period"].strip()
        for entry in applicable:
            if any(row.get(name, "").strip() != value for name, value in entry.filters):
                continue
            text = row.get(entry.value_column, "").strip()
            if not text:
                continue
            if entry.how == POPULATION_HOW:
                if not re.fullmatch(r"\d{4}", period):
                    continue
                year: int | None = int(period)
            else:
                year = reporting_year(period)
            if year is None:
                continue
            candidate = Candidate(
                area, entry.measure, year, period, text, f"{path.name}: {entry.value_column}", 1
            )
            if entry.how == PER_10000:
                parsed.counts.append(candidate)
            else:
                parsed.candidates.append(candidate)
    parsed.areas = list(areas.values())
    return parsed


def _lait_area(code: str, name: str, region: str) -> Area:
    if name == "England":
        return Area(ENGLAND, AreaLevel.NATIONAL, "England")
    if region in ("", "NA"):
        return Area(region_key(name), AreaLevel.REGIONAL, name)
    return Area(code, AreaLevel.LOCAL_AUTHORITY, name, "", region_key(region), region)


def _lait_code(raw: str) -> str:
    number_ = number(raw)
    return str(int(number_)) if number_ is not None else raw.strip()


def _lait_rows() -> dict[str, MappingRow]:
    return {row.value_column: row for row in mapping() if row.layout == LAIT}


def _read_lait_wide(path: Path, header: list[str], body: Iterable[list[str]]) -> ParsedFile:
    parsed = ParsedFile(path, "LAIT (one column per measure)")
    wanted = {column: row for column, row in _lait_rows().items() if column in header}
    areas: dict[str, Area] = {}
    for values in body:
        row = dict(zip(header, values, strict=False))
        year = reporting_year(row["year"])
        if year is None:
            continue
        area = _lait_area(_lait_code(row["la_number"]), row["area"].strip(), row.get("region", ""))
        areas.setdefault(area.code, area)
        for column, entry in wanted.items():
            text = row.get(column, "").strip()
            if text:
                parsed.candidates.append(
                    Candidate(
                        area, entry.measure, year, row["year"], text, f"{path.name}: {column}", 2
                    )
                )
    parsed.areas = list(areas.values())
    return parsed


def _read_lait_long(path: Path) -> ParsedFile:
    import polars as pl

    frame = (
        pl.read_parquet(path)
        if path.suffix == ".parquet"
        else pl.read_csv(path, infer_schema=False, encoding="utf8-lossy")
    )
    missing = [c for c in LAIT_LONG_COLUMNS if c not in frame.columns]
    if missing:
        raise LayoutError(
            f"{path.name} is not in LAIT's long layout: it has no {', '.join(missing)} column"
        )
    wanted = _lait_rows()
    parsed = ParsedFile(path, "LAIT (long)")
    region = "Region" if "Region" in frame.columns else None
    selected = frame.filter(
        pl.col("Short Desc").is_in(list(wanted))
        & pl.col("Years").cast(pl.String).str.contains(r"^\d{4}$")
    ).select(
        pl.col("Short Desc").cast(pl.String),
        pl.col("Years").cast(pl.String),
        pl.col("LA Number").cast(pl.String),
        pl.col("LA and Regions").cast(pl.String)
        if "LA and Regions" in frame.columns
        else pl.lit(""),
        (pl.col(region).cast(pl.String) if region else pl.lit("")).fill_null(""),
        pl.col("Values").cast(pl.String).fill_null(""),
    )
    areas: dict[str, Area] = {}
    for short, years, code, name, region_name, text in selected.iter_rows():
        if not text.strip():
            continue
        area = _lait_area(_lait_code(code), (name or "").strip(), region_name)
        areas.setdefault(area.code, area)
        entry = wanted[short]
        parsed.candidates.append(
            Candidate(
                area, entry.measure, int(years), years, text.strip(), f"{path.name}: {short}", 2
            )
        )
    parsed.areas = list(areas.values())
    return parsed


def _model_from_name(path: Path) -> str:
    years = re.findall(r"(20\d\d)", path.name)
    if not years:
        raise LayoutError(
            f"{path.name}: name the statistical neighbour model in the file name with its year "
            f"(for example sn_model_2025_wide.csv)"
        )
    return years[-1]


def _read_sn_wide(path: Path, header: list[str], body: Iterable[list[str]]) -> ParsedFile:
    """The April 2021 groupings (``LA num``, ``LA Name``, ``SN1``, ``SNP``...) or the 2025
    model (``old_la_code``, ``la_name``, ``SN_1``... and ``SN_1P``...)."""
    model = _model_from_name(path)
    parsed = ParsedFile(path, f"statistical neighbours ({model} model)")
    code_at = header.index("LA num") if "LA num" in header else header.index("old_la_code")
    name_at = next((header.index(n) for n in ("LA Name", "la_name") if n in header), None)
    region_at = header.index("region_name") if "region_name" in header else None
    columns = []
    for rank in range(1, 11):
        for name in (f"SN{rank}", f"SN_{rank}"):
            if name in header:
                at = header.index(name)
                close_at = header.index(f"SN_{rank}P") if f"SN_{rank}P" in header else at + 1
                columns.append((rank, at, close_at))
                break
    if len(columns) != 10:
        raise LayoutError(f"{path.name} does not list ten statistical neighbours (SN1 to SN10)")
    for values in body:
        if len(values) <= code_at or not values[code_at].strip():
            continue
        la_code = _lait_code(values[code_at])
        if name_at is not None:
            region_name = values[region_at].strip() if region_at is not None else ""
            parsed.areas.append(
                Area(
                    la_code,
                    AreaLevel.LOCAL_AUTHORITY,
                    values[name_at].strip(),
                    region_code=region_key(region_name) if region_name else "",
                    region_name=region_name,
                )
            )
        for rank, at, close_at in columns:
            neighbour = values[at].strip() if at < len(values) else ""
            if not neighbour:
                continue
            closeness = values[close_at].strip() if close_at < len(values) else ""
            parsed.neighbours.append(
                Neighbour(model, la_code, rank, _lait_code(neighbour), closeness, path.name)
            )
    return parsed


def _read_sn_long(path: Path, header: list[str], body: Iterable[list[str]]) -> ParsedFile:
    parsed = ParsedFile(path, "statistical neighbours (one row per neighbour)")
    for values in body:
        row = dict(zip(header, values, strict=False))
        found = re.findall(r"(20\d\d)", row["sn_set"])
        if not found:
            raise LayoutError(f"{path.name}: the set {row['sn_set']!r} names no model year")
        parsed.neighbours.append(
            Neighbour(
                found[0],
                _lait_code(row["la_number"]),
                int(row["rank"]),
                _lait_code(row["sn_la_number"]),
                row.get("closeness", "").strip(),
                path.name,
            )
        )
        if row.get("sn_la_name"):
            parsed.areas.append(
                Area(_lait_code(row["sn_la_number"]), AreaLevel.LOCAL_AUTHORITY, row["sn_la_name"])
            )
    return parsed


LAYOUTS_HELP = (
    "an Explore Education Statistics CSV (time_period, geographic_level...), a LAIT file "
    "(la_number, area, year... or Short Desc, Years, LA Number, Values) or the DfE's "
    "statistical neighbour groupings"
)


def read_published_file(path: Path) -> ParsedFile:
    """One file, in whichever of the DfE's layouts it is in; ``LayoutError`` if none."""
    if path.suffix == ".parquet":
        return _read_lait_long(path)
    header, body = _rows(path)
    if all(c in header for c in EES_COLUMNS):
        return _read_ees(path, header, body)
    if all(c in header for c in SN_LONG_COLUMNS):
        return _read_sn_long(path, header, body)
    if all(c in header for c in LAIT_WIDE_COLUMNS):
        return _read_lait_wide(path, header, body)
    if all(c in header for c in LAIT_LONG_COLUMNS):
        return _read_lait_long(path)
    if ("LA num" in header or "old_la_code" in header) and any(
        c in header for c in ("SN1", "SN_1")
    ):
        return _read_sn_wide(path, header, body)
    raise LayoutError(
        f"{path.name} is not in a layout masa can read: expected {LAYOUTS_HELP}. Its columns "
        f"begin {', '.join(header[:5])}"
    )


def published_files(paths: Iterable[Path]) -> tuple[list[Path], list[Path]]:
    """(files named, files found in the folders named), each in a stable order."""
    named, found = [], []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix in FILE_SUFFIXES)
        elif path.is_file():
            named.append(path)
        else:
            raise LayoutError(f"No file or folder at {path}")
    return named, found


# ---------------------------------------------------------------- loading


@dataclass
class LoadReport:
    files: list[tuple[str, str, int]] = field(default_factory=list)  # name, layout, values
    skipped: list[tuple[str, str]] = field(default_factory=list)  # name, why
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: int = 0  # a better source already gave the figure
    worked_out: int = 0
    not_worked_out: int = 0  # a count with no population estimate for its year
    areas: int = 0
    neighbours: int = 0

    def lines(self) -> list[str]:
        lines = [f"{name}: {layout}, {count:,} values" for name, layout, count in self.files]
        lines += [f"{name}: skipped ({why})" for name, why in self.skipped]
        lines.append(
            f"Published figures: {self.created:,} new, {self.updated:,} changed, "
            f"{self.unchanged:,} unchanged, {self.kept:,} left as a better source gave them"
        )
        lines.append(
            f"Rates worked out from a published count and the ONS estimate: {self.worked_out:,}"
            + (
                f" ({self.not_worked_out:,} counts had no population estimate for their year: "
                "load the ONS population file too)"
                if self.not_worked_out
                else ""
            )
        )
        lines.append(f"Areas: {self.areas:,}; statistical neighbours: {self.neighbours:,}")
        return lines


def _worked_out(
    counts: list[Candidate], population: dict[tuple[str, int], float]
) -> tuple[list[Candidate], int]:
    rates, missing = [], 0
    for candidate in counts:
        mid_year = population_mid_year(financial_year(candidate.year - 1))
        children = population.get((candidate.area.code, mid_year))
        if not children:
            missing += 1
            continue
        count = number(candidate.text)
        text = candidate.text if count is None else f"{count * 10_000 / children:.1f}"
        rates.append(
            Candidate(
                candidate.area,
                candidate.measure,
                candidate.year,
                candidate.time_period,
                text,
                f"{candidate.source} per 10,000 children (ONS mid-{mid_year} estimate)",
                PRIORITY_WORKED_OUT,
            )
        )
    return rates, missing


def _best(candidates: Iterable[Candidate]) -> dict[tuple[str, str, int], Candidate]:
    """One candidate per figure: the best source; between equals, the file read last."""
    best: dict[tuple[str, str, int], Candidate] = {}
    for candidate in candidates:
        held = best.get(candidate.key)
        if held is None or candidate.priority <= held.priority:
            best[candidate.key] = candidate
    return best


def _merge_areas(parsed: list[ParsedFile]) -> dict[str, Area]:
    """One description per area; EES's (with ONS codes and the DfE's region) wins."""
    merged: dict[str, Area] = {}
    for file in parsed:
        for area in file.areas:
            held = merged.get(area.code)
            if held is None or (area.from_ees and not held.from_ees):
                merged[area.code] = area
    for file in parsed:
        for candidate in file.candidates:
            merged.setdefault(candidate.area.code, candidate.area)
    return merged


def _save_areas(areas: dict[str, Area]) -> int:
    existing = {a.code: a for a in PublishedArea.objects.filter(code__in=list(areas))}
    new, changed = [], []
    for code, area in areas.items():
        held = existing.get(code)
        if held is None:
            new.append(
                PublishedArea(
                    code=code,
                    level=area.level,
                    name=area.name,
                    ons_code=area.ons_code,
                    region_code=area.region_code,
                    region_name=area.region_name,
                )
            )
            continue
        before = (held.name, held.ons_code, held.region_code, held.region_name)
        if area.from_ees or not held.region_code:
            held.name = area.name or held.name
            held.ons_code = area.ons_code or held.ons_code
            held.region_code = area.region_code or held.region_code
            held.region_name = area.region_name or held.region_name
        if (held.name, held.ons_code, held.region_code, held.region_name) != before:
            changed.append(held)
    PublishedArea.objects.bulk_create(new, batch_size=1000)
    PublishedArea.objects.bulk_update(
        changed, ["name", "ons_code", "region_code", "region_name"], batch_size=1000
    )
    return len(new) + len(changed)


def _save_figures(best: dict[tuple[str, str, int], Candidate], report: LoadReport) -> None:
    now = timezone.now()
    measures = {key[1] for key in best}
    existing = {
        (f.area_code, f.measure_code, f.year): f
        for f in PublishedFigure.objects.filter(measure_code__in=measures).only(
            "id",
            "area_code",
            "measure_code",
            "year",
            "time_period",
            "value_text",
            "source",
            "priority",
        )
    }
    new, changed = [], []
    for key, candidate in best.items():
        held = existing.get(key)
        source = candidate.source[:300]
        if held is None:
            new.append(
                PublishedFigure(
                    area_code=candidate.area.code,
                    area_level=candidate.area.level,
                    measure_code=candidate.measure,
                    year=candidate.year,
                    time_period=candidate.time_period[:12],
                    value_text=candidate.text[:40],
                    value=number(candidate.text),
                    source=source,
                    priority=candidate.priority,
                    loaded_at=now,
                )
            )
        elif held.priority < candidate.priority:
            report.kept += 1
        elif (held.value_text, held.source, held.priority, held.time_period) == (
            candidate.text[:40],
            source,
            candidate.priority,
            candidate.time_period[:12],
        ):
            report.unchanged += 1
        else:
            held.value_text = candidate.text[:40]
            held.value = number(candidate.text)
            held.source = source
            held.priority = candidate.priority
            held.time_period = candidate.time_period[:12]
            held.loaded_at = now
            changed.append(held)
    PublishedFigure.objects.bulk_create(new, batch_size=2000)
    PublishedFigure.objects.bulk_update(
        changed,
        ["value_text", "value", "source", "priority", "time_period", "loaded_at"],
        batch_size=1000,
    )
    report.created += len(new)
    report.updated += len(changed)


def _save_neighbours(neighbours: list[Neighbour]) -> int:
    """Each authority's list in a model is replaced whole by the one in the file."""
    chosen = {(n.model, n.la_code, n.rank): n for n in neighbours}
    for model in {n.model for n in chosen.values()}:
        codes = {n.la_code for n in chosen.values() if n.model == model}
        StatisticalNeighbour.objects.filter(model=model, la_code__in=codes).delete()
    StatisticalNeighbour.objects.bulk_create(
        [
            StatisticalNeighbour(
                model=n.model,
                la_code=n.la_code,
                rank=n.rank,
                neighbour_code=n.neighbour_code,
                closeness=n.closeness[:40],
                source=n.source[:300],
            )
            for n in chosen.values()
        ],
        batch_size=2000,
    )
    return len(chosen)


def load_published(paths: Iterable[Path], *, actor: User | None = None) -> LoadReport:
    """Read the files and folders named and store every published figure and neighbour they
    give. A file named that is in no known layout is an error; in a folder it is skipped."""
    named, found = published_files(paths)
    report = LoadReport()
    parsed: list[ParsedFile] = []
    for path in named + found:
        try:
            file = read_published_file(path)
        except LayoutError:
            if path in named:
                raise
            report.skipped.append((path.name, "not a layout masa reads"))
            continue
        values = len(file.candidates) + len(file.counts) + len(file.neighbours)
        if not values:
            report.skipped.append((path.name, f"{file.layout}: no masa measure reads it"))
            continue
        report.files.append((path.name, file.layout, values))
        parsed.append(file)
    if not parsed:
        raise LayoutError("None of the files given holds figures masa reads")

    best = _best(c for file in parsed for c in file.candidates)
    population = {
        (key[0], key[2]): value
        for key, c in best.items()
        if key[1] == POPULATION and (value := number(c.text)) is not None
    }
    counts = [c for file in parsed for c in file.counts]
    if counts:
        held = PublishedFigure.objects.filter(measure_code=POPULATION, value__isnull=False)
        for area_code, year, value in held.values_list("area_code", "year", "value"):
            if value is not None:
                population.setdefault((area_code, year), value)
    rates, report.not_worked_out = _worked_out(counts, population)
    report.worked_out = len(rates)
    for key, rate in _best(rates).items():
        if key not in best or best[key].priority > rate.priority:
            best[key] = rate

    with transaction.atomic():
        report.areas = _save_areas(_merge_areas(parsed))
        _save_figures(best, report)
        report.neighbours = _save_neighbours([n for f in parsed for n in f.neighbours])
        audit.record(
            actor=actor,
            actor_label="" if actor else "masa (data load)",
            action=AuditAction.CREATE,
            object_type="published figures",
            object_label=f"DfE published figures loaded on {timezone.localdate().isoformat()}",
            after={
                "files": [name for name, _, _ in report.files],
                "created": report.created,
                "updated": report.updated,
                "neighbours": report.neighbours,
            },
        )
    return report
