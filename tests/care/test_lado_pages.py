"""LADO pages as the LADO and everyone else sees them: 403 for every other role (team managers
included), the referral form and its refusals, the clock on the list, the audited detail page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.utils import timezone

from masa.care.models import LadoAllegation, LadoMeeting
from masa.core.calendar import forget_cached_calendar
from masa.core.models import AuditEvent
from tests.conftest import World

pytestmark = pytest.mark.django_db

TODAY = dt.date(2027, 1, 4)  # Monday


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> Iterator[dt.date]:
    real = timezone.localdate

    def pinned(value: dt.datetime | None = None, timezone: object = None) -> dt.date:
        return TODAY if value is None else real(value)

    monkeypatch.setattr("django.utils.timezone.localdate", pinned)
    forget_cached_calendar()
    yield TODAY
    forget_cached_calendar()


def date_parts(name: str, day: dt.date) -> dict[str, str]:
    return {f"{name}_day": str(day.day), f"{name}_month": str(day.month),
            f"{name}_year": str(day.year)}  # fmt: skip


def referral(**changes: str) -> dict[str, str]:
    data = {
        **date_parts("received_on", dt.date(2026, 12, 24)),
        "referred_by": "Head teacher, Test School",
        "referring_sector": "education",
        "employer": "Test School",
        "person_name": "Alex Example",
        "person_role": "Teaching assistant",
        "category": "physical",
        "summary": "A pupil said they were grabbed by the arm",
        "children": "",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    "role",
    ["team_manager", "social_worker", "police_officer", "business_manager", "data_analyst"],
)
def test_everyone_but_the_lado_is_refused(client_for, role: str) -> None:  # type: ignore[no-untyped-def]
    client = client_for(role)
    assert client.get("/care/lado/").status_code == 403
    assert client.get("/care/lado/new/").status_code == 403
    assert client.post("/care/lado/new/", referral()).status_code == 403
    assert not LadoAllegation.objects.exists()


def test_the_lado_records_a_referral_and_sees_the_clock_over_christmas(
    world: World, client_for, today: dt.date
) -> None:  # type: ignore[no-untyped-def]
    client = client_for("lado")
    response = client.post("/care/lado/new/", referral(children=world.child.masa_id))
    allegation = LadoAllegation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/care/lado/{allegation.pk}/"
    assert list(allegation.children.all()) == [world.child]

    listing = client.get("/care/lado/").content.decode()
    assert f"L{allegation.pk:06d}" in listing
    assert "Due 29 December 2026" in listing
    assert "Overdue" in listing

    views_before = AuditEvent.objects.filter(action="view", object_type="lado_allegation").count()
    detail = client.get(response["Location"]).content.decode()
    assert "Alex Example" in detail
    assert "Kira Holt" in detail
    assert "Boxing Day (observed) (28 December 2026)" in detail
    view = AuditEvent.objects.filter(action="view", object_type="lado_allegation").latest("id")
    assert views_before == 0
    assert view.child_id == world.child.pk
    assert view.actor == world.users["lado"]
    form = client.get(f"/care/lado/{allegation.pk}/consideration/").content.decode()
    assert "1 working day from receipt of the referral on 24 December 2026" in form
    assert "due 29 December 2026" in form


def test_a_child_the_lado_cannot_see_is_refused_on_the_form(
    world: World, client_for, today: dt.date
) -> None:  # type: ignore[no-untyped-def]
    client = client_for("lado")
    page = client.post("/care/lado/new/", referral(children="C999999")).content.decode()
    assert "No child you can see has the masa ID C999999" in page
    assert "There is a problem" in page
    page = client.post("/care/lado/new/", referral(children="banana")).content.decode()
    assert "banana&#39; is not a masa ID. Enter masa IDs like C000123" in page
    assert not LadoAllegation.objects.exists()


def test_the_outcome_form_refuses_before_the_consideration_then_the_flow_completes(
    world: World, client_for, today: dt.date
) -> None:  # type: ignore[no-untyped-def]
    client = client_for("lado")
    client.post("/care/lado/new/", referral())
    allegation = LadoAllegation.objects.get()
    base = f"/care/lado/{allegation.pk}"

    outcome = {
        "outcome": "unsubstantiated",
        **date_parts("outcome_on", dt.date(2026, 12, 31)),
        "employer_actions": "Training",
        "dbs_referral": "no",
        "version": str(allegation.version),
    }
    page = client.post(f"{base}/outcome/", outcome).content.decode()
    assert "Record the initial consideration before the outcome" in page

    consideration = {
        **date_parts("considered_on", dt.date(2026, 12, 29)),
        "decision": "strategy_meeting",
        "version": str(allegation.version),
    }
    assert client.post(f"{base}/consideration/", consideration).status_code == 302
    meeting = {
        **date_parts("held_on", dt.date(2026, 12, 30)),
        "kind": "strategy",
        "attendees": "Police, school, LADO",
        "decisions": "Police to investigate",
    }
    assert client.post(f"{base}/meetings/new/", meeting).status_code == 302
    assert LadoMeeting.objects.filter(allegation=allegation, kind="strategy").exists()

    allegation.refresh_from_db()
    outcome["version"] = str(allegation.version)
    assert client.post(f"{base}/outcome/", outcome).status_code == 302
    allegation.refresh_from_db()
    close = {**date_parts("closed_on", TODAY), "version": str(allegation.version)}
    assert client.post(f"{base}/close/", close).status_code == 302

    detail = client.get(f"{base}/").content.decode()
    assert "Closed 4 January 2027" in detail
    assert "In time" in detail  # considered on the due day
    assert "Strategy meeting" in detail
    assert "Unsubstantiated, 31 December 2026" in detail
    listing = client.get("/care/lado/?year=2026&basis=financial").content.decode()
    assert "No open allegations." in listing
    assert "Figures for 2026 to 2027" in listing


def test_a_stale_version_on_the_form_says_someone_else_changed_it(
    world: World, client_for, today: dt.date
) -> None:  # type: ignore[no-untyped-def]
    client = client_for("lado")
    client.post("/care/lado/new/", referral())
    allegation = LadoAllegation.objects.get()
    seen = str(allegation.version)
    form = {
        **date_parts("considered_on", dt.date(2026, 12, 29)),
        "decision": "evaluation",
        "version": seen,
    }
    assert client.post(f"/care/lado/{allegation.pk}/consideration/", form).status_code == 302
    form["decision"] = "advice_only"
    page = client.post(f"/care/lado/{allegation.pk}/consideration/", form).content.decode()
    assert "Someone else changed this record" in page
    allegation.refresh_from_db()
    assert allegation.initial_decision == "evaluation"
