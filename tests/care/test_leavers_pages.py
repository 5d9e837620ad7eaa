"""The care leaver pages as people use them: the young person's page, its three forms and the
team's list with pathway plans due and overdue.

Today is Monday 23 November 2026. Lee Hart (born 1 March 2007) was looked after from 15 to 18 and
is a former relevant young person of 19. Amy Rowe (born 1 February 2011, 15) has been looked after
since 1 June 2026: her first pathway plan is due by her 16th birthday, 1 February 2027.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from masa.care.models import CareLeaverContact, PathwayPlan, StayingPut
from masa.care.selectors_leavers import leaver_list
from masa.people.models import Child
from tests.conftest import World
from tests.factories import ChildFactory, TeamFactory
from tests.journey.factories import today

from .factories import make_carer, make_episode

__all__ = ["today"]

pytestmark = pytest.mark.django_db

D = dt.date


def text(response: Any) -> str:
    words = html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))
    return " ".join(words.split())


def date_parts(name: str, day: dt.date) -> dict[str, str]:
    return {f"{name}_day": str(day.day), f"{name}_month": str(day.month),
            f"{name}_year": str(day.year)}  # fmt: skip


@pytest.fixture
def lee(world: World, today: dt.date) -> Child:
    child = ChildFactory(
        partnership=world.partnership,
        first_name="Lee",
        last_name="Hart",
        owning_team=world.la_team,
        allocated_worker=world.users["social_worker"],
        date_of_birth=D(2007, 3, 1),
    )
    make_episode(child, started_on=D(2022, 3, 1), ended_on=D(2025, 3, 1), reason_ceased="E8")
    return child


@pytest.fixture
def amy(world: World, today: dt.date) -> Child:
    child = ChildFactory(
        partnership=world.partnership,
        first_name="Amy",
        last_name="Rowe",
        owning_team=world.la_team,
        date_of_birth=D(2011, 2, 1),
    )
    make_episode(child, started_on=D(2026, 6, 1))
    return child


def test_the_leaver_page_shows_the_status_and_what_is_due(
    world: World, lee: Child, client_for: Any
) -> None:
    response = client_for("social_worker").get(f"/care/children/{lee.pk}/leaver/")

    page = text(response)
    assert response.status_code == 200
    assert "Status Former relevant child" in page
    # 13 weeks of care on 30 May 2022, at 15; still looked after at 16, on 1 March 2023.
    assert "the test was met on 1 March 2023" in page
    assert "First pathway plan Due 1 March 2023 Overdue" in page
    assert "19th, 1 March 2026 2025/26 Not recorded" in page
    assert "Record staying put" in page


def test_other_agencies_get_the_same_answer_as_for_a_missing_child(
    world: World, lee: Child, client_for: Any
) -> None:
    for role in ("police_officer", "health_safeguarding_practitioner"):
        assert client_for(role).get(f"/care/children/{lee.pk}/leaver/").status_code == 404


def test_a_pathway_plan_is_recorded_with_its_personal_adviser(
    world: World, lee: Child, client_for: Any
) -> None:
    client: Client = client_for("social_worker")
    adviser = world.users["team_manager"]

    response = client.post(
        f"/care/children/{lee.pk}/leaver/pathway-plan/new/",
        {
            "kind": "plan",
            **date_parts("on", D(2026, 6, 1)),
            "personal_adviser": str(adviser.pk),
            "summary": "College place in September; moving to a supported flat.",
        },
    )

    assert response.status_code == 302
    assert PathwayPlan.objects.get(child=lee).personal_adviser == adviser
    page = text(client.get(f"/care/children/{lee.pk}/leaver/"))
    assert f"Personal adviser {adviser.display_name}" in page
    assert "Pathway plan review Due 1 December 2026 Due" in page
    assert "First pathway plan Agreed 1 June 2026, due 1 March 2023 Late" in page


def test_a_refused_plan_is_shown_on_the_form(world: World, lee: Child, client_for: Any) -> None:
    response = client_for("social_worker").post(
        f"/care/children/{lee.pk}/leaver/pathway-plan/new/",
        {
            "kind": "review",
            **date_parts("on", D(2026, 6, 1)),
            "personal_adviser": "",
            "summary": "A review",
        },
    )

    assert response.status_code == 200
    assert "There is no pathway plan before this date to review" in text(response)


def test_contact_is_recorded_with_the_suitability_of_the_accommodation(
    world: World, lee: Child, client_for: Any
) -> None:
    client: Client = client_for("social_worker")
    url = f"/care/children/{lee.pk}/leaver/contact/new/"
    form = text(client.get(url))
    assert "19th birthday, 1 March 2026" in form
    assert "20th birthday" not in form  # not yet

    response = client.post(
        url,
        {
            "age": "19",
            **date_parts("contacted_on", D(2026, 3, 3)),
            "in_touch": "YES",
            "activity": "F4",
            "accommodation": "U",
            "suitable": "1",
        },
    )

    assert response.status_code == 302
    assert CareLeaverContact.objects.get(child=lee).accommodation == "U1"
    page = text(client.get(f"/care/children/{lee.pk}/leaver/"))
    assert "Full time in an apprenticeship" in page
    assert "(suitable)" in page


def test_accommodation_without_its_suitability_is_an_error(
    world: World, lee: Child, client_for: Any
) -> None:
    response = client_for("social_worker").post(
        f"/care/children/{lee.pk}/leaver/contact/new/",
        {"age": "19", "in_touch": "YES", "activity": "F4", "accommodation": "U", "suitable": ""},
    )

    assert "Select whether the accommodation is suitable" in text(response)
    assert not CareLeaverContact.objects.exists()


def test_staying_put_is_recorded_then_its_end(world: World, lee: Child, client_for: Any) -> None:
    client: Client = client_for("social_worker")
    carers = make_carer(world.partnership, name="Pat and Sam Rivers")
    url = f"/care/children/{lee.pk}/leaver/staying-put/"

    started = client.post(url, {"carer": str(carers.pk), **date_parts("started_on", D(2025, 3, 1))})
    form = text(client.get(url))
    ended = client.post(url, date_parts("ended_on", D(2026, 8, 31)))

    assert started.status_code == 302
    assert "Record that staying put ended" in form
    assert ended.status_code == 302
    arrangement = StayingPut.objects.get(child=lee)
    assert arrangement.ended_on == D(2026, 8, 31)
    page = text(client.get(f"/care/children/{lee.pk}/leaver/"))
    assert "Pat and Sam Rivers From 1 March 2025 to 31 August 2026" in page


def test_the_team_list_puts_overdue_plans_first(
    world: World, lee: Child, amy: Child, client_for: Any
) -> None:
    other_team = TeamFactory(agency=world.agencies["local_authority"], name="Leaving Care")
    elsewhere = ChildFactory(
        partnership=world.partnership, owning_team=other_team, date_of_birth=D(2010, 1, 1)
    )
    make_episode(elsewhere, started_on=D(2025, 1, 1))  # another team's child

    response = client_for("social_worker").get("/care/leavers/")

    page = text(response)
    assert "1 overdue." in page
    assert page.index("Lee Hart") < page.index("Amy Rowe")
    assert "Lee Hart 19 Former relevant child First pathway plan: 1 March 2023 Overdue" in page
    assert "Amy Rowe 15 Looked after, not yet 16 First pathway plan: 1 February 2027 Due" in page
    assert elsewhere.full_name not in page
    everyone = text(client_for("social_worker").get("/care/leavers/?show=all"))
    assert elsewhere.full_name in everyone


def test_the_list_leaves_out_young_people_who_are_not_care_leavers(
    world: World, today: dt.date, client_for: Any
) -> None:
    short = ChildFactory(
        partnership=world.partnership,
        first_name="Ben",
        last_name="Short",
        owning_team=world.la_team,
        date_of_birth=D(2008, 1, 1),
    )
    make_episode(short, started_on=D(2024, 2, 1), ended_on=D(2024, 3, 1), reason_ceased="E8")

    page = text(client_for("social_worker").get("/care/leavers/"))

    assert "Ben Short" not in page


def test_the_list_takes_the_same_number_of_queries_for_more_young_people(
    world: World, lee: Child, today: dt.date, client_for: Any
) -> None:
    user = world.users["social_worker"]
    with CaptureQueriesContext(connection) as one:
        assert len(leaver_list(user, today, team_only=True).rows) == 1
    for n in range(4):
        child = ChildFactory(
            partnership=world.partnership,
            owning_team=world.la_team,
            date_of_birth=D(2008, 1, n + 1),
        )
        make_episode(child, started_on=D(2023, 1, 1))
    with CaptureQueriesContext(connection) as five:
        assert len(leaver_list(user, today, team_only=True).rows) == 5

    assert len(five.captured_queries) == len(one.captured_queries)
