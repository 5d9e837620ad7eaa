"""Writes for initial and transfer-in child protection conferences, sibling groups included.

A conference is scheduled ahead (today or later, so the papers can be shared before it), then
recorded as held (never in the future; the day may differ from the one scheduled) or cancelled
with a reason. One recorded after the event is held from the start. One conference may consider
several children: each has its own ``ConferenceChild`` and its own decision, which the chair
records once the conference is held: a child protection plan (category of abuse and a
contingency plan required; the case moves to the plan stage), or no plan (a child in need plan
through ``cin_plan_start``, or closure). Stage changes go through ``case_move``; each record adds
its chronology line (when held, or cancelled) and an audit record in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction

from masa.core import audit
from masa.core.models import Agency, AuditAction, User
from masa.core.permissions import Permission
from masa.core.presenters import govuk_date
from masa.core.services import ServiceError, refuse_future_date
from masa.journey.models import Case, EventType, Significance, Stage
from masa.journey.services import (
    case_move,
    case_transfer_in,
    check_version,
    chronology_follow,
    chronology_record,
)
from masa.people.models import Child

from .models import (
    CategoryOfAbuse,
    ChildProtectionPlan,
    Conference,
    ConferenceChild,
    ConferenceKind,
    ConferenceStatus,
)
from .selectors import (
    awaiting_decision,
    conference_kind_for,
    icpc_enquiry,
    review_subjects,
    uses_signs_of_safety,
)
from .services_cin import ChronologyKey, close_case, today

CONFERENCE = "conference"
CP_PLAN = "cp_plan"
HELD_ON = "Date of the conference"
SCHEDULED_FIELDS = ("scheduled_on", "chair")
HELD_FIELDS = ("status", "held_on", "family_attended", "summary", "chair")
MAX_VISIT_INTERVAL = 20


class NextStep:
    """What happens to the case when a child does not need (or no longer needs) a plan."""

    CIN_PLAN = "cin_plan"
    CLOSE = "close"
    choices = (
        (CIN_PLAN, "Child in need plan: support continues without a child protection plan"),
        (CLOSE, "Close the case"),
    )
    values = frozenset({CIN_PLAN, CLOSE})


@dataclass(frozen=True)
class SignsOfSafety:
    """A Signs of Safety mapping, kept only where the partnership's practice model uses it."""

    worries: str = ""
    working_well: str = ""
    needs_to_happen: str = ""
    scaling: int | None = None

    def fields(self, partnership_id: int) -> dict[str, object]:
        if not uses_signs_of_safety(partnership_id):
            return {"worries": "", "working_well": "", "needs_to_happen": "", "scaling": None}
        if self.scaling is not None and not 0 <= self.scaling <= 10:
            raise ServiceError("Scaling must be a number from 0 to 10", "scaling")
        return {
            "worries": self.worries.strip(),
            "working_well": self.working_well.strip(),
            "needs_to_happen": self.needs_to_happen.strip(),
            "scaling": self.scaling,
        }


MAPPING_FIELDS = ("worries", "working_well", "needs_to_happen", "scaling")
CONFERENCE_FIELDS = ("held_on", "family_attended", "summary", "chair", *MAPPING_FIELDS)


def _names(agencies: Iterable[Agency]) -> str:
    names = sorted(a.name for a in agencies)
    return ", ".join(names) if names else "none recorded"


def conference_line(kind: str, agencies: Iterable[Agency], family_attended: bool) -> str:
    """The conference's chronology wording (the same for every child it considered)."""
    family = "The family attended." if family_attended else "The family did not attend."
    return f"{ConferenceKind(kind).label}. Agencies attending: {_names(agencies)}. {family}"


def _check_agencies(agencies: Sequence[Agency], partnership_id: int) -> None:
    if any(a.partnership_id != partnership_id for a in agencies):
        raise ServiceError("Select agencies in this partnership", "agencies")


def check_can_confer(
    case: Case,
    kind: str,
    held_on: dt.date,
    *,
    field: str | None = "held_on",
    conference: Conference | None = None,
) -> None:
    """The rules for a child to be considered at an initial or transfer-in conference."""
    name = case.child.full_name
    if case.stage != Stage.ICPC:
        raise ServiceError(
            f"{name}'s case is at the stage '{Stage(case.stage).label}'. A conference can only "
            "be recorded for a case whose section 47 enquiry decided on an initial conference, "
            "or a child who transferred in on a plan",
            None if field in ("held_on", "scheduled_on") else field,
        )
    pending = awaiting_decision(case)
    if pending is not None and pending.conference_id != (conference.pk if conference else None):
        other = pending.conference
        if other.is_scheduled:
            raise ServiceError(
                f"{name} already has a conference scheduled for "
                f"{govuk_date(other.meeting_on)}. Record that conference as held, change its "
                "date or cancel it instead",
                None if field in ("held_on", "scheduled_on") else field,
            )
        raise ServiceError(
            f"{name} was considered at a conference on {govuk_date(other.meeting_on)} "
            "that is waiting for its decision. Record that decision instead",
            None if field in ("held_on", "scheduled_on") else field,
        )
    check_conference_date(case, kind, held_on, field=field)


def check_conference_date(
    case: Case, kind: str, held_on: dt.date, *, field: str | None = "held_on"
) -> None:
    """Order rules for the conference date: never before what led to it."""
    name = case.child.full_name
    if kind == ConferenceKind.TRANSFER_IN:
        if not case.transferred_in_from:
            raise ServiceError(
                f"{name} did not transfer in from another authority: record an initial "
                "conference instead",
                field,
            )
    elif kind == ConferenceKind.INITIAL:
        enquiry = icpc_enquiry(case)
        if enquiry is None:
            raise ServiceError(
                f"{name} has no section 47 enquiry whose outcome is an initial conference. "
                "Record the enquiry's outcome first",
                field,
            )
        strategy_on = enquiry.strategy_discussion.held_on
        if held_on < strategy_on:
            raise ServiceError(
                f"{HELD_ON} must be the same as or after the strategy discussion that started "
                f"the section 47 enquiry for {name} ({govuk_date(strategy_on)})",
                field,
            )
        if held_on < enquiry.started_on:
            raise ServiceError(
                f"{HELD_ON} must be the same as or after the date the section 47 enquiry for "
                f"{name} started ({govuk_date(enquiry.started_on)})",
                field,
            )
    if held_on < case.opened_on:
        raise ServiceError(
            f"{HELD_ON} must be the same as or after the date {name}'s case opened "
            f"({govuk_date(case.opened_on)})",
            field,
        )


REVIEW_ON = "Date of the review conference"


def check_scheduled_date(
    scheduled_on: dt.date, label: str = HELD_ON, field: str = "scheduled_on"
) -> None:
    if scheduled_on < today():
        raise ServiceError(
            f"{label} must be today or in the future. If the conference has already been "
            "held, record it as held instead",
            field,
        )


def check_is_scheduled(conference: Conference) -> dt.date:
    """Refuse a change that only a scheduled conference can take; its scheduled date."""
    kind = conference.get_kind_display()
    if conference.is_held:
        raise ServiceError(
            f"The {kind.lower()} was recorded as held on {govuk_date(conference.meeting_on)}. "
            "Check the conference as it is now"
        )
    if conference.is_cancelled:
        raise ServiceError(
            f"The {kind.lower()} was cancelled on {govuk_date(conference.cancelled_on)}. "
            "Check the conference as it is now"
        )
    assert conference.scheduled_on is not None
    return conference.scheduled_on


def check_is_held(conference: Conference, what: str = "recording decisions") -> dt.date:
    """Refuse what only a held conference can have (decisions, corrections); the day it was held."""
    kind = conference.get_kind_display()
    if conference.is_scheduled:
        raise ServiceError(
            f"The {kind.lower()} is scheduled for {govuk_date(conference.meeting_on)} and has "
            f"not been recorded as held. Record it as held before {what}"
        )
    if conference.is_cancelled:
        raise ServiceError(
            f"The {kind.lower()} scheduled for {govuk_date(conference.meeting_on)} was "
            f"cancelled on {govuk_date(conference.cancelled_on)}: it cannot have decisions or "
            "be changed"
        )
    assert conference.held_on is not None
    return conference.held_on


def _conference_chronology(
    *, actor: User, conference: Conference, subject: ConferenceChild, line: str
) -> None:
    assert conference.held_on is not None
    chronology_record(
        actor=actor,
        child=subject.child,
        case=subject.case,
        occurred_on=conference.held_on,
        event_type=EventType.CONFERENCE,
        summary=line,
        significance=Significance.HIGH,
        record=conference,
    )


def add_subject(*, actor: User, conference: Conference, case: Case, line: str) -> ConferenceChild:
    """Consider one more child at the conference; its chronology line once the conference is held
    (a scheduled conference has not happened yet)."""
    subject = ConferenceChild.objects.create(conference=conference, case=case, child=case.child)
    if conference.is_held:
        _conference_chronology(actor=actor, conference=conference, subject=subject, line=line)
    after = {"kind": conference.kind, "status": conference.status}
    for name in ("held_on", "scheduled_on"):
        day = getattr(conference, name)
        if day is not None:
            after[name] = day.isoformat()
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type=CONFERENCE,
        object_id=conference.pk,
        object_label=f"{conference.get_kind_display()} for {case.child.full_name}",
        child_id=case.child_id,
        after=after,
    )
    return subject


def _cases_to_consider(case: Case, other_cases: Sequence[Case]) -> dict[int, Case]:
    cases = {case.pk: case}
    for other in other_cases:
        if other.partnership_id != case.partnership_id:
            raise ServiceError("Add children from this partnership only", "other_children")
        cases.setdefault(other.pk, other)
    return cases


def _check_chair(chair: User | None, partnership_id: int) -> None:
    if chair is not None and chair.partnership_id != partnership_id:
        raise ServiceError("Select a chair in this partnership", "chair")


def conference_schedule(
    *,
    actor: User,
    case: Case,
    scheduled_on: dt.date,
    agencies: Sequence[Agency],
    chair: User | None = None,
    other_cases: Sequence[Case] = (),
) -> Conference:
    """Schedule an initial (or transfer-in) conference for one child or a sibling group, so the
    meeting pack can be assembled and shared before it. ``agencies`` are those invited."""
    kind = conference_kind_for(case)
    check_scheduled_date(scheduled_on)
    cases = _cases_to_consider(case, other_cases)
    check_can_confer(case, kind, scheduled_on, field="scheduled_on")
    for other in cases.values():
        if other.pk != case.pk:
            check_can_confer(other, kind, scheduled_on, field="other_children")
    _check_agencies(agencies, case.partnership_id)
    _check_chair(chair, case.partnership_id)
    with transaction.atomic():
        conference = Conference.objects.create(
            kind=kind,
            status=ConferenceStatus.SCHEDULED,
            scheduled_on=scheduled_on,
            chair=chair,
            recorded_by=actor,
        )
        conference.agencies.set(agencies)
        for each in cases.values():
            add_subject(actor=actor, conference=conference, case=each, line="")
    return conference


def conference_reschedule(
    *,
    actor: User,
    conference: Conference,
    version: int | None,
    scheduled_on: dt.date,
    agencies: Sequence[Agency],
    chair: User | None = None,
) -> Conference:
    """Change a scheduled conference's date, the agencies invited or the chair."""
    check_is_scheduled(conference)
    check_scheduled_date(
        scheduled_on, REVIEW_ON if conference.kind == ConferenceKind.REVIEW else HELD_ON
    )
    subjects = list(conference.subjects.select_related("case", "case__child", "child"))
    partnership_id = subjects[0].case.partnership_id if subjects else actor.partnership_id
    for subject in subjects:
        if conference.kind == ConferenceKind.REVIEW:
            check_review_date(subject, scheduled_on, "scheduled_on")
        else:
            check_conference_date(subject.case, conference.kind, scheduled_on, field="scheduled_on")
    _check_agencies(agencies, partnership_id)
    _check_chair(chair, partnership_id)
    with transaction.atomic():
        check_version(Conference, conference.pk, version)
        before = audit.snapshot(conference, SCHEDULED_FIELDS)
        before["agencies"] = sorted(conference.agencies.values_list("pk", flat=True))
        conference.scheduled_on = scheduled_on
        conference.chair = chair
        conference.save(update_fields=list(SCHEDULED_FIELDS))
        conference.agencies.set(agencies)
        after = audit.snapshot(conference, SCHEDULED_FIELDS)
        after["agencies"] = sorted(a.pk for a in agencies)
        _audit_each(actor, conference, subjects, before=before, after=after)
    conference.refresh_from_db()
    return conference


def _audit_each(
    actor: User,
    conference: Conference,
    subjects: Sequence[ConferenceChild],
    *,
    before: dict[str, object],
    after: dict[str, object],
    reason: str = "",
) -> None:
    for subject in subjects:
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type=CONFERENCE,
            object_id=conference.pk,
            object_label=f"{conference.get_kind_display()} for {subject.child.full_name}",
            child_id=subject.child_id,
            before=before,
            after=after,
            reason=reason,
        )


def check_review_date(subject: ConferenceChild, day: dt.date, field: str) -> None:
    """The review's plan is still open, and the date is after its last review (or its start)."""
    plan = (
        ChildProtectionPlan.objects.filter(case=subject.case, ended_on__isnull=True)
        .select_related("conference")
        .order_by("-started_on")
        .first()
    )
    if plan is None:
        raise ServiceError(
            f"{subject.child.full_name} has no open child protection plan to review", field
        )
    check_review_after(plan, day, field)


def check_review_after(plan: ChildProtectionPlan, day: dt.date, field: str) -> None:
    """A review conference is after the conference that made the plan and its last review."""
    reviews = review_subjects(plan)
    previous = reviews[-1].conference.meeting_on if reviews else plan.conference.meeting_on
    what = "the last review conference" if reviews else "the conference that made the plan"
    if day <= previous:
        raise ServiceError(
            f"{REVIEW_ON} must be after {what} ({govuk_date(previous)})",
            field,
        )


def conference_record_held(
    *,
    actor: User,
    conference: Conference,
    version: int | None,
    held_on: dt.date,
    agencies: Sequence[Agency],
    family_attended: bool,
    summary: str = "",
    chair: User | None = None,
    mapping: SignsOfSafety | None = None,
) -> Conference:
    """A scheduled initial (or transfer-in) conference took place: record the day it was held
    (which may differ from the day scheduled), who attended and what was discussed. The chair
    then records each child's decision. A review is recorded as held from the child's plan,
    with its decision."""
    if conference.kind == ConferenceKind.REVIEW:
        raise ServiceError(
            "Record a review conference as held from the child's plan, with its decision"
        )
    check_is_scheduled(conference)
    refuse_future_date(held_on, field="held_on", label=HELD_ON)
    subjects = list(conference.subjects.select_related("case", "case__child", "child"))
    partnership_id = subjects[0].case.partnership_id if subjects else actor.partnership_id
    for subject in subjects:
        check_can_confer(subject.case, conference.kind, held_on, conference=conference)
    _check_agencies(agencies, partnership_id)
    _check_chair(chair, partnership_id)
    sos = (mapping or SignsOfSafety()).fields(partnership_id)
    with transaction.atomic():
        check_version(Conference, conference.pk, version)
        before = audit.snapshot(conference, HELD_FIELDS)
        conference.status = ConferenceStatus.HELD
        conference.held_on = held_on
        conference.family_attended = family_attended
        conference.summary = summary.strip()
        conference.chair = chair
        for name, value in sos.items():
            setattr(conference, name, value)
        conference.save(update_fields=[*HELD_FIELDS, *MAPPING_FIELDS])
        conference.agencies.set(agencies)
        line = conference_line(conference.kind, agencies, family_attended)
        for subject in subjects:
            _conference_chronology(actor=actor, conference=conference, subject=subject, line=line)
        after = audit.snapshot(conference, HELD_FIELDS)
        after["agencies"] = sorted(a.pk for a in agencies)
        _audit_each(actor, conference, subjects, before=before, after=after)
    conference.refresh_from_db()
    return conference


def conference_cancel(
    *, actor: User, conference: Conference, version: int | None, reason: str
) -> Conference:
    """Cancel a scheduled conference, with the reason. The clocks it would have stopped keep
    running, and another conference can be scheduled."""
    scheduled_on = check_is_scheduled(conference)
    why = reason.strip()
    if not why:
        raise ServiceError("Enter why the conference was cancelled", "reason")
    cancelled_on = today()
    subjects = list(conference.subjects.select_related("case", "child"))
    kind = conference.get_kind_display()
    with transaction.atomic():
        check_version(Conference, conference.pk, version)
        Conference.objects.filter(pk=conference.pk).update(
            status=ConferenceStatus.CANCELLED, cancelled_on=cancelled_on, cancel_reason=why
        )
        for subject in subjects:
            chronology_record(
                actor=actor,
                child=subject.child,
                case=subject.case,
                occurred_on=cancelled_on,
                event_type=EventType.CONFERENCE,
                summary=f"{kind} scheduled for {govuk_date(scheduled_on)} cancelled: {why}",
                significance=Significance.MEDIUM,
                record=ChronologyKey.of(conference, "cancel"),
            )
        _audit_each(
            actor,
            conference,
            subjects,
            before={"status": ConferenceStatus.SCHEDULED},
            after={"status": ConferenceStatus.CANCELLED, "cancelled_on": cancelled_on.isoformat()},
            reason=why,
        )
    conference.refresh_from_db()
    return conference


def conference_record(
    *,
    actor: User,
    case: Case,
    held_on: dt.date,
    agencies: Sequence[Agency],
    family_attended: bool,
    summary: str = "",
    chair: User | None = None,
    mapping: SignsOfSafety | None = None,
    other_cases: Sequence[Case] = (),
) -> Conference:
    """Record an initial (or transfer-in) conference already held, for one child or a sibling
    group (one that was scheduled is recorded as held with ``conference_record_held``)."""
    kind = conference_kind_for(case)
    refuse_future_date(held_on, field="held_on", label=HELD_ON)
    cases = _cases_to_consider(case, other_cases)
    check_can_confer(case, kind, held_on)
    for other in cases.values():
        if other.pk != case.pk:
            check_can_confer(other, kind, held_on, field="other_children")
    _check_agencies(agencies, case.partnership_id)
    _check_chair(chair, case.partnership_id)
    sos = (mapping or SignsOfSafety()).fields(case.partnership_id)
    with transaction.atomic():
        conference = Conference.objects.create(
            kind=kind,
            held_on=held_on,
            chair=chair,
            family_attended=family_attended,
            summary=summary.strip(),
            recorded_by=actor,
            **sos,
        )
        conference.agencies.set(agencies)
        line = conference_line(kind, agencies, family_attended)
        for each in cases.values():
            add_subject(actor=actor, conference=conference, case=each, line=line)
    return conference


def conference_add_child(
    *, actor: User, conference: Conference, case: Case, version: int | None
) -> ConferenceChild:
    """Add a brother or sister to an initial or transfer-in conference, scheduled or held."""
    if conference.kind == ConferenceKind.REVIEW:
        raise ServiceError("Children are added to review conferences through their own plans")
    if conference.is_cancelled:
        raise ServiceError(
            f"This conference was cancelled on {govuk_date(conference.cancelled_on)}. Schedule a "
            f"new conference for {case.child.full_name} instead",
            "child_id",
        )
    if ConferenceChild.objects.filter(conference=conference, child_id=case.child_id).exists():
        raise ServiceError(
            f"{case.child.full_name} is already considered at this conference", "child_id"
        )
    first = conference.subjects.select_related("case").first()
    if first is not None and first.case.partnership_id != case.partnership_id:
        raise ServiceError("Add children from this partnership only", "child_id")
    check_can_confer(case, conference.kind, conference.meeting_on, field="child_id")
    with transaction.atomic():
        check_version(Conference, conference.pk, version)
        line = conference_line(
            conference.kind, conference.agencies.all(), conference.family_attended
        )
        return add_subject(actor=actor, conference=conference, case=case, line=line)


def conference_update(
    *,
    actor: User,
    conference: Conference,
    version: int | None,
    held_on: dt.date,
    agencies: Sequence[Agency],
    family_attended: bool,
    summary: str = "",
    chair: User | None = None,
    mapping: SignsOfSafety | None = None,
) -> Conference:
    """Correct a held conference. A corrected date moves its chronology lines, the start of the
    plans it made, and every clock counted from it (clocks are never stored)."""
    if conference.is_scheduled:
        raise ServiceError(
            "This conference has not been held yet: change its scheduled date, or record it as held"
        )
    check_is_held(conference)
    refuse_future_date(held_on, field="held_on", label=HELD_ON)
    subjects = list(conference.subjects.select_related("case", "case__child", "child"))
    partnership_id = subjects[0].case.partnership_id if subjects else actor.partnership_id
    _check_agencies(agencies, partnership_id)
    for subject in subjects:
        _check_corrected_date(conference, subject, held_on)
    plans = list(ChildProtectionPlan.objects.filter(conference=conference).select_related("child"))
    ended_here = (
        list(
            ChildProtectionPlan.objects.filter(
                case__in=[s.case for s in subjects if s.plan_needed is False],
                ended_on=conference.held_on,
            ).select_related("child")
        )
        if conference.kind == ConferenceKind.REVIEW
        else []
    )
    sos = (mapping or SignsOfSafety()).fields(partnership_id)
    with transaction.atomic():
        check_version(Conference, conference.pk, version)
        before = audit.snapshot(conference, CONFERENCE_FIELDS)
        before["agencies"] = sorted(conference.agencies.values_list("pk", flat=True))
        date_changed = conference.held_on != held_on
        conference.held_on = held_on
        conference.family_attended = family_attended
        conference.summary = summary.strip()
        conference.chair = chair
        for name, value in sos.items():
            setattr(conference, name, value)
        conference.save(update_fields=[*CONFERENCE_FIELDS])
        conference.agencies.set(agencies)
        # A review's lines carry its decision, so only their date follows.
        wording = (
            None
            if conference.kind == ConferenceKind.REVIEW
            else conference_line(conference.kind, agencies, family_attended)
        )
        chronology_follow(conference, occurred_on=held_on, summary=wording)
        if date_changed:
            for subject in subjects:
                chronology_follow(subject, occurred_on=held_on)
            for plan in plans:
                # A plan starts on the day of the conference that made it (CPPstartDate).
                ChildProtectionPlan.objects.filter(pk=plan.pk).update(started_on=held_on)
                chronology_follow(plan, occurred_on=held_on)
                _audit_plan_date(actor, plan, "started_on", plan.started_on, held_on)
            for plan in ended_here:
                # A review that ended a plan: the plan's end date is the review's date.
                ChildProtectionPlan.objects.filter(pk=plan.pk).update(ended_on=held_on)
                chronology_follow(ChronologyKey.of(plan, "end"), occurred_on=held_on)
                assert plan.ended_on is not None
                _audit_plan_date(actor, plan, "ended_on", plan.ended_on, held_on)
        after = audit.snapshot(conference, CONFERENCE_FIELDS)
        after["agencies"] = sorted(a.pk for a in agencies)
        for subject in subjects:
            audit.record(
                actor=actor,
                action=AuditAction.UPDATE,
                object_type=CONFERENCE,
                object_id=conference.pk,
                object_label=f"{conference.get_kind_display()} for {subject.child.full_name}",
                child_id=subject.child_id,
                before=before,
                after=after,
            )
    conference.refresh_from_db()
    return conference


def _audit_plan_date(
    actor: User, plan: ChildProtectionPlan, field: str, before: dt.date, after: dt.date
) -> None:
    """A plan's date that followed the corrected conference date, audited against the plan."""
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type=CP_PLAN,
        object_id=plan.pk,
        object_label=f"Child protection plan for {plan.child.full_name}",
        child_id=plan.child_id,
        before={field: before.isoformat()},
        after={field: after.isoformat()},
        reason="The date of the conference was corrected",
    )


def _check_corrected_date(
    conference: Conference, subject: ConferenceChild, held_on: dt.date
) -> None:
    case = subject.case
    if conference.kind != ConferenceKind.REVIEW:
        check_conference_date(case, conference.kind, held_on)
        plan = ChildProtectionPlan.objects.filter(
            conference=conference, child=subject.child
        ).first()
        if plan is not None:
            first_core_group = (
                plan.core_groups.order_by("held_on").values_list("held_on", flat=True).first()
            )
            if first_core_group is not None and held_on > first_core_group:
                raise ServiceError(
                    f"{HELD_ON} must be the same as or before the first core group for "
                    f"{subject.child.full_name} ({govuk_date(first_core_group)})",
                    "held_on",
                )
            if plan.ended_on is not None and held_on > plan.ended_on:
                raise ServiceError(
                    f"{HELD_ON} must be the same as or before the date "
                    f"{subject.child.full_name}'s plan ended ({govuk_date(plan.ended_on)})",
                    "held_on",
                )
        return
    plan = (
        ChildProtectionPlan.objects.filter(case=case, started_on__lte=conference.held_on)
        .order_by("-started_on")
        .first()
    )
    if plan is not None and held_on <= plan.started_on:
        raise ServiceError(
            f"Date of the review conference must be after the date {subject.child.full_name}'s "
            f"plan started ({govuk_date(plan.started_on)})",
            "held_on",
        )


def conference_decide(
    *,
    actor: User,
    subject: ConferenceChild,
    plan_needed: bool | None,
    category: str = "",
    plan: str = "",
    contingency_plan: str = "",
    visit_frequency_working_days: int | None = None,
    next_step: str = "",
    cin_plan: str = "",
    closure_reason: str = "",
    note: str = "",
) -> ChildProtectionPlan | None:
    """The chair's decision for one child at an initial or transfer-in conference."""
    conference = subject.conference
    child = subject.child
    case = subject.case
    if conference.kind == ConferenceKind.REVIEW:
        raise ServiceError("Record a review conference's decision from the child's plan")
    held_on = check_is_held(conference)
    if plan_needed is None:
        raise ServiceError(
            f"Select whether {child.full_name} needs a child protection plan", "plan_needed"
        )
    # None: the plan follows the partnership's local visit rule.
    frequency = visit_frequency_working_days
    if plan_needed:
        _check_no_open_plan(subject)
        if category not in CategoryOfAbuse.values:
            raise ServiceError("Select the category of abuse", "category")
        if not contingency_plan.strip():
            raise ServiceError(
                "Enter the contingency plan: what will happen if the plan does not keep "
                f"{child.first_name} safe",
                "contingency_plan",
            )
        if frequency is not None and not 1 <= frequency <= MAX_VISIT_INTERVAL:
            raise ServiceError(
                f"Visits must be every 1 to {MAX_VISIT_INTERVAL} working days",
                "visit_frequency_working_days",
            )
    elif next_step not in NextStep.values:
        raise ServiceError(
            f"Select what happens next for {child.full_name} without a plan", "next_step"
        )
    with transaction.atomic():
        # Read the status afresh: the conference may have been cancelled since the page opened.
        check_is_held(Conference.objects.select_for_update().get(pk=conference.pk))
        locked = ConferenceChild.objects.select_for_update().get(pk=subject.pk)
        if locked.plan_needed is not None:
            raise ServiceError(
                f"The decision for {child.full_name} has already been recorded. Check the "
                "conference as it is now"
            )
        if plan_needed:
            _check_no_open_plan(locked)  # a plan may have started since the checks above
        locked.plan_needed = plan_needed
        locked.category = category if plan_needed else ""
        locked.save(update_fields=["plan_needed", "category"])
        if conference.chair_id is None and actor.has_masa_permission(Permission.CHAIR_CONFERENCES):
            Conference.objects.filter(pk=conference.pk).update(chair=actor)
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type="conference_decision",
            object_id=locked.pk,
            object_label=f"{conference.get_kind_display()} decision for {child.full_name}",
            child_id=child.pk,
            before={"plan_needed": None},
            after={"plan_needed": plan_needed, "category": locked.category},
            reason=note,
        )
        if plan_needed:
            return _start_plan(
                actor=actor,
                subject=locked,
                held_on=held_on,
                category=category,
                plan=plan,
                contingency_plan=contingency_plan,
                visit_frequency=frequency,
            )
        kind = conference.get_kind_display()
        reason = (
            f"{kind} on {govuk_date(held_on)} decided that {child.full_name} does not need a "
            "child protection plan"
        )
        chronology_record(
            actor=actor,
            child=child,
            case=case,
            occurred_on=held_on,
            event_type=EventType.CONFERENCE,
            summary=f"{reason}. {note}".strip(),
            significance=Significance.HIGH,
            record=locked,
        )
        if next_step == NextStep.CIN_PLAN:
            from .services_cin import cin_plan_start

            cin_plan_start(actor=actor, case=case, started_on=held_on, plan=cin_plan, reason=reason)
        else:
            close_case(
                actor=actor,
                case=case,
                closed_on=held_on,
                closure_reason=closure_reason,
                note=reason,
            )
    return None


def _check_no_open_plan(subject: ConferenceChild) -> None:
    """A child has at most one open child protection plan: a conference held while one is open
    reviews it rather than starting another."""
    current = (
        ChildProtectionPlan.objects.filter(child_id=subject.child_id, ended_on__isnull=True)
        .order_by("-started_on")
        .first()
    )
    if current is not None:
        raise ServiceError(
            f"{subject.child.full_name} already has a child protection plan that started on "
            f"{govuk_date(current.started_on)}. A conference while a plan is open is a review "
            "conference: record a review conference from the plan instead",
            "plan_needed",
        )


def _start_plan(
    *,
    actor: User,
    subject: ConferenceChild,
    held_on: dt.date,
    category: str,
    plan: str,
    contingency_plan: str,
    visit_frequency: int | None,
) -> ChildProtectionPlan:
    conference = subject.conference
    child = subject.child
    created = ChildProtectionPlan.objects.create(
        case=subject.case,
        child=child,
        conference=conference,
        started_on=held_on,
        initial_category=category,
        latest_category=category,
        plan=plan.strip(),
        contingency_plan=contingency_plan.strip(),
        visit_frequency_working_days=visit_frequency,
        recorded_by=actor,
    )
    label = CategoryOfAbuse(category).label
    reason = (
        f"{conference.get_kind_display()} on {govuk_date(held_on)} decided that "
        f"{child.full_name} needs a child protection plan (category: {label})"
    )
    case_move(
        actor=actor,
        case=subject.case,
        to_stage=Stage.CP_PLAN,
        effective_on=held_on,
        reason=reason,
    )
    chronology_record(
        actor=actor,
        child=child,
        case=subject.case,
        occurred_on=held_on,
        event_type=EventType.CP_PLAN,
        summary=f"Child protection plan started. Category of abuse: {label}.",
        significance=Significance.HIGH,
        record=created,
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type=CP_PLAN,
        object_id=created.pk,
        object_label=f"Child protection plan for {child.full_name}",
        child_id=child.pk,
        after={
            "started_on": created.started_on.isoformat(),
            "initial_category": category,
            "conference": conference.pk,
        },
        reason=reason,
    )
    return created


def transfer_in_open(*, actor: User, child: Child, from_authority: str, opened_on: dt.date) -> Case:
    """A child who moved here on another authority's plan: open the case at the conference stage
    (through the casework core's transfer-in, which adds the chronology line).

    The transfer-in conference that follows decides whether the child needs a plan here.
    """
    refuse_future_date(opened_on, field="opened_on", label="The date the case transferred in")
    return case_transfer_in(
        actor=actor,
        child=child,
        from_authority=from_authority,
        stage=Stage.ICPC,
        opened_on=opened_on,
        reason="Moved here subject to a child protection plan; a transfer-in conference follows",
    )
