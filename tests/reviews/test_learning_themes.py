"""The partnership's learning themes: a managed list, retired rather than deleted."""

from __future__ import annotations

import pytest
from django.utils import timezone

from masa.core.models import AuditEvent
from masa.core.services import ServiceError
from masa.reviews.models import LearningTheme
from masa.reviews.services_learning import (
    DEFAULT_THEMES,
    finding_add,
    finding_update,
    theme_add,
    theme_defaults,
    theme_move,
    theme_reinstate,
    theme_retire,
    theme_update,
)

from ..conftest import World
from ..reviews_factories import make_review


def names(world: World) -> list[str]:
    return list(
        LearningTheme.objects.filter(partnership=world.partnership)
        .order_by("order", "name")
        .values_list("name", flat=True)
    )


@pytest.mark.django_db
def test_the_starting_list_holds_the_issues_themes_and_the_seeds(world: World) -> None:
    added = theme_defaults(world.partnership, actor=world.users["business_manager"])

    have = names(world)
    assert len(added) == len(DEFAULT_THEMES) == len(have)
    # The themes the issue names, in its order, first.
    assert have[:7] == [
        "Neglect",
        "Exploitation",
        "Domestic abuse",
        "Information sharing",
        "Professional curiosity",
        "Voice of the child",
        "Escalation",
    ]
    # And what the Wigan reports found: 2023-24 themes and the 2017/18 serious case reviews.
    for seeded in (
        "Intrafamilial sexual abuse",
        "Adolescent risk",
        "Mental health",
        "Think family",
        "Disguised compliance",
        "Hidden men",
        "Safe sleep",
    ):
        assert seeded in have
    # Running it again adds nothing, and keeps a theme the partnership renamed or retired.
    theme = LearningTheme.objects.get(name="Neglect")
    theme_retire(actor=world.users["business_manager"], theme=theme)
    assert theme_defaults(world.partnership) == []
    assert LearningTheme.objects.filter(name__iexact="neglect").count() == 1


@pytest.mark.django_db
def test_a_theme_is_added_at_the_end_and_a_duplicate_name_is_refused(world: World) -> None:
    bm = world.users["business_manager"]
    theme_defaults(world.partnership)
    added = theme_add(actor=bm, name="  Online   harm ", description="Harm online.")

    assert added.name == "Online harm"
    assert names(world)[-1] == "Online harm"
    with pytest.raises(ServiceError, match="There is already a theme called ‘Neglect’") as error:
        theme_add(actor=bm, name="NEGLECT")
    assert error.value.field == "name"
    with pytest.raises(ServiceError, match="Enter the name of the theme"):
        theme_add(actor=bm, name="   ")
    assert AuditEvent.objects.filter(object_type="learning_theme", object_id=added.pk).exists()


@pytest.mark.django_db
def test_renaming_cannot_take_another_themes_name_and_keeps_the_findings(world: World) -> None:
    bm = world.users["business_manager"]
    neglect = theme_add(actor=bm, name="Neglect")
    curiosity = theme_add(actor=bm, name="Curiosity")
    finding = finding_add(
        actor=bm, review=make_review(world), title="T", detail="D", themes=[curiosity]
    )

    theme_update(actor=bm, theme=curiosity, name="Professional curiosity", description="Ask.")
    assert list(finding.themes.values_list("name", flat=True)) == ["Professional curiosity"]
    with pytest.raises(ServiceError, match="already a theme called ‘Neglect’"):
        theme_update(actor=bm, theme=curiosity, name="neglect", description="")
    # Changing only the case of its own name is fine.
    assert theme_update(actor=bm, theme=neglect, name="NEGLECT", description="").name == "NEGLECT"


@pytest.mark.django_db
def test_themes_move_up_and_down(world: World) -> None:
    bm = world.users["business_manager"]
    a, b, c = (theme_add(actor=bm, name=name) for name in ("A", "B", "C"))

    theme_move(actor=bm, theme=c, direction="up")
    assert names(world) == ["A", "C", "B"]
    theme_move(actor=bm, theme=a, direction="down")
    assert names(world) == ["C", "A", "B"]
    theme_move(actor=bm, theme=c, direction="up")  # already first: nothing happens
    assert names(world) == ["C", "A", "B"]
    assert b.pk


@pytest.mark.django_db
def test_a_retired_theme_stays_on_past_findings_but_cannot_be_chosen(world: World) -> None:
    bm = world.users["business_manager"]
    review = make_review(world)
    safe_sleep = theme_add(actor=bm, name="Safe sleep")
    neglect = theme_add(actor=bm, name="Neglect")
    old = finding_add(actor=bm, review=review, title="Old", detail="D", themes=[safe_sleep])

    theme_retire(actor=bm, theme=safe_sleep)

    safe_sleep.refresh_from_db()
    assert safe_sleep.retired_on == timezone.localdate()
    assert list(old.themes.all()) == [safe_sleep]  # not deleted, still on the finding
    with pytest.raises(ServiceError, match=r"‘Safe sleep’ was retired on .* cannot be chosen"):
        finding_add(actor=bm, review=review, title="New", detail="D", themes=[safe_sleep])
    # Editing the old finding may keep the retired theme it already had...
    finding_update(
        actor=bm,
        finding=old,
        title="Old, reworded",
        detail="D",
        themes=[safe_sleep, neglect],
        version=old.version,
    )
    assert set(old.themes.values_list("name", flat=True)) == {"Safe sleep", "Neglect"}
    with pytest.raises(ServiceError, match="already retired"):
        theme_retire(actor=bm, theme=safe_sleep)
    theme_reinstate(actor=bm, theme=safe_sleep)
    safe_sleep.refresh_from_db()
    assert safe_sleep.retired_on is None
    assert LearningTheme.objects.filter(partnership=world.partnership).count() == 2


@pytest.mark.django_db
def test_only_the_business_unit_manages_themes(world: World) -> None:
    with pytest.raises(ServiceError, match="Only the partnership's business unit"):
        theme_add(actor=world.users["data_analyst"], name="Neglect")
    assert not LearningTheme.objects.exists()


@pytest.mark.django_db
def test_the_themes_pages(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for("business_manager")
    empty = client.get("/reviews/themes/")
    assert "There are no learning themes yet" in empty.content.decode()

    client.post("/reviews/themes/", {"action": "defaults"})
    page = client.get("/reviews/themes/").content.decode()
    assert f"{len(DEFAULT_THEMES)} learning themes, in the order people see them" in page
    assert "Intrafamilial sexual abuse" in page

    response = client.post("/reviews/themes/new/", {"name": "neglect", "description": ""})
    text = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Add a learning theme" in text
    assert "There is already a theme called ‘Neglect’" in text
    assert 'href="#name"' in text  # the error summary links to the field

    neglect = LearningTheme.objects.get(name="Neglect")
    response = client.post(f"/reviews/themes/{neglect.pk}/", {"action": "retire"})
    assert response.status_code == 302
    listing = client.get("/reviews/themes/").content.decode()
    assert "Retired" in listing
    neglect.refresh_from_db()
    assert neglect.retired_on is not None

    response = client.post(
        f"/reviews/themes/{neglect.pk}/",
        {"action": "save", "name": "Neglect and its impact", "description": "Cumulative."},
    )
    assert response.status_code == 302
    neglect.refresh_from_db()
    assert neglect.name == "Neglect and its impact"

    first = names(world)[0]
    second_theme = LearningTheme.objects.get(name=names(world)[1])
    client.post("/reviews/themes/", {"action": "up", "theme": second_theme.pk})
    assert names(world)[:2] == [second_theme.name, first]

    assert client_for("independent_scrutineer").get("/reviews/themes/").status_code == 403
