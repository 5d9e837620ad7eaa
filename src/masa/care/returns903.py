"""The adapter between masa's care records and the SSDA903 return's tables, both ways.

``tables_for_year`` reads the live records of a partnership (or of one child, for the checks on
save) into the return's tables for a collection year, as text in the DfE's form: dates
dd/mm/YYYY, codes exactly as stored, flags 1/0, blanks empty. It is set-based: a fixed handful of
queries whatever the number of children. Which rows belong in the year follows the DfE's guidance:

- **Episodes** open at any time in the year (started on or before 31 March, not ended before
  1 April).
- **Reviews** held in the year; **Missing** episodes that started in the year while the child was
  looked after (missing episodes are recorded for any child, the 903 counts looked-after ones).
- **OC2** for children looked after continuously for 12 months at 31 March (the DfE's
  definition, as the rules use it), with what is recorded for the year or blank, and any row
  recorded for the year.
- **OC3** for care leavers with a 17th to 21st birthday in the year (looked after for at least
  13 weeks since their 14th birthday, some of it after their 16th, not looked after on that
  birthday, and not left care by adoption, a special guardianship or child arrangements order,
  death or transfer to another authority), with what is recorded for the year or blank, and any
  row recorded for the year.
- **AD1** for children adopted in the year (an episode ending E11 or E12), their latest match;
  **PlacedAdoption** decisions in force in the year, **PrevPerm** (latest), **SWEpisodes**
  spells overlapping the year and **UASC** for children with episodes in the year.
- **Header**: every child in any table.

Rows are ordered by CHILD then date, so two partnerships holding the same records write the same
bytes. The child's CHILD is its 903 identifier (``ReturnIdentifier``) or else its masa ID.

The other direction, rows to records, is ``import903``; the files themselves are ``export903``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

import polars as pl
from django.db.models import Q, QuerySet
from django.utils import timezone

from masa.core.presenters import format_masa_id
from masa.people.models import Child, Sex
from masa.returns.cin.years import CollectionYear
from masa.returns.ssda903.read import Return903, build_frame
from masa.returns.ssda903.registry import TABLE_ORDER
from masa.returns.ssda903.spec import Spec, spec_for

from .models import (
    AdoptionDecision,
    AdoptionMatch,
    AnnualOutcomes,
    CareLeaverContact,
    CareProfile,
    CareReview,
    Episode,
    MissingEpisode,
    PreviousPermanence,
    ReturnIdentifier,
    SocialWorkerEpisode,
)

# The DfE's names for the CSV files of the return, in the order the DfE lists the tables.
FILE_NAMES = {
    "Header": "header.csv",
    "Episodes": "episodes.csv",
    "Reviews": "reviews.csv",
    "UASC": "uasc.csv",
    "OC2": "oc2.csv",
    "OC3": "oc3.csv",
    "AD1": "ad1.csv",
    "PlacedAdoption": "placed_for_adoption.csv",
    "PrevPerm": "previous_permanence.csv",
    "Missing": "missing.csv",
    "SWEpisodes": "social_worker_episodes.csv",
}
SEX_MEANINGS = {Sex.MALE: "Male", Sex.FEMALE: "Female", Sex.UNKNOWN: "Unknown"}
ADOPTED = frozenset({"E11", "E12"})
# Left care in a way that does not make a care leaver: adopted, died, transferred to another
# authority, special guardianship or child arrangements (residence) order.
NOT_CARE_LEAVERS = ADOPTED | {"E2", "E3", "E41", "E43", "E44", "E45", "E46", "E47", "E48"}
RESPITE = frozenset({"V3", "V4"})
CHUNK = 5000  # ids per IN (...) list, well inside SQLite's and PostgreSQL's limits
IN_LIMIT = 500  # more than this: read the partnership's rows rather than an IN list
UNKNOWN_UPN = re.compile(r"^UN\d{1,2}$")
T = TypeVar("T")


def fmt_date(day: dt.date | None) -> str:
    return "" if day is None else f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def fmt_flag(value: bool | None) -> str:
    return "" if value is None else ("1" if value else "0")


def fmt_int(value: int | None) -> str:
    return "" if value is None else str(value)


def sex_code(sex: str, spec: Spec) -> str:
    """masa's sex (M/F/U) as the year's code: 1/2 to 2023/24, M/F/U from 2024/25; blank when
    the year has no code for it (unknown before 2024/25)."""
    meanings = spec.tables["Header"].column("SEX").meanings or {}
    wanted = SEX_MEANINGS.get(Sex(sex)) if sex in Sex.values else None
    return next((code for code, meaning in meanings.items() if meaning == wanted), "")


def sex_from_code(code: str | None, spec: Spec) -> str | None:
    """The year's SEX code as masa's sex; blank is "not known"; None for a code not in the year."""
    if not code:
        return Sex.UNKNOWN
    meaning = (spec.tables["Header"].column("SEX").meanings or {}).get(code)
    return next((sex for sex, name in SEX_MEANINGS.items() if name == meaning), None)


def real_upn(upn: str | None) -> str:
    """A UPN that identifies a pupil: blank for none and for the DfE's "unknown" codes UN1-UN10."""
    return "" if not upn or UNKNOWN_UPN.match(upn) else upn


def child_ref(child_id: int, identifiers: dict[int, str]) -> str:
    """The child's CHILD in the return: the 903 identifier it came with, else its masa ID."""
    return identifiers.get(child_id) or format_masa_id(child_id)


def birthday(born: dt.date, years: int) -> dt.date:
    """The ``years``-th birthday; 29 February falls on 28 February in a common year (as the
    DfE's rules compute ages)."""
    try:
        return born.replace(year=born.year + years)
    except ValueError:
        return born.replace(year=born.year + years, day=28)


def chunks(items: Collection[T]) -> Iterator[list[T]]:
    ordered = sorted(items)  # type: ignore[type-var]
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def rows_for(
    queryset: QuerySet[Any], field: str, wanted: Collection[Any], *names: str
) -> Iterator[dict[str, Any]]:
    """``values(*names)`` of the rows whose ``field`` is one of ``wanted``.

    For a few, an IN list; for many, every row of ``queryset`` (which the caller scopes to the
    partnership) kept here by a set look-up: building an IN list of thousands of values in the
    ORM costs more than reading the rows.
    """
    if not wanted:
        return
    if len(wanted) <= IN_LIMIT:
        for batch in chunks(wanted):
            yield from queryset.filter(**{f"{field}__in": batch}).values(*names)
        return
    keep = set(wanted)
    for row in queryset.values(*names):
        if row[field] in keep:
            yield row


@dataclass
class Tables903:
    """One year's return built from masa's records: rows per table as text in the spec's column
    order, the record each row came from (None for a row masa derives, like a blank OC2 row) and
    the masa child behind each CHILD."""

    year: int
    spec: Spec
    rows: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)
    records: dict[str, list[int | None]] = field(default_factory=dict)
    children: dict[str, int] = field(default_factory=dict)

    def columns(self, table: str) -> tuple[str, ...]:
        return self.spec.tables[table].column_names

    def as_dicts(self, table: str) -> list[dict[str, str]]:
        columns = self.columns(table)
        return [dict(zip(columns, row, strict=True)) for row in self.rows.get(table, [])]

    def to_return(self, year: CollectionYear | None = None) -> Return903:
        """The same tables as the 903 reader gives them (every table of the spec, empty or not),
        so the rule units run on masa's records exactly as on a file."""
        data = Return903(year=year or CollectionYear(self.year))
        for name, table in self.spec.tables.items():
            rows = self.rows.get(name, [])
            frame = build_frame(
                table,
                [[value or None for value in row] for row in rows],
                list(range(1, len(rows) + 1)),
            )
            data.add(name, frame, "masa")
        return data

    def counts(self) -> dict[str, int]:
        return {name: len(self.rows.get(name, [])) for name in self.spec.tables}


# ---------------------------------------------------------------- reading the records


class _Scope:
    """The queries' common filter: the partnership's children not merged away (or one child)."""

    def __init__(self, partnership_id: int, child_ids: Collection[int] | None) -> None:
        self.partnership_id = partnership_id
        self.child_ids = child_ids

    def __call__(self, queryset: QuerySet[Any], prefix: str = "child__") -> QuerySet[Any]:
        queryset = queryset.filter(
            **{f"{prefix}partnership_id": self.partnership_id, f"{prefix}merged_into__isnull": True}
        )
        if self.child_ids is not None:
            key = f"{prefix}id__in" if prefix else "id__in"
            queryset = queryset.filter(**{key: list(self.child_ids)})
        return queryset


def _in_year(start: dt.date, end: dt.date, began: str, ended: str) -> Q:
    """Records that began on or before ``end`` and had not ended before ``start``."""
    return Q(**{f"{began}__lte": end}) & (
        Q(**{f"{ended}__isnull": True}) | Q(**{f"{ended}__gte": start})
    )


@dataclass(frozen=True)
class _Episode:
    pk: int
    child_id: int
    started_on: dt.date
    rne: str
    ls: str
    cin: str
    place: str
    provider: str
    ended_on: dt.date | None
    rec: str
    reason_place_change: str
    home_postcode: str
    placement_postcode: str
    urn: str


def continuously_looked_after(
    episodes: Iterable[_Episode], start: dt.date, end: dt.date
) -> set[int]:
    """Children looked after for the whole year to 31 March, as the DfE defines it for the OC2
    (and as ``Context.continuously_looked_after`` does for the rules): in care during the year,
    and no episode in the year that starts a period of care after 1 April, ends one before
    31 March, or is respite (V3, V4)."""
    during: set[int] = set()
    broken: set[int] = set()
    for e in episodes:
        in_year = e.started_on <= end and (e.ended_on is None or e.ended_on >= start)
        if in_year:
            during.add(e.child_id)
        enters = e.rne == "S" and start < e.started_on <= end
        leaves = e.rec != "X1" and e.ended_on is not None and start <= e.ended_on < end
        if enters or leaves or (e.ls in RESPITE and in_year):
            broken.add(e.child_id)
    return during - broken


def care_leavers(
    history: Iterable[tuple[int, dt.date, dt.date, dt.date | None, str, str]],
    start: dt.date,
    end: dt.date,
) -> set[int]:
    """Children in the OC3 cohort: a 17th to 21st birthday in the year, looked after for at
    least 13 weeks (91 days) since their 14th birthday with some of it after their 16th, not
    looked after on that birthday, and not left care in a way that does not make a care leaver.

    ``history`` is (child, date of birth, episode start, episode end, legal status, reason
    ceased) for every episode of the children born in the window.
    """
    by_child: dict[int, list[tuple[dt.date, dt.date, dt.date | None, str, str]]] = defaultdict(list)
    for child_id, born, began, ended, ls, rec in history:
        by_child[child_id].append((born, began, ended, ls, rec))
    cohort: set[int] = set()
    for child_id, spells in by_child.items():
        born = spells[0][0]
        turns = [
            birthday(born, age) for age in range(17, 22) if start <= birthday(born, age) <= end
        ]
        if not turns:
            continue
        fourteen, sixteen = birthday(born, 14), birthday(born, 16)
        days = 0
        after_sixteen = False
        for _, began, ended, ls, _ in spells:
            if ls in RESPITE:
                continue
            last = ended or end
            first = max(began, fourteen)
            if last >= first:
                days += (last - first).days + 1
            if last >= sixteen:
                after_sixteen = True
        looked_after_on_birthday = any(
            began <= turns[0] and (ended is None or ended >= turns[0])
            for _, began, ended, _, _ in spells
        )
        final = max(spells, key=lambda s: s[1])
        if (
            days >= 91
            and after_sixteen
            and not looked_after_on_birthday
            and final[2] is not None
            and final[4] not in NOT_CARE_LEAVERS
        ):
            cohort.add(child_id)
    return cohort


def tables_for_year(
    partnership_id: int,
    year: int,
    *,
    child_ids: Collection[int] | None = None,
    spec: Spec | None = None,
) -> Tables903:
    """The year's return from the partnership's records (only ``child_ids`` when given).

    ``spec`` is the field specification to lay the tables out by; by default the year's own
    (the checks on save pass the nearest year masa holds for a year after the last).
    """
    spec = spec or spec_for(year)
    start, end = dt.date(year - 1, 4, 1), dt.date(year, 3, 31)
    scope = _Scope(partnership_id, child_ids)
    out = Tables903(year=year, spec=spec)
    rows: dict[str, list[tuple[tuple[Any, ...], tuple[str, ...], int | None]]] = defaultdict(list)

    # Episodes open in the year: who is looked after, and the basis of most other tables.
    episodes = [
        _Episode(*values)
        for values in scope(Episode.objects.filter(_in_year(start, end, "started_on", "ended_on")))
        .order_by()
        .values_list(
            "pk", "child_id", "started_on", "reason_new_episode", "legal_status",
            "category_of_need", "placement_type", "placement_provider", "ended_on",
            "reason_ceased", "reason_place_change", "home_postcode", "placement_postcode", "urn",
        )
    ]  # fmt: skip
    looked_after = {e.child_id for e in episodes}
    spells: dict[int, list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
    adopted: set[int] = set()
    for e in episodes:
        spells[e.child_id].append((e.started_on, e.ended_on))
        if e.rec in ADOPTED and e.ended_on is not None and start <= e.ended_on <= end:
            adopted.add(e.child_id)

    def looked_after_on(child_id: int, day: dt.date) -> bool:
        return any(a <= day and (b is None or b >= day) for a, b in spells.get(child_id, ()))

    # Reviews held in the year.
    reviews = list(
        scope(CareReview.objects.filter(held_on__range=(start, end)))
        .order_by()
        .values_list("pk", "child_id", "held_on", "participation")
    )
    # Missing episodes that started in the year while the child was looked after.
    tz = timezone.get_current_timezone()
    first_moment = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    after_last = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    missing = []
    for pk, child_id, kind, began_at, ended_at in (
        scope(
            MissingEpisode.objects.filter(started_at__gte=first_moment, started_at__lt=after_last)
        )
        .order_by()
        .values_list("pk", "child_id", "kind", "started_at", "ended_at")
    ):
        began = timezone.localtime(began_at, tz).date()
        if looked_after_on(child_id, began):
            ended = timezone.localtime(ended_at, tz).date() if ended_at else None
            missing.append((pk, child_id, kind, began, ended))

    # OC2: continuously looked after for 12 months, and rows recorded for the year.
    outcomes = {
        values[1]: values
        for values in scope(AnnualOutcomes.objects.filter(year_ending=year))
        .order_by()
        .values_list(
            "pk", "child_id", "sdq_score", "sdq_reason", "convicted", "health_check",
            "immunisations", "teeth_check", "health_assessment", "substance_misuse",
            "intervention_received", "intervention_offered",
        )
    }  # fmt: skip
    oc2_children = continuously_looked_after(episodes, start, end) | set(outcomes)

    # OC3: care leavers with a birthday from 17 to 21 in the year, and rows recorded for it.
    contacts = {
        values[1]: values
        for values in scope(CareLeaverContact.objects.filter(year_ending=year))
        .order_by()
        .values_list("pk", "child_id", "in_touch", "activity", "accommodation")
    }
    born_from, born_to = birthday(start, -21), birthday(end, -17)
    history = (
        scope(
            Episode.objects.filter(
                child__date_of_birth__range=(born_from, born_to), started_on__lte=end
            )
        )
        .order_by()
        .values_list(
            "child_id", "child__date_of_birth", "started_on", "ended_on", "legal_status",
            "reason_ceased",
        )
    )  # fmt: skip
    oc3_children = care_leavers(history, start, end) | set(contacts)

    # Adoption, permanence, social workers: for children looked after in the year.
    matches: dict[int, tuple[Any, ...]] = {}
    if adopted:
        for values in (
            scope(AdoptionMatch.objects.all())
            .filter(child_id__in=list(adopted))
            .order_by("child_id", "matched_on", "pk")
            .values_list(
                "pk", "child_id", "best_interests_on", "matched_on", "foster_carer_adoption",
                "number_of_adopters", "adopters_sex", "adopters_legal_status",
            )
        ):  # fmt: skip
            matches[values[1]] = values  # the latest match wins
    decisions = [
        values
        for values in scope(
            AdoptionDecision.objects.filter(_in_year(start, end, "decided_on", "ceased_on"))
        )
        .order_by()
        .values_list("pk", "child_id", "decided_on", "ceased_on", "reason_ceased")
        if values[1] in looked_after
    ]
    # Previous permanence is returned for a child who started to be looked after in the year
    # (their latest episode began on or after 1 April); DfE rule 634 refuses it otherwise.
    latest_start: dict[int, dt.date] = {}
    for e in episodes:
        latest_start[e.child_id] = max(e.started_on, latest_start.get(e.child_id, e.started_on))
    permanence: dict[int, tuple[Any, ...]] = {}
    for values in (
        scope(PreviousPermanence.objects.all())
        .order_by("child_id", "pk")
        .values_list("pk", "child_id", "kind", "la", "made_on", "made_on_text")
    ):
        if values[1] in latest_start and latest_start[values[1]] >= start:
            permanence[values[1]] = values
    workers = []
    if "SWEpisodes" in spec.tables:
        workers = [
            values
            for values in scope(
                SocialWorkerEpisode.objects.filter(_in_year(start, end, "started_on", "ended_on"))
            )
            .order_by()
            .values_list(
                "pk", "child_id", "social_worker_id", "started_on", "ended_on", "reason_changed"
            )
            if values[1] in looked_after
        ]

    # Everyone in any table gets a header row.
    in_return = (
        looked_after
        | {r[1] for r in reviews}
        | {m[1] for m in missing}
        | oc2_children
        | oc3_children
        | set(matches)
        | {d[1] for d in decisions}
        | set(permanence)
        | {w[1] for w in workers}
    )
    children: dict[int, tuple[Any, ...]] = {}
    profiles: dict[int, tuple[Any, ...]] = {}
    identifiers: dict[int, str] = {}
    names = ("pk", "sex", "date_of_birth", "ethnicity", "upn")
    for row in rows_for(scope(Child.objects.all(), prefix=""), "pk", in_return, *names):
        children[row["pk"]] = tuple(row[n] for n in names)
    kept = ("child_id", "uasc", "uasc_ceased_on", "is_mother", "mothers_child_born_on", "pk")
    for row in rows_for(scope(CareProfile.objects.all()), "child_id", in_return, *kept):
        profiles[row["child_id"]] = tuple(row[n] for n in kept)
    identified = ReturnIdentifier.objects.filter(
        partnership_id=partnership_id, scheme=ReturnIdentifier.Scheme.SSDA903
    )
    for row in rows_for(identified, "child_id", in_return, "child_id", "value"):
        identifiers[row["child_id"]] = row["value"]
    refs = {pk: child_ref(pk, identifiers) for pk in children}
    dob = {pk: values[2] for pk, values in children.items()}
    out.children = {ref: pk for pk, ref in refs.items()}

    def add(
        table: str, child_id: int, order: tuple[Any, ...], values: Iterable[str], pk: int | None
    ) -> None:
        if child_id in refs:
            row = (refs[child_id], *values)
            rows[table].append(((refs[child_id], *order, row), row, pk))

    def born(child_id: int) -> str:
        return fmt_date(dob.get(child_id))

    for pk, sex, date_of_birth, ethnicity, upn in children.values():
        profile = profiles.get(pk)
        mother = (fmt_flag(profile[3]), fmt_date(profile[4])) if profile else ("", "")
        code = sex_code(sex, spec)
        add("Header", pk, (), (code, fmt_date(date_of_birth), ethnicity, upn, *mother), pk)
        if profile and pk in looked_after and (profile[1] or profile[2]):
            uasc = (fmt_date(date_of_birth), code, fmt_date(profile[2]))
            add("UASC", pk, (), uasc, profile[5])
    for e in episodes:
        # An episode that ended after 31 March was open when the year's return was made: its
        # end, reason and placement-change reason are not part of this year's return.
        ended_in_year = e.ended_on is not None and e.ended_on <= end
        ending = (
            (fmt_date(e.ended_on), e.rec, e.reason_place_change) if ended_in_year else ("", "", "")
        )
        add(
            "Episodes",
            e.child_id,
            (e.started_on,),
            (
                fmt_date(e.started_on), e.rne, e.ls, e.cin, e.place, e.provider,
                *ending, e.home_postcode, e.placement_postcode, e.urn,
            ),
            e.pk,
        )  # fmt: skip
    for pk, child_id, held_on, participation in reviews:
        review = (born(child_id), fmt_date(held_on), participation)
        add("Reviews", child_id, (held_on,), review, pk)
    for pk, child_id, kind, began, ended in missing:
        episode = (born(child_id), kind, fmt_date(began), fmt_date(ended))
        add("Missing", child_id, (began,), episode, pk)
    for child_id in oc2_children:
        o = outcomes.get(child_id)
        items = (fmt_int(o[2]), o[3], *(fmt_flag(f) for f in o[4:12])) if o else ("",) * 10
        add("OC2", child_id, (), (born(child_id), *items), o[0] if o else None)
    for child_id in oc3_children:
        c = contacts.get(child_id)
        items = (c[2], c[3], c[4]) if c else ("", "", "")
        add("OC3", child_id, (), (born(child_id), *items), c[0] if c else None)
    for pk, child_id, best_interests, matched, foster, number, sex, status in matches.values():
        items = (fmt_date(best_interests), fmt_date(matched), fmt_flag(foster), fmt_int(number))
        add("AD1", child_id, (), (born(child_id), *items, sex, status), pk)
    for pk, child_id, decided, ceased, reason in decisions:
        items = (fmt_date(decided), fmt_date(ceased), reason)
        add("PlacedAdoption", child_id, (decided,), (born(child_id), *items), pk)
    for pk, child_id, kind, la, made_on, made_on_text in permanence.values():
        items = (kind, la, made_on_text or fmt_date(made_on))
        add("PrevPerm", child_id, (), (born(child_id), *items), pk)
    for pk, child_id, worker, began, ended, reason in workers:
        items = (worker, fmt_date(began), fmt_date(ended), reason)
        add("SWEpisodes", child_id, (began,), (born(child_id), *items), pk)

    for table in spec.tables:
        width = len(spec.tables[table].column_names)
        assert all(len(row) == width for _, row, _ in rows.get(table, [])), table
        ordered = sorted(rows.get(table, []), key=lambda item: item[0])
        out.rows[table] = [row for _, row, _ in ordered]
        out.records[table] = [pk for _, _, pk in ordered]
    return out


# ---------------------------------------------------------------- reading a return's tables


def frame_rows(data: Return903, table: str) -> Iterator[dict[str, Any]]:
    """A table of a read return as dicts: the columns' text (None when blank), each date
    column's parsed date under ``<COLUMN>__date``, and ``_row``."""
    frame: pl.DataFrame | None = data.tables.get(table)
    if frame is None:
        return iter(())
    return iter(frame.iter_rows(named=True))


def table_order() -> tuple[str, ...]:
    return TABLE_ORDER
