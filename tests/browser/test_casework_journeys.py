"""Casework journeys in the browser (issue 4): each step as the role that does it, in its own
browser context, by filling the forms through their labels and clicking. Every page visited is
checked with axe (WCAG 2.2 AA); the problems are gathered and asserted at the end of each test.

1. A school's contact about Kira Holt, through the MASH and a strategy discussion, to a child
   protection plan, then the chronology as social care and as the police see it.
2. A team manager clearing an overdue work list.
3. A casework form submitted empty shows the GOV.UK error summary.
"""

from __future__ import annotations

import datetime as dt
import re

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from masa.core.calendar import add_months, working_day_calendar
from masa.core.presenters import govuk_date

from .casework_data import case_awaiting_strategy, overdue_work, working_days_before
from .conftest import Site, axe_violations

LA = "Test Local authority children's services"
POLICE = "Test Police"
HEALTH = "Test Health (ICB or provider)"
SCHOOL = "Test School or education setting"


class Pages:
    """The pages one test visits, each checked with axe as it is reached."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.problems: list[str] = []

    def open(self, role: str, path: str | None = None) -> Page:
        page = self.site.context_for(role).new_page()
        if path is not None:
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
    """A fieldset (radios, checkboxes or a date) by its legend."""
    return page.get_by_role("group", name=legend, exact=True)


def fill_date(page: Page, legend: str, day: dt.date) -> None:
    """A GOV.UK date input: day, month and year typed separately."""
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


# ---------------------------------------------------------------- 1. contact to plan

CONTACT_REASON = (
    "Kira came to school hungry for the third day running and said there has been no food at "
    "home since the weekend. Her coat is too small and she has head lice again."
)
POLICE_CHECK = "Two domestic incidents at the family address this year; father arrested in June."


def test_mash_contact_to_child_protection_plan(site: Site) -> None:
    child = site.world.child
    pages = Pages(site)
    today = timezone.localdate()
    received_on = working_days_before(today, 5)
    decided_on = working_days_before(today, 4)  # strategy discussion the same day
    enquiry_done_on = working_days_before(today, 1)
    conference_on = today
    child_page = reverse("people:child-detail", args=[child.pk])

    # The school's designated safeguarding lead logs a contact from Kira's page.
    dsl = pages.open("designated_safeguarding_lead", child_page)
    pages.click(dsl, link(dsl, "Log a contact"))
    expect(heading(dsl)).to_have_text("Log a contact")
    expect(dsl.get_by_label("Child's masa ID")).to_have_value(child.masa_id)
    fill_date(dsl, "Date received", received_on)
    dsl.get_by_label("Time received").fill("9:30am")
    expect(dsl.get_by_label("Who made the contact (DfE referral source)")).to_have_value("2A")
    dsl.get_by_label("Name of the person who made the contact (optional)").fill("Ms Patel")
    dsl.get_by_label("Reason for the contact").fill(CONTACT_REASON)
    dsl.get_by_label("(16A)").check()
    choose(dsl, "Basis for sharing information", "Consent given by the parent or young person")
    choose(dsl, "Screening RAG rating (optional)", "Amber")
    pages.click(dsl, button(dsl, "Log contact"))
    expect(heading(dsl)).to_have_text("Contact about Kira Holt")
    expect(banner(dsl)).to_contain_text("Contact about Kira Holt logged")
    expect(row(dsl, "Reason")).to_have_text(CONTACT_REASON)
    expect(dsl.get_by_text("No decision has been recorded yet.")).to_be_visible()
    dsl.context.close()

    # The police MASH practitioner adds what the police hold.
    mash = pages.open("mash_practitioner", reverse("frontdoor:contact-list"))
    pages.click(mash, link(mash, re.compile(r"^Kira Holt")))
    expect(heading(mash)).to_have_text("Contact about Kira Holt")
    pages.click(mash, mash.get_by_role("button", name=re.compile("Add your agency")))
    expect(heading(mash)).to_have_text(f"Add {POLICE}'s information check")
    choose(mash, "Does your agency hold information about this child or family?", "Yes")
    mash.get_by_label("What your agency holds").fill(POLICE_CHECK)
    pages.click(mash, button(mash, "Add check"))
    expect(banner(mash)).to_contain_text(f"{POLICE}'s check added")
    expect(row(mash, "What is held")).to_have_text(POLICE_CHECK)
    mash.context.close()

    # The team manager decides: strategy discussion now.
    manager = pages.open("team_manager", reverse("frontdoor:contact-list"))
    pages.click(manager, link(manager, re.compile(r"^Kira Holt")))
    pages.click(manager, manager.get_by_role("button", name="Record the threshold decision"))
    expect(heading(manager)).to_have_text("Threshold decision")
    expect(manager.get_by_text(POLICE_CHECK)).to_be_visible()
    choose(manager, "Decision", "Strategy discussion now")
    choose(
        manager,
        "Level of need on the continuum",
        "Specialist: acute needs, child protection or care",
    )
    manager.get_by_label("Primary need (for a referral or a strategy discussion)").select_option(
        label="Abuse, neglect and exploitation"
    )
    manager.get_by_label("Reason for the decision").fill(
        "Chronic neglect with domestic abuse known to police: reasonable cause to suspect "
        "significant harm."
    )
    fill_date(manager, "Date of the decision", decided_on)
    pages.click(manager, button(manager, "Record decision"))
    expect(banner(manager)).to_contain_text("Decision recorded: Strategy discussion now")
    expect(row(manager, "Decision")).to_have_text("Strategy discussion now")
    case_link = row(manager, "Case").get_by_role("link")
    expect(case_link).to_have_text("Strategy discussion")  # the case's stage now
    manager.context.close()

    # The social worker records the strategy discussion, which starts a section 47 enquiry.
    worker = pages.open("social_worker", child_page)
    pages.click(worker, link(worker, "View case"))
    expect(heading(worker)).to_have_text("Case for Kira Holt")
    expect(row(worker, "Stage")).to_have_text("Strategy discussion")
    pages.click(worker, link(worker, "Record the strategy discussion"))
    expect(heading(worker)).to_have_text("Record a strategy discussion")
    fill_date(worker, "Date of the strategy discussion", decided_on)
    choose(worker, "Was it a meeting or a discussion?", "A strategy discussion")
    for agency in (LA, POLICE, HEALTH):
        group(worker, "Agencies that took part").get_by_label(agency, exact=True).check()
    worker.get_by_label("Summary of the discussion").fill(
        "Police and health agree the threshold for section 47 enquiries is met. Joint visit "
        "tomorrow; health to arrange a medical."
    )
    choose(worker, "Was it decided to start a section 47 enquiry?", "Yes")
    pages.click(worker, button(worker, "Save strategy discussion"))
    expect(heading(worker)).to_have_text("Strategy discussion")
    expect(banner(worker)).to_contain_text("Strategy discussion recorded")
    expect(row(worker, "Agencies that took part")).to_have_text(f"{HEALTH}, {LA}, {POLICE}")
    expect(row(worker, "Decision")).to_have_text("Start a section 47 enquiry")

    pages.click(worker, link(worker, f"Section 47 enquiry started {govuk_date(decided_on)}"))
    expect(heading(worker)).to_have_text("Section 47 enquiry")
    expect(row(worker, "Outcome")).to_have_text("Not yet recorded")
    pages.click(worker, link(worker, "Record the outcome"))
    choose(
        worker,
        "Outcome of the enquiry",
        "Concerns substantiated: initial child protection conference",
    )
    fill_date(worker, "Date the enquiry was completed", enquiry_done_on)
    worker.get_by_label("Summary of the findings").fill("Neglect substantiated over months.")
    pages.click(worker, button(worker, "Save outcome"))
    expect(banner(worker)).to_contain_text("Outcome of the enquiry recorded")
    expect(row(worker, "Outcome")).to_have_text(
        "Concerns substantiated: initial child protection conference"
    )

    # Back on the case, the social worker records the initial conference once it is held.
    pages.click(worker, link(worker, "Back to the case"))
    expect(row(worker, "Stage")).to_have_text("Initial child protection conference due")
    pages.click(worker, link(worker, "Record the initial child protection conference"))
    expect(heading(worker)).to_have_text(
        "Record the initial child protection conference for Kira Holt"
    )
    fill_date(worker, "Date of the conference", conference_on)
    for agency in (LA, POLICE, HEALTH, SCHOOL):
        group(worker, "Agencies that attended").get_by_label(agency, exact=True).check()
    choose(worker, "Did the family attend?", "Yes")
    worker.get_by_label("Summary of the discussion").fill("Mother attended with an advocate.")
    pages.click(worker, button(worker, "Record the conference"))
    expect(heading(worker)).to_have_text("Initial child protection conference")
    expect(banner(worker)).to_contain_text("Initial child protection conference recorded")
    expect(row(worker, "Decision")).to_have_text("Not yet recorded")

    # The independent reviewing officer records the chair's decision: a plan for neglect.
    chair = pages.open("independent_reviewing_officer", child_page)
    pages.click(chair, link(chair, "Conferences and plans"))
    pages.click(chair, chair.locator("#pending").get_by_role("link"))
    pages.click(chair, chair.get_by_role("link", name="Record the decision for Kira Holt"))
    expect(heading(chair)).to_have_text("Conference decision for Kira Holt")
    choose(chair, "Does the child need a child protection plan?", "Yes")
    choose(chair, "Category of abuse", "Neglect")
    chair.get_by_label("The child protection plan").fill(
        "Daily breakfast club; weekly home visits; health visitor to check growth monthly."
    )
    chair.get_by_label("Contingency plan").fill(
        "If home conditions do not improve within 6 weeks, legal planning meeting."
    )
    pages.click(chair, button(chair, "Record the decision"))
    expect(heading(chair)).to_have_text("Child protection plan")
    expect(banner(chair)).to_contain_text("Child protection plan started for Kira Holt")
    expect(row(chair, "Started")).to_have_text(govuk_date(conference_on))
    expect(row(chair, "Initial category of abuse")).to_have_text("Neglect")
    # Working Together: first core group within 10 working days of the conference, first
    # review within 3 months (conference on 23 November 2026: 7 December and 23 February).
    core_group_due = working_day_calendar().add_working_days(conference_on, 10)
    review_due = add_months(conference_on, 3)
    expect(row(chair, "First core group", within="#core-group-due")).to_contain_text(
        f"Due {govuk_date(core_group_due)}"
    )
    expect(row(chair, "First review conference", within="#review-due")).to_contain_text(
        f"Due {govuk_date(review_due)}"
    )
    chair.context.close()

    # Social care's chronology lists every step in the order it happened.
    pages.goto(worker, child_page)
    pages.click(worker, link(worker, "View chronology"))
    expect(heading(worker)).to_have_text("Chronology")
    body = worker.locator("table.masa-chronology tbody tr")
    expect(body.locator("td:nth-child(2)")).to_have_text(
        [
            "Contact",
            "Referral",
            "Threshold decision",
            "Strategy discussion",
            "Section 47 enquiry",
            "Section 47 enquiry",
            "Agency information check",
            "Child protection conference",
            "Child protection plan",
        ]
    )
    # The agency check is dated the day it was added (today), after the back-dated steps.
    on = [received_on] * 2 + [decided_on] * 3 + [enquiry_done_on, today] + [conference_on] * 2
    expect(body.locator("td:nth-child(1)")).to_have_text([govuk_date(day) for day in on])
    expect(body.first).to_contain_text(CONTACT_REASON)
    worker.context.close()

    # The police see the strategy discussion, not what the school told the front door.
    police = pages.open("police_officer", reverse("journey:chronology", args=[child.pk]))
    expect(police.locator(".govuk-inset-text")).to_contain_text(f"You are seeing {POLICE}’s view")
    events = police.locator("table.masa-chronology tbody tr td:nth-child(2)")
    expect(events.filter(has_text="Strategy discussion")).to_have_count(1)
    expect(events.filter(has_text=re.compile("^Contact$"))).to_have_count(0)
    expect(police.get_by_text(CONTACT_REASON)).to_have_count(0)
    expect(police.get_by_text("hungry", exact=False)).to_have_count(0)
    police.context.close()

    assert pages.problems == []


# ---------------------------------------------------------------- 2. clearing an overdue list


def work_row(page: Page, child_name: str) -> Locator:
    return page.locator("#work tbody tr").filter(has=page.get_by_role("link", name=child_name))


def test_team_manager_clears_an_overdue_work_list(site: Site) -> None:
    today = timezone.localdate()
    work = overdue_work(site.world, today)
    contact_due = working_day_calendar().add_working_days(
        timezone.localdate(work.contact.received_at), 1
    )
    assessment_due = working_day_calendar().add_working_days(
        work.assessment.case.referral.referral_date, 45
    )
    pages = Pages(site)

    manager = pages.open("team_manager", reverse("journey:work-list"))
    expect(heading(manager)).to_have_text("Work list")
    for name, what, due in (
        ("Ava Stone", "Threshold decision on contact", contact_due),
        ("Leo Marsh", "Assessment authorised", assessment_due),
    ):
        line = work_row(manager, name)
        expect(line).to_have_count(1)
        expect(line).to_contain_text(what)
        expect(line.locator(".govuk-tag")).to_have_text("Overdue")
        expect(line).to_contain_text(govuk_date(due))

    # Only what is overdue, latest due first.
    manager.get_by_text("Filter the list").click()
    choose(manager, "Show", "Overdue")
    pages.click(manager, button(manager, "Apply filters"))
    expect(
        manager.locator("#work tbody .govuk-tag").filter(has_text=re.compile("^Due$"))
    ).to_have_count(0)
    due_header = manager.get_by_role("columnheader", name=re.compile("^Due date"))
    pages.click(manager, due_header.get_by_role("link"))
    expect(due_header).to_have_attribute("aria-sort", "descending")
    names = manager.locator("#work tbody tr td:nth-child(2)")
    expect(names.filter(has_text=re.compile("Ava Stone|Leo Marsh"))).to_have_text(
        ["Ava Stone", "Leo Marsh"]
    )
    overdue_list = manager.url

    # The contact: from the list to the case, the contact, and the decision.
    pages.click(manager, link(manager, "Ava Stone"))
    expect(heading(manager)).to_have_text("Case for Ava Stone")
    pages.click(manager, link(manager, "Contact"))
    expect(row(manager, "Decision due")).to_contain_text("Overdue")
    pages.click(manager, manager.get_by_role("button", name="Record the threshold decision"))
    choose(manager, "Decision", "Information and advice")
    choose(
        manager,
        "Level of need on the continuum",
        "Early help: needs met by one agency or a team around the family",
    )
    manager.get_by_label("Reason for the decision").fill(
        "Parents agree to contact the domestic abuse helpline; school to keep an eye on Ava."
    )
    fill_date(manager, "Date of the decision", today)
    pages.click(manager, button(manager, "Record decision"))
    expect(banner(manager)).to_contain_text("Decision recorded: Information and advice")
    expect(row(manager, "Decided")).to_contain_text(govuk_date(today))

    # The assessment: from the list to the case, the assessment, and its authorisation.
    pages.goto(manager, overdue_list)
    expect(work_row(manager, "Ava Stone")).to_have_count(0)
    pages.click(manager, link(manager, "Leo Marsh"))
    expect(heading(manager)).to_have_text("Case for Leo Marsh")
    pages.click(manager, link(manager, "Assessment"))
    expect(heading(manager)).to_have_text("Assessment")
    pages.click(manager, link(manager, "Authorise the assessment"))
    expect(heading(manager)).to_have_text("Authorise the assessment")
    fill_date(manager, "Date you authorised the assessment", today)
    group(manager, "Factors identified at assessment").get_by_label(
        "4B: Mental health", exact=False
    ).check()
    choose(manager, "Outcome", "No further action")
    manager.get_by_label("Reasons for your decision").fill(
        "Mother's depression is treated by her GP; Leo is well cared for. No further action."
    )
    pages.click(manager, button(manager, "Authorise assessment"))
    expect(banner(manager)).to_contain_text("Assessment authorised")
    expect(row(manager, "Outcome")).to_have_text("No further action")
    expect(manager.locator("#factors")).to_contain_text("4B: Mental health")

    pages.goto(manager, overdue_list)
    expect(work_row(manager, "Ava Stone")).to_have_count(0)
    expect(work_row(manager, "Leo Marsh")).to_have_count(0)
    manager.context.close()
    assert pages.problems == []


# ---------------------------------------------------------------- 3. bad input


def test_empty_strategy_discussion_shows_the_error_summary(site: Site) -> None:
    case = case_awaiting_strategy(site.world, timezone.localdate())
    pages = Pages(site)
    worker = pages.open("social_worker", reverse("protection:strategy-add", args=[case.pk]))
    pages.click(worker, button(worker, "Save strategy discussion"))

    summary = worker.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expected = [
        "Enter date of the strategy discussion",
        "Select whether it was a meeting or a discussion",
        "Select children's social care and at least one other agency that took part "
        "(usually police and health)",
        "Enter a summary of the strategy discussion",
        "Select whether a section 47 enquiry will start",
    ]
    expect(summary.get_by_role("link")).to_have_text(expected)
    for target in summary.get_by_role("link").all():
        expect(worker.locator(str(target.get_attribute("href")))).to_have_count(1)
    # Each message is shown again at its field.
    expect(worker.locator(".govuk-error-message")).to_have_count(len(expected))
    summary.get_by_role("link", name="Enter date of the strategy discussion").click()
    expect(group(worker, "Date of the strategy discussion").get_by_label("Day")).to_be_focused()
    summary.get_by_role("link", name="Enter a summary of the strategy discussion").click()
    expect(worker.get_by_label("Summary of the discussion")).to_be_focused()
    expect(worker).to_have_title(re.compile("^Error: "))
    worker.context.close()
    assert pages.problems == []
