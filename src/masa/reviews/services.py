"""Writes for the case review pipeline: referral, acknowledgement, triage, the serious incident
notification, the rapid review, the decision and the Panel's response, commissioning, costs,
pauses, the final report, publication (or not), closing and withdrawal.

Each step checks who is acting, checks that the review is at a stage where the step makes sense
(``step_refusal``, which the pages also use to explain why a step cannot be taken yet), checks its
dates against the incident, today and the step before, then writes inside one transaction with
the audit record. A step that changes the status calls ``review_move``, the one place a review's
status changes; it refuses any move not in ``transitions.ALLOWED_MOVES`` and records who, when and
why as a ``ReviewTransition``.

Optimistic concurrency: every step takes the ``version`` of the review the user saw and refuses
with ``StaleVersion`` if someone else has changed it since.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from masa.core import audit
from masa.core.calendar import working_day_calendar
from masa.core.models import Agency, AuditAction, Partnership, User
from masa.core.permissions import Permission
from masa.core.presenters import govuk_date
from masa.core.services import ServiceError, StaleVersion, refuse_future_date
from masa.people.models import Child
from masa.people.selectors import children_visible_to

from .models import (
    CaseReview,
    HarmOutcome,
    IncidentNotification,
    PanelResponse,
    PauseReason,
    RedactionTerm,
    ReviewChild,
    ReviewCommission,
    ReviewCost,
    ReviewDecision,
    ReviewGroupMember,
    ReviewGroupRole,
    ReviewPause,
    ReviewSettings,
    ReviewStatus,
    ReviewTransition,
)
from .transitions import FINAL_STATUSES, NEXT_STEP, may_move

REVIEW = "case_review"
S = ReviewStatus
REPORT_NOTICE_WORKING_DAYS = 7  # WT2023 ch5: final report to the Panel and DfE before publication
ABUSE_CATEGORIES = {"N", "P", "E", "S", "M"}  # as in the CIN census


def _today() -> dt.date:
    return timezone.localdate()


# ---------------------------------------------------------------- which step, when


class Step(StrEnum):
    ACKNOWLEDGE = "acknowledge"
    TRIAGE = "triage"
    NOTIFY = "notify"
    PARTNERS_TOLD = "partners_told"
    RAPID_REVIEW = "rapid_review"
    DECIDE = "decide"
    PANEL_RESPONSE = "panel_response"
    COMMISSION = "commission"
    COMMISSIONING_NOTICE = "commissioning_notice"
    COST = "cost"
    PAUSE = "pause"
    PAUSE_END = "pause_end"
    REPORT = "report"
    PUBLISH = "publish"
    NOT_PUBLISHED = "not_published"
    CLOSE = "close"
    WITHDRAW = "withdraw"
    REDACTION = "redaction"


# How far along the pipeline each status is, to tell "not yet" from "too late".
_RANK = {
    S.REFERRED: 0,
    S.ACKNOWLEDGED: 1,
    S.NOTIFIED: 2,
    S.RAPID_REVIEW_SENT: 3,
    S.DECIDED: 4,
    S.CLOSED: 5,
    S.COMMISSIONED: 5,
    S.REPORT_COMPLETED: 6,
    S.PUBLISHED: 7,
    S.NOT_PUBLISHED: 7,
    S.WITHDRAWN: 8,
}
_AFTER_DECISION = frozenset({S.DECIDED, S.COMMISSIONED, S.REPORT_COMPLETED})
_NOT_WITHDRAWN: frozenset[str] = frozenset(S) - {S.WITHDRAWN}

# The statuses at which each step may be recorded, and what the step records (for "too late").
STEP_STATUSES: dict[Step, tuple[frozenset[str], str]] = {
    Step.ACKNOWLEDGE: (frozenset({S.REFERRED}), "the acknowledgement"),
    Step.TRIAGE: (frozenset({S.ACKNOWLEDGED}), "whether the case is notifiable"),
    Step.NOTIFY: (frozenset({S.ACKNOWLEDGED}), "the notification"),
    Step.PARTNERS_TOLD: (
        frozenset({S.ACKNOWLEDGED, S.NOTIFIED, S.RAPID_REVIEW_SENT, *_AFTER_DECISION}),
        "when the partners were told",
    ),
    Step.RAPID_REVIEW: (frozenset({S.NOTIFIED}), "the rapid review"),
    Step.DECIDE: (frozenset({S.ACKNOWLEDGED, S.RAPID_REVIEW_SENT}), "the decision"),
    Step.PANEL_RESPONSE: (
        _NOT_WITHDRAWN - {S.REFERRED, S.ACKNOWLEDGED, S.NOTIFIED},
        "the Panel's response",
    ),
    Step.COMMISSION: (frozenset({S.DECIDED}), "the commissioning"),
    Step.COMMISSIONING_NOTICE: (
        _AFTER_DECISION | {S.PUBLISHED, S.NOT_PUBLISHED},
        "the commissioning notice",
    ),
    Step.COST: (_NOT_WITHDRAWN, "a cost"),
    Step.PAUSE: (frozenset({S.DECIDED, S.COMMISSIONED}), "a pause"),
    Step.PAUSE_END: (frozenset({S.DECIDED, S.COMMISSIONED}), "the end of a pause"),
    Step.REPORT: (frozenset({S.COMMISSIONED, S.REPORT_COMPLETED}), "the final report"),
    Step.PUBLISH: (frozenset({S.REPORT_COMPLETED}), "publication"),
    Step.NOT_PUBLISHED: (frozenset({S.REPORT_COMPLETED}), "a decision not to publish"),
    Step.CLOSE: (frozenset({S.DECIDED}), "the closing of the case"),
    Step.WITHDRAW: (frozenset[str](S) - FINAL_STATUSES, "a withdrawal"),
    Step.REDACTION: (_NOT_WITHDRAWN, "a redaction"),
}

_REVIEWS_TO_COMMISSION = frozenset({ReviewDecision.LCSPR, ReviewDecision.OTHER_LEARNING})


def _at(review: CaseReview) -> str:
    return f"{review.anonymised_name}'s review is at '{ReviewStatus(review.status).label}'"


def stage_refusal(review: CaseReview) -> str:
    """Why nothing but the next step can happen now, naming the stage and the next step."""
    status = ReviewStatus(review.status)
    if status in NEXT_STEP:
        return f"{_at(review)}: {NEXT_STEP[status]} first"
    return f"{_at(review)}: nothing more can be recorded on it"


def open_pause(review: CaseReview) -> ReviewPause | None:
    return ReviewPause.objects.filter(review=review, ended_on__isnull=True).first()


def step_refusal(review: CaseReview, step: Step) -> str | None:
    """Why ``step`` cannot be recorded on the review now, or None if it can."""
    name = review.anonymised_name
    status = ReviewStatus(review.status)
    if status == S.WITHDRAWN:
        return f"{name}'s review was withdrawn: nothing more can be recorded on it"
    allowed, what = STEP_STATUSES[step]
    if step is Step.RAPID_REVIEW and status == S.ACKNOWLEDGED:
        return (
            "A rapid review cannot be sent to the Panel without a serious incident notification: "
            "notify the Panel first"
        )
    if status not in allowed:
        if _RANK[status] < min(_RANK[ReviewStatus(s)] for s in allowed):
            return stage_refusal(review)
        return f"{_at(review)}: {what} can no longer be recorded"
    decision = review.decision
    if step is Step.NOTIFY and review.notifiable is not True:
        if review.notifiable is None:
            return f"{_at(review)}: record whether the case is notifiable first"
        return (
            f"{name}'s case was recorded as not notifiable: change that answer before recording "
            "a notification"
        )
    if step is Step.DECIDE and status == S.ACKNOWLEDGED:
        if review.notifiable is None:
            return f"{_at(review)}: record whether the case is notifiable first"
        if review.notifiable:
            return (
                f"{name}'s case is notifiable: notify the Panel and send the rapid review before "
                "recording the decision"
            )
    if step is Step.PANEL_RESPONSE and review.rapid_review_sent_on is None:
        return f"{name}'s review had no rapid review, so there is no Panel response to record"
    if step is Step.COMMISSION and decision not in _REVIEWS_TO_COMMISSION:
        return (
            f"{name}'s decision was '{ReviewDecision(decision).label}': there is no review to "
            "commission. Close the case instead"
        )
    if step is Step.COMMISSIONING_NOTICE and decision != ReviewDecision.LCSPR:
        return (
            "Only a local child safeguarding practice review needs the Panel, Ofsted and DfE to "
            "be told of it and of its reviewer"
        )
    if step is Step.PAUSE:
        if decision not in _REVIEWS_TO_COMMISSION:
            return f"Only a review being carried out can be paused: {name}'s has none"
        current = open_pause(review)
        if current is not None:
            return (
                f"{name}'s review has been paused since {govuk_date(current.started_on)}: end "
                "that pause first"
            )
    if step is Step.PAUSE_END and open_pause(review) is None:
        return f"{name}'s review is not paused"
    if step is Step.REPORT:
        current = open_pause(review)
        if current is not None:
            return (
                f"{name}'s review is paused ({current.get_reason_display().lower()}, since "
                f"{govuk_date(current.started_on)}): end the pause first"
            )
    if step is Step.CLOSE and not may_close(review):
        return (
            f"{name}'s decision was '{ReviewDecision(decision).label}': commission the review "
            "rather than closing the case"
        )
    return None


def may_close(review: CaseReview) -> bool:
    """No further review, or a national review the Panel carries out, ends the local pipeline."""
    return (
        review.decision in {ReviewDecision.NO_FURTHER_REVIEW, ReviewDecision.NATIONAL}
        or review.panel_response == PanelResponse.NATIONAL_REVIEW
    )


def _refuse_step(review: CaseReview, step: Step) -> None:
    reason = step_refusal(review, step)
    if reason is not None:
        raise ServiceError(reason)


# ---------------------------------------------------------------- shared checks and writes


def _check_manager(actor: User, review: CaseReview) -> None:
    if not actor.has_masa_permission(Permission.MANAGE_CASE_REVIEWS) or (
        actor.partnership_id != review.partnership_id
    ):
        raise ServiceError("Only the partnership's business unit can run the case review pipeline")


def _lock(review: CaseReview, version: int) -> CaseReview:
    """The review, locked for this transaction, with its version moved on; or ``StaleVersion``.

    Call inside ``transaction.atomic()``.
    """
    locked = CaseReview.objects.select_for_update().get(pk=review.pk)
    if locked.version != version:
        raise StaleVersion()
    CaseReview.objects.filter(pk=locked.pk).update(version=F("version") + 1)
    locked.version += 1
    return locked


def _required_text(value: str, field: str, message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ServiceError(message, field)
    return text


def _check_date(
    review: CaseReview,
    day: dt.date | None,
    *,
    field: str,
    label: str,
    after: Iterable[tuple[dt.date | None, str]] = (),
    may_be_future: bool = False,
) -> dt.date:
    """A review date: given, not in the future (unless planned), not before the incident and not
    before the step it follows. ``label`` starts the message ("The notification date")."""
    if day is None:
        raise ServiceError(f"Enter {label[0].lower()}{label[1:]}", field)
    if not may_be_future:
        refuse_future_date(day, field=field, label=label)
    if day < review.incident_date:
        raise ServiceError(
            f"{label} must be on or after the incident on {govuk_date(review.incident_date)}",
            field,
        )
    for earlier, what in after:
        if earlier is not None and day < earlier:
            raise ServiceError(
                f"{label} must be on or after {what} on {govuk_date(earlier)}", field
            )
    return day


def _record(
    actor: User,
    review: CaseReview,
    *,
    action: AuditAction = AuditAction.UPDATE,
    step: str,
    after: dict[str, Any],
    before: dict[str, Any] | None = None,
    reason: str = "",
) -> None:
    """The audit line of a step. The label is the anonymised name: the audit log is searched by
    people outside the review group."""
    audit.record(
        actor=actor,
        action=action,
        object_type=REVIEW,
        object_id=review.pk,
        object_label=f"Case review {review.anonymised_name}: {step}",
        child_id=_subject_child_id(review),
        before=before,
        after=after,
        reason=reason,
    )


def _subject_child_id(review: CaseReview) -> int | None:
    return (
        ReviewChild.objects.filter(review=review, is_subject=True)
        .values_list("child_id", flat=True)
        .first()
    )


def _ensure_member(review: CaseReview, user: User, role: str, added_by: User) -> None:
    if not ReviewGroupMember.objects.filter(
        review=review, user=user, removed_at__isnull=True
    ).exists():
        ReviewGroupMember.objects.create(review=review, user=user, role=role, added_by=added_by)


def review_move(
    *, actor: User, review: CaseReview, to_status: str, on: dt.date, reason: str = ""
) -> CaseReview:
    """The only place a review's status changes: checks the allowed moves and records who, when
    and why. Call inside the step's transaction, with the review it has locked."""
    from_status = ReviewStatus(review.status)
    if not may_move(from_status, to_status):
        raise ServiceError(stage_refusal(review))
    review.status = to_status
    review.save(update_fields=["status"])
    ReviewTransition.objects.create(
        review=review, from_status=from_status, to_status=to_status, on=on, by=actor, reason=reason
    )
    _record(
        actor,
        review,
        step=f"moved to '{ReviewStatus(to_status).label}'",
        before={"status": from_status.value},
        after={"status": str(to_status), "on": on.isoformat()},
        reason=reason,
    )
    return review


def _save(review: CaseReview, fields: list[str]) -> dict[str, Any]:
    review.save(update_fields=fields)
    return audit.snapshot(review, fields)


# Each step's own date, checked as the step starts: its field, how messages name it, and the
# review's date it may not come before (named in messages as in ``_EARLIER``).
_STEP_DATES: dict[Step, tuple[str, str, str]] = {
    Step.ACKNOWLEDGE: ("acknowledged_on", "The acknowledgement date", "referred_on"),
    Step.NOTIFY: ("notified_on", "The notification date", "aware_on"),
    Step.PARTNERS_TOLD: ("told_on", "The date the partners were told", "aware_on"),
    Step.RAPID_REVIEW: ("meeting_on", "The date of the rapid review meeting", "aware_on"),
    Step.PANEL_RESPONSE: (
        "responded_on",
        "The date of the Panel's response",
        "rapid_review_sent_on",
    ),
    Step.COMMISSION: ("commissioned_on", "The date the review was commissioned", "decision_on"),
    Step.COMMISSIONING_NOTICE: ("sent_on", "The date of the commissioning notice", "decision_on"),
    Step.COST: ("incurred_on", "The date of the cost", "referred_on"),
    Step.PUBLISH: ("published_on", "The publication date", "report_completed_on"),
    Step.NOT_PUBLISHED: (
        "decided_on",
        "The date of the decision not to publish",
        "report_completed_on",
    ),
    Step.CLOSE: ("closed_on", "The closing date", "decision_on"),
    Step.WITHDRAW: ("withdrawn_on", "The withdrawal date", "referred_on"),
}
_EARLIER = {
    "referred_on": "the referral",
    "aware_on": "the local authority became aware",
    "rapid_review_sent_on": "the rapid review was sent",
    "decision_on": "the decision",
    "report_completed_on": "the report was completed",
}


@contextmanager
def _step(
    review: CaseReview, version: int, step: Step, day: dt.date | None = None
) -> Iterator[CaseReview]:
    """The start of a step, in its transaction: lock the review at the version the user saw,
    refuse the step if the review is not at a stage for it, and check the step's date
    (``_STEP_DATES``) against the incident, today and the step before."""
    with transaction.atomic():
        locked = _lock(review, version)
        _refuse_step(locked, step)
        if step in _STEP_DATES:
            field, label, earlier = _STEP_DATES[step]
            after = [(getattr(locked, earlier), _EARLIER[earlier])]
            _check_date(locked, day, field=field, label=label, after=after)
        yield locked


def _write(
    actor: User,
    review: CaseReview,
    changes: dict[str, Any],
    *,
    step: str,
    before: list[str] | None = None,
    also: dict[str, Any] | None = None,
    reason: str = "",
    move: tuple[str, dt.date, str] | None = None,
) -> None:
    """The end of a step on the locked review: save ``changes``, audit them (with the ``before``
    fields as they were and ``also`` added) and, given ``move`` (the status, the day and why),
    move the review on."""
    prior = audit.snapshot(review, before) if before else None
    for name, value in changes.items():
        setattr(review, name, value)
    after = _save(review, list(changes))
    after.update(also or {})
    _record(actor, review, step=step, before=prior, after=after, reason=reason)
    if move is not None:
        to_status, on, why = move
        review_move(actor=actor, review=review, to_status=to_status, on=on, reason=why)


# ---------------------------------------------------------------- referral


def _letters(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA, 27 → AB: spreadsheet column letters."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def next_anonymised_name(partnership_id: int) -> str:
    """The first of "Child A", "Child B"... "Child Z", "Child AA"... not yet used in the
    partnership (withdrawn reviews keep their names: nothing is deleted)."""
    used = set(
        CaseReview.objects.filter(partnership_id=partnership_id).values_list(
            "anonymised_name", flat=True
        )
    )
    index = 0
    while f"Child {_letters(index)}" in used:
        index += 1
    return f"Child {_letters(index)}"


def review_refer(
    *,
    actor: User,
    child: Child,
    incident_date: dt.date,
    aware_on: dt.date,
    harm_outcome: str,
    abuse_or_neglect_suspected: bool,
    referral_reason: str,
    referred_on: dt.date,
) -> CaseReview:
    """Any partner refers a child's case for consideration. The case gets the next anonymised
    name; the referrer joins the review group."""
    if not actor.has_masa_permission(Permission.REFER_CASE_REVIEW) or actor.agency_id is None:
        raise ServiceError("Your role cannot refer a case for review")
    if not children_visible_to(actor).filter(pk=child.pk).exists():
        raise ServiceError("No child you can see has that masa ID", "child_id")
    if harm_outcome not in HarmOutcome.values:
        raise ServiceError("Select whether the child died or was seriously harmed", "harm_outcome")
    reason = _required_text(referral_reason, "referral_reason", "Enter why you are referring")
    refuse_future_date(incident_date, field="incident_date", label="The date of the incident")
    probe = CaseReview(incident_date=incident_date)  # only for the date checks
    _check_date(
        probe,
        aware_on,
        field="aware_on",
        label="The date the local authority became aware",
    )
    _check_date(probe, referred_on, field="referred_on", label="The referral date")
    with transaction.atomic():
        # One referral at a time per partnership, so two cannot take the same name.
        Partnership.objects.select_for_update().get(pk=child.partnership_id)
        review = CaseReview.objects.create(
            partnership_id=child.partnership_id,
            anonymised_name=next_anonymised_name(child.partnership_id),
            referred_by=actor,
            referring_agency_id=actor.agency_id,
            referred_on=referred_on,
            incident_date=incident_date,
            aware_on=aware_on,
            harm_outcome=harm_outcome,
            abuse_or_neglect_suspected=abuse_or_neglect_suspected,
            referral_reason=reason,
        )
        ReviewChild.objects.create(
            review=review, child=child, is_subject=True, anonymised_name=review.anonymised_name
        )
        _ensure_member(review, actor, ReviewGroupRole.REFERRER, actor)
        ReviewTransition.objects.create(
            review=review, from_status="", to_status=S.REFERRED, on=referred_on, by=actor
        )
        _record(
            actor,
            review,
            action=AuditAction.CREATE,
            step="referred for consideration",
            after=audit.snapshot(
                review,
                [
                    "anonymised_name",
                    "referred_on",
                    "incident_date",
                    "aware_on",
                    "harm_outcome",
                    "abuse_or_neglect_suspected",
                ],
            ),
        )
    return review


# ---------------------------------------------------------------- acknowledgement and triage


def review_acknowledge(
    *, actor: User, review: CaseReview, acknowledged_on: dt.date, version: int
) -> CaseReview:
    """The business unit acknowledges the referral; the actor leads the review from here."""
    _check_manager(actor, review)
    with _step(review, version, Step.ACKNOWLEDGE, acknowledged_on) as locked:
        _ensure_member(locked, actor, ReviewGroupRole.LEAD, actor)
        _write(
            actor,
            locked,
            {"acknowledged_on": acknowledged_on, "lead": actor},
            step="acknowledged",
            move=(S.ACKNOWLEDGED, acknowledged_on, "Referral acknowledged"),
        )
    return locked


def review_triage_notifiable(
    *,
    actor: User,
    review: CaseReview,
    notifiable: bool,
    reason: str,
    child_looked_after: bool = False,
    version: int,
) -> CaseReview:
    """Record whether the case meets the criteria for a serious incident notification (s16C).

    The death of a looked-after child is notified whether or not abuse or neglect is suspected,
    so "not notifiable" is refused for it.
    """
    _check_manager(actor, review)
    text = _required_text(
        reason, "reason", "Enter why the case is or is not notifiable to the Panel"
    )
    with _step(review, version, Step.TRIAGE) as locked:
        if not notifiable and child_looked_after and locked.harm_outcome == HarmOutcome.DIED:
            raise ServiceError(
                f"The death of a looked-after child must be notified whether or not abuse or "
                f"neglect is suspected: {locked.anonymised_name}'s case is notifiable",
                "notifiable",
            )
        _write(
            actor,
            locked,
            {"notifiable": notifiable, "notifiable_reason": text},
            step="notifiable or not",
            before=["notifiable", "notifiable_reason"],
            also={"child_looked_after": child_looked_after},
        )
    return locked


# ---------------------------------------------------------------- notification


@dataclass(frozen=True)
class NotificationDetails:
    """What the national Panel's serious incident notification form asks."""

    notifying_local_authority: str
    incident_location: str
    incident_summary: str
    notifier_name: str
    notifier_role: str
    incident_in_england: bool = True
    abuse_category: str = ""
    child_looked_after: bool = False
    on_protection_plan: bool = False
    previously_on_protection_plan: bool = False
    child_in_need: bool = False
    known_to_early_help: bool = False
    educated_otherwise_than_at_school: bool = False
    other_children_in_household: bool = False
    police_investigation: bool = False
    media_interest: bool = False
    agencies_involved: str = ""


_NOTIFICATION_REQUIRED = {
    "notifying_local_authority": "Enter the local authority making the notification",
    "incident_location": "Enter where the incident happened",
    "incident_summary": "Enter a summary of the incident",
    "notifier_name": "Enter the name of the person notifying",
    "notifier_role": "Enter the role of the person notifying",
}


def review_notify(
    *,
    actor: User,
    review: CaseReview,
    notified_on: dt.date,
    details: NotificationDetails,
    version: int,
) -> CaseReview:
    """Record the serious incident notification sent to the Panel (Ofsted's online form)."""
    _check_manager(actor, review)
    for field, message in _NOTIFICATION_REQUIRED.items():
        _required_text(getattr(details, field), field, message)
    if details.abuse_category and details.abuse_category not in ABUSE_CATEGORIES:
        raise ServiceError("Select the category of abuse from the list", "abuse_category")
    with _step(review, version, Step.NOTIFY, notified_on) as locked:
        fields = {k: v.strip() if isinstance(v, str) else v for k, v in asdict(details).items()}
        notification = IncidentNotification.objects.create(
            review=locked, submitted_on=notified_on, recorded_by=actor, **fields
        )
        _write(
            actor,
            locked,
            {"notified_on": notified_on},
            step="serious incident notified",
            also=audit.snapshot(
                notification, ["child_looked_after", "on_protection_plan", "abuse_category"]
            ),
            move=(S.NOTIFIED, notified_on, "Serious incident notified to the national Panel"),
        )
    return locked


def review_partners_told(
    *, actor: User, review: CaseReview, told_on: dt.date, version: int
) -> CaseReview:
    """Record when the safeguarding partners were told of the serious incident."""
    _check_manager(actor, review)
    with _step(review, version, Step.PARTNERS_TOLD, told_on) as locked:
        _write(
            actor,
            locked,
            {"partners_told_on": told_on},
            step="partners told",
            before=["partners_told_on"],
        )
    return locked


# ---------------------------------------------------------------- rapid review and decision


def review_rapid_review_sent(
    *, actor: User, review: CaseReview, meeting_on: dt.date, sent_on: dt.date, version: int
) -> CaseReview:
    """The partners held the rapid review and sent it to the Panel (only after notifying)."""
    _check_manager(actor, review)
    with _step(review, version, Step.RAPID_REVIEW, meeting_on) as locked:
        _check_date(
            locked,
            sent_on,
            field="sent_on",
            label="The date the rapid review was sent",
            after=[(meeting_on, "the meeting"), (locked.notified_on, "the notification")],
        )
        _write(
            actor,
            locked,
            {"rapid_review_meeting_on": meeting_on, "rapid_review_sent_on": sent_on},
            step="rapid review sent",
            move=(S.RAPID_REVIEW_SENT, sent_on, "Rapid review sent to the national Panel"),
        )
    return locked


def review_decide(
    *,
    actor: User,
    review: CaseReview,
    decision: str,
    reason: str,
    decided_on: dt.date,
    version: int,
) -> CaseReview:
    """The partners' decision: an LCSPR, a national review, another learning review, or none."""
    _check_manager(actor, review)
    if decision not in ReviewDecision.values:
        raise ServiceError("Select the decision", "decision")
    text = _required_text(reason, "reason", "Enter the reasons for the decision")
    with _step(review, version, Step.DECIDE) as locked:
        notified = locked.notified_on is not None
        if not notified and decision in {ReviewDecision.LCSPR, ReviewDecision.NATIONAL}:
            raise ServiceError(
                "A local child safeguarding practice review or a national review follows a "
                "rapid review of a notified case: choose another learning review or no further "
                "review",
                "decision",
            )
        after_step = (
            [(locked.rapid_review_meeting_on, "the rapid review meeting")]
            if notified
            else [(locked.acknowledged_on, "the acknowledgement")]
        )
        _check_date(
            locked, decided_on, field="decided_on", label="The decision date", after=after_step
        )
        _write(
            actor,
            locked,
            {"decision": decision, "decision_reason": text, "decision_on": decided_on},
            step="decision",
            move=(S.DECIDED, decided_on, f"{ReviewDecision(decision).label}: {text}"),
        )
    return locked


def review_panel_response(
    *,
    actor: User,
    review: CaseReview,
    response: str,
    responded_on: dt.date,
    note: str = "",
    version: int,
) -> CaseReview:
    """The national Panel's response to the rapid review and the decision."""
    _check_manager(actor, review)
    if response not in PanelResponse.values:
        raise ServiceError("Select the Panel's response", "response")
    note = (note or "").strip()
    if response in {PanelResponse.QUERIES, PanelResponse.DISAGREES} and not note:
        raise ServiceError("Enter what the Panel queried or disagreed with", "note")
    with _step(review, version, Step.PANEL_RESPONSE, responded_on) as locked:
        _write(
            actor,
            locked,
            {
                "panel_response": response,
                "panel_response_on": responded_on,
                "panel_response_note": note,
            },
            step="Panel's response",
            before=["panel_response", "panel_response_on"],
        )
    return locked


# ---------------------------------------------------------------- commissioning and costs


def review_commission(
    *,
    actor: User,
    review: CaseReview,
    reviewer_name: str,
    reviewer_organisation: str = "",
    commissioned_on: dt.date,
    terms_of_reference: str,
    methodology: str,
    family_involvement: str,
    practitioner_involvement: str = "",
    agreed_fee: Decimal | None = None,
    planned_completion_on: dt.date | None = None,
    commissioning_notice_sent_on: dt.date | None = None,
    version: int,
) -> ReviewCommission:
    """Commission the review: reviewer, terms of reference, method, involvement, fee, timeline."""
    _check_manager(actor, review)
    reviewer = _required_text(reviewer_name, "reviewer_name", "Enter the reviewer's name")
    terms = _required_text(terms_of_reference, "terms_of_reference", "Enter the terms of reference")
    method = _required_text(methodology, "methodology", "Enter the methodology")
    family = _required_text(
        family_involvement,
        "family_involvement",
        "Enter how the family will be involved (or why they will not be)",
    )
    if agreed_fee is not None and agreed_fee < 0:
        raise ServiceError("The agreed fee must be £0 or more", "agreed_fee")
    with _step(review, version, Step.COMMISSION, commissioned_on) as locked:
        if planned_completion_on is not None:
            _check_date(
                locked,
                planned_completion_on,
                field="planned_completion_on",
                label="The planned completion date",
                after=[(commissioned_on, "the commissioning")],
                may_be_future=True,
            )
        if commissioning_notice_sent_on is not None:
            if locked.decision != ReviewDecision.LCSPR:
                raise ServiceError(
                    "Only a local child safeguarding practice review needs the commissioning "
                    "notice: leave the date empty",
                    "commissioning_notice_sent_on",
                )
            _check_date(
                locked,
                commissioning_notice_sent_on,
                field="commissioning_notice_sent_on",
                label="The date of the commissioning notice",
                after=[(locked.decision_on, "the decision")],
            )
        commission = ReviewCommission.objects.create(
            review=locked,
            reviewer_name=reviewer,
            reviewer_organisation=(reviewer_organisation or "").strip(),
            commissioned_on=commissioned_on,
            terms_of_reference=terms,
            methodology=method,
            family_involvement=family,
            practitioner_involvement=(practitioner_involvement or "").strip(),
            agreed_fee=agreed_fee,
            planned_completion_on=planned_completion_on,
            recorded_by=actor,
        )
        after = audit.snapshot(
            commission,
            ["reviewer_name", "commissioned_on", "agreed_fee", "planned_completion_on"],
        )
        if commissioning_notice_sent_on is not None:
            locked.commissioning_notice_sent_on = commissioning_notice_sent_on
            after.update(_save(locked, ["commissioning_notice_sent_on"]))
        _record(actor, locked, action=AuditAction.CREATE, step="commissioned", after=after)
        review_move(
            actor=actor,
            review=locked,
            to_status=S.COMMISSIONED,
            on=commissioned_on,
            reason=f"Reviewer: {reviewer}",
        )
    return commission


def review_commissioning_notice(
    *, actor: User, review: CaseReview, sent_on: dt.date, version: int
) -> CaseReview:
    """The Panel, Ofsted and DfE were told of the LCSPR and its reviewer."""
    _check_manager(actor, review)
    with _step(review, version, Step.COMMISSIONING_NOTICE, sent_on) as locked:
        _write(
            actor,
            locked,
            {"commissioning_notice_sent_on": sent_on},
            step="commissioning notice",
            before=["commissioning_notice_sent_on"],
        )
    return locked


def review_cost_add(
    *,
    actor: User,
    review: CaseReview,
    description: str,
    amount: Decimal,
    incurred_on: dt.date,
    funded_by: Agency | None = None,
    version: int,
) -> ReviewCost:
    """A cost of the review (reviewer's fee, venue, legal advice...), and who paid it."""
    _check_manager(actor, review)
    text = _required_text(description, "description", "Enter what the cost was for")
    if amount is None or amount <= 0:
        raise ServiceError("The amount must be more than £0", "amount")
    if funded_by is not None and funded_by.partnership_id != review.partnership_id:
        raise ServiceError("Choose an agency in this partnership", "funded_by")
    with _step(review, version, Step.COST, incurred_on) as locked:
        cost = ReviewCost.objects.create(
            review=locked,
            description=text,
            amount=amount,
            incurred_on=incurred_on,
            funded_by=funded_by,
            recorded_by=actor,
        )
        _record(
            actor,
            locked,
            action=AuditAction.CREATE,
            step="cost added",
            after=audit.snapshot(cost, ["description", "amount", "incurred_on", "funded_by"]),
        )
    return cost


# ---------------------------------------------------------------- pauses


def review_pause_start(
    *,
    actor: User,
    review: CaseReview,
    reason: str,
    detail: str,
    started_on: dt.date,
    version: int,
) -> ReviewPause:
    """A recorded delay (criminal trial, inquest...) that pauses the completion clock."""
    _check_manager(actor, review)
    if reason not in PauseReason.values:
        raise ServiceError("Select why the review is paused", "reason")
    text = _required_text(detail, "detail", "Enter what the review is waiting for")
    with _step(review, version, Step.PAUSE) as locked:
        last_end = (
            ReviewPause.objects.filter(review=locked)
            .order_by("-ended_on")
            .values_list("ended_on", flat=True)
            .first()
        )
        _check_date(
            locked,
            started_on,
            field="started_on",
            label="The date the pause started",
            after=[(locked.decision_on, "the decision"), (last_end, "the end of the last pause")],
        )
        pause = ReviewPause.objects.create(
            review=locked, reason=reason, detail=text, started_on=started_on, recorded_by=actor
        )
        _record(
            actor,
            locked,
            action=AuditAction.CREATE,
            step="paused",
            after=audit.snapshot(pause, ["reason", "started_on"]),
            reason=text,
        )
    return pause


def review_pause_end(
    *, actor: User, review: CaseReview, pause: ReviewPause, ended_on: dt.date, version: int
) -> ReviewPause:
    _check_manager(actor, review)
    with _step(review, version, Step.PAUSE_END) as locked:
        current = ReviewPause.objects.select_for_update().filter(pk=pause.pk).first()
        if current is None or current.review_id != locked.pk or current.ended_on is not None:
            raise ServiceError("This pause has already ended")
        _check_date(
            locked,
            ended_on,
            field="ended_on",
            label="The date the pause ended",
            after=[(current.started_on, "the start of the pause")],
        )
        current.ended_on = ended_on
        current.save(update_fields=["ended_on"])
        _record(
            actor,
            locked,
            step="pause ended",
            after={"pause": current.pk, "ended_on": ended_on.isoformat()},
        )
    return current


# ---------------------------------------------------------------- report and publication


def latest_report_sending(planned_publication_on: dt.date) -> dt.date:
    """The last day the final report may reach the Panel and DfE for that publication date."""
    return working_day_calendar().subtract_working_days(
        planned_publication_on, REPORT_NOTICE_WORKING_DAYS
    )


def _check_notice_before_publication(sent_on: dt.date, publication: dt.date, field: str) -> None:
    if sent_on > latest_report_sending(publication):
        earliest = working_day_calendar().add_working_days(sent_on, REPORT_NOTICE_WORKING_DAYS)
        raise ServiceError(
            f"The final report must reach the Panel and DfE at least "
            f"{REPORT_NOTICE_WORKING_DAYS} working days before publication: it was sent on "
            f"{govuk_date(sent_on)}, so publish on or after {govuk_date(earliest)}",
            field,
        )


def review_report_completed(
    *,
    actor: User,
    review: CaseReview,
    completed_on: dt.date,
    sent_to_panel_on: dt.date | None = None,
    planned_publication_on: dt.date | None = None,
    version: int,
) -> CaseReview:
    """The final report: completed, sent to the Panel and DfE, and when it will be published.

    Recorded again once the report is completed to add the date it was sent or the planned
    publication date.
    """
    _check_manager(actor, review)
    with _step(review, version, Step.REPORT) as locked:
        commission = ReviewCommission.objects.filter(review=locked).first()
        _check_date(
            locked,
            completed_on,
            field="completed_on",
            label="The date the report was completed",
            after=[(commission.commissioned_on if commission else None, "the commissioning")],
        )
        if sent_to_panel_on is not None:
            _check_date(
                locked,
                sent_to_panel_on,
                field="sent_to_panel_on",
                label="The date the report was sent to the Panel and DfE",
                after=[(completed_on, "the report was completed")],
            )
        if planned_publication_on is not None:
            _check_date(
                locked,
                planned_publication_on,
                field="planned_publication_on",
                label="The planned publication date",
                after=[(completed_on, "the report was completed")],
                may_be_future=True,
            )
            if sent_to_panel_on is not None and locked.decision == ReviewDecision.LCSPR:
                _check_notice_before_publication(
                    sent_to_panel_on, planned_publication_on, "planned_publication_on"
                )
        fields = ["report_completed_on", "report_sent_to_panel_on", "planned_publication_on"]
        before = audit.snapshot(locked, fields)
        locked.report_completed_on = completed_on
        locked.report_sent_to_panel_on = sent_to_panel_on
        locked.planned_publication_on = planned_publication_on
        after = _save(locked, fields)
        _record(actor, locked, step="final report", before=before, after=after)
        if locked.status != S.REPORT_COMPLETED:
            review_move(
                actor=actor,
                review=locked,
                to_status=S.REPORT_COMPLETED,
                on=completed_on,
                reason="Final report completed",
            )
    return locked


def _check_url(value: str) -> str:
    url = (value or "").strip()
    if not url:
        raise ServiceError("Enter the web address where the review is published", "publication_url")
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError as error:
        raise ServiceError(
            "Enter a web address like https://www.example.gov.uk/reviews/child-k",
            "publication_url",
        ) from error
    return url


def review_publish(
    *,
    actor: User,
    review: CaseReview,
    published_on: dt.date,
    publication_url: str,
    version: int,
) -> CaseReview:
    """The review is published. An LCSPR's report must have reached the Panel and DfE at least
    7 working days before."""
    _check_manager(actor, review)
    url = _check_url(publication_url)
    with _step(review, version, Step.PUBLISH, published_on) as locked:
        if locked.decision == ReviewDecision.LCSPR:
            if locked.report_sent_to_panel_on is None:
                raise ServiceError(
                    "Record the date the final report was sent to the Panel and DfE first: it "
                    f"must reach them at least {REPORT_NOTICE_WORKING_DAYS} working days before "
                    "publication",
                    "published_on",
                )
            _check_notice_before_publication(
                locked.report_sent_to_panel_on, published_on, "published_on"
            )
        _write(
            actor,
            locked,
            {"published_on": published_on, "publication_url": url},
            step="published",
            move=(S.PUBLISHED, published_on, url),
        )
    return locked


def review_not_published(
    *, actor: User, review: CaseReview, reason: str, decided_on: dt.date, version: int
) -> CaseReview:
    """A recorded decision not to publish, and why (nothing is hidden without a reason)."""
    _check_manager(actor, review)
    text = _required_text(reason, "reason", "Enter why the review will not be published")
    with _step(review, version, Step.NOT_PUBLISHED, decided_on) as locked:
        _write(
            actor,
            locked,
            {"not_published_reason": text},
            step="not published",
            reason=text,
            move=(S.NOT_PUBLISHED, decided_on, text),
        )
    return locked


# ---------------------------------------------------------------- closing and withdrawal


def review_close(
    *, actor: User, review: CaseReview, closed_on: dt.date, reason: str = "", version: int
) -> CaseReview:
    """No further local review (or the Panel carries out a national one): the case is closed."""
    _check_manager(actor, review)
    with _step(review, version, Step.CLOSE, closed_on) as locked:
        text = (reason or "").strip() or ReviewDecision(locked.decision).label
        _write(
            actor,
            locked,
            {"closed_on": closed_on},
            step="closed",
            reason=text,
            move=(S.CLOSED, closed_on, text),
        )
    return locked


def review_withdraw(
    *, actor: User, review: CaseReview, withdrawn_on: dt.date, reason: str, version: int
) -> CaseReview:
    """Withdraw a referral or review, with the reason. Nothing is deleted."""
    _check_manager(actor, review)
    text = _required_text(reason, "reason", "Enter why the review is being withdrawn")
    with _step(review, version, Step.WITHDRAW, withdrawn_on) as locked:
        _write(
            actor,
            locked,
            {"withdrawn_on": withdrawn_on, "withdrawn_reason": text},
            step="withdrawn",
            reason=text,
            move=(S.WITHDRAWN, withdrawn_on, text),
        )
    return locked


# ---------------------------------------------------------------- settings and redaction


def review_settings_set(*, actor: User, rapid_review_starts: str) -> ReviewSettings:
    """The partnership's choice of day 0 for the rapid review clock."""
    if not actor.has_masa_permission(Permission.MANAGE_CASE_REVIEWS):
        raise ServiceError("Only the partnership's business unit can change case review settings")
    if rapid_review_starts not in ReviewSettings.RapidReviewStart.values:
        raise ServiceError(
            "Select when the rapid review's 15 working days start", "rapid_review_starts"
        )
    with transaction.atomic():
        current = (
            ReviewSettings.objects.select_for_update()
            .filter(partnership_id=actor.partnership_id)
            .first()
        )
        before = {"rapid_review_starts": current.rapid_review_starts if current else "aware"}
        settings, _ = ReviewSettings.objects.update_or_create(
            partnership_id=actor.partnership_id,
            defaults={"rapid_review_starts": rapid_review_starts, "changed_by": actor},
        )
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type="review_settings",
            object_id=actor.partnership_id,
            object_label="Case review settings: when the rapid review clock starts",
            before=before,
            after={"rapid_review_starts": rapid_review_starts},
        )
    return settings


def redaction_term_add(
    *, actor: User, review: CaseReview, term: str, replacement: str = "", version: int
) -> RedactionTerm:
    """A word or name to take out of anything published from the review."""
    _check_manager(actor, review)
    text = _required_text(term, "term", "Enter the word or name to take out")
    if len(text) < 2:
        raise ServiceError("The word or name must be at least 2 characters", "term")
    put_instead = (replacement or "").strip() or "[redacted]"
    with _step(review, version, Step.REDACTION) as locked:
        if RedactionTerm.objects.filter(review=locked, term__iexact=text).exists():
            raise ServiceError(f"'{text}' is already taken out of this review", "term")
        redaction = RedactionTerm.objects.create(
            review=locked, term=text, replacement=put_instead, added_by=actor
        )
        # The term itself may be a name: the audit keeps only that one was added.
        _record(
            actor,
            locked,
            action=AuditAction.CREATE,
            step="redaction added",
            after={"redaction": redaction.pk, "replacement": put_instead},
        )
    return redaction
