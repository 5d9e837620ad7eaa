"""Indicator pages: the catalogue, the dashboard, one measure (trend, benchmarks, CSV), the
children behind a figure, year-end snapshots and the authority the partnership is compared with.
"""

from __future__ import annotations

import csv
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from masa.core.access import requires
from masa.core.forms import GovukForm
from masa.core.models import Partnership, User
from masa.core.permissions import Permission
from masa.core.views import page, save_form, user_of
from masa.people.selectors import children_visible_to

from . import cache
from .catalogue import GROUPS, MEASURES, Measure
from .comparators import NEIGHBOURS, comparator_set
from .dashboard import (
    dashboard as build_dashboard,
)
from .dashboard import (
    default_period,
    figures_exported,
    measure_page,
    parse_period,
    period_choices,
    period_key,
)
from .drilldown import NotDrillable, children_behind, children_list_viewed
from .load_published import published_data_dir
from .models import AreaLevel, PublishedArea
from .periods import financial_year, financial_year_of, year_to_date
from .presenters import present
from .services import local_authority_link
from .snapshots import FREEZE_PERMISSION, snapshot_take, snapshots

CHILDREN_PER_PAGE = 100


def _suppress_for(user: User) -> bool:
    """Small numbers are hidden from anyone who cannot see children's records."""
    return not user.has_masa_permission(Permission.VIEW_CHILD_RECORDS)


def _measure_or_404(code: str) -> Measure:
    chosen = MEASURES.get(code)
    if chosen is None:
        raise Http404("No such measure")
    return chosen


def _partnership(user: User) -> Partnership:
    if user.agency is None:
        raise PermissionDenied("Your account belongs to no partnership")
    return user.agency.partnership


def _partnership_name(user: User) -> str:
    partnership = _partnership(user)
    return partnership.short_name or partnership.name


@requires(Permission.VIEW_INDICATORS)
def catalogue(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    period = year_to_date(timezone.localdate())
    suppress = _suppress_for(user)
    rows = present(cache.figures(user.partnership_id, period), suppress=suppress)
    groups = [(group, [row for row in rows if row.measure.group == group]) for group in GROUPS]
    return page(
        request,
        "indicators/catalogue.html",
        "Indicators",
        period=period,
        groups=[(group, members) for group, members in groups if members],
        suppress=suppress,
    )


class PeriodForm(GovukForm):
    period = forms.ChoiceField(label="Period", choices=())

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = choices  # type: ignore[attr-defined]


@requires(Permission.VIEW_INDICATORS)
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    today = timezone.localdate()
    choices = period_choices(today)
    period = parse_period(request.GET.get("period", ""), today) or default_period(today)
    form = PeriodForm({"period": period_key(period)}, choices=[(c.key, c.label) for c in choices])
    suppress = _suppress_for(user)
    data = build_dashboard(user.partnership_id, _partnership_name(user), period, suppress=suppress)
    return page(
        request,
        "indicators/dashboard.html",
        "Indicators dashboard",
        data=data,
        form=form,
        period_key=period_key(period),
        suppress=suppress,
        partnership_name=_partnership_name(user),
        data_dir=published_data_dir(),
        can_drill=user.has_masa_permission(Permission.VIEW_CHILD_RECORDS),
        can_freeze=user.has_masa_permission(FREEZE_PERMISSION),
        can_configure=user.has_masa_permission(Permission.CONFIGURE_PRACTICE),
    )


@requires(Permission.VIEW_INDICATORS)
@require_GET
def measure(request: HttpRequest, code: str) -> HttpResponse:
    user = user_of(request)
    chosen = _measure_or_404(code)
    suppress = _suppress_for(user)
    data = measure_page(
        user.partnership_id,
        _partnership_name(user),
        chosen,
        timezone.localdate(),
        suppress=suppress,
    )
    return page(
        request,
        "indicators/measure.html",
        chosen.name,
        measure=chosen,
        data=data,
        rows=[r.row for r in data.rows],
        suppress=suppress,
        period_key=period_key,
        can_drill=user.has_masa_permission(Permission.VIEW_CHILD_RECORDS),
    )


CSV_COLUMNS = [
    "code",
    "measure",
    "period",
    "period_start",
    "period_end",
    "numerator",
    "denominator",
    "value",
    "unit",
    "population_year",
    "as_submitted_numerator",
    "as_submitted_denominator",
    "as_submitted_value",
    "comparator_year",
]


@requires(Permission.VIEW_INDICATORS)
@require_GET
def measure_csv(request: HttpRequest, code: str) -> HttpResponse:
    """The measure page's figures as a CSV. Every export leaves the system, so small numbers
    are suppressed whoever downloads it."""
    user = user_of(request)
    chosen = _measure_or_404(code)
    data = measure_page(
        user.partnership_id, _partnership_name(user), chosen, timezone.localdate(), suppress=True
    )
    first = next(iter(data.by_period.values()), None)
    comparator_names = (
        [
            c.name if c.kind != NEIGHBOURS else "Statistical neighbours (mean)"
            for c in first.comparators
        ]
        if first is not None
        else []
    )
    figures_exported(user=user, measure=chosen)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="masa-{chosen.code}.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS + comparator_names)
    for item in data.rows:
        figure, shown, frozen = item.row.figure, item.row.shown, item.frozen
        bench = data.by_period.get(figure.period)
        writer.writerow(
            [
                chosen.code,
                chosen.name,
                figure.period.label,
                figure.period.start.isoformat(),
                figure.period.end.isoformat(),
                shown.numerator.replace(",", ""),
                "" if figure.denominator is None else shown.denominator.replace(",", ""),
                shown.value.replace(",", ""),
                chosen.unit,
                figure.population_year or "",
                frozen.frozen.numerator.replace(",", "") if frozen else "",
                frozen.frozen.denominator.replace(",", "")
                if frozen and figure.denominator is not None
                else "",
                frozen.frozen.value.replace(",", "") if frozen else "",
                bench.year_label if bench else "",
                *(
                    [c.text.replace(",", "") for c in bench.comparators]
                    if bench and len(bench.comparators) == len(comparator_names)
                    else [""] * len(comparator_names)
                ),
            ]
        )
    return response


@requires(Permission.VIEW_CHILD_RECORDS)
@require_GET
def children(request: HttpRequest, code: str) -> HttpResponse:
    """The children behind a figure, for people who may see children's records: only the
    children in their own scope, each view audited."""
    user = user_of(request)
    chosen = _measure_or_404(code)
    today = timezone.localdate()
    period = parse_period(request.GET.get("period", ""), today) or default_period(today)
    try:
        behind = children_behind(user.partnership_id, chosen, period)
    except NotDrillable:
        raise Http404("This measure has no list of children") from None
    visible = (
        children_visible_to(user)
        .filter(pk__in=behind.child_ids)
        .order_by("last_name", "first_name", "pk")
    )
    pages = Paginator(visible, CHILDREN_PER_PAGE)
    current = pages.get_page(request.GET.get("page"))
    shown = list(current.object_list)
    children_list_viewed(user=user, children=shown, measure=chosen, period=period)
    return page(
        request,
        "indicators/children.html",
        f"Children counted: {chosen.name}",
        measure=chosen,
        period=period,
        period_key=period_key(period),
        behind=behind,
        rows=[(child, behind.counted[child.pk]) for child in shown],
        current=current,
        total=len(behind.counted),
        outside=len(behind.counted) - pages.count,
    )


class SnapshotForm(GovukForm):
    year = forms.ChoiceField(
        label="Reporting year to freeze",
        choices=(),
        error_messages={"required": "Select the reporting year to freeze"},
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=500,
        help_text="For example, the date the CIN census was submitted",
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [  # type: ignore[attr-defined]
            (str(y), financial_year(y).label) for y in years
        ]


@requires(Permission.VIEW_INDICATORS)
@require_http_methods(["GET", "POST"])
def snapshot_list(request: HttpRequest) -> HttpResponse:
    """The years frozen as submitted, and (for roles that submit the returns) freezing one."""
    user = user_of(request)
    today = timezone.localdate()
    held = snapshots(user.partnership_id)
    frozen_years = {s.start_year for s in held}
    last_ended = financial_year_of(today) - 1
    open_years = [y for y in range(last_ended, last_ended - 10, -1) if y not in frozen_years]
    can_freeze = user.has_masa_permission(FREEZE_PERMISSION)
    form = SnapshotForm(request.POST or None, years=open_years)
    if request.method == "POST":
        if not can_freeze:
            raise PermissionDenied("Your role cannot freeze the year-end figures")
        if save_form(
            request,
            form,
            lambda data: snapshot_take(
                partnership=_partnership(user),
                start_year=int(data["year"]),
                actor=user,
                note=data["note"],
            ),
            success=lambda snapshot: f"{snapshot} frozen: the live figures stay beside it",
        ):
            return redirect("indicators:snapshots")
    return page(
        request,
        "indicators/snapshots.html",
        "Year-end snapshots",
        snapshots=held,
        form=form,
        can_freeze=can_freeze and bool(open_years),
        can_submit=can_freeze,
    )


class CompareWithForm(GovukForm):
    la_code = forms.ChoiceField(
        label="Local authority",
        choices=(),
        error_messages={"required": "Select the local authority to compare with"},
    )

    def __init__(self, *args: Any, areas: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["la_code"].choices = [("", "Select a local authority"), *areas]  # type: ignore[attr-defined]


@requires(Permission.CONFIGURE_PRACTICE)
@require_http_methods(["GET", "POST"])
def compare_with(request: HttpRequest) -> HttpResponse:
    """Choose the real local authority whose published figures and statistical neighbours the
    partnership is compared with."""
    user = user_of(request)
    areas = list(
        PublishedArea.objects.filter(level=AreaLevel.LOCAL_AUTHORITY)
        .order_by("name")
        .values_list("code", "name")
    )
    names = dict(areas)
    current = comparator_set(user.partnership_id)
    form = CompareWithForm(
        request.POST or None,
        initial={"la_code": current.la_code if current else ""},
        areas=[(code, f"{name} ({code})") for code, name in areas],
    )
    if save_form(
        request,
        form,
        lambda data: local_authority_link(
            _partnership(user), data["la_code"], names[data["la_code"]], actor=user
        ),
        success=lambda link: f"The partnership is now compared with {link}",
    ):
        return redirect("indicators:dashboard")
    return page(
        request,
        "indicators/compare_with.html",
        "Local authority to compare with",
        form=form,
        current=current,
        loaded=bool(areas),
    )
