"""Reads for early help, always through the child's scope for the asking user."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Max, QuerySet
from django.http import Http404

from masa.core.calendar import (
    Clock,
    ClockRule,
    ClockState,
    compute_clock,
    working_day_calendar,
)
from masa.core.models import User
from masa.core.permissions import ROLES, Permission
from masa.journey.clocks import rules_for_partnership
from masa.people.selectors import children_visible_to

if TYPE_CHECKING:
    from masa.frontdoor.models import Referral

from .models import EarlyHelpEndReason, EarlyHelpEpisode


def episodes_visible_to(user: User) -> QuerySet[EarlyHelpEpisode]:
    return EarlyHelpEpisode.objects.filter(child__in=children_visible_to(user))


def episode_for_user(user: User, episode_id: int) -> EarlyHelpEpisode:
    """The episode if the user may see its child; otherwise the same 404 as a missing one."""
    episode = (
        episodes_visible_to(user)
        .filter(pk=episode_id)
        .select_related("child", "case", "lead_agency", "lead_professional", "recorded_by")
        .first()
    )
    if episode is None:
        raise Http404("No early help found")
    return episode


@dataclass(frozen=True)
class EpisodeClock:
    clock: Clock
    state: ClockState
    done_on: dt.date | None


def episode_clocks(
    episode: EarlyHelpEpisode,
    *,
    today: dt.date,
    last_review: dt.date | None,
    rules: dict[str, ClockRule] | None = None,
) -> list[EpisodeClock]:
    """The assessment clock (met or missed once done) and, with a plan, the next review's.

    A list passes the partnership's ``rules`` once, so its queries do not grow with its length.
    """
    rules = rules or rules_for_partnership(episode.child.partnership_id)
    calendar = working_day_calendar()
    done = episode.assessment_completed_on
    assessment = compute_clock(rules["early_help_assessment"], episode.started_on, calendar)
    clocks = [EpisodeClock(assessment, assessment.state(today, done_on=done), done)]
    if episode.plan_agreed_on is not None and episode.ended_on is None:
        review = compute_clock(
            rules["early_help_review"], last_review or episode.plan_agreed_on, calendar
        )
        clocks.append(EpisodeClock(review, review.state(today), None))
    return clocks


def open_episodes(user: User) -> QuerySet[EarlyHelpEpisode]:
    return (
        episodes_visible_to(user)
        .filter(ended_on__isnull=True)
        .annotate(last_review=Max("reviews__held_on"))
        .select_related("child", "lead_agency", "lead_professional")
        .order_by("started_on", "id")
    )


EARLY_HELP_ROLES = [
    code for code, role in ROLES.items() if Permission.RECORD_EARLY_HELP in role.permissions
]


def lead_professionals(partnership_id: int) -> QuerySet[User]:
    """Anyone in the partnership, from any agency, whose role records early help."""
    return (
        User.objects.filter(
            agency__partnership_id=partnership_id, role__in=EARLY_HELP_ROLES, is_active=True
        )
        .select_related("agency")
        .order_by("agency__name", "last_name", "first_name")
    )


def step_up_referral(episode: EarlyHelpEpisode) -> Referral | None:
    """The referral a step-up made (dated the day early help ended)."""
    from masa.frontdoor.models import Referral

    if episode.end_reason != EarlyHelpEndReason.STEPPED_UP or episode.ended_on is None:
        return None
    return (
        Referral.objects.filter(child_id=episode.child_id, referral_date=episode.ended_on)
        .order_by("-pk")
        .first()
    )
