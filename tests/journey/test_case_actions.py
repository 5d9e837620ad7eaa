"""Allocate and hand over, management oversight, closure and transfer-in, from the pages."""

from __future__ import annotations

import datetime as dt
import html

import pytest

from masa.core.models import AuditEvent
from masa.journey.models import Allocation, Case, ChronologyEntry, OversightNote, Stage
from tests.casework_factories import make_case, make_contact
from tests.conftest import World
from tests.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

OPENED = dt.date(2026, 10, 5)


def body(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.content.decode())


def date_fields(name: str, day: dt.date | None) -> dict[str, str]:
    if day is None:
        return {f"{name}_day": "", f"{name}_month": "", f"{name}_year": ""}
    return {
        f"{name}_day": str(day.day),
        f"{name}_month": str(day.month),
        f"{name}_year": str(day.year),
    }


@pytest.fixture
def case(world: World, today: dt.date) -> Case:
    return make_case(
        world.child, stage=Stage.ASSESSMENT, opened_on=OPENED, actor=world.users["social_worker"]
    )


@pytest.fixture
def other_team(world: World):  # type: ignore[no-untyped-def]
    team = TeamFactory(agency=world.la_team.agency, name="Child Protection Team")
    worker = UserFactory(
        username="newworker",
        first_name="Priya",
        last_name="Shah",
        role="social_worker",
        agency=world.la_team.agency,
        team=team,
    )
    return team, worker


# ---------------------------------------------------------------- allocation and hand-over


@pytest.mark.parametrize(
    ("role", "status"),
    [("team_manager", 200), ("social_worker", 403), ("police_officer", 403)],
)
def test_only_managers_can_allocate(client_for, case: Case, role: str, status: int) -> None:  # type: ignore[no-untyped-def]
    assert client_for(role).get(f"/casework/cases/{case.pk}/allocate/").status_code == status


def test_a_hand_over_moves_the_case_and_keeps_the_history_and_the_clocks(
    world: World, client_for, case: Case, other_team
) -> None:  # type: ignore[no-untyped-def]
    team, worker = other_team
    make_contact(case, received_on=OPENED, actor=world.users["social_worker"])
    client = client_for("team_manager")
    before = body(client.get(f"/casework/cases/{case.pk}/"))
    assert "Due 6 October 2026" in before  # the contact's 1-working-day clock

    response = client.post(
        f"/casework/cases/{case.pk}/allocate/",
        {
            "team": team.pk,
            "worker": worker.pk,
            **date_fields("from_date", dt.date(2026, 11, 20)),
            "reason": "Moved to the child protection team",
            "version": case.version,
        },
    )

    assert response.status_code == 302
    saved = Case.objects.get(pk=case.pk)
    assert (saved.team, saved.worker) == (team, worker)
    page = body(client.get(response.url))
    assert "Case allocated to Priya Shah" in page
    assert "20 November 2026" in page and "Moved to the child protection team" in page
    assert "Due 6 October 2026" in page  # the clock stays with the case
    allocation = Allocation.objects.get(case=case)
    assert allocation.allocated_by == world.users["team_manager"]
    assert ChronologyEntry.objects.filter(case=case, event_type="allocation").exists()
    assert AuditEvent.objects.filter(object_type="case", object_label__startswith="Allocation")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"team": ""}, "Select the team that will hold the case"),
        ({"team": "999999"}, "Select a team from the list"),
        ({"worker": "999999"}, "Select a worker from the list"),
        (date_fields("from_date", None), "Enter date the allocation starts"),
        (
            {"from_date_day": "31", "from_date_month": "2", "from_date_year": "2026"},
            "Date the allocation starts must be a real date",
        ),
        (
            date_fields("from_date", dt.date(2026, 11, 24)),
            "The date the allocation starts must be today or in the past",
        ),
        (
            date_fields("from_date", dt.date(2026, 10, 1)),
            "The date the allocation starts must be on or after the date the case opened "
            "(5 October 2026)",
        ),
    ],
)
def test_bad_allocation_input_is_refused_with_a_message(
    world: World, client_for, case: Case, change: dict[str, str], message: str
) -> None:  # type: ignore[no-untyped-def]
    data = {
        "team": world.la_team.pk,
        "worker": world.users["social_worker"].pk,
        **date_fields("from_date", dt.date(2026, 11, 20)),
        "reason": "",
        "version": case.version,
        **change,
    }
    response = client_for("team_manager").post(f"/casework/cases/{case.pk}/allocate/", data)
    page = body(response)
    assert response.status_code == 200
    assert "There is a problem" in page and message in page
    assert not Allocation.objects.exists()


def test_a_worker_from_another_team_is_refused(
    world: World, client_for, case: Case, other_team
) -> None:  # type: ignore[no-untyped-def]
    _, worker = other_team
    response = client_for("team_manager").post(
        f"/casework/cases/{case.pk}/allocate/",
        {
            "team": world.la_team.pk,
            "worker": worker.pk,
            **date_fields("from_date", dt.date(2026, 11, 20)),
            "version": case.version,
        },
    )
    assert "Priya Shah is not a member of Assessment Team" in body(response)
    assert Case.objects.get(pk=case.pk).worker == world.users["social_worker"]


def test_a_second_manager_working_from_an_old_page_does_not_overwrite(
    world: World, client_for, case: Case, other_team
) -> None:  # type: ignore[no-untyped-def]
    team, worker = other_team
    data = {
        "team": team.pk,
        "worker": worker.pk,
        **date_fields("from_date", dt.date(2026, 11, 20)),
        "version": case.version,
    }
    client = client_for("team_manager")
    assert client.post(f"/casework/cases/{case.pk}/allocate/", data).status_code == 302
    stale = client.post(
        f"/casework/cases/{case.pk}/allocate/",
        {**data, "team": world.la_team.pk, "worker": world.users["social_worker"].pk},
    )
    assert "Someone else changed this record while you were working on it" in body(stale)
    assert Case.objects.get(pk=case.pk).worker == worker
    assert Allocation.objects.count() == 1


# ---------------------------------------------------------------- management oversight


def test_a_manager_adds_an_oversight_note_that_the_case_page_shows(
    world: World, client_for, case: Case
) -> None:  # type: ignore[no-untyped-def]
    client = client_for("team_manager")
    response = client.post(
        f"/casework/cases/{case.pk}/oversight/",
        {"note": "Visit the family this week and see Kira alone."},
    )
    assert response.status_code == 302
    page = body(client.get(response.url))
    assert "Management oversight note added" in page
    assert "Visit the family this week and see Kira alone." in page
    assert OversightNote.objects.get(case=case).written_by == world.users["team_manager"]


def test_an_empty_oversight_note_is_refused(client_for, case: Case) -> None:  # type: ignore[no-untyped-def]
    response = client_for("team_manager").post(
        f"/casework/cases/{case.pk}/oversight/", {"note": ""}
    )
    assert "Enter the management oversight note" in body(response)
    assert not OversightNote.objects.exists()
    assert client_for("social_worker").get(f"/casework/cases/{case.pk}/oversight/").status_code == (
        403
    )


# ---------------------------------------------------------------- closure


def test_closing_the_case_stops_its_deadlines(world: World, client_for, case: Case) -> None:  # type: ignore[no-untyped-def]
    make_contact(case, received_on=OPENED, actor=world.users["social_worker"])
    client = client_for("team_manager")
    response = client.post(
        f"/casework/cases/{case.pk}/close/",
        {
            **date_fields("closed_on", dt.date(2026, 11, 20)),
            "reason": "Assessment complete: no further action",
            "version": case.version,
        },
    )
    assert response.status_code == 302
    page = body(client.get(response.url))
    assert "Case closed" in page and "No open deadlines." in page
    assert "20 November 2026: Assessment complete: no further action" in page
    assert "Assessment → Closed" in page
    assert Case.objects.get(pk=case.pk).stage == Stage.CLOSED


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"reason": ""}, "Enter the reason for closing the case"),
        (date_fields("closed_on", None), "Enter date the case closed"),
        (date_fields("closed_on", dt.date(2026, 11, 24)), "must be today or in the past"),
        (
            date_fields("closed_on", dt.date(2026, 9, 30)),
            "The closure date must be on or after the date the case opened (5 October 2026)",
        ),
        ({"version": "0"}, "Someone else changed this record"),
    ],
)
def test_bad_closure_input_is_refused(
    client_for, case: Case, change: dict[str, str], message: str
) -> None:  # type: ignore[no-untyped-def]
    data = {
        **date_fields("closed_on", dt.date(2026, 11, 20)),
        "reason": "No further action",
        "version": case.version,
        **change,
    }
    page = body(client_for("team_manager").post(f"/casework/cases/{case.pk}/close/", data))
    assert "There is a problem" in page and message in page
    assert Case.objects.get(pk=case.pk).stage == Stage.ASSESSMENT


def test_a_closed_case_cannot_be_closed_again(world: World, client_for, today: dt.date) -> None:  # type: ignore[no-untyped-def]
    closed = make_case(
        world.child, stage=Stage.CLOSED, opened_on=OPENED, actor=world.users["team_manager"]
    )
    client = client_for("team_manager")
    assert "This case closed on" in body(client.get(f"/casework/cases/{closed.pk}/close/"))
    response = client.post(
        f"/casework/cases/{closed.pk}/close/",
        {
            **date_fields("closed_on", dt.date(2026, 11, 20)),
            "reason": "Again",
            "version": closed.version,
        },
    )
    assert "This case is closed" in body(response)


# ---------------------------------------------------------------- transfer-in


def transfer(child_id: str, **change: str) -> dict[str, str]:
    data = {
        "child": child_id,
        "from_authority": "Eastshire County Council",
        "stage": "icpc",
        **date_fields("opened_on", dt.date(2026, 11, 16)),
        "reason": "Family moved here; child on a plan for neglect since June",
    }
    data.update(change)
    return data


def test_a_transfer_in_opens_a_case_at_the_chosen_stage(
    world: World, client_for, today: dt.date
) -> None:  # type: ignore[no-untyped-def]
    client = client_for("social_worker")
    form = body(client.get(f"/casework/cases/transfer-in/?child={world.child.pk}"))
    assert f'value="{world.child.masa_id}"' in form
    response = client.post("/casework/cases/transfer-in/", transfer(world.child.masa_id))
    assert response.status_code == 302
    case = Case.objects.get(child=world.child)
    assert (case.stage, case.transferred_in_from, case.opened_on) == (
        Stage.ICPC,
        "Eastshire County Council",
        dt.date(2026, 11, 16),
    )
    page = body(client.get(response.url))
    assert "Case opened for Kira Holt, transferred in" in page
    assert "Eastshire County Council" in page
    assert "Initial child protection conference due" in page
    assert ChronologyEntry.objects.filter(
        case=case, summary__startswith="Transferred in from Eastshire County Council"
    ).exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"child": ""}, "Enter the child's masa ID"),
        ({"child": "Kira"}, "Enter a masa ID like C000123"),
        ({"child": "C999999"}, "There is no child with this masa ID in your records"),
        ({"from_authority": ""}, "Enter the local authority the child moved from"),
        ({"stage": ""}, "Select how the work continues here"),
        ({"stage": "cp_plan"}, "Select how the work continues here"),
        (date_fields("opened_on", None), "Enter date the case opened here"),
        (date_fields("opened_on", dt.date(2026, 12, 1)), "must be today or in the past"),
        ({"reason": ""}, "Enter what the other authority told you"),
    ],
)
def test_bad_transfer_in_input_is_refused(
    world: World, client_for, today: dt.date, change: dict[str, str], message: str
) -> None:  # type: ignore[no-untyped-def]
    response = client_for("social_worker").post(
        "/casework/cases/transfer-in/", transfer(world.child.masa_id, **change)
    )
    page = body(response)
    assert response.status_code == 200
    assert "There is a problem" in page and message in page
    assert not Case.objects.exists()


def test_transfer_in_needs_casework_rights_and_no_open_case(
    world: World, client_for, today: dt.date
) -> None:  # type: ignore[no-untyped-def]
    assert client_for("police_officer").get("/casework/cases/transfer-in/").status_code == 403
    response = client_for("social_worker").post(
        "/casework/cases/transfer-in/", transfer(world.child.masa_id)
    )
    assert response.status_code == 302
    again = client_for("team_manager").post(
        "/casework/cases/transfer-in/", transfer(world.child.masa_id, stage="referral")
    )
    assert "Kira Holt already has an open case" in body(again)
    assert Case.objects.filter(child=world.child).count() == 1


def test_a_child_outside_the_users_scope_gets_the_same_message_as_a_missing_one(
    world: World, client_for, today: dt.date
) -> None:  # type: ignore[no-untyped-def]
    from masa.core.models import AgencyKind
    from tests.factories import ChildFactory

    elsewhere = ChildFactory(
        partnership=world.partnership,
        owning_team=TeamFactory(agency=world.agencies[AgencyKind.HEALTH], name="Health visitors"),
    )
    client = client_for("social_worker")
    hidden = body(client.post("/casework/cases/transfer-in/", transfer(elsewhere.masa_id)))
    missing = body(client.post("/casework/cases/transfer-in/", transfer("C999999")))
    message = "There is no child with this masa ID in your records. Check the ID and try again"
    assert message in hidden and message in missing
    assert not Case.objects.exists()


def test_a_manager_cannot_close_a_case_with_a_plan_still_open(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    from masa.journey.models import Case as CaseModel
    from tests.casework_factories import make_case, make_cp_plan

    worker = world.users["social_worker"]
    case = make_case(world.child, stage=Stage.CP_PLAN, opened_on=dt.date(2026, 9, 1), actor=worker)
    make_cp_plan(case, icpc_on=dt.date(2026, 9, 21), actor=worker)
    response = client_for("team_manager").post(
        f"/casework/cases/{case.pk}/close/",
        {
            **date_fields("closed_on", dt.date(2026, 11, 20)),
            "reason": "No longer needed",
            "version": str(case.version),
        },
    )
    assert "End the child protection plan" in response.content.decode()
    assert CaseModel.objects.get(pk=case.pk).stage == Stage.CP_PLAN
