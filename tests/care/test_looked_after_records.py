"""Reviews, health and education, yearly outcomes, adoption, permanence, UASC, social workers and
the register of carers: what is saved and every refusal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from masa.care.models import (
    AnnualOutcomes,
    CareProfile,
    Carer,
    CareReview,
    HealthAndEducationEvent,
    HealthEventKind,
    SocialWorkerEpisode,
)
from masa.care.services_looked_after import (
    adoption_decision_record,
    adoption_match_record,
    annual_outcomes_record,
    care_review_record,
    carer_create,
    health_event_record,
    previous_permanence_record,
    social_worker_change,
    uasc_set,
)
from masa.core.models import AuditEvent
from masa.core.services import ServiceError
from masa.journey.models import ChronologyEntry
from tests.conftest import World
from tests.journey.factories import TODAY, today

from .factories import make_episode

__all__ = ["today"]

pytestmark = pytest.mark.django_db

STARTED = dt.date(2026, 4, 2)


@pytest.fixture
def looked_after(world: World, today: dt.date) -> World:
    """Kira Holt (born 1 June 2015) looked after since 2 April 2026."""
    make_episode(world.child, started_on=STARTED)
    return world


def refusal(call, **kwargs) -> ServiceError:  # type: ignore[no-untyped-def]
    with pytest.raises(ServiceError) as refused, transaction.atomic():
        call(**kwargs)
    return refused.value


# ---------------------------------------------------------------- reviews


def test_an_iro_records_a_review_with_how_the_child_took_part(looked_after: World) -> None:
    iro = looked_after.users["independent_reviewing_officer"]
    review = care_review_record(
        actor=iro,
        child=looked_after.child,
        held_on=dt.date(2026, 4, 30),
        participation="PN1",
        notes="Plan agreed",
    )
    assert (review.chaired_by, review.participation) == (iro, "PN1")
    line = ChronologyEntry.objects.get(record_type="care.carereview", record_id=review.pk)
    assert line.summary.startswith("Looked-after child's review held, chaired by")
    assert AuditEvent.objects.filter(object_type="care_review").count() == 1


def test_only_an_iro_records_a_review(looked_after: World) -> None:
    error = refusal(
        care_review_record,
        actor=looked_after.users["social_worker"],
        child=looked_after.child,
        held_on=dt.date(2026, 4, 30),
        participation="PN1",
    )
    assert error.message == "Only an independent reviewing officer can record a review"


def test_a_review_before_care_began_or_in_the_future_is_refused(looked_after: World) -> None:
    iro = looked_after.users["independent_reviewing_officer"]

    def review(on: dt.date) -> ServiceError:
        return refusal(
            care_review_record, actor=iro, child=looked_after.child, held_on=on, participation="PN1"
        )

    error = review(dt.date(2026, 3, 30))
    assert error.field == "held_on"
    assert error.message == (
        "A review can only be held while the child is looked after: the date of the review is "
        "before the child's care began (2 April 2026)"
    )
    assert review(TODAY + dt.timedelta(days=1)).message == (
        "The date of the review must be today or in the past"
    )
    assert not CareReview.objects.exists()


def test_a_review_between_periods_of_care_or_twice_on_one_day_is_refused(
    world: World, today: dt.date
) -> None:
    make_episode(
        world.child,
        started_on=dt.date(2025, 1, 6),
        ended_on=dt.date(2025, 3, 1),
        reason_ceased="E4A",
    )
    make_episode(world.child, started_on=STARTED)
    iro = world.users["independent_reviewing_officer"]
    error = refusal(
        care_review_record,
        actor=iro,
        child=world.child,
        held_on=dt.date(2025, 6, 1),
        participation="PN1",
    )
    assert "the child was not looked after on 1 June 2025" in error.message
    care_review_record(
        actor=iro, child=world.child, held_on=dt.date(2026, 4, 30), participation="PN1"
    )
    error = refusal(
        care_review_record,
        actor=iro,
        child=world.child,
        held_on=dt.date(2026, 4, 30),
        participation="PN5",
    )
    assert error.message == "A review on 30 April 2026 is already recorded for Kira Holt"


def test_pn0_is_for_children_under_4_and_only_them(world: World, today: dt.date) -> None:
    iro = world.users["independent_reviewing_officer"]
    make_episode(world.child, started_on=STARTED)
    error = refusal(
        care_review_record,
        actor=iro,
        child=world.child,
        held_on=dt.date(2026, 4, 30),
        participation="PN0",
    )
    assert error.message == (
        "PN0 is for a child under 4, and Kira was 10 at the review: select how they took part"
    )
    world.la_only_child.date_of_birth = dt.date(2024, 1, 1)
    world.la_only_child.save()
    make_episode(world.la_only_child, started_on=STARTED)
    error = refusal(
        care_review_record,
        actor=iro,
        child=world.la_only_child,
        held_on=dt.date(2026, 4, 30),
        participation="PN1",
    )
    assert error.message == "Jay was under 4 at the review: select PN0"
    assert error.field == "participation"


# ---------------------------------------------------------------- health and education


def test_health_assessments_and_education_plans_are_recorded_and_shared_by_kind(
    looked_after: World,
) -> None:
    worker = looked_after.users["social_worker"]
    iha = health_event_record(
        actor=worker,
        child=looked_after.child,
        kind=HealthEventKind.INITIAL_HEALTH_ASSESSMENT,
        done_on=dt.date(2026, 4, 20),
    )
    pep = health_event_record(
        actor=worker,
        child=looked_after.child,
        kind=HealthEventKind.PERSONAL_EDUCATION_PLAN,
        done_on=dt.date(2026, 4, 16),
    )
    lines = {
        e.record_id: e
        for e in ChronologyEntry.objects.filter(record_type="care.healthandeducationevent")
    }
    assert lines[iha.pk].audience == "|health|"
    assert lines[pep.pk].audience == "|school|"
    assert lines[iha.pk].summary == "Initial health assessment (looked-after child)"


def test_health_events_before_care_or_for_a_child_never_looked_after_are_refused(
    looked_after: World,
) -> None:
    worker = looked_after.users["social_worker"]
    error = refusal(
        health_event_record,
        actor=worker,
        child=looked_after.child,
        kind=HealthEventKind.DENTAL_CHECK,
        done_on=dt.date(2026, 3, 1),
    )
    assert error.message == (
        "The date it was done must be on or after the child first became looked after "
        "(2 April 2026)"
    )
    error = refusal(
        health_event_record,
        actor=worker,
        child=looked_after.la_only_child,
        kind=HealthEventKind.DENTAL_CHECK,
        done_on=dt.date(2026, 5, 1),
    )
    assert error.message.startswith("Jay Moss has not been looked after")
    assert refusal(health_event_record, actor=worker, child=looked_after.child, kind="x-ray",
                   done_on=dt.date(2026, 5, 1)).field == "kind"  # fmt: skip
    assert not HealthAndEducationEvent.objects.exists()


# ---------------------------------------------------------------- outcomes (OC2)


def test_outcomes_are_for_children_looked_after_for_twelve_months_at_31_march(
    world: World, today: dt.date
) -> None:
    worker = world.users["social_worker"]
    make_episode(world.child, started_on=dt.date(2025, 3, 1))
    error = refusal(
        annual_outcomes_record,
        actor=worker,
        child=world.child,
        year_ending=2025,
        sdq_score=None,
        sdq_reason="",
        answers={},
    )
    assert error.message.startswith(
        "Kira Holt was not looked after continuously for 12 months at 31 March 2025"
    )
    saved = annual_outcomes_record(
        actor=worker,
        child=world.child,
        year_ending=2026,
        sdq_score=14,
        sdq_reason="",
        answers={"teeth_check": True, "convicted": False},
    )
    assert (saved.sdq_score, saved.teeth_check, saved.convicted, saved.immunisations) == (
        14,
        True,
        False,
        None,
    )
    # Recording the year again replaces its answers.
    annual_outcomes_record(
        actor=worker,
        child=world.child,
        year_ending=2026,
        sdq_score=None,
        sdq_reason="SDQ2",
        answers={},
    )
    assert AnnualOutcomes.objects.get().sdq_reason == "SDQ2"
    error = refusal(
        annual_outcomes_record,
        actor=worker,
        child=world.child,
        year_ending=2026,
        sdq_score=12,
        sdq_reason="SDQ2",
        answers={},
    )
    assert error.field == "sdq_reason"


# ---------------------------------------------------------------- adoption and permanence


def test_adoption_decisions_and_matches_are_checked(looked_after: World) -> None:
    worker = looked_after.users["social_worker"]
    child = looked_after.child
    decision = adoption_decision_record(actor=worker, child=child, decided_on=dt.date(2026, 6, 1))
    assert decision.ceased_on is None
    error = refusal(
        adoption_decision_record, actor=worker, child=child, decided_on=dt.date(2026, 7, 1)
    )
    assert "already has a decision to place for adoption" in error.message
    error = refusal(
        adoption_decision_record,
        actor=worker,
        child=looked_after.la_only_child,
        decided_on=dt.date(2026, 7, 1),
    )
    assert "Jay Moss was not looked after on 1 July 2026" in error.message

    match = adoption_match_record(
        actor=worker,
        child=child,
        best_interests_on=dt.date(2026, 6, 1),
        matched_on=dt.date(2026, 9, 1),
        foster_carer_adoption=False,
        number_of_adopters=2,
        adopters_sex="MF",
        adopters_legal_status="L11",
    )
    assert match.pk
    error = refusal(
        adoption_match_record,
        actor=worker,
        child=child,
        best_interests_on=dt.date(2026, 6, 1),
        matched_on=dt.date(2026, 9, 1),
        foster_carer_adoption=False,
        number_of_adopters=2,
        adopters_sex="F1",
        adopters_legal_status="L0",
    )
    assert (
        error.message == "F1: Single female adopter means 1 adopter: correct the number of adopters"
    )
    error = refusal(
        adoption_match_record,
        actor=worker,
        child=child,
        best_interests_on=dt.date(2026, 9, 2),
        matched_on=dt.date(2026, 9, 1),
        foster_carer_adoption=False,
        number_of_adopters=2,
        adopters_sex="MF",
        adopters_legal_status="L11",
    )
    assert error.field == "matched_on"


def test_previous_permanence_takes_a_full_or_partly_known_date(looked_after: World) -> None:
    worker = looked_after.users["social_worker"]
    child = looked_after.child
    sgo = previous_permanence_record(
        actor=worker, child=child, kind="P2", la="359", made_on=dt.date(2019, 5, 1)
    )
    assert (sgo.made_on_text, sgo.la) == ("01/05/2019", "359")
    partial = previous_permanence_record(
        actor=worker, child=child, kind="P1", made_on_text="zz/10/2018"
    )
    assert partial.made_on is None and partial.made_on_text == "zz/10/2018"
    assert refusal(previous_permanence_record, actor=worker, child=child, kind="P1",
                   made_on_text="October 2018").field == "made_on_text"  # fmt: skip
    assert refusal(previous_permanence_record, actor=worker, child=child, kind="Z1",
                   la="359").field == "kind"  # fmt: skip
    assert refusal(
        previous_permanence_record,
        actor=worker,
        child=child,
        kind="P2",
        made_on=dt.date(2026, 5, 1),
    ).message.startswith("The order must be before the child's care began")


def test_uasc_status_is_versioned(looked_after: World) -> None:
    worker = looked_after.users["social_worker"]
    profile = uasc_set(
        actor=worker, child=looked_after.child, uasc=True, ceased_on=None, version=None
    )
    assert profile.uasc and profile.version == 2
    updated = uasc_set(
        actor=worker, child=looked_after.child, uasc=True, ceased_on=dt.date(2026, 6, 1), version=2
    )
    assert updated.uasc_ceased_on == dt.date(2026, 6, 1)
    with pytest.raises(ServiceError, match="Someone else changed this record"):
        uasc_set(actor=worker, child=looked_after.child, uasc=False, ceased_on=None, version=2)
    assert refusal(uasc_set, actor=worker, child=looked_after.child, uasc=False,
                   ceased_on=dt.date(2026, 6, 1), version=None).field == "ceased_on"  # fmt: skip
    assert CareProfile.objects.get().uasc is True


# ---------------------------------------------------------------- social workers and carers


def test_a_change_of_social_worker_ends_one_episode_and_starts_the_next(
    looked_after: World,
) -> None:
    first, manager = looked_after.users["social_worker"], looked_after.users["team_manager"]
    social_worker_change(
        actor=manager, child=looked_after.child, worker=first, changed_on=STARTED, reason_changed=""
    )
    social_worker_change(
        actor=manager,
        child=looked_after.child,
        worker=manager,
        changed_on=dt.date(2026, 7, 1),
        reason_changed="LEFTRL",
    )
    spells = list(SocialWorkerEpisode.objects.order_by("started_on"))
    assert [(s.worker, s.started_on, s.ended_on, s.reason_changed) for s in spells] == [
        (first, STARTED, dt.date(2026, 7, 1), "LEFTRL"),
        (manager, dt.date(2026, 7, 1), None, ""),
    ]
    error = refusal(
        social_worker_change,
        actor=manager,
        child=looked_after.child,
        worker=first,
        changed_on=dt.date(2026, 8, 1),
        reason_changed="",
    )
    assert (error.field, error.message) == (
        "reason_changed",
        "Select reason the social worker changed",
    )


def test_carers_are_added_to_the_partnerships_register_once(world: World) -> None:
    manager = world.users["team_manager"]
    carer = carer_create(
        actor=manager,
        name="Oak House",
        kind="childrens_home",
        provider_code="PR4",
        urn="sc123456",
        postcode="nb1 2ab",
    )
    assert (carer.partnership, carer.urn, carer.postcode) == (
        world.partnership,
        "SC123456",
        "NB1 2AB",
    )
    error = refusal(
        carer_create,
        actor=manager,
        name="oak house",
        kind="childrens_home",
        provider_code="PR4",
        postcode="NB1 2AB",
    )
    assert error.message == "oak house at NB1 2AB is already on the register"
    assert refusal(carer_create, actor=manager, name="X", kind="childrens_home",
                   provider_code="PR9").field == "provider_code"  # fmt: skip
    assert Carer.objects.count() == 1
