"""Writes for children looked after: placing a child, episodes, reviews, health and education,
outcomes, adoption and permanence, social workers and the register of carers.

Care is recorded as SSDA903 episodes (docs/adr/0017-care-episodes.md): placing a child starts a
period of care with an episode whose reason for new episode (RNE) is "S"; a change of placement
or legal status ends the current episode that day ("X1") and starts the next; care ceasing ends
the last episode with its reason (REC). Periods of care are derived from the episodes, never
stored. The case moves to and from the "looked after" stage through
``masa.journey.services.case_move``, in the same transaction.

Every service checks masa's own essentials (dates in order and not in the future, no overlapping
episodes, each new episode starting the day the previous one ends, codes from the collection
year's list) and then runs the DfE's 903 rules on the child (``masa.care.checks``), refusing the
save when a finding is about the record being saved. Each writes a chronology line and an audit
record. Chronology lines use the closest existing event type ("significant event") until the
journey app has care types of its own.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from masa.core import audit
from masa.core.models import AgencyKind, AuditAction, User
from masa.core.permissions import Permission
from masa.core.presenters import govuk_date
from masa.core.services import ServiceError, refuse_future_date
from masa.journey.models import Case, EventType, Significance, Stage
from masa.journey.services import (
    case_move,
    case_open,
    check_version,
    chronology_follow,
    chronology_record,
    open_case_for,
)
from masa.people.models import Child

from . import checks
from . import codes as dfe
from .distance import normalise_postcode
from .models import (
    AdoptionDecision,
    AdoptionMatch,
    AnnualOutcomes,
    CareProfile,
    Carer,
    CareReview,
    CarerKind,
    Episode,
    HealthAndEducationEvent,
    HealthEventKind,
    PreviousPermanence,
    SocialWorkerEpisode,
)

EPISODE = "care_episode"  # audit object types
REVIEW = "care_review"
PROFILE = "care_profile"

# Chronology: the start and end of care are shared with every agency working with the child
# (they need to know the child is in care); placement details, addresses and reasons stay with
# children's social care. Health assessments go to health, education plans to schools.
_PARTNERS = (
    AgencyKind.POLICE,
    AgencyKind.HEALTH,
    AgencyKind.SCHOOL,
    AgencyKind.PROBATION,
    AgencyKind.VOLUNTARY,
)
_HEALTH_KINDS = {
    HealthEventKind.INITIAL_HEALTH_ASSESSMENT,
    HealthEventKind.REVIEW_HEALTH_ASSESSMENT,
    HealthEventKind.DENTAL_CHECK,
    HealthEventKind.IMMUNISATIONS_UP_TO_DATE,
}


def today() -> dt.date:
    return timezone.localdate()


# ---------------------------------------------------------------- shared checks


@dataclass(frozen=True)
class _Meta:
    label_lower: str


@dataclass(frozen=True)
class ChronologyKey:
    """The chronology key of a second dated event of one record (an episode's end)."""

    _meta: _Meta
    pk: int

    @classmethod
    def of(cls, record: Episode, event: str) -> ChronologyKey:
        return cls(_Meta(f"{record._meta.label_lower}.{event}"), record.pk)


def _year_label(year: int) -> str:
    return f"{year - 1}/{str(year)[2:]}"


def check_code(field: str, code: str, day: dt.date, *, form_field: str, what: str) -> None:
    """Refuse a code that is not on the DfE's list for the collection year of ``day``."""
    year = dfe.collection_year(day)
    if not code:
        raise ServiceError(f"Select {what}", form_field)
    if not dfe.is_valid(field, code, year):
        raise ServiceError(
            f"'{code}' is not a {what} code the DfE accepts in {_year_label(year)}. Choose one "
            "on the list",
            form_field,
        )


def _not_before(day: dt.date, earliest: dt.date, field: str, message: str) -> None:
    if day < earliest:
        raise ServiceError(f"{message} ({govuk_date(earliest)})", field)


def _not_before_birth(child: Child, day: dt.date, field: str, label: str) -> None:
    if child.date_of_birth is not None and day < child.date_of_birth:
        raise ServiceError(
            f"{label} must be on or after {child.first_name}'s date of birth "
            f"({govuk_date(child.date_of_birth)})",
            field,
        )


_URN = re.compile(r"^[A-Z0-9]{1,8}$")


def clean_urn(urn: str) -> str:
    urn = (urn or "").strip().upper()
    if urn and not _URN.match(urn):
        raise ServiceError("The Ofsted URN must be up to 8 letters and numbers", "urn")
    return urn


def clean_postcode(text: str, field: str, label: str) -> str:
    postcode = normalise_postcode(text)
    if len(postcode) > 8:
        raise ServiceError(f"{label} must be a UK postcode, like NB1 2AB", field)
    return postcode


# 903 field -> the form field a finding is shown on.
FINDING_FIELDS = {
    "DECOM": "started_on",
    "RNE": "started_on",
    "LS": "legal_status",
    "CIN": "category_of_need",
    "PLACE": "placement_type",
    "PLACE_PROVIDER": "placement_provider",
    "DEC": "ended_on",
    "REC": "reason_ceased",
    "REASON_PLACE_CHANGE": "reason_place_change",
    "HOME_POST": "home_postcode",
    "PL_POST": "placement_postcode",
    "URN": "urn",
    "REVIEW": "held_on",
    "REVIEW_CODE": "participation",
}


def _row_of(record: Episode | CareReview) -> tuple[str, int]:
    """The 903 table and 1-based row (the child's records in date order) of a saved record."""
    if isinstance(record, Episode):
        table = "Episodes"
        ids = list(
            Episode.objects.filter(child_id=record.child_id)
            .order_by("started_on", "pk")
            .values_list("pk", flat=True)
        )
    else:
        table = "Reviews"
        ids = list(
            CareReview.objects.filter(child_id=record.child_id)
            .order_by("held_on", "pk")
            .values_list("pk", flat=True)
        )
    return table, ids.index(record.pk) + 1


def run_903_rules(child: Child, saved: Iterable[Episode | CareReview]) -> None:
    """The DfE's rules on the child's records as saved (inside the writing transaction): refuse
    when a finding is about a record this save wrote, with the DfE's message and field."""
    findings = checks.findings_for_child(child, today=today())
    if not findings:
        return
    rows = {_row_of(record) for record in saved}
    for finding in findings:
        if (finding.table, finding.row) in rows:
            field = next((FINDING_FIELDS[f] for f in finding.fields if f in FINDING_FIELDS), None)
            raise ServiceError(f"{finding.message} (DfE rule {finding.code})", field)


def current_episode(child: Child) -> Episode | None:
    return (
        Episode.objects.filter(child=child, ended_on__isnull=True).order_by("-started_on").first()
    )


def _check_current(episode: Episode) -> None:
    """Refuse a change to an episode that has already ended (re-read: it may just have)."""
    episode.refresh_from_db(fields=["ended_on", "reason_ceased", "version"])
    if episode.ended_on is not None:
        if episode.reason_ceased == dfe.CONTINUES:
            raise ServiceError(
                f"This episode ended on {govuk_date(episode.ended_on)} when the next one began. "
                "Record the change on the child's current episode."
            )
        raise ServiceError(
            f"Care already ceased on {govuk_date(episode.ended_on)}. To record the child coming "
            "back into care, place the child again."
        )


def _carer_in_partnership(carer: Carer | None, child: Child, on: dt.date) -> None:
    if carer is None:
        return
    if carer.partnership_id != child.partnership_id:
        raise ServiceError("Select a carer from this partnership's register", "carer")
    if carer.ended_on is not None and carer.ended_on < on:
        raise ServiceError(
            f"{carer.name} left the register on {govuk_date(carer.ended_on)}: select a current "
            "carer",
            "carer",
        )


@dataclass(frozen=True)
class Placement:
    """Where and with whom the child lives, as an episode records it."""

    placement_type: str
    placement_provider: str = ""
    carer: Carer | None = None
    placement_postcode: str = ""
    urn: str = ""

    def filled_from_carer(self) -> Placement:
        """The register fills what the worker left blank: provider, postcode and URN."""
        carer = self.carer
        if carer is None:
            return self
        return Placement(
            self.placement_type,
            self.placement_provider or carer.provider_code,
            carer,
            self.placement_postcode or carer.postcode,
            self.urn or carer.urn,
        )


def _check_placement(placement: Placement, child: Child, on: dt.date) -> Placement:
    placement = placement.filled_from_carer()
    check_code(
        "PLACE", placement.placement_type, on, form_field="placement_type", what="placement type"
    )
    if placement.placement_provider:
        check_code(
            "PLACE_PROVIDER",
            placement.placement_provider,
            on,
            form_field="placement_provider",
            what="placement provider",
        )
    elif placement.placement_type not in dfe.TEMPORARY_PLACEMENTS:
        raise ServiceError("Select the placement provider", "placement_provider")
    _carer_in_partnership(placement.carer, child, on)
    return Placement(
        placement.placement_type,
        placement.placement_provider,
        placement.carer,
        clean_postcode(placement.placement_postcode, "placement_postcode", "Placement postcode"),
        clean_urn(placement.urn),
    )


def _audit_episode(
    actor: User, episode: Episode, action: AuditAction, reason: str = "", before: dict | None = None
) -> None:
    audit.record(
        actor=actor,
        action=action,
        object_type=EPISODE,
        object_id=episode.pk,
        object_label=f"Episode of care for {episode.child.full_name}",
        child_id=episode.child_id,
        before=before,
        after=audit.snapshot(episode, EPISODE_FIELDS),
        reason=reason,
    )


EPISODE_FIELDS = (
    "started_on",
    "reason_new_episode",
    "legal_status",
    "category_of_need",
    "placement_type",
    "placement_provider",
    "carer",
    "ended_on",
    "reason_ceased",
    "reason_place_change",
    "home_postcode",
    "placement_postcode",
    "urn",
)


# ---------------------------------------------------------------- placing a child


def _latest_episode(child: Child) -> Episode | None:
    return Episode.objects.filter(child=child).order_by("-started_on", "-pk").first()


def _ensure_case(actor: User, child: Child, on: dt.date, reason: str) -> Case:
    """The child's open case, moved to "looked after"; or a new case opened at that stage."""
    case = open_case_for(child)
    if case is None:
        return case_open(
            actor=actor, child=child, opened_on=on, stage=Stage.LOOKED_AFTER, reason=reason
        )
    if case.stage != Stage.LOOKED_AFTER:
        try:
            case_move(
                actor=actor, case=case, to_stage=Stage.LOOKED_AFTER, effective_on=on, reason=reason
            )
        except ServiceError as refused:
            # The stage table's refusal, shown against the date the worker typed.
            field = "started_on" if refused.field == "effective_on" else refused.field
            raise ServiceError(refused.message, field) from refused
    return case


def child_placed(
    *,
    actor: User,
    child: Child,
    started_on: dt.date,
    legal_status: str,
    category_of_need: str,
    placement: Placement,
    home_postcode: str,
    reason: str,
) -> Episode:
    """The child becomes looked after: a new period of care starts (RNE "S")."""
    refuse_future_date(
        started_on, field="started_on", label="The date the child became looked after"
    )
    _not_before_birth(child, started_on, "started_on", "The date the child became looked after")
    check_code("LS", legal_status, started_on, form_field="legal_status", what="legal status")
    check_code(
        "CIN", category_of_need, started_on, form_field="category_of_need", what="category of need"
    )
    placement = _check_placement(placement, child, started_on)
    home = clean_postcode(home_postcode, "home_postcode", "Home postcode")
    if not reason.strip():
        raise ServiceError("Enter why the child is becoming looked after", "reason")
    with transaction.atomic():
        Child.objects.select_for_update().filter(pk=child.pk).first()  # one placing at a time
        current = current_episode(child)
        if current is not None:
            raise ServiceError(
                f"{child.full_name} is already looked after (this episode began "
                f"{govuk_date(current.started_on)}). Record a change of placement or legal "
                "status instead."
            )
        latest = _latest_episode(child)
        if latest is not None:
            assert latest.ended_on is not None
            if started_on <= latest.ended_on:
                raise ServiceError(
                    "A new period of care must start after the previous one ended "
                    f"({govuk_date(latest.ended_on)})",
                    "started_on",
                )
        case = _ensure_case(actor, child, started_on, f"Became looked after: {reason}".strip())
        episode = Episode.objects.create(
            child=child,
            case=case,
            started_on=started_on,
            reason_new_episode=dfe.STARTED_CARE,
            legal_status=legal_status,
            category_of_need=category_of_need,
            placement_type=placement.placement_type,
            placement_provider=placement.placement_provider,
            carer=placement.carer,
            home_postcode=home,
            placement_postcode=placement.placement_postcode,
            urn=placement.urn,
            recorded_by=actor,
        )
        CareProfile.objects.get_or_create(child=child)
        chronology_record(
            actor=actor,
            child=child,
            case=case,
            occurred_on=started_on,
            event_type=EventType.CARE,
            summary="Became looked after by the local authority",
            significance=Significance.HIGH,
            audience=_PARTNERS,
            record=episode,
        )
        _audit_episode(actor, episode, AuditAction.CREATE, reason)
        if (
            case.worker_id is not None
            and not SocialWorkerEpisode.objects.filter(child=child, ended_on__isnull=True).exists()
        ):
            _start_social_worker(child, case.worker, started_on)
        run_903_rules(child, [episode])
    return episode


# ---------------------------------------------------------------- changes during care


def _new_episode_reason(current: Episode, legal_status: str, placement: Placement) -> str | None:
    """The 903 reason for a new episode, from what changed (None: nothing did).

    P: placement and carer; T: placement only, same carer; B: legal status and placement, same
    carer; U: legal status, placement and carer; L: legal status only. Without a carer from the
    register on both sides, a move to another place or kind of placement is a change of carer.
    """
    status_changed = legal_status != current.legal_status
    place_changed = (
        placement.placement_type != current.placement_type
        or placement.placement_postcode != current.placement_postcode
        or placement.urn != current.urn
        or placement.placement_provider != current.placement_provider
    )
    if placement.carer is not None or current.carer_id is not None:
        carer_changed = (placement.carer.pk if placement.carer else None) != current.carer_id
    else:
        carer_changed = place_changed
    if carer_changed:
        return "U" if status_changed else "P"
    if place_changed:
        return "B" if status_changed else "T"
    return dfe.LEGAL_STATUS_ONLY if status_changed else None


def _check_change_date(current: Episode, changed_on: dt.date, label: str) -> None:
    refuse_future_date(changed_on, field="changed_on", label=label)
    if changed_on <= current.started_on:
        raise ServiceError(
            f"{label} must be after the current episode began "
            f"({govuk_date(current.started_on)}): correct that episode instead if its details "
            "were wrong from the start",
            "changed_on",
        )


def _reason_place_change_needed(from_type: str, to_type: str, rne: str) -> bool:
    """The 903 asks why a placement changed when one placement follows another; not for a
    change of legal status only, and not into or out of a temporary placement."""
    return (
        rne in dfe.PLACEMENT_CHANGES
        and from_type not in dfe.TEMPORARY_PLACEMENTS
        and to_type not in dfe.TEMPORARY_PLACEMENTS
    )


def _next_episode(
    *,
    actor: User,
    current: Episode,
    version: int | None,
    changed_on: dt.date,
    rne: str,
    legal_status: str,
    placement: Placement,
    reason_place_change: str,
    note: str,
) -> Episode:
    """End the current episode on the day and start the next one (shared by the changes)."""
    child = current.child
    with transaction.atomic():
        check_version(Episode, current.pk, version)
        locked = Episode.objects.select_for_update().get(pk=current.pk)
        if locked.ended_on is not None:
            _check_current(locked)
        before = audit.snapshot(locked, EPISODE_FIELDS)
        locked.ended_on = changed_on
        locked.reason_ceased = dfe.CONTINUES
        locked.reason_place_change = reason_place_change
        locked.save(update_fields=["ended_on", "reason_ceased", "reason_place_change"])
        _audit_episode(actor, locked, AuditAction.UPDATE, note, before)
        following = Episode.objects.create(
            child=child,
            case=locked.case,
            started_on=changed_on,
            reason_new_episode=rne,
            legal_status=legal_status,
            category_of_need=locked.category_of_need,
            placement_type=placement.placement_type,
            placement_provider=placement.placement_provider,
            carer=placement.carer,
            home_postcode=locked.home_postcode,
            placement_postcode=placement.placement_postcode,
            urn=placement.urn,
            recorded_by=actor,
        )
        what = dfe.label("RNE", rne, dfe.collection_year(changed_on))
        if rne in (dfe.LEGAL_STATUS_ONLY, "B", "U"):
            what += f" (legal status now {dfe.described('LS', legal_status)})"
        chronology_record(
            actor=actor,
            child=child,
            case=locked.case,
            occurred_on=changed_on,
            event_type=EventType.CARE,
            summary=f"Looked after: {what[0].lower()}{what[1:]}",
            significance=Significance.MEDIUM,
            audience=(),
            record=following,
        )
        _audit_episode(actor, following, AuditAction.CREATE, note)
        run_903_rules(child, [locked, following])
    current.refresh_from_db()
    return following


def placement_changed(
    *,
    actor: User,
    episode: Episode,
    version: int | None,
    changed_on: dt.date,
    placement: Placement,
    reason_place_change: str,
    legal_status: str = "",
    note: str = "",
) -> Episode:
    """The child moves placement (or carer): the current episode ends that day with "X1" and the
    next starts with RNE P, T, B or U, as what changed says."""
    _check_current(episode)
    _check_change_date(episode, changed_on, "The date of the move")
    legal_status = legal_status or episode.legal_status
    check_code("LS", legal_status, changed_on, form_field="legal_status", what="legal status")
    placement = _check_placement(placement, episode.child, changed_on)
    rne = _new_episode_reason(episode, legal_status, placement)
    if rne is None or rne == dfe.LEGAL_STATUS_ONLY:
        raise ServiceError(
            "The placement is the same as the current one: change the placement type, carer, "
            "postcode or provider, or record a change of legal status instead",
            "placement_type",
        )
    year = dfe.collection_year(changed_on)
    needed = _reason_place_change_needed(
        episode.placement_type, placement.placement_type, rne
    ) and bool(dfe.codes("REASON_PLACE_CHANGE", year))
    if needed:
        check_code(
            "REASON_PLACE_CHANGE",
            reason_place_change,
            changed_on,
            form_field="reason_place_change",
            what="reason for the placement change",
        )
    elif reason_place_change:
        raise ServiceError(
            "The DfE records no reason for a change into or out of a temporary placement: leave "
            "the reason for the change empty",
            "reason_place_change",
        )
    return _next_episode(
        actor=actor,
        current=episode,
        version=version,
        changed_on=changed_on,
        rne=rne,
        legal_status=legal_status,
        placement=placement,
        reason_place_change=reason_place_change,
        note=note,
    )


def legal_status_changed(
    *,
    actor: User,
    episode: Episode,
    version: int | None,
    changed_on: dt.date,
    legal_status: str,
    note: str = "",
) -> Episode:
    """A new legal status (for example a full care order after an interim one), same placement:
    the current episode ends that day and the next starts with RNE "L"."""
    _check_current(episode)
    _check_change_date(episode, changed_on, "The date the legal status changed")
    check_code("LS", legal_status, changed_on, form_field="legal_status", what="legal status")
    if legal_status == episode.legal_status:
        raise ServiceError(
            f"The child's legal status is already {dfe.described('LS', legal_status)}",
            "legal_status",
        )
    same = Placement(
        episode.placement_type,
        episode.placement_provider,
        episode.carer,
        episode.placement_postcode,
        episode.urn,
    )
    return _next_episode(
        actor=actor,
        current=episode,
        version=version,
        changed_on=changed_on,
        rne=dfe.LEGAL_STATUS_ONLY,
        legal_status=legal_status,
        placement=same,
        reason_place_change="",
        note=note,
    )


class NextStep:
    """What happens to the case when care ceases."""

    CLOSE = "close"
    CIN_PLAN = "cin_plan"
    STRATEGY = "strategy"

    choices = (
        (CLOSE, "Close the case"),
        (CIN_PLAN, "Continue with a child in need plan"),
        (STRATEGY, "Hold a strategy discussion (concerns about significant harm)"),
    )


# Reason care ceased -> CIN census reason for closure, when care ceasing closes the case.
CLOSURE_FOR_REASON_CEASED = {
    "E11": "RC1",
    "E12": "RC1",
    "E2": "RC2",
    "E41": "RC3",
    "E43": "RC4",
    "E44": "RC4",
    "E45": "RC4",
    "E46": "RC4",
    "E47": "RC4",
    "E48": "RC4",
    "E3": "RC5",
    "E7": "RC6",
}


def _move_case_on(
    *, actor: User, case: Case, ceased_on: dt.date, reason_ceased: str, next_step: str, note: str
) -> None:
    from masa.protection.services_cin import cin_plan_start, close_case

    why = f"Ceased to be looked after: {dfe.described('REC', reason_ceased)}. {note}".strip()
    if next_step == NextStep.CLOSE:
        close_case(
            actor=actor,
            case=case,
            closed_on=ceased_on,
            closure_reason=CLOSURE_FOR_REASON_CEASED.get(reason_ceased, "RC7"),
            note=why,
        )
    elif next_step == NextStep.CIN_PLAN:
        cin_plan_start(actor=actor, case=case, started_on=ceased_on, plan="", reason=why)
    else:
        case_move(
            actor=actor, case=case, to_stage=Stage.STRATEGY, effective_on=ceased_on, reason=why
        )


def care_ceased(
    *,
    actor: User,
    episode: Episode,
    version: int | None,
    ceased_on: dt.date,
    reason_ceased: str,
    next_step: str,
    note: str = "",
) -> Episode:
    """The child stops being looked after: the last episode ends with its reason (REC), the
    social worker episode ends, and the case moves on (closed, a CIN plan or a strategy
    discussion)."""
    _check_current(episode)
    refuse_future_date(ceased_on, field="ceased_on", label="The date care ceased")
    _not_before(
        ceased_on,
        episode.started_on,
        "ceased_on",
        "The date care ceased must be on or after the current episode began",
    )
    if reason_ceased == dfe.CONTINUES:
        raise ServiceError(
            "X1 is for an episode followed by another: record a change of placement or legal "
            "status instead, or select why care ceased",
            "reason_ceased",
        )
    check_code(
        "REC", reason_ceased, ceased_on, form_field="reason_ceased", what="reason care ceased"
    )
    if next_step not in {NextStep.CLOSE, NextStep.CIN_PLAN, NextStep.STRATEGY}:
        raise ServiceError("Select what happens to the case next", "next_step")
    child = episode.child
    with transaction.atomic():
        check_version(Episode, episode.pk, version)
        locked = Episode.objects.select_for_update().get(pk=episode.pk)
        if locked.ended_on is not None:
            _check_current(locked)
        before = audit.snapshot(locked, EPISODE_FIELDS)
        locked.ended_on, locked.reason_ceased = ceased_on, reason_ceased
        locked.save(update_fields=["ended_on", "reason_ceased"])
        chronology_record(
            actor=actor,
            child=child,
            case=locked.case,
            occurred_on=ceased_on,
            event_type=EventType.CARE,
            # Every agency reads this line: the reason stays on the episode.
            summary="Ceased to be looked after by the local authority",
            significance=Significance.HIGH,
            audience=_PARTNERS,
            record=ChronologyKey.of(locked, "end"),
        )
        _audit_episode(actor, locked, AuditAction.UPDATE, note, before)
        SocialWorkerEpisode.objects.filter(child=child, ended_on__isnull=True).update(
            ended_on=ceased_on
        )
        case = locked.case or open_case_for(child)
        if case is not None:
            case.refresh_from_db(fields=["stage", "version", "closed_on", "closure_reason"])
            if case.stage == Stage.LOOKED_AFTER:
                _move_case_on(
                    actor=actor,
                    case=case,
                    ceased_on=ceased_on,
                    reason_ceased=reason_ceased,
                    next_step=next_step,
                    note=note,
                )
        run_903_rules(child, [locked])
    episode.refresh_from_db()
    return episode


# ---------------------------------------------------------------- corrections


@dataclass(frozen=True)
class EpisodeCorrection:
    """An episode's details as they should have been recorded."""

    started_on: dt.date
    reason_new_episode: str
    legal_status: str
    category_of_need: str
    placement: Placement
    home_postcode: str
    reason_place_change: str = ""
    ended_on: dt.date | None = None  # only the last episode of a period of care
    reason_ceased: str = ""  # only the last episode of a period of care


def _neighbours(episode: Episode) -> tuple[Episode | None, Episode | None]:
    siblings = list(Episode.objects.filter(child_id=episode.child_id).order_by("started_on", "pk"))
    index = [e.pk for e in siblings].index(episode.pk)
    before = siblings[index - 1] if index > 0 else None
    after = siblings[index + 1] if index + 1 < len(siblings) else None
    return before, after


def _check_corrected_dates(
    episode: Episode, fix: EpisodeCorrection, before: Episode | None, after: Episode | None
) -> None:
    start = fix.started_on
    refuse_future_date(start, field="started_on", label="The date the episode began")
    _not_before_birth(episode.child, start, "started_on", "The date the episode began")
    starts_period = episode.reason_new_episode == dfe.STARTED_CARE
    if before is not None:
        if starts_period:
            assert before.ended_on is not None
            if start <= before.ended_on:
                raise ServiceError(
                    "A period of care must start after the previous one ended "
                    f"({govuk_date(before.ended_on)})",
                    "started_on",
                )
        elif start <= before.started_on:
            raise ServiceError(
                "The date the episode began must be after the previous episode began "
                f"({govuk_date(before.started_on)}), which ends the day this one begins",
                "started_on",
            )
    if episode.ended_on is None:
        return
    if episode.reason_ceased == dfe.CONTINUES:
        assert after is not None
        if start >= after.started_on:
            raise ServiceError(
                "The date the episode began must be before the next episode began "
                f"({govuk_date(after.started_on)})",
                "started_on",
            )
        return
    end = fix.ended_on
    if end is None:
        raise ServiceError("Enter the date care ceased", "ended_on")
    refuse_future_date(end, field="ended_on", label="The date care ceased")
    if end < start:
        raise ServiceError(
            "The date care ceased must be on or after the date the episode began", "ended_on"
        )
    if after is not None and end >= after.started_on:
        raise ServiceError(
            "The date care ceased must be before the next period of care began "
            f"({govuk_date(after.started_on)})",
            "ended_on",
        )


CORRECTABLE_RNE = ("L", "P", "T", "B", "U")


def episode_correct(
    *,
    actor: User,
    episode: Episode,
    version: int | None,
    fix: EpisodeCorrection,
    reason: str,
) -> Episode:
    """Correct an episode recorded wrongly. The episode before it, which ends the day this one
    begins, moves with a corrected start; the chronology lines follow their dates."""
    if not reason.strip():
        raise ServiceError("Enter why the episode is being corrected", "reason")
    before, after = _neighbours(episode)
    _check_corrected_dates(episode, fix, before, after)
    day = fix.started_on
    starts_period = episode.reason_new_episode == dfe.STARTED_CARE
    rne = dfe.STARTED_CARE if starts_period else fix.reason_new_episode
    if not starts_period and rne not in CORRECTABLE_RNE:
        raise ServiceError(
            "Select the reason for the new episode: a change of legal status, placement or carer",
            "reason_new_episode",
        )
    check_code("LS", fix.legal_status, day, form_field="legal_status", what="legal status")
    check_code(
        "CIN", fix.category_of_need, day, form_field="category_of_need", what="category of need"
    )
    placement = _check_placement(fix.placement, episode.child, day)
    home = clean_postcode(fix.home_postcode, "home_postcode", "Home postcode")
    ends_period = episode.ended_on is not None and episode.reason_ceased != dfe.CONTINUES
    reason_ceased = episode.reason_ceased
    ended_on = episode.ended_on
    if ends_period:
        assert fix.ended_on is not None
        if fix.reason_ceased == dfe.CONTINUES:
            raise ServiceError("Select why care ceased", "reason_ceased")
        check_code(
            "REC",
            fix.reason_ceased,
            fix.ended_on,
            form_field="reason_ceased",
            what="reason care ceased",
        )
        reason_ceased, ended_on = fix.reason_ceased, fix.ended_on
    reason_place_change = ""
    if episode.reason_ceased == dfe.CONTINUES and after is not None:
        needed = _reason_place_change_needed(
            placement.placement_type, after.placement_type, after.reason_new_episode
        )
        if needed:
            check_code(
                "REASON_PLACE_CHANGE",
                fix.reason_place_change,
                after.started_on,
                form_field="reason_place_change",
                what="reason for the placement change",
            )
            reason_place_change = fix.reason_place_change
        elif fix.reason_place_change:
            raise ServiceError(
                "No reason for a placement change is recorded here: the next episode is not a "
                "change from one placement to another",
                "reason_place_change",
            )
    with transaction.atomic():
        check_version(Episode, episode.pk, version)
        locked = Episode.objects.select_for_update().get(pk=episode.pk)
        old = audit.snapshot(locked, EPISODE_FIELDS)
        old_start, old_end = locked.started_on, locked.ended_on
        locked.started_on = day
        locked.reason_new_episode = rne
        locked.legal_status = fix.legal_status
        locked.category_of_need = fix.category_of_need
        locked.placement_type = placement.placement_type
        locked.placement_provider = placement.placement_provider
        locked.carer = placement.carer
        locked.placement_postcode = placement.placement_postcode
        locked.urn = placement.urn
        locked.home_postcode = home
        locked.reason_place_change = reason_place_change
        locked.ended_on, locked.reason_ceased = ended_on, reason_ceased
        locked.save()
        if (
            day != old_start
            and before is not None
            and before.reason_ceased == dfe.CONTINUES
            and before.ended_on == old_start
        ):
            # The episode before ends the day this one begins: it moves too.
            prior = audit.snapshot(before, EPISODE_FIELDS)
            Episode.objects.filter(pk=before.pk).update(ended_on=day)
            before.ended_on = day
            _audit_episode(actor, before, AuditAction.UPDATE, reason, prior)
        if day != old_start:
            chronology_follow(locked, occurred_on=day, actor=actor)
        if ends_period and ended_on != old_end and ended_on is not None:
            chronology_follow(ChronologyKey.of(locked, "end"), occurred_on=ended_on, actor=actor)
        _audit_episode(actor, locked, AuditAction.UPDATE, f"Correction: {reason}", old)
        run_903_rules(locked.child, [locked])
    episode.refresh_from_db()
    return episode


# ---------------------------------------------------------------- reviews


def period_containing(child: Child, day: dt.date) -> tuple[dt.date, dt.date | None] | None:
    """The period of care (start, end or None) the child was in on ``day``, if any."""
    from .selectors_looked_after import periods_of_care

    for period in periods_of_care(Episode.objects.filter(child=child)):
        if period.started_on <= day and (period.ended_on is None or day <= period.ended_on):
            return period.started_on, period.ended_on
    return None


def care_review_record(
    *, actor: User, child: Child, held_on: dt.date, participation: str, notes: str = ""
) -> CareReview:
    """The independent reviewing officer records a looked-after child's review."""
    if not actor.has_masa_permission(Permission.CHAIR_CARE_REVIEWS):
        raise ServiceError("Only an independent reviewing officer can record a review")
    refuse_future_date(held_on, field="held_on", label="The date of the review")
    period = period_containing(child, held_on)
    if period is None:
        first = Episode.objects.filter(child=child).order_by("started_on").first()
        if first is None or held_on < first.started_on:
            raise ServiceError(
                "A review can only be held while the child is looked after: the date of the "
                "review is before the child's care began"
                + (f" ({govuk_date(first.started_on)})" if first else ""),
                "held_on",
            )
        raise ServiceError(
            "A review can only be held while the child is looked after: the child was not "
            f"looked after on {govuk_date(held_on)}",
            "held_on",
        )
    check_code(
        "REVIEW_CODE",
        participation,
        held_on,
        form_field="participation",
        what="way the child took part",
    )
    if child.date_of_birth is not None:
        from .clocks import age_on

        under_4 = age_on(child.date_of_birth, held_on) < 4
        if under_4 and participation != "PN0":
            raise ServiceError(
                f"{child.first_name} was under 4 at the review: select PN0", "participation"
            )
        if not under_4 and participation == "PN0":
            raise ServiceError(
                f"PN0 is for a child under 4, and {child.first_name} was "
                f"{age_on(child.date_of_birth, held_on)} at the review: select how they took part",
                "participation",
            )
    with transaction.atomic():
        Child.objects.select_for_update().filter(pk=child.pk).first()
        if CareReview.objects.filter(child=child, held_on=held_on).exists():
            raise ServiceError(
                f"A review on {govuk_date(held_on)} is already recorded for {child.full_name}",
                "held_on",
            )
        review = CareReview.objects.create(
            child=child,
            held_on=held_on,
            participation=participation,
            chaired_by=actor,
            notes=notes,
            recorded_by=actor,
        )
        chronology_record(
            actor=actor,
            child=child,
            case=open_case_for(child),
            occurred_on=held_on,
            event_type=EventType.CARE_REVIEW,
            summary=f"Looked-after child's review held, chaired by {actor.display_name}",
            significance=Significance.MEDIUM,
            audience=_PARTNERS,
            record=review,
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type=REVIEW,
            object_id=review.pk,
            object_label=f"Looked-after child's review for {child.full_name}",
            child_id=child.pk,
            after={"held_on": held_on.isoformat(), "participation": participation},
        )
        run_903_rules(child, [review])
    return review


# ---------------------------------------------------------------- health and education


def _first_care_start(child: Child) -> dt.date | None:
    return (
        Episode.objects.filter(child=child)
        .order_by("started_on")
        .values_list("started_on", flat=True)
        .first()
    )


def health_event_record(
    *, actor: User, child: Child, kind: str, done_on: dt.date, notes: str = ""
) -> HealthAndEducationEvent:
    """An initial or review health assessment, dental check, immunisations check, personal
    education plan or its review, for a child who is or was looked after."""
    if kind not in HealthEventKind.values:
        raise ServiceError("Select what was done", "kind")
    what = HealthEventKind(kind).label
    refuse_future_date(done_on, field="done_on", label="The date it was done")
    first = _first_care_start(child)
    if first is None:
        raise ServiceError(
            f"{child.full_name} has not been looked after: place the child before recording "
            "their health and education plans"
        )
    _not_before(
        done_on,
        first,
        "done_on",
        "The date it was done must be on or after the child first became looked after",
    )
    with transaction.atomic():
        event = HealthAndEducationEvent.objects.create(
            child=child, kind=kind, done_on=done_on, notes=notes, recorded_by=actor
        )
        audience = (AgencyKind.HEALTH,) if kind in _HEALTH_KINDS else (AgencyKind.SCHOOL,)
        chronology_record(
            actor=actor,
            child=child,
            case=open_case_for(child),
            occurred_on=done_on,
            event_type=EventType.CARE,
            summary=f"{what} (looked-after child)",
            significance=Significance.LOW,
            audience=audience,
            record=event,
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type="care_health_event",
            object_id=event.pk,
            object_label=f"{what} for {child.full_name}",
            child_id=child.pk,
            after={"kind": kind, "done_on": done_on.isoformat()},
        )
    return event


OC2_ANSWERS = (
    "convicted",
    "health_check",
    "immunisations",
    "teeth_check",
    "health_assessment",
    "substance_misuse",
    "intervention_received",
    "intervention_offered",
)
SDQ_MAX = 40


def looked_after_for_year(child: Child, year_ending: int) -> bool:
    """Looked after continuously for at least 12 months at 31 March (the OC2 cohort)."""
    from .selectors_looked_after import periods_of_care

    year_start, year_end = dt.date(year_ending - 1, 4, 1), dt.date(year_ending, 3, 31)
    return any(
        p.started_on <= year_start and (p.ended_on is None or p.ended_on > year_end)
        for p in periods_of_care(Episode.objects.filter(child=child))
    )


def annual_outcomes_record(
    *,
    actor: User,
    child: Child,
    year_ending: int,
    sdq_score: int | None,
    sdq_reason: str,
    answers: dict[str, bool | None],
) -> AnnualOutcomes:
    """The OC2 row for a child looked after for 12 months at 31 March; recording it again for
    the same year replaces the answers (audited with what they were)."""
    if year_ending > dfe.collection_year(today()):
        raise ServiceError("The year must be the current collection year or earlier", "year_ending")
    if not looked_after_for_year(child, year_ending):
        raise ServiceError(
            f"{child.full_name} was not looked after continuously for 12 months at 31 March "
            f"{year_ending}: the DfE asks for these outcomes only for those children",
            "year_ending",
        )
    if sdq_score is not None and not 0 <= sdq_score <= SDQ_MAX:
        raise ServiceError(f"The SDQ score must be between 0 and {SDQ_MAX}", "sdq_score")
    if sdq_score is not None and sdq_reason:
        raise ServiceError(
            "Give either the SDQ score or the reason there is none, not both", "sdq_reason"
        )
    if sdq_reason:
        check_code(
            "SDQ_REASON",
            sdq_reason,
            dt.date(year_ending, 3, 31),
            form_field="sdq_reason",
            what="reason for no SDQ score",
        )
    unknown = set(answers) - set(OC2_ANSWERS)
    if unknown:
        raise ValueError(f"Unknown OC2 answers: {sorted(unknown)}")
    values = {"sdq_score": sdq_score, "sdq_reason": sdq_reason, **answers}
    with transaction.atomic():
        existing = (
            AnnualOutcomes.objects.select_for_update()
            .filter(child=child, year_ending=year_ending)
            .first()
        )
        before = audit.snapshot(existing, values) if existing else None
        outcomes, _ = AnnualOutcomes.objects.update_or_create(
            child=child, year_ending=year_ending, defaults=values
        )
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE if existing else AuditAction.CREATE,
            object_type="care_outcomes",
            object_id=outcomes.pk,
            object_label=f"Outcomes {_year_label(year_ending)} for {child.full_name}",
            child_id=child.pk,
            before=before,
            after=audit.snapshot(outcomes, values),
        )
    return outcomes


# ---------------------------------------------------------------- UASC, adoption, permanence


def uasc_set(
    *,
    actor: User,
    child: Child,
    uasc: bool,
    ceased_on: dt.date | None,
    version: int | None,
) -> CareProfile:
    """Whether the child is an unaccompanied asylum-seeking child, and when that status ceased."""
    if ceased_on is not None:
        if not uasc:
            raise ServiceError(
                "A date UASC status ceased is only for a child who was an unaccompanied "
                "asylum-seeking child",
                "ceased_on",
            )
        refuse_future_date(ceased_on, field="ceased_on", label="The date UASC status ceased")
        _not_before_birth(child, ceased_on, "ceased_on", "The date UASC status ceased")
    with transaction.atomic():
        profile, _ = CareProfile.objects.get_or_create(child=child)
        check_version(CareProfile, profile.pk, version)
        before = audit.snapshot(profile, ["uasc", "uasc_ceased_on"])
        changes: dict[str, object] = {"uasc": uasc, "uasc_ceased_on": ceased_on}
        if version is None:  # check_version bumps it when the user's version is given
            changes["version"] = F("version") + 1
        CareProfile.objects.filter(pk=profile.pk).update(**changes)
        profile.refresh_from_db()
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type=PROFILE,
            object_id=profile.pk,
            object_label=f"UASC status of {child.full_name}",
            child_id=child.pk,
            before=before,
            after=audit.snapshot(profile, ["uasc", "uasc_ceased_on"]),
        )
    return profile


def _check_looked_after_on(child: Child, day: dt.date, field: str, label: str) -> None:
    if period_containing(child, day) is None:
        raise ServiceError(
            f"{label} must be while the child is looked after: {child.full_name} was not looked "
            f"after on {govuk_date(day)}",
            field,
        )


def adoption_decision_record(
    *,
    actor: User,
    child: Child,
    decided_on: dt.date,
    ceased_on: dt.date | None = None,
    reason_ceased: str = "",
) -> AdoptionDecision:
    """The decision that the child should be placed for adoption (903 PlacedAdoption), and, if
    that plan stopped, when and why."""
    refuse_future_date(decided_on, field="decided_on", label="The date of the decision")
    _check_looked_after_on(child, decided_on, "decided_on", "The date of the decision")
    if (ceased_on is None) != (not reason_ceased):
        raise ServiceError(
            "Give both the date the adoption plan stopped and the reason, or neither",
            "ceased_on" if ceased_on is None else "reason_ceased",
        )
    if ceased_on is not None:
        refuse_future_date(ceased_on, field="ceased_on", label="The date the plan stopped")
        _not_before(
            ceased_on,
            decided_on,
            "ceased_on",
            "The date the plan stopped must be on or after the decision",
        )
        check_code(
            "REASON_PLACED_CEASED",
            reason_ceased,
            ceased_on,
            form_field="reason_ceased",
            what="reason the adoption plan stopped",
        )
    with transaction.atomic():
        if AdoptionDecision.objects.filter(child=child, ceased_on__isnull=True).exists():
            raise ServiceError(
                f"{child.full_name} already has a decision to place for adoption that has not "
                "stopped",
                "decided_on",
            )
        decision = AdoptionDecision.objects.create(
            child=child, decided_on=decided_on, ceased_on=ceased_on, reason_ceased=reason_ceased
        )
        chronology_record(
            actor=actor,
            child=child,
            case=open_case_for(child),
            occurred_on=decided_on,
            event_type=EventType.CARE,
            summary="Decision that the child should be placed for adoption",
            significance=Significance.HIGH,
            audience=(),
            record=decision,
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type="adoption_decision",
            object_id=decision.pk,
            object_label=f"Adoption decision for {child.full_name}",
            child_id=child.pk,
            after=audit.snapshot(decision, ["decided_on", "ceased_on", "reason_ceased"]),
        )
    return decision


SINGLE_ADOPTER = {"M1", "F1"}


def adoption_match_record(
    *,
    actor: User,
    child: Child,
    best_interests_on: dt.date,
    matched_on: dt.date,
    foster_carer_adoption: bool,
    number_of_adopters: int,
    adopters_sex: str,
    adopters_legal_status: str,
) -> AdoptionMatch:
    """The adoption match (903 AD1): the best-interests decision, the match and the adopters."""
    refuse_future_date(
        best_interests_on,
        field="best_interests_on",
        label="The date of the best-interests decision",
    )
    refuse_future_date(matched_on, field="matched_on", label="The date of the match")
    _not_before(
        matched_on,
        best_interests_on,
        "matched_on",
        "The date of the match must be on or after the best-interests decision",
    )
    _check_looked_after_on(child, matched_on, "matched_on", "The date of the match")
    check_code(
        "SEX_ADOPTR",
        adopters_sex,
        matched_on,
        form_field="adopters_sex",
        what="sex of the adopters",
    )
    check_code(
        "LS_ADOPTR",
        adopters_legal_status,
        matched_on,
        form_field="adopters_legal_status",
        what="legal status of the adopters",
    )
    expected = 1 if adopters_sex in SINGLE_ADOPTER else 2
    if number_of_adopters != expected:
        raise ServiceError(
            f"{dfe.described('SEX_ADOPTR', adopters_sex)} means {expected} adopter"
            f"{'s' if expected > 1 else ''}: correct the number of adopters",
            "number_of_adopters",
        )
    if (adopters_legal_status == "L0") != (expected == 1):
        raise ServiceError(
            "L0 (single adopter) goes with one adopter, and only with one", "adopters_legal_status"
        )
    with transaction.atomic():
        match = AdoptionMatch.objects.create(
            child=child,
            best_interests_on=best_interests_on,
            matched_on=matched_on,
            foster_carer_adoption=foster_carer_adoption,
            number_of_adopters=number_of_adopters,
            adopters_sex=adopters_sex,
            adopters_legal_status=adopters_legal_status,
        )
        chronology_record(
            actor=actor,
            child=child,
            case=open_case_for(child),
            occurred_on=matched_on,
            event_type=EventType.CARE,
            summary="Matched with prospective adopters",
            significance=Significance.HIGH,
            audience=(),
            record=match,
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type="adoption_match",
            object_id=match.pk,
            object_label=f"Adoption match for {child.full_name}",
            child_id=child.pk,
            after=audit.snapshot(match, ["best_interests_on", "matched_on", "adopters_sex"]),
        )
    return match


_PARTIAL_DATE = re.compile(r"^(\d{2}|zz)/(\d{2}|zz)/(\d{4})$", re.IGNORECASE)


def previous_permanence_record(
    *,
    actor: User,
    child: Child,
    kind: str,
    la: str = "",
    made_on: dt.date | None = None,
    made_on_text: str = "",
) -> PreviousPermanence:
    """An adoption, special guardianship or child arrangements order before this period of care
    (903 PrevPerm). The date may be partly known ("zz/10/2015": October 2015)."""
    first = _first_care_start(child) or today()
    check_code("PREV_PERM", kind, first, form_field="kind", what="previous permanence option")
    made_on_text = made_on_text.strip()
    if kind == "Z1" and (made_on or made_on_text or la.strip()):
        raise ServiceError(
            "Z1 means it is not known: leave the date and local authority empty", "kind"
        )
    if made_on is not None:
        refuse_future_date(made_on, field="made_on", label="The date of the order")
        _not_before_birth(child, made_on, "made_on", "The date of the order")
        _not_before(first, made_on, "made_on", "The order must be before the child's care began")
        made_on_text = made_on.strftime("%d/%m/%Y")
    elif made_on_text and not _PARTIAL_DATE.match(made_on_text):
        raise ServiceError(
            "Give the date as dd/mm/yyyy with zz for the parts not known, like zz/10/2015",
            "made_on_text",
        )
    with transaction.atomic():
        record = PreviousPermanence.objects.create(
            child=child,
            kind=kind,
            la=la.strip().upper()[:3],
            made_on=made_on,
            made_on_text=made_on_text,
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type="previous_permanence",
            object_id=record.pk,
            object_label=f"Previous permanence for {child.full_name}",
            child_id=child.pk,
            after=audit.snapshot(record, ["kind", "la", "made_on_text"]),
        )
    return record


# ---------------------------------------------------------------- social workers


def social_worker_id(worker: User) -> str:
    """The worker's identifier in the return: their DfE workforce ID when masa holds one, else
    their masa username (so episodes of one worker match)."""
    return (getattr(worker, "workforce_id", "") or worker.username)[:20]


def _start_social_worker(child: Child, worker: User | None, on: dt.date) -> SocialWorkerEpisode:
    assert worker is not None
    return SocialWorkerEpisode.objects.create(
        child=child, social_worker_id=social_worker_id(worker), worker=worker, started_on=on
    )


def social_worker_change(
    *,
    actor: User,
    child: Child,
    worker: User,
    changed_on: dt.date,
    reason_changed: str,
) -> SocialWorkerEpisode:
    """The looked-after child's social worker changes (903 social worker episodes): the open
    episode ends the day before with the reason, and the new worker's starts. Call it when the
    case is allocated to someone new (the allocation is the source)."""
    refuse_future_date(changed_on, field="changed_on", label="The date of the change")
    if current_episode(child) is None:
        raise ServiceError(f"{child.full_name} is not looked after now")
    if worker.partnership_id != child.partnership_id:
        raise ServiceError("Select a social worker in this partnership", "worker")
    with transaction.atomic():
        open_spell = (
            SocialWorkerEpisode.objects.select_for_update()
            .filter(child=child, ended_on__isnull=True)
            .first()
        )
        if open_spell is not None:
            if open_spell.worker_id == worker.pk:
                raise ServiceError(f"{worker.display_name} is already the social worker", "worker")
            if changed_on <= open_spell.started_on:
                raise ServiceError(
                    "The date of the change must be after the current social worker began "
                    f"({govuk_date(open_spell.started_on)})",
                    "changed_on",
                )
            check_code(
                "SW_REASON",
                reason_changed,
                changed_on,
                form_field="reason_changed",
                what="reason the social worker changed",
            )
            open_spell.ended_on = changed_on
            open_spell.reason_changed = reason_changed
            open_spell.save(update_fields=["ended_on", "reason_changed"])
        spell = _start_social_worker(child, worker, changed_on)
        chronology_record(
            actor=actor,
            child=child,
            case=open_case_for(child),
            occurred_on=changed_on,
            event_type=EventType.ALLOCATION,
            summary=f"Social worker for the looked-after child: {worker.display_name}",
            significance=Significance.LOW,
            record=spell,
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type="social_worker_episode",
            object_id=spell.pk,
            object_label=f"Social worker for {child.full_name}",
            child_id=child.pk,
            after={"worker": worker.pk, "started_on": changed_on.isoformat()},
            reason=reason_changed,
        )
    return spell


# ---------------------------------------------------------------- the register of carers


def carer_create(
    *,
    actor: User,
    name: str,
    kind: str,
    provider_code: str,
    urn: str = "",
    postcode: str = "",
) -> Carer:
    """Add a carer or provider to the partnership's register (no child's data here)."""
    name = name.strip()
    if not name:
        raise ServiceError("Enter the carer's or provider's name", "name")
    if kind not in CarerKind.values:
        raise ServiceError("Select the kind of carer or provider", "kind")
    check_code(
        "PLACE_PROVIDER",
        provider_code,
        today(),
        form_field="provider_code",
        what="placement provider",
    )
    urn = clean_urn(urn)
    postcode = clean_postcode(postcode, "postcode", "The postcode")
    with transaction.atomic():
        if Carer.objects.filter(
            partnership_id=actor.partnership_id, name__iexact=name, postcode=postcode
        ).exists():
            raise ServiceError(
                f"{name} at {postcode or 'no postcode'} is already on the register", "name"
            )
        carer = Carer.objects.create(
            partnership_id=actor.partnership_id,
            name=name,
            kind=kind,
            provider_code=provider_code,
            urn=urn,
            postcode=postcode,
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type="carer",
            object_id=carer.pk,
            object_label=f"Carer or provider: {name}",
            after=audit.snapshot(carer, ["name", "kind", "provider_code", "urn", "postcode"]),
        )
    return carer
