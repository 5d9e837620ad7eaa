"""The actions tracker: overdue derived from the due date (never stored), filters and counts by
what people see, the CSV (formula-safe), an action's page, and the owner's task list."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest

from masa.assurance.models import ActionSource
from masa.assurance.models import ActionStatus as S
from masa.assurance.selectors import display_status
from masa.core.models import AgencyKind, AuditEvent

from ..casework_factories import fix_today
from ..conftest import World
from .helpers import action_titles, make_action, make_priority, status_counts

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 23)  # a Monday
YESTERDAY = dt.date(2026, 11, 22)


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    fix_today(monkeypatch, TODAY)
    return TODAY


def test_due_yesterday_is_overdue_and_due_today_is_not(world: World, today: dt.date) -> None:
    late = make_action(world, due_on=YESTERDAY, status=S.ON_TRACK)
    due_today = make_action(world, due_on=TODAY, status=S.AT_RISK)
    assert display_status(late, today).label == "Overdue"
    assert display_status(late, today).tag_class == "govuk-tag--red"
    assert display_status(due_today, today).label == "At risk"
    # Stored status is untouched: overdue is derived.
    late.refresh_from_db()
    assert late.status == S.ON_TRACK


@pytest.mark.parametrize("status", [S.COMPLETE, S.CLOSED, S.WITHDRAWN])
def test_finished_actions_are_never_overdue(world: World, today: dt.date, status: str) -> None:
    action = make_action(world, due_on=dt.date(2026, 1, 5), status=status)
    assert display_status(action, today).label != "Overdue"


def test_the_tracker_shows_overdue_as_a_word_filters_and_counts(
    world: World, today: dt.date, client_for
) -> None:  # type: ignore[no-untyped-def]
    make_action(world, title="Late GP training", due_on=YESTERDAY, status=S.ON_TRACK)
    make_action(world, title="Due today action", due_on=TODAY, status=S.ON_TRACK)
    make_action(world, title="Finished long ago", due_on=dt.date(2026, 3, 2), status=S.CLOSED)
    client = client_for("independent_scrutineer")
    page = client.get("/actions/").content.decode()
    assert re.search(r'govuk-tag--red">\s*Overdue\s*</strong>', page)
    assert "Late GP training" in page and "Due today action" in page
    overdue_only = client.get("/actions/?status=overdue").content.decode()
    assert "Late GP training" in overdue_only
    assert "Due today action" not in overdue_only
    on_track = client.get("/actions/?status=on_track").content.decode()
    assert "Due today action" in on_track
    assert "Late GP training" not in on_track
    assert status_counts(page) == {
        "Overdue": 1,
        "Not started": 0,
        "On track": 1,
        "At risk": 0,
        "Complete": 0,
        "Closed with evidence": 1,
        "Withdrawn": 0,
    }


def test_filters_by_source_priority_and_agency(world: World, today: dt.date, client_for) -> None:  # type: ignore[no-untyped-def]
    first = make_priority(world, 1, "Early help")
    second = make_priority(world, 2, "Exploitation")
    make_action(world, title="Audit action", priority=first)
    make_action(
        world,
        title="Ofsted action",
        priority=second,
        source=ActionSource.INSPECTION,
        source_reference="Ofsted 2017, recommendation 6",
    )
    police = world.users["police_officer"]
    make_action(
        world,
        title="Police action",
        priority=second,
        owner=police,
        owning_agency=world.agencies[AgencyKind.POLICE],
    )
    client = client_for("business_manager")

    def titles(query: str) -> set[str]:
        return set(action_titles(client.get(f"/actions/?{query}").content.decode()))

    assert titles("source=inspection") == {"Ofsted action"}
    assert titles(f"priority={second.pk}") == {"Ofsted action", "Police action"}
    assert titles(f"agency={world.agencies[AgencyKind.POLICE].pk}") == {"Police action"}
    assert titles("") == {"Audit action", "Ofsted action", "Police action"}


def test_the_csv_is_formula_safe_and_audited(world: World, today: dt.date, client_for) -> None:  # type: ignore[no-untyped-def]
    make_action(
        world,
        title='=HYPERLINK("http://evil.example","Click")',
        source_reference="+1 plus",
        evidence_of_impact="@SUM(A1:A2)",
        due_on=YESTERDAY,
        status=S.AT_RISK,
    )
    make_action(world, title="-10% re-referrals", status=S.ON_TRACK)
    response = client_for("independent_scrutineer").get("/actions/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    header, first, second = rows[0], rows[1], rows[2]
    assert header[:3] == ["Action ID", "Action", "Source"]
    assert first[1] == '\'=HYPERLINK("http://evil.example","Click")'
    assert first[3] == "'+1 plus"
    assert first[header.index("Evidence of impact")] == "'@SUM(A1:A2)"
    assert first[header.index("Overdue")] == "Yes"
    assert first[header.index("Due date")] == "2026-11-22"
    assert second[1] == "'-10% re-referrals"
    assert AuditEvent.objects.filter(object_type="actions", action="export").exists()


def test_the_csv_follows_the_filters(world: World, today: dt.date, client_for) -> None:  # type: ignore[no-untyped-def]
    make_action(world, title="Late one", due_on=YESTERDAY, status=S.ON_TRACK)
    make_action(world, title="On time", status=S.ON_TRACK)
    response = client_for("business_manager").get("/actions/export.csv?status=overdue")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert [row[1] for row in rows[1:]] == ["Late one"]


def test_the_action_page_shows_the_status_and_the_history(
    world: World, today: dt.date, client_for
) -> None:  # type: ignore[no-untyped-def]
    action = make_action(world, due_on=YESTERDAY, status=S.AT_RISK)
    page = client_for("independent_scrutineer").get(f"/actions/{action.pk}/").content.decode()
    assert "Overdue" in page
    assert "Due 22 November 2026: the owner’s last status was at risk" in page
    assert "Update progress" not in page
    owner_page = client_for("health_safeguarding_practitioner").get(f"/actions/{action.pk}/")
    assert "Update progress" in owner_page.content.decode()


def test_actions_of_another_partnership_are_not_found(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    from ..factories import AgencyFactory, PartnershipFactory, UserFactory

    other = PartnershipFactory(slug="elsewhere", name="Elsewhere SCP")
    agency = AgencyFactory(partnership=other, kind=AgencyKind.HEALTH)
    stranger = UserFactory(role="health_safeguarding_practitioner", agency=agency)
    from masa.assurance.models import Action, Priority

    priority = Priority.objects.create(
        partnership=other, number=1, title="Theirs", starts_on=dt.date(2026, 4, 1)
    )
    theirs = Action.objects.create(
        partnership=other,
        title="Their action",
        source=ActionSource.AUDIT,
        source_reference="x",
        priority=priority,
        owning_agency=agency,
        owner=stranger,
        due_on=dt.date(2027, 1, 1),
        created_by=stranger,
    )
    client = client_for("business_manager")
    assert client.get(f"/actions/{theirs.pk}/").status_code == 404
    assert "Their action" not in client.get("/actions/").content.decode()


def test_my_actions_lists_the_owners_work_due_soonest_first(
    world: World, today: dt.date, client_for
) -> None:  # type: ignore[no-untyped-def]
    make_action(world, title="Later", due_on=dt.date(2027, 2, 1), status=S.ON_TRACK)
    make_action(world, title="Overdue one", due_on=YESTERDAY, status=S.NOT_STARTED)
    make_action(world, title="Soon", due_on=dt.date(2026, 11, 30), status=S.ON_TRACK)
    make_action(world, title="Closed one", due_on=dt.date(2026, 11, 1), status=S.CLOSED)
    make_action(
        world,
        title="Someone else's",
        owner=world.users["police_officer"],
        owning_agency=world.agencies[AgencyKind.POLICE],
    )
    response = client_for("health_safeguarding_practitioner").get("/actions/mine/")
    body = response.content.decode()
    assert action_titles(body, "govuk-link govuk-task-list__link") == [
        "Overdue one",
        "Soon",
        "Later",
    ]
    assert "1 overdue, 1 due in the next 10 working days" in body
    assert "Overdue" in body
    # A role that owns no actions cannot have a task list.
    assert client_for("independent_scrutineer").get("/actions/mine/").status_code == 403


def test_the_home_page_panel_counts_the_owners_actions(
    world: World, today: dt.date, client_for
) -> None:  # type: ignore[no-untyped-def]
    make_action(world, due_on=YESTERDAY, status=S.ON_TRACK)
    make_action(world, due_on=dt.date(2026, 11, 2), status=S.AT_RISK)
    for day in (TODAY, dt.date(2026, 11, 27), dt.date(2026, 12, 7)):
        make_action(world, due_on=day, status=S.NOT_STARTED)
    make_action(world, due_on=dt.date(2026, 12, 8), status=S.NOT_STARTED)  # 11 working days
    body = client_for("health_safeguarding_practitioner").get("/").content.decode()
    assert "Your actions: 2 overdue, 3 due in the next 10 working days." in body
    manager = client_for("business_manager").get("/").content.decode()
    assert "2 actions are overdue across the partnership." in manager
    # Nothing to say to someone with no actions, but the way to the tracker; nothing at all for
    # a role without actions.
    police = client_for("police_officer").get("/").content.decode()
    assert "Your actions" not in police
    assert 'href="/actions/">The actions tracker</a>' in police
    scrutineer = client_for("independent_scrutineer").get("/").content.decode()
    assert 'href="/actions/priorities/">' in scrutineer
    assert (
        "Priorities and actions"
        not in client_for("data_protection_officer").get("/").content.decode()
    )
