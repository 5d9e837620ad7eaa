"""Work lists: what is due and overdue, by team and worker, filtered, sorted and counted."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from masa.core.models import AgencyKind
from masa.journey.models import CaseTransition, Stage
from tests.casework_factories import make_assessment, make_case, make_contact, make_referral
from tests.conftest import World
from tests.factories import ChildFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/casework/work-list/"


def body(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.content.decode())


def rows(page: str) -> list[str]:
    """The child names in the work table, in the order shown."""
    table = page.split('id="work"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<a class="govuk-link" href="/casework/cases/\d+/">([^<]+)</a>', table)


@pytest.fixture
def caseload(world: World, today: dt.date):  # type: ignore[no-untyped-def]
    """Three open cases in two teams, with deadlines overdue, due soon and due later."""
    sw, manager = world.users["social_worker"], world.users["team_manager"]
    # Kira (allocated to the social worker): a contact received Thursday 19 November 2026, due
    # Friday 20 November: overdue today.
    kira = make_case(world.child, stage=Stage.CONTACT, opened_on=dt.date(2026, 11, 19), actor=sw)
    make_contact(kira, received_on=dt.date(2026, 11, 19), actor=sw)
    # Jay (not allocated): referral on Friday 20 November 2026, assessment due in January 2027.
    jay = make_case(
        world.la_only_child, stage=Stage.ASSESSMENT, opened_on=dt.date(2026, 11, 20), actor=sw
    )
    jay.worker = None
    jay.save()
    make_referral(jay, referral_date=dt.date(2026, 11, 20), actor=sw)
    make_assessment(jay, started_on=dt.date(2026, 11, 20), actor=sw)
    # Ava, in the child protection team: strategy discussion needed from today, due tomorrow.
    cp_team = TeamFactory(agency=world.la_team.agency, name="Child Protection Team")
    priya = UserFactory(
        username="priya",
        first_name="Priya",
        last_name="Shah",
        role="social_worker",
        agency=world.la_team.agency,
        team=cp_team,
    )
    ava_child = ChildFactory(
        partnership=world.partnership,
        first_name="Ava",
        last_name="Reid",
        owning_team=cp_team,
        allocated_worker=priya,
    )
    ava = make_case(ava_child, stage=Stage.REFERRAL, opened_on=dt.date(2026, 11, 16), actor=sw)
    CaseTransition.objects.create(
        case=ava,
        from_stage=Stage.REFERRAL,
        to_stage=Stage.STRATEGY,
        effective_on=today,
        moved_by=manager,
        reason="Injury seen",
    )
    ava.stage = Stage.STRATEGY
    ava.save()
    return {"kira": kira, "jay": jay, "ava": ava, "cp_team": cp_team, "priya": priya}


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("social_worker", 200),
        ("team_manager", 200),
        ("police_officer", 403),
        ("independent_reviewing_officer", 403),
        ("business_manager", 403),
    ],
)
def test_who_can_see_work_lists(client_for, today: dt.date, role: str, status: int) -> None:  # type: ignore[no-untyped-def]
    assert client_for(role).get(URL).status_code == status


def test_a_social_worker_sees_their_own_list_whatever_they_ask_for(
    world: World, client_for, caseload
) -> None:  # type: ignore[no-untyped-def]
    client = client_for("social_worker")
    page = body(client.get(URL))
    assert rows(page) == ["Kira Holt"]
    assert "Threshold decision on contact" in page
    assert "20 November 2026" in page and "Overdue" in page and "1 working day overdue" in page
    assert 'name="team"' not in page and 'name="worker"' not in page
    asked = body(client.get(URL, {"team": "all", "worker": caseload["priya"].pk}))
    assert rows(asked) == ["Kira Holt"]


def test_a_manager_sees_their_team_by_default_and_can_choose_all_teams_or_another(
    world: World, client_for, caseload
) -> None:  # type: ignore[no-untyped-def]
    client = client_for("team_manager")
    assert rows(body(client.get(URL))) == ["Kira Holt", "Jay Moss"]  # Assessment Team, by due
    everyone = body(client.get(URL, {"team": "all"}))
    assert rows(everyone) == ["Kira Holt", "Ava Reid", "Jay Moss"]
    assert "all teams in the partnership, as at 23 November 2026: 1 overdue." in everyone
    cp_only = body(client.get(URL, {"team": str(caseload["cp_team"].pk)}))
    assert rows(cp_only) == ["Ava Reid"]
    assert "Strategy discussion" in cp_only and "1 working day left" in cp_only


def test_filters_by_worker_kind_and_state(world: World, client_for, caseload) -> None:  # type: ignore[no-untyped-def]
    client = client_for("team_manager")
    sw = world.users["social_worker"]
    assert rows(body(client.get(URL, {"team": "all", "worker": sw.pk}))) == ["Kira Holt"]
    assert rows(body(client.get(URL, {"team": "all", "kind": "assessment"}))) == ["Jay Moss"]
    assert rows(body(client.get(URL, {"team": "all", "state": "overdue"}))) == ["Kira Holt"]
    soon = body(client.get(URL, {"team": "all", "state": "soon"}))
    assert rows(soon) == ["Ava Reid"]
    assert "up to 30 November 2026" in soon  # 5 working days after Monday 23 November
    assert "Nothing is due that matches these filters." in body(
        client.get(URL, {"team": "all", "kind": "cin_review"})
    )


def test_columns_sort_both_ways_and_keep_the_filters(world: World, client_for, caseload) -> None:  # type: ignore[no-untyped-def]
    client = client_for("team_manager")
    by_child = body(client.get(URL, {"team": "all", "sort": "child", "order": "asc"}))
    assert rows(by_child) == ["Ava Reid", "Jay Moss", "Kira Holt"]
    assert 'aria-sort="ascending"' in by_child
    assert "?team=all&sort=child&order=desc" in by_child  # the link to reverse it
    by_child_desc = body(client.get(URL, {"team": "all", "sort": "child", "order": "desc"}))
    assert rows(by_child_desc) == ["Kira Holt", "Jay Moss", "Ava Reid"]
    by_worker = body(client.get(URL, {"team": "all", "sort": "worker"}))
    assert rows(by_worker) == ["Ava Reid", "Kira Holt", "Jay Moss"]  # Priya, Test, Unallocated
    by_kind = body(client.get(URL, {"team": "all", "sort": "kind"}))
    assert rows(by_kind) == ["Jay Moss", "Ava Reid", "Kira Holt"]


def test_the_caseload_view_counts_open_cases_and_overdue_items_per_worker(
    world: World, client_for, caseload
) -> None:  # type: ignore[no-untyped-def]
    page = body(client_for("team_manager").get(URL, {"team": "all", "state": "soon"}))
    table = page.split('id="caseloads"', 1)[1].split("</table>", 1)[0]
    counts = re.findall(
        r'<th scope="row" class="govuk-table__header">([^<]+)</th>\s*'
        r'<td class="govuk-table__cell govuk-table__cell--numeric">(\d+)</td>\s*'
        r'<td class="govuk-table__cell govuk-table__cell--numeric">(\d+)</td>',
        table,
    )
    sw = world.users["social_worker"].display_name
    assert counts == [("Priya Shah", "1", "0"), (sw, "1", "1"), ("Unallocated", "1", "0")]


def test_each_row_links_to_its_case(client_for, caseload) -> None:  # type: ignore[no-untyped-def]
    page = body(client_for("team_manager").get(URL))
    assert f'href="/casework/cases/{caseload["kira"].pk}/">Kira Holt' in page


def test_deadlines_skip_bank_holidays(world: World, client_for, today: dt.date) -> None:  # type: ignore[no-untyped-def]
    sw = world.users["social_worker"]
    case = make_case(world.child, stage=Stage.CONTACT, opened_on=dt.date(2025, 12, 24), actor=sw)
    make_contact(case, received_on=dt.date(2025, 12, 24), actor=sw)
    # Day 0 Wednesday 24 December 2025; Christmas, Boxing Day and the weekend are not counted.
    page = body(client_for("social_worker").get(URL))
    assert "29 December 2025" in page


def test_children_the_user_cannot_see_are_left_out(world: World, client_for, caseload) -> None:  # type: ignore[no-untyped-def]
    health_team = TeamFactory(agency=world.agencies[AgencyKind.HEALTH], name="Health visitors")
    hidden = ChildFactory(
        partnership=world.partnership,
        first_name="Hidden",
        last_name="Child",
        owning_team=health_team,
    )
    case = make_case(
        hidden,
        stage=Stage.CONTACT,
        opened_on=dt.date(2026, 11, 19),
        actor=world.users["social_worker"],
    )
    case.team = world.la_team
    case.save()
    make_contact(case, received_on=dt.date(2026, 11, 19), actor=world.users["social_worker"])
    page = body(client_for("team_manager").get(URL, {"team": "all"}))
    assert "Hidden Child" not in page
    assert rows(page) == ["Kira Holt", "Ava Reid", "Jay Moss"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"team": "abc"}, "Select a team from the list"),
        ({"worker": "999999"}, "Select a worker from the list"),
        ({"kind": "nonsense"}, "Select a kind of deadline from the list"),
        ({"state": "late"}, "Select overdue, due soon or all"),
        ({"sort": "age"}, "Sort by due date, child, worker or kind"),
    ],
)
def test_bad_filters_say_what_is_wrong_and_show_the_default_list(
    client_for, caseload, query: dict[str, str], message: str
) -> None:  # type: ignore[no-untyped-def]
    response = client_for("team_manager").get(URL, query)
    page = body(response)
    assert response.status_code == 200
    assert "There is a problem" in page and message in page
    assert rows(page) == ["Kira Holt", "Jay Moss"]


def _add_cases(world: World, count: int) -> None:
    sw = world.users["social_worker"]
    for n in range(count):
        child = ChildFactory(
            partnership=world.partnership,
            owning_team=world.la_team,
            allocated_worker=sw if n % 2 else None,
        )
        case = make_case(child, stage=Stage.ASSESSMENT, opened_on=dt.date(2026, 11, 2), actor=sw)
        make_contact(case, received_on=dt.date(2026, 11, 2 + n % 10), actor=sw)
        make_referral(case, referral_date=dt.date(2026, 11, 3), actor=sw)
        make_assessment(case, started_on=dt.date(2026, 11, 4), actor=sw)


def test_the_number_of_queries_is_the_same_for_3_and_30_cases(
    world: World,
    client_for,
    today: dt.date,
    django_assert_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    client = client_for("team_manager")
    _add_cases(world, 3)
    client.get(URL)  # the first request of a session
    with CaptureQueriesContext(connection) as three:
        assert len(rows(body(client.get(URL, {"team": "all"})))) == 6
    _add_cases(world, 27)
    with django_assert_num_queries(len(three.captured_queries)):
        assert len(rows(body(client.get(URL, {"team": "all"})))) == 60
