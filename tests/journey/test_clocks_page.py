"""The timescales page: every rule in force, and a worked example that shows its counting."""

from __future__ import annotations

import datetime as dt
import html

import pytest

from masa.core.permissions import ROLES
from tests.conftest import World

pytestmark = pytest.mark.django_db

URL = "/casework/timescales/"


def body(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.content.decode())


def example(client, rule: str, day: str = "28", month: str = "3", year: str = "2024") -> str:  # type: ignore[no-untyped-def]
    response = client.get(
        URL, {"start_day": day, "start_month": month, "start_year": year, "rule": rule}
    )
    assert response.status_code == 200
    return body(response)


@pytest.mark.parametrize("role", list(ROLES))
def test_every_signed_in_user_can_see_the_timescales(client_for, today: dt.date, role: str) -> None:  # type: ignore[no-untyped-def]
    assert client_for(role).get(URL).status_code == 200


def test_signed_out_people_are_sent_to_sign_in(client, db: None) -> None:  # type: ignore[no-untyped-def]
    assert client.get(URL).status_code == 302


def test_the_rules_in_force_are_listed_with_their_start_basis_and_source(
    client_for, today: dt.date
) -> None:  # type: ignore[no-untyped-def]
    page = body(client_for("police_officer").get(URL))
    assert "Initial child protection conference" in page
    assert "The strategy discussion that started the section 47 enquiry" in page
    assert "15 working days" in page
    assert "Statutory guidance: Working Together to Safeguard Children 2023, chapter 3" in page
    assert "Local rule: the partnership's MASH protocol" in page
    assert "First review child protection conference" in page and "3 months" in page
    assert "Changed locally" not in page


def test_the_issue_worked_example_appears_on_screen(client_for, today: dt.date) -> None:  # type: ignore[no-untyped-def]
    """Day 0 Thursday 28 March 2024: 5 working days is Monday 8 April, 15 is Monday 22 April."""
    page = example(client_for("social_worker"), "icpc")

    assert "Working days after day 0, Thursday 28 March 2024" in page
    assert "5 working days</th>" in page and "Monday 8 April 2024" in page
    assert "15 working days</th>" in page and "Monday 22 April 2024" in page
    assert "Initial child protection conference: due Monday 22 April 2024" in page
    assert (
        "Weekends and these bank holidays are not counted: Good Friday (29 March 2024), "
        "Easter Monday (1 April 2024)." in page
    )
    # Day by day: the bank holidays and weekends are named, the working days numbered.
    assert "Friday 29 March 2024</td>" in page and "Not counted: Bank holiday: Good Friday" in page
    assert "Not counted: Saturday" in page
    assert "Tuesday 2 April 2024</td>" in page and "Working day 1<" in page
    assert "Working day 15<" in page


def test_a_months_rule_is_counted_in_calendar_months(client_for, today: dt.date) -> None:  # type: ignore[no-untyped-def]
    page = example(client_for("team_manager"), "review_conference_first", "31", "8", "2026")
    # 31 August + 3 months: there is no 31 November, so the last day of November.
    assert "First review child protection conference: due Monday 30 November 2026" in page
    assert "Day by day" not in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            {"start_day": "", "start_month": "", "start_year": "", "rule": "icpc"},
            "Enter day 0: the date of the event that starts the clock",
        ),
        (
            {"start_day": "30", "start_month": "2", "start_year": "2024", "rule": "icpc"},
            "Day 0: the date of the event that starts the clock must be a real date",
        ),
        (
            {"start_day": "1", "start_month": "", "start_year": "2024", "rule": "icpc"},
            "must include a month",
        ),
        (
            {"start_day": "1", "start_month": "1", "start_year": "9999", "rule": "icpc"},
            "Day 0 must be in a year between 1990 and 2100",
        ),
        (
            {"start_day": "1", "start_month": "1", "start_year": "2024", "rule": ""},
            "Select a timescale",
        ),
        (
            {"start_day": "1", "start_month": "1", "start_year": "2024", "rule": "made_up"},
            "Select a timescale from the list",
        ),
    ],
)
def test_bad_calculator_input_says_what_is_wrong(
    client_for, today: dt.date, query: dict[str, str], message: str
) -> None:  # type: ignore[no-untyped-def]
    response = client_for("lado").get(URL, query)
    page = body(response)
    assert response.status_code == 200
    assert "There is a problem" in page and message in page
    assert page.count("Error: ") == 1  # the page title says there is an error
    assert "Working days after day 0" not in page


def test_business_managers_are_pointed_to_practice_settings(
    world: World, client_for, today: dt.date
) -> None:  # type: ignore[no-untyped-def]
    assert "/casework/practice-settings/" in body(client_for("business_manager").get(URL))
    assert "/casework/practice-settings/" not in body(client_for("social_worker").get(URL))
