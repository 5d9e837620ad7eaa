"""7-minute briefings: drafted from a review's learning with every name taken out, edited and
approved by the business unit, shared as an HTML page and a PDF."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from masa.assurance.models import Action, ActionSource, ActionStatus
from masa.core.models import AgencyKind, AuditEvent
from masa.core.services import ServiceError
from masa.people.models import FamilyMember, Relationship, RelationshipKind
from masa.reviews.briefing import SECTIONS, blocks, draft
from masa.reviews.models import (
    Briefing,
    CaseReview,
    LearningTheme,
    ReviewDecision,
    ReviewStatus,
)
from masa.reviews.services_learning import (
    briefing_generate,
    briefing_update,
    finding_add,
    finding_withdraw,
    recommendation_add,
    theme_add,
)

from ..conftest import World
from ..reviews_factories import make_review

NAMES = ("Kira", "Holt", "Dean")


@pytest.fixture
def review(world: World) -> CaseReview:
    """Child K's review, whose learning was written with the family's real names in it."""
    review = make_review(
        world,
        decision=ReviewDecision.LCSPR,
        decision_on=dt.date(2026, 4, 20),
        referral_reason="Kira Holt, aged 4 months, was taken to hospital with a fractured arm.",
    )
    father = FamilyMember.objects.create(
        partnership=world.partnership, first_name="Dean", last_name="Holt"
    )
    Relationship.objects.create(
        child=world.child, family_member=father, kind=RelationshipKind.PARENT
    )
    bm = world.users["business_manager"]
    neglect = theme_add(actor=bm, name="Neglect", description="Recognising neglect.")
    curiosity = theme_add(actor=bm, name="Professional curiosity")
    first = finding_add(
        actor=bm,
        review=review,
        title="Kira's injuries were not seen as a pattern",
        detail="Three agencies saw bruising on KIRA and each accepted Dean's explanation.",
        themes=[neglect, curiosity],
    )
    withdrawn = finding_add(actor=bm, review=review, title="Withdrawn one", detail="Not so.")
    finding_withdraw(actor=bm, finding=withdrawn, reason="Not borne out", version=1)
    rec = recommendation_add(
        actor=bm,
        review=review,
        text="Agencies should check bruising in non-mobile babies with the protocol.",
        finding=first,
        agencies=[world.agencies[AgencyKind.HEALTH]],
    )
    Action.objects.create(
        partnership=world.partnership,
        title="Relaunch the bruising protocol",
        source=ActionSource.CASE_REVIEW,
        recommendation=rec,
        owning_agency=world.agencies[AgencyKind.HEALTH],
        owner=world.users["health_safeguarding_practitioner"],
        due_on=dt.date(2026, 9, 30),
        status=ActionStatus.COMPLETE,
        completed_on=dt.date(2026, 9, 14),
        created_by=bm,
    )
    return review


def no_names(text: str) -> None:
    for name in NAMES:
        assert name.lower() not in text.lower(), f"{name} appears in: {text}"


@pytest.mark.django_db
def test_the_draft_has_seven_sections_from_the_learning_and_no_names(
    world: World, review: CaseReview
) -> None:
    written = draft(review)

    assert [s.heading for s in SECTIONS] == [
        "What happened",
        "Why it matters",
        "What we found",
        "What it means for practice",
        "Questions for your team",
        "What has changed",
        "Further reading and training",
    ]
    assert list(written.sections) == [s.code for s in SECTIONS]
    assert written.title == "7-minute briefing: learning from Child K"
    for text in [written.title, *written.sections.values()]:
        no_names(text)
    happened = written.sections["what_happened"]
    assert happened.startswith("Child K was seriously harmed in March 2026.")
    assert "local child safeguarding practice review" in happened
    assert "Child K, aged 4 months, was taken to hospital" in happened
    found = written.sections["what_we_found"]
    assert found.startswith("1. Child K's injuries were not seen as a pattern.")
    assert "each accepted [parent]'s explanation" in found
    assert "Withdrawn one" not in found
    assert "- Neglect: Recognising neglect.\n" in written.sections["why_it_matters"]
    # Another review with the same theme makes it a recurring one (a withdrawn review does not).
    bm = world.users["business_manager"]
    neglect = LearningTheme.objects.get(name="Neglect")
    for name in ("Child L", "Child M"):
        other = make_review(world, anonymised_name=name)
        finding_add(actor=bm, review=other, title="T", detail="D", themes=[neglect])
    CaseReview.objects.filter(anonymised_name="Child M").update(status=ReviewStatus.WITHDRAWN)
    assert (
        "- Neglect: Recognising neglect. It has come up in 1 other review in the partnership."
        in draft(review).sections["why_it_matters"]
    )
    health = world.agencies[AgencyKind.HEALTH].name
    assert f"with the protocol (for {health})." in written.sections["for_practice"]
    assert (
        f"- Relaunch the bruising protocol ({health}): complete on 14 September 2026."
        in written.sections["what_changed"]
    )
    questions = written.sections["questions"]
    assert "How do we measure the cumulative impact of neglect" in questions
    assert questions.count("\n- ") == 4  # five questions


@pytest.mark.django_db
def test_generating_saves_a_draft_and_needs_a_finding(world: World, review: CaseReview) -> None:
    bm = world.users["business_manager"]
    briefing = briefing_generate(actor=bm, review=review)

    assert briefing.approved_on is None
    assert briefing.sections["what_happened"].startswith("Child K was seriously harmed")
    assert AuditEvent.objects.filter(object_type="review_briefing", object_id=briefing.pk)
    empty = make_review(world, anonymised_name="Child L")
    with pytest.raises(ServiceError, match="Add at least one finding to Child L’s review"):
        briefing_generate(actor=bm, review=empty)


@pytest.mark.django_db
def test_names_typed_in_while_editing_are_taken_out_and_approval_needs_every_section(
    world: World, review: CaseReview
) -> None:
    bm = world.users["business_manager"]
    briefing = briefing_generate(actor=bm, review=review)
    sections = dict(briefing.sections)
    sections["questions"] = "- What would Kira have told us about Dean?"
    sections["further"] = ""

    with pytest.raises(ServiceError, match="Write section 7, ‘Further reading and training’"):
        briefing_update(
            actor=bm,
            briefing=briefing,
            title="Learning from Child K",
            sections=sections,
            version=briefing.version,
            approve=True,
        )
    saved = briefing_update(
        actor=bm,
        briefing=briefing,
        title="Learning from Kira Holt",
        sections=sections,
        version=briefing.version,
    )
    assert saved.redacted == ["Title", "Questions for your team"]
    briefing.refresh_from_db()
    assert briefing.title == "Learning from Child K"
    assert briefing.sections["questions"] == "- What would Child K have told us about [parent]?"
    assert briefing.approved_on is None

    sections["further"] = "- Working Together 2023."
    briefing_update(
        actor=bm,
        briefing=briefing,
        title=briefing.title,
        sections=sections,
        version=briefing.version,
        approve=True,
    )
    briefing.refresh_from_db()
    assert briefing.approved_on == timezone.localdate()
    assert briefing.approved_by == bm
    with pytest.raises(ServiceError, match=r"approved on .* generate a new draft"):
        briefing_update(
            actor=bm,
            briefing=briefing,
            title="Changed",
            sections=sections,
            version=briefing.version,
        )


@pytest.mark.django_db
def test_the_page_is_one_document_with_headings_in_order(
    world: World, review: CaseReview, client_for
) -> None:  # type: ignore[no-untyped-def]
    briefing = briefing_generate(actor=world.users["business_manager"], review=review)
    # A name stored before a change to the review (or by a direct edit) is still taken out.
    Briefing.objects.filter(pk=briefing.pk).update(
        sections={**briefing.sections, "further": "Ask Dean Holt's health visitor."}
    )
    response = client_for("team_manager").get(f"/reviews/{review.pk}/briefings/{briefing.pk}/")
    text = response.content.decode()

    assert response.status_code == 200
    no_names(text.split("<main", 1)[1])
    assert text.count("<h1") == 1
    headings = [part.split("</h2>")[0] for part in text.split('<h2 class="govuk-heading-m">')[1:]]
    assert headings == [f"{s.number}. {s.heading}" for s in SECTIONS]
    assert '<ol class="govuk-list govuk-list--number">' in text
    assert "Draft: not approved, do not share." in text
    assert "Ask [parent]&#39;s health visitor." in text
    assert "govuk-!-display-none-print" in text


@pytest.mark.django_db
def test_drafts_are_for_the_business_unit_and_the_group_approved_ones_for_all_readers(
    world: World, review: CaseReview, client_for
) -> None:  # type: ignore[no-untyped-def]
    bm = world.users["business_manager"]
    briefing = briefing_generate(actor=bm, review=review)
    url = f"/reviews/{review.pk}/briefings/{briefing.pk}/"

    def statuses() -> dict[str, int]:
        return {
            role: client_for(role).get(url).status_code
            for role in (
                "business_manager",
                "team_manager",
                "independent_scrutineer",
                "data_analyst",
                "social_worker",
                "system_administrator",
            )
        }

    assert statuses() == {
        "business_manager": 200,
        "team_manager": 200,  # in the review group
        "independent_scrutineer": 404,
        "data_analyst": 404,
        "social_worker": 404,  # not in the review group: cannot open the review at all
        "system_administrator": 403,
    }
    listing = client_for("independent_scrutineer").get(f"/reviews/{review.pk}/findings/")
    assert "There are no briefings to share yet" in listing.content.decode()

    briefing_update(
        actor=bm,
        briefing=briefing,
        title=briefing.title,
        sections=briefing.sections,
        version=briefing.version,
        approve=True,
    )
    assert statuses()["independent_scrutineer"] == 200
    assert statuses()["data_analyst"] == 200
    assert statuses()["social_worker"] == 404


@pytest.mark.django_db
def test_generate_edit_and_approve_through_the_pages(
    world: World, review: CaseReview, client_for
) -> None:  # type: ignore[no-untyped-def]
    client = client_for("business_manager")
    assert client.get(f"/reviews/{review.pk}/briefings/new/").status_code == 405
    response = client.post(f"/reviews/{review.pk}/briefings/new/")
    briefing = Briefing.objects.get(review=review)
    assert response.status_code == 302
    assert response["Location"] == f"/reviews/{review.pk}/briefings/{briefing.pk}/change/"

    form = client.get(response["Location"]).content.decode()
    assert "1. What happened" in form and "7. Further reading and training" in form
    assert "Kira" not in form

    data = {"title": briefing.title, "version": briefing.version, **briefing.sections}
    data["what_changed"] = ""
    refused = client.post(response["Location"], {**data, "approve": "yes"})
    assert "Write section 6, ‘What has changed’, before approving" in refused.content.decode()

    data["what_changed"] = "- The bruising protocol was relaunched."
    done = client.post(response["Location"], {**data, "approve": "yes"}, follow=True)
    assert "Briefing approved: it can now be shared" in done.content.decode()
    assert "Approved by" in done.content.decode()
    # Approved briefings are not changed: the change page sends people back to the briefing.
    again = client.get(response["Location"])
    assert again.status_code == 302
    assert again["Location"] == f"/reviews/{review.pk}/briefings/{briefing.pk}/"


@pytest.mark.django_db
def test_generating_without_findings_says_why(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    empty = make_review(world)
    response = client_for("business_manager").post(
        f"/reviews/{empty.pk}/briefings/new/", follow=True
    )
    assert "Add at least one finding to Child K’s review" in response.content.decode()
    assert not Briefing.objects.exists()


def test_sections_become_paragraphs_and_lists() -> None:
    parsed = blocks("First line\nsecond line\n\n- one\n- two\n\n1. a\n2. b\n\n")
    assert [(b.kind, b.lines) for b in parsed] == [
        ("p", ["First line", "second line"]),
        ("ul", ["one", "two"]),
        ("ol", ["a", "b"]),
    ]
    assert blocks("   ") == []
