"""Merging a duplicate: everything moves to the record kept, nothing is deleted, both audit
trails stay, and the old masa ID leads to the record kept."""

from __future__ import annotations

import datetime as dt

import pytest

from masa.core.models import AgencyKind, AuditAction, AuditEvent, Notification
from masa.core.services import ServiceError
from masa.people import services
from masa.people.models import AgencyInvolvement, Child, PersonSearchKey, Relationship
from masa.people.selectors import likely_duplicates, search_children

from ..conftest import World
from ..factories import ChildFactory, InvolvementFactory
from .factories import AddressFactory, RelationshipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def duplicate(world: World) -> Child:
    """Kira Holt recorded a second time, by the police, with a misspelt first name."""
    child = ChildFactory(
        partnership=world.partnership,
        first_name="Kiera",
        last_name="Holt",
        date_of_birth=world.child.date_of_birth,
        owning_team=world.la_team,
        nhs_number="9434765919",
        ethnicity="WBRI",
    )
    InvolvementFactory(child=child, agency=world.agencies[AgencyKind.POLICE])
    AddressFactory(child=child, postcode="NB4 5RT")
    RelationshipFactory(child=child)  # her mother
    RelationshipFactory(child=world.la_only_child, family_member=None, other_child=child)
    return child


def merge_url(world: World) -> str:
    return f"/children/{world.child.pk}/merge/"


def test_a_manager_compares_both_records_then_merges(
    world: World, duplicate: Child, client_for
) -> None:  # type: ignore[no-untyped-def]
    manager = client_for("team_manager")
    # The page suggests the likely duplicate.
    start = manager.get(merge_url(world)).content.decode()
    assert f"?other={duplicate.masa_id}" in start and "Kiera Holt" in start
    compare = manager.post(merge_url(world), {"other_id": duplicate.masa_id, "keep": "this"})
    body = compare.content.decode()
    assert "Check the records before merging" in body
    assert "Record kept" in body and "Duplicate, merged into it" in body
    assert "943 476 5919" in body and "NB4 5RT" in body
    assert f"Merge {duplicate.masa_id} into {world.child.masa_id}" in body
    assert Child.objects.get(pk=duplicate.pk).merged_into is None  # nothing merged yet

    done = manager.post(
        merge_url(world), {"other_id": duplicate.masa_id, "keep": "this", "confirm": "yes"}
    )
    assert done["Location"] == f"/children/{world.child.pk}/"
    kept = Child.objects.get(pk=world.child.pk)
    old = Child.objects.get(pk=duplicate.pk)  # never deleted
    assert old.merged_into == kept
    assert (kept.version, old.version) == (2, 2)
    # Rows of every kind moved: involvements, addresses, relationships either way round.
    assert not AgencyInvolvement.objects.filter(child=old).exists()
    assert AgencyInvolvement.objects.filter(child=kept).count() == 4
    assert kept.addresses.get().postcode == "NB4 5RT"
    assert Relationship.objects.filter(child=kept, family_member__isnull=False).count() == 1
    assert Relationship.objects.get(other_child=kept).child == world.la_only_child
    # Details the kept record lacked come from the duplicate.
    assert (kept.nhs_number, kept.ethnicity) == ("9434765919", "WBRI")
    # Both audit trails name the other record.
    kept_event = AuditEvent.objects.get(action=AuditAction.UPDATE, child_id=kept.pk)
    old_event = AuditEvent.objects.get(action=AuditAction.UPDATE, child_id=old.pk)
    assert kept_event.reason == f"Merged {old.masa_id} (Kiera Holt) into this record"
    assert old_event.reason == f"Merged into {kept.masa_id} (Kira Holt), the record kept"
    assert kept_event.after["merged_from"] == old.pk
    assert kept_event.after["nhs_number"] == "9434765919"
    # The allocated worker is told.
    assert Notification.objects.filter(recipient=world.users["social_worker"]).exists()


def test_every_row_pointing_at_the_duplicate_moves_whatever_app_it_belongs_to(
    world: World, duplicate: Child
) -> None:
    services.child_merge(user=world.users["team_manager"], keep=world.child, duplicate=duplicate)
    for relation in Child._meta.get_fields(include_hidden=True):
        if not (relation.is_relation and relation.auto_created and not relation.concrete):
            continue
        if relation.many_to_many or relation.field.name == "merged_into":  # type: ignore[union-attr]
            continue
        model = relation.related_model
        left = model._base_manager.filter(**{relation.field.name: duplicate})  # type: ignore[union-attr]
        assert not left.exists(), f"{model._meta.label}.{relation.field.name}"  # type: ignore[union-attr]


def test_the_old_id_opens_the_kept_record_and_search_finds_it_by_either_name(
    world: World, duplicate: Child, client_for
) -> None:  # type: ignore[no-untyped-def]
    services.child_merge(user=world.users["team_manager"], keep=world.child, duplicate=duplicate)
    worker = client_for("social_worker")
    response = worker.get(f"/children/{duplicate.pk}/")
    assert response["Location"] == f"/children/{world.child.pk}/"
    page = worker.get(response["Location"]).content.decode()
    assert f"{duplicate.masa_id} was merged into this record" in page
    assert f"also {duplicate.masa_id}, merged into this record" in page
    user = world.users["social_worker"]
    assert [c.pk for c in search_children(user, "Kiera Holt")] == [world.child.pk]
    assert [c.pk for c in search_children(user, "943 476 5919")] == [world.child.pk]
    assert not PersonSearchKey.objects.filter(child=duplicate).exists()
    listed = worker.get("/children/").content.decode()
    assert duplicate.masa_id not in listed
    dup_check = likely_duplicates(
        user, first_name="Kiera", last_name="Holt", date_of_birth=world.child.date_of_birth
    )
    assert [c.pk for c in dup_check.visible] == [world.child.pk]


def test_who_viewed_the_kept_record_includes_views_of_the_merged_one(
    world: World, duplicate: Child, client_for
) -> None:  # type: ignore[no-untyped-def]
    client_for("police_officer").get(f"/children/{duplicate.pk}/")  # viewed before the merge
    services.child_merge(user=world.users["team_manager"], keep=world.child, duplicate=duplicate)
    report = client_for("team_manager").get(f"/children/{world.child.pk}/who-viewed/")
    body = report.content.decode()
    assert f"Includes views of {duplicate.masa_id}, merged into this record" in body
    assert "police_officer" in body and f">{duplicate.masa_id}<" in body
    # The audit rows themselves still belong to the old record.
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, child_id=duplicate.pk).exists()


def test_merging_into_a_record_that_absorbed_others_keeps_one_level(
    world: World, duplicate: Child
) -> None:
    manager = world.users["team_manager"]
    third = ChildFactory(
        partnership=world.partnership, first_name="Kyra", last_name="Holt",
        owning_team=world.la_team,
    )  # fmt: skip
    services.child_merge(user=manager, keep=duplicate, duplicate=third)
    services.child_merge(user=manager, keep=world.child, duplicate=duplicate)
    assert Child.objects.get(pk=third.pk).merged_into_id == world.child.pk
    keys = set(PersonSearchKey.objects.filter(child=world.child).values_list("key", flat=True))
    assert {"g^ky", "g^ki"} <= keys  # every name merged in still finds the record


def test_a_restricted_duplicate_keeps_the_merged_record_restricted(
    world: World, duplicate: Child
) -> None:
    Child.objects.filter(pk=duplicate.pk).update(
        is_restricted=True, restriction_reason="Adopted: restricted to the owning team"
    )
    duplicate.refresh_from_db()
    kept = services.child_merge(
        user=world.users["team_manager"], keep=world.child, duplicate=duplicate
    )
    assert kept.is_restricted and kept.restriction_reason.startswith("Adopted")


def test_a_relationship_between_the_two_records_is_removed_not_turned_on_itself(
    world: World, duplicate: Child
) -> None:
    RelationshipFactory(child=world.child, family_member=None, other_child=duplicate)
    services.child_merge(user=world.users["team_manager"], keep=world.child, duplicate=duplicate)
    assert not Relationship.objects.filter(child=world.child, other_child=world.child).exists()


def test_bad_choices_and_records_out_of_scope_are_refused(
    world: World, duplicate: Child, client_for
) -> None:  # type: ignore[no-untyped-def]
    manager = client_for("team_manager")
    for data, anchor, message in [
        ({"other_id": "", "keep": "this"}, "other_id", "Enter the masa ID of the other record"),
        ({"other_id": "Q1", "keep": "this"}, "other_id", "Enter a masa ID like C000123"),
        ({"other_id": duplicate.masa_id}, "keep", "Select which record to keep"),
        (
            {"other_id": world.child.masa_id, "keep": "this"},
            "other_id",
            "Enter the masa ID of a different record",
        ),
        ({"other_id": "C999999", "keep": "this"}, "other_id", "No record you can see has that"),
    ]:
        body = manager.post(merge_url(world), data).content.decode()
        assert f'href="#{anchor}">{message}' in body
    # A record the manager cannot see is answered like one that does not exist.
    hidden = ChildFactory(partnership=world.partnership, first_name="Kira", last_name="Holt")
    body = manager.post(
        merge_url(world), {"other_id": hidden.masa_id, "keep": "other", "confirm": "yes"}
    ).content.decode()
    assert 'href="#other_id">No record you can see has that masa ID' in body
    assert Child.objects.filter(merged_into__isnull=False).count() == 0
    # Only team managers may merge.
    assert client_for("social_worker").post(merge_url(world), {}).status_code == 403
    # Already merged records cannot be merged again.
    services.child_merge(user=world.users["team_manager"], keep=world.child, duplicate=duplicate)
    with pytest.raises(ServiceError, match="already been merged"):
        services.child_merge(
            user=world.users["team_manager"], keep=world.la_only_child, duplicate=duplicate
        )


def test_the_duplicate_can_be_the_record_kept(world: World, duplicate: Child, client_for) -> None:  # type: ignore[no-untyped-def]
    done = client_for("team_manager").post(
        merge_url(world), {"other_id": duplicate.masa_id, "keep": "other", "confirm": "yes"}
    )
    assert done["Location"] == f"/children/{duplicate.pk}/"
    assert Child.objects.get(pk=world.child.pk).merged_into_id == duplicate.pk
    assert Child.objects.get(pk=duplicate.pk).date_of_birth == dt.date(2015, 6, 1)


def test_the_old_id_is_not_found_for_someone_who_cannot_see_the_kept_record(
    world: World, duplicate: Child, client_for
) -> None:  # type: ignore[no-untyped-def]
    # Kept: Jay Moss's record, which only the local authority works with.
    services.child_merge(
        user=world.users["team_manager"], keep=world.la_only_child, duplicate=duplicate
    )
    # Health works with the world's Kira Holt, not with Jay or the duplicate.
    health = client_for("health_safeguarding_practitioner")
    assert health.get(f"/children/{duplicate.pk}/").status_code == 404
    assert health.get("/children/987654/").status_code == 404
    # The duplicate's police involvement moved with it, so the police now see Jay.
    assert client_for("police_officer").get(f"/children/{duplicate.pk}/").status_code == 302
    assert client_for("social_worker").get(f"/children/{duplicate.pk}/").status_code == 302


@pytest.mark.django_db
def test_two_records_that_both_have_open_cases_are_not_merged(world: World) -> None:
    import datetime as dt

    from masa.core.services import ServiceError
    from masa.journey.models import Stage
    from masa.people.services import child_merge
    from tests.casework_factories import make_case

    worker = world.users["social_worker"]
    for child in (world.child, world.la_only_child):
        make_case(child, stage=Stage.ASSESSMENT, opened_on=dt.date(2026, 11, 2), actor=worker)
    with pytest.raises(ServiceError, match="Both records have an open case"):
        child_merge(
            user=world.users["team_manager"], keep=world.child, duplicate=world.la_only_child
        )
    world.la_only_child.refresh_from_db()
    assert world.la_only_child.merged_into_id is None


@pytest.mark.django_db
def test_the_database_refuses_a_second_open_case_for_a_child(world: World) -> None:
    import datetime as dt

    from django.db import IntegrityError, transaction

    from masa.journey.models import Stage
    from tests.casework_factories import make_case

    worker = world.users["social_worker"]
    make_case(world.child, stage=Stage.CONTACT, opened_on=dt.date(2026, 11, 2), actor=worker)
    make_case(world.child, stage=Stage.CLOSED, opened_on=dt.date(2026, 1, 2), actor=worker)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_case(world.child, stage=Stage.REFERRAL, opened_on=dt.date(2026, 11, 3), actor=worker)
