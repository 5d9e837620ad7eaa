"""Meeting packs: the papers, one report per agency, and who had them when, with late shares
and attendees without papers flagged against the local rule (counted in working days)."""

from __future__ import annotations

import datetime as dt

import pytest

from masa.core.models import AgencyKind, AuditEvent
from masa.journey.models import ClockSetting
from masa.protection.models import AgencyReport, Assessment, MeetingPack, PackShare

from ..casework_factories import (
    agency_of_kind,
    date_fields,
    fix_today,
    make_conference_for,
    make_icpc_case,
    make_scheduled_conference,
)
from ..conftest import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def set_today(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    return fix_today(monkeypatch, dt.date(2026, 11, 23))


HELD = dt.date(2024, 4, 2)  # Tuesday after Easter Monday


@pytest.fixture
def conference(world: World):  # type: ignore[no-untyped-def]
    sw = world.users["social_worker"]
    case = make_icpc_case(world.child, strategy_on=dt.date(2024, 3, 18), actor=sw)
    Assessment.objects.create(
        case=case,
        child=world.child,
        started_on=dt.date(2024, 3, 4),
        summary="Home conditions poor; mother engaging with the health visitor",
        recorded_by=sw,
    )
    agencies = [
        agency_of_kind(world.child, kind)
        for kind in (AgencyKind.POLICE, AgencyKind.HEALTH, AgencyKind.SCHOOL)
    ]
    return make_conference_for([case], held_on=HELD, actor=sw, agencies=agencies)


def share(world: World, kind: str, name: str, day: dt.date, agency: AgencyKind | None = None):  # type: ignore[no-untyped-def]
    data = {"recipient_kind": kind, "recipient": name, **date_fields("shared_on", day)}
    if agency is not None:
        data["agency"] = str(agency_of_kind(world.child, agency).pk)
    return data


def test_an_involved_agency_adds_its_report_and_a_later_one_replaces_it(
    world: World, conference, client_for
) -> None:  # type: ignore[no-untyped-def]
    police = client_for("police_officer")
    url = f"/protection/conferences/{conference.pk}/pack/report/"
    empty = police.post(url, {"report": " "}).content.decode()
    assert 'href="#report">Enter your agency&#39;s report for the conference' in empty
    assert police.post(url, {"report": "Two call-outs to the home in March"}).status_code == 302
    assert police.post(url, {"report": "Three call-outs in March"}).status_code == 302
    report = AgencyReport.objects.get()
    assert (report.agency.kind, report.report) == (AgencyKind.POLICE, "Three call-outs in March")
    assert MeetingPack.objects.get().assembled_by == world.users["police_officer"]
    actions = list(
        AuditEvent.objects.filter(object_type="meeting_pack", child_id=world.child.pk)
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "create", "update"]  # pack, first report, replacement

    page = client_for("health_safeguarding_practitioner").get(
        f"/protection/conferences/{conference.pk}/pack/"
    )
    text = page.content.decode()
    assert "Three call-outs in March" in text
    assert "Home conditions poor" in text  # the latest assessment summary
    assert (
        "No report yet from: Test Health (ICB or provider), Test School or education setting"
        in (text)
    )


def test_an_agency_not_involved_with_the_child_cannot_reach_the_pack(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    sw = world.users["social_worker"]
    case = make_icpc_case(world.la_only_child, strategy_on=dt.date(2024, 3, 18), actor=sw)
    hidden = make_conference_for([case], held_on=HELD, actor=sw)
    url = f"/protection/conferences/{hidden.pk}/pack/report/"
    assert client_for("police_officer").post(url, {"report": "Anything"}).status_code == 404
    assert client_for("data_analyst").get(url).status_code == 403
    assert not AgencyReport.objects.exists()


def test_late_shares_and_attendees_without_papers_are_flagged(
    world: World, conference, client_for
) -> None:  # type: ignore[no-untyped-def]
    chair = client_for("independent_reviewing_officer")
    url = f"/protection/conferences/{conference.pk}/pack/shares/new/"
    # 3 working days before Tuesday 2 April 2024: Tuesday 26 March is in time (27, 28 March and
    # 2 April); Thursday 28 March is late although five days earlier, because Good Friday and
    # Easter Monday are not working days; Wednesday 27 March gives only 2.
    chair.post(url, share(world, "agency", "DS Khan", dt.date(2024, 3, 26), AgencyKind.POLICE))
    chair.post(url, share(world, "agency", "Nurse Obi", dt.date(2024, 3, 28), AgencyKind.HEALTH))
    chair.post(url, share(world, "family", "Ms Holt", dt.date(2024, 3, 27)))
    assert PackShare.objects.count() == 3

    text = chair.get(f"/protection/conferences/{conference.pk}/pack/").content.decode()
    assert "Papers must be shared at least 3 working days before the conference" in text
    rows = text.split('<tbody class="govuk-table__body">')[1].split("</tbody>")[0].split("</tr>")
    khan = next(r for r in rows if "DS Khan" in r)
    obi = next(r for r in rows if "Nurse Obi" in r)
    family = next(r for r in rows if "Ms Holt" in r)
    assert "In time" in khan and ">3<" in khan
    assert "Late" in obi and ">1<" in obi
    assert "Late" in family and ">2<" in family
    assert "No share recorded for: Test School or education setting." in " ".join(text.split())
    summary = chair.get(f"/protection/conferences/{conference.pk}/").content.decode()
    assert "<strong>2 late</strong>" in summary


def test_the_partnerships_own_notice_rule_is_used(world: World, conference, client_for) -> None:  # type: ignore[no-untyped-def]
    ClockSetting.objects.create(
        partnership=world.partnership,
        code="conference_papers",
        duration=5,
        unit="working days",
        changed_by=world.users["business_manager"],
    )
    chair = client_for("independent_reviewing_officer")
    chair.post(
        f"/protection/conferences/{conference.pk}/pack/shares/new/",
        share(world, "agency", "DS Khan", dt.date(2024, 3, 26), AgencyKind.POLICE),
    )
    text = chair.get(f"/protection/conferences/{conference.pk}/pack/").content.decode()
    assert "at least 5 working days before the conference" in text
    assert "Late" in text and "In time</strong>" not in text


def test_share_bad_input_is_refused(world: World, conference, client_for) -> None:  # type: ignore[no-untyped-def]
    chair = client_for("independent_reviewing_officer")
    url = f"/protection/conferences/{conference.pk}/pack/shares/new/"
    blank = chair.post(url, {}).content.decode()
    assert "Select who the papers were shared with" in blank
    assert "Enter the name of the person the papers were shared with" in blank
    assert "Enter date the papers were shared" in blank
    no_agency = chair.post(url, share(world, "agency", "DS Khan", dt.date(2024, 3, 26)))
    assert 'href="#agency">Select the agency of the person the papers were shared with' in (
        no_agency.content.decode()
    )
    future = chair.post(url, share(world, "family", "Ms Holt", dt.date(2099, 3, 26)))
    assert "The date the papers were shared must be today or in the past" in (
        future.content.decode()
    )
    assert not PackShare.objects.exists()
    assert (
        client_for("social_worker").post(url, share(world, "family", "Ms Holt", HELD)).status_code
        == 403
    )


def test_the_chair_assembles_the_pack_and_it_prints(world: World, conference, client_for) -> None:  # type: ignore[no-untyped-def]
    chair = client_for("independent_reviewing_officer")
    url = f"/protection/conferences/{conference.pk}/pack/assemble/"
    assert chair.get(url).status_code == 405
    assert chair.post(url).status_code == 302
    assert chair.post(url).status_code == 302  # assembling again changes nothing
    assert MeetingPack.objects.count() == 1
    printed = client_for("social_worker").get(
        f"/protection/conferences/{conference.pk}/pack/print/"
    )
    text = printed.content.decode()
    assert printed.status_code == 200
    assert 'href="/static/protection/pack_print.css" media="print"' in text
    assert "Home conditions poor" in text
    assert "No share recorded for" in text


def test_papers_for_a_scheduled_conference_over_christmas_count_only_working_days(
    world: World, client_for, set_today
) -> None:  # type: ignore[no-untyped-def]
    # Conference scheduled for Wednesday 30 December 2026. Christmas Day is Friday 25 December
    # and Boxing Day, a Saturday, is made up on Monday 28 December. Papers shared on Wednesday
    # 23 December give 3 working days' notice (24, 29 and 30 December): in time. On Thursday
    # 24 December, six calendar days before, they give only 2 (29 and 30 December): late.
    set_today(dt.date(2026, 12, 29))
    sw = world.users["social_worker"]
    case = make_icpc_case(world.child, strategy_on=dt.date(2026, 12, 14), actor=sw)
    conference = make_scheduled_conference(
        [case],
        scheduled_on=dt.date(2026, 12, 30),
        actor=sw,
        agencies=[agency_of_kind(world.child, AgencyKind.POLICE)],
    )
    chair = client_for("independent_reviewing_officer")
    url = f"/protection/conferences/{conference.pk}/pack/shares/new/"
    assert (
        chair.post(
            url, share(world, "agency", "DS Khan", dt.date(2026, 12, 23), AgencyKind.POLICE)
        ).status_code
        == 302
    )
    chair.post(url, share(world, "family", "Ms Holt", dt.date(2026, 12, 24)))
    text = chair.get(f"/protection/conferences/{conference.pk}/pack/").content.decode()
    rows = text.split('<tbody class="govuk-table__body">')[1].split("</tbody>")[0].split("</tr>")
    khan = next(r for r in rows if "DS Khan" in r)
    family = next(r for r in rows if "Ms Holt" in r)
    assert ">3<" in khan and "In time" in khan
    assert ">2<" in family and "Late" in family
    flat = " ".join(text.split())
    assert "scheduled for 30 December 2026 (until it is recorded as held)" in flat
    summary = chair.get(f"/protection/conferences/{conference.pk}/").content.decode()
    assert "<strong>1 late</strong>" in summary
