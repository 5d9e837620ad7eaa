"""Case review journeys in the browser (issue 7): each role in its own browser context, filling
the forms through their labels and clicking. Every page visited is checked with axe (WCAG 2.2 AA);
the problems are gathered and asserted at the end of each test. (The review's own page, which
each step's form returns to, is checked when first opened and again once every step is on it.)

1. The health safeguarding practitioner refers Kira Holt for consideration.
2. The business manager takes a referral from the overdue acknowledgement on the home page,
   through notification, the review group and the rapid review pack, the decision and the
   Panel's response, commissioning and costs, to a finding, a recommendation, its action and an
   approved 7-minute briefing; the review's steps then show each date.
3. A member of the review group (health) opens the rapid review pack, sees who the child is and
   confirms their agency's section.
4. The independent scrutineer reads a review about Kira Holt, its learning, the thematic
   analysis and the actions tracker: never a name, never a button that changes anything, and
   the pack is the 404 of a review that does not exist.
"""

from __future__ import annotations

import datetime as dt
import re

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from masa.core.calendar import add_months, working_day_calendar
from masa.core.presenters import govuk_date

from .casework_data import working_days_before
from .conftest import Site, axe_violations
from .review_data import learning_set_up, referred_review, review_with_pack, scrutinised_review

HEALTH = "Test Health (ICB or provider)"
POLICE = "Test Police"
LA = "Test Local authority children's services"


class Journey:
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

    def goto_refused(self, page: Page, path: str) -> int:
        """Open a page the user may not: the answer's status (the page is checked too)."""
        response = page.goto(path)
        assert response is not None and not response.ok, f"{path} opened for this user"
        self.check(page)
        return response.status

    def click(self, page: Page, target: Locator, *, check: bool = True) -> None:
        """Follow a link or submit a form, then check the page it leads to (``check=False``
        for a page already checked in this journey, which is checked again later on)."""
        with page.expect_navigation():
            target.click()
        if check:
            self.check(page)

    def check(self, page: Page) -> None:
        page.wait_for_load_state()
        self.problems += axe_violations(page)


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def banner(page: Page) -> Locator:
    return page.locator(".govuk-notification-banner")


def row(scope: Page | Locator, key: str) -> Locator:
    """The value of a summary list row, found by its key (in the page or a part of it)."""
    page = scope if isinstance(scope, Page) else scope.page
    key_cell = page.locator("dt", has_text=re.compile(f"^{re.escape(key)}$"))
    return scope.locator(".govuk-summary-list__row").filter(has=key_cell).locator("dd").first


def group(page: Page, legend: str) -> Locator:
    """A fieldset (radios, checkboxes or a date) by its legend."""
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


def link(page: Page, name: str) -> Locator:
    return page.get_by_role("link", name=name, exact=True)


def menu(page: Page, name: str) -> Locator:
    """A section of the service's main menu."""
    return page.get_by_role("navigation", name="Main menu").get_by_role("link", name=name)


def task(page: Page, title: str) -> Locator:
    """A step of a GOV.UK task list, by its title."""
    return page.locator(".govuk-task-list__item").filter(has=page.get_by_text(title, exact=True))


# ---------------------------------------------------------------- 1. a partner refers a case

REFERRAL_REASON = (
    "Kira was brought to the emergency department with a burn to her hand that her mother said "
    "happened a week ago. Health visitors have had no contact with the family since March."
)


def test_a_partner_refers_a_case_for_consideration(site: Site) -> None:
    child = site.world.child
    today = timezone.localdate()
    journey = Journey(site)

    health = journey.open("health_safeguarding_practitioner", reverse("reviews:review-list"))
    expect(heading(health)).to_have_text("Case reviews")
    journey.click(health, button(health, "Refer a case"))
    expect(heading(health)).to_have_text("Refer a case for a review")

    # Sent empty: the error summary names each missing answer and links to its field.
    journey.click(health, button(health, "Refer the case"))
    summary = health.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expected = [
        "Enter the child's masa ID",
        "Enter date of the incident",
        "Enter date the local authority became aware of the incident",
        "Select whether the child died or was seriously harmed",
        "Select yes if abuse or neglect is known or suspected",
        "Enter why you are referring the case",
    ]
    expect(summary.get_by_role("link")).to_have_text(expected)
    for target in summary.get_by_role("link").all():
        expect(health.locator(str(target.get_attribute("href")))).to_have_count(1)
    expect(health.locator(".govuk-error-message")).to_have_count(len(expected))
    expect(health).to_have_title(re.compile("^Error: "))
    summary.get_by_role("link", name="Enter the child's masa ID").click()
    expect(health.get_by_label("Child's masa ID")).to_be_focused()
    summary.get_by_role("link", name="Enter why you are referring the case").click()
    expect(health.get_by_label("Why are you referring the case?")).to_be_focused()

    # Then the referral as the practitioner would make it.
    health.get_by_label("Child's masa ID").fill(child.masa_id)
    fill_date(health, "Date of the incident", working_days_before(today, 2))
    fill_date(
        health,
        "Date the local authority became aware of the incident",
        working_days_before(today, 1),
    )
    choose(health, "What happened to the child?", "The child was seriously harmed")
    choose(health, "Is abuse or neglect known or suspected?", "Yes")
    health.get_by_label("Why are you referring the case?").fill(REFERRAL_REASON)
    fill_date(health, "Date of the referral", today)
    journey.click(health, button(health, "Refer the case"))

    expect(banner(health)).to_contain_text("Case referred for consideration. It is known as")
    found = re.search(r"It is known as (Child [A-Z]+)", banner(health).inner_text())
    assert found is not None
    name = found.group(1)
    expect(heading(health)).to_have_text(name)
    expect(health.locator(".govuk-tag").first).to_have_text("Referred for consideration")
    # The referrer is in the review group, so sees who the child is.
    expect(row(health, "Children")).to_contain_text(
        f"Kira Holt ({child.masa_id}), known in the review as {name}"
    )
    referrer = site.world.users["health_safeguarding_practitioner"].display_name
    expect(row(health, "Referred")).to_have_text(f"{govuk_date(today)} by {referrer}, {HEALTH}")
    # The acknowledgement clock: 3 working days from the referral, owned by the business unit.
    acknowledge_by = working_day_calendar().add_working_days(today, 3)
    clock = health.locator("h3", has_text="Case review referral acknowledged")
    expect(clock.locator(".govuk-tag")).to_have_text("Due")
    expect(clock.locator("xpath=following-sibling::p[1]")).to_have_text(
        f"The business unit. Due {govuk_date(acknowledge_by)}."
    )
    expect(task(health, "Acknowledged by the business unit")).to_contain_text(
        f"Due {govuk_date(acknowledge_by)}: the business unit"
    )
    # Only the business unit moves the review on.
    expect(health.get_by_role("button", name="Acknowledge the referral")).to_have_count(0)

    # The list shows the new review with its next deadline.
    journey.click(health, menu(health, "Case reviews"))
    listed = health.locator("#reviews tbody tr").filter(has=link(health, name))
    expect(listed).to_contain_text("Kira Holt")
    expect(listed).to_contain_text(
        f"Case review referral acknowledged: due {govuk_date(acknowledge_by)}"
    )
    health.context.close()
    assert journey.problems == []


# ---------------------------------------------------------------- 2. the business manager


def test_the_business_manager_takes_a_review_from_referral_to_learning(site: Site) -> None:
    world = site.world
    today = timezone.localdate()
    calendar = working_day_calendar()
    review = referred_review(world, today)
    priority = learning_set_up(world)
    name = review.anonymised_name
    manager_name = world.users["business_manager"].display_name
    team_manager = world.users["team_manager"]
    health_user = world.users["health_safeguarding_practitioner"]
    referred_on, aware_on = review.referred_on, review.aware_on
    acknowledged_on = working_days_before(today, 12)
    notified_on = working_days_before(today, 11)
    meeting_on = working_days_before(today, 3)
    sent_on = working_days_before(today, 2)
    decided_on = working_days_before(today, 1)
    action_due = today + dt.timedelta(days=60)
    journey = Journey(site)

    bm = journey.open("business_manager", "/")
    # The home page lists the review's overdue steps: acknowledging (3 working days from the
    # referral) and notifying the Panel (5 from the day the local authority became aware).
    overdue = bm.locator("#overdue-review-steps tbody tr").filter(has=link(bm, name))
    expect(overdue.locator("td:nth-child(2)")).to_have_text(
        [
            "Case review referral acknowledged",
            "Serious incident notified to the national Panel",
        ]
    )
    expect(overdue.first).to_contain_text(govuk_date(calendar.add_working_days(referred_on, 3)))
    expect(overdue.nth(1)).to_contain_text(govuk_date(calendar.add_working_days(aware_on, 5)))
    journey.click(bm, overdue.first.get_by_role("link", name=name))
    expect(heading(bm)).to_have_text(name)
    # Not yet in the review group: the child is shown by the anonymised name only.
    expect(bm.get_by_text("Esme Darby")).to_have_count(0)

    journey.click(bm, button(bm, "Acknowledge the referral"))
    expect(heading(bm)).to_have_text("Acknowledge the referral")
    fill_date(bm, "Date the referral was acknowledged", acknowledged_on)
    journey.click(bm, button(bm, "Save"), check=False)
    expect(banner(bm)).to_contain_text(f"{name}: referral acknowledged")
    expect(row(bm, "Lead")).to_have_text(manager_name)
    expect(row(bm, "Children")).to_contain_text("Esme Darby")  # now the lead, in the group

    journey.click(bm, button(bm, "Record whether the case is notifiable"))
    choose(
        bm,
        "Does the case meet the criteria for a serious incident notification?",
        "Yes",
    )
    choose(bm, "Was the child looked after by a local authority?", "No")
    bm.get_by_label("Reasons").fill("Serious harm to a toddler; neglect is suspected.")
    journey.click(bm, button(bm, "Save"), check=False)
    expect(row(bm, "Notifiable to the national Panel")).to_contain_text("Yes.")

    journey.click(bm, button(bm, "Record the notification to the Panel"))
    expect(heading(bm)).to_have_text("Record the serious incident notification")
    fill_date(bm, "Date the notification was sent", notified_on)
    bm.get_by_label("Local authority making the notification").fill("Test local authority")
    bm.get_by_label("Where the incident happened").fill("The family home")
    bm.get_by_label("Summary of the incident").fill(
        "A child of 2 admitted with a head injury the family could not explain."
    )
    bm.get_by_label("Category of abuse suspected").select_option(label="Neglect")
    group(bm, "Which of these apply?").get_by_label(
        "The child or family was known to early help"
    ).check()
    bm.get_by_label("Their role").fill("Partnership business manager")
    journey.click(bm, button(bm, "Save"), check=False)
    expect(banner(bm)).to_contain_text(f"{name}: serious incident notification recorded")
    expect(row(bm, "Sent")).to_have_text(govuk_date(notified_on))
    expect(row(bm, "Category of abuse")).to_have_text("N")
    expect(row(bm, "Circumstances")).to_have_text("The child or family was known to early help")

    journey.click(bm, button(bm, "Record when the partners were told"))
    fill_date(bm, "Date the safeguarding partners were told", notified_on)
    journey.click(bm, button(bm, "Save"), check=False)
    expect(banner(bm)).to_contain_text(f"{name}: date the partners were told recorded")

    # The review group: the team manager joins for children's social care.
    journey.click(bm, link(bm, "Review group and the children linked to the review"))
    expect(heading(bm)).to_have_text("Review group")
    bm.get_by_label("Person").select_option(
        label=f"{team_manager.display_name}: Team manager, {LA}"
    )
    choose(bm, "Their role in the review group", "Agency representative")
    journey.click(bm, button(bm, "Add to the review group"))
    expect(banner(bm)).to_contain_text(f"{team_manager.display_name} added to the review group")
    members = bm.locator("#members tbody tr")
    expect(members.filter(has_text=team_manager.display_name)).to_contain_text(
        "Agency representative"
    )
    expect(members.filter(has_text=manager_name)).to_contain_text("Review lead (business unit)")

    # The rapid review pack, drafted from the chronology as it stood on the incident day.
    journey.click(bm, link(bm, "Open the rapid review pack"))
    expect(heading(bm)).to_have_text("Rapid review pack")
    expect(bm.locator("#not-drafted")).to_have_text("The pack has not been drafted yet.")
    journey.click(bm, button(bm, "Draft the pack from the chronology"))
    expect(banner(bm)).to_contain_text(
        f"Drafted 2 sections from the chronology as known on {govuk_date(review.incident_date)}"
    )
    expect(task(bm, HEALTH)).to_contain_text("1 line from the chronology")
    expect(task(bm, POLICE)).to_contain_text("1 line from the chronology")
    expect(bm.locator("#outstanding-count")).to_have_text(
        "2 of 2 agencies have not confirmed their section yet:"
    )
    journey.click(bm, bm.get_by_role("link", name=f"Back to {name}"), check=False)

    journey.click(bm, button(bm, "Record the rapid review"))
    fill_date(bm, "Date of the rapid review meeting", meeting_on)
    fill_date(bm, "Date the rapid review was sent to the Panel", sent_on)
    journey.click(bm, button(bm, "Save"), check=False)
    expect(banner(bm)).to_contain_text(f"{name}: rapid review recorded as sent to the Panel")

    journey.click(bm, button(bm, "Record the decision"))
    choose(bm, "Decision", "Local child safeguarding practice review")
    fill_date(bm, "Date of the decision", decided_on)
    bm.get_by_label("Reasons for the decision").fill(
        "The rapid review found learning about neglect and information sharing."
    )
    journey.click(bm, button(bm, "Save"), check=False)
    expect(row(bm, "Decision")).to_contain_text(
        f"Local child safeguarding practice review, {govuk_date(decided_on)}."
    )

    journey.click(bm, button(bm, "Record the Panel's response"))
    choose(bm, "The Panel's response", "Agrees with the decision")
    fill_date(bm, "Date of the Panel's response", today)
    journey.click(bm, button(bm, "Save"), check=False)
    expect(row(bm, "The Panel's response")).to_have_text(
        f"Agrees with the decision, {govuk_date(today)}"
    )

    journey.click(bm, button(bm, "Commission the review"))
    bm.get_by_label("Reviewer's name").fill("Sam Okafor")
    bm.get_by_label("Reviewer's organisation (optional)").fill("Independent reviewer")
    fill_date(bm, "Date the review was commissioned", today)
    bm.get_by_label("Terms of reference").fill("How agencies shared what they knew.")
    bm.get_by_label("Methodology").fill("A systems approach with a practitioner event")
    bm.get_by_label("How the family will be involved").fill("Mother invited to meet the reviewer")
    bm.get_by_label("Agreed fee in pounds (optional)").fill("6500")
    fill_date(bm, "Planned completion date (optional)", add_months(today, 5))
    fill_date(
        bm,
        "Date the Panel, Ofsted and DfE were told of the review and reviewer (optional)",
        today,
    )
    journey.click(bm, button(bm, "Save"), check=False)
    expect(banner(bm)).to_contain_text(f"{name}: review commissioned")
    expect(row(bm, "Reviewer")).to_have_text("Sam Okafor, Independent reviewer")
    expect(row(bm, "Agreed fee")).to_have_text("£6,500.00")

    journey.click(bm, button(bm, "Add a cost"))
    bm.get_by_label("What the cost was for").fill("Venue for the practitioner event")
    bm.get_by_label("Amount in pounds").fill("450.50")
    fill_date(bm, "Date of the cost", today)
    bm.get_by_label("Paid by (optional)").select_option(label=HEALTH)
    journey.click(bm, button(bm, "Save"), check=False)
    expect(banner(bm)).to_contain_text(f"{name}: cost added")
    expect(bm.locator("#costs-total")).to_have_text("£450.50")

    # Learning: a finding and a recommendation, tagged with themes.
    journey.click(bm, link(bm, "Findings, recommendations and briefings"))
    expect(heading(bm)).to_have_text("Findings and recommendations")
    journey.click(bm, button(bm, "Add a finding"))
    bm.get_by_label("Title").fill("Missed health reviews were not followed up")
    bm.get_by_label("What the review found").fill(
        "Esme's family did not answer two letters and nobody asked the police what they knew."
    )
    for theme in ("Neglect", "Information sharing"):
        group(bm, "Learning themes (optional)").get_by_label(theme, exact=True).check()
    journey.click(bm, button(bm, "Save"), check=False)
    expect(banner(bm)).to_contain_text("Finding 1 added")
    finding = bm.locator("#finding-1")
    expect(finding.get_by_role("heading")).to_have_text(
        "Finding 1: Missed health reviews were not followed up"
    )
    expect(finding.locator(".govuk-tag")).to_have_text(["Neglect", "Information sharing"])

    journey.click(bm, button(bm, "Add a recommendation"))
    bm.get_by_label("Recommendation", exact=True).fill(
        "Health services ask the MASH what other agencies know before closing a case for "
        "missed appointments."
    )
    bm.get_by_label("Finding it answers (optional)").select_option(
        label="Finding 1: Missed health reviews were not followed up"
    )
    group(bm, "Agencies it is for (optional)").get_by_label(HEALTH, exact=True).check()
    group(bm, "Learning themes (optional)").get_by_label("Information sharing", exact=True).check()
    journey.click(bm, button(bm, "Save"))
    expect(banner(bm)).to_contain_text("Recommendation 1 added")
    recommendation = bm.locator("#recommendation-1")
    expect(row(recommendation, "Answers")).to_have_text("Finding 1")
    expect(recommendation).to_contain_text(HEALTH)

    # The recommendation becomes an action owned by health, serving the partnership's priority.
    journey.click(bm, link(bm, "Add actions for recommendation 1"))
    expect(heading(bm)).to_have_text(f"Actions for {name}, recommendation 1")
    bm.get_by_label("The action").fill("Audit closures of cases for missed health reviews")
    bm.get_by_label("Partnership priority it serves").select_option(
        label=f"Priority {priority.number}: {priority.title}"
    )
    bm.get_by_label("Owning agency").select_option(label=HEALTH)
    bm.get_by_label("Owner", exact=True).select_option(
        label=f"{health_user.display_name}: Health safeguarding practitioner, {HEALTH}"
    )
    fill_date(bm, "Due date", action_due)
    journey.click(bm, button(bm, "Add the action"))
    expect(banner(bm)).to_contain_text(
        "Action added: “Audit closures of cases for missed health reviews”"
    )
    action_row = bm.locator("table tbody tr").filter(
        has=link(bm, "Audit closures of cases for missed health reviews")
    )
    expect(action_row).to_contain_text(f"{health_user.display_name}, {HEALTH}")
    expect(action_row).to_contain_text(govuk_date(action_due))
    expect(action_row.locator(".govuk-tag")).to_have_text("Not started")

    # The 7-minute briefing, generated from the learning, approved and read as a page.
    journey.goto(bm, reverse("reviews:findings", args=[review.pk]))
    expect(row(bm.locator("#recommendation-1"), "Actions")).to_contain_text(
        "1 action on the actions tracker"
    )
    journey.click(bm, button(bm, "Generate a draft briefing"))
    expect(banner(bm)).to_contain_text("Draft briefing generated: check and change its wording")
    expect(heading(bm)).to_have_text("Change the 7-minute briefing")
    expect(bm.get_by_label("3. What we found")).to_have_value(
        re.compile("Missed health reviews were not followed up")
    )
    journey.click(bm, button(bm, "Save and approve"))
    expect(banner(bm)).to_contain_text("Briefing approved: it can now be shared")
    expect(heading(bm)).to_have_text(f"7-minute briefing: learning from {name}")
    expect(bm.get_by_text(f"Approved by {manager_name} on {govuk_date(today)}.")).to_be_visible()
    expect(bm.get_by_role("heading", name="3. What we found")).to_be_visible()
    expect(bm.locator("main")).to_contain_text("Audit closures of cases for missed health reviews")
    expect(bm.locator("main")).not_to_contain_text("Esme")  # names are taken out
    expect(bm.locator("main")).to_contain_text(f"{name}'s family did not answer two letters")

    # The review's steps, each with its date and whether it was in time.
    journey.goto(bm, reverse("reviews:review-detail", args=[review.pk]))
    expect(heading(bm)).to_have_text(name)
    expect(bm.locator(".govuk-tag").first).to_have_text("Review commissioned")
    steps = {
        "Referred for consideration": (
            f"Referred {govuk_date(referred_on)} by {HEALTH}",
            "Completed",
        ),
        "Acknowledged by the business unit": (
            f"Done {govuk_date(acknowledged_on)}; due "
            f"{govuk_date(calendar.add_working_days(referred_on, 3))}",
            "Completed in time",
        ),
        "Decide whether the case is notifiable": ("Notifiable to the national Panel", "Completed"),
        "Serious incident notified to the Panel": (
            f"Done {govuk_date(notified_on)}; due "
            f"{govuk_date(calendar.add_working_days(aware_on, 5))}",
            "Completed in time",
        ),
        "Safeguarding partners told": (
            f"Done {govuk_date(notified_on)}; due "
            f"{govuk_date(calendar.add_working_days(aware_on, 5))}",
            "Completed in time",
        ),
        "Rapid review held and sent to the Panel": (
            f"Meeting held {govuk_date(meeting_on)}. Done {govuk_date(sent_on)}; due "
            f"{govuk_date(calendar.add_working_days(aware_on, 15))}",
            "Completed in time",
        ),
        "Decision recorded": (
            f"Local child safeguarding practice review, {govuk_date(decided_on)}",
            "Completed",
        ),
        "The Panel's response": (
            f"Agrees with the decision. Done {govuk_date(today)}; due "
            f"{govuk_date(sent_on + dt.timedelta(days=28))}",
            "Completed in time",
        ),
        "Panel, Ofsted and DfE told of the review": (
            f"Done {govuk_date(today)}; due {govuk_date(calendar.add_working_days(decided_on, 5))}",
            "Completed in time",
        ),
        "Reviewer commissioned": (f"Sam Okafor, {govuk_date(today)}", "Completed"),
        "Published": (
            f"Completion and publication due {govuk_date(add_months(decided_on, 6))}: the reviewer",
            "Due",
        ),
    }
    for title, (hint, status) in steps.items():
        step = task(bm, title)
        expect(step.locator(".govuk-task-list__hint")).to_have_text(hint)
        expect(step.locator(".govuk-task-list__status")).to_have_text(status)
    history = bm.locator("table", has=bm.locator("caption", has_text="Every change")).locator(
        "tbody tr td:nth-child(1)"
    )
    expect(history).to_have_text(
        [
            govuk_date(day)
            for day in (referred_on, acknowledged_on, notified_on, sent_on, decided_on, today)
        ]
    )
    bm.context.close()

    # The action's owner finds it in their own list.
    owner = journey.open("health_safeguarding_practitioner", reverse("assurance:my-actions"))
    expect(heading(owner)).to_have_text("My actions")
    mine = owner.locator(".govuk-task-list__item").filter(
        has=link(owner, "Audit closures of cases for missed health reviews")
    )
    expect(mine).to_contain_text(f"Due {govuk_date(action_due)}, {HEALTH}, priority 1")
    expect(
        owner.get_by_role("link", name=re.compile("^You own a new action: Audit"))
    ).to_have_count(1)
    owner.context.close()
    assert journey.problems == []


# ---------------------------------------------------------------- 3. a review group member


def test_a_review_group_member_confirms_their_agencys_section_of_the_pack(site: Site) -> None:
    review = review_with_pack(site.world, timezone.localdate())
    name = review.anonymised_name
    child = review.children.get().child
    journey = Journey(site)

    health = journey.open("health_safeguarding_practitioner", reverse("reviews:review-list"))
    listed = health.locator("#reviews tbody tr").filter(has=link(health, name))
    expect(listed).to_contain_text("Noah Pryce")  # a member sees who the child is
    journey.click(health, listed.get_by_role("link", name=name))
    expect(row(health, "Children")).to_contain_text(
        f"Noah Pryce ({child.masa_id}), known in the review as {name}"
    )

    journey.click(health, link(health, "Rapid review pack: each agency's involvement"))
    expect(heading(health)).to_have_text("Rapid review pack")
    expect(health.locator("#children")).to_contain_text(
        f"Noah Pryce ({child.masa_id}), the subject of the review"
    )
    expect(health.locator("#as-known-on")).to_contain_text(govuk_date(review.incident_date))
    expect(task(health, HEALTH).locator(".govuk-tag")).to_have_text("Drafted from the chronology")
    expect(health.locator("#outstanding-count")).to_have_text(
        "2 of 2 agencies have not confirmed their section yet:"
    )
    # Drafting is for the business unit only.
    expect(health.get_by_role("button", name=re.compile("^Draft"))).to_have_count(0)

    journey.click(health, link(health, HEALTH))
    expect(heading(health)).to_have_text(HEALTH)
    lines = health.locator("#lines tbody tr")
    expect(lines).to_have_count(1)
    expect(lines).to_contain_text(f"Noah Pryce ({name})")
    expect(lines).to_contain_text("Missed the 12-month health review")
    expect(health.get_by_role("heading", name="Confirm your agency's section")).to_be_visible()
    health.get_by_label("Summary of your agency's involvement").fill(
        "Health visiting saw Noah at birth and at 6 weeks; the 3-month contact was missed and "
        "not followed up."
    )
    health.get_by_label("Immediate actions taken").fill(
        "Every missed contact for a baby now goes to the named nurse."
    )
    journey.click(health, button(health, "Confirm the section"))

    expect(heading(health)).to_have_text("Rapid review pack")
    expect(banner(health)).to_contain_text(f"{HEALTH}'s section is confirmed")
    expect(task(health, HEALTH).locator(".govuk-task-list__status")).to_have_text(
        f"Confirmed by {HEALTH}"
    )
    expect(health.locator("#outstanding-count")).to_have_text(
        re.compile(r"1 of 2 agencies has not confirmed their section yet:")
    )
    expect(health.locator("#outstanding li")).to_have_text([POLICE])

    journey.click(health, link(health, HEALTH))
    expect(row(health, "Summary of involvement")).to_contain_text(
        "the 3-month contact was missed and not followed up."
    )
    expect(row(health, "Status")).to_have_text(f"Confirmed by {HEALTH}")
    health.context.close()
    assert journey.problems == []


# ---------------------------------------------------------------- 4. the scrutineer

# Links styled as buttons that only read (none of them changes anything).
READ_ONLY_BUTTONS = {"Download as PDF"}
NAMES = re.compile(r"\b(Kira|Holt)\b", re.IGNORECASE)


def read_only_and_nameless(page: Page, masa_id: str) -> None:
    """No child's name anywhere in the page (text or markup), and nothing that changes a
    record: no form that posts in the page's content, no link styled as a button but those
    that only read."""
    html = page.content()
    assert not NAMES.search(html), f"{page.url} names the child: {NAMES.search(html)}"
    assert not NAMES.search(page.locator("body").inner_text())
    assert masa_id not in html
    expect(page.locator("main form[method='post']")).to_have_count(0)
    buttons = set(page.locator("main a.govuk-button").all_inner_texts())
    assert {text.strip() for text in buttons} <= READ_ONLY_BUTTONS, f"{page.url}: {buttons}"


def test_a_scrutineer_reads_the_reviews_and_never_sees_a_name(site: Site) -> None:
    world = site.world
    scrutinised = scrutinised_review(world, timezone.localdate())
    review = scrutinised.review
    name = review.anonymised_name
    masa_id = world.child.masa_id
    journey = Journey(site)

    reader = journey.open("independent_scrutineer", "/")
    read_only_and_nameless(reader, masa_id)

    journey.goto(reader, reverse("reviews:review-list"))
    expect(heading(reader)).to_have_text("Case reviews")
    expect(button(reader, "Refer a case")).to_have_count(0)
    read_only_and_nameless(reader, masa_id)

    journey.click(reader, link(reader, name))
    expect(heading(reader)).to_have_text(name)
    expect(reader.locator(".govuk-inset-text")).to_contain_text(
        "You are not in this review's group"
    )
    expect(row(reader, "Why it was referred")).to_contain_text(
        f"{name}, aged 9, was admitted to hospital malnourished"
    )
    expect(
        reader.get_by_role("button", name=re.compile(r"^(Acknowledge|Record|Commission|Add)"))
    ).to_have_count(0)
    expect(reader.get_by_role("link", name=re.compile("Rapid review pack"))).to_have_count(0)
    expect(task(reader, "Reviewer commissioned").get_by_role("link")).to_have_count(0)
    read_only_and_nameless(reader, masa_id)

    journey.click(reader, link(reader, "Findings, recommendations and briefings"))
    expect(heading(reader)).to_have_text("Findings and recommendations")
    expect(reader.locator("#finding-1").get_by_role("heading")).to_have_text(
        f"Finding 1: Nobody saw the whole picture of {name}'s neglect"
    )
    expect(reader.locator("#finding-1")).to_contain_text(f"{name}'s school, the GP and the police")
    expect(reader.locator("#finding-1 .govuk-tag")).to_have_text(["Neglect"])
    expect(reader.get_by_role("link", name=re.compile("^(Change|Withdraw|Add)"))).to_have_count(0)
    read_only_and_nameless(reader, masa_id)

    journey.click(reader, link(reader, scrutinised.briefing.title))
    expect(heading(reader)).to_have_text(f"7-minute briefing: learning from {name}")
    expect(button(reader, "Change or approve")).to_have_count(0)
    read_only_and_nameless(reader, masa_id)

    # The thematic analysis: a chart, and the same figures as a table.
    journey.goto(reader, reverse("reviews:review-list"))
    journey.click(reader, link(reader, "Learning themes across reviews and years"))
    expect(heading(reader)).to_have_text("Learning themes across reviews")
    expect(reader.locator("figure svg[role='img']")).to_have_count(1)
    table = reader.locator("figure table")
    expect(table.locator("caption")).to_contain_text("Number of reviews with each learning theme")
    neglect = table.locator("tbody tr").filter(
        has=reader.get_by_role("rowheader", name="Neglect", exact=True)
    )
    expect(neglect).to_have_count(1)
    counts = [int(cell) for cell in neglect.locator("td").all_inner_texts()]
    assert counts and max(counts) >= 1
    read_only_and_nameless(reader, masa_id)

    # The actions tracker, the action and the priority it serves.
    journey.click(reader, menu(reader, "Actions"))
    expect(heading(reader)).to_have_text("Actions tracker")
    expect(button(reader, "Create an action")).to_have_count(0)
    listed = reader.locator("tbody tr").filter(has=link(reader, scrutinised.action.title))
    expect(listed).to_contain_text(f"{name}, recommendation 1")
    read_only_and_nameless(reader, masa_id)
    journey.click(reader, listed.get_by_role("link"))
    expect(heading(reader)).to_have_text(scrutinised.action.title)
    expect(row(reader, "Recommendation")).to_contain_text(f"as they would have for {name}")
    read_only_and_nameless(reader, masa_id)
    journey.click(reader, reader.get_by_role("link", name=re.compile(r"^Priority 1: ")))
    expect(reader.locator("main")).to_contain_text(scrutinised.action.title)
    read_only_and_nameless(reader, masa_id)

    # The pack and the review group name the child: for the scrutineer they do not exist.
    for path in (
        reverse("reviews:pack", args=[review.pk]),
        reverse("reviews:review-group", args=[review.pk]),
    ):
        assert journey.goto_refused(reader, path) == 404
        expect(heading(reader)).to_have_text("Page not found")
        read_only_and_nameless(reader, masa_id)
    reader.context.close()
    assert journey.problems == []
