"""Writes for the front door: contacts, agency checks, threshold decisions and referrals.

Each function validates, writes inside one transaction, changes a case's stage only through
``masa.journey.services.case_move``, adds the chronology line and appends the audit record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from masa.core import audit
from masa.core.models import Agency, AgencyKind, AuditAction, User
from masa.core.presenters import govuk_date
from masa.core.services import ServiceError, refuse_future_date
from masa.earlyhelp.models import EarlyHelpEpisode
from masa.earlyhelp.services import early_help_start, early_help_step_up
from masa.journey.models import Case, EventType, Stage
from masa.journey.services import (
    case_move,
    case_open,
    check_version,
    chronology_record,
    open_case_for,
    practice_settings,
)
from masa.people.models import Child
from masa.protection.factors import ASSESSMENT_FACTORS, NO_FACTORS
from masa.returns import cin

from .models import (
    AgencyCheck,
    ConsentBasis,
    Contact,
    PrimaryNeed,
    Rag,
    ReasonForClosure,
    Referral,
    ReferralSource,
    ThresholdDecision,
)
from .selectors import decision_options, previous_referral, sees_all_contacts

CONTACT = "contact"
REFERRAL = "referral"
D = ThresholdDecision

# Where each decision takes a case still at the contact stage (None: the case closes).
DECISION_STAGE: dict[str, Stage] = {
    D.NO_FURTHER_ACTION: Stage.CLOSED,
    D.INFORMATION_ADVICE: Stage.CLOSED,
    D.EARLY_HELP: Stage.EARLY_HELP,
    D.REFERRAL: Stage.REFERRAL,
    D.STRATEGY_NOW: Stage.STRATEGY,
}


class CinRuleRefusal(ServiceError):
    """The record would fail DfE CIN census rules: every failure, each with its form field."""

    def __init__(self, failures: Sequence[tuple[str, str | None]]) -> None:
        super().__init__(failures[0][0], failures[0][1])
        self._failures = list(failures)

    @property
    def failures(self) -> list[tuple[str, str | None]]:
        return self._failures


def _today() -> dt.date:
    return timezone.localdate()


def _contact_label(contact: Contact) -> str:
    return f"Contact about {contact.child.full_name}"


# ---------------------------------------------------------------- contacts


def contact_log(
    *,
    actor: User,
    child: Child,
    received_at: dt.datetime,
    source: str,
    source_agency: Agency | None,
    referrer_name: str,
    reason: str,
    presenting_factors: Sequence[str],
    consent_basis: str,
    rag: str = "",
) -> Contact:
    """Log a contact about a child. It opens a case at the contact stage, or joins the open one.

    Only children's social care and the MASH log contacts on behalf of another agency; anyone
    else's contact comes from their own agency (the source agency can read the contact).
    """
    if not sees_all_contacts(actor):
        source_agency = actor.agency
    if received_at > timezone.now():
        raise ServiceError(
            "The date and time the contact was received must be now or in the past", "received_on"
        )
    if source not in ReferralSource.values:
        raise ServiceError("Select who made the contact", "source")
    if source_agency is not None and source_agency.partnership_id != child.partnership_id:
        raise ServiceError("Choose an agency in this partnership", "source_agency")
    if not reason.strip():
        raise ServiceError("Enter the reason for the contact", "reason")
    factors = list(dict.fromkeys(presenting_factors))
    unknown = [code for code in factors if code not in ASSESSMENT_FACTORS]
    if unknown:
        raise ServiceError(f"Unknown presenting concern code: {', '.join(unknown)}", "factors")
    if not factors:
        raise ServiceError("Select at least one presenting concern", "factors")
    if NO_FACTORS in factors and len(factors) > 1:
        raise ServiceError(
            "'No factors identified' cannot be selected with other presenting concerns", "factors"
        )
    if consent_basis not in ConsentBasis.values:
        raise ServiceError("Select the basis for sharing information", "consent_basis")
    if rag and rag not in Rag.values:
        raise ServiceError("Select red, amber or green, or leave the rating blank", "rag")
    received_on = timezone.localdate(received_at)
    with transaction.atomic():
        case = open_case_for(child)
        if case is None:
            case = case_open(
                actor=actor,
                child=child,
                opened_on=received_on,
                stage=Stage.CONTACT,
                reason="Contact received by the front door",
            )
        contact = Contact.objects.create(
            child=child,
            case=case,
            received_at=received_at,
            source=source,
            source_agency=source_agency,
            referrer_name=referrer_name.strip(),
            reason=reason,
            presenting_factors=factors,
            consent_basis=consent_basis,
            rag=rag,
            recorded_by=actor,
        )
        who = source_agency.name if source_agency else ReferralSource(source).label
        chronology_record(
            actor=actor,
            child=child,
            case=case,
            occurred_on=received_on,
            event_type=EventType.CONTACT,
            summary=f"Contact from {who}: {reason}",
            source_agency=source_agency,
            record=contact,
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type=CONTACT,
            object_id=contact.pk,
            object_label=_contact_label(contact),
            child_id=child.pk,
            after={
                "received_at": received_at.isoformat(),
                "source": source,
                "presenting_factors": factors,
                "consent_basis": consent_basis,
                "rag": rag,
            },
        )
    return contact


def agency_check_add(
    *, actor: User, contact: Contact, information_held: bool, information: str
) -> AgencyCheck:
    """One agency's information check on a contact, before the threshold decision."""
    agency = actor.agency
    if agency is None:
        raise ServiceError("Only people working for an agency can add an agency check")
    if information_held and not information.strip():
        raise ServiceError("Enter the information your agency holds", "information")
    with transaction.atomic():
        locked = Contact.objects.select_for_update().get(pk=contact.pk)
        if locked.decision:
            raise ServiceError(
                "The threshold decision on this contact has been made: agency checks can no "
                "longer be added"
            )
        if AgencyCheck.objects.filter(contact=contact, agency=agency).exists():
            raise ServiceError(f"{agency.name} has already added its check to this contact")
        check = AgencyCheck.objects.create(
            contact=contact,
            agency=agency,
            information_held=information_held,
            information=information.strip() if information_held else "",
            recorded_by=actor,
            recorded_at=timezone.now(),
        )
        # A manager deciding from the page as it was before this check must look again.
        Contact.objects.filter(pk=contact.pk).update(version=F("version") + 1)
        found = f"information held: {check.information}" if information_held else "nothing held"
        chronology_record(
            actor=actor,
            child=contact.child,
            case=contact.case,
            occurred_on=_today(),
            event_type=EventType.AGENCY_CHECK,
            summary=f"{agency.name} information check: {found}",
            source_agency=agency,
            record=check,
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type="agency_check",
            object_id=check.pk,
            object_label=f"{agency.name} check on {_contact_label(contact).lower()}",
            child_id=contact.child_id,
            after={"information_held": information_held},
        )
    contact.version = Contact.objects.values_list("version", flat=True).get(pk=contact.pk)
    return check


# ---------------------------------------------------------------- the threshold decision


def _level_name(partnership_id: int, code: str) -> str | None:
    for level in practice_settings(partnership_id).continuum_levels:
        if str(level.get("code")) == code:
            return str(level.get("name", code))
    return None


def threshold_decide(
    *,
    actor: User,
    contact: Contact,
    decision: str,
    continuum_level: str,
    reason: str,
    decided_on: dt.date,
    primary_need: str = "",
    lead_agency: Agency | None = None,
    version: int | None,
) -> Contact:
    """Record the threshold decision on a contact and carry it out on the case.

    A referral (or a strategy discussion now) creates a ``Referral`` whose referral date is the
    date the contact was received: the front door's decision accepts the contact as a referral
    from when it arrived, so the Working Together clocks (assessment in 45 working days) and the
    CIN census referral date both start when the family's need was first reported.
    """
    if contact.decision:
        raise ServiceError("A threshold decision has already been recorded on this contact")
    options = decision_options(contact)
    if decision not in [value for value, _ in options]:
        allowed = " or ".join(label.lower() for _, label in options)
        raise ServiceError(f"Select a decision: for this contact it can be {allowed}", "decision")
    partnership_id = contact.case.partnership_id
    level_name = _level_name(partnership_id, continuum_level)
    if level_name is None:
        raise ServiceError("Select the level of need on the continuum", "continuum_level")
    if not reason.strip():
        raise ServiceError("Enter the reason for the decision", "decision_reason")
    received_on = timezone.localdate(contact.received_at)
    refuse_future_date(decided_on, field="decided_on", label="The date of the decision")
    if decided_on < received_on:
        raise ServiceError(
            "The date of the decision must be on or after the date the contact was received "
            f"({govuk_date(received_on)})",
            "decided_on",
        )
    makes_referral = decision in (D.REFERRAL, D.STRATEGY_NOW)
    if makes_referral and primary_need not in PrimaryNeed.values:
        raise ServiceError("Select the child's primary need for the referral", "primary_need")
    if decision == D.EARLY_HELP and lead_agency is None:
        raise ServiceError("Select the agency that will lead the early help", "lead_agency")

    label = ThresholdDecision(decision).label
    with transaction.atomic():
        check_version(Contact, contact.pk, version)
        locked = Contact.objects.select_for_update().get(pk=contact.pk)
        if locked.decision:
            raise ServiceError("A threshold decision has already been recorded on this contact")
        case = _case_for_decision(actor, contact, decision)
        if decided_on < case.opened_on:
            raise ServiceError(
                "The date of the decision must be on or after the date the case opened "
                f"({govuk_date(case.opened_on)})",
                "decided_on",
            )
        why = f"Threshold decision: {label}. {reason}"
        target = DECISION_STAGE.get(decision)
        if decision == D.EARLY_HELP:
            assert lead_agency is not None
            early_help_start(
                actor=actor,
                case=case,
                started_on=decided_on,
                lead_agency=lead_agency,
                reason=why,
            )
        elif makes_referral and case.stage == Stage.EARLY_HELP:
            assert target is not None
            _step_up(actor, case, contact, decided_on, primary_need, target, why)
        elif makes_referral:
            assert target is not None
            referral_create(
                actor=actor,
                case=case,
                referral_date=received_on,
                moved_on=decided_on,
                source=contact.source,
                primary_need=primary_need,
                to_stage=target,
                reason=why,
                contact=contact,
            )
        elif target is Stage.CLOSED and case.is_open:
            case_move(actor=actor, case=case, to_stage=target, effective_on=decided_on, reason=why)
        Contact.objects.filter(pk=contact.pk).update(
            case=case,
            decision=decision,
            continuum_level=continuum_level,
            decision_reason=reason,
            decided_on=decided_on,
            decided_by=actor,
        )
        chronology_record(
            actor=actor,
            child=contact.child,
            case=case,
            occurred_on=decided_on,
            event_type=EventType.THRESHOLD_DECISION,
            summary=f"Threshold decision on the contact: {label} (level {level_name}). {reason}",
        )
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type=CONTACT,
            object_id=contact.pk,
            object_label=_contact_label(contact),
            child_id=contact.child_id,
            after={
                "decision": decision,
                "continuum_level": continuum_level,
                "decided_on": decided_on.isoformat(),
            },
            reason=reason,
        )
    contact.refresh_from_db()
    return contact


def _step_up(
    actor: User,
    case: Case,
    contact: Contact,
    decided_on: dt.date,
    primary_need: str,
    to_stage: Stage,
    why: str,
) -> Referral:
    """A contact steps a child in early help up: early help ends as stepped up and the referral
    is made as from the early help page, dated when the contact was received."""
    episode = EarlyHelpEpisode.objects.filter(case=case, ended_on__isnull=True).first()
    if episode is None:  # a case moved to early help without an episode: a plain referral
        return referral_create(
            actor=actor,
            case=case,
            referral_date=timezone.localdate(contact.received_at),
            moved_on=decided_on,
            source=contact.source,
            primary_need=primary_need,
            to_stage=to_stage,
            reason=why,
            contact=contact,
        )
    return early_help_step_up(
        actor=actor,
        episode=episode,
        stepped_up_on=decided_on,
        source=contact.source,
        primary_need=primary_need,
        reason=why,
        version=None,  # the contact's version guards this decision
        to_stage=to_stage,
        referral_date=timezone.localdate(contact.received_at),
        contact=contact,
    )


def _case_for_decision(actor: User, contact: Contact, decision: str) -> Case:
    """The case the decision acts on.

    Usually the contact's own case. When another contact's decision has closed that case, a
    decision that starts work opens a new case, and a child whose work has moved to a newer open
    case has the contact passed to that case.
    """
    case = Case.objects.select_for_update().get(pk=contact.case_id)
    if case.is_open or decision in (D.NO_FURTHER_ACTION, D.INFORMATION_ADVICE):
        return case
    current = open_case_for(contact.child)
    if current is not None:
        return current
    return case_open(
        actor=actor,
        child=contact.child,
        opened_on=timezone.localdate(contact.received_at),
        stage=Stage.CONTACT,
        team=case.team,
        reason="Contact received by the front door",
    )


# ---------------------------------------------------------------- referrals


def _cin_episode(referral: Referral) -> cin.CINEpisode:
    case = referral.case
    closed_on = referral.closure_date or (case.closed_on if not case.is_open else None)
    return cin.CINEpisode(
        CINreferralDate=referral.referral_date,
        ReferralSource=referral.source,
        PrimaryNeedCode=referral.primary_need or None,
        CINclosureDate=closed_on,
        ReasonForClosure=referral.closure_reason or None,
        ReferralNFA=referral.no_further_action,
        ref=str(referral.pk) if referral.pk else None,
    )


CIN_FIELDS = {
    "CINreferralDate": "referral_date",
    "ReferralSource": "source",
    "PrimaryNeedCode": "primary_need",
    "CINclosureDate": "closed_on",
    "ReasonForClosure": "closure_reason",
}


def cin_check_referral(referral: Referral) -> None:
    """Refuse a referral (as it would be saved) that fails the DfE CIN census rules.

    The child's other referrals are the other CIN episodes. Only failures in or involving this
    episode refuse the save; DfE queries (rules ending in Q) ask for a check and do not.
    """
    child = referral.child
    others = (
        Referral.objects.filter(child=child)
        .exclude(pk=referral.pk)
        .select_related("case")
        .order_by("referral_date", "pk")
    )
    episodes = [_cin_episode(other) for other in others]
    episodes.append(_cin_episode(referral))
    record = cin.CINChild(
        ChildIdentifiers=cin.ChildIdentifiers(
            LAchildID=child.masa_id,
            PersonBirthDate=child.date_of_birth,
            ExpectedPersonBirthDate=child.expected_date_of_birth,
            Sex=child.sex,
        ),
        CINdetails=tuple(episodes),
    )
    failures = [
        failure
        for failure in cin.check_on_entry(record, focus="Referral", episode=len(episodes) - 1)
        if not failure.query and failure.location.episode is not None
    ]
    if failures:
        raise CinRuleRefusal(
            [(failure.text, CIN_FIELDS.get(failure.field or "")) for failure in failures]
        )


def referral_create(
    *,
    actor: User,
    case: Case,
    referral_date: dt.date,
    source: str,
    primary_need: str,
    to_stage: Stage,
    reason: str,
    moved_on: dt.date | None = None,
    contact: Contact | None = None,
) -> Referral:
    """Accept a referral to children's social care on a case and move the case on.

    A case carries one CIN episode: if the case already had a referral (a child stepped down to
    early help and now stepping back up), that case closes and a new case carries the new one.
    Call inside the caller's transaction.
    """
    moved_on = moved_on or referral_date
    if source not in ReferralSource.values:
        raise ServiceError("Select where the referral came from", "source")
    if primary_need not in PrimaryNeed.values:
        raise ServiceError("Select the child's primary need for the referral", "primary_need")
    refuse_future_date(referral_date, field="referral_date", label="The referral date")
    with transaction.atomic():
        if Referral.objects.filter(case=case).exists():
            case_move(
                actor=actor, case=case, to_stage=Stage.CLOSED, effective_on=moved_on, reason=reason
            )
            case = case_open(
                actor=actor,
                child=case.child,
                opened_on=moved_on,
                stage=to_stage,
                team=case.team,
                reason=reason,
            )
        else:
            case_move(
                actor=actor, case=case, to_stage=to_stage, effective_on=moved_on, reason=reason
            )
        referral = Referral(
            child=case.child,
            case=case,
            contact=contact,
            referral_date=referral_date,
            source=source,
            primary_need=primary_need,
            recorded_by=actor,
        )
        cin_check_referral(referral)
        referral.save()
        previous = previous_referral(referral.child_id, referral_date, exclude_pk=referral.pk)
        again = (
            f" Re-referral: previous referral {govuk_date(previous.referral_date)}."
            if previous
            else ""
        )
        chronology_record(
            actor=actor,
            child=case.child,
            case=case,
            occurred_on=referral_date,
            event_type=EventType.REFERRAL,
            summary=(
                f"Referral to children's social care from {ReferralSource(source).label}; "
                f"primary need {PrimaryNeed(primary_need).label}.{again}"
            ),
            record=referral,
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type=REFERRAL,
            object_id=referral.pk,
            object_label=f"Referral of {case.child.full_name}",
            child_id=case.child_id,
            after={
                "referral_date": referral_date.isoformat(),
                "source": source,
                "primary_need": primary_need,
                "re_referral": previous is not None,
            },
            reason=reason,
        )
    return referral


def referral_no_further_action(
    *,
    actor: User,
    referral: Referral,
    closed_on: dt.date,
    closure_reason: str,
    reason: str,
    version: int | None,
) -> Referral:
    """Close a referral with no further action (CIN census ReferralNFA) and close its case."""
    if referral.no_further_action:
        raise ServiceError("This referral has already been closed with no further action")
    case = referral.case
    if case.stage != Stage.REFERRAL:
        raise ServiceError(
            "Only a referral that has not moved on can close with no further action. This case "
            f"is at '{Stage(case.stage).label}': close it from the case instead."
        )
    if closure_reason not in ReasonForClosure.values:
        raise ServiceError("Select the reason for closure", "closure_reason")
    if not reason.strip():
        raise ServiceError("Enter why no further action is needed", "reason")
    refuse_future_date(closed_on, field="closed_on", label="The closure date")
    if closed_on < referral.referral_date:
        raise ServiceError(
            "The closure date must be on or after the referral date "
            f"({govuk_date(referral.referral_date)})",
            "closed_on",
        )
    with transaction.atomic():
        check_version(Referral, referral.pk, version)
        referral.no_further_action = True
        referral.closure_date = closed_on
        referral.closure_reason = closure_reason
        cin_check_referral(referral)
        Referral.objects.filter(pk=referral.pk).update(
            no_further_action=True, closure_date=closed_on, closure_reason=closure_reason
        )
        label = ReasonForClosure(closure_reason).label
        case_move(
            actor=actor,
            case=case,
            to_stage=Stage.CLOSED,
            effective_on=closed_on,
            reason=f"Referral closed with no further action ({label}). {reason}",
        )
        chronology_record(
            actor=actor,
            child=referral.child,
            case=case,
            occurred_on=closed_on,
            event_type=EventType.CLOSURE,
            summary=f"Referral closed with no further action: {label}.",
        )
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type=REFERRAL,
            object_id=referral.pk,
            object_label=f"Referral of {referral.child.full_name}",
            child_id=referral.child_id,
            after={
                "no_further_action": True,
                "closure_date": closed_on.isoformat(),
                "closure_reason": closure_reason,
            },
            reason=reason,
        )
    referral.refresh_from_db()
    return referral


def default_source(agency: Agency | None) -> str:
    """The DfE referral source a contact from this kind of agency usually has."""
    if agency is None:
        return ""
    return {
        AgencyKind.POLICE: ReferralSource.POLICE,
        AgencyKind.HEALTH: ReferralSource.OTHER_PRIMARY_HEALTH,
        AgencyKind.SCHOOL: ReferralSource.SCHOOLS,
        AgencyKind.PROBATION: ReferralSource.OTHER_LEGAL,
        AgencyKind.VOLUNTARY: ReferralSource.OTHER,
    }.get(AgencyKind(agency.kind), "")
