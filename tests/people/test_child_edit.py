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
