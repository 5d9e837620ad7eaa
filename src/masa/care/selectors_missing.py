"""Reads for missing children: the child's episodes and their return home interview clocks, the
list of open episodes and interviews due, and the pattern analysis across children.

Every read is scoped by ``masa.people.selectors.children_visible_to``: a police officer sees the
episodes of the children their force works with, a social worker those of their agency's children.
Associates and exploitation concerns are shown only to users with ``VIEW_EXPLOITATION``; the pages
ask ``can_see_exploitation``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from masa.core.calendar import ClockState
from masa.core.models import User
from masa.core.permissions import Permission
from masa.core.presenters import govuk_datetime
from masa.people.models import Child
from masa.people.selectors import children_visible_to

from . import patterns
from .models import ExploitationScreening, MissingEpisode, MissingKind

RHI_GUIDANCE = "Children who run away or go missing from home or care (DfE, January 2014)"
# The list shows interviews not yet offered for returns in this many days; older ones are counted
# on the patterns page (as offered late or not offered) rather than listed for action.
RHI_LIST_DAYS = 30
LIST_LIMIT = 500
VALUE_FIELDS = (
    "id",
    "child_id",
    "kind",
    "started_at",
    "ended_at",
    "last_seen_location",
    "found_location",
    "associates",
    "exploitation_concern",
    "rhi_offered_at",
    "rhi_accepted",
    "rhi_held_on",
)


def can_see_exploitation(user: User) -> bool:
    return user.has_masa_permission(Permission.VIEW_EXPLOITATION)


def child_for_missing(user: User, child_id: int) -> Child:
    """The child if the user may see them; otherwise the same 404 as a child that does not
    exist."""
    child = children_visible_to(user).filter(pk=child_id).first()
    if child is None:
        raise Http404("No child found")
    return child


def episode_for_user(user: User, episode_id: int) -> MissingEpisode:
    episode = (
        MissingEpisode.objects.filter(pk=episode_id, child__in=children_visible_to(user))
        .select_related("child", "reported_by_agency")
        .first()
    )
    if episode is None:
        raise Http404("No missing episode found")
    return episode


# ---------------------------------------------------------------- the return home interview clock


@dataclass(frozen=True)
class RhiClock:
    """The return home interview offer: 72 hours (elapsed, not working days) from the return."""

    returned_at: dt.datetime
    due_at: dt.datetime
    offered_at: dt.datetime | None
    state: ClockState

    def explanation(self) -> str:
        text = (
            f"Return home interview offer: {patterns.RHI_HOURS} hours from the child's return on "
            f"{govuk_datetime(self.returned_at)}, due {govuk_datetime(self.due_at)}. Counted in "
            "hours, not working days: weekends and bank holidays count. Rule: statutory guidance, "
            f"{RHI_GUIDANCE}."
        )
        local_return = timezone.localtime(self.returned_at)
        local_due = timezone.localtime(self.due_at)
        if local_return.utcoffset() != local_due.utcoffset():
            text += " The clocks change in these 72 hours, so the time shown moves by an hour."
        return text

    @property
    def hours_left(self) -> float:
        return (self.due_at - timezone.now()).total_seconds() / 3600


def rhi_clock(episode: MissingEpisode, now: dt.datetime | None = None) -> RhiClock | None:
    """The clock of a missing episode that has ended; none for an away-from-placement episode
    (the guidance asks for interviews after missing episodes) or one still open."""
    if episode.kind != MissingKind.MISSING or episode.ended_at is None:
        return None
    return rhi_clock_for(episode.ended_at, episode.rhi_offered_at, now)


def rhi_clock_for(
    ended_at: dt.datetime, offered_at: dt.datetime | None, now: dt.datetime | None = None
) -> RhiClock:
    due = patterns.rhi_due(ended_at)
    current = now or timezone.now()
    if offered_at is not None:
        state = ClockState.MET if offered_at <= due else ClockState.MISSED
    else:
        state = ClockState.DUE if current <= due else ClockState.OVERDUE
    return RhiClock(ended_at, due, offered_at, state)


# ---------------------------------------------------------------- the child's page


@dataclass(frozen=True)
class EpisodeLine:
    episode: MissingEpisode
    clock: RhiClock | None

    @property
    def hours(self) -> float | None:
        e = self.episode
        return None if e.ended_at is None else (e.ended_at - e.started_at).total_seconds() / 3600


@dataclass(frozen=True)
class AssociateLine:
    """An associate named in the child's episodes, and the other children (that the user may
    see) whose episodes name them too."""

    name: str
    episodes: int
    others: list[Child]


@dataclass
class ChildMissing:
    child: Child
    lines: list[EpisodeLine]
    patterns: patterns.Patterns
    associates: list[AssociateLine] = field(default_factory=list)
    screening: ExploitationScreening | None = None

    @property
    def open(self) -> MissingEpisode | None:
        return next((line.episode for line in self.lines if line.episode.ended_at is None), None)

    @property
    def summary(self) -> dict[str, Any] | None:
        return self.patterns.child(self.child.pk)


def _frame(episodes: QuerySet[MissingEpisode]) -> pl.DataFrame:
    return patterns.episodes_frame(episodes.values(*VALUE_FIELDS))


def _screenings(child_ids: Any) -> pl.DataFrame:
    return patterns.screenings_frame(
        ExploitationScreening.objects.filter(child_id__in=child_ids).values(
            "child_id", "screened_on", "risk"
        )
    )


def child_missing(user: User, child: Child, now: dt.datetime | None = None) -> ChildMissing:
    episodes = list(
        MissingEpisode.objects.filter(child=child)
        .select_related("reported_by_agency", "recorded_by")
        .order_by("-started_at", "-pk")
    )
    lines = [EpisodeLine(e, rhi_clock(e, now)) for e in episodes]
    own = _frame(MissingEpisode.objects.filter(child=child))
    exploitation = can_see_exploitation(user)
    screenings = _screenings([child.pk]) if exploitation else None
    found = ChildMissing(child, lines, patterns.analyse(own, screenings))
    if exploitation:
        found.screening = (
            ExploitationScreening.objects.filter(child=child)
            .order_by("-screened_on", "-pk")
            .first()
        )
        found.associates = _associates(user, child, own)
    return found


def _associates(user: User, child: Child, own: pl.DataFrame) -> list[AssociateLine]:
    """The child's associates, each with the other visible children whose episodes name them."""
    named = patterns.associates_of(own, child.pk)
    if not named:
        return []
    visible = children_visible_to(user)
    # Only episodes naming someone can share an associate; the frame does the matching.
    others = MissingEpisode.objects.filter(child__in=visible).exclude(child=child)
    frame = pl.concat([own, _frame(others.exclude(associates=[]))])
    shared = {
        patterns.normalise_text(s.name): [c for c in s.children if c != child.pk]
        for s in patterns.shared_associates(frame)
        if child.pk in s.children
    }
    ids = {c for other in shared.values() for c in other}
    by_id = {c.pk: c for c in visible.filter(pk__in=ids)} if ids else {}
    return [
        AssociateLine(
            name,
            n,
            [by_id[c] for c in shared.get(patterns.normalise_text(name), []) if c in by_id],
        )
        for name, n in named
    ]


# ---------------------------------------------------------------- the list: open and due


@dataclass(frozen=True)
class MissingList:
    open_episodes: list[MissingEpisode]
    rhis_due: list[tuple[MissingEpisode, RhiClock]]
    team_only: bool

    @property
    def overdue(self) -> int:
        return sum(1 for _, clock in self.rhis_due if clock.state == ClockState.OVERDUE)


def _scope(user: User, team_only: bool) -> QuerySet[Child]:
    visible = children_visible_to(user)
    if team_only and user.team_id is not None:
        visible = visible.filter(owning_team_id=user.team_id)
    return visible


def missing_list(user: User, *, team_only: bool, now: dt.datetime | None = None) -> MissingList:
    current = now or timezone.now()
    team_only = team_only and user.team_id is not None
    in_scope = MissingEpisode.objects.filter(child__in=_scope(user, team_only)).select_related(
        "child", "child__allocated_worker", "reported_by_agency"
    )
    open_episodes = list(in_scope.filter(ended_at__isnull=True).order_by("started_at")[:LIST_LIMIT])
    due = in_scope.filter(
        kind=MissingKind.MISSING,
        ended_at__isnull=False,
        ended_at__gte=current - dt.timedelta(days=RHI_LIST_DAYS),
        rhi_offered_at__isnull=True,
    ).order_by("ended_at")[:LIST_LIMIT]
    rhis = [(e, rhi_clock_for(e.ended_at, None, current)) for e in due if e.ended_at is not None]
    return MissingList(open_episodes, rhis, team_only)


# ---------------------------------------------------------------- patterns across children


@dataclass(frozen=True)
class PatternsPage:
    start: dt.date
    end: dt.date
    patterns: patterns.Patterns
    children: dict[int, Child]

    def name(self, child_id: int) -> str:
        child = self.children.get(child_id)
        return child.full_name if child else "A child you cannot see"


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def patterns_across(user: User, *, start: dt.date, end: dt.date) -> PatternsPage:
    """Episodes that began from ``start`` to ``end`` (inclusive, England's dates) for every child
    the user may see; exploitation screenings only for users who may see them."""
    visible = children_visible_to(user)
    episodes = MissingEpisode.objects.filter(
        Q(started_at__gte=_day_start(start)) & Q(started_at__lt=_day_start(end + dt.timedelta(1))),
        child__in=visible,
    )
    frame = _frame(episodes)
    with_episodes = visible.filter(pk__in=episodes.values("child_id"))
    screenings = _screenings(with_episodes.values("pk")) if can_see_exploitation(user) else None
    found = patterns.analyse(frame, screenings)
    children = {c.pk: c for c in with_episodes}
    return PatternsPage(start, end, found, children)
