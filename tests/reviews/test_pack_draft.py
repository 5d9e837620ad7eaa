"""Drafting the rapid review pack from the chronology as it stood at the end of the incident day.

Worked example: the incident was on Monday 2 March 2026. The police, health and children's social
care had recorded lines by the end of that day; the school told masa on 3 March (too late for the
pack, though it was working with the child, so it gets an empty section to fill in); social
care's contact was re-dated in November, after the incident, and the pack shows it as it was.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from masa.core.models import AgencyKind, AuditEvent
from masa.core.services import ServiceError, StaleVersion
from masa.journey.models import EventType, Stage
from masa.journey.services import chronology_follow, chronology_record
from masa.reviews.models import AgencyContribution, ContributionStatus, ReviewStatus
from masa.reviews.services_pack import contribution_confirm, pack_draft, review_child_add

from ..casework_factories import at_noon, make_case, make_chronology_entry
from ..conftest import World
from ..reviews_factories import make_review

pytestmark = pytest.mark.django_db

INCIDENT = dt.date(2026, 3, 2)


def london(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@pytest.fixture
def chronology(world: World):  # type: ignore[no-untyped-def]
    agencies = world.agencies
    make_chronology_entry(
        world.child,
        occurred_on=dt.date(2026, 2, 10),
        recorded_at=at_noon(dt.date(2026, 2, 11)),
        source_agency=agencies[AgencyKind.POLICE],
        summary="Call-out to the home: raised voices",
        significance="high",
        audience="",  # read by the police and social care only, day to day
    )
    make_chronology_entry(
        world.child,
        occurred_on=dt.date(2026, 3, 1),
        recorded_at=london(INCIDENT, 23, 30),  # the last half hour of the incident day
        source_agency=agencies[AgencyKind.HEALTH],
        summary="Health visitor saw a bruise on the cheek",
    )
    make_chronology_entry(
        world.child,
        occurred_on=INCIDENT,
        recorded_at=london(INCIDENT + dt.timedelta(days=1), 9),
        source_agency=agencies[AgencyKind.SCHOOL],
        summary="Told a teacher about the injury",
    )
    sw = world.users["social_worker"]
    case = make_case(world.child, stage=Stage.CONTACT, opened_on=dt.date(2026, 2, 20), actor=sw)
    chronology_record(
        actor=sw,
        child=world.child,
        case=case,
        occurred_on=dt.date(2026, 2, 20),
        event_type=EventType.CONTACT,
        summary="Contact from the health visitor",
        record=case,
        recorded_at=at_noon(dt.date(2026, 2, 20)),
    )
    return case


def correct_contact(case, actor) -> None:  # type: ignore[no-untyped-def]
    chronology_follow(
        case,
        occurred_on=dt.date(2026, 2, 19),
        summary="Contact from the health visitor (re-dated)",
        actor=actor,
    )


def section(review, kind: str, world: World) -> AgencyContribution:  # type: ignore[no-untyped-def]
    return AgencyContribution.objects.get(review=review, agency=world.agencies[kind])


def test_the_pack_holds_each_agencys_lines_as_known_at_the_end_of_the_incident_day(
    world: World, chronology
) -> None:  # type: ignore[no-untyped-def]
    review = make_review(world, incident_date=INCIDENT)
    correct_contact(chronology, world.users["social_worker"])  # in November, after the incident

    result = pack_draft(actor=world.users["business_manager"], review=review, version=1)

    assert sorted(c.agency.kind for c in result.drafted) == [
        AgencyKind.HEALTH,
        AgencyKind.LOCAL_AUTHORITY,
        AgencyKind.POLICE,
        AgencyKind.SCHOOL,
    ]
    police = section(review, AgencyKind.POLICE, world)
    assert police.as_known_on == INCIDENT
    assert police.status == ContributionStatus.DRAFTED
    [line] = police.drafted_lines
    assert line == {
        "entry_id": line["entry_id"],
        "child_id": world.child.pk,
        "child_anonymised_name": "Child K",
        "occurred_on": "2026-02-10",
        "recorded_on": "2026-02-11",
        "event_type": "significant_event",
        "event_type_label": "Significant event",
        "significance": "high",
        "significance_label": "High",
        "summary": "Call-out to the home: raised voices",
        "source_agency_id": world.agencies[AgencyKind.POLICE].pk,
        "source_agency": "Test Police",
        "corrected_since": False,
    }
    health = section(review, AgencyKind.HEALTH, world)
    assert [x["summary"] for x in health.drafted_lines] == [
        "Health visitor saw a bruise on the cheek"
    ]
    [contact] = section(review, AgencyKind.LOCAL_AUTHORITY, world).drafted_lines
    assert (contact["occurred_on"], contact["summary"], contact["event_type_label"]) == (
        "2026-02-20",
        "Contact from the health visitor",
        "Contact",
    )
    assert contact["corrected_since"] is True
    assert section(review, AgencyKind.SCHOOL, world).drafted_lines == []


def test_a_correction_after_drafting_does_not_change_the_pack(
    world: World, chronology, client_for
) -> None:  # type: ignore[no-untyped-def]
    review = make_review(world, incident_date=INCIDENT)
    pack_draft(actor=world.users["business_manager"], review=review, version=1)
    la = section(review, AgencyKind.LOCAL_AUTHORITY, world)
    drafted = list(la.drafted_lines)

    correct_contact(chronology, world.users["social_worker"])

    la.refresh_from_db()
    assert la.drafted_lines == drafted
    text = client_for("team_manager").get(f"/reviews/{review.pk}/pack/{la.pk}/").content.decode()
    assert "Contact from the health visitor" in text
    assert "re-dated" not in text
    assert "20 February 2026" in text


def test_the_pack_reads_every_agencys_lines_whatever_the_drafter_may_read_day_to_day(
    world: World, chronology
) -> None:  # type: ignore[no-untyped-def]
    from masa.journey.chronology import chronology_for

    bm = world.users["business_manager"]
    # The business unit's own view of the chronology holds none of these lines...
    assert chronology_for(bm, world.child, as_known_on=INCIDENT) == []
    review = make_review(world, incident_date=INCIDENT)

    pack_draft(actor=bm, review=review, version=1)

    # ...but the review group shares information under s16H: the pack holds them all.
    police = section(review, AgencyKind.POLICE, world)
    assert [x["summary"] for x in police.drafted_lines] == ["Call-out to the home: raised voices"]
    audit = AuditEvent.objects.get(object_type="rapid_review_pack", action="create")
    assert audit.child_id == world.child.pk
    assert "s16H" in audit.reason
    assert audit.after["lines"] == 3


def test_a_linked_siblings_lines_appear_under_their_anonymised_name(
    world: World, chronology
) -> None:  # type: ignore[no-untyped-def]
    bm = world.users["business_manager"]
    review = make_review(world, incident_date=INCIDENT)
    make_chronology_entry(
        world.la_only_child,
        occurred_on=dt.date(2026, 1, 5),
        source_agency=world.agencies[AgencyKind.LOCAL_AUTHORITY],
        summary="Older brother's assessment closed",
    )
    pack_draft(actor=bm, review=review, version=1)
    review_child_add(
        actor=bm, review=review, child_id=world.la_only_child.pk, anonymised_name="Sibling 1"
    )
    review.refresh_from_db()

    result = pack_draft(actor=bm, review=review, version=review.version)

    assert len(result.drafted) == 4
    lines = section(review, AgencyKind.LOCAL_AUTHORITY, world).drafted_lines
    assert [(x["child_anonymised_name"], x["occurred_on"]) for x in lines] == [
        ("Sibling 1", "2026-01-05"),
        ("Child K", "2026-02-20"),
    ]
    assert lines[0]["child_id"] == world.la_only_child.pk


def test_drafting_again_keeps_confirmed_sections_and_refuses_to_redraft_one(
    world: World, chronology
) -> None:  # type: ignore[no-untyped-def]
    bm = world.users["business_manager"]
    review = make_review(world, incident_date=INCIDENT)
    pack_draft(actor=bm, review=review, version=1)
    police = section(review, AgencyKind.POLICE, world)
    contribution_confirm(
        actor=bm,
        contribution=police,
        involvement_summary="Two call-outs; no crime recorded",
        version=police.version,
    )
    AgencyContribution.objects.filter(pk=police.pk).update(
        confirmed_at=london(dt.date(2026, 3, 9), 15)
    )
    review.refresh_from_db()

    result = pack_draft(actor=bm, review=review, version=review.version)

    assert [c.agency.kind for c in result.kept] == [AgencyKind.POLICE]
    assert len(result.drafted) == 3
    police.refresh_from_db()
    assert police.status == ContributionStatus.CONFIRMED
    assert police.involvement_summary == "Two call-outs; no crime recorded"
    review.refresh_from_db()
    with pytest.raises(ServiceError) as refused:
        pack_draft(actor=bm, review=review, version=review.version, agency_id=police.agency_id)
    assert refused.value.message == (
        "Test Police confirmed its section on 9 March 2026: a confirmed section cannot be "
        "re-drafted"
    )


def test_two_people_drafting_at_once_the_second_is_refused(world: World, chronology) -> None:  # type: ignore[no-untyped-def]
    review = make_review(world, incident_date=INCIDENT)
    pack_draft(actor=world.users["business_manager"], review=review, version=1)

    with pytest.raises(StaleVersion):
        pack_draft(actor=world.users["business_manager"], review=review, version=1)
    assert AgencyContribution.objects.filter(review=review).count() == 4


def test_drafting_is_refused_outside_the_group_with_nothing_to_draft_and_once_sent(
    world: World,
) -> None:
    bm = world.users["business_manager"]
    outside = make_review(world, anonymised_name="Child A", members={})
    with pytest.raises(ServiceError, match="Only members of the review group can draft"):
        pack_draft(actor=bm, review=outside, version=None)

    # Jay is known to social care only and nothing is in his chronology.
    empty = make_review(world, anonymised_name="Child B", child=world.la_only_child)
    with pytest.raises(ServiceError, match="there is nothing to draft"):
        pack_draft(actor=bm, review=empty, version=None)

    sent = make_review(
        world,
        anonymised_name="Child C",
        status=ReviewStatus.RAPID_REVIEW_SENT,
        rapid_review_sent_on=dt.date(2026, 3, 20),
    )
    with pytest.raises(ServiceError) as refused:
        pack_draft(actor=bm, review=sent, version=None)
    assert refused.value.message.startswith(
        "The rapid review was sent to the Panel on 20 March 2026"
    )
    assert not AgencyContribution.objects.exists()


def test_the_business_manager_drafts_from_the_pack_page(
    world: World, chronology, client_for
) -> None:  # type: ignore[no-untyped-def]
    review = make_review(world, incident_date=INCIDENT)
    bm = client_for("business_manager")
    before = bm.get(f"/reviews/{review.pk}/pack/").content.decode()
    assert "The pack has not been drafted yet" in before
    assert bm.get(f"/reviews/{review.pk}/pack/draft/").status_code == 405

    response = bm.post(f"/reviews/{review.pk}/pack/draft/", {"version": "1"})

    assert response.status_code == 302
    text = bm.get(f"/reviews/{review.pk}/pack/").content.decode()
    assert "Drafted 4 sections from the chronology as known on 2 March 2026" in text
    assert text.count('<li class="govuk-task-list__item') == 4
    assert text.count("Drafted from the chronology") == 4
    assert "4 of 4 agencies have not confirmed their section yet" in text
    assert "1 line from the chronology" in text
    assert "No lines in the chronology" in text  # the school's section
    again = bm.post(f"/reviews/{review.pk}/pack/draft/", {"version": "1"})
    assert again.status_code == 302
    assert (
        "Someone else changed this record" in bm.get(f"/reviews/{review.pk}/pack/").content.decode()
    )
    assert (
        client_for("team_manager")
        .post(f"/reviews/{review.pk}/pack/draft/", {"version": "2"})
        .status_code
        == 403
    )
