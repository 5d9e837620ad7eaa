"""The case review pages: the list and its CSV, referring a case, the review with its timeline
and clocks, the step forms (errors, refusals, version conflicts), settings, and who sees the
children's names (only the review group)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client

from masa.core.models import AgencyKind, AuditEvent, User
from masa.reviews.models import (
    CaseReview,
    PauseReason,
    ReviewCost,
    ReviewDecision,
    ReviewPause,
    ReviewSettings,
    ReviewStatus,
)
from tests.conftest import World, signed_in_client
from tests.factories import UserFactory
from tests.frontdoor.factories import date_fields
from tests.reviews_factories import make_review

pytestmark = pytest.mark.django_db

S = ReviewStatus
NAMED_REASON = "Kira Holt was taken to hospital with a fractured skull; Kira's father was home."


def _outsider_manager(world: World) -> User:
    """A business manager who is not in Child K's review group."""
    return UserFactory(
        username="second.manager",
        role="business_manager",
        agency=world.agencies[AgencyKind.PARTNERSHIP_UNIT],
    )


def _text(response: Any) -> str:
    return response.content.decode()


# ---------------------------------------------------------------- who sees names


def test_a_scrutineer_sees_child_k_and_never_the_child_s_name(
    world: World, client_for: Any
) -> None:
    review = make_review(world, referral_reason=NAMED_REASON)
    client = client_for("independent_scrutineer")
    listing = _text(client.get("/reviews/"))
    detail = _text(client.get(f"/reviews/{review.pk}/"))
    for page in (listing, detail):
        assert "Child K" in page
        assert "Kira" not in page and "Holt" not in page
        assert world.child.masa_id not in page
    assert f"/children/{world.child.pk}/" not in detail
    # The referral reason is shown with the names taken out.
    assert "Child K was taken to hospital with a fractured skull" in detail


def test_a_business_manager_outside_the_review_group_sees_child_k_only(world: World) -> None:
    review = make_review(world, referral_reason=NAMED_REASON)
    client = signed_in_client(_outsider_manager(world))
    detail = _text(client.get(f"/reviews/{review.pk}/"))
    assert "Child K" in detail
    assert "Kira Holt" not in detail
    assert "You are not in this review's group" in detail
    assert "Kira" not in _text(client.get("/reviews/"))
    # No audit of a view of the child's name: none was shown.
    assert not AuditEvent.objects.filter(action="view", object_type="case_review").exists()


def test_the_review_group_sees_who_the_child_is(world: World, client_for: Any) -> None:
    review = make_review(world, referral_reason=NAMED_REASON)
    detail = _text(client_for("team_manager").get(f"/reviews/{review.pk}/"))
    assert "Kira Holt" in detail
    assert world.child.masa_id in detail
    assert f"/children/{world.child.pk}/" in detail
    assert NAMED_REASON.replace("'", "&#39;") in detail
    assert "Kira Holt" in _text(client_for("team_manager").get("/reviews/"))
    seen = AuditEvent.objects.get(action="view", object_type="case_review")
    assert (seen.actor, seen.child_id) == (world.users["team_manager"], world.child.pk)


def test_a_practitioner_outside_the_group_gets_not_found(world: World, client_for: Any) -> None:
    review = make_review(world)
    assert client_for("social_worker").get(f"/reviews/{review.pk}/").status_code == 404
    assert "Child K" not in _text(client_for("social_worker").get("/reviews/"))
    assert client_for("system_administrator").get("/reviews/").status_code == 403


# ---------------------------------------------------------------- the list and CSV


def test_the_list_shows_overdue_reviews_first_with_their_next_deadline(
    world: World, client_for: Any
) -> None:
    make_review(
        world,
        anonymised_name="Child L",
        child=world.la_only_child,
        status=S.CLOSED,
        decision=ReviewDecision.NO_FURTHER_REVIEW,
        decision_on=dt.date(2026, 3, 5),
        notifiable=False,
        acknowledged_on=dt.date(2026, 3, 4),
    )
    make_review(world, referred_on=dt.date(2026, 3, 3))
    page = _text(client_for("business_manager").get("/reviews/"))
    assert page.index("Child K") < page.index("Child L")
    assert "Case review referral acknowledged: due 6 March 2026" in page
    assert "Overdue" in page
    assert "Refer a case" in page
    filtered = _text(client_for("business_manager").get("/reviews/?stage=closed"))
    assert "Child L" in filtered and "Child K" not in filtered


def test_the_csv_has_anonymised_names_only_and_no_formulas(world: World, client_for: Any) -> None:
    make_review(world, anonymised_name="=HYPERLINK(1)", referral_reason=NAMED_REASON)
    response = client_for("business_manager").get("/reviews/reviews.csv")
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:3] == ["Review", "Stage", "Next step"]
    assert rows[1][0] == "'=HYPERLINK(1)"
    assert rows[1][1] == "Referred for consideration"
    assert "Kira" not in body and "Holt" not in body
    assert AuditEvent.objects.filter(action="export", object_type="case_review_list").exists()


# ---------------------------------------------------------------- referring


def _refer_form(world: World, **overrides: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "child_id": world.child.masa_id,
        **date_fields("incident_date", dt.date(2026, 3, 2)),
        **date_fields("aware_on", dt.date(2026, 3, 3)),
        **date_fields("referred_on", dt.date(2026, 3, 3)),
        "harm_outcome": "serious_harm",
        "abuse_or_neglect_suspected": "yes",
        "referral_reason": "Fractured skull, unexplained.",
    }
    form.update(overrides)
    return form


def test_a_partner_refers_a_case_and_joins_its_group(world: World, client_for: Any) -> None:
    client = client_for("health_safeguarding_practitioner")
    assert client.get("/reviews/refer/").status_code == 200
    response = client.post("/reviews/refer/", _refer_form(world))
    review = CaseReview.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/reviews/{review.pk}/"
    assert review.anonymised_name == "Child A"
    page = _text(client.get(response["Location"]))
    assert "Case referred for consideration. It is known as Child A" in page
    assert "Kira Holt" in page  # the referrer is in the review group


def test_referral_errors_follow_the_govuk_pattern(world: World, client_for: Any) -> None:
    client = client_for("health_safeguarding_practitioner")
    response = client.post(
        "/reviews/refer/",
        _refer_form(world, referral_reason="", **date_fields("aware_on", dt.date(2026, 3, 1))),
    )
    page = _text(response)
    assert "There is a problem" in page
    assert "Enter why you are referring the case" in page
    assert "<title>Error:" in page
    response = client.post(
        "/reviews/refer/", _refer_form(world, **date_fields("aware_on", dt.date(2026, 3, 1)))
    )
    assert (
        "The date the local authority became aware must be on or after the incident on 2 March 2026"
    ) in _text(response)
    response = client.post("/reviews/refer/", _refer_form(world, child_id="C999999"))
    assert "No child you can see has that masa ID" in _text(response)
    assert not CaseReview.objects.exists()


# ---------------------------------------------------------------- the review page and steps


def test_the_review_page_shows_the_timeline_clocks_history_and_next_actions(
    world: World, client_for: Any
) -> None:
    review = make_review(world, referred_on=dt.date(2026, 3, 3))
    page = _text(client_for("business_manager").get(f"/reviews/{review.pk}/"))
    assert "Referred for consideration" in page
    assert "Acknowledged by the business unit" in page
    assert "Due 6 March 2026: the business unit" in page
    assert "3 working days from the referral for consideration was received" in page
    assert "Acknowledge the referral" in page
    assert f"/reviews/{review.pk}/acknowledge/" in page
    assert "Withdraw the review" in page
    # A reader without the pipeline sees no buttons.
    scrutineer = _text(client_for("independent_scrutineer").get(f"/reviews/{review.pk}/"))
    assert f"/reviews/{review.pk}/acknowledge/" not in scrutineer


def test_acknowledging_on_the_page_moves_the_review_on(world: World, client_for: Any) -> None:
    review = make_review(world)
    client = client_for("business_manager")
    response = client.post(
        f"/reviews/{review.pk}/acknowledge/",
        {**date_fields("acknowledged_on", dt.date(2026, 3, 4)), "version": review.version},
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == S.ACKNOWLEDGED
    page = _text(client.get(f"/reviews/{review.pk}/"))
    assert "Child K: referral acknowledged" in page
    assert "Referral acknowledged" in page  # the history's reason


def test_a_step_that_cannot_be_taken_yet_says_why(world: World, client_for: Any) -> None:
    review = make_review(world)
    client = client_for("business_manager")
    page = _text(client.get(f"/reviews/{review.pk}/decision/"))
    assert (
        "Child K&#39;s review is at &#39;Referred for consideration&#39;: acknowledge the "
        "referral first."
    ) in page
    response = client.post(
        f"/reviews/{review.pk}/decision/",
        {
            "decision": "lcspr",
            **date_fields("decided_on", dt.date(2026, 3, 20)),
            "reason": "Learning",
            "version": review.version,
        },
    )
    assert response.status_code == 200
    assert "There is a problem" in _text(response)
    assert CaseReview.objects.get(pk=review.pk).status == S.REFERRED


def test_a_version_conflict_keeps_what_was_typed(world: World, client_for: Any) -> None:
    review = make_review(world)
    CaseReview.objects.filter(pk=review.pk).update(version=review.version + 1)
    response = client_for("business_manager").post(
        f"/reviews/{review.pk}/withdraw/",
        {
            **date_fields("withdrawn_on", dt.date(2026, 3, 5)),
            "reason": "Referred in error",
            "version": review.version,
        },
    )
    page = _text(response)
    assert "Someone else changed this record" in page
    assert "Referred in error" in page
    assert f'value="{review.version + 1}"' in page
    assert CaseReview.objects.get(pk=review.pk).status == S.REFERRED


def test_not_publishing_without_a_reason_is_an_error_on_the_page(
    world: World, client_for: Any
) -> None:
    review = make_review(
        world,
        status=S.REPORT_COMPLETED,
        decision=ReviewDecision.OTHER_LEARNING,
        decision_on=dt.date(2026, 3, 20),
        report_completed_on=dt.date(2026, 5, 1),
    )
    response = client_for("business_manager").post(
        f"/reviews/{review.pk}/not-published/",
        {**date_fields("decided_on", dt.date(2026, 5, 2)), "reason": "", "version": 1},
    )
    assert "Enter why the review will not be published" in _text(response)
    assert CaseReview.objects.get(pk=review.pk).status == S.REPORT_COMPLETED


def test_costs_are_added_and_totalled(world: World, client_for: Any) -> None:
    review = make_review(world)
    client = client_for("business_manager")
    response = client.post(
        f"/reviews/{review.pk}/costs/new/",
        {
            "description": "Reviewer's fee",
            "amount": "3250.50",
            **date_fields("incurred_on", dt.date(2026, 5, 1)),
            "funded_by": str(world.agencies[AgencyKind.HEALTH].pk),
            "version": review.version,
        },
    )
    assert response.status_code == 302
    review.refresh_from_db()
    client.post(
        f"/reviews/{review.pk}/costs/new/",
        {
            "description": "Venue",
            "amount": "120",
            **date_fields("incurred_on", dt.date(2026, 5, 2)),
            "funded_by": "",
            "version": review.version,
        },
    )
    assert ReviewCost.objects.count() == 2
    page = _text(client.get(f"/reviews/{review.pk}/"))
    assert (
        '<td class="govuk-table__cell govuk-table__cell--numeric" id="costs-total">£3,370.50'
        in (page)
    )


def test_a_pause_is_ended_from_its_own_page(world: World, client_for: Any) -> None:
    review = make_review(
        world,
        status=S.COMMISSIONED,
        decision=ReviewDecision.LCSPR,
        decision_on=dt.date(2026, 3, 20),
    )
    pause = ReviewPause.objects.create(
        review=review,
        reason=PauseReason.CRIMINAL_TRIAL,
        detail="Trial",
        started_on=dt.date(2026, 6, 1),
        recorded_by=world.users["business_manager"],
    )
    client = client_for("business_manager")
    page = _text(client.get(f"/reviews/{review.pk}/"))
    assert f"/reviews/{review.pk}/pauses/{pause.pk}/end/" in page
    response = client.post(
        f"/reviews/{review.pk}/pauses/{pause.pk}/end/",
        {**date_fields("ended_on", dt.date(2026, 7, 12)), "version": review.version},
    )
    assert response.status_code == 302
    pause.refresh_from_db()
    assert pause.ended_on == dt.date(2026, 7, 12)
    page = _text(client.get(f"/reviews/{review.pk}/"))
    assert "paused 41 days for the criminal trial" in page
    other = make_review(world, anonymised_name="Child L", child=world.la_only_child)
    assert client.get(f"/reviews/{other.pk}/pauses/{pause.pk}/end/").status_code == 404


def test_the_notification_form_records_the_panel_s_fields(world: World, client_for: Any) -> None:
    review = make_review(
        world,
        status=S.ACKNOWLEDGED,
        acknowledged_on=dt.date(2026, 3, 4),
        notifiable=True,
    )
    response = client_for("business_manager").post(
        f"/reviews/{review.pk}/notification/",
        {
            **date_fields("notified_on", dt.date(2026, 3, 6)),
            "notifying_local_authority": "Testshire Council",
            "incident_location": "Testshire",
            "incident_in_england": "yes",
            "incident_summary": "Fractured skull",
            "abuse_category": "P",
            "circumstances": ["on_protection_plan", "police_investigation"],
            "notifier_name": "Pat Manager",
            "notifier_role": "Head of service",
            "version": review.version,
        },
    )
    assert response.status_code == 302
    notification = CaseReview.objects.get(pk=review.pk).notification
    assert notification.on_protection_plan and notification.police_investigation
    assert not notification.child_looked_after
    page = _text(client_for("independent_scrutineer").get(f"/reviews/{review.pk}/"))
    assert "There is a police investigation" in page


def test_the_settings_page_sets_when_the_rapid_review_starts(world: World, client_for: Any) -> None:
    client = client_for("business_manager")
    page = _text(client.get("/reviews/settings/"))
    assert "/casework/practice-settings/" in page
    response = client.post("/reviews/settings/", {"rapid_review_starts": "notified"})
    assert response.status_code == 302
    assert ReviewSettings.objects.get(partnership=world.partnership).rapid_review_starts == (
        "notified"
    )
    assert client_for("independent_scrutineer").get("/reviews/settings/").status_code == 403


def test_the_redaction_terms_are_listed_to_the_review_group_only(
    world: World, client_for: Any
) -> None:
    review = make_review(world)
    client = client_for("business_manager")
    client.post(
        f"/reviews/{review.pk}/redaction/",
        {"term": "Northbury High", "replacement": "[the school]", "version": review.version},
    )
    assert "Northbury High" in _text(client.get(f"/reviews/{review.pk}/redaction/"))
    outsider = _text(
        signed_in_client(_outsider_manager(world)).get(f"/reviews/{review.pk}/redaction/")
    )
    assert "Northbury High" not in outsider
    assert "Only the review group sees" in outsider


def test_pipeline_forms_are_for_the_business_unit(world: World, client_for: Any) -> None:
    review = make_review(world)
    for role in ("team_manager", "independent_scrutineer", "health_safeguarding_practitioner"):
        assert client_for(role).get(f"/reviews/{review.pk}/acknowledge/").status_code == 403
    assert Client().get(f"/reviews/{review.pk}/").status_code == 302
