"""Reads for the case review pipeline: each review's clocks (with their owners and explanations),
its timeline of steps, the review list, and the overdue steps across the partnership.

Deadlines are never stored: they are worked out here from the review's dates with the one
calendar (``masa.core.calendar``), the partnership's rules (``rules_for_partnership``: a
partnership's own durations for the local rules) and its ``ReviewSettings`` (when the rapid review
clock starts). Who may see which review, and whose names, is decided in ``confidentiality``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum

from masa.core.calendar import (
    Clock,
    ClockRule,
    ClockState,
    WorkingDayCalendar,
    compute_clock,
    working_day_calendar,
)
from masa.core.models import User
from masa.core.permissions import Permission
from masa.core.presenters import govuk_date
from masa.journey.clocks import rules_for_partnership

from .confidentiality import member_review_ids, reviews_visible_to
from .models import (
    CaseReview,
    PauseReason,
    ReviewChild,
    ReviewDecision,
    ReviewPause,
    ReviewSettings,
    ReviewStatus,
)
from .services import REPORT_NOTICE_WORKING_DAYS, Step, step_refusal
from .transitions import FINAL_STATUSES, NEXT_STEP

S = ReviewStatus

# Who must act for each clock to stop.
OWNERS = {
    "review_acknowledge": "The business unit",
    "review_notification": "The local authority",
    "review_partners_told": "The local authority",
    "rapid_review": "The safeguarding partners",
    "panel_response": "The national Panel",
    "commissioning_notice": "The business unit",
    "review_publication": "The reviewer",
    "report_to_panel": "The business unit",
}

PAUSED_FOR = {
    PauseReason.CRIMINAL_TRIAL: "the criminal trial",
    PauseReason.INQUEST: "the inquest",
    PauseReason.FAMILY: "family circumstances",
    PauseReason.OTHER: "other reasons",
}


@dataclass(frozen=True)
class ReviewClock:
    """One of a review's deadlines: what, who must act, by when, and whether it was met."""

    code: str
    clock: Clock
    owner: str
    state: ClockState
    done_on: dt.date | None
    explanation: str

    @property
    def name(self) -> str:
        return self.clock.rule.name

    @property
    def due(self) -> dt.date:
        return self.clock.due

    @property
    def is_open(self) -> bool:
        return self.done_on is None


def rapid_review_basis(partnership_id: int) -> str:
    """When the partnership counts the rapid review's 15 working days from."""
    chosen = (
        ReviewSettings.objects.filter(partnership_id=partnership_id)
        .values_list("rapid_review_starts", flat=True)
        .first()
    )
    return chosen or ReviewSettings.RapidReviewStart.AWARE


def paused_days(pauses: Iterable[ReviewPause], today: dt.date) -> list[tuple[ReviewPause, int]]:
    """Each pause with the calendar days it stopped the clock (an open pause: up to today)."""
    return [(p, max(0, ((p.ended_on or today) - p.started_on).days)) for p in pauses]


def _pause_note(counted: list[tuple[ReviewPause, int]], months: int, unpaused_due: dt.date) -> str:
    parts = []
    for pause, days in counted:
        until = (
            f"to {govuk_date(pause.ended_on)}"
            if pause.ended_on
            else "and still paused, counted to today"
        )
        parts.append(
            f"paused {days} {'day' if days == 1 else 'days'} for "
            f"{PAUSED_FOR[PauseReason(pause.reason)]} (from {govuk_date(pause.started_on)} {until})"
        )
    text = "; ".join(parts)
    return (
        f" The review was {text}, so the due date moves on by the same number of days from "
        f"{govuk_date(unpaused_due)}, the end of the {months} months."
    )


def review_clocks(
    review: CaseReview,
    today: dt.date,
    *,
    rules: dict[str, ClockRule] | None = None,
    rapid_review_starts: str | None = None,
    calendar: WorkingDayCalendar | None = None,
) -> list[ReviewClock]:
    """The review's clocks that apply to it now, in pipeline order.

    A list of reviews passes ``rules`` and ``rapid_review_starts`` once for the partnership (and
    prefetches ``pauses``), so its queries do not grow with its length.
    """
    rules = rules or rules_for_partnership(review.partnership_id)
    basis = rapid_review_starts or rapid_review_basis(review.partnership_id)
    cal = calendar or working_day_calendar()
    found: list[ReviewClock] = []

    def add(code: str, start: dt.date, done_on: dt.date | None, note: str = "") -> None:
        clock = compute_clock(rules[code], start, cal)
        found.append(
            ReviewClock(
                code,
                clock,
                OWNERS[code],
                clock.state(today, done_on=done_on),
                done_on,
                clock.explanation() + note,
            )
        )

    add("review_acknowledge", review.referred_on, review.acknowledged_on)
    if review.notifiable is not False:
        add("review_notification", review.aware_on, review.notified_on)
    if review.notifiable or review.partners_told_on:
        add("review_partners_told", review.aware_on, review.partners_told_on)
    if review.notifiable or review.rapid_review_sent_on:
        from_notification = basis == ReviewSettings.RapidReviewStart.NOTIFIED
        start = review.notified_on if from_notification else review.aware_on
        if start is not None:
            note = (
                " The partnership counts the rapid review from the date the notification was sent."
                if from_notification
                else " The partnership counts the rapid review from the date the partners "
                "became aware."
            )
            add("rapid_review", start, review.rapid_review_sent_on, note)
    if review.rapid_review_sent_on is not None:
        add("panel_response", review.rapid_review_sent_on, review.panel_response_on)
    if review.decision == ReviewDecision.LCSPR and review.decision_on is not None:
        add("commissioning_notice", review.decision_on, review.commissioning_notice_sent_on)
        found.append(_publication_clock(review, today, rules["review_publication"]))
        if review.planned_publication_on is not None:
            found.append(_report_clock(review, today, rules["report_to_panel"], cal))
    return _still_relevant(review, found)


def _publication_clock(review: CaseReview, today: dt.date, rule: ClockRule) -> ReviewClock:
    """6 months from the decision, moved on by the days of every recorded pause."""
    assert review.decision_on is not None
    unpaused = compute_clock(rule, review.decision_on, working_day_calendar())
    counted = paused_days(review.pauses.all(), today)
    total = sum(days for _, days in counted)
    clock = dataclasses.replace(unpaused, due=unpaused.due + dt.timedelta(days=total))
    done_on = review.published_on
    if review.status == S.NOT_PUBLISHED:
        done_on = review.report_completed_on
    explanation = clock.explanation()
    if counted:
        explanation += _pause_note(counted, rule.duration, unpaused.due)
    return ReviewClock(
        rule.code,
        clock,
        OWNERS[rule.code],
        clock.state(today, done_on=done_on),
        done_on,
        explanation,
    )


def _report_clock(
    review: CaseReview, today: dt.date, rule: ClockRule, cal: WorkingDayCalendar
) -> ReviewClock:
    """Counted back: the final report reaches the Panel and DfE 7 working days before the
    planned publication date."""
    planned = review.planned_publication_on
    assert planned is not None
    due = cal.subtract_working_days(planned, rule.duration)
    skipped = cal.bank_holidays_between(due, planned)
    clock = Clock(rule, planned, due, skipped)
    text = (
        f"{rule.name}: at least {rule.duration} working days before the planned publication on "
        f"{govuk_date(planned)}, counted back, so by {govuk_date(due)}. Rule: "
        f"{rule.basis.label}, {rule.source}."
    )
    if skipped:
        names = ", ".join(f"{name} ({govuk_date(day)})" for day, name in skipped)
        text += f" Weekends and these bank holidays are not counted: {names}."
    else:
        text += " Weekends are not counted; no bank holidays fall in this period."
    done_on = review.report_sent_to_panel_on
    return ReviewClock(
        rule.code, clock, OWNERS[rule.code], clock.state(today, done_on=done_on), done_on, text
    )


def _still_relevant(review: CaseReview, clocks: list[ReviewClock]) -> list[ReviewClock]:
    """Once a review has ended (withdrawn, closed, published or not), steps never taken are no
    longer owed, except the Panel's reply to a rapid review of a closed case."""
    if review.status not in FINAL_STATUSES:
        return clocks
    return [
        c
        for c in clocks
        if not c.is_open or (c.code == "panel_response" and review.status != S.WITHDRAWN)
    ]


def next_clock(clocks: Sequence[ReviewClock]) -> ReviewClock | None:
    """The open clock due soonest (an overdue one is always due sooner than one not yet due)."""
    running = [c for c in clocks if c.is_open]
    return min(running, key=lambda c: c.due) if running else None


# ---------------------------------------------------------------- the review list


@dataclass(frozen=True)
class ReviewRow:
    review: CaseReview
    clocks: list[ReviewClock]
    next: ReviewClock | None
    overdue: int  # how many of its clocks are overdue
    child_names: list[str]  # empty unless the user is in the review group

    @property
    def next_step(self) -> str:
        text = NEXT_STEP.get(ReviewStatus(self.review.status), "")
        return text[:1].upper() + text[1:]


def _visible_reviews(user: User) -> QuerySet[CaseReview]:
    return reviews_visible_to(user).select_related("lead", "referring_agency")


def review_rows(user: User, today: dt.date, *, stage: str = "") -> list[ReviewRow]:
    """The reviews the user may see, overdue first, then by the next deadline."""
    reviews = _visible_reviews(user).prefetch_related("pauses")
    if stage:
        reviews = reviews.filter(status=stage)
    rules = rules_for_partnership(user.partnership_id)
    basis = rapid_review_basis(user.partnership_id)
    cal = working_day_calendar()
    members = member_review_ids(user)
    names: dict[int, list[str]] = {}
    if members:
        for link in ReviewChild.objects.filter(review_id__in=members).select_related("child"):
            names.setdefault(link.review_id, []).append(link.child.full_name)
    rows = []
    for review in reviews:
        clocks = review_clocks(review, today, rules=rules, rapid_review_starts=basis, calendar=cal)
        overdue = sum(1 for c in clocks if c.state == ClockState.OVERDUE)
        rows.append(
            ReviewRow(review, clocks, next_clock(clocks), overdue, names.get(review.pk, []))
        )

    def order(row: ReviewRow) -> tuple[int, dt.date, int]:
        due = row.next.due if row.next else dt.date.max
        return (0 if row.overdue else 1, due, -row.review.pk)

    return sorted(rows, key=order)


CSV_HEADER = [
    "Review",
    "Stage",
    "Next step",
    "Next deadline",
    "Deadline",
    "Deadline state",
    "Owner",
    "Lead",
    "Referred on",
    "Incident date",
    "Decision",
]


def csv_rows(rows: Iterable[ReviewRow]) -> Iterable[list[str]]:
    """The review list as a spreadsheet: anonymised names only, whoever downloads it."""
    from masa.core.presenters import safe_cell

    yield CSV_HEADER
    for row in rows:
        review = row.review
        cells = [
            review.anonymised_name,
            review.get_status_display(),
            row.next_step,
            row.next.name if row.next else "",
            row.next.due.isoformat() if row.next else "",
            row.next.state.value if row.next else "",
            row.next.owner if row.next else "",
            review.lead.display_name if review.lead else "",
            review.referred_on.isoformat(),
            review.incident_date.isoformat(),
            review.get_decision_display() if review.decision else "",
        ]
        yield [safe_cell(cell) for cell in cells]


# ---------------------------------------------------------------- overdue across the partnership


@dataclass(frozen=True)
class OverdueStep:
    review: CaseReview
    clock: ReviewClock
    days_overdue: int


def overdue_steps(partnership_id: int, today: dt.date) -> list[OverdueStep]:
    """Every overdue step of every live review in the partnership, longest overdue first. For
    the business manager: anonymised names only."""
    reviews = (
        CaseReview.objects.filter(partnership_id=partnership_id)
        .exclude(status=S.WITHDRAWN)
        .select_related("lead")
        .prefetch_related("pauses")
    )
    rules = rules_for_partnership(partnership_id)
    basis = rapid_review_basis(partnership_id)
    cal = working_day_calendar()
    found = []
    for review in reviews:
        for clock in review_clocks(
            review, today, rules=rules, rapid_review_starts=basis, calendar=cal
        ):
            if clock.state == ClockState.OVERDUE:
                found.append(OverdueStep(review, clock, (today - clock.due).days))
    return sorted(found, key=lambda step: (step.clock.due, step.review.anonymised_name))


def dashboard_panel(user: User, today: dt.date) -> dict[str, Any] | None:
    """The home page panel of overdue review steps, for the business unit and overseers."""
    if not (
        user.has_masa_permission(Permission.MANAGE_CASE_REVIEWS)
        or user.has_masa_permission(Permission.OVERSEE_CASE_REVIEWS)
    ):
        return None
    steps = overdue_steps(user.partnership_id, today)
    return {"steps": steps[:10], "count": len(steps), "today": today}


# ---------------------------------------------------------------- one review


def costs_total(review: CaseReview) -> Decimal:
    total = review.costs.aggregate(total=Sum("amount"))["total"]
    return Decimal(total or 0)


def money(amount: Decimal | None) -> str:
    """£3,370.50"""
    return "" if amount is None else f"£{Decimal(amount):,.2f}"


@dataclass(frozen=True)
class TimelineStep:
    """A line of the review's task list: the step, its date or due date, and where it stands.

    ``status`` is one of: done, met, missed, due, overdue, to_do, cannot_start, not_needed.
    ``step`` is the form that records it, when it may be recorded now.
    """

    title: str
    hint: str
    status: str
    step: Step | None = None


def _from_clock(
    review: CaseReview, title: str, clock: ReviewClock, step: Step | None, detail: str = ""
) -> TimelineStep:
    """A step with a clock; it links to its form while it is open and may be recorded now."""
    if step is not None and (clock.done_on is not None or step_refusal(review, step)):
        step = None
    if clock.done_on is not None:
        hint = f"Done {govuk_date(clock.done_on)}; due {govuk_date(clock.due)}"
    else:
        hint = f"Due {govuk_date(clock.due)}: {clock.owner.lower()}"
    if detail:
        hint = f"{detail}. {hint}"
    return TimelineStep(title, hint, clock.state.value, step)


def timeline(review: CaseReview, clocks: Sequence[ReviewClock]) -> list[TimelineStep]:
    """Each step of the pipeline with its date, its due date and its state."""
    by_code = {c.code: c for c in clocks}
    ended = review.status in FINAL_STATUSES
    decided = review.decision_on is not None
    no_local_review = review.decision in {
        ReviewDecision.NO_FURTHER_REVIEW,
        ReviewDecision.NATIONAL,
    }

    def waiting(title: str, step: Step | None, hint: str = "") -> TimelineStep:
        if ended:
            return TimelineStep(title, hint, "not_needed")
        if step is not None and step_refusal(review, step) is None:
            return TimelineStep(title, hint, "to_do", step)
        return TimelineStep(title, hint, "cannot_start")

    def clocked(title: str, code: str, step: Step | None, detail: str = "") -> TimelineStep:
        if code in by_code:
            return _from_clock(review, title, by_code[code], step, detail)
        return waiting(title, step)

    steps = [
        TimelineStep(
            "Referred for consideration",
            f"Referred {govuk_date(review.referred_on)} by {review.referring_agency.name}",
            "done",
        ),
        clocked("Acknowledged by the business unit", "review_acknowledge", Step.ACKNOWLEDGE),
    ]
    if review.notifiable is None:
        steps.append(waiting("Decide whether the case is notifiable", Step.TRIAGE))
    else:
        steps.append(
            TimelineStep(
                "Decide whether the case is notifiable",
                "Notifiable to the national Panel" if review.notifiable else "Not notifiable",
                "done",
                Step.TRIAGE if step_refusal(review, Step.TRIAGE) is None else None,
            )
        )
    if review.notifiable is False:
        for title in (
            "Serious incident notified to the Panel",
            "Rapid review held and sent to the Panel",
            "The Panel's response",
        ):
            steps.append(TimelineStep(title, "Not notifiable", "not_needed"))
    else:
        steps.append(
            clocked("Serious incident notified to the Panel", "review_notification", Step.NOTIFY)
        )
        steps.append(
            clocked("Safeguarding partners told", "review_partners_told", Step.PARTNERS_TOLD)
        )
        meeting = (
            f"Meeting held {govuk_date(review.rapid_review_meeting_on)}"
            if review.rapid_review_meeting_on
            else ""
        )
        if "rapid_review" in by_code:
            steps.append(
                clocked(
                    "Rapid review held and sent to the Panel",
                    "rapid_review",
                    Step.RAPID_REVIEW,
                    meeting,
                )
            )
        else:
            # Only a partnership counting from the notification has no clock yet once the case
            # is found notifiable.
            steps.append(
                waiting(
                    "Rapid review held and sent to the Panel",
                    Step.RAPID_REVIEW,
                    "The 15 working days start when the Panel is notified"
                    if review.notifiable
                    else "",
                )
            )
    if decided:
        steps.append(
            TimelineStep(
                "Decision recorded",
                f"{review.get_decision_display()}, {govuk_date(review.decision_on)}",
                "done",
            )
        )
    else:
        steps.append(waiting("Decision recorded", Step.DECIDE))
    if review.notifiable is not False:
        detail = review.get_panel_response_display() if review.panel_response else ""
        steps.append(clocked("The Panel's response", "panel_response", Step.PANEL_RESPONSE, detail))
    if decided and review.decision != ReviewDecision.LCSPR:
        steps.append(TimelineStep("Panel, Ofsted and DfE told of the review", "", "not_needed"))
    else:
        steps.append(
            clocked(
                "Panel, Ofsted and DfE told of the review",
                "commissioning_notice",
                Step.COMMISSIONING_NOTICE,
            )
        )
    commission = getattr(review, "commission", None) if decided else None
    if commission is not None:
        steps.append(
            TimelineStep(
                "Reviewer commissioned",
                f"{commission.reviewer_name}, {govuk_date(commission.commissioned_on)}",
                "done",
            )
        )
    elif decided and no_local_review:
        steps.append(TimelineStep("Reviewer commissioned", "", "not_needed"))
    else:
        steps.append(waiting("Reviewer commissioned", Step.COMMISSION))
    if review.report_completed_on:
        steps.append(
            TimelineStep(
                "Final report completed",
                f"Completed {govuk_date(review.report_completed_on)}",
                "done",
                Step.REPORT if step_refusal(review, Step.REPORT) is None else None,
            )
        )
    elif decided and no_local_review:
        steps.append(TimelineStep("Final report completed", "", "not_needed"))
    else:
        steps.append(waiting("Final report completed", Step.REPORT))
    if "report_to_panel" in by_code:
        steps.append(
            clocked("Final report sent to the Panel and DfE", "report_to_panel", Step.REPORT)
        )
    elif review.report_sent_to_panel_on:
        steps.append(
            TimelineStep(
                "Final report sent to the Panel and DfE",
                f"Sent {govuk_date(review.report_sent_to_panel_on)}",
                "done",
            )
        )
    elif decided and review.decision != ReviewDecision.LCSPR:
        steps.append(TimelineStep("Final report sent to the Panel and DfE", "", "not_needed"))
    else:
        steps.append(
            waiting(
                "Final report sent to the Panel and DfE",
                None,
                f"Due {REPORT_NOTICE_WORKING_DAYS} working days before the planned publication",
            )
        )
    steps.append(_publication_step(review, by_code, waiting))
    return steps


def _publication_step(
    review: CaseReview, by_code: dict[str, ReviewClock], waiting: Any
) -> TimelineStep:
    title = "Published"
    if review.published_on:
        clock = by_code.get("review_publication")
        status = clock.state.value if clock else "done"
        return TimelineStep(title, f"Published {govuk_date(review.published_on)}", status)
    if review.status == S.NOT_PUBLISHED:
        return TimelineStep(title, "Not published: the reasons are recorded", "done")
    if review.status == S.CLOSED:
        return TimelineStep(title, "Closed: no further review", "not_needed")
    if "review_publication" in by_code:
        clock = by_code["review_publication"]
        return TimelineStep(
            title,
            f"Completion and publication due {govuk_date(clock.due)}: {clock.owner.lower()}",
            clock.state.value,
            Step.PUBLISH if step_refusal(review, Step.PUBLISH) is None else None,
        )
    return waiting(title, Step.PUBLISH)


def pause_rows(review: CaseReview, today: dt.date) -> list[tuple[ReviewPause, int]]:
    return paused_days(review.pauses.all(), today)
