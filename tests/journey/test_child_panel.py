"""The casework panel of the child page: the open case, its next deadlines and the links."""

from __future__ import annotations

import datetime as dt
import html

import pytest

from masa.journey.models import Stage
from masa.journey.selectors import child_journey_panel
from tests.casework_factories import make_case, make_contact, make_cp_plan, make_strategy_and_s47
from tests.conftest import World

from .factories import make_cin_plan

pytestmark = pytest.mark.django_db


def body(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.content.decode())


def panel(page: str) -> str:
    return page.split('id="casework"', 1)[1].split("Agencies involved", 1)[0]


def test_the_child_page_shows_the_open_case_and_its_next_deadlines_overdue_first(
    world: World, client_for, today: dt.date
) -> None:  # type: ignore[no-untyped-def]
    sw = world.users["social_worker"]
    case = make_case(world.child, stage=Stage.CP_PLAN, opened_on=dt.date(2026, 9, 1), actor=sw)
    make_strategy_and_s47(case, held_on=dt.date(2026, 9, 10), actor=sw)
    make_cp_plan(case, icpc_on=dt.date(2026, 10, 1), actor=sw)  # core group overdue
    make_contact(case, received_on=dt.date(2026, 11, 23), actor=sw)  # due tomorrow
    make_cin_plan(case, started_on=dt.date(2026, 11, 2), actor=sw)  # review in February

    section = panel(body(client_for("social_worker").get(f"/children/{world.child.pk}/")))

    assert '<strong class="govuk-tag govuk-tag--pink">Child protection plan</strong>' in section
    assert f'href="/casework/cases/{case.pk}/">View case' in section
    items = section.split('id="child-deadlines"', 1)[1].split("</ul>", 1)[0]
    assert items.index("First core group: due 15 October 2026") < items.index(
        "Threshold decision on contact: due 24 November 2026"
    )
    # The first core group and the visit were due on 15 October 2026: both overdue.
    assert items.count('<strong class="govuk-tag govuk-tag--red">Overdue</strong>') == 2
    assert items.count("<li>") == 5 and "more on" not in section


def test_only_the_next_five_deadlines_are_listed(world: World, client_for, today: dt.date) -> None:  # type: ignore[no-untyped-def]
    sw = world.users["social_worker"]
    case = make_case(world.child, stage=Stage.CONTACT, opened_on=dt.date(2026, 11, 1), actor=sw)
    for day in range(2, 9):
        make_contact(case, received_on=dt.date(2026, 11, day), actor=sw)
    section = panel(body(client_for("team_manager").get(f"/children/{world.child.pk}/")))
    items = section.split('id="child-deadlines"', 1)[1].split("</ul>", 1)[0]
    assert items.count("<li>") == 5
    assert "And 2 more on" in section


def test_links_to_the_chronology_and_to_log_a_contact(
    world: World, client_for, today: dt.date
) -> None:  # type: ignore[no-untyped-def]
    section = panel(body(client_for("police_officer").get(f"/children/{world.child.pk}/")))
    assert "No open case." in section
    assert f'href="/casework/children/{world.child.pk}/chronology/">View chronology' in section
    assert f'?child={world.child.pk}">Log a contact' in section
    assert "Record a transfer-in" not in section  # police do not record casework
    worker = panel(body(client_for("social_worker").get(f"/children/{world.child.pk}/")))
    assert f'href="/casework/cases/transfer-in/?child={world.child.pk}">Record a transfer-in' in (
        worker
    )


def test_the_panel_leaves_out_links_to_pages_that_do_not_exist(
    world: World, today: dt.date, monkeypatch: pytest.MonkeyPatch
) -> None:
    from masa.journey import selectors

    monkeypatch.setattr(selectors, "url_or_none", lambda *args, **kwargs: None)
    context = child_journey_panel(world.users["police_officer"], world.child)["journey_panel"]
    assert context["chronology_url"] is None and context["contact_url"] is None
