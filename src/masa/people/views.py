"""Child pages. Every view is scoped by selectors and audited by services."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from masa.core.access import requires
from masa.core.models import FormDraft, User
from masa.core.permissions import Permission
from masa.core.presenters import govuk_date
from masa.core.selectors import record_views, users_in_partnership
from masa.core.services import ServiceError, access_grant_create
from masa.core.views import add_service_error, page

from . import selectors, services
from .forms import AccessGrantForm, BreakGlassForm, ChildDetailsForm, ChildSearchForm
from .models import Child

LIST_LIMIT = 200


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@requires(Permission.VIEW_CHILD_RECORDS)
def child_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = ChildSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_bound and form.is_valid() else ""
    children = selectors.search_children(user, query)
    return page(
        request,
        "people/child_list.html",
        "Children",
        form=form,
        query=query,
        children=children[:LIST_LIMIT],
        total=children.count(),
        limit=LIST_LIMIT,
    )


@requires(Permission.VIEW_CHILD_RECORDS)
def child_detail(request: HttpRequest, child_id: int) -> HttpResponse:
    user = _user(request)
    child = selectors.child_for_user(user, child_id)
    services.child_record_view(user=user, child=child)
    return page(
        request,
        "people/child_detail.html",
        child.full_name,
        child=child,
        involvements=child.involvements.select_related("agency").order_by("started_on"),
        can_edit=user.has_masa_permission(Permission.EDIT_CHILD_RECORDS),
        can_grant=user.has_masa_permission(Permission.APPROVE_ACCESS_GRANTS),
        can_see_access=user.has_masa_permission(Permission.VIEW_RECORD_ACCESS_REPORT),
    )


@requires(Permission.EDIT_CHILD_RECORDS)
def child_edit(request: HttpRequest, child_id: int) -> HttpResponse:
    user = _user(request)
    child = selectors.child_for_user(user, child_id)
    draft_key = services.child_draft_key(child)
    conflict: Child | None = None
    restored_draft: FormDraft | None = None
    if request.method == "POST":
        form = ChildDetailsForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            try:
                services.child_update(
                    user=user, child=child, expected_version=version, changes=data
                )
            except services.EditConflict as error:
                conflict = error.current
                # Keep what the user typed, now against the latest version, so saving again is
                # a deliberate choice made with both versions in view.
                form = ChildDetailsForm({**request.POST.dict(), "version": conflict.version})
                form.is_valid()
            except ServiceError as error:
                add_service_error(form, error)
            else:
                messages.success(request, "Child's details saved")
                return redirect("people:child-detail", child_id=child.pk)
    else:
        initial: dict[str, object] = {
            name: getattr(child, name) for name in services.EDITABLE_FIELDS
        }
        restored_draft = FormDraft.objects.filter(user=user, form_key=draft_key).first()
        if restored_draft is not None:
            typed = restored_draft.data
            initial.update({k: v for k, v in typed.items() if k in services.EDITABLE_FIELDS})
            if any(f"date_of_birth_{p}" in typed for p in ("day", "month", "year")):
                initial["date_of_birth"] = [
                    typed.get(f"date_of_birth_{p}", "") for p in ("day", "month", "year")
                ]
        form = ChildDetailsForm(initial={**initial, "version": child.version})
    return page(
        request,
        "people/child_edit.html",
        f"Change {child.full_name}'s details",
        form=form,
        child=child,
        conflict=conflict,
        restored_draft=restored_draft,
        draft_url=reverse("core:draft-save", args=[draft_key]),
        conflict_rows=_conflict_rows(conflict, request) if conflict else [],
    )


def _conflict_rows(current: Child, request: HttpRequest) -> list[tuple[str, str, str]]:
    typed = request.POST
    rows = []
    labels = {
        "first_name": "First name",
        "last_name": "Last name",
        "sex": "Sex",
        "summary": "Summary",
    }
    for name, label in labels.items():
        rows.append((label, typed.get(name, ""), str(getattr(current, name))))
    dob_typed = "/".join(typed.get(f"date_of_birth_{p}", "") for p in ("day", "month", "year"))
    rows.insert(2, ("Date of birth", dob_typed, govuk_date(current.date_of_birth)))
    return rows


@requires(Permission.VIEW_RECORD_ACCESS_REPORT)
def child_access_report(request: HttpRequest, child_id: int) -> HttpResponse:
    """Who has viewed this child: team managers within scope, the DPO across the partnership."""
    user = _user(request)
    if user.has_masa_permission(Permission.VIEW_CHILD_RECORDS):
        child = selectors.child_for_user(user, child_id)
    else:
        found = selectors.child_in_partnership(user, child_id)
        if found is None:
            raise Http404("No child found")
        child = found
    return page(
        request,
        "people/child_access_report.html",
        f"Who has viewed {child.full_name}'s record",
        child=child,
        views=record_views(child.pk)[:500],
    )


@requires(Permission.APPROVE_ACCESS_GRANTS)
def child_grant_access(request: HttpRequest, child_id: int) -> HttpResponse:
    user = _user(request)
    child = selectors.child_for_user(user, child_id)
    colleagues = users_in_partnership(user).exclude(pk=user.pk).filter(is_active=True)
    choices = [
        (str(c.pk), f"{c.display_name} – {c.role_definition.name}, {c.agency}") for c in colleagues
    ]
    form = AccessGrantForm(request.POST or None, colleagues=choices)
    if request.method == "POST" and form.is_valid():
        grantee = colleagues.get(pk=int(form.cleaned_data["grantee"]))
        try:
            access_grant_create(
                approver=user,
                grantee=grantee,
                record=services.child_record_ref(child),
                reason=form.cleaned_data["reason"],
                days=form.cleaned_data["days"],
            )
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"{grantee.display_name} can now see this record")
            return redirect("people:child-detail", child_id=child.pk)
    return page(
        request, "people/child_grant_access.html", "Give a colleague access", form=form, child=child
    )


@requires(Permission.BREAK_GLASS)
def break_glass(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            child, _ = services.child_break_glass(
                user=user,
                child_id=form.cleaned_data["child_id"],
                reason=form.cleaned_data["reason"],
            )
        except ServiceError as error:
            add_service_error(form, error)
        else:
            return redirect("people:child-detail", child_id=child.pk)
    return page(
        request, "people/break_glass.html", "Emergency access to a child's record", form=form
    )
