"""Care journeys in the browser (issue 5): each step as the role that does it, in its own browser
context, through the forms' labels and the links a user would follow. Every page visited is
checked with axe (WCAG 2.2 AA); the problems are gathered and asserted at the end of each test.

1. A social worker places Jay Moss with a foster carer: the empty form's error summary first,
   then the care page with the episode, the first review's due date and the distance from home.
2. The independent reviewing officer records a child's first review in time and sees when the
   second is due.
3. A police officer reports a child missing; the social worker records the return and the return
   home interview, offered within 72 hours and held.
4. A data analyst uploads a 903 return with known errors, reads and filters the findings and
   downloads them as CSV.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from masa.core.calendar import add_months, working_day_calendar
from masa.core.models import AgencyKind
from masa.core.presenters import govuk_date, govuk_datetime

from .care_data import (
    CARER_NAME,
    CARER_POSTCODE,
    HOME_POSTCODE,
    child_awaiting_first_review,
    child_known_to_police,
    foster_carer,
    return_903_with_errors,
)
from .casework_data import working_days_before
from .conftest import Site, axe_violations

POLICE = "Test Police"


class Pages:
    """The pages one test visits, each checked with axe as it is reached."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.problems: list[str] = []

    def open(self, role: str, path: str) -> Page:
        page = self.site.context_for(role).new_page()
        self.goto(page, path)
        return page

    def goto(self, page: Page, path: str) -> None:
        response = page.goto(path)
        assert response is not None and response.ok, (
            f"{path} answered {response and response.status}"
        )
        self.check(page)

    def click(self, page: Page, target: Locator) -> None:
        """Follow a link or submit a form, then check the page it leads to."""
        with page.expect_navigation():
            target.click()
        self.check(page)

    def check(self, page: Page) -> None:
        page.wait_for_load_state()
        self.problems += axe_violations(page)


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def banner(page: Page) -> Locator:
    return page.locator(".govuk-notification-banner")


def row(page: Page, key: str, within: str = "") -> Locator:
    """The value of a summary list row, found by its key."""
    rows = page.locator(f"{within} .govuk-summary-list__row".strip())
    key_cell = page.locator("dt", has_text=re.compile(f"^{re.escape(key)}$"))
    return rows.filter(has=key_cell).locator(".govuk-summary-list__value")


def group(page: Page, legend: str) -> Locator:
    """A fieldset (radios or a date) by its legend."""
    return page.get_by_role("group", name=legend, exact=True)


def fill_date(page: Page, legend: str, day: dt.date) -> None:
    fields = group(page, legend)
    fields.get_by_label("Day").fill(str(day.day))
    fields.get_by_label("Month").fill(str(day.month))
    fields.get_by_label("Year").fill(str(day.year))


def choose(page: Page, legend: str, label: str) -> None:
    group(page, legend).get_by_label(label, exact=True).check()


def button(page: Page, name: str) -> Locator:
    return page.get_by_role("button", name=name, exact=True)


def link(page: Page, name: str | re.Pattern[str]) -> Locator:
    return page.get_by_role("link", name=name, exact=isinstance(name, str))


def cells(table: Locator) -> list[list[str]]:
    """A table's body as the text of its cells, row by row."""
    return [
        [cell.strip() for cell in line.locator("td").all_inner_texts()]
        for line in table.locator("tbody tr").all()
    ]


CARE_LINK = "Care: placements, reviews, health and leaving care"
MISSING_LINK = "Missing episodes and return home interviews"


# ---------------------------------------------------------------- 1. placing a child


def test_a_social_worker_places_a_child_with_a_foster_carer(site: Site) -> None:
    child = site.world.la_only_child  # Jay Moss: held by the social worker's team
    foster_carer(site.world)
    today = timezone.localdate()
    pages = Pages(site)

    worker = pages.open("social_worker", reverse("people:child-detail", args=[child.pk]))
    pages.click(worker, link(worker, CARE_LINK))
    expect(heading(worker)).to_have_text("Care")
    expect(row(worker, "Looked after")).to_have_text("No. The child has not been looked after.")
    pages.click(worker, link(worker, "Place the child in care"))
    expect(heading(worker)).to_have_text("Place the child in care")

    # Submitted empty: the GOV.UK error summary, each message linked to its field.
    pages.click(worker, button(worker, "Place the child"))
    summary = worker.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expected = [
        "Enter date the child became looked after",
        "Select the legal status",
        "Select the category of need",
        "Select the placement type",
        "Enter why the child is becoming looked after",
    ]
    expect(summary.get_by_role("link")).to_have_text(expected)
    expect(worker.locator(".govuk-error-message")).to_have_count(len(expected))
    expect(worker).to_have_title(re.compile("^Error: "))
    summary.get_by_role("link", name="Select the legal status").click()
    expect(worker.get_by_label("Legal status")).to_be_focused()

    # Then filled in: placed today with a foster carer from the register.
    fill_date(worker, "Date the child became looked after", today)
    worker.get_by_label("Legal status").select_option(label="C1: Interim care order")
    worker.get_by_label("Category of need").select_option(label="N1: Abuse or neglect")
    worker.get_by_label("Placement type").select_option(
        label="U4: Foster placement with other foster carer: long-term fostering"
    )
    worker.get_by_label("Carer or provider").select_option(
        label=f"{CARER_NAME} (Foster carer, {CARER_POSTCODE})"
    )
    worker.get_by_label("Placement provider").select_option(
        label="PR1: Own provision (by the local authority)"
    )
    worker.get_by_label("Home postcode").fill(HOME_POSTCODE.lower().replace(" ", ""))
    worker.get_by_label("Why is the child becoming looked after?").fill(
        "Interim care order granted today after Jay was left alone at home for three days."
    )
    pages.click(worker, button(worker, "Place the child"))

    expect(heading(worker)).to_have_text("Care")
    expect(banner(worker)).to_contain_text("Jay Moss is looked after from this date")
    expect(row(worker, "Looked after")).to_have_text(f"Yes, since {govuk_date(today)}")
    expect(row(worker, "Legal status")).to_have_text("C1: Interim care order")
    expect(row(worker, "Carer or provider", within="#current-placement")).to_have_text(CARER_NAME)
    # The carer's postcode stands in for the placement's; half a degree of latitude from home.
    expect(row(worker, "Placement postcode")).to_have_text(CARER_POSTCODE)
    expect(row(worker, "Distance from home")).to_have_text("34.5 miles (more than 20 miles)")
    expect(row(worker, "Family and friends care")).to_have_text("No")
    # The first review within 20 working days of the start of care (weekends and England's
    # bank holidays skipped: placed on 23 November 2026, due 21 December 2026).
    first_review_due = working_day_calendar().add_working_days(today, 20)
    expect(row(worker, "First review of the looked-after child", within="#clocks")).to_contain_text(
        f"Due {govuk_date(first_review_due)}"
    )
    episodes = cells(worker.locator("#episodes"))
    assert len(episodes) == 1
    assert episodes[0][0] == f"{govuk_date(today)} to now"
    assert episodes[0][1] == "S: Started to be looked after"
    assert episodes[0][2].startswith("C1: Interim care order")
    assert CARER_NAME in episodes[0][3]
    worker.context.close()
    assert pages.problems == []


# ---------------------------------------------------------------- 2. the first review


def test_the_reviewing_officer_records_the_first_review_in_time(site: Site) -> None:
    today = timezone.localdate()
    child = child_awaiting_first_review(site.world, today)
    placed_on = working_days_before(today, 15)
    first_due = working_day_calendar().add_working_days(placed_on, 20)
    pages = Pages(site)

    iro = pages.open(
        "independent_reviewing_officer", reverse("people:child-detail", args=[child.pk])
    )
    pages.click(iro, link(iro, CARE_LINK))
    expect(row(iro, "First review of the looked-after child", within="#clocks")).to_contain_text(
        f"Due {govuk_date(first_due)}"
    )
    expect(iro.get_by_text("No reviews recorded.")).to_be_visible()
    pages.click(iro, link(iro, "Record a review"))
    expect(heading(iro)).to_have_text("Record a looked-after child's review")
    expect(
        row(iro, "First review of the looked-after child", within="#review-clock")
    ).to_contain_text(f"Due {govuk_date(first_due)}")
    fill_date(iro, "Date of the review", today)
    choose(iro, "How did the child take part?", "PN1: Child attended and spoke for themselves")
    iro.get_by_label("What did the review find and decide?").fill(
        "Noah is settled with his carers; contact with his mother twice a week, supervised."
    )
    pages.click(iro, button(iro, "Record the review"))

    expect(heading(iro)).to_have_text("Care")
    expect(banner(iro)).to_contain_text("Review recorded")
    reviews = cells(iro.locator("#reviews"))
    assert len(reviews) == 1
    assert reviews[0][:2] == [
        govuk_date(today),
        "PN1: Child attended and spoke for themselves",
    ]
    assert reviews[0][3] == f"In time due {govuk_date(first_due)}"
    # The second review within 3 months of the first.
    expect(row(iro, "Second review of the looked-after child", within="#clocks")).to_contain_text(
        f"Due {govuk_date(add_months(today, 3))}"
    )
    expect(iro.locator("#clocks")).not_to_contain_text("First review of the looked-after child")
    iro.context.close()
    assert pages.problems == []


# ---------------------------------------------------------------- 3. missing and the interview


def at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def test_a_missing_episode_its_return_and_the_return_home_interview(site: Site) -> None:
    child = child_known_to_police(site.world)
    today = timezone.localdate()
    went = at(today - dt.timedelta(days=3), 21, 30)
    back = at(today - dt.timedelta(days=2), 10, 15)
    offered = at(today - dt.timedelta(days=1), 14, 0)
    child_page = reverse("people:child-detail", args=[child.pk])
    pages = Pages(site)

    # The police officer reports Tia missing.
    police = pages.open("police_officer", child_page)
    pages.click(police, link(police, MISSING_LINK))
    expect(heading(police)).to_have_text("Missing episodes")
    expect(police.get_by_text("No missing or away episodes recorded.")).to_be_visible()
    pages.click(police, link(police, "Report a missing or away episode"))
    expect(heading(police)).to_have_text("Report a missing or away episode")
    choose(police, "What happened?", "Missing")
    fill_date(police, "Date the child went missing", went.date())
    police.get_by_label("Time the child went missing").fill("9:30pm")
    police.get_by_label("Where were they last seen?").fill("Northbury bus station")
    expect(police.get_by_label("Agency that reported it")).to_have_value(
        str(site.world.agencies[AgencyKind.POLICE].pk)
    )
    police.get_by_label("Police reference (optional)").fill("NB-2026-4411")
    choose(police, "Is there a concern about exploitation?", "No")
    pages.click(police, button(police, "Record the episode"))
    expect(heading(police)).to_have_text("Missing episodes")
    expect(banner(police)).to_contain_text("Episode recorded for Tia Brooks")
    expect(police.locator(".govuk-warning-text")).to_contain_text(
        f"Tia has been missing since {govuk_datetime(went)}."
    )
    police.context.close()

    # The social worker records her return...
    worker = pages.open("social_worker", child_page)
    pages.click(worker, link(worker, MISSING_LINK))
    pages.click(worker, link(worker, "Record the return"))
    expect(heading(worker)).to_have_text("Record the child's return")
    expect(row(worker, "Went missing")).to_have_text(govuk_datetime(went))
    fill_date(worker, "Date the child returned", back.date())
    worker.get_by_label("Time the child returned").fill("10:15")
    worker.get_by_label("Where were they found or where did they return to?").fill(
        "Found by police at a friend's flat on Mill Lane"
    )
    pages.click(worker, button(worker, "Record the return"))
    expect(banner(worker)).to_contain_text(
        "Return recorded. Offer a return home interview within 72 hours"
    )
    due = back + dt.timedelta(hours=72)
    interview_cell = worker.locator("#episodes tbody tr td:nth-child(5)")
    expect(interview_cell).to_contain_text(f"Offer by {govuk_datetime(due)}")

    # ... and the return home interview: offered the next day, accepted and held today.
    pages.click(worker, link(worker, re.compile("^Return home interview")))
    expect(heading(worker)).to_have_text("Return home interview")
    expect(row(worker, "Returned")).to_have_text(govuk_datetime(back))
    expect(row(worker, "Offer due by")).to_contain_text(f"{govuk_datetime(due)} Due")
    fill_date(worker, "Date the interview was offered", offered.date())
    worker.get_by_label("Time the interview was offered").fill("2pm")
    choose(worker, "Did the child accept the interview?", "Yes")
    fill_date(worker, "Date the interview was held (optional)", today)
    worker.get_by_label("What was learnt, and what happens next").fill(
        "Tia stayed with an older friend after an argument at home; no sign of exploitation. "
        "Family mediation offered."
    )
    pages.click(worker, button(worker, "Save the interview"))

    expect(heading(worker)).to_have_text("Missing episodes")
    expect(banner(worker)).to_contain_text("Return home interview recorded")
    hours = int((back - went).total_seconds() // 3600)
    episode = cells(worker.locator("#episodes"))
    assert len(episode) == 1
    assert episode[0][0] == govuk_datetime(went)
    assert episode[0][1].startswith("Missing")
    assert "Police reference NB-2026-4411" in episode[0][1]
    assert episode[0][2].startswith(f"{hours} hours")
    assert "Last seen: Northbury bus station" in episode[0][3]
    assert "Found: Found by police at a friend's flat on Mill Lane" in episode[0][3]
    interview = episode[0][4]
    assert interview.startswith("Offered in time")
    assert f"Offered {govuk_datetime(offered)}; accepted; held {govuk_date(today)}" in interview
    expect(row(worker, "Interview offered within 72 hours")).to_have_text("1 (100%)")
    expect(row(worker, "Interview held")).to_have_text("1 (100%)")
    worker.context.close()
    assert pages.problems == []


# ---------------------------------------------------------------- 4. the 903 return


def findings_rows(page: Page) -> list[list[str]]:
    return cells(page.locator("#findings"))


def test_an_analyst_uploads_a_903_return_with_errors_and_reads_them(
    site: Site, tmp_path: Path, settings: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")  # the uploads' private folder, this test's own
    files = return_903_with_errors(tmp_path)
    pages = Pages(site)

    analyst = pages.open("data_analyst", reverse("care:returns903"))
    expect(heading(analyst)).to_have_text("SSDA903 return")
    pages.click(analyst, link(analyst, "Upload a return"))
    expect(heading(analyst)).to_have_text("Upload an SSDA903 return")
    analyst.get_by_label("Collection year of the return").select_option(label="2024/25")
    analyst.get_by_label("Team to own children new to masa").select_option(
        label=f"Assessment Team ({site.world.la_team.agency.name})"
    )
    analyst.get_by_label("The return's files").set_input_files(files)
    pages.click(analyst, button(analyst, "Check the files"))

    expect(heading(analyst)).to_have_text("Findings in the 2024/25 return")
    expect(row(analyst, "Children")).to_have_text("2")
    expect(row(analyst, "Findings")).to_have_text("3 in all")
    expect(analyst.locator("#findings caption")).to_have_text("3 findings for 2 children")
    assert findings_rows(analyst) == [
        ["L1", "Episodes", "1", "DECOM", "141", "Date episode began is not a valid date."],
        ["L2", "Episodes", "2", "LS", "144", "The legal status code is not a valid code."],
        [
            "L2",
            "Episodes",
            "2",
            "PL_POST",
            "MASA-FORMULA",
            "Value starts with =, +, - or @, which a spreadsheet would run as a formula; masa "
            "refuses it (a negative number is allowed).",
        ],
    ]

    # Only the legal status findings.
    analyst.get_by_label("Rule").select_option("144")
    pages.click(analyst, button(analyst, "Filter"))
    expect(analyst.locator("#findings caption")).to_have_text("1 finding for 1 child")
    assert [line[:5] for line in findings_rows(analyst)] == [["L2", "Episodes", "2", "LS", "144"]]
    expect(analyst.get_by_label("Rule")).to_have_value("144")

    # The download holds the findings shown, under the report's header row.
    with analyst.expect_download() as download:
        link(analyst, "Download these findings as CSV").click()
    assert download.value.suggested_filename == "ssda903-2024-25-findings.csv"
    report = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert report == [
        "child,table,row,field,rule,message",
        "L2,Episodes,2,LS,144,The legal status code is not a valid code.",
    ]
    analyst.context.close()
    assert pages.problems == []
