"""Linking more children (siblings) to a review, each with the name the review gives them."""

from __future__ import annotations

import pytest

from masa.core.models import AuditEvent
from masa.reviews.models import ReviewChild

from ..conftest import World
from ..factories import ChildFactory, PartnershipFactory, TeamFactory
from ..reviews_factories import make_review

pytestmark = pytest.mark.django_db


def add_url(review_id: int) -> str:
    return f"/reviews/{review_id}/children/add/"


def test_the_business_unit_links_a_sibling_by_masa_id(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    review = make_review(world)
    bm = client_for("business_manager")
    form = bm.get(add_url(review.pk)).content.decode()
    assert 'value="Sibling 1"' in form  # the suggested name

    sibling = world.la_only_child  # known to children's social care only; linked under s16H
    response = bm.post(
        add_url(review.pk), {"child": sibling.masa_id.lower(), "anonymised_name": " Sibling  1 "}
    )

    assert response.status_code == 302
    link = ReviewChild.objects.get(review=review, child=sibling)
    assert (link.anonymised_name, link.is_subject) == ("Sibling 1", False)
    audit = AuditEvent.objects.get(object_type="review_child")
    assert audit.child_id == sibling.pk
    assert audit.object_label == "Linked to case review Child K as Sibling 1"
    assert "Children Act 2004 s16H" in audit.reason
    page = bm.get(f"/reviews/{review.pk}/group/").content.decode()
    assert f"{sibling.masa_id} linked to the review as Sibling 1" in page
    assert "Jay Moss" in page  # the business manager is in this review's group
    assert 'value="Sibling 2"' in bm.get(add_url(review.pk)).content.decode()


@pytest.mark.parametrize(
    ("child", "name", "message", "field"),
    [
        ("", "Sibling 1", "Enter the child&#39;s masa ID", "child"),
        ("X12", "Sibling 1", "Enter a masa ID like C000123", "child"),
        ("C999999", "Sibling 1", "No child in this partnership has the masa ID C999999", "child"),
        ("subject", "Sibling 1", "is already linked to this review", "child"),
        (
            "sibling",
            "child k",
            "Another child in this review is already called child k",
            "anonymised_name",
        ),
        (
            "sibling",
            "Jay&#39;s brother",
            "must not contain the child&#39;s name",
            "anonymised_name",
        ),
        ("sibling", "sibling MOSS", "must not contain the child&#39;s name", "anonymised_name"),
        ("sibling", "   ", "Enter the name the child will have in the review", "anonymised_name"),
    ],
)
def test_a_link_that_cannot_be_made_says_why(
    world: World, client_for, child: str, name: str, message: str, field: str
) -> None:  # type: ignore[no-untyped-def]
    review = make_review(world)
    masa_id = {"subject": world.child.masa_id, "sibling": world.la_only_child.masa_id}.get(
        child, child
    )

    response = client_for("business_manager").post(
        add_url(review.pk), {"child": masa_id, "anonymised_name": name.replace("&#39;", "'")}
    )

    text = response.content.decode()
    assert response.status_code == 200
    assert message in text
    assert f'href="#{field}"' in text
    assert ReviewChild.objects.filter(review=review).count() == 1


def test_a_child_of_another_partnership_or_a_merged_record_cannot_be_linked(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    review = make_review(world)
    elsewhere = PartnershipFactory(slug="elsewhere", name="Elsewhere Partnership")
    outsider = ChildFactory(partnership=elsewhere, owning_team=TeamFactory())
    merged = ChildFactory(
        partnership=world.partnership, owning_team=world.la_team, merged_into=world.la_only_child
    )
    bm = client_for("business_manager")

    other = bm.post(add_url(review.pk), {"child": outsider.masa_id, "anonymised_name": "Sibling 1"})
    old = bm.post(add_url(review.pk), {"child": merged.masa_id, "anonymised_name": "Sibling 1"})

    assert f"No child in this partnership has the masa ID {outsider.masa_id}" in (
        other.content.decode()
    )
    assert (
        f"{merged.masa_id} was merged into {world.la_only_child.masa_id}: enter that masa ID"
        in old.content.decode()
    )
    assert ReviewChild.objects.filter(review=review).count() == 1


def test_only_the_business_unit_links_children(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    review = make_review(world)
    for role in ("health_safeguarding_practitioner", "team_manager", "independent_scrutineer"):
        response = client_for(role).post(
            add_url(review.pk),
            {"child": world.la_only_child.masa_id, "anonymised_name": "Sibling 1"},
        )
        assert response.status_code == 403, role
    assert ReviewChild.objects.filter(review=review).count() == 1
