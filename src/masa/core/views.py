"""Core pages: sign-in and two-factor, dashboards, roles, audit, users, calendar, errors."""

from __future__ import annotations

import base64
import csv
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar, cast

import segno
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from masa.people.selectors import children_visible_to

from . import audit, selectors, services
from .access import password_stage, public, requires, signed_in, url_with_next
from .calendar import working_day_calendar
from .forms import (
    AuditSearchForm,
    BankHolidayForm,
    BreakGlassReviewForm,
    SignInForm,
    TwoFactorForm,
)
from .models import AdditionalBankHoliday, Agency, AuditAction, User
from .panels import panels_for
from .permissions import PERMISSION_DESCRIPTIONS, ROLES, Permission
from .services import ServiceError

AUDIT_PAGE_SIZE = 100


def page(
    request: HttpRequest, template: str, title: str, status: int = 200, **context: Any
) -> HttpResponse:
    """Render a page; any bound form with errors makes the title start with 'Error:'."""
    has_errors = any(isinstance(v, BaseForm) and v.is_bound and v.errors for v in context.values())
    context.update({"page_title": title, "page_has_errors": has_errors})
    return render(request, template, context, status=status)


def user_of(request: HttpRequest) -> User:
    """The signed-in user of a view that an access rule has already let in."""
    user = request.user
    assert isinstance(user, User)
    return user


def add_service_error(form: BaseForm, error: ServiceError) -> None:
    """Show a service's refusal on the form: on the field it names if the form has that field,
    else above the form. A refusal by the DfE CIN census rules shows every failure it lists."""
    for message, field in error.failures:
        form.add_error(field if field in form.fields else None, message)


T = TypeVar("T")


class Versioned(Protocol):
    """A record with optimistic concurrency (see ``masa.journey.services.check_version``)."""

    version: int

    def refresh_from_db(self) -> None: ...


@dataclass(frozen=True)
class Saved(Generic[T]):
    """A form its service saved; ``result`` is what the service returned (for the redirect)."""

    result: T


def save_form(
    request: HttpRequest,
    form: BaseForm,
    save: Callable[[dict[str, Any]], T],
    *,
    success: str | Callable[[T], str] | None,
    record: Versioned | None = None,
) -> Saved[T] | None:
    """The shape of a form page that writes, in one place. On a valid POST, ``save`` calls the
    service with the form's cleaned data; the view then redirects if this returns ``Saved`` and
    shows the form again if it returns ``None`` (a GET, invalid input, or a refusal now shown on
    the form).

    ``success`` is the message posted after saving: a text, one made from what ``save``
    returned, or ``None`` for none. ``record`` is the record the form changes: after a refusal
    it is reloaded, so the page shows it as saved rather than as the service left it; after a
    version conflict the form keeps what the user typed but carries the version now saved, so
    saving again is a deliberate choice.
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = save(form.cleaned_data)
    except ServiceError as error:
        if record is not None:
            record.refresh_from_db()
        add_service_error(form, error)
        if record is not None and isinstance(error, services.StaleVersion):
            data = cast(QueryDict, form.data).copy()  # a mutable copy keeps every ticked box
            data["version"] = str(record.version)
            form.data = data
        return None
    if success is not None:
        messages.success(request, success(result) if callable(success) else success)
    return Saved(result)


def posted_id(request: HttpRequest, name: str) -> int:
    """A record id from a form button; 0 (which matches nothing) if it was tampered with."""
    value = request.POST.get(name, "")
    return int(value) if value.isdigit() else 0


def safe_next(request: HttpRequest, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or default
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


# ---------------------------------------------------------------- sign-in


@public
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.sign_in_with_password(
                request,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
            )
        except ServiceError as error:
            add_service_error(form, error)
        else:
            next_url = safe_next(request)
            if not user.role_definition.requires_two_factor:
                return redirect(next_url)
            target = (
                "core:two-factor"
                if services.confirmed_totp_device(user)
                else "core:two-factor-setup"
            )
            return redirect(url_with_next(target, next_url))
    return page(request, "core/sign_in.html", "Sign in", form=form, next=safe_next(request))


@password_stage
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    if services.confirmed_totp_device(user) is None:
        return redirect(url_with_next("core:two-factor-setup", safe_next(request)))
    form = TwoFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.two_factor_verify(request, code=form.cleaned_data["code"])
        except ServiceError as error:
            add_service_error(form, error)
        else:
            return redirect(safe_next(request))
    return page(
        request,
        "core/two_factor.html",
        "Enter your security code",
        form=form,
        next=safe_next(request),
    )


@password_stage
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    if services.confirmed_totp_device(user) is not None:
        return redirect(url_with_next("core:two-factor", safe_next(request)))
    device = services.two_factor_setup_device(user)
    form = TwoFactorForm(request.POST or None)
    if save_form(
        request,
        form,
        lambda data: services.two_factor_verify(request, code=data["code"]),
        success="Your authenticator app is set up",
    ):
        return redirect(safe_next(request))
    qr_svg = segno.make(device.config_url, error="m").svg_inline(
        scale=4, title="QR code for your authenticator app"
    )
    secret = base64.b32encode(bytes.fromhex(device.key)).decode()
    return page(
        request,
        "core/two_factor_setup.html",
        "Set up two-factor authentication",
        form=form,
        qr_svg=qr_svg,
        secret=secret,
        next=safe_next(request),
    )


@password_stage
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    user = request.user
    if isinstance(user, User):
        audit.record(actor=user, action=AuditAction.SIGN_OUT, object_type="user", object_id=user.pk)
    logout(request)
    messages.success(request, "You have signed out")
    return redirect("core:sign-in")


# ---------------------------------------------------------------- pages for everyone


@signed_in
def dashboard(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    context: dict[str, Any] = {
        "notifications": selectors.unread_notifications(user)[:10],
        "panels": panels_for(user, timezone.localdate()),
    }
    if user.has_masa_permission(Permission.VIEW_CHILD_RECORDS):
        visible = children_visible_to(user)
        context["my_children"] = visible.filter(allocated_worker=user)[:20]
        context["visible_count"] = visible.count()
        if user.team_id:
            context["team_children_count"] = visible.filter(owning_team_id=user.team_id).count()
    if user.has_masa_permission(Permission.REVIEW_BREAK_GLASS):
        context["awaiting_review"] = selectors.break_glass_awaiting_review(user).count()
    if user.has_masa_permission(Permission.MANAGE_USERS):
        context["locked_users"] = (
            selectors.users_in_partnership(user).filter(locked_until__gt=timezone.now()).count()
        )
    return page(request, "core/dashboard.html", "Home", **context)


@signed_in
def roles(request: HttpRequest) -> HttpResponse:
    return page(
        request,
        "core/roles.html",
        "Roles and permissions",
        roles=ROLES.values(),
        permissions=PERMISSION_DESCRIPTIONS,
    )


@public
def privacy(request: HttpRequest) -> HttpResponse:
    return page(request, "core/privacy.html", "Privacy and cookies")


@public
def accessibility(request: HttpRequest) -> HttpResponse:
    return page(request, "core/accessibility.html", "Accessibility statement")


@signed_in
@require_http_methods(["GET", "POST"])
def notifications(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    if request.method == "POST":
        services.notification_mark_read(user=user, notification_id=posted_id(request, "id"))
        return redirect("core:notifications")
    return page(request, "core/notifications.html", "Alerts", items=user.notifications.all()[:100])


@signed_in
@require_POST
def draft_save(request: HttpRequest, form_key: str) -> HttpResponse:
    """Autosave of a long form (see static/masa/masa.js). Stores only what this user typed."""
    user = user_of(request)
    data = {k: v for k, v in request.POST.items() if k not in {"csrfmiddlewaretoken", "version"}}
    services.form_draft_save(user=user, form_key=form_key, data=data)
    return JsonResponse({"saved": True})


# ---------------------------------------------------------------- partnership overview


@requires(Permission.VIEW_PARTNERSHIP_OVERVIEW)
def partnership(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    agencies = (
        Agency.objects.filter(partnership_id=user.partnership_id)
        .annotate(
            team_count=Count("teams", distinct=True), user_count=Count("users", distinct=True)
        )
        .order_by("kind", "name")
    )
    return page(request, "core/partnership.html", "Partnership", agencies=agencies)


# ---------------------------------------------------------------- administration


@requires(Permission.VIEW_AUDIT_LOG)
def audit_log(request: HttpRequest) -> HttpResponse:
    form = AuditSearchForm(request.GET or None)
    events = selectors.audit_search()
    if form.is_bound and form.is_valid():
        events = selectors.audit_search(**{k: v for k, v in form.cleaned_data.items() if v})
    elif form.is_bound:
        events = events.none()
    return page(
        request,
        "core/audit_log.html",
        "Audit log",
        form=form,
        events=events[:AUDIT_PAGE_SIZE],
        page_size=AUDIT_PAGE_SIZE,
        export_query=request.GET.urlencode(),
    )


@requires(Permission.VIEW_AUDIT_LOG)
def audit_export(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    form = AuditSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    events = selectors.audit_search(**{k: v for k, v in filters.items() if v})
    audit.record(
        actor=user,
        action=AuditAction.EXPORT,
        object_type="audit_log",
        reason=f"audit export {request.GET.urlencode()}",
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="masa-audit-log.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "when",
            "user",
            "action",
            "record type",
            "record id",
            "record",
            "child id",
            "before",
            "after",
            "reason",
        ]
    )
    for event in events.iterator(chunk_size=2000):
        writer.writerow(
            [
                event.at.isoformat(),
                event.actor_label,
                event.action,
                event.object_type,
                event.object_id,
                event.object_label,
                event.child_id or "",
                event.before or "",
                event.after or "",
                event.reason,
            ]
        )
    return response


@requires(Permission.MANAGE_USERS)
def user_list(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    return page(
        request,
        "core/user_list.html",
        "Users",
        users=selectors.users_in_partnership(user),
        now=timezone.now(),
    )


@requires(Permission.MANAGE_USERS)
@require_POST
def user_unlock(request: HttpRequest, user_id: int) -> HttpResponse:
    admin = user_of(request)
    target = get_object_or_404(selectors.users_in_partnership(admin), pk=user_id)
    services.user_unlock(user=target, by=admin)
    messages.success(request, f"{target.display_name}'s account is unlocked")
    return redirect("core:user-list")


@requires(Permission.MANAGE_CALENDAR)
@require_http_methods(["GET", "POST"])
def bank_holidays(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    form = BankHolidayForm(request.POST or None)
    if save_form(
        request,
        form,
        lambda data: services.bank_holiday_add(by=user, date=data["date"], name=data["name"]),
        success="Bank holiday added: clocks now skip it",
    ):
        return redirect("core:bank-holidays")
    year = timezone.localdate().year
    cal = working_day_calendar()
    added = set(AdditionalBankHoliday.objects.values_list("date", flat=True))
    years = [
        (y, [(d, n, d in added) for d, n in cal.bank_holidays_in_year(y)]) for y in (year, year + 1)
    ]
    return page(request, "core/bank_holidays.html", "Bank holidays", form=form, years=years)


@requires(Permission.REVIEW_BREAK_GLASS)
@require_http_methods(["GET", "POST"])
def break_glass_review(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    pending = selectors.break_glass_awaiting_review(user)
    forms_by_id: dict[int, BreakGlassReviewForm] = {}
    if request.method == "POST":
        use = get_object_or_404(pending, pk=posted_id(request, "use_id"))
        form = BreakGlassReviewForm(request.POST, prefix=f"use{use.pk}")
        if save_form(
            request,
            form,
            lambda data: services.break_glass_review(
                use=use, reviewer=user, outcome=data["outcome"], note=data["note"]
            ),
            success="Review recorded",
        ):
            return redirect("core:break-glass-review")
        forms_by_id[use.pk] = form
    items = [
        (use, forms_by_id.get(use.pk) or BreakGlassReviewForm(prefix=f"use{use.pk}"))
        for use in pending[:50]
    ]
    return page(
        request,
        "core/break_glass_review.html",
        "Emergency access reviews",
        items=items,
        form=next(iter(forms_by_id.values()), None),
    )


# ---------------------------------------------------------------- errors


def _error_page(request: HttpRequest, template: str, title: str, status: int) -> HttpResponse:
    if not hasattr(request, "user"):  # the error happened before authentication ran
        request.user = AnonymousUser()
    if not hasattr(request, "csp_nonce"):
        request.csp_nonce = ""  # type: ignore[attr-defined]
    return page(request, template, title, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, "core/400.html", "There is a problem with your request", 400)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, "core/403.html", "You do not have access to this page", 403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, "core/404.html", "Page not found", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    return _error_page(request, "core/500.html", "Sorry, there is a problem with the service", 500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _error_page(request, "core/400.html", "There is a problem with your request", 403)
