"""The case page: scoped like the child, with its history, records and self-explaining deadlines."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.urls import reverse

from masa.core.models import AuditAction, AuditEvent
from masa.journey.models import CaseTransition, Stage
from masa.journey.selectors import record_url, url_or_none
from tests.casework_factories import make_assessment, make_case, make_contact, make_referral
from tests.conftest import World

from .factories import EASTER_2024

pytestmark = pytest.mark.django_db


def body(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.content.decode())


@pytest.fixture
def assessment_case(world: World, today: dt.date):  # type: ignore[no-untyped-def]
    """Kira's case at assessment: referral on Thursday 28 March 2024, assessment unauthorised."""
    worker = world.users["social_worker"]
    case = make_case(world.child, stage=Stage.CONTACT, opened_on=EASTER_2024, actor=worker)
    make_contact(case, received_on=EASTER_2024, actor=worker, decision="referral")
    CaseTransition.objects.create(
        case=case,
        from_stage=Stage.CONTACT,
        to_stage=Stage.REFERRAL,
        effective_on=EASTER_2024,
        moved_by=world.users["team_manager"],
        reason="Threshold met: referral accepted",
    )
    case.stage = Stage.ASSESSMENT
    case.save()
    referral = make_referral(case, referral_date=EASTER_2024, actor=worker)
    make_assessment(case, started_on=dt.date(2024, 4, 2), actor=worker)
    return case, referral


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("social_worker", 200),
        ("team_manager", 200),
        ("independent_reviewing_officer", 200),
        # Other agencies follow the child through its page and chronology: the case page
        # (stage history, allocation, oversight) is children's social care's own record.
        ("police_officer", 404),
        ("health_safeguarding_practitioner", 404),
        ("designated_safeguarding_lead", 404),
        ("business_manager", 403),
        ("data_analyst", 403),
        ("system_administrator", 403),
    ],
)
def test_who_can_open_the_case_page(
    world: World, client_for, assessment_case, role: str, status: int
) -> None:  # type: ignore[no-untyped-def]
    case, _ = assessment_case
    assert client_for(role).get(f"/casework/cases/{case.pk}/").status_code == status


@pytest.mark.parametrize("role", ["police_officer", "designated_safeguarding_lead"])
def test_a_case_of_a_child_outside_the_agency_is_the_same_404_as_a_missing_case(
    world: World, client_for, today: dt.date, role: str
) -> None:  # type: ignore[no-untyped-def]
    case = make_case(
        world.la_only_child,
        stage=Stage.REFERRAL,
        opened_on=EASTER_2024,
        actor=world.users["social_worker"],
    )
    client = client_for(role)
    out_of_scope = client.get(f"/casework/cases/{case.pk}/")
    missing = client.get("/casework/cases/999999/")
    assert out_of_scope.status_code == missing.status_code == 404
    assert "Page not found" in body(out_of_scope) and "Jay Moss" not in body(out_of_scope)
    assert client_for("social_worker").get(f"/casework/cases/{case.pk}/").status_code == 200


def test_the_page_shows_the_stage_holder_history_and_records(
    world: World, client_for, assessment_case
) -> None:  # type: ignore[no-untyped-def]
    case, referral = assessment_case
    page = body(client_for("social_worker").get(f"/casework/cases/{case.pk}/"))

    assert "Case for Kira Holt" in page
    assert '<strong class="govuk-tag">Assessment</strong>' in page
    assert "Assessment Team" in page
    assert "Not a transfer-in" in page
    # The stage history: from → to, date, who, why.
    assert "Contact being screened → Referral to children's social care" in page
    assert "Threshold met: referral accepted" in page
    assert world.users["team_manager"].display_name in page
    # The records, linked to their pages where those pages exist.
    assert "Contact" in page and "Referral" in page and "Not yet authorised" in page
    assert reverse("frontdoor:referral-detail", args=[referral.pk]) in page


def test_each_deadline_explains_how_its_date_was_worked_out(
    world: World, client_for, assessment_case
) -> None:  # type: ignore[no-untyped-def]
    case, _ = assessment_case
    page = body(client_for("social_worker").get(f"/casework/cases/{case.pk}/"))

    # 45 working days from the referral on Thursday 28 March 2024, skipping four bank holidays.
    assert "Assessment authorised" in page
    assert "Due 5 June 2024" in page
    assert '<strong class="govuk-tag govuk-tag--red">Overdue</strong>' in page
    assert "How this date was worked out" in page
    assert "45 working days from the referral on 28 March 2024 (day 0)" in page
    assert "Good Friday (29 March 2024)" in page and "Easter Monday (1 April 2024)" in page
    assert "Working Together to Safeguard Children 2023" in page
    assert "Thursday 28 March 2024 (day 0)" in page


def test_a_corrected_referral_date_moves_the_deadline_on_the_page(
    world: World, client_for, assessment_case
) -> None:  # type: ignore[no-untyped-def]
    case, referral = assessment_case
    client = client_for("social_worker")
    assert "Due 5 June 2024" in body(client.get(f"/casework/cases/{case.pk}/"))

    referral.referral_date = dt.date(2024, 4, 2)  # corrected: the referral came after Easter
    referral.save()

    page = body(client.get(f"/casework/cases/{case.pk}/"))
    assert "Due 6 June 2024" in page and "Due 5 June 2024" not in page
    assert "No bank holidays" not in page


def test_viewing_the_case_is_audited_as_a_view_of_the_child(
    world: World, client_for, assessment_case
) -> None:  # type: ignore[no-untyped-def]
    case, _ = assessment_case
    client_for("independent_reviewing_officer").get(f"/casework/cases/{case.pk}/")
    view = AuditEvent.objects.get(action=AuditAction.VIEW, child_id=world.child.pk)
    assert view.actor == world.users["independent_reviewing_officer"]


def test_only_managers_see_the_case_actions(world: World, client_for, assessment_case) -> None:  # type: ignore[no-untyped-def]
    case, _ = assessment_case
    manager_page = body(client_for("team_manager").get(f"/casework/cases/{case.pk}/"))
    worker_page = body(client_for("social_worker").get(f"/casework/cases/{case.pk}/"))
    for action in ("Allocate or hand over", "Add management oversight", "Close case"):
        assert action in manager_page
        assert action not in worker_page


def test_a_closed_case_shows_no_deadlines(world: World, client_for, today: dt.date) -> None:  # type: ignore[no-untyped-def]
    worker = world.users["social_worker"]
    case = make_case(world.child, stage=Stage.CLOSED, opened_on=EASTER_2024, actor=worker)
    make_contact(case, received_on=EASTER_2024, actor=worker)
    page = body(client_for("team_manager").get(f"/casework/cases/{case.pk}/"))
    assert "No open deadlines." in page
    assert "Close case" not in page


def test_links_to_pages_that_do_not_exist_yet_are_left_out() -> None:
    assert url_or_none("protection:no-such-page", 1) is None
    assert url_or_none("journey:case-detail", 7) == "/casework/cases/7/"
    assert url_or_none("journey:work-list", query="state=overdue") == (
        "/casework/work-list/?state=overdue"
    )
    assert record_url("cp_plan", 3) == "/protection/cp-plans/3/"  # the plan page's own name


def test_the_case_page_query_count_does_not_grow_with_its_records(
    world: World,
    client_for,
    assessment_case,
    django_assert_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case, _ = assessment_case
    client = client_for("social_worker")
    client.get(f"/casework/cases/{case.pk}/")  # warm the session
    with CaptureQueriesContext(connection) as few:
        client.get(f"/casework/cases/{case.pk}/")
    for day in range(10):
        make_contact(
            case,
            received_on=EASTER_2024 + dt.timedelta(days=day),
            actor=world.users["social_worker"],
        )
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(f"/casework/cases/{case.pk}/")


def test_the_case_page_offers_the_next_steps_of_its_stage_to_caseworkers(
    world: World, client_for, assessment_case
) -> None:  # type: ignore[no-untyped-def]
    case, _ = assessment_case
    worker_page = body(client_for("social_worker").get(f"/casework/cases/{case.pk}/"))
    assert "Record a strategy discussion" in worker_page
    assert reverse("protection:strategy-add", args=[case.pk]) in worker_page
    assert "Start the assessment" not in worker_page  # already started: the stage is assessment
    chair_page = body(
        client_for("independent_reviewing_officer").get(f"/casework/cases/{case.pk}/")
    )
    assert "Record the next step" not in chair_page


@pytest.mark.parametrize(
    ("role", "sees_case_link"),
    [("social_worker", True), ("police_officer", False), ("designated_safeguarding_lead", False)],
)
def test_the_child_page_links_to_the_case_only_for_childrens_social_care(
    world: World, client_for, assessment_case, role: str, sees_case_link: bool
) -> None:  # type: ignore[no-untyped-def]
    case, _ = assessment_case
    child_page = body(client_for(role).get(f"/children/{world.child.pk}/"))
    assert (f"/casework/cases/{case.pk}/" in child_page) is sees_case_link
    # Social care sees the stage; other agencies that the child is open to social care.
    assert ("Open to children's social care" in child_page) is not sees_case_link


def test_other_agencies_see_only_the_deadlines_of_records_shared_with_them(
    world: World, today: dt.date
) -> None:
    from masa.journey.selectors import child_journey_panel

    worker = world.users["social_worker"]
    case = make_case(world.child, stage=Stage.CONTACT, opened_on=today, actor=worker)
    make_contact(case, received_on=today, actor=worker)

    def deadlines(role: str) -> list[str]:
        panel = child_journey_panel(world.users[role], world.child)["journey_panel"]
        return [d.code for d in panel["deadlines"]]

    assert deadlines("social_worker") == ["contact_decision"]
    assert deadlines("police_officer") == []  # contacts are screening detail
