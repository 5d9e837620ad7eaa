"""Writes for care leavers: pathway plans and their reviews (with the personal adviser), the
contact around birthdays 17 to 21 (the 903 OC3 table) and staying put.

A young person's leaving-care status is derived (``selectors_leavers.leaver_standing``) and each
service checks it: OC3 contact is for care leavers no longer looked after (DfE rule 1007),
staying put for former relevant young people from 18, pathway plans for young people looked after
from 14. The OC3 code lists are kept here as data, by collection year (named by the year it ends,
2025 = 2024/25) until ``masa.care.codes`` carries them: activity codes F3/P3 gave way to
F4/P4 (apprenticeships) and F5/P5 (other training or employment) in 2021/22
(``masa.returns.ssda903.spec``). Accommodation is a letter (the kind) and a digit: 1 suitable,
2 not suitable. Each service writes an audit record; plans and staying put add a chronology line
for children's social care.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from masa.core import audit
from masa.core.models import AuditAction, User
from masa.core.permissions import Permission
from masa.core.presenters import govuk_date
from masa.core.services import ServiceError, refuse_future_date
from masa.journey.models import EventType, Significance
from masa.journey.services import chronology_record, open_case_for
from masa.people.models import Child

from . import checks
from . import codes as dfe
from .clocks import birthday
from .models import CareLeaverContact, Carer, CarerKind, Episode, PathwayPlan, StayingPut
from .selectors_leavers import (
    ADULT_AGE,
    FROM_AGE,
    OC3_AGES,
    LeaverStatus,
    Standing,
    standing_of,
)

PATHWAY_PLAN = "pathway_plan"  # audit object types
LEAVER_CONTACT = "care_leaver_contact"
STAYING_PUT = "staying_put"


@dataclass(frozen=True)
class Oc3Code:
    code: str
    label: str
    first_year: int = 2017
    last_year: int = 9999

    def valid_in(self, year: int) -> bool:
        return self.first_year <= year <= self.last_year


IN_TOUCH = (
    Oc3Code("YES", "Yes, in touch"),
    Oc3Code("NO", "No, not in touch"),
    Oc3Code("DIED", "Died since leaving care"),
    Oc3Code("REFU", "Young person refuses contact"),
    Oc3Code("NREQ", "Young person no longer needs children's social care services"),
    Oc3Code(
        "RHOM",
        "Returned to live with parents or someone with parental responsibility for 6 months or "
        "more",
    ),
)
ACTIVITY = (
    Oc3Code("F1", "Full time in higher education"),
    Oc3Code("P1", "Part time in higher education"),
    Oc3Code("F2", "Full time in education other than higher education"),
    Oc3Code("P2", "Part time in education other than higher education"),
    Oc3Code("F3", "Full time in training or employment", last_year=2021),
    Oc3Code("P3", "Part time in training or employment", last_year=2021),
    Oc3Code("F4", "Full time in an apprenticeship", first_year=2022),
    Oc3Code("P4", "Part time in an apprenticeship", first_year=2022),
    Oc3Code("F5", "Full time in training or employment (not an apprenticeship)", first_year=2022),
    Oc3Code("P5", "Part time in training or employment (not an apprenticeship)", first_year=2022),
    Oc3Code("G4", "Not in education, employment or training: illness or disability"),
    Oc3Code("G5", "Not in education, employment or training: other reasons"),
    Oc3Code("G6", "Not in education, employment or training: pregnancy or parenting"),
)
ACCOMMODATION = (
    Oc3Code("B", "With parents or relatives"),
    Oc3Code("C", "Community home or other residential care, such as an NHS establishment"),
    Oc3Code("D", "Semi-independent or transitional accommodation, or self-contained with support"),
    Oc3Code("E", "Supported lodgings"),
    Oc3Code("G", "Gone abroad"),
    Oc3Code("H", "Deported"),
    Oc3Code("K", "Ordinary lodgings, without formal support"),
    Oc3Code("R", "Residence not known"),
    Oc3Code("S", "No fixed abode or homeless"),
    Oc3Code("T", "Foyer or similar accommodation with education, training or employment"),
    Oc3Code("U", "Independent living, such as a tenancy, flat share or student accommodation"),
    Oc3Code("V", "Emergency accommodation, such as a night shelter or direct-access hostel"),
    Oc3Code("W", "Bed and breakfast"),
    Oc3Code("X", "In custody"),
    Oc3Code("Y", "Other accommodation"),
    Oc3Code("Z", "With former foster carers (staying put), from 18"),
)
SUITABLE, NOT_SUITABLE = "1", "2"
# IN_TOUCH codes after which activity and accommodation must be left empty (DfE rule 344).
NOTHING_MORE = frozenset({"DIED", "RHOM"})
# Staying put: with the young person's former foster carers.
FOSTER_CARERS = frozenset({CarerKind.FOSTER_CARER, CarerKind.CONNECTED_PERSON})


def oc3_codes(codes: tuple[Oc3Code, ...], year: int) -> list[Oc3Code]:
    return [c for c in codes if c.valid_in(year)]


def oc3_label(codes: tuple[Oc3Code, ...], code: str) -> str:
    return next((c.label for c in codes if c.code == code), code)


def accommodation_text(code: str) -> str:
    """ "U1" as people read it: the kind of accommodation and whether it is suitable."""
    if not code:
        return ""
    kind = oc3_label(ACCOMMODATION, code[0])
    if code[1:] == SUITABLE:
        return f"{kind} (suitable)"
    if code[1:] == NOT_SUITABLE:
        return f"{kind} (not suitable)"
    return kind


def _today() -> dt.date:
    return timezone.localdate()


def _may_record(actor: User) -> None:
    if not actor.has_masa_permission(Permission.RECORD_CARE):
        raise ServiceError("You cannot record care leavers' plans and contact")


def _not_before_14(child: Child, day: dt.date, field: str, label: str) -> None:
    if child.date_of_birth is None:
        raise ServiceError(
            f"Record {child.first_name}'s date of birth first: leaving-care status depends on it",
            field,
        )
    at14 = birthday(child.date_of_birth, FROM_AGE)
    if day < at14:
        raise ServiceError(
            f"{label} must be on or after {child.first_name}'s 14th birthday ({govuk_date(at14)})",
            field,
        )


# ---------------------------------------------------------------- pathway plans


PLAN = "plan"
REVIEW = "review"


def pathway_plan_recorded(
    *,
    actor: User,
    child: Child,
    kind: str,
    on: dt.date,
    personal_adviser: User | None,
    summary: str,
) -> PathwayPlan:
    """A pathway plan agreed (``kind`` "plan") or reviewed ("review"), with the personal adviser.

    A review row keeps the date of the plan it reviews in ``agreed_on`` and its own date in
    ``reviewed_on``.
    """
    _may_record(actor)
    refuse_future_date(on, field="on", label="The date")
    _not_before_14(child, on, "on", "A pathway plan")
    if kind not in (PLAN, REVIEW):
        raise ServiceError("Select whether this is a new plan or a review", "kind")
    if personal_adviser is not None and personal_adviser.partnership_id != child.partnership_id:
        raise ServiceError("Select a personal adviser from this partnership", "personal_adviser")
    if not summary.strip():
        raise ServiceError("Enter a summary of the plan: what the young person wants and needs",
                           "summary")  # fmt: skip
    if not spans_exist(child):
        raise ServiceError(
            f"{child.full_name} has never been looked after: pathway plans are for young people "
            "in or leaving care"
        )
    with transaction.atomic():
        Child.objects.select_for_update().filter(pk=child.pk).first()
        existing = PathwayPlan.objects.filter(child=child)
        same_day = existing.filter(
            Q(reviewed_on=on) | Q(reviewed_on__isnull=True, agreed_on=on)
        ).exists()
        if same_day:
            raise ServiceError(f"A plan or review is already recorded on {govuk_date(on)}", "on")
        plan_agreed = on
        if kind == REVIEW:
            reviewed = (
                existing.filter(reviewed_on__isnull=True, agreed_on__lt=on)
                .order_by("-agreed_on")
                .first()
            )
            if reviewed is None:
                raise ServiceError(
                    "There is no pathway plan before this date to review. Record the plan first",
                    "kind",
                )
            plan_agreed = reviewed.agreed_on
        plan = PathwayPlan.objects.create(
            child=child,
            agreed_on=plan_agreed,
            reviewed_on=on if kind == REVIEW else None,
            personal_adviser=personal_adviser,
            summary=summary.strip(),
            recorded_by=actor,
        )
        chronology_record(
            actor=actor,
            child=child,
            case=open_case_for(child),
            occurred_on=on,
            event_type=EventType.CARE,
            summary="Pathway plan reviewed" if kind == REVIEW else "Pathway plan agreed",
            significance=Significance.MEDIUM,
            audience=(),
            record=plan,
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type=PATHWAY_PLAN,
            object_id=plan.pk,
            object_label=f"Pathway plan for {child.full_name}",
            child_id=child.pk,
            after=audit.snapshot(plan, ("agreed_on", "reviewed_on", "personal_adviser", "summary")),
        )
    return plan


def spans_exist(child: Child) -> bool:
    return Episode.objects.filter(child=child).exists()


# ---------------------------------------------------------------- contact around birthdays (OC3)


def _check_contact_codes(
    in_touch: str, activity: str, accommodation: str, year: int, age: int
) -> None:
    if not any(c.code == in_touch for c in IN_TOUCH):
        raise ServiceError("Select whether the local authority is in touch", "in_touch")
    if in_touch in NOTHING_MORE and (activity or accommodation):
        raise ServiceError(
            "Leave activity and accommodation empty when the young person has died or has "
            "returned home for 6 months or more (DfE rule 344)",
            "activity" if activity else "accommodation",
        )
    if in_touch == "YES" and not activity:
        raise ServiceError("Select the young person's main activity", "activity")
    if in_touch == "YES" and not accommodation:
        raise ServiceError("Select the young person's accommodation", "accommodation")
    if activity and not any(c.code == activity for c in oc3_codes(ACTIVITY, year)):
        raise ServiceError(
            f"'{activity}' is not an activity code the DfE accepts in {year - 1}/{str(year)[2:]}",
            "activity",
        )
    if accommodation:
        kind, suitable = accommodation[:1], accommodation[1:]
        if not any(c.code == kind for c in ACCOMMODATION):
            raise ServiceError("Select the kind of accommodation from the list", "accommodation")
        if suitable not in (SUITABLE, NOT_SUITABLE):
            raise ServiceError("Select whether the accommodation is suitable", "suitable")
        if kind == "Z" and age < ADULT_AGE:
            raise ServiceError(
                "'With former foster carers' is for young people of 18 and over: at 17 choose "
                "the kind of accommodation",
                "accommodation",
            )


def leaver_contact_recorded(
    *,
    actor: User,
    child: Child,
    age: int,
    in_touch: str,
    activity: str,
    accommodation: str,
    contacted_on: dt.date | None,
) -> CareLeaverContact:
    """What the local authority knows about a care leaver around their 17th to 21st birthday (903
    OC3). A second record for the same birthday replaces the first (audited with both)."""
    _may_record(actor)
    if age not in OC3_AGES:
        raise ServiceError("Select the birthday, from the 17th to the 21st", "age")
    if child.date_of_birth is None:
        raise ServiceError(f"Record {child.first_name}'s date of birth first", "age")
    day = birthday(child.date_of_birth, age)
    if day > _today():
        raise ServiceError(
            f"{child.first_name}'s {age}th birthday is on {govuk_date(day)}: record the contact "
            "around the birthday, not before it",
            "age",
        )
    refuse_future_date(contacted_on, field="contacted_on", label="The date of the contact")
    standing = standing_of(child, day)
    _check_care_leaver_on_birthday(child, standing, age)
    year = dfe.collection_year(day)
    _check_contact_codes(in_touch, activity, accommodation, year, age)
    with transaction.atomic():
        contact = (
            CareLeaverContact.objects.select_for_update()
            .filter(child=child, year_ending=year)
            .first()
        )
        fields = ("year_ending", "in_touch", "activity", "accommodation", "contacted_on")
        before = audit.snapshot(contact, fields) if contact is not None else None
        if contact is None:
            contact = CareLeaverContact(child=child, year_ending=year)
        contact.in_touch = in_touch
        contact.activity = activity
        contact.accommodation = accommodation
        contact.contacted_on = contacted_on
        contact.save()
        _run_903_rules(child, contact)
        audit.record(
            actor=actor,
            action=AuditAction.CREATE if before is None else AuditAction.UPDATE,
            object_type=LEAVER_CONTACT,
            object_id=contact.pk,
            object_label=f"Care leaver contact at {age} for {child.full_name}",
            child_id=child.pk,
            before=before,
            after=audit.snapshot(contact, fields),
        )
    return contact


# 903 OC3 fields -> the form field a finding is shown on.
FINDING_FIELDS = {"IN_TOUCH": "in_touch", "ACTIV": "activity", "ACCOM": "accommodation"}


def _run_903_rules(child: Child, contact: CareLeaverContact) -> None:
    """The DfE's rules on the child's records as saved: refuse a finding about this contact."""
    findings = [f for f in checks.findings_for_child(child, today=_today()) if f.table == "OC3"]
    if not findings:
        return
    ids = list(
        CareLeaverContact.objects.filter(child=child)
        .order_by("year_ending", "pk")
        .values_list("pk", flat=True)
    )
    row = ids.index(contact.pk) + 1
    for finding in findings:
        if finding.row == row:
            field = next((FINDING_FIELDS[f] for f in finding.fields if f in FINDING_FIELDS), None)
            raise ServiceError(f"{finding.message} (DfE rule {finding.code})", field)


def _check_care_leaver_on_birthday(child: Child, standing: Standing, age: int) -> None:
    if standing.status in (LeaverStatus.RELEVANT, LeaverStatus.FORMER_RELEVANT):
        return
    if standing.status is LeaverStatus.ELIGIBLE:
        raise ServiceError(
            f"{child.first_name} was still looked after on their {age}th birthday: care leaver "
            "information is not needed for young people still looked after (DfE rule 1007)",
            "age",
        )
    raise ServiceError(
        f"{child.first_name} was not a care leaver on their {age}th birthday: {standing.reason}",
        "age",
    )


# ---------------------------------------------------------------- staying put


def staying_put_started(
    *, actor: User, child: Child, carer: Carer | None, started_on: dt.date
) -> StayingPut:
    """A former relevant young person stays with their former foster carers after 18."""
    _may_record(actor)
    refuse_future_date(started_on, field="started_on", label="The date staying put began")
    if child.date_of_birth is None:
        raise ServiceError(f"Record {child.first_name}'s date of birth first", "started_on")
    at18 = birthday(child.date_of_birth, ADULT_AGE)
    if started_on < at18:
        raise ServiceError(
            f"Staying put begins at 18: {child.first_name}'s 18th birthday is {govuk_date(at18)}",
            "started_on",
        )
    if carer is None:
        raise ServiceError("Select the former foster carers", "carer")
    if carer.partnership_id != child.partnership_id:
        raise ServiceError("Select a carer from this partnership's register", "carer")
    if carer.kind not in FOSTER_CARERS:
        raise ServiceError(
            f"Staying put is with former foster carers: {carer.name} is a "
            f"{carer.get_kind_display().lower()}",
            "carer",
        )
    standing = standing_of(child, started_on)
    if standing.status is not LeaverStatus.FORMER_RELEVANT:
        raise ServiceError(
            f"Staying put is for former relevant young people: {standing.reason}", "started_on"
        )
    with transaction.atomic():
        Child.objects.select_for_update().filter(pk=child.pk).first()
        arrangements = StayingPut.objects.filter(child=child)
        current = arrangements.filter(ended_on__isnull=True).first()
        if current is not None:
            raise ServiceError(
                f"{child.first_name} is already staying put (from "
                f"{govuk_date(current.started_on)}). Record that it ended first",
                "started_on",
            )
        clash = arrangements.filter(ended_on__gt=started_on).order_by("-ended_on").first()
        if clash is not None:
            assert clash.ended_on is not None
            raise ServiceError(
                "A new arrangement must begin on or after the last one ended "
                f"({govuk_date(clash.ended_on)})",
                "started_on",
            )
        arrangement = StayingPut.objects.create(child=child, carer=carer, started_on=started_on)
        chronology_record(
            actor=actor,
            child=child,
            case=open_case_for(child),
            occurred_on=started_on,
            event_type=EventType.CARE,
            summary="Began staying put with former foster carers",
            significance=Significance.MEDIUM,
            audience=(),
            record=arrangement,
        )
        _audit_staying_put(actor, arrangement, AuditAction.CREATE)
    return arrangement


def staying_put_ended(*, actor: User, arrangement: StayingPut, ended_on: dt.date) -> StayingPut:
    _may_record(actor)
    refuse_future_date(ended_on, field="ended_on", label="The date staying put ended")
    with transaction.atomic():
        arrangement = StayingPut.objects.select_for_update().get(pk=arrangement.pk)
        if arrangement.ended_on is not None:
            raise ServiceError(
                f"This arrangement already ended on {govuk_date(arrangement.ended_on)}",
                "ended_on",
            )
        if ended_on < arrangement.started_on:
            raise ServiceError(
                "The date staying put ended must be on or after it began "
                f"({govuk_date(arrangement.started_on)})",
                "ended_on",
            )
        before = audit.snapshot(arrangement, ("carer", "started_on", "ended_on"))
        arrangement.ended_on = ended_on
        arrangement.save(update_fields=["ended_on"])
        _audit_staying_put(actor, arrangement, AuditAction.UPDATE, before)
    return arrangement


def _audit_staying_put(
    actor: User, arrangement: StayingPut, action: AuditAction, before: dict | None = None
) -> None:
    audit.record(
        actor=actor,
        action=action,
        object_type=STAYING_PUT,
        object_id=arrangement.pk,
        object_label=f"Staying put for {arrangement.child.full_name}",
        child_id=arrangement.child_id,
        before=before,
        after=audit.snapshot(arrangement, ("carer", "started_on", "ended_on")),
    )
