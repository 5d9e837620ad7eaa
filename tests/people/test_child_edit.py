"""Editing a child: bad input keeps what was typed, conflicts show both versions, drafts survive."""

from __future__ import annotations

import pytest

from masa.core.models import FormDraft
from masa.people.models import Child

from ..conftest import World


def details(**overrides: str) -> dict[str, str]:
    data = {
        "first_name": "Kira",
        "last_name": "Holt",
        "date_of_birth_day": "1",
        "date_of_birth_month": "6",
        "date_of_birth_year": "2015",
        "sex": "F",
        "summary": "",
        "version": "1",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_bad_input_is_refused_with_the_error_summary_and_nothing_is_saved(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    client = client_for("social_worker")
    response = client.post(
        f"/children/{world.child.pk}/change/",
        details(
            first_name="", last_name="Changed", date_of_birth_day="31", date_of_birth_month="2"
        ),
    )
    body = response.content.decode()
    assert 'href="#first_name">Enter the child&#39;s first name' in body
    assert 'href="#date_of_birth_day">Date of birth must be a real date' in body
    assert 'value="Changed"' in body  # what the user typed is kept
    assert Child.objects.get(pk=world.child.pk).last_name == "Holt"


@pytest.mark.django_db
def test_second_editor_is_refused_and_shown_both_versions(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    first = client_for("social_worker")
    second = client_for("team_manager")
    url = f"/children/{world.child.pk}/change/"
    assert first.post(url, details(summary="Seen at school today")).status_code == 302
    clash = second.post(url, details(summary="Mother called the duty line"))
    body = clash.content.decode()
    assert clash.status_code == 200
    assert "Someone else changed this record while you were editing" in body
    assert "Seen at school today" in body and "Mother called the duty line" in body
    assert Child.objects.get(pk=world.child.pk).summary == "Seen at school today"
    assert 'name="version" value="2"' in body
    resolved = second.post(url, details(summary="Both: seen at school; mother called", version="2"))
    assert resolved.status_code == 302
    child = Child.objects.get(pk=world.child.pk)
    assert (child.summary, child.version) == ("Both: seen at school; mother called", 3)


@pytest.mark.django_db
def test_a_draft_is_kept_server_side_and_restored_then_cleared_on_save(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    client = client_for("social_worker")
    key = f"child-details-{world.child.pk}"
    client.post(f"/drafts/{key}/", details(summary="Half-written note about the home visit"))
    assert (
        FormDraft.objects.get(form_key=key).data["summary"]
        == "Half-written note about the home visit"
    )
    page = client.get(f"/children/{world.child.pk}/change/").content.decode()
    assert "Unsaved changes restored" in page
    assert "Half-written note about the home visit" in page
    client.post(f"/children/{world.child.pk}/change/", details(summary="Finished note"))
    assert not FormDraft.objects.filter(form_key=key).exists()
    # Another user never sees this user's draft.
    other = client_for("team_manager").get(f"/children/{world.child.pk}/change/").content.decode()
    assert "Unsaved changes restored" not in other


@pytest.mark.django_db
def test_identifiers_and_census_details_are_saved_and_audited(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    from masa.core.models import AuditAction, AuditEvent

    client = client_for("social_worker")
    response = client.post(
        f"/children/{world.child.pk}/change/",
        {
            **details(nhs_number="943 476 5919", upn="B801200005001", ethnicity="MWBC"),
            "disabilities": ["HEAR"],
        },
    )
    assert response.status_code == 302
    child = Child.objects.get(pk=world.child.pk)
    assert (child.nhs_number, child.upn, child.ethnicity) == ("9434765919", "B801200005001", "MWBC")
    assert child.disabilities == ["HEAR"]
    change = AuditEvent.objects.get(action=AuditAction.UPDATE, child_id=child.pk)
    assert change.after["nhs_number"] == "9434765919" and change.after["disabilities"] == ["HEAR"]
    page = client.get(f"/children/{child.pk}/").content.decode()
    assert "943 476 5919" in page and "Mixed: White and Black Caribbean" in page
    assert "Hearing" in page
    # The form shows the NHS number as people read it.
    form = client.get(f"/children/{child.pk}/change/").content.decode()
    assert 'value="943 476 5919"' in form


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "anchor", "message"),
    [
        ({"nhs_number": "1234567890"}, "nhs_number", "Enter a real NHS number"),
        ({"upn": "B80120000500"}, "upn", "UPN must be 13 characters"),
        ({"date_of_birth_year": "2030"}, "date_of_birth_day", "Date of birth must be today"),
        (
            {"expected_date_of_birth_day": "1", "expected_date_of_birth_month": "3",
             "expected_date_of_birth_year": "2027"},
            "expected_date_of_birth_day",
            "Enter a date of birth or an expected date of birth, not both",
        ),
        ({"disabilities": ["NONE", "AUT"]}, "disabilities", "Select “No disability” on its own"),
    ],
)  # fmt: skip
def test_bad_identifiers_are_refused_naming_the_field(
    world: World, client_for, overrides: dict[str, object], anchor: str, message: str
) -> None:  # type: ignore[no-untyped-def]
    client = client_for("social_worker")
    body = client.post(
        f"/children/{world.child.pk}/change/",
        details(**overrides),  # type: ignore[arg-type]
    ).content.decode()
    assert f'href="#{anchor}">{message}' in body
    assert Child.objects.get(pk=world.child.pk).version == 1


@pytest.mark.django_db
def test_a_changed_name_is_found_by_search_and_the_old_one_is_not(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    from masa.people.models import PersonSearchKey
    from masa.people.selectors import search_children

    client_for("social_worker").post(
        f"/children/{world.child.pk}/change/", details(first_name="Kirsty", last_name="Holden")
    )
    user = world.users["social_worker"]
    assert [c.pk for c in search_children(user, "Kirsti Holdon")] == [world.child.pk]
    keys = set(PersonSearchKey.objects.filter(child=world.child).values_list("key", flat=True))
    assert {"pKRST", "pHLTN"} <= keys and not {"pKR", "pHLT"} & keys  # the old name's sounds


@pytest.mark.django_db
def test_an_unborn_baby_s_due_date_that_has_passed_can_stay_while_other_details_change(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    Child.objects.filter(pk=world.child.pk).update(
        date_of_birth=None, expected_date_of_birth=dt.date(2026, 11, 1)
    )
    overdue = {
        "date_of_birth_day": "", "date_of_birth_month": "", "date_of_birth_year": "",
        "expected_date_of_birth_day": "1", "expected_date_of_birth_month": "11",
        "expected_date_of_birth_year": "2026",
    }  # fmt: skip
    client = client_for("social_worker")
    saved = client.post(f"/children/{world.child.pk}/change/", details(summary="Late", **overdue))
    assert saved.status_code == 302
    moved = client.post(
        f"/children/{world.child.pk}/change/",
        details(version="2", **{**overdue, "expected_date_of_birth_day": "2"}),
    ).content.decode()
    assert "Expected date of birth must be today or in the future" in moved


@pytest.mark.django_db
def test_a_conflict_shows_both_versions_of_the_new_details_too(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    url = f"/children/{world.child.pk}/change/"
    client_for("social_worker").post(url, details(nhs_number="9434765919"))
    clash = client_for("team_manager").post(url, details(upn="B801200005001")).content.decode()
    assert "Someone else changed this record while you were editing" in clash
    assert "943 476 5919" in clash and "B801200005001" in clash
