"""Review findings on meeting packs: each section only for agencies that may read that kind of
record, and a second writer at the same agency cannot silently replace the agency's report."""

from __future__ import annotations

import datetime as dt

import pytest

from masa.core.models import AgencyKind, User
from masa.protection.models import AgencyReport, Assessment

from ..casework_factories import agency_of_kind, make_conference_for, make_cp_plan, make_icpc_case
from ..conftest import World, signed_in_client
from ..factories import InvolvementFactory, UserFactory

pytestmark = pytest.mark.django_db

HELD = dt.date(2024, 4, 2)
STALE = "Someone else changed this record while you were working on it"


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
    return make_conference_for([case], held_on=HELD, actor=sw)


def agency_user(world: World, kind: AgencyKind, username: str) -> User:
    """A practitioner at an agency involved with Kira (a role that views child records)."""
    agency = agency_of_kind(world.child, kind)
    InvolvementFactory(child=world.child, agency=agency)
    return UserFactory(username=username, role="health_safeguarding_practitioner", agency=agency)


@pytest.mark.parametrize("kind", [AgencyKind.VOLUNTARY, AgencyKind.PROBATION])
def test_an_agency_not_sharing_assessments_does_not_read_the_assessment_in_the_pack(
    world: World, conference, kind: AgencyKind
) -> None:  # type: ignore[no-untyped-def]
    client = signed_in_client(agency_user(world, kind, f"{kind}.worker"))
    for url in (
        f"/protection/conferences/{conference.pk}/pack/",
        f"/protection/conferences/{conference.pk}/pack/print/",
    ):
        response = client.get(url)
        assert response.status_code == 200
        text = " ".join(response.content.decode().split())
        assert "Home conditions poor" not in text
        assert "Latest assessment" in text and "Not shared with your agency" in text


def test_the_plan_in_the_pack_follows_the_same_table(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    sw = world.users["social_worker"]
    case = make_icpc_case(world.child, strategy_on=dt.date(2024, 3, 18), actor=sw)
    plan = make_cp_plan(case, icpc_on=HELD, actor=sw)
    plan.contingency_plan = "Legal planning meeting if Kira goes hungry again"
    plan.save()
    police = client_for("police_officer").get(f"/protection/conferences/{plan.conference_id}/pack/")
    assert "Legal planning meeting if Kira goes hungry again" in police.content.decode()
    voluntary = signed_in_client(agency_user(world, AgencyKind.VOLUNTARY, "family.worker"))
    text = voluntary.get(f"/protection/conferences/{plan.conference_id}/pack/").content.decode()
    assert "Legal planning meeting if Kira goes hungry again" in text  # plans reach all partners
    assert "Not shared with your agency" in text  # the assessment does not


def test_the_police_still_read_the_assessment_summary(world: World, conference, client_for) -> None:  # type: ignore[no-untyped-def]
    text = client_for("police_officer").get(f"/protection/conferences/{conference.pk}/pack/")
    assert "Home conditions poor" in text.content.decode()


def test_a_second_writer_at_the_same_agency_is_refused_not_overwritten(
    world: World, conference, client_for
) -> None:  # type: ignore[no-untyped-def]
    url = f"/protection/conferences/{conference.pk}/pack/report/"
    first = client_for("police_officer")
    colleague = signed_in_client(
        UserFactory(
            username="police.colleague",
            role="police_officer",
            agency=agency_of_kind(world.child, AgencyKind.POLICE),
        )
    )
    # Both open the empty form (version 0); the first saves.
    assert 'name="version" value="0"' in first.get(url).content.decode()
    assert first.post(url, {"report": "Two call-outs", "version": "0"}).status_code == 302
    late = colleague.post(url, {"report": "One call-out", "version": "0"})
    assert late.status_code == 200 and STALE in late.content.decode()
    assert AgencyReport.objects.get().report == "Two call-outs"

    # Both open the saved report (version 1); the colleague saves first this time.
    assert 'name="version" value="1"' in colleague.get(url).content.decode()
    assert colleague.post(url, {"report": "Three call-outs", "version": "1"}).status_code == 302
    stale = first.post(url, {"report": "Two call-outs and an arrest", "version": "1"})
    assert STALE in stale.content.decode()
    report = AgencyReport.objects.get()
    assert (report.report, report.author.username, report.version) == (
        "Three call-outs",
        "police.colleague",
        2,
    )
