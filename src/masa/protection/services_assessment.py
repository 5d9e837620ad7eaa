"""Writes for assessments, strategy discussions and section 47 enquiries.

Each service validates, writes in one transaction, moves the case through
``masa.journey.services.case_move`` where the record changes the stage, adds the record's line to
the chronology and appends an audit record. Deadlines are never stored: the pages compute them
from these dates (``masa.journey.deadlines.clock_for``), so a corrected date moves the clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.db import transaction

from masa.core import audit
from masa.core.models import Agency, AgencyKind, AuditAction, User
from masa.core.presenters import govuk_date
from masa.core.services import ServiceError, refuse_future_date
from masa.frontdoor.models import ReasonForClosure
from masa.journey.models import Case, EventType, Significance, Stage
from masa.journey.services import case_move, check_version, chronology_follow, chronology_record
from masa.journey.transitions import is_allowed, refusal_reason

from .factors import ASSESSMENT_FACTORS, NO_FACTORS
from .models import (
    Assessment,
    AssessmentOutcome,
    S47Enquiry,
    S47Outcome,
    StrategyDiscussion,
)
from .selectors_assessment import referral_date
from .services_cin import (
    ChronologyKey,
    check_case_open,
    check_not_before,
    cin_plan_start,
    close_case,
    run_cin_checks,
    step_down_to_early_help,
)

ASSESSMENT = "assessment"
STRATEGY = "strategy_discussion"
S47 = "s47_enquiry"


# ---------------------------------------------------------------- assessments


def assessment_start(
    *, actor: User, case: Case, started_on: dt.date, summary: str = ""
) -> Assessment:
    """Start an assessment on an accepted referral; the case moves to the assessment stage.

    A case already at the assessment stage (back from a strategy discussion or an enquiry that
    went no further) may start a new one once the earlier assessment is authorised.
    """
    check_case_open(case)
    if case.stage not in {Stage.REFERRAL, Stage.ASSESSMENT}:
        raise ServiceError(
            f"An assessment can only start on an accepted referral. This case is at the stage "
            f"'{Stage(case.stage).label}'."
        )
    if Assessment.objects.filter(case=case, authorised_on__isnull=True).exists():
        raise ServiceError(
            "This case already has an assessment in progress. Complete and authorise it first."
        )
    referred_on = referral_date(case)
    if referred_on is None:
        raise ServiceError("Record the referral before starting an assessment")
    refuse_future_date(started_on, field="started_on", label="The date the assessment started")
    check_not_before(
        started_on,
        referred_on,
        "started_on",
        "The date the assessment started must be on or after the referral date",
    )
    with transaction.atomic():
        if case.stage != Stage.ASSESSMENT:
            case_move(
                actor=actor,
                case=case,
                to_stage=Stage.ASSESSMENT,
                effective_on=started_on,
                reason="Assessment started",
            )
        assessment = Assessment.objects.create(
            case=case, child=case.child, started_on=started_on, summary=summary, recorded_by=actor
        )
        chronology_record(
            actor=actor,
            child=case.child,
            case=case,
            occurred_on=started_on,
            event_type=EventType.ASSESSMENT,
            summary="Assessment started",
            record=assessment,
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type=ASSESSMENT,
            object_id=assessment.pk,
            object_label=f"Assessment of {case.child.full_name}",
            child_id=case.child_id,
            after={"started_on": started_on.isoformat()},
        )
        run_cin_checks(case, assessment)
    return assessment


ASSESSMENT_TEXT_FIELDS = ("summary", "analysis", "worries", "working_well", "needs_to_happen")
AUDITED_FIELDS = ("started_on", *ASSESSMENT_TEXT_FIELDS, "scaling")


def assessment_update(
    *,
    actor: User,
    assessment: Assessment,
    version: int,
    started_on: dt.date,
    texts: dict[str, str],
    scaling: int | None = None,
) -> Assessment:
    """Record the assessment's summary and analysis (or mapping), or correct its start date."""
    unknown = set(texts) - set(ASSESSMENT_TEXT_FIELDS)
    if unknown:
        raise ValueError(f"Not assessment text fields: {sorted(unknown)}")
    if scaling is not None and not 0 <= scaling <= 10:
        raise ServiceError("Scaling must be a number from 0 to 10", "scaling")
    _check_start(assessment, started_on)
    with transaction.atomic():
        check_version(Assessment, assessment.pk, version)
        before = audit.snapshot(assessment, AUDITED_FIELDS)
        assessment.started_on = started_on
        assessment.scaling = scaling
        for name, value in texts.items():
            setattr(assessment, name, value)
        assessment.save(update_fields=["started_on", "scaling", *texts])
        after = audit.snapshot(assessment, AUDITED_FIELDS)
        if before["started_on"] != after["started_on"]:
            chronology_follow(assessment, occurred_on=started_on)
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type=ASSESSMENT,
            object_id=assessment.pk,
            object_label=f"Assessment of {assessment.child.full_name}",
            child_id=assessment.child_id,
            before={k: v for k, v in before.items() if after[k] != v},
            after={k: v for k, v in after.items() if before[k] != v},
        )
        run_cin_checks(assessment.case, assessment)
    assessment.refresh_from_db()
    return assessment


def _check_start(assessment: Assessment, started_on: dt.date) -> None:
    refuse_future_date(started_on, field="started_on", label="The date the assessment started")
    referred_on = referral_date(assessment.case)
    if referred_on is not None:
        check_not_before(
            started_on,
            referred_on,
            "started_on",
            "The date the assessment started must be on or after the referral date",
        )
    for done_on, what in (
        (assessment.completed_on, "completed"),
        (assessment.authorised_on, "authorised"),
    ):
        if done_on is not None and started_on > done_on:
            raise ServiceError(
                f"The date the assessment started must be on or before the date it was {what} "
                f"({govuk_date(done_on)})",
                "started_on",
            )


def assessment_complete(
    *, actor: User, assessment: Assessment, version: int, completed_on: dt.date
) -> Assessment:
    """The worker submits the assessment for a manager's authorisation."""
    if assessment.authorised_on is not None:
        raise ServiceError(
            f"This assessment was authorised on {govuk_date(assessment.authorised_on)} and "
            "cannot be changed"
        )
    refuse_future_date(
        completed_on, field="completed_on", label="The date the assessment was completed"
    )
    check_not_before(
        completed_on,
        assessment.started_on,
        "completed_on",
        "The date the assessment was completed must be on or after the date it started",
    )
    with transaction.atomic():
        check_version(Assessment, assessment.pk, version)
        before = assessment.completed_on
        assessment.completed_on = completed_on
        assessment.save(update_fields=["completed_on"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type=ASSESSMENT,
            object_id=assessment.pk,
            object_label=f"Assessment of {assessment.child.full_name}",
            child_id=assessment.child_id,
            before={"completed_on": before.isoformat() if before else None},
            after={"completed_on": completed_on.isoformat()},
            reason="completed by the worker",
        )
    assessment.refresh_from_db()
    return assessment


def check_factors(factors: Sequence[str]) -> list[str]:
    """The DfE factors identified at assessment: at least one; "21" stands alone."""
    codes = list(dict.fromkeys(factors))
    if not codes:
        raise ServiceError("Select at least one factor identified at assessment", "factors")
    unknown = [code for code in codes if code not in ASSESSMENT_FACTORS]
    if unknown:
        raise ServiceError(f"{', '.join(unknown)} is not a DfE assessment factor code", "factors")
    if NO_FACTORS in codes and len(codes) > 1:
        raise ServiceError(
            "'21 No factors identified' cannot be selected with other factors: unselect it or "
            "the other factors",
            "factors",
        )
    return sorted(codes, key=list(ASSESSMENT_FACTORS).index)


def _check_authorised_on(assessment: Assessment, authorised_on: dt.date) -> None:
    refuse_future_date(
        authorised_on, field="authorised_on", label="The date the assessment was authorised"
    )
    check_not_before(
        authorised_on,
        assessment.started_on,
        "authorised_on",
        "The date the assessment was authorised must be on or after the date it started",
    )
    if assessment.completed_on is not None:
        check_not_before(
            authorised_on,
            assessment.completed_on,
            "authorised_on",
            "The date the assessment was authorised must be on or after the date it was completed",
        )


def _authorisation_summary(assessment: Assessment) -> str:
    outcome = AssessmentOutcome(assessment.outcome).label
    manager = assessment.authorised_by.display_name if assessment.authorised_by else "a manager"
    factors = ", ".join(assessment.factors)
    return f"Assessment authorised by {manager}. Outcome: {outcome}. Factors: {factors}"


def assessment_authorise(
    *,
    actor: User,
    assessment: Assessment,
    version: int,
    authorised_on: dt.date,
    factors: Sequence[str],
    outcome: str,
    reason: str,
    lead_agency: Agency | None = None,
) -> Assessment:
    """A manager authorises the assessment with its factors and outcome, which moves the case:
    no further action closes it (RC8), early help steps it down, a child in need plan starts,
    or a strategy discussion is due."""
    if assessment.authorised_on is not None:
        raise ServiceError(
            f"This assessment was already authorised on {govuk_date(assessment.authorised_on)}"
        )
    if assessment.completed_on is None:
        raise ServiceError(
            "The assessment has not been completed. The worker completes it before a manager "
            "authorises it."
        )
    _check_authorised_on(assessment, authorised_on)
    codes = check_factors(factors)
    if outcome not in AssessmentOutcome.values:
        raise ServiceError("Select the outcome of the assessment", "outcome")
    if NO_FACTORS in codes and outcome != AssessmentOutcome.NO_FURTHER_ACTION:
        raise ServiceError(
            "'21 No factors identified' can only be used when no further action is taken",
            "factors",
        )
    reason = reason.strip()
    if not reason:
        raise ServiceError("Enter the reasons for your decision", "reason")
    case = assessment.case
    with transaction.atomic():
        check_version(Assessment, assessment.pk, version)
        assessment.authorised_on = authorised_on
        assessment.authorised_by = actor
        assessment.factors = codes
        assessment.outcome = outcome
        assessment.save(update_fields=["authorised_on", "authorised_by", "factors", "outcome"])
        chronology_record(
            actor=actor,
            child=case.child,
            case=case,
            occurred_on=authorised_on,
            event_type=EventType.ASSESSMENT,
            summary=_authorisation_summary(assessment),
            significance=Significance.HIGH,
            record=ChronologyKey.of(assessment, "authorised"),
        )
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type=ASSESSMENT,
            object_id=assessment.pk,
            object_label=f"Assessment of {case.child.full_name}",
            child_id=case.child_id,
            before={"authorised_on": None},
            after={
                "authorised_on": authorised_on.isoformat(),
                "factors": codes,
                "outcome": outcome,
            },
            reason=reason,
        )
        why = f"Assessment authorised: {AssessmentOutcome(outcome).label}. {reason}"
        stage_now = Case.objects.values_list("stage", flat=True).get(pk=case.pk)
        if stage_now != Stage.ASSESSMENT:
            # The case has moved on while the assessment was open (for example a strategy
            # discussion started an enquiry): the outcome is recorded, the case stays where it is.
            pass
        elif outcome == AssessmentOutcome.NO_FURTHER_ACTION:
            close_case(
                actor=actor,
                case=case,
                closed_on=authorised_on,
                closure_reason=ReasonForClosure.RC8,
                note=reason,
            )
        elif outcome == AssessmentOutcome.EARLY_HELP:
            step_down_to_early_help(
                actor=actor,
                case=case,
                started_on=authorised_on,
                lead_agency=lead_agency,
                reason=why,
                closure_reason=ReasonForClosure.RC9,
            )
        elif outcome == AssessmentOutcome.CIN_PLAN:
            cin_plan_start(actor=actor, case=case, started_on=authorised_on, plan="", reason=why)
        else:
            case_move(
                actor=actor,
                case=case,
                to_stage=Stage.STRATEGY,
                effective_on=authorised_on,
                reason=why,
            )
        run_cin_checks(case, assessment)
    assessment.refresh_from_db()
    return assessment


def assessment_authorisation_correct(
    *, actor: User, assessment: Assessment, version: int, authorised_on: dt.date, reason: str
) -> Assessment:
    """Correct the date of the manager's authorisation; the DfE clock and chronology follow."""
    if assessment.authorised_on is None:
        raise ServiceError("This assessment has not been authorised yet")
    _check_authorised_on(assessment, authorised_on)
    reason = reason.strip()
    if not reason:
        raise ServiceError("Enter why the date is being corrected", "reason")
    with transaction.atomic():
        check_version(Assessment, assessment.pk, version)
        before = assessment.authorised_on
        assessment.authorised_on = authorised_on
        assessment.save(update_fields=["authorised_on"])
        chronology_follow(ChronologyKey.of(assessment, "authorised"), occurred_on=authorised_on)
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type=ASSESSMENT,
            object_id=assessment.pk,
            object_label=f"Assessment of {assessment.child.full_name}",
            child_id=assessment.child_id,
            before={"authorised_on": before.isoformat()},
            after={"authorised_on": authorised_on.isoformat()},
            reason=reason,
        )
        run_cin_checks(assessment.case, assessment)
    assessment.refresh_from_db()
    return assessment


# ---------------------------------------------------------------- strategy discussions


class StrategyNextStep:
    """Where the case goes when a strategy discussion decides not to start a section 47 enquiry."""

    ASSESSMENT = "assessment"
    CIN_PLAN = "cin_plan"
    CP_PLAN = "cp_plan"
    CLOSE = "close"

    choices = (
        (ASSESSMENT, "Continue or start an assessment"),
        (CIN_PLAN, "Start a child in need plan"),
        (CP_PLAN, "Continue the child's current child protection plan"),
        (CLOSE, "Close the case"),
    )


def _check_agencies(case: Case, agencies: Iterable[Agency]) -> list[Agency]:
    chosen = list(agencies)
    if any(a.partnership_id != case.partnership_id for a in chosen):
        raise ServiceError("Select agencies in this partnership", "agencies")
    kinds = {a.kind for a in chosen}
    if AgencyKind.LOCAL_AUTHORITY not in kinds or len(kinds) < 2:
        raise ServiceError(
            "Select children's social care and at least one other agency that took part "
            "(usually police and health)",
            "agencies",
        )
    return chosen


def _check_held_on(case: Case, held_on: dt.date) -> None:
    refuse_future_date(held_on, field="held_on", label="The date of the strategy discussion")
    check_not_before(
        held_on,
        case.opened_on,
        "held_on",
        "The date of the strategy discussion must be on or after the date the case opened",
    )


def _strategy_summary(strategy: StrategyDiscussion, agencies: Iterable[Agency]) -> str:
    kind = "Strategy meeting" if strategy.is_meeting else "Strategy discussion"
    names = ", ".join(sorted(a.name for a in agencies))
    decision = "start a section 47 enquiry" if strategy.start_s47 else "no section 47 enquiry"
    return f"{kind} with {names}. Decision: {decision}. {strategy.summary}".strip()


def strategy_record(
    *,
    actor: User,
    case: Case,
    held_on: dt.date,
    is_meeting: bool,
    agencies: Iterable[Agency],
    summary: str,
    start_s47: bool,
    s47_started_on: dt.date | None = None,
    next_step: str = "",
    closure_reason: str = "",
) -> StrategyDiscussion:
    """Record a strategy discussion and its decision.

    The case moves to the strategy stage first if it is not there; a decision to start a section
    47 enquiry creates the enquiry and moves the case on to it; otherwise the case goes to the
    next step chosen (assessment, child in need plan or closure).
    """
    check_case_open(case)
    if case.stage != Stage.STRATEGY and not is_allowed(Stage(case.stage), Stage.STRATEGY):
        raise ServiceError(refusal_reason(Stage(case.stage), Stage.STRATEGY))
    _check_held_on(case, held_on)
    chosen = _check_agencies(case, agencies)
    if not summary.strip():
        raise ServiceError("Enter a summary of the strategy discussion", "summary")
    if start_s47:
        s47_started_on = s47_started_on or held_on
        refuse_future_date(
            s47_started_on, field="s47_started_on", label="The date the enquiry started"
        )
        check_not_before(
            s47_started_on,
            held_on,
            "s47_started_on",
            "The date the enquiry started must be on or after the strategy discussion",
        )
    elif next_step not in {s for s, _ in StrategyNextStep.choices}:
        raise ServiceError("Select what happens next for the child", "next_step")
    with transaction.atomic():
        if case.stage != Stage.STRATEGY:
            case_move(
                actor=actor,
                case=case,
                to_stage=Stage.STRATEGY,
                effective_on=held_on,
                reason="Strategy discussion held: reasonable cause to suspect significant harm",
            )
        strategy = StrategyDiscussion.objects.create(
            case=case,
            child=case.child,
            held_on=held_on,
            is_meeting=is_meeting,
            summary=summary.strip(),
            start_s47=start_s47,
            recorded_by=actor,
        )
        strategy.agencies.set(chosen)
        chronology_record(
            actor=actor,
            child=case.child,
            case=case,
            occurred_on=held_on,
            event_type=EventType.STRATEGY,
            summary=_strategy_summary(strategy, chosen),
            significance=Significance.HIGH,
            record=strategy,
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type=STRATEGY,
            object_id=strategy.pk,
            object_label=f"Strategy discussion about {case.child.full_name}",
            child_id=case.child_id,
            after={
                "held_on": held_on.isoformat(),
                "agencies": sorted(a.pk for a in chosen),
                "start_s47": start_s47,
                "next_step": next_step,
            },
        )
        decided = f"Strategy discussion on {govuk_date(held_on)}"
        if start_s47:
            assert s47_started_on is not None
            _s47_start(actor=actor, strategy=strategy, started_on=s47_started_on)
        elif next_step == StrategyNextStep.ASSESSMENT:
            case_move(
                actor=actor,
                case=case,
                to_stage=Stage.ASSESSMENT,
                effective_on=held_on,
                reason=f"{decided}: no section 47 enquiry; assessment continues",
            )
        elif next_step == StrategyNextStep.CP_PLAN:
            if not case.cp_plans.filter(ended_on__isnull=True).exists():
                raise ServiceError(
                    "The child has no current child protection plan to continue: choose "
                    "another next step",
                    "next_step",
                )
            case_move(
                actor=actor,
                case=case,
                to_stage=Stage.CP_PLAN,
                effective_on=held_on,
                reason=f"{decided}: no section 47 enquiry; the child protection plan continues",
            )
        elif next_step == StrategyNextStep.CIN_PLAN:
            cin_plan_start(
                actor=actor,
                case=case,
                started_on=held_on,
                plan="",
                reason=f"{decided}: no section 47 enquiry; child in need plan",
            )
        else:
            close_case(
                actor=actor,
                case=case,
                closed_on=held_on,
                closure_reason=closure_reason,
                note=f"{decided}: no section 47 enquiry",
            )
    return strategy


def strategy_update(
    *,
    actor: User,
    strategy: StrategyDiscussion,
    version: int,
    held_on: dt.date,
    is_meeting: bool,
    agencies: Iterable[Agency],
    summary: str,
) -> StrategyDiscussion:
    """Correct a strategy discussion. Its decision stands; a corrected date moves the ICPC clock."""
    case = strategy.case
    _check_held_on(case, held_on)
    chosen = _check_agencies(case, agencies)
    if not summary.strip():
        raise ServiceError("Enter a summary of the strategy discussion", "summary")
    enquiry = S47Enquiry.objects.filter(strategy_discussion=strategy).first()
    if enquiry is not None and held_on > enquiry.started_on:
        raise ServiceError(
            "The date of the strategy discussion must be on or before the date the section 47 "
            f"enquiry started ({govuk_date(enquiry.started_on)})",
            "held_on",
        )
    with transaction.atomic():
        check_version(StrategyDiscussion, strategy.pk, version)
        before = {
            **audit.snapshot(strategy, ["held_on", "is_meeting", "summary"]),
            "agencies": sorted(strategy.agencies.values_list("pk", flat=True)),
        }
        strategy.held_on, strategy.is_meeting = held_on, is_meeting
        strategy.summary = summary.strip()
        strategy.save(update_fields=["held_on", "is_meeting", "summary"])
        strategy.agencies.set(chosen)
        after = {
            **audit.snapshot(strategy, ["held_on", "is_meeting", "summary"]),
            "agencies": sorted(a.pk for a in chosen),
        }
        chronology_follow(
            strategy, occurred_on=held_on, summary=_strategy_summary(strategy, chosen)
        )
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type=STRATEGY,
            object_id=strategy.pk,
            object_label=f"Strategy discussion about {case.child.full_name}",
            child_id=case.child_id,
            before={k: v for k, v in before.items() if after[k] != v},
            after={k: v for k, v in after.items() if before[k] != v},
        )
    strategy.refresh_from_db()
    return strategy


# ---------------------------------------------------------------- section 47 enquiries


def _s47_start(*, actor: User, strategy: StrategyDiscussion, started_on: dt.date) -> S47Enquiry:
    case = strategy.case
    case_move(
        actor=actor,
        case=case,
        to_stage=Stage.S47,
        effective_on=started_on,
        reason=f"Strategy discussion on {govuk_date(strategy.held_on)} decided to start a "
        "section 47 enquiry",
    )
    enquiry = S47Enquiry.objects.create(
        case=case,
        child=case.child,
        strategy_discussion=strategy,
        started_on=started_on,
        recorded_by=actor,
    )
    chronology_record(
        actor=actor,
        child=case.child,
        case=case,
        occurred_on=started_on,
        event_type=EventType.S47,
        summary="Section 47 enquiry started",
        significance=Significance.HIGH,
        record=enquiry,
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type=S47,
        object_id=enquiry.pk,
        object_label=f"Section 47 enquiry about {case.child.full_name}",
        child_id=case.child_id,
        after={"started_on": started_on.isoformat(), "strategy_discussion": strategy.pk},
    )
    run_cin_checks(case, enquiry)
    return enquiry


class S47NextStep:
    """Where the case goes after an enquiry that does not lead to a conference or a CIN plan."""

    CLOSE = "close"
    ASSESSMENT = "assessment"
    CIN_PLAN = "cin_plan"

    choices = (
        (CLOSE, "Close the case"),
        (ASSESSMENT, "Back to assessment"),
        (CIN_PLAN, "Start a child in need plan"),
    )


def s47_outcome_record(
    *,
    actor: User,
    enquiry: S47Enquiry,
    version: int,
    outcome: str,
    completed_on: dt.date,
    summary: str,
    next_step: str = "",
    closure_reason: str = "",
) -> S47Enquiry:
    """Record the enquiry's outcome: an initial conference is due, a child in need plan starts,
    or the case closes or goes back to assessment."""
    case = enquiry.case
    if enquiry.outcome:
        raise ServiceError(
            f"The outcome of this enquiry was already recorded: {enquiry.get_outcome_display()}"
        )
    if outcome not in S47Outcome.values:
        raise ServiceError("Select the outcome of the enquiry", "outcome")
    refuse_future_date(
        completed_on, field="completed_on", label="The date the enquiry was completed"
    )
    check_not_before(
        completed_on,
        enquiry.started_on,
        "completed_on",
        "The date the enquiry was completed must be on or after the date it started",
    )
    if outcome in {S47Outcome.NOT_SUBSTANTIATED, S47Outcome.SUBSTANTIATED_NO_ICPC}:
        if next_step not in {s for s, _ in S47NextStep.choices}:
            raise ServiceError("Select what happens next for the child", "next_step")
        if outcome == S47Outcome.NOT_SUBSTANTIATED and next_step == S47NextStep.CIN_PLAN:
            raise ServiceError(
                "For a child in need plan, select the outcome 'Concerns not substantiated: "
                "child in need services continue'",
                "next_step",
            )
    with transaction.atomic():
        check_version(S47Enquiry, enquiry.pk, version)
        enquiry.outcome, enquiry.completed_on = outcome, completed_on
        enquiry.summary = summary.strip()
        enquiry.save(update_fields=["outcome", "completed_on", "summary"])
        label = S47Outcome(outcome).label
        chronology_record(
            actor=actor,
            child=case.child,
            case=case,
            occurred_on=completed_on,
            event_type=EventType.S47,
            summary=f"Section 47 enquiry completed. Outcome: {label}",
            significance=Significance.HIGH,
            record=ChronologyKey.of(enquiry, "outcome"),
        )
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type=S47,
            object_id=enquiry.pk,
            object_label=f"Section 47 enquiry about {case.child.full_name}",
            child_id=case.child_id,
            before={"outcome": ""},
            after={
                "outcome": outcome,
                "completed_on": completed_on.isoformat(),
                "next_step": next_step,
            },
        )
        why = f"Section 47 enquiry outcome: {label}"
        if outcome == S47Outcome.ICPC:
            case_move(
                actor=actor, case=case, to_stage=Stage.ICPC, effective_on=completed_on, reason=why
            )
        elif outcome == S47Outcome.CIN or next_step == S47NextStep.CIN_PLAN:
            cin_plan_start(actor=actor, case=case, started_on=completed_on, plan="", reason=why)
        elif next_step == S47NextStep.ASSESSMENT:
            case_move(
                actor=actor,
                case=case,
                to_stage=Stage.ASSESSMENT,
                effective_on=completed_on,
                reason=why,
            )
        else:
            close_case(
                actor=actor,
                case=case,
                closed_on=completed_on,
                closure_reason=closure_reason,
                note=why,
            )
        run_cin_checks(case, enquiry)
    enquiry.refresh_from_db()
    return enquiry
