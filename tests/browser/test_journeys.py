"""One journey per role: sign in with two-factor, see the dashboard, open a page of the role,
be refused a page of another role. Every page visited is checked with axe (WCAG 2.2 AA)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import Site, axe_violations

# role: (a page the role may open and its heading, a page the role may not open)
JOURNEYS = {
    "social_worker": (("/children/", "Children"), "/users/"),
    "team_manager": (("/emergency-access-reviews/", "Emergency access reviews"), "/audit/"),
    "mash_practitioner": (("/children/", "Children"), "/partnership/"),
    "designated_safeguarding_lead": (
        ("/children/{child}/", "Kira Holt"),
        "/children/{child}/change/",
    ),
    "health_safeguarding_practitioner": (
        ("/children/emergency-access/", "Emergency access to a child's record"),
        "/bank-holidays/",
    ),
    "police_officer": (("/children/", "Children"), "/children/{child}/who-viewed/"),
    "independent_reviewing_officer": (("/children/{child}/", "Kira Holt"), "/users/"),
    "lado": (("/children/", "Children"), "/emergency-access-reviews/"),
    "business_manager": (
        ("/partnership/", "Testshire Safeguarding Children Partnership"),
        "/children/",
    ),
    "data_analyst": (("/partnership/", "Testshire Safeguarding Children Partnership"), "/audit/"),
    "independent_scrutineer": (("/roles/", "Roles and permissions"), "/children/"),
    "data_protection_officer": (("/audit/", "Audit log"), "/children/"),
    "system_administrator": (("/bank-holidays/", "Bank holidays"), "/children/"),
}


@pytest.mark.parametrize("role", list(JOURNEYS))
def test_role_journey(site: Site, role: str) -> None:
    (allowed, heading), refused = JOURNEYS[role]
    child = str(site.world.child.pk)
    context = site.context_for(role)
    page = context.new_page()
    problems: list[str] = []

    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    problems += axe_violations(page)

    page.goto(allowed.replace("{child}", child))
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    problems += axe_violations(page)

    response = page.goto(refused.replace("{child}", child))
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("You do not have access to this page")
    problems += axe_violations(page)
    context.close()
    assert problems == []


def test_signed_out_pages_and_error_summary_are_accessible(site: Site) -> None:
    context = site.browser.new_context(base_url=site.url)
    page = context.new_page()
    page.goto("/children/")
    expect(page).to_have_url(f"{site.url}/sign-in/?next=/children/")
    problems = axe_violations(page)
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter your username")
    expect(summary).to_be_focused()
    problems += axe_violations(page)
    summary.get_by_role("link", name="Enter your username").click()
    expect(page.get_by_label("Username")).to_be_focused()
    response = page.goto("/no-such-page/")
    assert response is not None and response.status == 404
    problems += axe_violations(page)
    context.close()
    assert problems == []
