"""Placing a child, changes of placement and legal status, care ceasing and corrections: what is
saved, the case's stage, the chronology and audit, and every refusal."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.db import transaction

from masa.care import checks
from masa.care.checks import CareFinding
from masa.care.models import Episode, SocialWorkerEpisode
from masa.care.services_looked_after import (
    EpisodeCorrection,
    NextStep,
    Placement,
    care_ceased,
    episode_correct,
    legal_status_changed,
    placement_changed,
)
from masa.core.models import AuditEvent
from masa.core.services import ServiceError, StaleVersion
from masa.frontdoor.models import Referral
from masa.journey.models import Case, CaseTransition, ChronologyEntry, Stage
from masa.protection.models import CINPlan
from tests.casework_factories import make_case, make_referral
from tests.conftest import World
from tests.journey.factories import TODAY, today

from .factories import make_carer, make_episode, place

__all__ = ["today"]

pytestmark = pytest.mark.django_db

OPENED = dt.date(2026, 9, 1)
PLACED = dt.date(2026, 9, 10)


@pytest.fixture
def assessed(world: World, today: dt.date) -> Case:
    """Kira Holt's case, at assessment since 1 September 2026."""
    return make_case(
        world.child, stage=Stage.ASSESSMENT, opened_on=OPENED, actor=world.users["social_worker"]
    )


@pytest.fixture
def placed(world: World, assessed: Case) -> Episode:
    carer = make_carer(world.partnership, postcode="NB3 3CC", urn="SC123456")
    return place(
        world.child,
        world.users["social_worker"],
        started_on=PLACED,
        carer=carer,
        placement_provider="",
        placement_postcode="",
    )


def refusal(call, *args, **kwargs) -> ServiceError:  # type: ignore[no-untyped-def]
    with pytest.raises(ServiceError) as refused, transaction.atomic():
        call(*args, **kwargs)
    return refused.value


# ---------------------------------------------------------------- placing a child


def test_placing_a_child_starts_a_period_of_care_and_moves_the_case(
    world: World, assessed: Case, placed: Episode
) -> None:
    assert (placed.reason_new_episode, placed.legal_status, placed.ended_on) == ("S", "C1", None)
    # The register filled in what the worker left empty.
    assert (placed.placement_provider, placed.placement_postcode, placed.urn) == (
        "PR1",
        "NB3 3CC",
        "SC123456",
    )
    assessed.refresh_from_db()
    assert assessed.stage == Stage.LOOKED_AFTER and placed.case_id == assessed.pk
    move = CaseTransition.objects.filter(case=assessed).latest("id")
    assert (move.from_stage, move.to_stage, move.effective_on) == (
        Stage.ASSESSMENT,
        Stage.LOOKED_AFTER,
        PLACED,
    )
    line = ChronologyEntry.objects.get(record_type="care.episode", record_id=placed.pk)
    assert line.summary == "Became looked after by the local authority"
    assert "|police|" in line.audience and "NB3" not in line.summary
    assert AuditEvent.objects.filter(object_type="care_episode", object_id=str(placed.pk)).exists()
    spell = SocialWorkerEpisode.objects.get(child=world.child)
    assert (spell.worker, spell.started_on) == (world.users["social_worker"], PLACED)


def test_a_child_with_no_open_case_has_one_opened_at_looked_after(
    world: World, today: dt.date
) -> None:
    episode = place(world.la_only_child, world.users["social_worker"], started_on=PLACED)
    case = Case.objects.get(child=world.la_only_child)
    assert (case.stage, case.opened_on, episode.case_id) == (Stage.LOOKED_AFTER, PLACED, case.pk)


def test_a_child_cannot_be_placed_from_a_stage_the_table_does_not_allow(
    world: World, today: dt.date
) -> None:
    worker = world.users["social_worker"]
    make_case(world.child, stage=Stage.CONTACT, opened_on=OPENED, actor=worker)
    error = refusal(place, world.child, worker, started_on=PLACED)
    assert "cannot move to 'Looked after'" in error.message
    assert not Episode.objects.exists()


def test_a_child_already_looked_after_cannot_be_placed_again(world: World, placed: Episode) -> None:
    error = refusal(place, world.child, world.users["social_worker"], started_on=TODAY)
    assert error.message.startswith("Kira Holt is already looked after")
    assert Episode.objects.count() == 1


def test_placing_in_the_future_or_with_another_years_code_is_refused(
    world: World, assessed: Case
) -> None:
    worker = world.users["social_worker"]
    error = refusal(place, world.child, worker, started_on=TODAY + dt.timedelta(days=1))
    assert (error.field, error.message) == (
        "started_on",
        "The date the child became looked after must be today or in the past",
    )
    # H5 (semi-independent living) left the list in 2024/25.
    error = refusal(place, world.child, worker, started_on=PLACED, placement_type="H5")
    assert error.field == "placement_type"
    assert "'H5' is not a placement type code the DfE accepts in 2026/27" in error.message
    error = refusal(place, world.child, worker, started_on=PLACED, legal_status="")
    assert (error.field, error.message) == ("legal_status", "Select legal status")
    assert not Episode.objects.exists()


def test_a_new_period_of_care_cannot_overlap_the_last(world: World, today: dt.date) -> None:
    worker = world.users["social_worker"]
    make_episode(
        world.child,
        started_on=dt.date(2026, 1, 5),
        ended_on=dt.date(2026, 6, 1),
        reason_ceased="E4A",
    )
    make_case(world.child, stage=Stage.ASSESSMENT, opened_on=OPENED, actor=worker)
    error = refusal(place, world.child, worker, started_on=dt.date(2026, 5, 1))
    assert error.field == "started_on"
    assert (
        error.message
        == "A new period of care must start after the previous one ended (1 June 2026)"
    )
    assert place(world.child, worker, started_on=dt.date(2026, 9, 2)).reason_new_episode == "S"


# ---------------------------------------------------------------- changes


def test_a_move_ends_the_episode_that_day_and_starts_the_next(
    world: World, placed: Episode
) -> None:
    home = make_carer(
        world.partnership, name="Oak House", kind="childrens_home", provider_code="PR4"
    )
    moved_on = dt.date(2026, 10, 12)
    nxt = placement_changed(
        actor=world.users["social_worker"],
        episode=placed,
        version=placed.version,
        changed_on=moved_on,
        placement=Placement("K2", carer=home),
        reason_place_change="CREQB",
    )
    placed.refresh_from_db()
    assert (placed.ended_on, placed.reason_ceased, placed.reason_place_change) == (
        moved_on,
        "X1",
        "CREQB",
    )
    assert (nxt.started_on, nxt.reason_new_episode, nxt.legal_status) == (moved_on, "P", "C1")
    assert (nxt.placement_type, nxt.placement_provider, nxt.carer) == ("K2", "PR4", home)
    assert nxt.case_id == placed.case_id and nxt.home_postcode == placed.home_postcode


def test_the_reason_for_a_new_episode_follows_what_changed(world: World, placed: Episode) -> None:
    worker = world.users["social_worker"]
    carer = placed.carer
    # Same carer, new address: T.
    t = placement_changed(
        actor=worker,
        episode=placed,
        version=None,
        changed_on=dt.date(2026, 10, 1),
        placement=Placement("U4", "PR1", carer, "NB7 7GG"),
        reason_place_change="PLACE",
    )
    assert t.reason_new_episode == "T"
    # New legal status on the same day as a move, same carer: B.
    b = placement_changed(
        actor=worker,
        episode=t,
        version=None,
        changed_on=dt.date(2026, 10, 8),
        placement=Placement("U5", "PR1", carer, "NB7 7GG"),
        reason_place_change="CARPL",
        legal_status="C2",
    )
    assert (b.reason_new_episode, b.legal_status) == ("B", "C2")
    # New carer and new legal status: U.
    other = make_carer(world.partnership, name="Lee Grant")
    u = placement_changed(
        actor=worker,
        episode=b,
        version=None,
        changed_on=dt.date(2026, 10, 15),
        placement=Placement("U6", "PR1", other),
        reason_place_change="CARPL",
        legal_status="E1",
    )
    assert u.reason_new_episode == "U"
    # Legal status only: L.
    lsc = legal_status_changed(
        actor=worker, episode=u, version=None, changed_on=dt.date(2026, 11, 2), legal_status="C2"
    )
    assert (lsc.reason_new_episode, lsc.placement_type, lsc.carer) == ("L", "U6", other)
    assert list(Episode.objects.values_list("reason_new_episode", flat=True)) == [
        "S", "T", "B", "U", "L",
    ]  # fmt: skip
    # Each new episode starts the day the one before ended: no gaps, no overlaps.
    episodes = list(Episode.objects.order_by("started_on"))
    assert all(a.ended_on == b.started_on for a, b in itertools.pairwise(episodes))


def test_a_change_before_the_current_episode_began_is_refused(
    world: World, placed: Episode
) -> None:
    error = refusal(
        placement_changed,
        actor=world.users["social_worker"],
        episode=placed,
        version=placed.version,
        changed_on=PLACED,
        placement=Placement("K2", "PR4"),
        reason_place_change="CARPL",
    )
    assert error.field == "changed_on"
    assert error.message.startswith(
        "The date of the move must be after the current episode began (10 September 2026)"
    )
    error = refusal(
        legal_status_changed,
        actor=world.users["social_worker"],
        episode=placed,
        version=None,
        changed_on=dt.date(2026, 9, 1),
        legal_status="C2",
    )
    assert error.field == "changed_on"
    assert Episode.objects.count() == 1 and Episode.objects.get().ended_on is None


def test_a_move_needs_its_reason_except_into_a_temporary_placement(
    world: World, placed: Episode
) -> None:
    worker = world.users["social_worker"]
    error = refusal(
        placement_changed,
        actor=worker,
        episode=placed,
        version=None,
        changed_on=dt.date(2026, 10, 1),
        placement=Placement("K2", "PR4"),
        reason_place_change="",
    )
    assert (error.field, error.message) == (
        "reason_place_change",
        "Select reason for the placement change",
    )
    error = refusal(
        placement_changed,
        actor=worker,
        episode=placed,
        version=None,
        changed_on=dt.date(2026, 10, 1),
        placement=Placement("T1"),
        reason_place_change="CARPL",
    )
    assert error.field == "reason_place_change"
    hospital = placement_changed(
        actor=worker,
        episode=placed,
        version=None,
        changed_on=dt.date(2026, 10, 1),
        placement=Placement("T1"),
        reason_place_change="",
    )
    assert hospital.placement_type == "T1" and hospital.placement_provider == ""


def test_a_move_to_the_same_placement_or_the_same_legal_status_is_refused(
    world: World, placed: Episode
) -> None:
    worker = world.users["social_worker"]
    same = Placement(
        placed.placement_type,
        placed.placement_provider,
        placed.carer,
        placed.placement_postcode,
        placed.urn,
    )
    error = refusal(
        placement_changed,
        actor=worker,
        episode=placed,
        version=None,
        changed_on=dt.date(2026, 10, 1),
        placement=same,
        reason_place_change="CARPL",
    )
    assert error.message.startswith("The placement is the same as the current one")
    error = refusal(
        legal_status_changed,
        actor=worker,
        episode=placed,
        version=None,
        changed_on=dt.date(2026, 10, 1),
        legal_status="C1",
    )
    assert error.message == "The child's legal status is already C1: Interim care order"


def test_a_change_to_an_episode_that_has_ended_is_refused(world: World, placed: Episode) -> None:
    worker = world.users["social_worker"]
    legal_status_changed(
        actor=worker,
        episode=placed,
        version=placed.version,
        changed_on=dt.date(2026, 10, 1),
        legal_status="C2",
    )
    stale = Episode.objects.get(pk=placed.pk)
    error = refusal(
        legal_status_changed,
        actor=worker,
        episode=stale,
        version=None,
        changed_on=dt.date(2026, 10, 5),
        legal_status="E1",
    )
    assert error.message.startswith("This episode ended on 1 October 2026 when the next one began")


def test_a_change_from_an_out_of_date_page_is_refused(world: World, placed: Episode) -> None:
    seen = placed.version
    Episode.objects.filter(pk=placed.pk).update(version=seen + 1)  # someone else saved
    with pytest.raises(StaleVersion), transaction.atomic():
        legal_status_changed(
            actor=world.users["social_worker"],
            episode=placed,
            version=seen,
            changed_on=dt.date(2026, 10, 1),
            legal_status="C2",
        )
    assert Episode.objects.count() == 1


# ---------------------------------------------------------------- care ceasing


def test_care_ceasing_ends_the_period_and_closes_the_case_with_the_census_reason(
    world: World, assessed: Case, placed: Episode
) -> None:
    make_referral(assessed, referral_date=OPENED, actor=world.users["social_worker"])
    ended = care_ceased(
        actor=world.users["social_worker"],
        episode=placed,
        version=placed.version,
        ceased_on=dt.date(2026, 11, 20),
        reason_ceased="E45",
        next_step=NextStep.CLOSE,
    )
    assert (ended.ended_on, ended.reason_ceased) == (dt.date(2026, 11, 20), "E45")
    assessed.refresh_from_db()
    assert (assessed.stage, assessed.closed_on) == (Stage.CLOSED, dt.date(2026, 11, 20))
    assert "E45: Special guardianship order" in assessed.closure_reason
    # A special guardianship order closes the CIN episode with RC4.
    assert Referral.objects.get(case=assessed).closure_reason == "RC4"
    line = ChronologyEntry.objects.get(record_type="care.episode.end", record_id=placed.pk)
    assert line.summary == "Ceased to be looked after by the local authority"
    assert SocialWorkerEpisode.objects.get().ended_on == dt.date(2026, 11, 20)


def test_care_ceasing_can_continue_as_a_child_in_need_plan_or_a_strategy_discussion(
    world: World, assessed: Case, placed: Episode
) -> None:
    care_ceased(
        actor=world.users["social_worker"],
        episode=placed,
        version=None,
        ceased_on=dt.date(2026, 11, 2),
        reason_ceased="E4A",
        next_step=NextStep.CIN_PLAN,
    )
    assessed.refresh_from_db()
    assert assessed.stage == Stage.CIN_PLAN
    assert CINPlan.objects.get(case=assessed).started_on == dt.date(2026, 11, 2)

    worker = world.users["social_worker"]
    jay = make_case(world.la_only_child, stage=Stage.S47, opened_on=OPENED, actor=worker)
    episode = place(world.la_only_child, worker, started_on=PLACED)
    care_ceased(
        actor=worker,
        episode=episode,
        version=None,
        ceased_on=dt.date(2026, 11, 2),
        reason_ceased="E4B",
        next_step=NextStep.STRATEGY,
    )
    jay.refresh_from_db()
    assert jay.stage == Stage.STRATEGY


def test_ceasing_twice_is_refused(world: World, placed: Episode) -> None:
    worker = world.users["social_worker"]
    care_ceased(
        actor=worker,
        episode=placed,
        version=None,
        ceased_on=dt.date(2026, 11, 2),
        reason_ceased="E13",
        next_step=NextStep.CLOSE,
    )
    again = Episode.objects.get(pk=placed.pk)
    error = refusal(
        care_ceased,
        actor=worker,
        episode=again,
        version=None,
        ceased_on=dt.date(2026, 11, 3),
        reason_ceased="E8",
        next_step=NextStep.CLOSE,
    )
    assert error.message.startswith("Care already ceased on 2 November 2026")
    assert Episode.objects.get().reason_ceased == "E13"


def test_care_ceasing_refuses_x1_a_date_before_the_episode_and_the_future(
    world: World, placed: Episode
) -> None:
    worker = world.users["social_worker"]

    def cease(on: dt.date, rec: str) -> ServiceError:
        return refusal(
            care_ceased,
            actor=worker,
            episode=placed,
            version=None,
            ceased_on=on,
            reason_ceased=rec,
            next_step=NextStep.CLOSE,
        )

    assert cease(dt.date(2026, 11, 2), "X1").field == "reason_ceased"
    error = cease(dt.date(2026, 9, 9), "E8")
    assert error.message == (
        "The date care ceased must be on or after the current episode began (10 September 2026)"
    )
    assert cease(TODAY + dt.timedelta(days=1), "E8").field == "ceased_on"
    assert cease(dt.date(2026, 11, 2), "E43").message.startswith("'E43' is not a reason care")
    assert Episode.objects.get().ended_on is None


# ---------------------------------------------------------------- corrections


def _correction(episode: Episode, **changes: object) -> EpisodeCorrection:
    values: dict[str, object] = {
        "started_on": episode.started_on,
        "reason_new_episode": episode.reason_new_episode,
        "legal_status": episode.legal_status,
        "category_of_need": episode.category_of_need,
        "placement": Placement(
            episode.placement_type,
            episode.placement_provider,
            episode.carer,
            episode.placement_postcode,
            episode.urn,
        ),
        "home_postcode": episode.home_postcode,
        "reason_place_change": episode.reason_place_change,
        "ended_on": episode.ended_on,
        "reason_ceased": episode.reason_ceased,
    }
    values.update(changes)
    return EpisodeCorrection(**values)  # type: ignore[arg-type]


def test_correcting_a_start_date_moves_the_episode_before_and_the_chronology(
    world: World, placed: Episode
) -> None:
    worker = world.users["social_worker"]
    nxt = legal_status_changed(
        actor=worker,
        episode=placed,
        version=None,
        changed_on=dt.date(2026, 10, 1),
        legal_status="C2",
    )
    seen = nxt.version
    fixed = episode_correct(
        actor=worker,
        episode=nxt,
        version=seen,
        fix=_correction(nxt, started_on=dt.date(2026, 10, 6)),
        reason="The full care order was made on 6 October",
    )
    placed.refresh_from_db()
    assert (fixed.started_on, fixed.version) == (dt.date(2026, 10, 6), seen + 1)
    assert placed.ended_on == dt.date(2026, 10, 6)  # still no gap
    line = ChronologyEntry.objects.get(record_type="care.episode", record_id=nxt.pk)
    assert line.occurred_on == dt.date(2026, 10, 6)
    event = AuditEvent.objects.filter(object_type="care_episode", object_id=str(nxt.pk)).latest(
        "id"
    )
    assert event.reason == "Correction: The full care order was made on 6 October"
    assert event.before["started_on"] == "2026-10-01"
    assert event.after["started_on"] == "2026-10-06"


def test_a_correction_cannot_overlap_the_episode_before_or_after(
    world: World, placed: Episode
) -> None:
    worker = world.users["social_worker"]
    nxt = legal_status_changed(
        actor=worker,
        episode=placed,
        version=None,
        changed_on=dt.date(2026, 10, 1),
        legal_status="C2",
    )
    error = refusal(
        episode_correct,
        actor=worker,
        episode=nxt,
        version=None,
        fix=_correction(nxt, started_on=PLACED),
        reason="Typo",
    )
    assert error.message == (
        "The date the episode began must be after the previous episode began "
        "(10 September 2026), which ends the day this one begins"
    )
    placed.refresh_from_db()
    error = refusal(
        episode_correct,
        actor=worker,
        episode=placed,
        version=None,
        fix=_correction(placed, started_on=dt.date(2026, 10, 2)),
        reason="Typo",
    )
    assert error.message == (
        "The date the episode began must be before the next episode began (1 October 2026)"
    )
    error = refusal(
        episode_correct,
        actor=worker,
        episode=placed,
        version=None,
        fix=_correction(placed),
        reason=" ",
    )
    assert error.field == "reason"


def test_correcting_when_care_ceased_moves_the_end_of_care_line(
    world: World, placed: Episode
) -> None:
    worker = world.users["social_worker"]
    ended = care_ceased(
        actor=worker,
        episode=placed,
        version=None,
        ceased_on=dt.date(2026, 11, 2),
        reason_ceased="E13",
        next_step=NextStep.CLOSE,
    )
    episode_correct(
        actor=worker,
        episode=ended,
        version=ended.version,
        fix=_correction(ended, ended_on=dt.date(2026, 11, 4), reason_ceased="E4A"),
        reason="Returned home on the 4th, as planned",
    )
    ended.refresh_from_db()
    assert (ended.ended_on, ended.reason_ceased) == (dt.date(2026, 11, 4), "E4A")
    line = ChronologyEntry.objects.get(record_type="care.episode.end", record_id=ended.pk)
    assert line.occurred_on == dt.date(2026, 11, 4)
    error = refusal(
        episode_correct,
        actor=worker,
        episode=ended,
        version=None,
        fix=_correction(ended, ended_on=dt.date(2026, 9, 1)),
        reason="Typo",
    )
    assert error.field == "ended_on"


# ---------------------------------------------------------------- the DfE's rules on entry


def test_a_903_finding_about_the_saved_episode_refuses_the_save(
    world: World, assessed: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    finding = CareFinding(
        "Episodes", 1, ("PL_POST",), "103", "The placement postcode is not a valid postcode."
    )
    monkeypatch.setattr(checks, "findings_for_child", lambda child, today: [finding])
    error = refusal(place, world.child, world.users["social_worker"], started_on=PLACED)
    assert (error.message, error.field) == (
        "The placement postcode is not a valid postcode. (DfE rule 103)",
        "placement_postcode",
    )
    # Nothing was saved: the case is still at assessment.
    assert not Episode.objects.exists()
    assessed.refresh_from_db()
    assert assessed.stage == Stage.ASSESSMENT


def test_a_903_finding_about_another_record_does_not_refuse_the_save(
    world: World, assessed: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = CareFinding("Reviews", 1, ("REVIEW",), "1008", "Review date is not valid.")
    monkeypatch.setattr(checks, "findings_for_child", lambda child, today: [other])
    assert place(world.child, world.users["social_worker"], started_on=PLACED).pk
