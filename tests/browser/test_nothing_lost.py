"""Nothing lost: a draft survives a session time-out, and two editors never overwrite each other."""

from __future__ import annotations

from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from masa.people.models import Child

from ..factories import TEST_PASSWORD, UserFactory
from .conftest import Site, axe_violations


def test_session_expires_mid_form_and_the_draft_comes_back_after_signing_in(site: Site) -> None:
    world = site.world
    worker = UserFactory(
        username="late.worker",
        role="social_worker",
        agency=world.la_team.agency,
        team=world.la_team,
    )
    context = site.browser.new_context(base_url=site.url)
    page = context.new_page()
    page.goto(f"/children/{world.la_only_child.pk}/change/")
    site.sign_in(page, worker.username, TEST_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Change Jay Moss's details")

    note = "Visited at home; grandmother now living there and caring for Jay most evenings."
    page.get_by_label("Summary").fill(note)
    expect(page.locator("[data-masa-draft-status]")).to_contain_text("Draft saved")

    # The session times out on the server while the form is open.
    for session in Session.objects.all():
        if session.get_decoded().get("_auth_user_id") == str(worker.pk):
            session.delete()

    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to masa")
    site.sign_in(page, worker.username, TEST_PASSWORD)

    expect(page.get_by_role("heading", level=1)).to_contain_text("Change Jay Moss's details")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Unsaved changes restored")
    expect(page.get_by_label("Summary")).to_have_value(note)
    assert axe_violations(page) == []
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jay Moss")
    assert Child.objects.get(pk=world.la_only_child.pk).summary == note
    context.close()


def test_two_browsers_edit_one_record_and_the_second_sees_both_versions(site: Site) -> None:
    child = site.world.child
    first = site.context_for("social_worker").new_page()
    second = site.context_for("team_manager").new_page()
    for page in (first, second):
        page.goto(f"/children/{child.pk}/change/")

    first.get_by_label("Summary").fill("Seen at school today; happy and settled.")
    first.get_by_role("button", name="Save changes").click()
    expect(first.get_by_role("heading", level=1)).to_have_text(child.full_name)

    second.get_by_label("Summary").fill("Mother rang the duty line worried about Kira.")
    second.get_by_role("button", name="Save changes").click()
    expect(
        second.get_by_role(
            "heading", level=2, name="Someone else changed this record while you were editing"
        )
    ).to_be_visible()
    conflict = second.locator("#conflict")
    expect(conflict).to_contain_text("Seen at school today; happy and settled.")
    expect(conflict).to_contain_text("Mother rang the duty line worried about Kira.")
    assert axe_violations(second) == []
    assert Child.objects.get(pk=child.pk).summary == "Seen at school today; happy and settled."
    first.context.close()
    second.context.close()
