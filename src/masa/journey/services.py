"""Writes for cases: opening, the one place stages change, allocation, oversight and the chronology.

Domain services (front door, early help, protection) call ``case_move`` inside their own
transaction when their record changes a case's stage, and ``chronology_record`` to add the
record's line to the child's chronology; ``chronology_follow`` keeps that line's date in step when
a date is corrected.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from masa.core import audit
from masa.core.models import Agency, AgencyKind, AuditAction, Team, User
from masa.core.presenters import govuk_date
from masa.core.services import ServiceError, StaleVersion, refuse_future_date
from masa.people.models import Child

from .models import (
    Allocation,
    Case,
    CaseTransition,
    ChronologyEntry,
    ClockSetting,
    EventType,
    OversightNote,
    PracticeModel,
    PracticeSettings,
    Significance,
    Stage,
)
from .transitions import is_allowed, refusal_reason

CASE = "case"
CHRONOLOGY = "chronology"  # audit object type of a chronology print or export
CHRONOLOGY_ENTRY = "chronology_entry"  # audit object type of a chronology line


def check_version(model_class: type[models.Model], pk: int, version: int | None) -> None:
    """Optimistic concurrency for any record with a ``version`` field: bump it or refuse.

    Call inside the writing transaction before saving; raises ``StaleVersion`` when the version
    the user started from is no longer current.
    """
    if version is None:
        return
    updated = model_class._default_manager.filter(pk=pk, version=version).update(
        version=F("version") + 1
    )
    if updated == 0:
        raise StaleVersion()


def _today() -> dt.date:
    return timezone.localdate()


def case_open(
    *,
    actor: User,
    child: Child,
    opened_on: dt.date,
    stage: Stage = Stage.CONTACT,
    team: Team | None = None,
    reason: str,
    transferred_in_from: str = "",
) -> Case:
    """Open a new case for a child. A child has at most one open case at a time."""
    refuse_future_date(opened_on, field="opened_on", label="The date the case opened")
    with transaction.atomic():
        # Lock the child, not the (possibly empty) set of its open cases, so two contacts
        # logged at once cannot both open a case; the database's unique condition backs this.
        Child.objects.select_for_update().filter(pk=child.pk).first()
        if Case.objects.filter(child=child).exclude(stage=Stage.CLOSED).exists():
            raise ServiceError(
                f"{child.full_name} already has an open case. Add to that case instead."
            )
        case = Case.objects.create(
            partnership_id=child.partnership_id,
            child=child,
            stage=stage,
            opened_on=opened_on,
            team=team or child.owning_team,
            worker=child.allocated_worker,
            transferred_in_from=transferred_in_from,
        )
        CaseTransition.objects.create(
            case=case, from_stage="", to_stage=stage, effective_on=opened_on, moved_by=actor,
            reason=reason,
        )  # fmt: skip
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type=CASE,
            object_id=case.pk,
            object_label=f"Case for {child.full_name}",
            child_id=child.pk,
            after={"stage": stage, "opened_on": opened_on.isoformat()},
            reason=reason,
        )
    return case


def open_case_for(child: Child) -> Case | None:
    return Case.objects.filter(child=child).exclude(stage=Stage.CLOSED).first()


# A child who moves here with work under way arrives either as a referral (this authority
# assesses afresh) or with a child protection plan, which needs a transfer-in conference.
TRANSFER_IN_STAGES = (Stage.REFERRAL, Stage.ICPC)


def case_transfer_in(
    *,
    actor: User,
    child: Child,
    from_authority: str,
    stage: Stage,
    opened_on: dt.date,
    reason: str,
) -> Case:
    """Open a case for a child transferred in from another local authority."""
    from_authority = from_authority.strip()
    if not from_authority:
        raise ServiceError("Enter the local authority the child moved from", "from_authority")
    if stage not in TRANSFER_IN_STAGES:
        raise ServiceError(
            "Select whether the child arrives as a referral or with a child protection plan",
            "stage",
        )
    if not reason.strip():
        raise ServiceError("Enter the reason for opening the case", "reason")
    with transaction.atomic():
        case = case_open(
            actor=actor,
            child=child,
            opened_on=opened_on,
            stage=stage,
            reason=reason,
            transferred_in_from=from_authority,
        )
        chronology_record(
            actor=actor,
            child=child,
            case=case,
            occurred_on=opened_on,
            event_type=EventType.SIGNIFICANT_EVENT,
            summary=(
                f"Transferred in from {from_authority}: case opened at the stage "
                f"'{Stage(stage).label}'. {reason}"
            ).strip(),
            significance=Significance.HIGH,
            record=case,
        )
    return case


def case_move(
    *, actor: User, case: Case, to_stage: Stage, effective_on: dt.date, reason: str
) -> Case:
    """The only way a case changes stage: checks the transition table and records who, when, why.

    Call inside the caller's transaction. Refused moves raise ``ServiceError`` with the reason.
    """
    if not reason.strip():
        raise ServiceError("Enter the reason for this change", "reason")
    locked = Case.objects.select_for_update().get(pk=case.pk)
    from_stage = Stage(locked.stage)
    if not is_allowed(from_stage, to_stage):
        raise ServiceError(refusal_reason(from_stage, to_stage))
    if effective_on < locked.opened_on:
        raise ServiceError(
            "The date of this change must be on or after the date the case opened", "effective_on"
        )
    latest = (
        locked.transitions.order_by("-effective_on").values_list("effective_on", flat=True).first()
    )
    if latest is not None and effective_on < latest:
        raise ServiceError(
            f"The date of this change must be on or after the case's last change of stage "
            f"({govuk_date(latest)}), so the stage history stays in order",
            "effective_on",
        )
    locked.stage = to_stage
    fields = ["stage", "version"]
    if to_stage == Stage.CLOSED:
        locked.closed_on = effective_on
        locked.closure_reason = reason[:200]
        fields += ["closed_on", "closure_reason"]
    locked.version += 1
    locked.save(update_fields=fields)
    CaseTransition.objects.create(
        case=locked,
        from_stage=from_stage,
        to_stage=to_stage,
        effective_on=effective_on,
        moved_by=actor,
        reason=reason,
    )
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type=CASE,
        object_id=locked.pk,
        object_label=f"Case for {locked.child}",
        child_id=locked.child_id,
        before={"stage": from_stage},
        after={"stage": to_stage, "effective_on": effective_on.isoformat()},
        reason=reason,
    )
    case.stage, case.version = locked.stage, locked.version
    case.closed_on, case.closure_reason = locked.closed_on, locked.closure_reason
    return case


def case_allocate(
    *,
    actor: User,
    case: Case,
    team: Team,
    worker: User | None,
    from_date: dt.date,
    reason: str = "",
    version: int | None = None,
    social_worker_change_reason: str = "OTHERS",
) -> Case:
    """Allocate or hand over a case. The clocks stay with the case, not with the worker.

    For a looked-after child a new worker also starts a 903 social worker episode, with
    ``social_worker_change_reason`` (a DfE SW_REASON code) ending the previous one.
    """
    if worker is not None and worker.team_id != team.pk:
        raise ServiceError(f"{worker.display_name} is not a member of {team.name}", "worker")
    if team.agency.partnership_id != case.partnership_id:
        raise ServiceError("Choose a team in this partnership", "team")
    if not case.is_open:
        raise ServiceError("A closed case cannot be allocated")
    refuse_future_date(from_date, field="from_date", label="The date the allocation starts")
    if from_date < case.opened_on:
        raise ServiceError(
            "The date the allocation starts must be on or after the date the case opened "
            f"({govuk_date(case.opened_on)})",
            "from_date",
        )
    with transaction.atomic():
        check_version(Case, case.pk, version)
        before = {"team": case.team_id, "worker": case.worker_id}
        Case.objects.filter(pk=case.pk).update(team=team, worker=worker)
        Allocation.objects.create(
            case=case,
            team=team,
            worker=worker,
            from_date=from_date,
            allocated_by=actor,
            reason=reason,
        )
        if worker is not None and case.stage == Stage.LOOKED_AFTER:
            # Imported here: care builds on the journey, not the other way round.
            from masa.care.services_looked_after import social_worker_change

            social_worker_change(
                actor=actor,
                child=case.child,
                worker=worker,
                changed_on=from_date,
                reason_changed=social_worker_change_reason,
            )
        worker_name = worker.display_name if worker else "unallocated"
        chronology_record(
            actor=actor,
            child=case.child,
            case=case,
            occurred_on=from_date,
            event_type=EventType.ALLOCATION,
            summary=f"Case allocated to {worker_name} ({team.name}). {reason}".strip(),
            significance=Significance.LOW,
            source_agency=team.agency,
        )
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type=CASE,
            object_id=case.pk,
            object_label=f"Allocation of case for {case.child}",
            child_id=case.child_id,
            before=before,
            after={"team": team.pk, "worker": worker.pk if worker else None},
            reason=reason,
        )
    case.refresh_from_db()
    return case


def oversight_note_add(*, actor: User, case: Case, note: str) -> OversightNote:
    if not note.strip():
        raise ServiceError("Enter the management oversight note", "note")
    with transaction.atomic():
        written = OversightNote.objects.create(case=case, written_by=actor, note=note)
        chronology_record(
            actor=actor,
            child=case.child,
            case=case,
            occurred_on=_today(),
            event_type=EventType.OVERSIGHT,
            summary=f"Management oversight: {note}",
            significance=Significance.LOW,
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type="oversight_note",
            object_id=written.pk,
            object_label=f"Oversight note on case for {case.child}",
            child_id=case.child_id,
        )
    return written


def case_close(
    *, actor: User, case: Case, closed_on: dt.date, reason: str, version: int | None = None
) -> Case:
    refuse_future_date(closed_on, field="closed_on", label="The closure date")
    if closed_on < case.opened_on:
        raise ServiceError(
            "The closure date must be on or after the date the case opened "
            f"({govuk_date(case.opened_on)})",
            "closed_on",
        )
    with transaction.atomic():
        # case_move bumps the version itself, so the user's version is checked without a bump.
        if version is not None and not Case.objects.filter(pk=case.pk, version=version).exists():
            raise StaleVersion()
        case_move(actor=actor, case=case, to_stage=Stage.CLOSED, effective_on=closed_on,
                  reason=reason)  # fmt: skip
        # Every agency working with the child reads this line, so it says only that the case
        # closed; the reason stays on the stage history, which is social care's own record.
        chronology_record(
            actor=actor,
            child=case.child,
            case=case,
            occurred_on=closed_on,
            event_type=EventType.CLOSURE,
            summary="Case closed by children's social care",
        )
    return case


def records_still_open(case: Case) -> list[str]:
    """What must be finished before a manager closes the case, in the words of the next step."""
    from masa.care.models import Episode
    from masa.earlyhelp.models import EarlyHelpEpisode
    from masa.protection.models import Assessment, ChildProtectionPlan, CINPlan, S47Enquiry

    checks = [
        (ChildProtectionPlan.objects.filter(case=case, ended_on__isnull=True),
         "End the child protection plan"),
        (CINPlan.objects.filter(case=case, ended_on__isnull=True), "End the child in need plan"),
        (S47Enquiry.objects.filter(case=case, outcome=""),
         "Record the outcome of the section 47 enquiry"),
        (Assessment.objects.filter(case=case, authorised_on__isnull=True),
         "Authorise the assessment"),
        (EarlyHelpEpisode.objects.filter(case=case, ended_on__isnull=True), "End the early help"),
        (Episode.objects.filter(child_id=case.child_id, ended_on__isnull=True),
         "Record that the child's care ceased"),
    ]  # fmt: skip
    return [step for queryset, step in checks if queryset.exists()]


def case_close_by_manager(
    *, actor: User, case: Case, closed_on: dt.date, reason: str, version: int | None = None
) -> Case:
    """A manager closes a case directly: only once its plans, enquiries and assessments are
    finished, so no open record drops off the work lists with its case."""
    still_open = records_still_open(case)
    if still_open:
        raise ServiceError(
            "This case still has open work. Before closing it: " + "; ".join(still_open) + "."
        )
    return case_close(actor=actor, case=case, closed_on=closed_on, reason=reason, version=version)


# The chronology ------------------------------------------------------------------------------

# Beyond children's social care and the agency that supplied it, who may read each kind of entry.
# Police, health and schools see what they need to play their part (shared/domain/partnership.md):
# strategy and enquiries go to the three statutory partners; conferences and plans to every agency
# working with the child; screening detail and internal case management stay with social care.
_STATUTORY = (AgencyKind.POLICE, AgencyKind.HEALTH)
_ALL_PARTNERS = (
    AgencyKind.POLICE,
    AgencyKind.HEALTH,
    AgencyKind.SCHOOL,
    AgencyKind.PROBATION,
    AgencyKind.VOLUNTARY,
)
DEFAULT_AUDIENCE: dict[str, tuple[str, ...]] = {
    EventType.CONTACT: (),
    EventType.AGENCY_CHECK: (),
    EventType.THRESHOLD_DECISION: (),
    EventType.REFERRAL: (*_STATUTORY, AgencyKind.SCHOOL),
    EventType.EARLY_HELP: _ALL_PARTNERS,
    EventType.ASSESSMENT: (*_STATUTORY, AgencyKind.SCHOOL),
    EventType.STRATEGY: _STATUTORY,
    EventType.S47: _STATUTORY,
    EventType.CONFERENCE: _ALL_PARTNERS,
    EventType.CP_PLAN: _ALL_PARTNERS,
    EventType.CORE_GROUP: _ALL_PARTNERS,
    EventType.CIN_PLAN: _ALL_PARTNERS,
    EventType.VISIT: (),
    EventType.ALLOCATION: (),
    EventType.OVERSIGHT: (),
    EventType.CLOSURE: _ALL_PARTNERS,
    EventType.SIGNIFICANT_EVENT: (),
    # Care services usually name their audience; these are the defaults if they do not.
    EventType.CARE: (),
    EventType.CARE_REVIEW: _ALL_PARTNERS,
    EventType.MISSING: (AgencyKind.POLICE,),
    EventType.PRIVATE_FOSTERING: (),
}


def audience_text(kinds: Iterable[str]) -> str:
    kinds = sorted(set(kinds))
    return "|" + "|".join(kinds) + "|" if kinds else ""


def _la_agency(child: Child) -> Agency:
    return child.owning_team.agency


def chronology_record(
    *,
    actor: User | None,
    child: Child,
    occurred_on: dt.date,
    event_type: EventType,
    summary: str,
    case: Case | None = None,
    significance: Significance = Significance.MEDIUM,
    source_agency: Agency | None = None,
    audience: Iterable[str] | None = None,
    record: object | None = None,
    recorded_at: dt.datetime | None = None,
) -> ChronologyEntry:
    """Add one line to the child's chronology. Call inside the writing service's transaction."""
    agency = source_agency or (actor.agency if actor and actor.agency else _la_agency(child))
    kinds = DEFAULT_AUDIENCE[event_type] if audience is None else tuple(audience)
    unknown = set(kinds) - set(AgencyKind.values)
    if unknown:
        # A misspelt kind would silently hide the line from the agency it was meant for.
        raise ValueError(f"Unknown agency kinds in a chronology audience: {sorted(unknown)}")
    return ChronologyEntry.objects.create(
        child=child,
        case=case,
        occurred_on=occurred_on,
        recorded_at=recorded_at or timezone.now(),
        event_type=event_type,
        significance=significance,
        summary=summary,
        source_agency=agency,
        recorded_by=actor,
        audience=audience_text(kinds),
        record_type=record._meta.label_lower if record is not None else "",  # type: ignore[attr-defined]
        record_id=record.pk if record is not None else None,  # type: ignore[attr-defined]
    )


def chronology_follow(
    record: object,
    *,
    occurred_on: dt.date,
    summary: str | None = None,
    actor: User | None = None,
) -> None:
    """A record's date (or wording) was corrected: its chronology line follows it.

    The line is changed in place, so each change is audited with the values before it: the
    "as known on" view (``masa.journey.chronology``) reads them to show a past date's version.
    Call inside the correcting service's transaction.
    """
    changes: dict[str, object] = {"occurred_on": occurred_on}
    if summary is not None:
        changes["summary"] = summary
    entries = ChronologyEntry.objects.filter(
        record_type=record._meta.label_lower,  # type: ignore[attr-defined]
        record_id=record.pk,  # type: ignore[attr-defined]
    )
    with transaction.atomic():
        for entry in entries.select_related("child").select_for_update(of=("self",)):
            before = {"occurred_on": entry.occurred_on.isoformat(), "summary": entry.summary}
            after = {
                "occurred_on": occurred_on.isoformat(),
                "summary": changes.get("summary", entry.summary),
            }
            if before == after:
                continue
            audit.record(
                actor=actor,
                actor_label="" if actor else "masa (following a corrected record)",
                action=AuditAction.UPDATE,
                object_type=CHRONOLOGY_ENTRY,
                object_id=entry.pk,
                object_label=f"Chronology entry for {entry.child.full_name}",
                child_id=entry.child_id,
                before=before,
                after=after,
            )
        entries.update(**changes)


def significant_event_add(
    *,
    actor: User,
    child: Child,
    occurred_on: dt.date,
    summary: str,
    significance: Significance,
    share_with_all: bool,
) -> ChronologyEntry:
    """An agency adds a significant event it knows of to the child's chronology."""
    refuse_future_date(occurred_on, field="occurred_on", label="The date it happened")
    if not summary.strip():
        raise ServiceError("Enter what happened", "summary")
    if actor.agency is None:
        raise ServiceError("Only people working for an agency can add to a chronology")
    with transaction.atomic():
        entry = chronology_record(
            actor=actor,
            child=child,
            case=open_case_for(child),
            occurred_on=occurred_on,
            event_type=EventType.SIGNIFICANT_EVENT,
            summary=summary,
            significance=significance,
            source_agency=actor.agency,
            audience=_ALL_PARTNERS if share_with_all else (),
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type=CHRONOLOGY_ENTRY,
            object_id=entry.pk,
            object_label=f"Chronology entry for {child.full_name}",
            child_id=child.pk,
            after={"occurred_on": occurred_on.isoformat(), "summary": summary[:200]},
        )
    return entry


# Partnership configuration -------------------------------------------------------------------


def practice_settings(partnership_id: int) -> PracticeSettings:
    settings, _ = PracticeSettings.objects.get_or_create(
        partnership_id=partnership_id,
        defaults={
            "practice_model": PracticeModel.SIGNS_OF_SAFETY,
            "continuum_levels": DEFAULT_CONTINUUM,
        },
    )
    return settings


# Wigan's published continuum of need (seeds) has four levels; partnerships set their own.
DEFAULT_CONTINUUM = [
    {"code": "1", "name": "Universal: needs met by universal services"},
    {"code": "2", "name": "Early help: needs met by one agency or a team around the family"},
    {"code": "3", "name": "Targeted: complex needs, multi-agency early help or child in need"},
    {"code": "4", "name": "Specialist: acute needs, child protection or care"},
]


def clock_setting_set(*, actor: User, code: str, duration: int, unit: str) -> ClockSetting:
    from masa.core.calendar import Basis, Unit

    from .clocks import EVERY_RULE, rules_for_partnership

    rule = EVERY_RULE.get(code)
    if rule is None:
        raise ServiceError("Choose a timescale to change", "code")
    if rule.basis is not Basis.LOCAL:
        raise ServiceError(
            f"'{rule.name}' is set by {rule.basis.label} ({rule.source}) and cannot be changed",
            "code",
        )
    if unit not in {u.value for u in Unit}:
        raise ServiceError("Select working days, calendar days or months", "unit")
    if not 1 <= duration <= 365:
        raise ServiceError("The timescale must be between 1 and 365", "duration")
    current = rules_for_partnership(actor.partnership_id)[code]
    with transaction.atomic():
        setting, _ = ClockSetting.objects.update_or_create(
            partnership_id=actor.partnership_id,
            code=code,
            defaults={"duration": duration, "unit": unit, "changed_by": actor},
        )
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type="clock_setting",
            object_id=code,
            object_label=f"Local timescale: {rule.name}",
            before={"duration": current.duration, "unit": current.unit.value},
            after={"duration": duration, "unit": unit},
        )
    return setting


def practice_model_set(*, actor: User, practice_model: str) -> PracticeSettings:
    """Choose the partnership's practice model (it decides which assessment fields are shown)."""
    if practice_model not in PracticeModel.values:
        raise ServiceError("Select the practice model", "practice_model")
    with transaction.atomic():
        settings = practice_settings(actor.partnership_id)
        before = settings.practice_model
        PracticeSettings.objects.filter(pk=settings.pk).update(practice_model=practice_model)
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type="practice_settings",
            object_id=settings.pk,
            object_label="Practice model",
            before={"practice_model": before},
            after={"practice_model": practice_model},
        )
    settings.practice_model = practice_model
    return settings


MIN_CONTINUUM_LEVELS = 2


def continuum_levels_set(*, actor: User, names: list[str]) -> PracticeSettings:
    """Rename, add or remove the partnership's continuum of need levels (lowest first).

    Levels are numbered from 1 and keep their number, because threshold decisions already
    recorded hold the number: so levels can be added or removed at the top only.
    """
    names = [name.strip() for name in names]
    while names and not names[-1]:
        names.pop()
    for number, name in enumerate(names, start=1):
        if not name:
            raise ServiceError(
                f"Enter a name for level {number}. Levels can only be removed from the top",
                f"level_{number}",
            )
    if len(names) < MIN_CONTINUUM_LEVELS:
        raise ServiceError(
            f"The continuum of need must have at least {MIN_CONTINUUM_LEVELS} levels", "level_1"
        )
    seen: set[str] = set()
    for number, name in enumerate(names, start=1):
        if name.lower() in seen:
            raise ServiceError(
                f"Level {number} has the same name as a lower level: give each level its own name",
                f"level_{number}",
            )
        seen.add(name.lower())
    levels = [{"code": str(number), "name": name} for number, name in enumerate(names, start=1)]
    with transaction.atomic():
        settings = practice_settings(actor.partnership_id)
        before = settings.continuum_levels
        PracticeSettings.objects.filter(pk=settings.pk).update(continuum_levels=levels)
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type="practice_settings",
            object_id=settings.pk,
            object_label="Continuum of need",
            before={"levels": before},
            after={"levels": levels},
        )
    settings.continuum_levels = levels
    return settings


def chronology_exported(
    *,
    user: User,
    child: Child,
    how: str,
    filters: Sequence[str],
    line_count: int,
) -> None:
    """Every print or export of a chronology is audited against the child ("who has viewed")."""
    with transaction.atomic():
        audit.record(
            actor=user,
            action=AuditAction.EXPORT,
            object_type=CHRONOLOGY,
            object_id=child.pk,
            object_label=f"Chronology for {child.full_name} ({how})",
            child_id=child.pk,
            after={"lines": line_count, "filters": list(filters)},
            reason=f"Chronology {how}" + (f": {'; '.join(filters)}" if filters else ""),
        )
