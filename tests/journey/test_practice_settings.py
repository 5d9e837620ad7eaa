"""Practice settings: local timescales, the practice model and the continuum of need."""

from __future__ import annotations

import datetime as dt
import html

import pytest

from masa.core.models import AuditEvent
from masa.journey.models import ClockSetting, PracticeModel, PracticeSettings, Stage
from masa.journey.services import DEFAULT_CONTINUUM, practice_settings
from tests.casework_factories import make_case, make_contact
from tests.conftest import World

pytestmark = pytest.mark.django_db

SETTINGS = "/casework/practice-settings/"
CONTACT_RULE = f"{SETTINGS}timescales/contact_decision/"


def body(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.content.decode())


@pytest.mark.parametrize(
    "path",
    [SETTINGS, CONTACT_RULE, f"{SETTINGS}practice-model/", f"{SETTINGS}continuum/"],
)
@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("business_manager", 200),
        ("team_manager", 403),
        ("data_analyst", 403),
        ("system_administrator", 403),
    ],
)
def test_only_the_business_manager_configures_practice(
    client_for, today: dt.date, path: str, role: str, status: int
) -> None:  # type: ignore[no-untyped-def]
    assert client_for(role).get(path).status_code == status


def test_a_changed_local_timescale_changes_the_deadlines_shown_at_once(
    world: World, client_for, today: dt.date
) -> None:  # type: ignore[no-untyped-def]
    sw = world.users["social_worker"]
    case = make_case(world.child, stage=Stage.CONTACT, opened_on=dt.date(2026, 11, 19), actor=sw)
    make_contact(case, received_on=dt.date(2026, 11, 19), actor=sw)  # Thursday
    worker = client_for("social_worker")
    assert "Due 20 November 2026" in body(worker.get(f"/casework/cases/{case.pk}/"))

    manager = client_for("business_manager")
    response = manager.post(CONTACT_RULE, {"duration": "3", "unit": "working days"})
    assert response.status_code == 302
    assert "is now 3 working days" in body(manager.get(response.url))

    page = body(worker.get(f"/casework/cases/{case.pk}/"))
    assert "Due 24 November 2026" in page  # Thursday + 3 working days, over the weekend
    assert "3 working days from the contact was received on 19 November 2026" in page
    assert "24 November 2026" in body(worker.get("/casework/work-list/"))
    rules = body(worker.get("/casework/timescales/"))
    assert "Changed locally" in rules and "masa's default is 1 working day" in rules
    event = AuditEvent.objects.get(object_type="clock_setting")
    assert (event.before, event.after) == (
        {"duration": 1, "unit": "working days"},
        {"duration": 3, "unit": "working days"},
    )


def test_a_guidance_timescale_is_shown_read_only_and_refused_if_posted(
    client_for, today: dt.date
) -> None:  # type: ignore[no-untyped-def]
    client = client_for("business_manager")
    path = f"{SETTINGS}timescales/assessment/"
    page = body(client.get(path))
    assert "set by statutory guidance (Working Together to Safeguard Children 2023" in page
    assert 'name="duration"' not in page
    refused = body(client.post(path, {"duration": "60", "unit": "working days"}))
    assert "There is a problem" in refused
    assert (
        "'Assessment completed and authorised' is set by statutory guidance (Working Together "
        "to Safeguard Children 2023, chapter 3) and cannot be changed" in refused
    )
    assert not ClockSetting.objects.exists()
    settings = body(client.get(SETTINGS))
    assert "Set nationally" in settings
    assert f'href="{path}"' not in settings


def test_an_unknown_timescale_is_not_found(client_for, today: dt.date) -> None:  # type: ignore[no-untyped-def]
    assert client_for("business_manager").get(f"{SETTINGS}timescales/nonsense/").status_code == 404


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"duration": "", "unit": "working days"}, "Enter how long the timescale is"),
        ({"duration": "two", "unit": "working days"}, "How long must be a whole number, like 10"),
        ({"duration": "0", "unit": "working days"}, "The timescale must be between 1 and 365"),
        ({"duration": "400", "unit": "working days"}, "The timescale must be between 1 and 365"),
        ({"duration": "3"}, "Select working days, calendar days or months"),
        ({"duration": "3", "unit": "fortnights"}, "Select working days, calendar days or months"),
    ],
)
def test_bad_timescale_input_says_what_is_wrong(
    client_for, today: dt.date, data: dict[str, str], message: str
) -> None:  # type: ignore[no-untyped-def]
    page = body(client_for("business_manager").post(CONTACT_RULE, data))
    assert "There is a problem" in page and message in page
    assert not ClockSetting.objects.exists()


def test_the_practice_model_is_changed_and_audited(
    world: World, client_for, today: dt.date
) -> None:  # type: ignore[no-untyped-def]
    client = client_for("business_manager")
    assert "Signs of Safety" in body(client.get(SETTINGS))
    response = client.post(f"{SETTINGS}practice-model/", {"practice_model": "systemic"})
    assert response.status_code == 302
    page = body(client.get(response.url))
    assert "Practice model saved" in page and "Systemic practice" in page
    settings = PracticeSettings.objects.get(partnership=world.partnership)
    assert settings.practice_model == PracticeModel.SYSTEMIC
    event = AuditEvent.objects.get(object_type="practice_settings")
    assert (event.before, event.after) == (
        {"practice_model": "signs_of_safety"},
        {"practice_model": "systemic"},
    )


@pytest.mark.parametrize("value", ["", "outcomes_based"])
def test_a_practice_model_must_be_chosen_from_the_list(
    client_for, today: dt.date, value: str
) -> None:  # type: ignore[no-untyped-def]
    page = body(
        client_for("business_manager").post(f"{SETTINGS}practice-model/", {"practice_model": value})
    )
    assert "There is a problem" in page and "Select the practice model" in page


def levels(*names: str) -> dict[str, str]:
    return {f"level_{n}": name for n, name in enumerate(names, start=1)}


def test_continuum_levels_are_renamed_added_and_removed_at_the_top(
    world: World, client_for, today: dt.date
) -> None:  # type: ignore[no-untyped-def]
    client = client_for("business_manager")
    form = body(client.get(f"{SETTINGS}continuum/"))
    assert DEFAULT_CONTINUUM[0]["name"] in form and "Add a new top level" in form

    names = [level["name"] for level in DEFAULT_CONTINUUM]
    renamed = ["Universal", *names[1:], "Level 5: specialist and statutory"]
    response = client.post(f"{SETTINGS}continuum/", levels(*renamed))
    assert response.status_code == 302
    page = body(client.get(response.url))
    assert "Continuum of need saved" in page and "Level 5: specialist and statutory" in page
    saved = practice_settings(world.partnership.pk).continuum_levels
    assert [level["code"] for level in saved] == ["1", "2", "3", "4", "5"]
    assert saved[0]["name"] == "Universal"

    client.post(f"{SETTINGS}continuum/", levels("Universal", "Early help", "Specialist", "", ""))
    saved = practice_settings(world.partnership.pk).continuum_levels
    assert [level["name"] for level in saved] == ["Universal", "Early help", "Specialist"]
    assert AuditEvent.objects.filter(object_label="Continuum of need").count() == 2


@pytest.mark.parametrize(
    ("names", "message"),
    [
        (("Universal", "", "", "", ""), "The continuum of need must have at least 2 levels"),
        (("", "", "", "", ""), "The continuum of need must have at least 2 levels"),
        (
            ("Universal", "", "Targeted", "Specialist", ""),
            "Enter a name for level 2. Levels can only be removed from the top",
        ),
        (
            ("Universal", "Early help", "universal", "", ""),
            "Level 3 has the same name as a lower level: give each level its own name",
        ),
        (
            ("Universal", "x" * 201, "", "", ""),
            "The name of level 2 must be 200 characters or fewer",
        ),
    ],
)
def test_bad_continuum_input_says_what_is_wrong(
    world: World, client_for, today: dt.date, names: tuple[str, ...], message: str
) -> None:  # type: ignore[no-untyped-def]
    page = body(client_for("business_manager").post(f"{SETTINGS}continuum/", levels(*names)))
    assert "There is a problem" in page and message in page
    assert practice_settings(world.partnership.pk).continuum_levels == DEFAULT_CONTINUUM
