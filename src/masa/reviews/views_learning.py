"""Learning pages: the learning themes, a review's findings and recommendations, the thematic
analysis across reviews and the 7-minute briefings.

Reads go through ``confidentiality``: a review a user may not open is a 404, and text shown to
anyone outside the review group has the children's and family members' names taken out.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from masa.core.access import requires
from masa.core.charts import ChartData, Series, bar_figure
from masa.core.models import Agency, User
from masa.core.permissions import Permission
from masa.core.presenters import safe_cell
from masa.core.services import ServiceError
from masa.core.views import page, posted_id, save_form, user_of
from masa.journey.chronology import generated_line

from . import briefing as briefing_text
from . import selectors_learning as selectors
from . import services_learning as services
from .confidentiality import names_to_redact, reads_reviews, redact, review_for_user, sees_names
from .forms_learning import (
    AnalysisFilterForm,
    BriefingForm,
    FindingForm,
    RecommendationForm,
    ThemeForm,
    WithdrawForm,
)
from .models import Briefing, CaseReview, Finding, LearningTheme, Recommendation


def _link(name: str, *args: object) -> str | None:
    """The address of another part's page, or None while that page does not exist yet."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _safe_text(user: User, review: CaseReview) -> Callable[[str], str]:
    """What the user may read of a text about the review: as written for the review group,
    with the names taken out for everyone else."""
    if sees_names(user, review):
        return lambda text: text
    pairs = names_to_redact(review)
    return lambda text: redact(text, pairs)


def _review_context(review: CaseReview) -> dict[str, Any]:
    return {
        "review": review,
        "review_url": _link("reviews:review-detail", review.pk),
        "review_list_url": _link("reviews:review-list"),
    }


# ---------------------------------------------------------------- learning themes


@requires(Permission.MANAGE_CASE_REVIEWS)
@require_http_methods(["GET", "POST"])
def theme_list(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    if user.agency is None:  # a partnership's list: nobody outside a partnership manages one
        raise PermissionDenied
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "defaults":
                added = services.theme_defaults(user.agency.partnership, actor=user)
                messages.success(request, f"{len(added)} starting themes added")
            elif action in {"up", "down"}:
                theme = selectors.theme_for_manager(user, posted_id(request, "theme"))
                services.theme_move(actor=user, theme=theme, direction=action)
                messages.success(request, f"‘{theme.name}’ moved {action}")
        except ServiceError as error:
            messages.error(request, error.message)
        return redirect("reviews:theme-list")
    return page(
        request,
        "reviews/learning/theme_list.html",
        "Learning themes",
        themes=list(selectors.themes_for(user.partnership_id)),
    )


@requires(Permission.MANAGE_CASE_REVIEWS)
@require_http_methods(["GET", "POST"])
def theme_add(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    form = ThemeForm(request.POST or None)
    saved = save_form(
        request,
        form,
        lambda data: services.theme_add(
            actor=user, name=data["name"], description=data["description"]
        ),
        success=lambda theme: f"‘{theme.name}’ added to the learning themes",
    )
    if saved:
        return redirect("reviews:theme-list")
    return page(request, "reviews/learning/theme_form.html", "Add a learning theme", form=form)


@requires(Permission.MANAGE_CASE_REVIEWS)
@require_http_methods(["GET", "POST"])
def theme_edit(request: HttpRequest, theme_id: int) -> HttpResponse:
    user = user_of(request)
    theme = selectors.theme_for_manager(user, theme_id)
    action = request.POST.get("action", "save") if request.method == "POST" else ""
    if action in {"retire", "reinstate"}:
        change = services.theme_retire if action == "retire" else services.theme_reinstate
        try:
            change(actor=user, theme=theme)
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            done = "retired: it stays on past learning" if action == "retire" else "reinstated"
            messages.success(request, f"‘{theme.name}’ {done}")
        return redirect("reviews:theme-list")
    initial = {"name": theme.name, "description": theme.description}
    form = ThemeForm(request.POST if request.method == "POST" else None, initial=initial)
    saved = save_form(
        request,
        form,
        lambda data: services.theme_update(
            actor=user, theme=theme, name=data["name"], description=data["description"]
        ),
        success=lambda changed: f"‘{changed.name}’ saved",
    )
    if saved:
        return redirect("reviews:theme-list")
    return page(
        request,
        "reviews/learning/theme_form.html",
        f"Change the theme ‘{theme.name}’",
        form=form,
        theme=theme,
    )


# ---------------------------------------------------------------- findings and recommendations


@reads_reviews
@require_GET
def findings(request: HttpRequest, review_id: int) -> HttpResponse:
    user = user_of(request)
    review = review_for_user(user, review_id)
    learning = selectors.learning_for(review)
    return page(
        request,
        "reviews/learning/findings.html",
        f"Findings and recommendations: {review.anonymised_name}",
        learning=learning,
        briefings=selectors.briefings_for(user, review),
        safe=_safe_text(user, review),
        can_manage=user.has_masa_permission(Permission.MANAGE_CASE_REVIEWS),
        **_review_context(review),
    )


def _theme_items(themes: list[LearningTheme]) -> list[tuple[str, str]]:
    return [
        (str(theme.pk), f"{theme.name} (retired)" if theme.retired_on else theme.name)
        for theme in themes
    ]


def _chosen_themes(review: CaseReview, ids: list[str]) -> list[LearningTheme]:
    return list(
        LearningTheme.objects.filter(
            partnership_id=review.partnership_id, pk__in=[int(i) for i in ids]
        )
    )


def _learning_form_page(
    request: HttpRequest,
    review: CaseReview,
    form: Any,
    title: str,
    **context: Any,
) -> HttpResponse:
    return page(
        request,
        "reviews/learning/learning_form.html",
        title,
        form=form,
        findings_url=reverse("reviews:findings", args=[review.pk]),
        **_review_context(review),
        **context,
    )


def _finding_form(
    request: HttpRequest, review: CaseReview, finding: Finding | None, user: User
) -> FindingForm:
    keep = set(finding.themes.values_list("pk", flat=True)) if finding else set()
    choices = _theme_items(selectors.theme_choices(review.partnership_id, keep))
    if request.method == "POST":
        return FindingForm(request.POST, themes=choices)
    if finding is None:
        return FindingForm(themes=choices)
    safe = _safe_text(user, review)
    return FindingForm(
        themes=choices,
        initial={
            "title": safe(finding.title),
            "detail": safe(finding.detail),
            "themes": [str(pk) for pk in keep],
            "version": finding.version,
        },
    )


@requires(Permission.MANAGE_CASE_REVIEWS)
@require_http_methods(["GET", "POST"])
def finding_add(request: HttpRequest, review_id: int) -> HttpResponse:
    user = user_of(request)
    review = review_for_user(user, review_id)
    form = _finding_form(request, review, None, user)
    saved = save_form(
        request,
        form,
        lambda data: services.finding_add(
            actor=user,
            review=review,
            title=data["title"],
            detail=data["detail"],
            themes=_chosen_themes(review, data["themes"]),
        ),
        success=lambda finding: f"Finding {finding.number} added",
    )
    if saved:
        return redirect("reviews:findings", review_id=review.pk)
    return _learning_form_page(request, review, form, "Add a finding")


@requires(Permission.MANAGE_CASE_REVIEWS)
@require_http_methods(["GET", "POST"])
def finding_edit(request: HttpRequest, review_id: int, finding_id: int) -> HttpResponse:
    user = user_of(request)
    review = review_for_user(user, review_id)
    finding = selectors.finding_of(review, finding_id)
    form = _finding_form(request, review, finding, user)
    saved = save_form(
        request,
        form,
        lambda data: services.finding_update(
            actor=user,
            finding=finding,
            title=data["title"],
            detail=data["detail"],
            themes=_chosen_themes(review, data["themes"]),
            version=data["version"],
        ),
        success=lambda changed: f"Finding {changed.number} saved",
        record=finding,
    )
    if saved:
        return redirect("reviews:findings", review_id=review.pk)
    return _learning_form_page(
        request,
        review,
        form,
        f"Change finding {finding.number}",
        names_hidden=not sees_names(user, review),
    )


def _withdraw_page(
    request: HttpRequest,
    review: CaseReview,
    record: Finding | Recommendation,
    what: str,
    withdraw: Callable[[dict[str, Any]], object],
) -> HttpResponse:
    form = WithdrawForm(
        request.POST if request.method == "POST" else None, initial={"version": record.version}
    )
    if save_form(request, form, withdraw, success=f"{what} withdrawn", record=record):
        return redirect("reviews:findings", review_id=review.pk)
    return _learning_form_page(
        request,
        review,
        form,
        f"Withdraw {what.lower()}",
        intro="Nothing is deleted: it stays on the review, marked withdrawn, with the reason.",
        button="Withdraw",
        quoted=_safe_text(user_of(request), review)(
            record.title if isinstance(record, Finding) else record.text
        ),
    )


@requires(Permission.MANAGE_CASE_REVIEWS)
@require_http_methods(["GET", "POST"])
def finding_withdraw(request: HttpRequest, review_id: int, finding_id: int) -> HttpResponse:
    user = user_of(request)
    review = review_for_user(user, review_id)
    finding = selectors.finding_of(review, finding_id)
    return _withdraw_page(
        request,
        review,
        finding,
        f"Finding {finding.number}",
        lambda data: services.finding_withdraw(
            actor=user, finding=finding, reason=data["reason"], version=data["version"]
        ),
    )


def _recommendation_form(
    request: HttpRequest, review: CaseReview, recommendation: Recommendation | None, user: User
) -> RecommendationForm:
    keep = set(recommendation.themes.values_list("pk", flat=True)) if recommendation else set()
    safe = _safe_text(user, review)
    current = recommendation.finding_id if recommendation else None
    findings = [
        (str(f.pk), f"Finding {f.number}: {safe(f.title)}")
        for f in review.findings.order_by("number")
        if not f.withdrawn_reason or f.pk == current
    ]
    agencies = [
        (str(a.pk), a.name)
        for a in Agency.objects.filter(partnership_id=review.partnership_id).order_by("name")
    ]
    choices = {
        "themes": _theme_items(selectors.theme_choices(review.partnership_id, keep)),
        "findings": findings,
        "agencies": agencies,
    }
    if request.method == "POST":
        return RecommendationForm(request.POST, **choices)
    if recommendation is None:
        return RecommendationForm(**choices)
    return RecommendationForm(
        initial={
            "text": safe(recommendation.text),
            "finding": str(recommendation.finding_id or ""),
            "themes": [str(pk) for pk in keep],
            "agencies": [str(pk) for pk in recommendation.agencies.values_list("pk", flat=True)],
            "version": recommendation.version,
        },
        **choices,
    )


def _recommendation_inputs(review: CaseReview, data: dict[str, Any]) -> dict[str, Any]:
    finding_id = data["finding"]
    return {
        "text": data["text"],
        "finding": review.findings.filter(pk=int(finding_id)).first() if finding_id else None,
        "themes": _chosen_themes(review, data["themes"]),
        "agencies": list(
            Agency.objects.filter(
                partnership_id=review.partnership_id, pk__in=[int(i) for i in data["agencies"]]
            )
        ),
    }


@requires(Permission.MANAGE_CASE_REVIEWS)
@require_http_methods(["GET", "POST"])
def recommendation_add(request: HttpRequest, review_id: int) -> HttpResponse:
    user = user_of(request)
    review = review_for_user(user, review_id)
    form = _recommendation_form(request, review, None, user)
    saved = save_form(
        request,
        form,
        lambda data: services.recommendation_add(
            actor=user, review=review, **_recommendation_inputs(review, data)
        ),
        success=lambda recommendation: f"Recommendation {recommendation.number} added",
    )
    if saved:
        return redirect("reviews:findings", review_id=review.pk)
    return _learning_form_page(request, review, form, "Add a recommendation")


@requires(Permission.MANAGE_CASE_REVIEWS)
@require_http_methods(["GET", "POST"])
def recommendation_edit(
    request: HttpRequest, review_id: int, recommendation_id: int
) -> HttpResponse:
    user = user_of(request)
    review = review_for_user(user, review_id)
    recommendation = selectors.recommendation_of(review, recommendation_id)
    form = _recommendation_form(request, review, recommendation, user)
    saved = save_form(
        request,
        form,
        lambda data: services.recommendation_update(
            actor=user,
            recommendation=recommendation,
            version=data["version"],
            **_recommendation_inputs(review, data),
        ),
        success=lambda changed: f"Recommendation {changed.number} saved",
        record=recommendation,
    )
    if saved:
        return redirect("reviews:findings", review_id=review.pk)
    return _learning_form_page(
        request,
        review,
        form,
        f"Change recommendation {recommendation.number}",
        names_hidden=not sees_names(user, review),
    )


@requires(Permission.MANAGE_CASE_REVIEWS)
@require_http_methods(["GET", "POST"])
def recommendation_withdraw(
    request: HttpRequest, review_id: int, recommendation_id: int
) -> HttpResponse:
    user = user_of(request)
    review = review_for_user(user, review_id)
    recommendation = selectors.recommendation_of(review, recommendation_id)
    return _withdraw_page(
        request,
        review,
        recommendation,
        f"Recommendation {recommendation.number}",
        lambda data: services.recommendation_withdraw(
            actor=user,
            recommendation=recommendation,
            reason=data["reason"],
            version=data["version"],
        ),
    )


# ---------------------------------------------------------------- thematic analysis


def _analysis(request: HttpRequest) -> dict[str, Any]:
    """The analysis for the years asked for, with its form (shown with errors if invalid)."""
    user = user_of(request)
    analysis = selectors.theme_analysis(user)
    year_choices = [(str(year), selectors.year_label(year)) for year in analysis.years]
    form = AnalysisFilterForm(request.GET or None, years=year_choices)
    first = last = None
    if form.is_bound and form.is_valid():
        first = int(form.cleaned_data["from_year"]) if form.cleaned_data["from_year"] else None
        last = int(form.cleaned_data["to_year"]) if form.cleaned_data["to_year"] else None
    years, rows = analysis.between(first, last)
    return {
        "form": form,
        "analysis": analysis,
        "years": years,
        "rows": rows,
        "first": first,
        "last": last,
        "oversees": user.has_masa_permission(Permission.OVERSEE_CASE_REVIEWS),
    }


def _theme_name(row: selectors.ThemeRow) -> str:
    return f"{row.name} (retired)" if row.retired else row.name


@reads_reviews
@require_GET
def themes_analysis(request: HttpRequest) -> HttpResponse:
    context = _analysis(request)
    years, rows = context["years"], context["rows"]
    labels = [selectors.year_label(year) for year in years]
    span = f" from {labels[0]} to {labels[-1]}" if len(labels) > 1 else ""
    if len(labels) == 1:
        span = f" in {labels[0]}"
    data = ChartData(
        title=f"Number of reviews with each learning theme{span}",
        categories=[_theme_name(row) for row in rows],
        series=[
            Series(label, [row.counts.get(year, 0) for row in rows])
            for year, label in zip(years, labels, strict=True)
        ],
        category_heading="Learning theme",
        unit="reviews",
        chart_id="themes-by-year",
        total_heading="All these years" if len(years) > 1 else "",
    )
    query = request.GET.urlencode()
    return page(
        request,
        "reviews/learning/themes_analysis.html",
        "Learning themes across reviews",
        figure=bar_figure(data, table="below"),
        year_counts=[
            (selectors.year_label(y), context["analysis"].reviews_per_year[y]) for y in years
        ],
        csv_url=reverse("reviews:themes-analysis-csv") + (f"?{query}" if query else ""),
        **context,
    )


@reads_reviews
@require_GET
def themes_analysis_csv(request: HttpRequest) -> HttpResponse:
    context = _analysis(request)
    years, rows = context["years"], context["rows"]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="learning-themes-by-year.csv"'
    response["Cache-Control"] = "no-store"
    response.write("\ufeff")  # so Excel reads the text as UTF-8
    writer = csv.writer(response)
    labels = [selectors.year_label(year) for year in years]
    writer.writerow(["Learning theme", "Retired", *labels, "Total"])
    for row in rows:
        writer.writerow(
            [
                safe_cell(row.name),
                "Yes" if row.retired else "No",
                *(row.counts.get(year, 0) for year in years),
                row.total(years),
            ]
        )
    return response


# ---------------------------------------------------------------- 7-minute briefings


@requires(Permission.MANAGE_CASE_REVIEWS)
@require_POST
def briefing_generate(request: HttpRequest, review_id: int) -> HttpResponse:
    user = user_of(request)
    review = review_for_user(user, review_id)
    try:
        briefing = services.briefing_generate(actor=user, review=review)
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("reviews:findings", review_id=review.pk)
    messages.success(request, "Draft briefing generated: check and change its wording")
    return redirect("reviews:briefing-edit", review_id=review.pk, briefing_id=briefing.pk)


def _briefing_context(request: HttpRequest, briefing: Briefing) -> dict[str, Any]:
    return {
        "briefing": briefing,
        "shown": briefing_text.shown(briefing),
        "generated": generated_line(user_of(request)),
    }


@reads_reviews
@require_GET
def briefing_page(request: HttpRequest, review_id: int, briefing_id: int) -> HttpResponse:
    user = user_of(request)
    review = review_for_user(user, review_id)
    briefing = selectors.briefing_of(user, review, briefing_id)
    context = _briefing_context(request, briefing)
    return page(
        request,
        "reviews/learning/briefing.html",
        context["shown"].title,
        can_edit=user.has_masa_permission(Permission.MANAGE_CASE_REVIEWS)
        and briefing.approved_on is None,
        **context,
        **_review_context(review),
    )


@reads_reviews
@require_GET
def briefing_pdf(request: HttpRequest, review_id: int, briefing_id: int) -> HttpResponse:
    user = user_of(request)
    review = review_for_user(user, review_id)
    briefing = selectors.briefing_of(user, review, briefing_id)
    html = render_to_string(
        "reviews/learning/briefing_pdf.html", _briefing_context(request, briefing), request=request
    )
    pdf = briefing_text.render_pdf(html)
    services.briefing_exported(actor=user, briefing=briefing)  # only once the PDF is made
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{briefing_text.pdf_filename(briefing)}"'
    )
    response["Cache-Control"] = "no-store"
    return response


@requires(Permission.MANAGE_CASE_REVIEWS)
@require_http_methods(["GET", "POST"])
def briefing_edit(request: HttpRequest, review_id: int, briefing_id: int) -> HttpResponse:
    user = user_of(request)
    review = review_for_user(user, review_id)
    briefing = selectors.briefing_of(user, review, briefing_id)
    if briefing.approved_on is not None:
        messages.error(
            request, "This briefing has been approved: generate a new draft to change it"
        )
        return redirect("reviews:briefing", review_id=review.pk, briefing_id=briefing.pk)
    stored = briefing.sections or {}
    initial = {
        "title": briefing.title,
        "version": briefing.version,
        **{section.code: stored.get(section.code, "") for section in briefing_text.SECTIONS},
    }
    form = BriefingForm(request.POST if request.method == "POST" else None, initial=initial)
    approve = request.POST.get("approve") == "yes"

    def done(result: services.BriefingSaved) -> str:
        message = "Briefing approved: it can now be shared" if approve else "Briefing saved"
        if result.redacted:
            message += ". Names were replaced with anonymised ones in: " + ", ".join(
                result.redacted
            )
        return message

    saved = save_form(
        request,
        form,
        lambda data: services.briefing_update(
            actor=user,
            briefing=briefing,
            title=data["title"],
            sections={s.code: data[s.code] for s in briefing_text.SECTIONS},
            version=data["version"],
            approve=approve,
        ),
        success=done,
        record=briefing,
    )
    if saved:
        return redirect("reviews:briefing", review_id=review.pk, briefing_id=briefing.pk)
    return page(
        request,
        "reviews/learning/briefing_edit.html",
        "Change the 7-minute briefing",
        form=form,
        briefing=briefing,
        **_review_context(review),
    )
