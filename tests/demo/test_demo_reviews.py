"""The demo's case reviews, learning, priorities and actions: the seeds' reviews, every state of
the pipeline, themes that recur across years, the Ofsted recommendations, consistent dates and
statuses, and a clean reset.

The small demo is built once for the module (about two seconds); each test runs in its own
transaction inside that one, so a test that resets the demo leaves it for the next.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Exists, OuterRef

from masa.assurance.models import (
    Action,
    ActionSource,
    ActionStatus,
    ActionUpdate,
    MeasureReading,
    OutcomeMeasure,
    Priority,
)
from masa.assurance.transitions import may_move as action_may_move
from masa.core.calendar import compute_clock
from masa.core.models import Partnership
from masa.demo.factories.base import REFERENCE_DATE
from masa.demo.factories.reviews import RECOMMENDATION_ACTIONS, REVIEWS, TAGGED
from masa.demo.generator import DEFAULT_SEED, generate, reset_demo_data
from masa.indicators.catalogue import MEASURES
from masa.journey.models import Case, ChronologyEntry
from masa.people.models import Child
from masa.reviews.clocks import REVIEW_RULES
from masa.reviews.models import (
    Briefing,
    CaseReview,
    Finding,
    HarmOutcome,
    LearningTheme,
    PauseReason,
    Recommendation,
    ReviewChild,
    ReviewDecision,
    ReviewStatus,
    ReviewTransition,
)
from masa.reviews.transitions import may_move

pytestmark = pytest.mark.django_db
S = ReviewStatus
TODAY = REFERENCE_DATE  # Monday 23 November 2026

# The anonymised names the seeds give (Wigan 2017/18: Child M, Child F and G, Child R; Wirral
# 2023: Ollie and Noah), and the children named in the reviews of the siblings.
SEED_NAMES = {"Child M", "Child F", "Child R", "Ollie", "Noah"}
REVIEW_DATES = (
    "aware_on",
    "referred_on",
    "acknowledged_on",
    "notified_on",
    "partners_told_on",
    "rapid_review_meeting_on",
    "rapid_review_sent_on",
    "decision_on",
    "panel_response_on",
    "commissioning_notice_sent_on",
    "report_completed_on",
    "report_sent_to_panel_on",
    "planned_publication_on",
    "published_on",
    "closed_on",
    "withdrawn_on",
)
# The date field a status needs filled in, and those it must not have yet.
FILLED_BY_STATUS: dict[str, tuple[str, ...]] = {
    S.REFERRED: ("referred_on",),
    S.ACKNOWLEDGED: ("acknowledged_on",),
    S.NOTIFIED: ("acknowledged_on", "notified_on"),
    S.RAPID_REVIEW_SENT: ("rapid_review_sent_on",),
    S.DECIDED: ("decision_on",),
    S.COMMISSIONED: ("decision_on",),
    S.REPORT_COMPLETED: ("report_completed_on", "planned_publication_on"),
    S.PUBLISHED: ("report_completed_on", "published_on", "report_sent_to_panel_on"),
    S.NOT_PUBLISHED: ("report_completed_on",),
    S.CLOSED: ("decision_on", "closed_on"),
    S.WITHDRAWN: ("withdrawn_on",),
}
EMPTY_BY_STATUS: dict[str, tuple[str, ...]] = {
    S.REFERRED: ("acknowledged_on", "notified_on", "decision_on"),
    S.NOTIFIED: ("rapid_review_sent_on", "decision_on"),
    S.DECIDED: ("report_completed_on", "closed_on"),
    S.COMMISSIONED: ("report_completed_on", "published_on"),
    S.REPORT_COMPLETED: ("published_on",),
    S.NOT_PUBLISHED: ("published_on",),
    S.WITHDRAWN: ("decision_on", "notified_on"),
}


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock(), transaction.atomic():
        generate("small", DEFAULT_SEED)
        yield
        transaction.set_rollback(True)


def reviews() -> dict[str, CaseReview]:
    return {r.anonymised_name: r for r in CaseReview.objects.all()}


def financial_year(day: dt.date) -> str:
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def test_the_seeds_reviews_are_there_by_their_anonymised_names(demo: None) -> None:
    found = reviews()

    assert set(found) >= SEED_NAMES
    assert set(found) == {plan.name for plan in REVIEWS}
    children = defaultdict(list)
    for link in ReviewChild.objects.select_related("review").order_by("pk"):
        children[link.review.anonymised_name].append(link.anonymised_name)
    # Child F's review is also about a younger sibling, Child G; the Wirral adopted siblings are
    # three children in one review.
    assert children["Child F"] == ["Child F", "Child G"]
    assert children["Siblings A, B and C"] == ["Sibling A", "Sibling B", "Sibling C"]
    assert found["Child M"].harm_outcome == HarmOutcome.DIED
    assert "car seat" in found["Child M"].referral_reason
    assert "co-sleeping" in found["Ollie"].referral_reason
    assert "domestic abuse" in found["Noah"].referral_reason
    assert "methadone" in found["Child R"].referral_reason
    # The demo borough is Northbury: the seeds' borough is never named.
    texts = [r.referral_reason for r in found.values()] + list(
        Finding.objects.values_list("detail", flat=True)
    )
    assert not [t for t in texts if "Wigan" in t or "Wirral" in t]


def test_the_pipeline_shows_every_state(demo: None) -> None:
    found = reviews()
    statuses = {r.status for r in found.values()}

    assert statuses >= {
        S.REFERRED,
        S.NOTIFIED,
        S.DECIDED,
        S.COMMISSIONED,
        S.REPORT_COMPLETED,
        S.PUBLISHED,
        S.NOT_PUBLISHED,
        S.CLOSED,
        S.WITHDRAWN,
    }
    assert sum(r.status == S.PUBLISHED for r in found.values()) >= 5

    # Commissioned and paused for a criminal trial, the pause still running.
    paused = [r for r in found.values() if r.status == S.COMMISSIONED]
    assert paused
    for review in paused:
        pause = review.pauses.get()
        assert pause.reason == PauseReason.CRIMINAL_TRIAL
        assert pause.ended_on is None
        assert review.commission.commissioned_on <= pause.started_on <= TODAY

    # A rapid review under way with its step overdue: due 15 working days after the partners
    # became aware, not yet sent.
    rapid = found["Child P"]
    assert rapid.status == S.NOTIFIED and rapid.rapid_review_sent_on is None
    due = compute_clock(REVIEW_RULES["rapid_review"], rapid.aware_on).due
    assert due < TODAY

    # A referral waiting for acknowledgement, still within its 3 working days.
    waiting = found["Child S"]
    assert waiting.status == S.REFERRED and waiting.acknowledged_on is None
    assert compute_clock(REVIEW_RULES["review_acknowledge"], waiting.referred_on).due >= TODAY

    closed = found["Child W"]
    assert closed.decision == ReviewDecision.NO_FURTHER_REVIEW
    assert closed.closed_on is not None and closed.panel_response

    withdrawn = found["Child B"]
    assert withdrawn.withdrawn_reason and withdrawn.withdrawn_on is not None

    not_published = found["Child F"]
    assert "identify the children" in not_published.not_published_reason


def test_statuses_match_their_dates_and_every_step_has_its_transition(demo: None) -> None:
    for review in CaseReview.objects.prefetch_related("transitions__by"):
        steps = list(review.transitions.order_by("on", "pk"))
        assert steps, review.anonymised_name
        assert steps[0].from_status == "" and steps[0].to_status == S.REFERRED
        for before, after in itertools.pairwise(steps):
            assert after.from_status == before.to_status, review.anonymised_name
            assert may_move(before.to_status, after.to_status), (review, after.to_status)
            assert after.on >= before.on
        assert steps[-1].to_status == review.status
        assert all(step.reason and step.by_id for step in steps)
        assert review.version == len(steps)
        for name in FILLED_BY_STATUS[review.status]:
            assert getattr(review, name) is not None, (review.anonymised_name, name)
        for name in EMPTY_BY_STATUS.get(review.status, ()):
            assert getattr(review, name) is None, (review.anonymised_name, name)
        if review.published_on:
            assert review.publication_url.startswith("https://")
            assert review.report_sent_to_panel_on is not None
            assert review.report_sent_to_panel_on < review.published_on


def test_no_review_date_is_before_its_incident_or_after_today(demo: None) -> None:
    for review in CaseReview.objects.all():
        dates = {name: getattr(review, name) for name in REVIEW_DATES}
        dates = {name: day for name, day in dates.items() if day is not None}
        early = {n: d for n, d in dates.items() if d < review.incident_date}
        assert not early, (review.anonymised_name, review.incident_date, early)
        # Only a planned publication may lie ahead.
        late = {n: d for n, d in dates.items() if d > TODAY and n != "planned_publication_on"}
        assert not late, (review.anonymised_name, late)
    steps = ReviewTransition.objects.select_related("review")
    assert not [t for t in steps if t.on < t.review.incident_date]


def test_each_review_is_about_a_demo_child_with_casework_and_a_review_group(demo: None) -> None:
    for review in CaseReview.objects.prefetch_related("children__child", "members__user"):
        links = list(review.children.all())
        assert links, review.anonymised_name
        for link in links:
            child = link.child
            assert child.date_of_birth is not None
            assert child.date_of_birth < review.incident_date
            assert Case.objects.filter(child=child).exists(), review.anonymised_name
        members = {m.user.username: m.role for m in review.members.all()}
        assert members.get("business.manager") == "lead"
        assert "scrutineer" not in members and "data.analyst" not in members
        if review.status != S.REFERRED:
            assert {"health.practitioner", "team.manager"} <= set(members)
    # A review drawing on the chronology has the child's history before the incident to draw on.
    child_r = reviews()["Child R"]
    assert ChronologyEntry.objects.filter(
        child=child_r.children.get().child, occurred_on__lt=child_r.incident_date
    ).exists()
    # The review texts never name a child: everyone who is not in the group reads them.
    linked = Child.objects.filter(Exists(ReviewChild.objects.filter(child_id=OuterRef("pk"))))
    names = {(c.first_name, c.last_name) for c in linked}
    texts = " ".join(
        [
            *CaseReview.objects.values_list("referral_reason", flat=True),
            *Finding.objects.values_list("detail", flat=True),
            *Recommendation.objects.values_list("text", flat=True),
            *Action.objects.values_list("detail", flat=True),
            *(str(b.sections) for b in Briefing.objects.all()),
        ]
    )
    for first, last in names:
        assert not re.search(rf"\b({re.escape(first)}|{re.escape(last)})\b", texts), first


def test_learning_themes_recur_across_years(demo: None) -> None:
    """The thematic analysis counts reviews per theme per year of the decision (or referral)."""
    years: dict[str, set[str]] = defaultdict(set)
    for finding in Finding.objects.select_related("review").prefetch_related("themes"):
        review = finding.review
        year = financial_year(review.decision_on or review.referred_on)
        for theme in finding.themes.all():
            years[theme.name].add(year)
    recurring = {name for name, seen in years.items() if len(seen) >= 2}

    assert len(recurring) >= 5, years
    assert {"Information sharing", "Professional curiosity", "Neglect"} <= recurring
    assert len({y for seen in years.values() for y in seen}) >= 3  # 2024-25 to 2026-27
    # Every theme used is in the partnership's taxonomy, none retired.
    assert set(years) <= set(TAGGED)
    assert not LearningTheme.objects.filter(retired_on__isnull=False).exists()


def test_the_ofsted_2017_recommendations_are_actions(demo: None) -> None:
    ofsted = Action.objects.filter(source=ActionSource.INSPECTION).order_by("pk")

    assert [a.source_reference for a in ofsted] == [
        f"Ofsted inspection 2017, recommendation {n}" for n in range(1, 17)
    ]
    by_number = {int(a.source_reference.rsplit(" ", 1)[1]): a for a in ofsted}
    assert "return home interview" in by_number[3].detail
    assert "strategic priorities" in by_number[11].detail
    assert all(a.status == ActionStatus.CLOSED and a.evidence_of_impact for a in ofsted)


def test_actions_statuses_are_consistent_and_closed_ones_have_evidence(demo: None) -> None:
    actions = Action.objects.select_related("owner", "owning_agency").prefetch_related("updates")
    assert actions.count() > 40
    statuses = {a.status for a in actions}
    assert statuses >= {
        ActionStatus.NOT_STARTED,
        ActionStatus.ON_TRACK,
        ActionStatus.AT_RISK,
        ActionStatus.COMPLETE,
        ActionStatus.CLOSED,
        ActionStatus.WITHDRAWN,
    }
    open_statuses = {ActionStatus.NOT_STARTED, ActionStatus.ON_TRACK, ActionStatus.AT_RISK}
    overdue = [a for a in actions if a.status in open_statuses and a.due_on < TODAY]
    assert overdue, "some actions should be overdue"
    for action in actions:
        assert action.owner.agency_id == action.owning_agency_id, action.title
        assert action.owner.role not in {"independent_scrutineer"}
        updates = sorted(action.updates.all(), key=lambda u: (u.at, u.pk))
        assert updates[0].from_status == "" and updates[0].to_status == ActionStatus.NOT_STARTED
        for before, after in itertools.pairwise(updates):
            assert after.from_status == before.to_status
            assert action_may_move(before.to_status, after.to_status), action.title
            assert after.at >= before.at
        assert updates[-1].to_status == action.status
        if action.status == ActionStatus.CLOSED:
            assert action.evidence_of_impact.strip(), action.title
            assert updates[-1].evidence.strip()
            assert action.completed_on and action.closed_on
            assert action.completed_on <= action.closed_on <= TODAY
        if action.status == ActionStatus.COMPLETE:
            assert action.completed_on and action.completed_on <= TODAY
        if action.status == ActionStatus.WITHDRAWN:
            assert action.withdrawn_reason
    # Every recommendation has the actions planned for it, linked back to it.
    for rec in Recommendation.objects.select_related("review"):
        planned = RECOMMENDATION_ACTIONS[(rec.review.anonymised_name, rec.number)]
        assert rec.actions.count() == len(planned), (rec.review.anonymised_name, rec.number)
    assert not ActionUpdate.objects.filter(at__date__gt=TODAY).exists()


def test_priorities_have_measures_some_live_from_the_indicators(demo: None) -> None:
    priorities = Priority.objects.order_by("number")
    assert [p.title for p in priorities] == [
        "Early help and prevention",
        "Confidence, knowledge and skills of the workforce to safeguard",
        "Core and contextual safeguarding",
    ]
    for priority in priorities:
        assert priority.measures.count() >= 2
        assert priority.actions.exists(), priority.title
    live = OutcomeMeasure.objects.exclude(indicator_code="")
    assert {m.indicator_code for m in live} == {"referral_rate", "re_referrals", "cp_second_ever"}
    assert all(m.indicator_code in MEASURES for m in live)
    recorded = OutcomeMeasure.objects.filter(indicator_code="")
    assert all(m.readings.exists() for m in recorded)
    assert not MeasureReading.objects.filter(measured_on__gt=TODAY).exists()


def test_the_demo_resets_cleanly_and_rebuilds_the_same(demo: None) -> None:
    def snapshot() -> list[tuple[object, ...]]:
        rows: list[tuple[object, ...]] = [
            (r.anonymised_name, r.status, r.incident_date, r.decision_on, r.published_on)
            for r in CaseReview.objects.order_by("anonymised_name")
        ]
        rows += [(a.title, a.status, a.due_on) for a in Action.objects.order_by("title", "due_on")]
        rows += [
            (link.review.anonymised_name, link.anonymised_name, link.child.first_name)
            for link in ReviewChild.objects.select_related("review", "child").order_by("pk")
        ]
        return rows

    before = snapshot()
    counts = (CaseReview.objects.count(), Action.objects.count(), Briefing.objects.count())

    generate("small", DEFAULT_SEED, reset=True)

    assert snapshot() == before
    assert (CaseReview.objects.count(), Action.objects.count(), Briefing.objects.count()) == counts

    reset_demo_data()

    assert not Partnership.objects.filter(slug="northbury").exists()
    for model in (CaseReview, ReviewTransition, Finding, LearningTheme, Action, Priority, Briefing):
        assert not model.objects.exists(), model.__name__
