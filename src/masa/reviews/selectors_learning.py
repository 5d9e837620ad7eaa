"""Reads for the learning from case reviews. Which reviews a user may open, and who sees the
children's names, is decided by ``confidentiality`` only; these functions start from it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import (
    Case,
    Count,
    DateField,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear
from django.http import Http404

from masa.assurance.models import ActionStatus
from masa.core.models import User
from masa.core.permissions import Permission

from .confidentiality import is_member, reviews_visible_to
from .models import (
    Briefing,
    CaseReview,
    Finding,
    LearningTheme,
    Recommendation,
    ReviewStatus,
)

# ---------------------------------------------------------------- themes


def themes_for(partnership_id: int) -> QuerySet[LearningTheme]:
    """Every theme of the partnership in the partnership's order, with how often it is used."""
    return (
        LearningTheme.objects.filter(partnership_id=partnership_id)
        .annotate(
            finding_count=Count("findings", distinct=True),
            recommendation_count=Count("recommendations", distinct=True),
        )
        .order_by("order", "name", "pk")
    )


def theme_for_manager(user: User, theme_id: int) -> LearningTheme:
    theme = LearningTheme.objects.filter(pk=theme_id, partnership_id=user.partnership_id).first()
    if theme is None:
        raise Http404("No learning theme found")
    return theme


def theme_choices(partnership_id: int, keep: set[int] | None = None) -> list[LearningTheme]:
    """Themes that may be chosen: those in use, plus retired ones the record already has."""
    keep = keep or set()
    return list(
        LearningTheme.objects.filter(partnership_id=partnership_id)
        .filter(Q(retired_on__isnull=True) | Q(pk__in=keep))
        .order_by("order", "name", "pk")
    )


# ---------------------------------------------------------------- findings and recommendations


@dataclass(frozen=True)
class ReviewLearning:
    findings: Sequence[Finding]
    recommendations: Sequence[Recommendation]


def learning_for(review: CaseReview) -> ReviewLearning:
    """The review's findings and recommendations, withdrawn ones included (they are shown as
    withdrawn), in number order. Four queries whatever their number."""
    findings = list(review.findings.prefetch_related("themes").order_by("number"))
    recommendations = list(
        review.recommendations.select_related("finding")
        .prefetch_related("themes", "agencies")
        .annotate(action_count=Count("actions", filter=~Q(actions__status=ActionStatus.WITHDRAWN)))
        .order_by("number")
    )
    return ReviewLearning(findings, recommendations)


def finding_of(review: CaseReview, finding_id: int) -> Finding:
    finding = review.findings.filter(pk=finding_id).select_related("review").first()
    if finding is None:
        raise Http404("No finding found")
    return finding


def recommendation_of(review: CaseReview, recommendation_id: int) -> Recommendation:
    recommendation = (
        review.recommendations.filter(pk=recommendation_id).select_related("review").first()
    )
    if recommendation is None:
        raise Http404("No recommendation found")
    return recommendation


# ---------------------------------------------------------------- briefings


def sees_drafts(user: User, review: CaseReview) -> bool:
    """Drafts are for the business unit and the review group; approved briefings are for sharing
    with anyone who may open the review."""
    return user.has_masa_permission(Permission.MANAGE_CASE_REVIEWS) or is_member(user, review)


def briefings_for(user: User, review: CaseReview) -> list[Briefing]:
    briefings = review.briefings.select_related("approved_by", "created_by")
    if not sees_drafts(user, review):
        briefings = briefings.filter(approved_on__isnull=False)
    return list(briefings)


def briefing_of(user: User, review: CaseReview, briefing_id: int) -> Briefing:
    """The briefing if the user may read it: a draft they may not see is the same 404 as a
    briefing that does not exist."""
    briefing = (
        review.briefings.filter(pk=briefing_id).select_related("review", "approved_by").first()
    )
    if briefing is None or (briefing.approved_on is None and not sees_drafts(user, review)):
        raise Http404("No briefing found")
    return briefing


# ---------------------------------------------------------------- thematic analysis


def year_label(start: int) -> str:
    """A year from April to March, as the partnership's reports write it: 2023 -> "2023-24"."""
    return f"{start}-{(start + 1) % 100:02d}"


def _review_year(prefix: str) -> tuple[Case, Coalesce]:
    """The April-March year (its first calendar year) of a review's decision date or, failing
    that, its referral date, as a database expression."""
    day = Coalesce(f"{prefix}decision_on", f"{prefix}referred_on", output_field=DateField())
    # Annotate ``_day`` with the date, then ``_year`` and ``_month`` from it, before using this.
    return Case(
        When(_month__lt=4, then=F("_year") - Value(1)),
        default=F("_year"),
        output_field=IntegerField(),
    ), day


@dataclass(frozen=True)
class ThemeRow:
    theme_id: int
    name: str
    retired: bool
    counts: dict[int, int]  # year -> number of reviews

    def total(self, years: list[int]) -> int:
        # A review falls in one year only, so the years' counts add up to distinct reviews.
        return sum(self.counts.get(year, 0) for year in years)


@dataclass(frozen=True)
class ThemeAnalysis:
    years: list[int]  # every year with a review visible to the user, oldest first
    rows: list[ThemeRow]  # every theme tagged on a visible review
    reviews_per_year: dict[int, int]

    def between(self, first: int | None, last: int | None) -> tuple[list[int], list[ThemeRow]]:
        """The years in the range and the themes seen in them, most recurring first."""
        years = [
            y for y in self.years if (first is None or y >= first) and (last is None or y <= last)
        ]
        rows = [row for row in self.rows if row.total(years)]
        rows.sort(key=lambda row: -row.total(years))  # stable: ties keep the taxonomy's order
        return years, rows


def _pairs_sql(visible: QuerySet[CaseReview, Any]) -> tuple[str, tuple[Any, ...], str]:
    """One SQL query giving the distinct (theme, review, year) triples of the visible reviews'
    findings and recommendations that are not withdrawn."""
    parts = []
    for through, parent in (
        (Finding.themes.through, "finding"),
        (Recommendation.themes.through, "recommendation"),
    ):
        year, day = _review_year(f"{parent}__review__")
        parts.append(
            through.objects.filter(
                **{f"{parent}__withdrawn_reason": "", f"{parent}__review__in": visible}
            )
            .annotate(_day=day)
            .annotate(_year=ExtractYear("_day"), _month=ExtractMonth("_day"))
            .values(
                theme=F("learningtheme_id"),
                review=F(f"{parent}__review_id"),
                review_year=year,
            )
        )
    union = parts[0].union(parts[1])  # UNION (not ALL): each triple once
    sql, params = union.query.sql_with_params()
    return sql, params, union.db


def theme_analysis(user: User) -> ThemeAnalysis:
    """Which learning themes recur across the reviews the user may open, year by year: the
    number of reviews per theme per April-March year of the review's decision (or referral).
    Withdrawn reviews, findings and recommendations are left out; retired themes stay in.

    Counts only: no names. One aggregate query for the counts, whatever the number of reviews,
    and one for the number of reviews per year."""
    visible = reviews_visible_to(user).exclude(status=ReviewStatus.WITHDRAWN)
    sql, params, alias = _pairs_sql(visible.values("pk"))
    counts: dict[int, dict[int, int]] = defaultdict(dict)
    with connections[alias].cursor() as cursor:
        cursor.execute(
            "SELECT theme, review_year, COUNT(*) FROM ("  # noqa: S608 - SQL built by the ORM
            + sql
            + ") AS pairs GROUP BY theme, review_year",
            params,
        )
        for theme_id, year, number in cursor.fetchall():
            counts[int(theme_id)][int(year)] = int(number)
    year, day = _review_year("")
    per_year = {
        int(row["review_year"]): row["reviews"]
        for row in visible.annotate(_day=day)
        .annotate(_year=ExtractYear("_day"), _month=ExtractMonth("_day"))
        .values(review_year=year)
        .annotate(reviews=Count("pk"))
        .order_by()
    }
    themes = LearningTheme.objects.filter(pk__in=list(counts)).order_by("order", "name", "pk")
    rows = [
        ThemeRow(theme.pk, theme.name, theme.retired_on is not None, counts[theme.pk])
        for theme in themes
    ]
    return ThemeAnalysis(sorted(per_year), rows, per_year)
