"""The table of allowed stage moves: every pair of stages, through case_move, and its ADR."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from pathlib import Path

import pytest
from django.db import transaction

from masa.core.models import AuditAction, AuditEvent
from masa.core.services import ServiceError
from masa.journey.models import Case, CaseTransition, Stage
from masa.journey.services import case_move, case_open
from masa.journey.transitions import ALLOWED_MOVES, is_allowed, refusal_reason
from tests.casework_factories import make_case
from tests.conftest import World

from .factories import TODAY

pytestmark = pytest.mark.django_db

OPENED = dt.date(2026, 10, 1)
MOVED = dt.date(2026, 11, 2)
ALL_PAIRS = list(itertools.product(Stage, Stage))
ADR = Path(__file__).resolve().parents[2] / "docs" / "adr" / "0007-case-stages.md"


@pytest.mark.parametrize(
    ("from_stage", "to_stage"),
    [pair for pair in ALL_PAIRS if is_allowed(*pair)],
    ids=lambda s: s.value,
)
def test_an_allowed_move_changes_the_stage_and_records_who_when_and_why(
    world: World, today: dt.date, from_stage: Stage, to_stage: Stage
) -> None:
    manager = world.users["team_manager"]
    case = make_case(world.child, stage=from_stage, opened_on=OPENED, actor=manager)
    with transaction.atomic():
        case_move(
            actor=manager, case=case, to_stage=to_stage, effective_on=MOVED, reason="Test reason"
        )

    saved = Case.objects.get(pk=case.pk)
    assert saved.stage == to_stage
    assert saved.version == 2
    move = CaseTransition.objects.filter(case=case).latest("id")
    assert (move.from_stage, move.to_stage) == (from_stage, to_stage)
    assert (move.moved_by, move.effective_on, move.reason) == (manager, MOVED, "Test reason")
    event = AuditEvent.objects.get(object_type="case", object_id=str(case.pk))
    assert event.action == AuditAction.UPDATE
    assert event.before == {"stage": from_stage.value}
    assert event.after == {"stage": to_stage.value, "effective_on": "2026-11-02"}
    assert event.reason == "Test reason"
    if to_stage == Stage.CLOSED:
        assert (saved.closed_on, saved.closure_reason) == (MOVED, "Test reason")


@pytest.mark.parametrize(
    ("from_stage", "to_stage"),
    [pair for pair in ALL_PAIRS if not is_allowed(*pair)],
    ids=lambda s: s.value,
)
def test_a_refused_move_gives_the_reason_and_changes_nothing(
    world: World, today: dt.date, from_stage: Stage, to_stage: Stage
) -> None:
    manager = world.users["team_manager"]
    case = make_case(world.child, stage=from_stage, opened_on=OPENED, actor=manager)
    with pytest.raises(ServiceError) as refused, transaction.atomic():
        case_move(
            actor=manager, case=case, to_stage=to_stage, effective_on=MOVED, reason="Test reason"
        )

    assert refused.value.message == refusal_reason(from_stage, to_stage)
    if from_stage == Stage.CLOSED:
        assert refused.value.message.startswith("This case is closed")
    else:
        assert f"cannot move to '{to_stage.label}'" in refused.value.message
        assert "From here it can move to:" in refused.value.message
    saved = Case.objects.get(pk=case.pk)
    assert (saved.stage, saved.version) == (from_stage, 1)
    assert CaseTransition.objects.filter(case=case).count() == 1  # the opening only
    assert not AuditEvent.objects.filter(object_type="case").exists()


def test_the_clarified_moves_are_in_the_table() -> None:
    open_stages = [s for s in Stage if s != Stage.CLOSED]
    assert all(is_allowed(s, Stage.CLOSED) for s in open_stages)  # no further action anywhere
    assert is_allowed(Stage.CONTACT, Stage.STRATEGY)  # strategy straight from a contact
    assert is_allowed(Stage.EARLY_HELP, Stage.REFERRAL)  # step-up
    assert is_allowed(Stage.ASSESSMENT, Stage.EARLY_HELP)  # step-down
    assert is_allowed(Stage.ASSESSMENT, Stage.CIN_PLAN)  # CIN plan after an assessment
    assert is_allowed(Stage.CP_PLAN, Stage.CIN_PLAN)  # ... or after a CP plan
    assert ALLOWED_MOVES[Stage.CLOSED] == frozenset()


def test_an_empty_reason_is_refused(world: World, today: dt.date) -> None:
    manager = world.users["team_manager"]
    case = make_case(world.child, stage=Stage.CONTACT, opened_on=OPENED, actor=manager)
    with pytest.raises(ServiceError) as refused:
        case_move(
            actor=manager, case=case, to_stage=Stage.REFERRAL, effective_on=MOVED, reason="   "
        )
    assert (refused.value.message, refused.value.field) == (
        "Enter the reason for this change",
        "reason",
    )
    assert Case.objects.get(pk=case.pk).stage == Stage.CONTACT


def test_a_move_dated_before_the_case_opened_is_refused(world: World, today: dt.date) -> None:
    manager = world.users["team_manager"]
    case = make_case(world.child, stage=Stage.CONTACT, opened_on=OPENED, actor=manager)
    with pytest.raises(ServiceError) as refused, transaction.atomic():
        case_move(
            actor=manager,
            case=case,
            to_stage=Stage.REFERRAL,
            effective_on=OPENED - dt.timedelta(days=1),
            reason="Referral accepted",
        )
    assert refused.value.field == "effective_on"
    assert "on or after the date the case opened" in refused.value.message
    assert Case.objects.get(pk=case.pk).stage == Stage.CONTACT


def test_a_move_dated_before_the_last_move_is_refused(world: World, today: dt.date) -> None:
    manager = world.users["team_manager"]
    case = make_case(world.child, stage=Stage.CONTACT, opened_on=OPENED, actor=manager)
    later = OPENED + dt.timedelta(days=7)
    with transaction.atomic():
        case_move(actor=manager, case=case, to_stage=Stage.REFERRAL, effective_on=later,
                  reason="Referral accepted")  # fmt: skip
    with pytest.raises(ServiceError) as refused, transaction.atomic():
        case_move(
            actor=manager,
            case=case,
            to_stage=Stage.ASSESSMENT,
            effective_on=later - dt.timedelta(days=1),
            reason="Assessment started",
        )
    assert "on or after the case's last change of stage" in refused.value.message
    assert Case.objects.get(pk=case.pk).stage == Stage.REFERRAL


def test_a_closed_case_cannot_move_anywhere(world: World, today: dt.date) -> None:
    manager = world.users["team_manager"]
    case = make_case(world.child, stage=Stage.ASSESSMENT, opened_on=OPENED, actor=manager)
    with transaction.atomic():
        case_move(
            actor=manager,
            case=case,
            to_stage=Stage.CLOSED,
            effective_on=MOVED,
            reason="No further action after assessment",
        )
    for stage in Stage:
        with pytest.raises(ServiceError, match="This case is closed"), transaction.atomic():
            case_move(actor=manager, case=case, to_stage=stage, effective_on=MOVED, reason="x")
    assert Case.objects.get(pk=case.pk).stage == Stage.CLOSED


def test_a_child_cannot_have_two_open_cases(world: World, today: dt.date) -> None:
    worker = world.users["social_worker"]
    first = case_open(actor=worker, child=world.child, opened_on=OPENED, reason="Contact logged")
    with pytest.raises(ServiceError, match="Kira Holt already has an open case"):
        case_open(actor=worker, child=world.child, opened_on=MOVED, reason="Another contact")
    assert Case.objects.filter(child=world.child).count() == 1

    with transaction.atomic():
        case_move(
            actor=worker,
            case=first,
            to_stage=Stage.CLOSED,
            effective_on=MOVED,
            reason="No further action",
        )
    second = case_open(actor=worker, child=world.child, opened_on=TODAY, reason="New contact")
    assert second.stage == Stage.CONTACT and second.pk != first.pk


def test_a_case_cannot_open_in_the_future(world: World, today: dt.date) -> None:
    with pytest.raises(ServiceError, match="must be today or in the past"):
        case_open(
            actor=world.users["social_worker"],
            child=world.child,
            opened_on=TODAY + dt.timedelta(days=1),
            reason="Contact logged",
        )


def test_the_adr_table_is_the_table_in_the_code() -> None:
    """docs/adr/0007-case-stages.md lists every allowed move; it must match transitions.py."""
    text = ADR.read_text()
    documented: dict[Stage, frozenset[Stage]] = {}
    by_label = {stage.label.lower(): stage for stage in Stage}
    for line in text.splitlines():
        match = re.match(r"^\| \*\*(.+?)\*\* \| (.*?) \|", line)
        if match:
            from_stage = by_label[match.group(1).lower()]
            targets = [t.strip().lower() for t in match.group(2).split(",") if t.strip()]
            documented[from_stage] = frozenset(
                by_label[t] for t in targets if t not in {"none", "nothing"}
            )
    assert documented == ALLOWED_MOVES
