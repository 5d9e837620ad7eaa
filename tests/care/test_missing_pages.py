"""The missing pages as people use them: forms and their errors, the child's page, the list of
open episodes and interviews due, the patterns across children, and who sees what.

"Now" is pinned to Monday 23 November 2026 at noon (GMT).
"""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from masa.care.models import ExploitationScreening, MissingEpisode
from masa.core.models import AuditAction, AuditEvent
from masa.people.models import Child
from tests.conftest import World

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
D = dt.date
NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=LONDON)


def at(year: int, month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=LONDON)


@pytest.fixture
def now(monkeypatch: pytest.MonkeyPatch) -> dt.datetime:
    real_localdate = timezone.localdate

    def localdate(value: dt.datetime | None = None, timezone: Any = None) -> dt.date:
        return NOW.date() if value is None else real_localdate(value)

    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)
    monkeypatch.setattr("django.utils.timezone.localdate", localdate)
    return NOW


def date_parts(name: str, day: dt.date) -> dict[str, str]:
    return {f"{name}_day": str(day.day), f"{name}_month": str(day.month),
            f"{name}_year": str(day.year)}  # fmt: skip


def period(start: dt.date, end: dt.date) -> dict[str, str]:
    return {**date_parts("start", start), **date_parts("end", end)}


def text(response: Any) -> str:
    """The page as a reader sees it: tags removed, entities decoded, spaces collapsed."""
    words = html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))
    return " ".join(words.split())


def make(child: Child, started_at: dt.datetime, **fields: Any) -> MissingEpisode:
    values: dict[str, Any] = {"child": child, "kind": "M", "started_at": started_at}
    values.update(fields)
    return MissingEpisode.objects.create(**values)


def reporting(world: World, **changes: str) -> dict[str, str]:
    data = {
        "kind": "M",
        **date_parts("started_on", dt.date(2026, 11, 20)),
        "started_time": "10pm",
        "last_seen_location": "Northbury bus station",
        "reported_by_agency": str(world.agencies["police"].pk),
        "police_reference": "NP-1",
        "associates": "Dean, 24\nKai",
        "exploitation_concern": "yes",
        "ended_on_day": "",
        "ended_on_month": "",
        "ended_on_year": "",
        "ended_time": "",
        "found_location": "",
    }
    data.update(changes)
    return data


# ---------------------------------------------------------------- recording


def test_a_social_worker_reports_a_child_missing_and_sees_the_episode(
    world: World, client_for: Any, now: dt.datetime
) -> None:
    client: Client = client_for("social_worker")
    url = f"/care/children/{world.child.pk}/missing/new/"
    assert client.get(url).status_code == 200

    response = client.post(url, reporting(world))

    assert response.status_code == 302
    assert response["Location"] == f"/care/children/{world.child.pk}/missing/"
    episode = MissingEpisode.objects.get(child=world.child)
    assert episode.started_at == at(2026, 11, 20, 22)
    assert episode.associates == ["Dean, 24", "Kai"]
    assert episode.exploitation_concern is True
    page = text(client.get(response["Location"]))
    assert "Kira has been missing since 20 November 2026 at 10:00pm." in page
    assert "Record the return" in page
    assert "Northbury bus station" in page
    assert "Exploitation concern" in page
    assert "Dean, 24" in page


def test_a_report_without_a_time_is_shown_as_an_error(
    world: World, client_for: Any, now: dt.datetime
) -> None:
    client: Client = client_for("social_worker")
    response = client.post(
        f"/care/children/{world.child.pk}/missing/new/", reporting(world, started_time="")
    )

    page = text(response)
    assert response.status_code == 200
    assert "<title>Error:" in response.content.decode()
    assert "Enter time the child went missing" in page
    assert not MissingEpisode.objects.exists()


def test_a_time_that_is_not_a_time_is_shown_as_an_error(
    world: World, client_for: Any, now: dt.datetime
) -> None:
    client: Client = client_for("social_worker")
    response = client.post(
        f"/care/children/{world.child.pk}/missing/new/", reporting(world, started_time="25:61")
    )

    assert "Enter a real time the child went missing, like 10:30pm or 22:30" in text(response)


def test_a_refused_return_time_is_shown_on_the_date_it_belongs_to(
    world: World, client_for: Any, now: dt.datetime
) -> None:
    client: Client = client_for("social_worker")
    data = reporting(world, ended_time="9pm", **date_parts("ended_on", dt.date(2026, 11, 20)))

    response = client.post(f"/care/children/{world.child.pk}/missing/new/", data)

    page = response.content.decode()
    assert "must be after the time they went missing (20 November 2026 at 10:00pm)" in page
    assert 'href="#ended_on_day"' in page
    assert not MissingEpisode.objects.exists()


def test_the_return_and_the_interview_are_recorded_from_the_childs_page(
    world: World, client_for: Any, now: dt.datetime
) -> None:
    client: Client = client_for("social_worker")
    episode = make(world.child, at(2026, 11, 20, 22), associates=["Dean, 24"])

    response = client.post(
        f"/care/missing/{episode.pk}/return/",
        {
            "version": "1",
            **date_parts("ended_on", dt.date(2026, 11, 21)),
            "ended_time": "09:00",
            "found_location": "Flat 3, Mill Road",
            "associates": "Dean, 24",
            "exploitation_concern": "no",
        },
    )
    assert response.status_code == 302
    page = text(client.get(f"/care/children/{world.child.pk}/missing/"))
    assert "Offer by 24 November 2026 at 9:00am" in page
    assert "72 hours from the child's return on 21 November 2026 at 9:00am" in page

    response = client.post(
        f"/care/missing/{episode.pk}/return-interview/",
        {
            "version": "2",
            **date_parts("offered_on", dt.date(2026, 11, 22)),
            "offered_time": "10:00",
            "accepted": "yes",
            "held_on_day": "",
            "held_on_month": "",
            "held_on_year": "",
            "outcome": "",
        },
    )
    assert response.status_code == 302
    page = text(client.get(f"/care/children/{world.child.pk}/missing/"))
    assert "Offered in time" in page
    assert "Offered 22 November 2026 at 10:00am; accepted" in page
    assert "Interview offered within 72 hours 1 (100%)" in page


def test_a_stale_return_form_says_someone_else_changed_the_record(
    world: World, client_for: Any, now: dt.datetime
) -> None:
    client: Client = client_for("social_worker")
    episode = make(world.child, at(2026, 11, 20, 22))
    MissingEpisode.objects.filter(pk=episode.pk).update(version=2)

    response = client.post(
        f"/care/missing/{episode.pk}/return/",
        {
            "version": "1",
            **date_parts("ended_on", dt.date(2026, 11, 21)),
            "ended_time": "09:00",
            "found_location": "Home",
            "associates": "",
            "exploitation_concern": "no",
        },
    )

    assert "Someone else changed this record" in text(response)
    assert MissingEpisode.objects.get(pk=episode.pk).ended_at is None


# ---------------------------------------------------------------- the child's page


def test_the_childs_page_shows_repeat_missing_and_the_hour_by_day_table(
    world: World, client_for: Any, now: dt.datetime
) -> None:
    for start in (at(2026, 11, 6, 22), at(2026, 11, 14, 23), at(2026, 11, 20, 21, 30)):
        make(world.child, start, ended_at=start + dt.timedelta(hours=5))

    response = client_for("social_worker").get(f"/care/children/{world.child.pk}/missing/")

    page = text(response)
    assert "Yes: 3 or more missing episodes within 90 days, from 6 November 2026" in page
    assert "Episodes by the hour and day they began" in page
    assert "Interview not offered 3" in page
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="child", child_id=world.child.pk
    ).exists()


def test_associates_and_screenings_are_hidden_from_people_without_exploitation_access(
    world: World, client_for: Any, now: dt.datetime
) -> None:
    make(world.child, at(2026, 11, 6, 22), associates=["Dean, 24"], exploitation_concern=True)
    ExploitationScreening.objects.create(
        child=world.child,
        screened_on=dt.date(2026, 10, 1),
        risk="high",
        screened_by=world.users["social_worker"],
        agency=world.agencies["local_authority"],
    )

    school = text(client_for("designated_safeguarding_lead").get(
        f"/care/children/{world.child.pk}/missing/"))  # fmt: skip
    worker = text(client_for("social_worker").get(f"/care/children/{world.child.pk}/missing/"))

    assert "Northbury" not in school  # nothing recorded there; the page still renders
    assert "Dean, 24" not in school
    assert "Exploitation concern" not in school
    assert "Dean, 24" in worker
    assert "High risk, 1 October 2026" in worker


def test_the_childs_page_names_other_children_who_share_an_associate(
    world: World, client_for: Any, now: dt.datetime
) -> None:
    make(world.child, at(2026, 11, 6, 22), associates=["Dean, 24"])
    make(world.la_only_child, at(2026, 11, 6, 23), associates=["dean ,24"])

    worker = text(client_for("social_worker").get(f"/care/children/{world.child.pk}/missing/"))
    police = text(client_for("police_officer").get(f"/care/children/{world.child.pk}/missing/"))

    assert "Jay Moss" in worker
    assert "Jay Moss" not in police  # the police do not work with Jay
    assert "No other child you can see" in police


# ---------------------------------------------------------------- the list


def test_the_list_shows_open_episodes_and_interviews_to_offer(
    world: World, client_for: Any, now: dt.datetime
) -> None:
    make(world.child, at(2026, 11, 22, 23), last_seen_location="Retail park")
    make(world.la_only_child, at(2026, 11, 18, 20), ended_at=at(2026, 11, 19, 8))
    make(world.la_only_child, at(2026, 11, 20, 20), ended_at=at(2026, 11, 21, 8))
    make(world.la_only_child, at(2026, 9, 1, 20), ended_at=at(2026, 9, 2, 8))  # too old to list

    page = text(client_for("social_worker").get("/care/missing/"))

    assert "Retail park" in page
    assert "22 November 2026 at 8:00am Overdue" in page  # 19 November 8am + 72 hours
    assert "24 November 2026 at 8:00am Due" in page  # 21 November 8am + 72 hours
    assert "1 overdue." in page
    assert "2 September 2026" not in page


def test_a_police_officer_sees_only_the_children_the_police_work_with(
    world: World, client_for: Any, now: dt.datetime
) -> None:
    seen = make(world.child, at(2026, 11, 22, 23), last_seen_location="Retail park")
    hidden = make(world.la_only_child, at(2026, 11, 22, 20), last_seen_location="Canal towpath")
    client: Client = client_for("police_officer")

    listing = text(client.get("/care/missing/"))
    patterns = text(client.get("/care/missing/patterns/"))

    assert "Retail park" in listing
    assert "Canal towpath" not in listing
    assert "Kira Holt" in patterns
    assert "Jay Moss" not in patterns
    assert client.get(f"/care/children/{world.la_only_child.pk}/missing/").status_code == 404
    assert client.get(f"/care/missing/{hidden.pk}/return/").status_code == 404
    assert client.get(f"/care/missing/{seen.pk}/return/").status_code == 200


# ---------------------------------------------------------------- patterns across children


def test_the_patterns_page_shows_shared_associates_to_those_who_may_see_them(
    world: World, client_for: Any, now: dt.datetime
) -> None:
    make(world.child, at(2026, 11, 6, 22), associates=["Dean, 24"], last_seen_location="Park")
    make(world.child, at(2026, 11, 13, 22), associates=["Kai"], last_seen_location="park")
    make(world.la_only_child, at(2026, 11, 7, 23), associates=["Dean, 24"])

    worker = text(client_for("social_worker").get("/care/missing/patterns/"))

    assert "Associates named in the episodes of two or more children" in worker
    assert "Dean, 24 Kira Holt , Jay Moss 2" in worker
    assert "Kai" not in worker
    assert "Park 2 1" in worker  # last seen: 2 episodes, 1 child
    viewed = AuditEvent.objects.filter(object_type="missing_patterns")
    shown = {world.child.pk, world.la_only_child.pk}
    assert set(viewed.values_list("child_id", flat=True)) == shown
    assert all("with associates" in e.object_label for e in viewed)


def test_the_patterns_page_hides_associates_from_people_without_exploitation_access(
    world: World, client_for: Any, now: dt.datetime
) -> None:
    make(world.child, at(2026, 11, 6, 22), associates=["Dean, 24"])

    school = text(client_for("designated_safeguarding_lead").get("/care/missing/patterns/"))

    assert "Kira Holt" in school
    assert "Dean, 24" not in school
    assert "shown only to people with access to exploitation information" in school
    # Every child named on the page is in that child's access report, associates or not.
    viewed = AuditEvent.objects.filter(object_type="missing_patterns")
    assert list(viewed.values_list("child_id", flat=True)) == [world.child.pk]
    assert "without associates" in viewed.get().object_label


def test_the_patterns_page_filters_by_the_period_chosen(
    world: World, client_for: Any, now: dt.datetime
) -> None:
    make(world.child, at(2026, 3, 6, 22), last_seen_location="Old haunt")
    make(world.child, at(2026, 11, 6, 22), last_seen_location="New haunt")
    client: Client = client_for("social_worker")

    default = text(client.get("/care/missing/patterns/"))
    march = text(client.get("/care/missing/patterns/", period(D(2026, 3, 1), D(2026, 3, 31))))
    backwards = text(client.get("/care/missing/patterns/", period(D(2026, 3, 31), D(2026, 3, 1))))

    assert "from 24 November 2025 to 23 November 2026" in default
    assert "Old haunt" in default and "New haunt" in default
    assert "Old haunt" in march and "New haunt" not in march
    assert "The end of the period must be on or after its start" in backwards
