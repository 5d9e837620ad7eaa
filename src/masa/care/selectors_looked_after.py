"""Reads for children looked after: the child's care page, periods of care derived from the
episodes, the facts the clocks need (one set-based query for the work lists), the carers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from masa.core.calendar import working_day_calendar
from masa.core.models import Partnership, User
from masa.core.permissions import Permission
from masa.people.models import Address, Child
from masa.people.selectors import children_visible_to

from . import codes as dfe
from .clocks import CareClock, CareFacts, ReviewTimeliness, care_clocks, review_timeliness
from .distance import (
    Distance,
    centroids_for,
    distance_between,
    in_borough,
    is_family_and_friends,
    placements_in_year,
)
from .models import (
    AdoptionDecision,
    AdoptionMatch,
    AnnualOutcomes,
    CareProfile,
    Carer,
    CareReview,
    Episode,
    HealthAndEducationEvent,
    HealthEventKind,
    PreviousPermanence,
    SocialWorkerEpisode,
)


def child_for_care(user: User, child_id: int) -> Child:
    """The child, if the user may see the child's care record: children's social care (which
    holds it) with the child in scope. Anyone else gets the same 404 as a missing child."""
    if not user.has_masa_permission(Permission.VIEW_CHILD_RECORDS):
        raise Http404("No child found")
    if not user.in_childrens_social_care:
        raise Http404("No child found")
    child = children_visible_to(user).filter(pk=child_id).first()
    if child is None:
        raise Http404("No child found")
    return child


def episode_for_user(user: User, episode_id: int) -> Episode:
    episode = Episode.objects.filter(pk=episode_id).select_related("child", "carer").first()
    if episode is None:
        raise Http404("No episode found")
    child_for_care(user, episode.child_id)
    return episode


# ---------------------------------------------------------------- periods of care


@dataclass
class PeriodOfCare:
    """A period of care, derived: from an episode with RNE "S" to the first episode after it
    that ceased with a reason other than "X1" (or still open)."""

    episodes: list[Episode] = field(default_factory=list)

    @property
    def started_on(self) -> dt.date:
        return self.episodes[0].started_on

    @property
    def last(self) -> Episode:
        return self.episodes[-1]

    @property
    def ended_on(self) -> dt.date | None:
        last = self.last
        return None if last.reason_ceased == dfe.CONTINUES else last.ended_on

    @property
    def reason_ceased(self) -> str:
        return "" if self.ended_on is None else self.last.reason_ceased

    @property
    def is_open(self) -> bool:
        return self.last.ended_on is None


def periods_of_care(episodes: Iterable[Episode]) -> list[PeriodOfCare]:
    """Group a child's episodes (any order) into periods of care, oldest first. An episode that
    is not "S" but follows an ended period (imported data) starts a period of its own."""
    periods: list[PeriodOfCare] = []
    for episode in sorted(episodes, key=lambda e: (e.started_on, e.pk or 0)):
        current = periods[-1] if periods else None
        continues = (
            current is not None
            and episode.reason_new_episode != dfe.STARTED_CARE
            and current.last.reason_ceased in (dfe.CONTINUES, "")
        )
        if continues:
            assert current is not None
            current.episodes.append(episode)
        else:
            periods.append(PeriodOfCare([episode]))
    return periods


# ---------------------------------------------------------------- the facts for the clocks


def _in_period(model: type, date_field: str, **filters: object) -> QuerySet:
    return model._default_manager.filter(  # type: ignore[attr-defined]
        child_id=OuterRef("child_id"), **{f"{date_field}__gte": OuterRef("period_start")}, **filters
    )


def _first(queryset: QuerySet, date_field: str, offset: int = 0) -> Subquery:
    return Subquery(queryset.order_by(date_field).values(date_field)[offset : offset + 1])


def _latest(queryset: QuerySet, date_field: str) -> Subquery:
    return Subquery(queryset.order_by(f"-{date_field}").values(date_field)[:1])


HEALTH_ASSESSMENTS = (
    HealthEventKind.INITIAL_HEALTH_ASSESSMENT,
    HealthEventKind.REVIEW_HEALTH_ASSESSMENT,
)
EDUCATION_PLANS = (HealthEventKind.PERSONAL_EDUCATION_PLAN, HealthEventKind.PEP_REVIEW)


def open_episodes_with_care_facts(in_scope: Q) -> QuerySet[Episode]:
    """Every current episode (care not ceased) in scope, annotated with the facts its period's
    clocks need (``clocks.CARE_FACT_FIELDS``): one query, whatever the number of children."""
    period_start = Subquery(
        Episode.objects.filter(
            child_id=OuterRef("child_id"),
            reason_new_episode=dfe.STARTED_CARE,
            started_on__lte=OuterRef("started_on"),
        )
        .order_by("-started_on")
        .values("started_on")[:1]
    )
    reviews = _in_period(CareReview, "held_on")
    health = _in_period(HealthAndEducationEvent, "done_on", kind__in=HEALTH_ASSESSMENTS)
    plans = _in_period(HealthAndEducationEvent, "done_on", kind__in=EDUCATION_PLANS)
    return (
        Episode.objects.filter(in_scope, ended_on__isnull=True)
        .annotate(period_start=period_start)
        .annotate(
            first_review=_first(reviews, "held_on"),
            second_review=_first(reviews, "held_on", offset=1),
            last_review=_latest(reviews, "held_on"),
            last_health_assessment=_latest(health, "done_on"),
            last_pep=_latest(plans, "done_on"),
        )
    )


def facts_for_period(period: PeriodOfCare, child: Child) -> CareFacts:
    """The same facts as the query above, for one child's page."""
    start = period.started_on
    held = sorted(
        CareReview.objects.filter(child=child, held_on__gte=start).values_list("held_on", flat=True)
    )
    events = HealthAndEducationEvent.objects.filter(child=child, done_on__gte=start)
    health = events.filter(kind__in=HEALTH_ASSESSMENTS).order_by("-done_on").first()
    plan = events.filter(kind__in=EDUCATION_PLANS).order_by("-done_on").first()
    return CareFacts(
        period_start=start,
        date_of_birth=child.date_of_birth,
        first_review=held[0] if held else None,
        second_review=held[1] if len(held) > 1 else None,
        last_review=held[-1] if held else None,
        last_health_assessment=health.done_on if health else None,
        last_pep=plan.done_on if plan else None,
    )


# ---------------------------------------------------------------- the care page


@dataclass(frozen=True)
class EpisodeRow:
    episode: Episode
    year: int

    def described(self, field_name: str, code: str) -> str:
        return dfe.described(field_name, code, self.year)


@dataclass(frozen=True)
class CurrentPlacement:
    episode: Episode
    distance: Distance
    in_borough: bool | None
    family_and_friends: bool
    placements_this_year: int
    year: int


@dataclass(frozen=True)
class CarePage:
    child: Child
    profile: CareProfile | None
    periods: list[PeriodOfCare]
    episodes: list[EpisodeRow]
    current: CurrentPlacement | None
    clocks: list[CareClock]
    reviews: list[tuple[CareReview, ReviewTimeliness | None]]
    health_events: list[HealthAndEducationEvent]
    outcomes: list[AnnualOutcomes]
    adoption_decisions: list[AdoptionDecision]
    adoption_matches: list[AdoptionMatch]
    previous_permanence: list[PreviousPermanence]
    social_workers: list[SocialWorkerEpisode]
    la_code_known: bool


def partnership_la_code(partnership: Partnership) -> str:
    """The ONS code of the partnership's local authority, for "in borough" (blank: not known)."""
    return partnership.ons_code


def current_home_postcode(child: Child) -> str:
    address = (
        Address.objects.filter(child=child, to_date__isnull=True).order_by("-from_date").first()
    )
    return address.postcode if address else ""


def care_page(child: Child, *, today: dt.date, la_code: str | None = None) -> CarePage:
    episodes = list(
        Episode.objects.filter(child=child).select_related("carer").order_by("started_on", "pk")
    )
    periods = periods_of_care(episodes)
    code = partnership_la_code(child.partnership) if la_code is None else la_code
    current: CurrentPlacement | None = None
    clocks: list[CareClock] = []
    open_period = periods[-1] if periods and periods[-1].is_open else None
    calendar = working_day_calendar()
    if open_period is not None:
        now = open_period.last
        found = centroids_for([now.home_postcode, now.placement_postcode])
        year = dfe.collection_year(today)
        current = CurrentPlacement(
            episode=now,
            distance=distance_between(now.home_postcode, now.placement_postcode, found),
            in_borough=in_borough(now.placement_postcode, code, found),
            family_and_friends=is_family_and_friends(now.placement_type),
            placements_this_year=placements_in_year(episodes, year),
            year=year,
        )
        clocks = care_clocks(facts_for_period(open_period, child), today=today, calendar=calendar)
    reviews = list(CareReview.objects.filter(child=child).select_related("chaired_by"))
    timeliness: dict[int, ReviewTimeliness] = {}
    for period in periods:
        in_period = [
            r
            for r in reviews
            if r.held_on >= period.started_on
            and (period.ended_on is None or r.held_on <= period.ended_on)
        ]
        for review, judged in zip(
            in_period,
            review_timeliness(period.started_on, [r.held_on for r in in_period], calendar),
            strict=True,
        ):
            timeliness[review.pk] = judged
    return CarePage(
        child=child,
        profile=CareProfile.objects.filter(child=child).first(),
        periods=periods,
        episodes=[EpisodeRow(e, dfe.collection_year(e.started_on)) for e in episodes],
        current=current,
        clocks=clocks,
        reviews=[(r, timeliness.get(r.pk)) for r in reversed(reviews)],
        health_events=list(
            HealthAndEducationEvent.objects.filter(child=child).order_by("-done_on", "-pk")
        ),
        outcomes=list(AnnualOutcomes.objects.filter(child=child).order_by("-year_ending")),
        adoption_decisions=list(AdoptionDecision.objects.filter(child=child)),
        adoption_matches=list(AdoptionMatch.objects.filter(child=child).order_by("matched_on")),
        previous_permanence=list(PreviousPermanence.objects.filter(child=child)),
        social_workers=list(
            SocialWorkerEpisode.objects.filter(child=child).select_related("worker")
        ),
        la_code_known=bool(code),
    )


def carers_for(partnership_id: int, *, current_only: bool = False) -> QuerySet[Carer]:
    carers = Carer.objects.filter(partnership_id=partnership_id)
    if current_only:
        carers = carers.filter(ended_on__isnull=True)
    return carers.order_by("name", "pk")
