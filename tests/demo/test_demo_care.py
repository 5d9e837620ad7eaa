"""The demo's children looked after, care leavers, missing children, exploitation, LADO and
private fostering (small size): about 25 children in care today, episodes that chain and never
overlap, codes valid for every year an episode spans, the DfE's 903 rules passing on the demo's
own return, reviews and health checks after care starts, cases at "Looked after", postcodes with
centroids (and a few without), and a clean reset.

The small demo is built once for the module (a few seconds); each test runs in its own
transaction inside that one, so the test that resets the demo leaves it for the next.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Q

from masa.care import codes as dfe
from masa.care.clocks import review_timeliness
from masa.care.distance import distance_between, great_circle_miles
from masa.care.models import (
    Carer,
    CareReview,
    Episode,
    ExploitationScreening,
    HealthAndEducationEvent,
    HealthEventKind,
    LadoAllegation,
    MaceMeeting,
    MissingEpisode,
    MissingKind,
    PathwayPlan,
    PostcodeCentroid,
    PrivateFostering,
)
from masa.care.returns903 import Tables903, tables_for_year
from masa.core.calendar import ClockState, working_day_calendar
from masa.core.models import Partnership
from masa.demo.factories.base import REFERENCE_DATE
from masa.demo.factories.care import CENTROID_SOURCE, centroid_of
from masa.demo.generator import DEFAULT_SEED, generate, reset_demo_data
from masa.journey.models import Case, CaseTransition, ChronologyEntry, Stage
from masa.journey.transitions import is_allowed
from masa.people.models import Address, Child
from masa.returns.ssda903 import validate
from masa.returns.ssda903.spec import spec_for

pytestmark = pytest.mark.django_db
TODAY = REFERENCE_DATE  # Monday 23 November 2026
TOWN_CENTRE = (53.705, -2.155)  # Northbury, as the demo places it


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock(), transaction.atomic():
        generate("small", DEFAULT_SEED)
        yield
        transaction.set_rollback(True)


def by_child() -> dict[int, list[Episode]]:
    found: dict[int, list[Episode]] = defaultdict(list)
    for episode in Episode.objects.order_by("child_id", "started_on", "pk"):
        found[episode.child_id].append(episode)
    return found


def periods(episodes: list[Episode]) -> list[tuple[dt.date, dt.date | None]]:
    """(start, end) of each period of care in one child's episodes (end None: still in care)."""
    out: list[tuple[dt.date, dt.date | None]] = []
    for episode in episodes:
        if episode.reason_new_episode == dfe.STARTED_CARE:
            out.append((episode.started_on, None))
        if episode.ended_on is not None and episode.reason_ceased != dfe.CONTINUES:
            out[-1] = (out[-1][0], episode.ended_on)
    return out


def years_spanned(start: dt.date, end: dt.date | None) -> range:
    return range(dfe.collection_year(start), dfe.collection_year(end or TODAY) + 1)


def test_about_25_children_are_looked_after_today_with_starts_and_ceases(demo: None) -> None:
    current = Episode.objects.filter(ended_on__isnull=True)
    in_care = set(current.values_list("child_id", flat=True))

    assert 18 <= len(in_care) <= 30
    assert current.count() == len(in_care), "one open episode per child"
    year_ago = TODAY - dt.timedelta(days=365)
    starts = Episode.objects.filter(reason_new_episode="S", started_on__gt=year_ago).count()
    ceased = (
        Episode.objects.filter(ended_on__gt=year_ago)
        .exclude(reason_ceased__in=["", dfe.CONTINUES])
        .count()
    )
    assert starts >= 5 and ceased >= 1
    # Family and friends care is among the placements (Wigan 2023-24: 17% of them).
    assert current.filter(placement_type__in=dfe.FAMILY_AND_FRIENDS_PLACEMENTS).exists()
    assert Carer.objects.filter(kind="foster_carer").count() >= 8
    assert Carer.objects.filter(kind="childrens_home").exclude(urn="").exists()


def test_episodes_chain_without_overlaps_as_the_903_counts_them(demo: None) -> None:
    for child_id, episodes in by_child().items():
        assert episodes[0].reason_new_episode == dfe.STARTED_CARE, child_id
        for episode in episodes:
            assert episode.ended_on is None or episode.ended_on > episode.started_on, episode.pk
            assert episode.started_on <= TODAY
            assert (episode.ended_on is None) == (episode.reason_ceased == ""), episode.pk
        for before, after in itertools.pairwise(episodes):
            assert before.ended_on is not None, "only the last episode may be open"
            if before.reason_ceased == dfe.CONTINUES:
                assert after.started_on == before.ended_on, after.pk
                assert after.reason_new_episode != dfe.STARTED_CARE, after.pk
            else:
                # Care ceased: the next period starts on a later day, with "S".
                assert after.started_on > before.ended_on, after.pk
                assert after.reason_new_episode == dfe.STARTED_CARE, after.pk
            # A reason for every move between two settled placements, none around temporary
            # ones (DfE rules 225 and 226).
            moved = after.reason_new_episode in dfe.PLACEMENT_CHANGES
            settled = not {before.placement_type, after.placement_type} & (dfe.TEMPORARY_PLACEMENTS)
            needed = before.reason_ceased == dfe.CONTINUES and moved and settled
            assert bool(before.reason_place_change) == needed, before.pk
        # A child in care has the Children in Care Team's (or their own team's) case.
        assert all(e.case_id is not None for e in episodes)


def test_every_code_is_valid_for_each_year_an_episode_spans(demo: None) -> None:
    checked = 0
    for episode in Episode.objects.all():
        for year in years_spanned(episode.started_on, episode.ended_on):
            for field, code in (
                ("RNE", episode.reason_new_episode),
                ("LS", episode.legal_status),
                ("CIN", episode.category_of_need),
                ("PLACE", episode.placement_type),
            ):
                assert dfe.is_valid(field, code, year), (episode.pk, field, code, year)
            if episode.placement_provider:
                assert dfe.is_valid("PLACE_PROVIDER", episode.placement_provider, year)
            checked += 1
        if episode.ended_on is not None:
            year = dfe.collection_year(episode.ended_on)
            assert dfe.is_valid("REC", episode.reason_ceased, year), episode.pk
            if episode.reason_place_change:
                assert dfe.is_valid("REASON_PLACE_CHANGE", episode.reason_place_change, year)
    assert checked > 20


def as_at_year_end(tables: Tables903, year: int) -> Tables903:
    """The return as it stood on 31 March: an episode, missing episode or social worker spell
    that ended after the year is still open in that year's return."""
    end = dt.date(year, 3, 31)

    def later(text: str) -> bool:
        return bool(text) and dt.datetime.strptime(text, "%d/%m/%Y").date() > end

    for table, dated, blanked in (
        ("Episodes", "DEC", ("DEC", "REC", "REASON_PLACE_CHANGE")),
        ("Missing", "MIS_END", ("MIS_END",)),
        ("SWEpisodes", "SW_DEC", ("SW_DEC", "SW_REASON")),
    ):
        if table not in tables.rows:
            continue
        columns = tables.columns(table)
        at, clear = columns.index(dated), {columns.index(c) for c in blanked}
        tables.rows[table] = [
            tuple("" if later(row[at]) and i in clear else v for i, v in enumerate(row))
            for row in tables.rows[table]
        ]
    return tables


# Findings the demo cannot avoid, and why (reported to the lead):
# - 442: the 903 wants UN1-UN5 for a child without a UPN; the people domain leaves under-fives'
#   UPN blank and its tests require every UPN held to be a real one.
KNOWN = {"442"}


def test_the_demo_return_passes_the_dfe_rules_for_each_year(demo: None) -> None:
    partnership = Partnership.objects.get(slug="northbury")
    previous = None
    validated = 0
    for year in range(dfe.collection_year(TODAY) - 2, dfe.collection_year(TODAY) + 1):
        try:
            spec_for(year)
        except ValueError:
            continue  # no field specification for the year yet
        tables = as_at_year_end(tables_for_year(partnership.pk, year), year)
        data = tables.to_return()
        findings = [f for f in validate(data, previous=previous).findings if f.code not in KNOWN]
        assert not findings, [(f.code, f.child, f.table, f.row, f.message) for f in findings[:5]]
        validated += len(tables.rows.get("Episodes", []))
        previous = data
    assert validated >= 10


def test_reviews_and_health_checks_follow_the_start_of_care(demo: None) -> None:
    calendar = working_day_calendar()
    on_time = late = 0
    for child_id, episodes in by_child().items():
        child = Child.objects.get(pk=child_id)
        assert child.date_of_birth is not None
        held = list(
            CareReview.objects.filter(child_id=child_id).values_list("held_on", "participation")
        )
        for start, end in periods(episodes):
            within = sorted(h for h in held if start < h[0] and (end is None or h[0] < end))
            for state in review_timeliness(start, [h[0] for h in within], calendar):
                on_time += state.state == ClockState.MET
                late += state.state == ClockState.MISSED
            for day, participation in within:
                under_four = (day - child.date_of_birth).days < 4 * 365.25
                assert (participation == "PN0") == under_four, (child_id, day)
            if (end or TODAY) - start > dt.timedelta(days=60):
                assert within, f"child {child_id} in care from {start} has had a review"
        # Every review and health check falls inside one of the child's periods of care.
        spans = periods(episodes)
        for day in [h[0] for h in held] + list(
            HealthAndEducationEvent.objects.filter(child_id=child_id).values_list(
                "done_on", flat=True
            )
        ):
            assert any(a < day and (b is None or day < b) for a, b in spans), (child_id, day)
    assert on_time > 4 * late, "reviews are mostly on time"
    kinds = set(HealthAndEducationEvent.objects.values_list("kind", flat=True))
    assert {HealthEventKind.INITIAL_HEALTH_ASSESSMENT, HealthEventKind.PERSONAL_EDUCATION_PLAN} <= (
        kinds
    )


def test_children_in_care_have_their_case_at_the_looked_after_stage(demo: None) -> None:
    in_care = set(Episode.objects.filter(ended_on__isnull=True).values_list("child_id", flat=True))
    for child_id in in_care:
        case = Case.objects.select_related("child").get(child_id=child_id, stage=Stage.LOOKED_AFTER)
        assert case.closed_on is None
        assert case.team_id == case.child.owning_team_id
        assert case.worker_id == case.child.allocated_worker_id
    assert not Case.objects.filter(stage=Stage.LOOKED_AFTER).exclude(child_id__in=in_care)
    # Each period of care is one case: into "Looked after" on the first day, closed on the
    # last, by moves the stage table allows.
    for first in Episode.objects.filter(reason_new_episode="S").select_related("case"):
        moves = list(CaseTransition.objects.filter(case=first.case).order_by("pk"))
        into = [m for m in moves if m.to_stage == Stage.LOOKED_AFTER]
        assert len(into) == 1 and into[0].effective_on == first.started_on, first.pk
        assert is_allowed(Stage(into[0].from_stage), Stage.LOOKED_AFTER)
        line = ChronologyEntry.objects.get(record_type="care.episode", record_id=first.pk)
        assert line.summary == "Became looked after by the local authority"
        assert line.case_id == first.case_id and line.occurred_on == first.started_on
    for last in Episode.objects.exclude(reason_ceased__in=["", dfe.CONTINUES]).select_related(
        "case"
    ):
        closed = last.case
        assert closed is not None
        assert closed.stage == Stage.CLOSED and closed.closed_on == last.ended_on, last.pk


def test_postcodes_locate_homes_and_placements_near_and_far_and_a_few_not_at_all(
    demo: None,
) -> None:
    held = set(PostcodeCentroid.objects.values_list("postcode", flat=True))
    homes = set(Address.objects.values_list("postcode", flat=True))
    assert homes <= held, "every home postcode has a centroid"
    assert PostcodeCentroid.objects.filter(source=CENTROID_SOURCE).count() == len(held)
    # The borough's postcodes are within a few miles of the town centre; placements elsewhere
    # are 10 to 80 miles away, in outward areas no real postcode uses.
    for centroid in PostcodeCentroid.objects.filter(postcode__startswith="NB"):
        assert abs(float(centroid.latitude) - TOWN_CENTRE[0]) < 0.1
        assert abs(float(centroid.longitude) - TOWN_CENTRE[1]) < 0.15
    distances = [
        distance_between(e.home_postcode, e.placement_postcode)
        for e in Episode.objects.filter(ended_on__isnull=True)
    ]
    unknown = [d for d in distances if not d.known]
    assert 1 <= len(unknown) <= 3
    assert "masa holds no location for" in unknown[0].reason_unknown
    assert any(d.miles is not None and d.miles > 10 for d in distances)
    elsewhere = PostcodeCentroid.objects.exclude(postcode__startswith="NB")
    miles = [great_circle_miles(*TOWN_CENTRE, c.latitude, c.longitude) for c in elsewhere]
    assert miles and all(9 <= m <= 82 for m in miles)
    assert centroid_of("NB3 4AB") == centroid_of("NB3 4AB")  # the same place every time
    assert centroid_of("ZZ1 1AA") is None


def test_missing_episodes_show_repeats_shared_associates_and_timely_interviews(
    demo: None,
) -> None:
    episodes = list(MissingEpisode.objects.order_by("child_id", "started_at"))
    assert len(episodes) >= 10
    per_child: dict[int, list[MissingEpisode]] = defaultdict(list)
    for episode in episodes:
        per_child[episode.child_id].append(episode)
    # Repeat missing: three or more missing episodes within 90 days.
    assert any(
        (c[i + 2].started_at - c[i].started_at).days < 90
        for c in ([e for e in es if e.kind == MissingKind.MISSING] for es in per_child.values())
        for i in range(len(c) - 2)
    )
    # A teenager in care is missing right now (since last night).
    assert MissingEpisode.objects.filter(ended_at__isnull=True).exists()
    # One child is never missing twice at once.
    for child_episodes in per_child.values():
        for before, after in itertools.pairwise(child_episodes):
            assert before.ended_at is not None and before.ended_at <= after.started_at
    # The same associate appears in more than one child's episodes (a network to analyse).
    seen: dict[str, set[int]] = defaultdict(set)
    for episode in episodes:
        for name in episode.associates:
            seen[name].add(episode.child_id)
    assert any(len(children) >= 2 for name, children in seen.items() if "friend" not in name)
    # Return home interviews: mostly offered within 72 hours of the return.
    waits = [
        e.rhi_offered_at - e.ended_at
        for e in episodes
        if e.rhi_offered_at is not None and e.ended_at is not None
    ]
    assert waits and sum(w <= dt.timedelta(hours=72) for w in waits) >= 0.75 * len(waits)
    # "Away from placement" only for children looked after on the day.
    for episode in episodes:
        if episode.kind == MissingKind.AWAY:
            day = episode.started_at.date()
            assert Episode.objects.filter(
                Q(ended_on__isnull=True) | Q(ended_on__gte=day),
                child_id=episode.child_id,
                started_on__lte=day,
            ).exists()
    assert ExploitationScreening.objects.filter(risk__in=["medium", "high"]).exists()
    assert MaceMeeting.objects.filter(children__isnull=False).exists()


def test_lado_private_fostering_and_care_leavers(demo: None) -> None:
    allegations = list(LadoAllegation.objects.all())
    assert len(allegations) >= 3
    for a in allegations:
        if a.initial_consideration_on is not None:
            assert a.initial_consideration_on >= a.received_on
        assert a.outcome == "" or a.initial_consideration_on is not None
        assert a.closed_on is None or (a.outcome and a.outcome_on and a.closed_on >= a.outcome_on)
    assert Counter(a.lado.username for a in allegations) == {"lado": len(allegations)}

    arrangements = list(PrivateFostering.objects.prefetch_related("visits"))
    assert arrangements and any(a.ended_on is None for a in arrangements)
    for arrangement in arrangements:
        born = arrangement.child.date_of_birth
        assert born is not None
        assert (arrangement.proposed_start_on - born).days < 16 * 365
        visits = sorted(v.visited_on for v in arrangement.visits.all())
        assert visits and visits[0] >= arrangement.notified_on

    # Pathway plans are for young people in or leaving care, from their 14th birthday.
    for plan in PathwayPlan.objects.select_related("child"):
        born = plan.child.date_of_birth
        assert born is not None and (plan.agreed_on - born).days >= 14 * 365
        assert Episode.objects.filter(child=plan.child, started_on__lte=plan.agreed_on).exists()


def snapshot() -> tuple[Any, ...]:
    return (
        tuple(
            Episode.objects.order_by("child_id", "started_on").values_list(
                "child_id", "started_on", "reason_new_episode", "legal_status", "placement_type"
            )
        ),
        CareReview.objects.count(),
        MissingEpisode.objects.count(),
        LadoAllegation.objects.count(),
        PostcodeCentroid.objects.count(),
        tuple(Case.objects.filter(stage=Stage.LOOKED_AFTER).values_list("child_id", flat=True)),
    )


def test_reset_removes_the_care_records_and_rebuilding_gives_the_same_histories(
    demo: None,
) -> None:
    before = snapshot()

    reset_demo_data()

    assert not Episode.objects.exists()
    assert not Carer.objects.exists()
    assert not MissingEpisode.objects.exists()
    assert not LadoAllegation.objects.exists()
    assert not PostcodeCentroid.objects.filter(source=CENTROID_SOURCE).exists()

    generate("small", DEFAULT_SEED)
    assert snapshot() == before
