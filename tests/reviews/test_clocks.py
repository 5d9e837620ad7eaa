"""Case review clocks on worked examples with England bank holidays; the partnership's own
settings (two partnerships, one case, different due dates); pauses; the report counted back from
publication; overdue steps on the business manager's home page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from masa.core.calendar import ClockState
from masa.core.models import AgencyKind, Partnership
from masa.journey.models import ClockSetting
from masa.reviews.models import (
    CaseReview,
    HarmOutcome,
    PauseReason,
    ReviewDecision,
    ReviewPause,
    ReviewSettings,
    ReviewStatus,
)
from masa.reviews.selectors import (
    dashboard_panel,
    overdue_steps,
    review_clocks,
)
from tests.conftest import World
from tests.factories import AgencyFactory, PartnershipFactory, UserFactory
from tests.reviews_factories import make_review

pytestmark = pytest.mark.django_db

# Thursday 2 April 2026: Good Friday (3 April) and Easter Monday (6 April) follow.
EASTER_THURSDAY = dt.date(2026, 4, 2)


def _clock(review: CaseReview, code: str, today: dt.date | None = None) -> Any:
    clocks = {c.code: c for c in review_clocks(review, today or dt.date(2026, 11, 23))}
    return clocks[code]


def _notifiable(world: World, **fields: Any) -> CaseReview:
    return make_review(
        world,
        status=fields.pop("status", ReviewStatus.ACKNOWLEDGED),
        notifiable=True,
        **fields,
    )


# ---------------------------------------------------------------- worked examples


def test_acknowledgement_is_due_3_working_days_after_the_referral_skipping_easter(
    world: World,
) -> None:
    review = make_review(world, incident_date=dt.date(2026, 4, 1), referred_on=EASTER_THURSDAY)
    clock = _clock(review, "review_acknowledge", today=dt.date(2026, 4, 9))
    # Tue 7, Wed 8, Thu 9 April: Good Friday and Easter Monday are not counted.
    assert clock.due == dt.date(2026, 4, 9)
    assert clock.state == ClockState.DUE
    assert clock.owner == "The business unit"
    assert "Good Friday (3 April 2026)" in clock.explanation
    assert "Easter Monday (6 April 2026)" in clock.explanation
    assert _clock(review, "review_acknowledge", today=dt.date(2026, 4, 10)).state == (
        ClockState.OVERDUE
    )


def test_notification_and_rapid_review_count_from_awareness_over_easter(world: World) -> None:
    review = _notifiable(world, incident_date=dt.date(2026, 4, 1), aware_on=EASTER_THURSDAY)
    notification = _clock(review, "review_notification")
    rapid = _clock(review, "rapid_review")
    assert notification.due == dt.date(2026, 4, 13)  # 7, 8, 9, 10, 13 April
    assert notification.owner == "The local authority"
    assert rapid.due == dt.date(2026, 4, 27)  # 15 working days, Easter skipped
    assert rapid.owner == "The safeguarding partners"
    assert "from the date the partners became aware" in rapid.explanation


def test_may_2026_bank_holidays_move_the_rapid_review(world: World) -> None:
    review = _notifiable(world, incident_date=dt.date(2026, 4, 30), aware_on=dt.date(2026, 5, 1))
    rapid = _clock(review, "rapid_review")
    # Friday 1 May: the early May bank holiday (4 May) and the spring bank holiday (25 May)
    # are not counted, so day 15 is Tuesday 26 May.
    assert rapid.due == dt.date(2026, 5, 26)
    assert "May Day (4 May 2026)" in rapid.explanation
    assert "Spring Bank Holiday (25 May 2026)" in rapid.explanation


def test_christmas_2026_moves_the_notification_into_january(world: World) -> None:
    review = _notifiable(world, incident_date=dt.date(2026, 12, 22), aware_on=dt.date(2026, 12, 23))
    notification = _clock(review, "review_notification")
    # Thu 24, Tue 29, Wed 30, Thu 31 December, Mon 4 January: Christmas Day, Boxing Day
    # (observed on Monday 28 December) and New Year's Day are not counted.
    assert notification.due == dt.date(2027, 1, 4)
    assert "Boxing Day (observed) (28 December 2026)" in notification.explanation
    assert "New Year's Day (1 January 2027)" in notification.explanation


def test_a_clock_is_met_or_missed_once_its_step_is_done(world: World) -> None:
    review = _notifiable(
        world,
        status=ReviewStatus.NOTIFIED,
        incident_date=dt.date(2026, 4, 1),
        aware_on=EASTER_THURSDAY,
        acknowledged_on=dt.date(2026, 4, 10),
        referred_on=EASTER_THURSDAY,
        notified_on=dt.date(2026, 4, 13),
    )
    assert _clock(review, "review_notification").state == ClockState.MET
    acknowledge = _clock(review, "review_acknowledge")
    assert (acknowledge.state, acknowledge.done_on) == (ClockState.MISSED, dt.date(2026, 4, 10))


def test_the_panel_response_is_28_calendar_days_from_sending_the_rapid_review(
    world: World,
) -> None:
    review = _notifiable(
        world,
        status=ReviewStatus.RAPID_REVIEW_SENT,
        notified_on=dt.date(2026, 3, 6),
        rapid_review_meeting_on=dt.date(2026, 3, 17),
        rapid_review_sent_on=dt.date(2026, 3, 20),
    )
    response = _clock(review, "panel_response")
    assert response.due == dt.date(2026, 4, 17)
    assert response.owner == "The national Panel"


# ---------------------------------------------------------------- two partnerships


def _same_case_in(partnership: Partnership, world: World) -> CaseReview:
    """The same case (aware on Thursday 2 April 2026, notified Friday 10 April) elsewhere."""
    return CaseReview.objects.create(
        partnership=partnership,
        anonymised_name="Child K",
        status=ReviewStatus.NOTIFIED,
        referred_by=world.users["health_safeguarding_practitioner"],
        referring_agency=world.agencies[AgencyKind.HEALTH],
        referred_on=EASTER_THURSDAY,
        incident_date=dt.date(2026, 4, 1),
        aware_on=EASTER_THURSDAY,
        harm_outcome=HarmOutcome.SERIOUS_HARM,
        referral_reason="Serious injury to a baby.",
        notifiable=True,
        notified_on=dt.date(2026, 4, 10),
    )


def test_two_partnerships_with_different_settings_get_different_due_dates_for_one_case(
    world: World,
) -> None:
    other = PartnershipFactory(name="Westmere Partnership", short_name="WP", slug="westmere")
    other_manager = UserFactory(
        role="business_manager",
        agency=AgencyFactory(partnership=other, kind=AgencyKind.PARTNERSHIP_UNIT),
    )
    # Westmere acknowledges in 5 working days, not 3, and counts the rapid review from the
    # notification (Panel guidance) rather than from awareness (Working Together).
    ClockSetting.objects.create(
        partnership=other,
        code="review_acknowledge",
        duration=5,
        unit="working days",
        changed_by=other_manager,
    )
    ReviewSettings.objects.create(
        partnership=other,
        rapid_review_starts=ReviewSettings.RapidReviewStart.NOTIFIED,
        changed_by=other_manager,
    )
    here = _same_case_in(world.partnership, world)
    there = _same_case_in(other, world)

    assert _clock(here, "review_acknowledge").due == dt.date(2026, 4, 9)
    assert _clock(there, "review_acknowledge").due == dt.date(2026, 4, 13)
    assert _clock(here, "rapid_review").due == dt.date(2026, 4, 27)
    # From Friday 10 April: 15 working days is Friday 1 May.
    there_rapid = _clock(there, "rapid_review")
    assert there_rapid.due == dt.date(2026, 5, 1)
    assert "from the date the notification was sent" in there_rapid.explanation
    # The statutory notification clock is the same everywhere.
    assert _clock(here, "review_notification").due == _clock(there, "review_notification").due


def test_counting_from_the_notification_waits_for_the_notification(world: World) -> None:
    ReviewSettings.objects.create(
        partnership=world.partnership,
        rapid_review_starts=ReviewSettings.RapidReviewStart.NOTIFIED,
        changed_by=world.users["business_manager"],
    )
    review = _notifiable(world)
    codes = [c.code for c in review_clocks(review, dt.date(2026, 3, 4))]
    assert "rapid_review" not in codes
    assert "review_notification" in codes


# ---------------------------------------------------------------- completion, pauses, report


def _lcspr(world: World, **fields: Any) -> CaseReview:
    return _notifiable(
        world,
        status=fields.pop("status", ReviewStatus.COMMISSIONED),
        notified_on=dt.date(2026, 3, 6),
        rapid_review_meeting_on=dt.date(2026, 3, 17),
        rapid_review_sent_on=dt.date(2026, 3, 20),
        decision=ReviewDecision.LCSPR,
        decision_on=dt.date(2026, 3, 20),
        **fields,
    )


def test_the_completion_clock_is_6_months_from_the_decision(world: World) -> None:
    review = _lcspr(world)
    clock = _clock(review, "review_publication", today=dt.date(2026, 9, 20))
    assert clock.due == dt.date(2026, 9, 20)
    assert clock.state == ClockState.DUE
    assert clock.owner == "The reviewer"
    notice = _clock(review, "commissioning_notice")
    assert notice.due == dt.date(2026, 3, 27)  # 5 working days after Friday 20 March


def test_a_pause_for_a_criminal_trial_moves_the_completion_date_on(world: World) -> None:
    review = _lcspr(world)
    ReviewPause.objects.create(
        review=review,
        reason=PauseReason.CRIMINAL_TRIAL,
        detail="Trial listed for July",
        started_on=dt.date(2026, 6, 1),
        ended_on=dt.date(2026, 7, 12),
        recorded_by=world.users["business_manager"],
    )
    clock = _clock(review, "review_publication", today=dt.date(2026, 10, 1))
    # 20 September 2026 plus 41 days paused.
    assert clock.due == dt.date(2026, 10, 31)
    assert clock.state == ClockState.DUE
    assert "paused 41 days for the criminal trial" in clock.explanation
    assert "20 September 2026" in clock.explanation


def test_an_open_pause_keeps_the_completion_clock_from_running_out(world: World) -> None:
    review = _lcspr(world)
    ReviewPause.objects.create(
        review=review,
        reason=PauseReason.INQUEST,
        detail="Waiting for the inquest",
        started_on=dt.date(2026, 9, 1),
        recorded_by=world.users["business_manager"],
    )
    clock = _clock(review, "review_publication", today=dt.date(2026, 11, 23))
    # Paused 83 days so far (1 September to 23 November): due 12 December 2026.
    assert clock.due == dt.date(2026, 12, 12)
    assert clock.state == ClockState.DUE
    assert "still paused" in clock.explanation


def test_the_report_deadline_counts_back_7_working_days_from_publication_over_easter(
    world: World,
) -> None:
    review = _lcspr(
        world,
        status=ReviewStatus.REPORT_COMPLETED,
        report_completed_on=dt.date(2026, 3, 30),
        planned_publication_on=dt.date(2026, 4, 15),
    )
    clock = _clock(review, "report_to_panel", today=dt.date(2026, 4, 1))
    # Back from Wednesday 15 April: 14, 13, (Easter Monday, Good Friday), 10, 9, 8, 7, 2 April.
    assert clock.due == dt.date(2026, 4, 2)
    assert clock.owner == "The business unit"
    assert "counted back, so by 2 April 2026" in clock.explanation
    assert "Good Friday (3 April 2026)" in clock.explanation


def test_a_withdrawn_review_owes_nothing(world: World) -> None:
    review = make_review(world, status=ReviewStatus.WITHDRAWN, withdrawn_on=dt.date(2026, 3, 4))
    assert review_clocks(review, dt.date(2026, 11, 23)) == []
    assert overdue_steps(world.partnership.pk, dt.date(2026, 11, 23)) == []


# ---------------------------------------------------------------- overdue across the partnership


def test_overdue_steps_list_every_live_review_s_overdue_clocks(world: World) -> None:
    make_review(world, anonymised_name="Child K", referred_on=dt.date(2026, 3, 3))
    make_review(
        world,
        anonymised_name="Child L",
        child=world.la_only_child,
        status=ReviewStatus.ACKNOWLEDGED,
        acknowledged_on=dt.date(2026, 3, 4),
        notifiable=False,
    )
    steps = overdue_steps(world.partnership.pk, dt.date(2026, 3, 20))
    # Child K is not yet triaged, so the local authority's notification clock runs too.
    assert [(s.review.anonymised_name, s.clock.code, s.clock.due) for s in steps] == [
        ("Child K", "review_acknowledge", dt.date(2026, 3, 6)),
        ("Child K", "review_notification", dt.date(2026, 3, 10)),
    ]
    assert steps[0].days_overdue == 14


def test_the_dashboard_panel_is_for_the_business_unit_and_overseers(world: World) -> None:
    make_review(world, referred_on=dt.date(2026, 3, 3))
    today = dt.date(2026, 3, 20)
    panel = dashboard_panel(world.users["business_manager"], today)
    assert panel is not None and panel["count"] == 2
    scrutineer = dashboard_panel(world.users["independent_scrutineer"], today)
    assert scrutineer is not None and scrutineer["count"] == 2
    assert dashboard_panel(world.users["social_worker"], today) is None


def test_the_home_page_lists_an_overdue_review_step(world: World, client_for: Any) -> None:
    make_review(world, referred_on=dt.date(2026, 3, 3))  # acknowledgement was due 6 March
    page = client_for("business_manager").get("/").content.decode()
    assert "Case reviews" in page
    assert "Case review referral acknowledged" in page
    assert "Child K" in page
    assert "6 March 2026" in page
    assert "Kira Holt" not in page
    assert "Case review referral acknowledged" not in (
        client_for("social_worker").get("/").content.decode()
    )
