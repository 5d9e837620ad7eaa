"""The audit log is append-only, written by services, searchable and exportable."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from masa.core import audit
from masa.core.models import AppendOnlyError, AuditAction, AuditEvent

from ..conftest import World


@pytest.mark.django_db
def test_audit_events_cannot_be_changed_or_deleted_through_the_model(world: World) -> None:
    event = audit.record(
        actor=world.users["lado"], action=AuditAction.VIEW, object_type="child", object_id=1
    )
    event.reason = "tampered"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


@pytest.mark.django_db
def test_the_database_refuses_an_update_of_the_audit_log(world: World) -> None:
    event = audit.record(
        actor=world.users["lado"], action=AuditAction.VIEW, object_type="child", object_id=1
    )
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(reason="tampered")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE core_auditevent SET reason = 'x' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="DELETE trigger is PostgreSQL's")
def test_postgresql_refuses_a_delete_from_the_audit_log(world: World) -> None:
    event = audit.record(
        actor=world.users["lado"], action=AuditAction.VIEW, object_type="child", object_id=1
    )
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db
def test_viewing_and_changing_a_child_are_both_audited(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for("social_worker")
    client.get(f"/children/{world.child.pk}/")
    view = AuditEvent.objects.get(action=AuditAction.VIEW, child_id=world.child.pk)
    assert view.actor == world.users["social_worker"]
    client.post(
        f"/children/{world.child.pk}/change/",
        {
            "first_name": "Kira",
            "last_name": "Holt-Smith",
            "date_of_birth_day": "1",
            "date_of_birth_month": "6",
            "date_of_birth_year": "2015",
            "sex": "F",
            "summary": "",
            "version": "1",
        },
    )
    change = AuditEvent.objects.get(action=AuditAction.UPDATE, child_id=world.child.pk)
    assert change.before == {"last_name": "Holt", "sex": "U"}
    assert change.after == {"last_name": "Holt-Smith", "sex": "F"}


@pytest.mark.django_db
def test_audit_search_filters_by_user_child_and_date_and_export_is_itself_audited(
    world: World,
    client_for,  # type: ignore[no-untyped-def]
) -> None:
    client_for("police_officer").get(f"/children/{world.child.pk}/")
    client_for("social_worker").get(f"/children/{world.la_only_child.pk}/")
    dpo = client_for("data_protection_officer")
    page = dpo.get("/audit/", {"username": "police_officer"}).content.decode()
    assert "Kira Holt" in page and "Jay Moss" not in page
    page = dpo.get("/audit/", {"child_id": world.la_only_child.masa_id}).content.decode()
    assert "Jay Moss" in page and "Kira Holt" not in page
    bad = dpo.get(
        "/audit/", {"date_from_day": "31", "date_from_month": "2", "date_from_year": "2026"}
    ).content.decode()
    assert "From must be a real date" in bad and 'href="#date_from_day"' in bad
    export = dpo.get("/audit/export.csv", {"username": "police_officer"})
    rows = export.content.decode().splitlines()
    assert rows[0].startswith("when,user,action")
    assert len(rows) == 2 and "Kira Holt" in rows[1]
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT,
        object_type="audit_log",
        actor=world.users["data_protection_officer"],
    ).exists()


@pytest.mark.django_db
def test_a_tampered_record_id_is_not_found_rather_than_an_error(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    manager = client_for("team_manager")
    assert manager.post("/emergency-access-reviews/", {"use_id": "abc"}).status_code == 404
    assert client_for("lado").post("/alerts/", {"id": "1 OR 1=1"}).status_code == 302
