"""Family members and relationships: added and ended from the child's page, seen from both
children when two children are related, and never naming a child the user cannot see."""

from __future__ import annotations

import datetime as dt

import pytest

from masa.core.models import AuditAction, AuditEvent
from masa.people.models import FamilyMember, Relationship, RelationshipKind

from ..conftest import World
from .factories import RelationshipFactory

pytestmark = pytest.mark.django_db


def relation(**overrides: str) -> dict[str, str]:
    data = {
        "kind": "parent",
        "other_kind": "",
        "lives_with_child": "yes",
        "started_on_day": "",
        "started_on_month": "",
        "started_on_year": "",
        "person": "new",
        "member_first_name": "Dana",
        "member_last_name": "Holt",
        "member_date_of_birth_day": "3",
        "member_date_of_birth_month": "2",
        "member_date_of_birth_year": "1990",
        "member_nhs_number": "",
        "family_member_id": "",
        "other_child_id": "",
    }
    data.update(overrides)
    return data


def add_url(child_id: int) -> str:
    return f"/children/{child_id}/relationships/new/"


def test_a_police_officer_records_the_child_s_mother(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    police = client_for("police_officer")
    response = police.post(add_url(world.child.pk), relation(member_nhs_number="943 476 5919"))
    assert response.status_code == 302
    mother = FamilyMember.objects.get()
    assert (mother.full_name, mother.nhs_number) == ("Dana Holt", "9434765919")
    assert mother.partnership == world.partnership
    page = police.get(response["Location"]).content.decode()
    assert "Dana Holt" in page and "Born 3 February 1990" in page and "Parent" in page
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="relationship", child_id=world.child.pk
    ).exists()


def test_two_children_see_each_other_and_each_page_reads_the_right_way_round(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    worker = client_for("social_worker")
    # Jay Moss is Kira Holt's parent (a young parent who is a case too).
    worker.post(
        add_url(world.child.pk),
        relation(person="child", other_child_id=world.la_only_child.masa_id),
    )
    link = Relationship.objects.get()
    assert (link.child, link.other_child, link.family_member) == (
        world.child,
        world.la_only_child,
        None,
    )
    kira = worker.get(f"/children/{world.child.pk}/").content.decode()
    jay = worker.get(f"/children/{world.la_only_child.pk}/").content.decode()
    assert f">Jay Moss</a> ({world.la_only_child.masa_id})" in kira and "Parent" in kira
    assert ">Kira Holt</a>" in jay and ">Child<" in jay
    # Both children's audit trails record the link.
    assert set(
        AuditEvent.objects.filter(object_type="relationship").values_list("child_id", flat=True)
    ) == {world.child.pk, world.la_only_child.pk}
    # The police can see Kira but not Jay: Jay is not named on Kira's page.
    police_view = client_for("police_officer").get(f"/children/{world.child.pk}/").content
    assert "Jay Moss" not in police_view.decode()
    assert "A child whose record you cannot see" in police_view.decode()


def test_a_parent_already_recorded_for_a_sibling_is_offered_not_retyped(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    worker = client_for("social_worker")
    worker.post(add_url(world.child.pk), relation())  # Kira's mother, Dana Holt
    worker.post(
        add_url(world.child.pk),
        relation(kind="sibling", person="child", other_child_id=world.la_only_child.masa_id),
    )
    mother = FamilyMember.objects.get()
    form = worker.get(add_url(world.la_only_child.pk)).content.decode()
    assert "A family member already recorded" in form and "Dana Holt, born 3 February 1990" in form
    worker.post(
        add_url(world.la_only_child.pk), relation(person="known", family_member_id=str(mother.pk))
    )
    assert FamilyMember.objects.count() == 1
    assert Relationship.objects.filter(family_member=mother).count() == 2
    # Once linked, Dana is no longer offered for Jay.
    again = worker.get(add_url(world.la_only_child.pk)).content.decode()
    assert "Dana Holt, born" not in again


BAD = [
    ({"kind": ""}, "kind", "Select how they are related to the child"),
    ({"kind": "other"}, "other_kind", "Enter how they are related to the child"),
    ({"lives_with_child": ""}, "lives_with_child", "Select whether they live with the child"),
    ({"person": ""}, "person", "Select who the relationship is with"),
    ({"member_first_name": ""}, "member_first_name", "Enter the family member&#39;s first name"),
    ({"member_last_name": ""}, "member_last_name", "Enter the family member&#39;s last name"),
    (
        {"member_nhs_number": "1234567890"},
        "member_nhs_number",
        "Enter a real NHS number: the last digit does not match the others",
    ),
    (
        {"member_date_of_birth_year": "2099"},
        "member_date_of_birth_day",
        "Date of birth must be today or in the past",
    ),
    (
        {"started_on_day": "1", "started_on_month": "1", "started_on_year": "2099"},
        "started_on_day",
        "Date the relationship started must be today or in the past",
    ),
    ({"person": "child"}, "other_child_id", "Enter the other child&#39;s masa ID"),
    (
        {"person": "child", "other_child_id": "K12"},
        "other_child_id",
        "Enter a masa ID like C000123",
    ),
    (
        {"person": "known", "family_member_id": "999"},
        "person",
        "Select who the relationship is with",
    ),
]


@pytest.mark.parametrize(("overrides", "anchor", "message"), BAD)
def test_bad_input_names_the_field(
    world: World, client_for, overrides: dict[str, str], anchor: str, message: str
) -> None:  # type: ignore[no-untyped-def]
    body = client_for("social_worker").post(add_url(world.child.pk), relation(**overrides))
    assert f'href="#{anchor}">{message}' in body.content.decode()
    assert not Relationship.objects.exists() and not FamilyMember.objects.exists()


def test_the_other_child_must_be_another_child_the_user_can_see(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    police = client_for("police_officer")
    for masa_id, message in [
        (world.la_only_child.masa_id, "No child you can see has that masa ID"),
        ("C999999", "No child you can see has that masa ID"),
        (world.child.masa_id, "Enter another child&#39;s masa ID: this is the child&#39;s own"),
    ]:
        body = police.post(
            add_url(world.child.pk), relation(person="child", other_child_id=masa_id)
        ).content.decode()
        assert f'href="#other_child_id">{message}' in body
    worker = client_for("social_worker")
    linked = relation(kind="sibling", person="child", other_child_id=world.la_only_child.masa_id)
    worker.post(add_url(world.child.pk), linked)
    # Already related, either way round.
    twice = worker.post(
        add_url(world.la_only_child.pk),
        relation(kind="sibling", person="child", other_child_id=world.child.masa_id),
    ).content.decode()
    assert "Kira Holt is already recorded as related to this child" in twice
    assert Relationship.objects.count() == 1


def test_ending_a_relationship_keeps_it_in_the_history(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    link = RelationshipFactory(
        child=world.child, kind=RelationshipKind.CARER, started_on=dt.date(2024, 3, 1)
    )
    url = f"/children/{world.child.pk}/relationships/{link.pk}/end/"
    worker = client_for("social_worker")
    page = worker.get(f"/children/{world.child.pk}/").content.decode()
    assert url in page
    for day, month, year, message in [
        ("", "", "", "Enter date the relationship ended"),
        ("1", "1", "2099", "Date the relationship ended must be today or in the past"),
        (
            "28",
            "2",
            "2024",
            "Date the relationship ended must be the same as or after 1 March 2024, when it "
            "started",
        ),
    ]:
        body = worker.post(
            url, {"ended_on_day": day, "ended_on_month": month, "ended_on_year": year}
        ).content.decode()
        assert f'href="#ended_on_day">{message}' in body
    done = worker.post(url, {"ended_on_day": "2", "ended_on_month": "11", "ended_on_year": "2026"})
    assert done.status_code == 302
    link.refresh_from_db()
    assert link.ended_on == dt.date(2026, 11, 2)
    page = worker.get(f"/children/{world.child.pk}/").content.decode()
    assert "From 1 March 2024 to 2 November 2026" in page and url not in page
    again = worker.post(url, {"ended_on_day": "3", "ended_on_month": "11", "ended_on_year": "2026"})
    assert "This relationship already ended on 2 November 2026" in again.content.decode()
    assert AuditEvent.objects.filter(
        action=AuditAction.UPDATE, object_type="relationship", child_id=world.child.pk
    ).exists()


def test_relationships_of_another_child_cannot_be_ended_through_this_one(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    other = RelationshipFactory(child=world.la_only_child)
    url = f"/children/{world.child.pk}/relationships/{other.pk}/end/"
    assert client_for("social_worker").get(url).status_code == 404
    assert client_for("police_officer").get(url).status_code == 403
