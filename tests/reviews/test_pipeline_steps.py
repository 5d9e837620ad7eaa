"""The case review pipeline's steps through its services: each step's happy path and refusal
(out of order with the reason, dates before the incident or in the future, the step before),
versions, transitions (who, when, why) and audit rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from masa.core.models import AgencyKind, AuditEvent
from masa.core.services import ServiceError, StaleVersion
from masa.reviews import services
from masa.reviews.models import (
    CaseReview,
    HarmOutcome,
    IncidentNotification,
    PanelResponse,
    PauseReason,
    RedactionTerm,
    ReviewChild,
    ReviewCommission,
    ReviewDecision,
    ReviewGroupMember,
    ReviewGroupRole,
    ReviewSettings,
    ReviewStatus,
    ReviewTransition,
)
from masa.reviews.services import NotificationDetails, Step, step_refusal
from tests.conftest import World
from tests.factories import UserFactory
from tests.reviews_factories import make_review

pytestmark = pytest.mark.django_db

INCIDENT = dt.date(2026, 3, 2)  # Monday 2 March 2026
S = ReviewStatus


def _fresh(review: CaseReview) -> CaseReview:
    return CaseReview.objects.get(pk=review.pk)


def _details(**overrides: Any) -> NotificationDetails:
    fields: dict[str, Any] = {
        "notifying_local_authority": "Testshire Council",
        "incident_location": "The family home, Testshire",
        "incident_summary": "A baby of 4 months was taken to hospital with a fractured skull.",
        "notifier_name": "Pat Manager",
        "notifier_role": "Head of safeguarding",
        "abuse_category": "P",
        "on_protection_plan": True,
    }
    fields.update(overrides)
    return NotificationDetails(**fields)


def _refused(call: Any, **kwargs: Any) -> ServiceError:
    with pytest.raises(ServiceError) as caught:
        call(**kwargs)
    return caught.value


# ---------------------------------------------------------------- the whole pipeline


def test_a_local_review_goes_from_referral_to_publication(world: World) -> None:
    health = world.users["health_safeguarding_practitioner"]
    bm = world.users["business_manager"]
    review = services.review_refer(
        actor=health,
        child=world.child,
        incident_date=INCIDENT,
        aware_on=dt.date(2026, 3, 3),
        harm_outcome=HarmOutcome.SERIOUS_HARM,
        abuse_or_neglect_suspected=True,
        referral_reason="Baby admitted with a fractured skull; injuries unexplained.",
        referred_on=dt.date(2026, 3, 3),
    )
    assert review.anonymised_name == "Child A"
    assert review.status == S.REFERRED
    assert review.referring_agency == world.agencies[AgencyKind.HEALTH]
    subject = ReviewChild.objects.get(review=review)
    assert (subject.child, subject.is_subject, subject.anonymised_name) == (
        world.child,
        True,
        "Child A",
    )
    assert ReviewGroupMember.objects.get(review=review, user=health).role == (
        ReviewGroupRole.REFERRER
    )

    review = services.review_acknowledge(
        actor=bm, review=review, acknowledged_on=dt.date(2026, 3, 4), version=review.version
    )
    assert review.lead == bm
    assert ReviewGroupMember.objects.get(review=review, user=bm).role == ReviewGroupRole.LEAD
    review = services.review_triage_notifiable(
        actor=bm,
        review=review,
        notifiable=True,
        reason="Serious harm; physical abuse suspected.",
        version=review.version,
    )
    review = services.review_notify(
        actor=bm,
        review=review,
        notified_on=dt.date(2026, 3, 6),
        details=_details(),
        version=review.version,
    )
    notification = IncidentNotification.objects.get(review=review)
    assert notification.submitted_on == dt.date(2026, 3, 6)
    assert notification.on_protection_plan and notification.abuse_category == "P"
    review = services.review_partners_told(
        actor=bm, review=review, told_on=dt.date(2026, 3, 6), version=review.version
    )
    review = services.review_rapid_review_sent(
        actor=bm,
        review=review,
        meeting_on=dt.date(2026, 3, 17),
        sent_on=dt.date(2026, 3, 20),
        version=review.version,
    )
    review = services.review_decide(
        actor=bm,
        review=review,
        decision=ReviewDecision.LCSPR,
        reason="Agencies did not share what they knew.",
        decided_on=dt.date(2026, 3, 20),
        version=review.version,
    )
    review = services.review_panel_response(
        actor=bm,
        review=review,
        response=PanelResponse.AGREES,
        responded_on=dt.date(2026, 4, 10),
        version=review.version,
    )
    commission = services.review_commission(
        actor=bm,
        review=review,
        reviewer_name="Sam Reviewer",
        commissioned_on=dt.date(2026, 4, 20),
        terms_of_reference="Information sharing before the injury.",
        methodology="Systems approach.",
        family_involvement="Mother and grandmother invited.",
        agreed_fee=Decimal("6500.00"),
        planned_completion_on=dt.date(2026, 9, 1),
        commissioning_notice_sent_on=dt.date(2026, 3, 24),
        version=review.version,
    )
    review = _fresh(review)
    assert review.commissioning_notice_sent_on == dt.date(2026, 3, 24)
    assert commission.agreed_fee == Decimal("6500.00")
    services.review_cost_add(
        actor=bm,
        review=review,
        description="Reviewer's fee, first half",
        amount=Decimal("3250"),
        incurred_on=dt.date(2026, 5, 1),
        version=review.version,
    )
    review = _fresh(review)
    pause = services.review_pause_start(
        actor=bm,
        review=review,
        reason=PauseReason.CRIMINAL_TRIAL,
        detail="Trial of the father listed for July.",
        started_on=dt.date(2026, 6, 1),
        version=review.version,
    )
    review = _fresh(review)
    services.review_pause_end(
        actor=bm, review=review, pause=pause, ended_on=dt.date(2026, 7, 12), version=review.version
    )
    review = _fresh(review)
    review = services.review_report_completed(
        actor=bm,
        review=review,
        completed_on=dt.date(2026, 9, 1),
        sent_to_panel_on=dt.date(2026, 9, 2),
        planned_publication_on=dt.date(2026, 9, 14),
        version=review.version,
    )
    review = services.review_publish(
        actor=bm,
        review=review,
        published_on=dt.date(2026, 9, 14),
        publication_url="https://www.testshire.gov.uk/reviews/child-a",
        version=review.version,
    )
    review = _fresh(review)
    assert review.status == S.PUBLISHED
    moves = list(
        ReviewTransition.objects.filter(review=review).values_list(
            "from_status", "to_status", "on", "by__username"
        )
    )
    assert moves == [
        ("", S.REFERRED, dt.date(2026, 3, 3), "health_safeguarding_practitioner"),
        (S.REFERRED, S.ACKNOWLEDGED, dt.date(2026, 3, 4), "business_manager"),
        (S.ACKNOWLEDGED, S.NOTIFIED, dt.date(2026, 3, 6), "business_manager"),
        (S.NOTIFIED, S.RAPID_REVIEW_SENT, dt.date(2026, 3, 20), "business_manager"),
        (S.RAPID_REVIEW_SENT, S.DECIDED, dt.date(2026, 3, 20), "business_manager"),
        (S.DECIDED, S.COMMISSIONED, dt.date(2026, 4, 20), "business_manager"),
        (S.COMMISSIONED, S.REPORT_COMPLETED, dt.date(2026, 9, 1), "business_manager"),
        (S.REPORT_COMPLETED, S.PUBLISHED, dt.date(2026, 9, 14), "business_manager"),
    ]
    decision = ReviewTransition.objects.get(review=review, to_status=S.DECIDED)
    assert decision.reason == (
        "Local child safeguarding practice review: Agencies did not share what they knew."
    )
    # Every step is in the audit log, under the anonymised name only.
    labels = list(
        AuditEvent.objects.filter(object_type="case_review", object_id=str(review.pk))
        .order_by("id")
        .values_list("object_label", flat=True)
    )
    assert "Case review Child A: referred for consideration" in labels
    assert "Case review Child A: Panel's response" in labels
    assert "Case review Child A: pause ended" in labels
    assert not [label for label in labels if "Kira" in label]


def test_a_non_notifiable_case_goes_to_a_local_decision_and_is_closed(world: World) -> None:
    bm = world.users["business_manager"]
    review = make_review(world, status=S.ACKNOWLEDGED, acknowledged_on=dt.date(2026, 3, 4))
    review = services.review_triage_notifiable(
        actor=bm,
        review=review,
        notifiable=False,
        reason="No abuse or neglect suspected: an accident.",
        version=review.version,
    )
    review = services.review_decide(
        actor=bm,
        review=review,
        decision=ReviewDecision.NO_FURTHER_REVIEW,
        reason="Single-agency learning only.",
        decided_on=dt.date(2026, 3, 10),
        version=review.version,
    )
    review = services.review_close(
        actor=bm, review=review, closed_on=dt.date(2026, 3, 11), version=review.version
    )
    assert (review.status, review.closed_on) == (S.CLOSED, dt.date(2026, 3, 11))
    assert ReviewTransition.objects.get(review=review, to_status=S.CLOSED).reason == (
        "No further review"
    )


# ---------------------------------------------------------------- out of order


def test_a_step_out_of_order_is_refused_naming_the_stage_and_the_next_step(world: World) -> None:
    review = make_review(world)
    error = _refused(
        services.review_notify,
        actor=world.users["business_manager"],
        review=review,
        notified_on=dt.date(2026, 3, 6),
        details=_details(),
        version=review.version,
    )
    assert error.message == (
        "Child K's review is at 'Referred for consideration': acknowledge the referral first"
    )
    assert _fresh(review).status == S.REFERRED
    assert not IncidentNotification.objects.exists()


def test_a_step_already_past_is_refused(world: World) -> None:
    review = make_review(world, status=S.ACKNOWLEDGED, acknowledged_on=dt.date(2026, 3, 4))
    error = _refused(
        services.review_acknowledge,
        actor=world.users["business_manager"],
        review=review,
        acknowledged_on=dt.date(2026, 3, 5),
        version=review.version,
    )
    assert error.message == (
        "Child K's review is at 'Acknowledged': the acknowledgement can no longer be recorded"
    )


def test_review_move_refuses_a_move_not_in_the_table(world: World) -> None:
    review = make_review(world)
    error = _refused(
        services.review_move,
        actor=world.users["business_manager"],
        review=review,
        to_status=S.PUBLISHED,
        on=dt.date(2026, 3, 5),
    )
    assert "acknowledge the referral first" in error.message
    assert not ReviewTransition.objects.filter(review=review).exists()


def test_a_rapid_review_cannot_be_sent_without_a_notification(world: World) -> None:
    review = make_review(
        world, status=S.ACKNOWLEDGED, acknowledged_on=dt.date(2026, 3, 4), notifiable=True
    )
    error = _refused(
        services.review_rapid_review_sent,
        actor=world.users["business_manager"],
        review=review,
        meeting_on=dt.date(2026, 3, 17),
        sent_on=dt.date(2026, 3, 20),
        version=review.version,
    )
    assert error.message == (
        "A rapid review cannot be sent to the Panel without a serious incident notification: "
        "notify the Panel first"
    )


def test_notifying_needs_the_triage_answer_first(world: World) -> None:
    review = make_review(world, status=S.ACKNOWLEDGED, acknowledged_on=dt.date(2026, 3, 4))
    error = _refused(
        services.review_notify,
        actor=world.users["business_manager"],
        review=review,
        notified_on=dt.date(2026, 3, 6),
        details=_details(),
        version=review.version,
    )
    assert error.message == (
        "Child K's review is at 'Acknowledged': record whether the case is notifiable first"
    )


def test_a_notifiable_case_cannot_skip_the_rapid_review_to_a_decision(world: World) -> None:
    review = make_review(
        world, status=S.ACKNOWLEDGED, acknowledged_on=dt.date(2026, 3, 4), notifiable=True
    )
    error = _refused(
        services.review_decide,
        actor=world.users["business_manager"],
        review=review,
        decision=ReviewDecision.OTHER_LEARNING,
        reason="Brief learning review",
        decided_on=dt.date(2026, 3, 10),
        version=review.version,
    )
    assert "notify the Panel and send the rapid review before recording the decision" in (
        error.message
    )


def test_a_case_not_notified_cannot_be_decided_as_an_lcspr(world: World) -> None:
    review = make_review(
        world, status=S.ACKNOWLEDGED, acknowledged_on=dt.date(2026, 3, 4), notifiable=False
    )
    error = _refused(
        services.review_decide,
        actor=world.users["business_manager"],
        review=review,
        decision=ReviewDecision.LCSPR,
        reason="Learning",
        decided_on=dt.date(2026, 3, 10),
        version=review.version,
    )
    assert error.field == "decision"


def test_the_death_of_a_looked_after_child_is_always_notifiable(world: World) -> None:
    review = make_review(
        world,
        status=S.ACKNOWLEDGED,
        acknowledged_on=dt.date(2026, 3, 4),
        harm_outcome=HarmOutcome.DIED,
        abuse_or_neglect_suspected=False,
    )
    error = _refused(
        services.review_triage_notifiable,
        actor=world.users["business_manager"],
        review=review,
        notifiable=False,
        child_looked_after=True,
        reason="No abuse or neglect suspected",
        version=review.version,
    )
    assert error.message.startswith(
        "The death of a looked-after child must be notified whether or not abuse or neglect is "
        "suspected"
    )
    assert error.field == "notifiable"
    review = services.review_triage_notifiable(
        actor=world.users["business_manager"],
        review=review,
        notifiable=True,
        child_looked_after=True,
        reason="Looked-after child died",
        version=review.version,
    )
    assert review.notifiable is True


def test_a_decision_of_an_lcspr_is_commissioned_not_closed(world: World) -> None:
    review = make_review(
        world,
        status=S.DECIDED,
        decision=ReviewDecision.LCSPR,
        decision_on=dt.date(2026, 3, 20),
    )
    error = _refused(
        services.review_close,
        actor=world.users["business_manager"],
        review=review,
        closed_on=dt.date(2026, 3, 21),
        version=review.version,
    )
    assert "commission the review rather than closing the case" in error.message
    no_review = make_review(
        world,
        anonymised_name="Child L",
        child=world.la_only_child,
        status=S.DECIDED,
        decision=ReviewDecision.NO_FURTHER_REVIEW,
        decision_on=dt.date(2026, 3, 20),
    )
    error = _refused(
        services.review_commission,
        actor=world.users["business_manager"],
        review=no_review,
        reviewer_name="A Reviewer",
        commissioned_on=dt.date(2026, 3, 25),
        terms_of_reference="ToR",
        methodology="Method",
        family_involvement="Family",
        version=no_review.version,
    )
    assert "there is no review to commission" in error.message


def test_only_the_business_unit_runs_the_pipeline(world: World) -> None:
    review = make_review(world)
    error = _refused(
        services.review_acknowledge,
        actor=world.users["team_manager"],
        review=review,
        acknowledged_on=dt.date(2026, 3, 4),
        version=review.version,
    )
    assert error.message == "Only the partnership's business unit can run the case review pipeline"


# ---------------------------------------------------------------- dates


def test_a_review_date_before_the_incident_is_refused(world: World) -> None:
    review = make_review(
        world,
        status=S.ACKNOWLEDGED,
        acknowledged_on=dt.date(2026, 3, 4),
        notifiable=True,
        aware_on=INCIDENT,
    )
    error = _refused(
        services.review_notify,
        actor=world.users["business_manager"],
        review=review,
        notified_on=dt.date(2026, 3, 1),
        details=_details(),
        version=review.version,
    )
    assert error.message == "The notification date must be on or after the incident on 2 March 2026"
    assert error.field == "notified_on"


def test_a_review_date_in_the_future_is_refused(world: World) -> None:
    review = make_review(world)
    error = _refused(
        services.review_acknowledge,
        actor=world.users["business_manager"],
        review=review,
        acknowledged_on=timezone.localdate() + dt.timedelta(days=1),
        version=review.version,
    )
    assert error.message == "The acknowledgement date must be today or in the past"


def test_a_step_cannot_be_dated_before_the_step_before_it(world: World) -> None:
    review = make_review(world, referred_on=dt.date(2026, 3, 5))
    error = _refused(
        services.review_acknowledge,
        actor=world.users["business_manager"],
        review=review,
        acknowledged_on=dt.date(2026, 3, 4),
        version=review.version,
    )
    assert error.message == (
        "The acknowledgement date must be on or after the referral on 5 March 2026"
    )
    notified = make_review(
        world,
        anonymised_name="Child L",
        child=world.la_only_child,
        status=S.NOTIFIED,
        notifiable=True,
        notified_on=dt.date(2026, 3, 10),
    )
    error = _refused(
        services.review_rapid_review_sent,
        actor=world.users["business_manager"],
        review=notified,
        meeting_on=dt.date(2026, 3, 17),
        sent_on=dt.date(2026, 3, 16),
        version=notified.version,
    )
    assert error.message == (
        "The date the rapid review was sent must be on or after the meeting on 17 March 2026"
    )


def test_a_referral_dated_before_the_incident_or_in_the_future_is_refused(world: World) -> None:
    refer = {
        "actor": world.users["health_safeguarding_practitioner"],
        "child": world.child,
        "incident_date": INCIDENT,
        "aware_on": dt.date(2026, 3, 3),
        "harm_outcome": HarmOutcome.SERIOUS_HARM,
        "abuse_or_neglect_suspected": True,
        "referral_reason": "Serious injury",
        "referred_on": dt.date(2026, 3, 3),
    }
    error = _refused(services.review_refer, **{**refer, "aware_on": dt.date(2026, 3, 1)})
    assert error.message == (
        "The date the local authority became aware must be on or after the incident on 2 March 2026"
    )
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    error = _refused(services.review_refer, **{**refer, "incident_date": tomorrow})
    assert error.message == "The date of the incident must be today or in the past"
    assert not CaseReview.objects.exists()


def test_a_partner_can_refer_only_a_child_they_can_see(world: World) -> None:
    error = _refused(
        services.review_refer,
        actor=world.users["designated_safeguarding_lead"],
        child=world.la_only_child,  # known to the local authority only
        incident_date=INCIDENT,
        aware_on=INCIDENT,
        harm_outcome=HarmOutcome.SERIOUS_HARM,
        abuse_or_neglect_suspected=True,
        referral_reason="Injury",
        referred_on=INCIDENT,
    )
    assert error.message == "No child you can see has that masa ID"


# ---------------------------------------------------------------- names


def test_letters_run_a_to_z_then_aa() -> None:
    assert [services._letters(i) for i in (0, 1, 25, 26, 27, 51, 52, 701, 702)] == [
        "A",
        "B",
        "Z",
        "AA",
        "AB",
        "AZ",
        "BA",
        "ZZ",
        "AAA",
    ]


def test_the_next_anonymised_name_skips_names_used_in_the_partnership(world: World) -> None:
    make_review(world, anonymised_name="Child A")
    make_review(world, anonymised_name="Child B", child=world.la_only_child)
    make_review(world, anonymised_name="Child D", child=world.la_only_child)
    assert services.next_anonymised_name(world.partnership.pk) == "Child C"
    for index in range(26):
        letter = chr(ord("A") + index)
        if letter not in "ABD":
            make_review(world, anonymised_name=f"Child {letter}", child=world.la_only_child)
    assert services.next_anonymised_name(world.partnership.pk) == "Child AA"


# ---------------------------------------------------------------- rapid review, Panel, report


def test_a_panel_query_needs_what_the_panel_said(world: World) -> None:
    review = make_review(
        world,
        status=S.RAPID_REVIEW_SENT,
        notifiable=True,
        notified_on=dt.date(2026, 3, 6),
        rapid_review_meeting_on=dt.date(2026, 3, 17),
        rapid_review_sent_on=dt.date(2026, 3, 20),
    )
    error = _refused(
        services.review_panel_response,
        actor=world.users["business_manager"],
        review=review,
        response=PanelResponse.QUERIES,
        responded_on=dt.date(2026, 4, 10),
        version=review.version,
    )
    assert error.field == "note"
    error = _refused(
        services.review_panel_response,
        actor=world.users["business_manager"],
        review=review,
        response=PanelResponse.AGREES,
        responded_on=dt.date(2026, 3, 19),
        version=review.version,
    )
    assert error.message == (
        "The date of the Panel's response must be on or after the rapid review was sent on "
        "20 March 2026"
    )


def _report_completed(world: World, **fields: Any) -> CaseReview:
    return make_review(
        world,
        status=S.REPORT_COMPLETED,
        notifiable=True,
        notified_on=dt.date(2026, 3, 6),
        rapid_review_meeting_on=dt.date(2026, 3, 17),
        rapid_review_sent_on=dt.date(2026, 3, 20),
        decision=ReviewDecision.LCSPR,
        decision_on=dt.date(2026, 3, 20),
        report_completed_on=dt.date(2026, 3, 30),
        **fields,
    )


def test_publication_is_refused_less_than_7_working_days_after_the_report_reached_the_panel(
    world: World,
) -> None:
    review = _report_completed(world, report_sent_to_panel_on=dt.date(2026, 4, 2))
    error = _refused(
        services.review_publish,
        actor=world.users["business_manager"],
        review=review,
        published_on=dt.date(2026, 4, 14),
        publication_url="https://www.testshire.gov.uk/reviews/child-k",
        version=review.version,
    )
    # Sent on Thursday 2 April: Good Friday and Easter Monday are not working days.
    assert error.message == (
        "The final report must reach the Panel and DfE at least 7 working days before "
        "publication: it was sent on 2 April 2026, so publish on or after 15 April 2026"
    )
    review = services.review_publish(
        actor=world.users["business_manager"],
        review=review,
        published_on=dt.date(2026, 4, 15),
        publication_url="https://www.testshire.gov.uk/reviews/child-k",
        version=review.version,
    )
    assert review.status == S.PUBLISHED


def test_an_lcspr_is_not_published_before_its_report_is_sent(world: World) -> None:
    review = _report_completed(world)
    error = _refused(
        services.review_publish,
        actor=world.users["business_manager"],
        review=review,
        published_on=dt.date(2026, 4, 30),
        publication_url="https://www.testshire.gov.uk/reviews/child-k",
        version=review.version,
    )
    assert error.message.startswith(
        "Record the date the final report was sent to the Panel and DfE first"
    )
    error = _refused(
        services.review_publish,
        actor=world.users["business_manager"],
        review=review,
        published_on=dt.date(2026, 4, 30),
        publication_url="not a web address",
        version=review.version,
    )
    assert error.field == "publication_url"


def test_a_planned_publication_too_soon_after_sending_the_report_is_refused(world: World) -> None:
    review = make_review(
        world,
        status=S.COMMISSIONED,
        notifiable=True,
        decision=ReviewDecision.LCSPR,
        decision_on=dt.date(2026, 3, 20),
    )
    error = _refused(
        services.review_report_completed,
        actor=world.users["business_manager"],
        review=review,
        completed_on=dt.date(2026, 3, 30),
        sent_to_panel_on=dt.date(2026, 4, 2),
        planned_publication_on=dt.date(2026, 4, 10),
        version=review.version,
    )
    assert error.field == "planned_publication_on"
    assert "publish on or after 15 April 2026" in error.message
    review = services.review_report_completed(
        actor=world.users["business_manager"],
        review=review,
        completed_on=dt.date(2026, 3, 30),
        planned_publication_on=timezone.localdate() + dt.timedelta(days=60),
        version=review.version,
    )
    assert review.status == S.REPORT_COMPLETED  # a planned date may be in the future


def test_not_publishing_needs_a_reason(world: World) -> None:
    review = _report_completed(world)
    error = _refused(
        services.review_not_published,
        actor=world.users["business_manager"],
        review=review,
        reason="  ",
        decided_on=dt.date(2026, 4, 1),
        version=review.version,
    )
    assert (error.message, error.field) == (
        "Enter why the review will not be published",
        "reason",
    )
    review = services.review_not_published(
        actor=world.users["business_manager"],
        review=review,
        reason="Publication would identify the surviving siblings.",
        decided_on=dt.date(2026, 4, 1),
        version=review.version,
    )
    assert review.status == S.NOT_PUBLISHED
    assert review.not_published_reason == "Publication would identify the surviving siblings."


# ---------------------------------------------------------------- pauses


def test_one_pause_at_a_time_and_no_report_while_paused(world: World) -> None:
    bm = world.users["business_manager"]
    review = make_review(
        world,
        status=S.COMMISSIONED,
        decision=ReviewDecision.LCSPR,
        decision_on=dt.date(2026, 3, 20),
    )
    pause = services.review_pause_start(
        actor=bm,
        review=review,
        reason=PauseReason.INQUEST,
        detail="Inquest opened and adjourned",
        started_on=dt.date(2026, 5, 1),
        version=review.version,
    )
    review = _fresh(review)
    assert step_refusal(review, Step.PAUSE) == (
        "Child K's review has been paused since 1 May 2026: end that pause first"
    )
    error = _refused(
        services.review_report_completed,
        actor=bm,
        review=review,
        completed_on=dt.date(2026, 6, 1),
        version=review.version,
    )
    assert error.message == (
        "Child K's review is paused (coroner's inquest, since 1 May 2026): end the pause first"
    )
    error = _refused(
        services.review_pause_end,
        actor=bm,
        review=review,
        pause=pause,
        ended_on=dt.date(2026, 4, 30),
        version=review.version,
    )
    assert error.message == (
        "The date the pause ended must be on or after the start of the pause on 1 May 2026"
    )
    services.review_pause_end(
        actor=bm, review=review, pause=pause, ended_on=dt.date(2026, 6, 1), version=review.version
    )
    review = _fresh(review)
    error = _refused(
        services.review_pause_start,
        actor=bm,
        review=review,
        reason=PauseReason.CRIMINAL_TRIAL,
        detail="Trial",
        started_on=dt.date(2026, 5, 20),
        version=review.version,
    )
    assert error.message == (
        "The date the pause started must be on or after the end of the last pause on 1 June 2026"
    )


# ---------------------------------------------------------------- withdrawal


def test_withdrawing_needs_a_reason_and_deletes_nothing(world: World) -> None:
    bm = world.users["business_manager"]
    review = make_review(world)
    error = _refused(
        services.review_withdraw,
        actor=bm,
        review=review,
        withdrawn_on=dt.date(2026, 3, 5),
        reason="",
        version=review.version,
    )
    assert (error.message, error.field) == ("Enter why the review is being withdrawn", "reason")
    review = services.review_withdraw(
        actor=bm,
        review=review,
        withdrawn_on=dt.date(2026, 3, 5),
        reason="Referred in error: the wrong child.",
        version=review.version,
    )
    review = _fresh(review)
    assert (review.status, review.withdrawn_reason) == (
        S.WITHDRAWN,
        "Referred in error: the wrong child.",
    )
    assert ReviewChild.objects.filter(review=review).exists()
    assert step_refusal(review, Step.COST) == (
        "Child K's review was withdrawn: nothing more can be recorded on it"
    )
    # Its name stays taken.
    assert services.next_anonymised_name(world.partnership.pk) == "Child A"
    make_review(world, anonymised_name="Child A", child=world.la_only_child)
    assert services.next_anonymised_name(world.partnership.pk) == "Child B"


def test_a_published_review_cannot_be_withdrawn(world: World) -> None:
    review = make_review(world, status=S.PUBLISHED)
    error = _refused(
        services.review_withdraw,
        actor=world.users["business_manager"],
        review=review,
        withdrawn_on=dt.date(2026, 3, 5),
        reason="Change of mind",
        version=review.version,
    )
    assert (
        error.message
        == "Child K's review is at 'Published': a withdrawal can no longer be recorded"
    )


# ---------------------------------------------------------------- versions and audit


def test_a_step_on_a_review_someone_else_changed_is_refused(world: World) -> None:
    bm = world.users["business_manager"]
    review = make_review(world)
    seen = review.version
    services.review_cost_add(
        actor=bm,
        review=review,
        description="Venue for the rapid review",
        amount=Decimal("120"),
        incurred_on=dt.date(2026, 3, 10),
        version=seen,
    )
    with pytest.raises(StaleVersion):
        services.review_acknowledge(
            actor=bm, review=review, acknowledged_on=dt.date(2026, 3, 4), version=seen
        )
    assert _fresh(review).status == S.REFERRED
    assert _fresh(review).version == seen + 1


def test_a_step_writes_its_audit_row_and_the_move(world: World) -> None:
    review = make_review(world)
    before = AuditEvent.objects.count()
    services.review_acknowledge(
        actor=world.users["business_manager"],
        review=review,
        acknowledged_on=dt.date(2026, 3, 4),
        version=review.version,
    )
    rows = list(AuditEvent.objects.order_by("id")[before:])
    assert [(r.object_label, r.after) for r in rows] == [
        (
            "Case review Child K: acknowledged",
            {"acknowledged_on": "2026-03-04", "lead": world.users["business_manager"].pk},
        ),
        (
            "Case review Child K: moved to 'Acknowledged'",
            {"status": "acknowledged", "on": "2026-03-04"},
        ),
    ]
    assert rows[1].before == {"status": "referred"}
    assert {r.child_id for r in rows} == {world.child.pk}


def test_a_refused_step_writes_nothing(world: World) -> None:
    review = make_review(world)
    before = AuditEvent.objects.count()
    with pytest.raises(ServiceError):
        services.review_close(
            actor=world.users["business_manager"],
            review=review,
            closed_on=dt.date(2026, 3, 4),
            version=review.version,
        )
    assert AuditEvent.objects.count() == before
    assert _fresh(review).version == review.version


# ---------------------------------------------------------------- costs, redaction, settings


def test_costs_need_an_amount_above_nothing(world: World) -> None:
    review = make_review(world)
    error = _refused(
        services.review_cost_add,
        actor=world.users["business_manager"],
        review=review,
        description="Venue",
        amount=Decimal("0"),
        incurred_on=dt.date(2026, 3, 10),
        version=review.version,
    )
    assert (error.message, error.field) == ("The amount must be more than £0", "amount")


def test_a_redaction_term_is_added_once(world: World) -> None:
    bm = world.users["business_manager"]
    review = make_review(world)
    services.redaction_term_add(
        actor=bm, review=review, term="Northbury High", replacement="[the school]", version=1
    )
    error = _refused(
        services.redaction_term_add,
        actor=bm,
        review=review,
        term="northbury high",
        version=2,
    )
    assert error.message == "'northbury high' is already taken out of this review"
    assert RedactionTerm.objects.get(review=review).replacement == "[the school]"
    # The term itself may be a name: the audit log does not repeat it.
    assert not [event for event in AuditEvent.objects.all() if "Northbury" in str(event.after)]


def test_the_partnership_chooses_when_the_rapid_review_clock_starts(world: World) -> None:
    bm = world.users["business_manager"]
    settings = services.review_settings_set(
        actor=bm, rapid_review_starts=ReviewSettings.RapidReviewStart.NOTIFIED
    )
    assert settings.rapid_review_starts == "notified"
    error = _refused(
        services.review_settings_set, actor=world.users["team_manager"], rapid_review_starts="aware"
    )
    assert "business unit" in error.message
    other_manager = UserFactory(role="business_manager", agency=bm.agency)
    services.review_settings_set(actor=other_manager, rapid_review_starts="aware")
    assert ReviewSettings.objects.get(partnership=world.partnership).rapid_review_starts == "aware"
    assert ReviewCommission.objects.count() == 0
