"""The thematic analysis: which learning themes recur across reviews and years (April to March),
as a chart with its table and a CSV, counting reviews only."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from masa.core.models import User
from masa.reviews.models import CaseReview, ReviewStatus
from masa.reviews.selectors_learning import theme_analysis, year_label
from masa.reviews.services_learning import (
    finding_add,
    finding_withdraw,
    recommendation_add,
    theme_add,
    theme_retire,
)

from ..conftest import World
from ..reviews_factories import make_review

D = dt.date


def review(
    world: World, name: str, referred: dt.date, decided: dt.date | None = None, **fields: object
) -> CaseReview:
    return make_review(
        world,
        anonymised_name=name,
        incident_date=referred - dt.timedelta(days=3),
        referred_on=referred,
        decision_on=decided,
        **fields,
    )


@pytest.fixture
def reviews(world: World) -> dict[str, object]:
    """Five reviews across 2023-24 and 2024-25, with the edge cases the counting must get right."""
    bm = world.users["business_manager"]
    neglect = theme_add(actor=bm, name="Neglect")
    sharing = theme_add(actor=bm, name="Information sharing")
    voice = theme_add(actor=bm, name="Voice of the child")
    escalation = theme_add(actor=bm, name="Escalation")
    safe_sleep = theme_add(actor=bm, name="Safe sleep")

    def finding(r: CaseReview, *themes, title: str = "Finding", detail: str = "Detail"):  # type: ignore[no-untyped-def]
        return finding_add(actor=bm, review=r, title=title, detail=detail, themes=themes)

    # Child A: decided in June 2023 (2023-24); neglect on a finding and a recommendation counts
    # once.
    a = review(world, "Child A", D(2023, 5, 2), D(2023, 6, 10))
    finding(a, neglect, sharing, detail="Kira Holt's school saw the signs.")
    recommendation_add(actor=bm, review=a, text="Use the neglect tool.", themes=[neglect])
    # Child B: no decision yet; referred on 31 March 2024, the last day of 2023-24.
    b = review(world, "Child B", D(2024, 3, 31))
    finding(b, neglect)
    # Child C: referred on 1 April 2024, the first day of 2024-25; a withdrawn finding does not
    # count; a theme only on a recommendation does.
    c = review(world, "Child C", D(2024, 4, 1), D(2024, 5, 1))
    finding(c, sharing)
    gone = finding(c, escalation)
    finding_withdraw(actor=bm, finding=gone, reason="Not supported", version=gone.version)
    recommendation_add(actor=bm, review=c, text="Ask the child.", themes=[voice])
    # Child D: a review withdrawn after its learning was recorded: nothing counts.
    d = review(world, "Child D", D(2024, 6, 1))
    finding(d, neglect)
    CaseReview.objects.filter(pk=d.pk).update(status=ReviewStatus.WITHDRAWN)
    # Child E: referred in December 2023 but decided in May 2024: the decision's year counts.
    # Safe sleep is retired since, and still counts.
    e = review(world, "Child E", D(2023, 12, 1), D(2024, 5, 20))
    finding(e, neglect, safe_sleep)
    theme_retire(actor=bm, theme=safe_sleep)
    return {"neglect": neglect, "sharing": sharing, "voice": voice, "safe_sleep": safe_sleep}


def counts(user: User) -> dict[str, dict[str, int]]:
    analysis = theme_analysis(user)
    return {
        row.name: {year_label(y): n for y, n in sorted(row.counts.items())} for row in analysis.rows
    }


def test_years_run_from_april_to_march() -> None:
    assert year_label(2023) == "2023-24"
    assert year_label(1999) == "1999-00"


@pytest.mark.django_db
@pytest.mark.usefixtures("reviews")
def test_the_analysis_counts_reviews_per_theme_per_year(world: World) -> None:
    scrutineer = world.users["independent_scrutineer"]
    assert counts(scrutineer) == {
        "Neglect": {"2023-24": 2, "2024-25": 1},
        "Information sharing": {"2023-24": 1, "2024-25": 1},
        "Voice of the child": {"2024-25": 1},
        "Safe sleep": {"2024-25": 1},
    }
    analysis = theme_analysis(scrutineer)
    assert analysis.years == [2023, 2024]
    assert analysis.reviews_per_year == {2023: 2, 2024: 2}  # A, B; C, E (D is withdrawn)
    years, rows = analysis.between(2024, None)
    assert years == [2024]
    assert [row.name for row in rows] == [
        "Neglect",
        "Information sharing",
        "Voice of the child",
        "Safe sleep",
    ]
    assert next(row for row in rows if row.retired).name == "Safe sleep"
    _, every = analysis.between(None, None)
    assert [(row.name, row.total([2023, 2024])) for row in every][:2] == [
        ("Neglect", 3),
        ("Information sharing", 2),
    ]


@pytest.mark.django_db
@pytest.mark.usefixtures("reviews")
def test_a_practitioner_counts_only_the_reviews_they_can_open(world: World) -> None:
    assert counts(world.users["social_worker"]) == {}  # in no review group
    assert counts(world.users["team_manager"])["Neglect"] == {"2023-24": 2, "2024-25": 1}


@pytest.mark.django_db
@pytest.mark.usefixtures("reviews")
def test_the_counts_take_the_same_queries_however_many_reviews(world: World) -> None:
    scrutineer = world.users["independent_scrutineer"]
    with CaptureQueriesContext(connection) as before:
        theme_analysis(scrutineer)
    bm = world.users["business_manager"]
    theme = theme_add(actor=bm, name="Hidden men")
    for letter in "FGHIJ":
        finding_add(
            actor=bm,
            review=review(world, f"Child {letter}", D(2025, 5, 1)),
            title="T",
            detail="D",
            themes=[theme],
        )
    with CaptureQueriesContext(connection) as after:
        analysis = theme_analysis(scrutineer)
    assert len(after.captured_queries) == len(before.captured_queries) <= 4
    assert next(r for r in analysis.rows if r.name == "Hidden men").counts == {2025: 5}


@pytest.mark.django_db
@pytest.mark.usefixtures("reviews")
def test_the_page_shows_a_chart_and_its_table_without_names(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for("independent_scrutineer").get("/reviews/themes/analysis/")
    text = response.content.decode()

    assert response.status_code == 200
    assert text.count("<h1") == 1
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in text and 'role="img"' in text
    assert "Number of reviews with each learning theme from 2023-24 to 2024-25" in text
    assert '<th scope="row" class="govuk-table__header">Neglect</th>' in text
    assert '<th scope="row" class="govuk-table__header">Safe sleep (retired)</th>' in text
    assert "Reviews counted: 2023-24: 2; 2024-25: 2." in text
    assert "Kira" not in text and "Holt" not in text
    assert "Child A" not in text  # counts only: no review is named

    only_later = client_for("independent_scrutineer").get(
        "/reviews/themes/analysis/", {"from_year": "2024", "to_year": "2024"}
    )
    later = only_later.content.decode()
    assert "Number of reviews with each learning theme in 2024-25" in later
    assert "2023-24: " not in later


@pytest.mark.django_db
@pytest.mark.usefixtures("reviews")
def test_a_range_that_ends_before_it_starts_is_refused(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for("data_analyst").get(
        "/reviews/themes/analysis/", {"from_year": "2024", "to_year": "2023"}
    )
    text = response.content.decode()
    assert "<title>Error: Learning themes across reviews" in text
    assert "The last year must be the same as or after the first year" in text


@pytest.mark.django_db
@pytest.mark.usefixtures("reviews")
def test_the_csv_has_the_same_figures(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for("business_manager").get("/reviews/themes/analysis.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows == [
        ["Learning theme", "Retired", "2023-24", "2024-25", "Total"],
        ["Neglect", "No", "2", "1", "3"],
        ["Information sharing", "No", "1", "1", "2"],
        ["Voice of the child", "No", "0", "1", "1"],
        ["Safe sleep", "Yes", "0", "1", "1"],
    ]
    assert "Kira" not in body

    ranged = client_for("business_manager").get(
        "/reviews/themes/analysis.csv", {"from_year": "2023", "to_year": "2023"}
    )
    assert list(csv.reader(io.StringIO(ranged.content.decode("utf-8-sig"))))[:3] == [
        ["Learning theme", "Retired", "2023-24", "Total"],
        ["Neglect", "No", "2", "2"],
        ["Information sharing", "No", "1", "1"],
    ]


@pytest.mark.django_db
def test_a_theme_name_that_looks_like_a_formula_is_defused_in_the_csv(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    bm = world.users["business_manager"]
    theme = theme_add(actor=bm, name="=HYPERLINK(1)")
    finding_add(actor=bm, review=make_review(world), title="T", detail="D", themes=[theme])

    body = client_for("business_manager").get("/reviews/themes/analysis.csv").content
    assert "'=HYPERLINK(1)" in body.decode("utf-8-sig")


@pytest.mark.django_db
def test_who_may_see_the_analysis(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    empty = client_for("police_officer").get("/reviews/themes/analysis/")
    assert empty.status_code == 200
    assert "No learning themes have been recorded on reviews yet" in empty.content.decode()
    assert "those whose review group you are in" in empty.content.decode()
    assert client_for("data_protection_officer").get("/reviews/themes/analysis/").status_code == 403
