"""Child pages. Every view is scoped by selectors and audited by services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from masa.core.access import requires
from masa.core.models import FormDraft, User
from masa.core.permissions import Permission
from masa.core.presenters import format_masa_id, govuk_date
from masa.core.selectors import users_in_partnership
from masa.core.services import ServiceError, access_grant_create
from masa.core.views import add_service_error, page, save_form, user_of
from masa.journey.selectors import child_journey_panel

from . import selectors, services
from .forms import (
    AccessGrantForm,
    AddressForm,
    BreakGlassForm,
    ChildCreateForm,
    ChildEditForm,
    ChildSearchForm,
    MergeChooseForm,
    RelationshipEndForm,
    RelationshipForm,
    RestrictForm,
    identity_fingerprint,
)
from .models import Address, Child, Relationship

LIST_LIMIT = 200
DATE_PARTS = ("day", "month", "year")


@requires(Permission.VIEW_CHILD_RECORDS)
def child_list(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    form = ChildSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_bound and form.is_valid() else ""
    children = selectors.search_children(user, query)
    shown = list(children[:LIST_LIMIT])
    current = Address.objects.filter(to_date__isnull=True)
    prefetch_related_objects(shown, Prefetch("addresses", current, to_attr="current_addresses"))
    return page(
        request,
        "people/child_list.html",
        "Children",
        form=form,
        query=query,
        children=shown,
        total=children.count(),
        limit=LIST_LIMIT,
        can_create=user.has_masa_permission(Permission.RECORD_CONTACTS),
    )


@requires(Permission.VIEW_CHILD_RECORDS)
def child_detail(request: HttpRequest, child_id: int) -> HttpResponse:
    user = user_of(request)
    try:
        child = selectors.child_for_user(user, child_id)
    except Http404:
        kept = selectors.kept_child_id(user, child_id)
        if kept is None:
            raise
        messages.info(request, f"{format_masa_id(child_id)} was merged into this record")
        return redirect("people:child-detail", child_id=kept)
    services.child_record_view(user=user, child=child)
    relationships = list(selectors.relationships_of(child))
    related_ids = {r.child_id for r in relationships} | {
        r.other_child_id for r in relationships if r.other_child_id
    }
    visible_related = set(
        selectors.children_visible_to(user)
        .filter(pk__in=related_ids - {child.pk})
        .values_list("pk", flat=True)
    )
    addresses = list(selectors.addresses_of(child))
    return page(
        request,
        "people/child_detail.html",
        child.full_name,
        child=child,
        involvements=child.involvements.select_related("agency").order_by("started_on"),
        addresses=addresses,
        current_address=next((a for a in addresses if a.to_date is None), None),
        relationships=[_relationship_row(child, r, visible_related) for r in relationships],
        merged_ids=selectors.merged_record_ids(child),
        can_edit=user.has_masa_permission(Permission.EDIT_CHILD_RECORDS),
        can_add_relationship=user.has_masa_permission(Permission.RECORD_CONTACTS),
        can_grant=user.has_masa_permission(Permission.APPROVE_ACCESS_GRANTS),
        can_see_access=user.has_masa_permission(Permission.VIEW_RECORD_ACCESS_REPORT),
        can_merge=user.has_masa_permission(Permission.MERGE_RECORDS),
        can_restrict=user.has_masa_permission(Permission.RESTRICT_RECORDS),
        **child_journey_panel(user, child),
    )


def _relationship_row(
    child: Child, relationship: Relationship, visible: set[int]
) -> dict[str, Any]:
    """How one relationship reads on this child's page."""
    person = relationship.person_seen_from(child.pk)
    row: dict[str, Any] = {
        "relationship": relationship,
        "kind": relationship.kind_seen_from(child.pk),
        "name": "",
        "link": "",
        "masa_id": "",
        "date_of_birth": None,
    }
    if isinstance(person, Child):
        if person.pk in visible:
            row.update(
                name=person.full_name,
                link=reverse("people:child-detail", args=[person.pk]),
                masa_id=person.masa_id,
                date_of_birth=person.date_of_birth,
            )
        else:
            # Naming a child the user cannot see would leak their record.
            row["name"] = "A child whose record you cannot see"
    elif person is not None:
        row.update(name=person.full_name, date_of_birth=person.date_of_birth)
    return row


@requires(Permission.RECORD_CONTACTS)
def child_create(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    form = ChildCreateForm(request.POST or None)
    duplicates: selectors.Duplicates | None = None
    if request.method == "POST" and form.is_valid():
        seen_warning = form.cleaned_data.get("checked") == identity_fingerprint(form.cleaned_data)
        try:
            child = services.child_create(
                user=user, details=form.details(), confirmed_new=form.confirmed_new()
            )
        except services.PossibleDuplicates as found:
            duplicates = found.duplicates
            data = request.POST.copy()
            data["checked"] = identity_fingerprint(form.cleaned_data)
            data.pop("confirm_new", None)
            form = ChildCreateForm(data)
            form.is_valid()
            if seen_warning:
                form.add_error(
                    "confirm_new",
                    "Select that this is a new child, or open one of the records shown",
                )
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"{child.full_name} recorded as {child.masa_id}")
            return redirect("people:child-detail", child_id=child.pk)
    return page(
        request, "people/child_create.html", "Record a new child", form=form, duplicates=duplicates
    )


@requires(Permission.EDIT_CHILD_RECORDS)
def child_edit(request: HttpRequest, child_id: int) -> HttpResponse:
    user = user_of(request)
    child = selectors.child_for_user(user, child_id)
    draft_key = services.child_draft_key(child)
    conflict: Child | None = None
    restored_draft: FormDraft | None = None
    if request.method == "POST":
        form = ChildEditForm(request.POST)
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
                typed = request.POST.copy()
                typed["version"] = str(conflict.version)
                form = ChildEditForm(typed)
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
        initial["nhs_number"] = child.nhs_number_display
        restored_draft = FormDraft.objects.filter(user=user, form_key=draft_key).first()
        if restored_draft is not None:
            initial.update(_draft_values(restored_draft.data))
        form = ChildEditForm(initial={**initial, "version": child.version})
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


def _draft_values(typed: dict[str, Any]) -> dict[str, object]:
    """A saved draft as the edit form's initial values."""
    values: dict[str, object] = {k: v for k, v in typed.items() if k in services.EDITABLE_FIELDS}
    for name in ("date_of_birth", "expected_date_of_birth"):
        if any(f"{name}_{part}" in typed for part in DATE_PARTS):
            values[name] = [typed.get(f"{name}_{part}", "") for part in DATE_PARTS]
    if isinstance(values.get("disabilities"), str):
        # Drafts keep one value per field name: a single ticked box survives.
        values["disabilities"] = [values["disabilities"]]
    return values


def _conflict_rows(current: Child, request: HttpRequest) -> list[tuple[str, str, str]]:
    typed = request.POST

    def typed_date(name: str) -> str:
        return "/".join(typed.get(f"{name}_{part}", "") for part in DATE_PARTS).strip("/")

    labels = dict(ChildEditForm.base_fields["disabilities"].choices)  # type: ignore[attr-defined]
    return [
        ("First name", typed.get("first_name", ""), current.first_name),
        ("Last name", typed.get("last_name", ""), current.last_name),
        ("Date of birth", typed_date("date_of_birth"), govuk_date(current.date_of_birth)),
        (
            "Expected date of birth",
            typed_date("expected_date_of_birth"),
            govuk_date(current.expected_date_of_birth),
        ),
        ("Sex", typed.get("sex", ""), current.sex),
        ("NHS number", typed.get("nhs_number", ""), current.nhs_number_display),
        ("UPN", typed.get("upn", ""), current.upn),
        ("Ethnicity", typed.get("ethnicity", ""), current.ethnicity),
        (
            "Disabilities",
            ", ".join(str(labels.get(c, c)) for c in typed.getlist("disabilities")),
            ", ".join(current.disability_labels),
        ),
        ("Summary", typed.get("summary", ""), current.summary),
    ]


@requires(Permission.EDIT_CHILD_RECORDS)
def address_add(request: HttpRequest, child_id: int) -> HttpResponse:
    user = user_of(request)
    child = selectors.child_for_user(user, child_id)
    form = AddressForm(request.POST or None)
    if save_form(
        request,
        form,
        lambda data: services.address_add(user=user, child=child, **data),
        success="Address added",
    ):
        return redirect("people:child-detail", child_id=child.pk)
    return page(
        request,
        "people/address_add.html",
        f"Add an address for {child.full_name}",
        form=form,
        child=child,
        current_address=selectors.current_address(child),
    )


@requires(Permission.RECORD_CONTACTS)
def relationship_add(request: HttpRequest, child_id: int) -> HttpResponse:
    user = user_of(request)
    child = selectors.child_for_user(user, child_id)
    known = list(selectors.known_family_members(user, child))
    choices = [
        (
            str(m.pk),
            m.full_name + (f", born {govuk_date(m.date_of_birth)}" if m.date_of_birth else ""),
        )
        for m in known
    ]
    form = RelationshipForm(request.POST or None, known_members=choices)

    def add(data: dict[str, Any]) -> object:
        person: dict[str, Any] = {}
        if data["person"] == "new":
            person["new_member"] = services.NewFamilyMember(
                first_name=data["member_first_name"],
                last_name=data["member_last_name"],
                date_of_birth=data["member_date_of_birth"],
                nhs_number=data["member_nhs_number"],
            )
        elif data["person"] == "known":
            person["family_member"] = next(
                m for m in known if str(m.pk) == data["family_member_id"]
            )
        else:
            try:
                person["other_child"] = selectors.child_for_user(user, data["other_child_id"])
            except Http404:
                raise ServiceError(
                    "No child you can see has that masa ID", field="other_child_id"
                ) from None
        return services.relationship_add(
            user=user,
            child=child,
            kind=data["kind"],
            other_kind=data["other_kind"],
            lives_with_child=data["lives_with_child"] == "yes",
            started_on=data["started_on"],
            **person,
        )

    if save_form(request, form, add, success="Relationship added"):
        return redirect("people:child-detail", child_id=child.pk)
    return page(
        request,
        "people/relationship_add.html",
        f"Add a family member or relationship for {child.full_name}",
        form=form,
        child=child,
    )


@requires(Permission.EDIT_CHILD_RECORDS)
def relationship_end(request: HttpRequest, child_id: int, relationship_id: int) -> HttpResponse:
    user = user_of(request)
    child = selectors.child_for_user(user, child_id)
    relationship = selectors.relationship_of(child, relationship_id)
    form = RelationshipEndForm(request.POST or None)
    if save_form(
        request,
        form,
        lambda data: services.relationship_end(
            user=user, child=child, relationship=relationship, ended_on=data["ended_on"]
        ),
        success="Relationship ended",
    ):
        return redirect("people:child-detail", child_id=child.pk)
    visible = {child.pk} | set(
        selectors.children_visible_to(user)
        .filter(pk__in=[relationship.child_id, relationship.other_child_id or 0])
        .values_list("pk", flat=True)
    )
    return page(
        request,
        "people/relationship_end.html",
        "End a relationship",
        form=form,
        child=child,
        row=_relationship_row(child, relationship, visible),
    )


@requires(Permission.MERGE_RECORDS)
def child_merge(request: HttpRequest, child_id: int) -> HttpResponse:
    """Merge a duplicate: choose the other record and which to keep, compare, confirm."""
    user = user_of(request)
    child = selectors.child_for_user(user, child_id)
    form = MergeChooseForm(request.POST or None, initial={"other_id": request.GET.get("other", "")})
    if request.method == "POST" and form.is_valid():
        try:
            other = selectors.child_for_user(user, form.cleaned_data["other_id"])
        except Http404:
            other = None
            form.add_error("other_id", "No record you can see has that masa ID")
        if other is not None and other.pk == child.pk:
            form.add_error("other_id", "Enter the masa ID of a different record")
        elif other is not None:
            keep, duplicate = (
                (child, other) if form.cleaned_data["keep"] == "this" else (other, child)
            )
            if request.POST.get("confirm") == "yes":
                try:
                    kept = services.child_merge(user=user, keep=keep, duplicate=duplicate)
                except ServiceError as error:
                    add_service_error(form, error)
                else:
                    messages.success(
                        request, f"{duplicate.masa_id} has been merged into {kept.masa_id}"
                    )
                    return redirect("people:child-detail", child_id=kept.pk)
            else:
                for shown in (keep, duplicate):
                    services.child_record_view(user=user, child=shown)
                return page(
                    request,
                    "people/child_merge_confirm.html",
                    "Check the records before merging",
                    form=form,
                    child=child,
                    keep=_merge_summary(keep),
                    duplicate=_merge_summary(duplicate),
                )
    suggestions = selectors.likely_duplicates(
        user,
        first_name=child.first_name,
        last_name=child.last_name,
        date_of_birth=child.date_of_birth,
        expected_date_of_birth=child.expected_date_of_birth,
        nhs_number=child.nhs_number,
        upn=child.upn,
        exclude_id=child.pk,
    )
    return page(
        request,
        "people/child_merge.html",
        f"Merge a duplicate record with {child.full_name}'s",
        form=form,
        child=child,
        suggestions=suggestions,
    )


def _merge_summary(child: Child) -> dict[str, Any]:
    current = selectors.current_address(child)
    return {
        "child": child,
        "rows": [
            ("Name", child.full_name),
            ("masa ID", child.masa_id),
            ("Date of birth", govuk_date(child.date_of_birth) or "Not recorded"),
            ("Expected date of birth", govuk_date(child.expected_date_of_birth) or "Not recorded"),
            ("Sex", child.get_sex_display()),
            ("NHS number", child.nhs_number_display or "Not recorded"),
            ("UPN", child.upn or "Not recorded"),
            ("Ethnicity", child.get_ethnicity_display() or "Not recorded"),
            ("Current address", current.one_line if current else "Not recorded"),
            ("Team", f"{child.owning_team.name}, {child.owning_team.agency.name}"),
            (
                "Allocated worker",
                child.allocated_worker.display_name if child.allocated_worker else "Not allocated",
            ),
            ("Restricted", "Yes" if child.is_restricted else "No"),
        ],
    }


@requires(Permission.RESTRICT_RECORDS)
def child_restrict(request: HttpRequest, child_id: int) -> HttpResponse:
    user = user_of(request)
    child = selectors.child_for_user(user, child_id)
    restricting = not child.is_restricted
    form = RestrictForm(request.POST or None)
    form.fields["reason"].label = (
        "Why should this record be restricted?"
        if restricting
        else "Why can the restriction be removed?"
    )
    form.fields["reason"].error_messages["required"] = (
        "Enter why the record should be restricted"
        if restricting
        else "Enter why the restriction can be removed"
    )
    if save_form(
        request,
        form,
        lambda data: services.child_restrict(
            user=user, child=child, restrict=restricting, reason=data["reason"]
        ),
        success="Record restricted" if restricting else "Restriction removed",
    ):
        return redirect("people:child-detail", child_id=child.pk)
    return page(
        request,
        "people/child_restrict.html",
        "Restrict this record" if restricting else "Remove the restriction",
        form=form,
        child=child,
        restricting=restricting,
    )


@requires(Permission.VIEW_RECORD_ACCESS_REPORT)
def child_access_report(request: HttpRequest, child_id: int) -> HttpResponse:
    """Who has viewed this child: team managers within scope, the DPO across the partnership.

    Views of records merged into this one are included, marked with their own masa ID.
    """
    user = user_of(request)
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
        views=selectors.child_record_views(child)[:500],
        merged_ids=selectors.merged_record_ids(child),
    )


@requires(Permission.APPROVE_ACCESS_GRANTS)
def child_grant_access(request: HttpRequest, child_id: int) -> HttpResponse:
    user = user_of(request)
    child = selectors.child_for_user(user, child_id)
    colleagues = users_in_partnership(user).exclude(pk=user.pk).filter(is_active=True)
    choices = [
        (str(c.pk), f"{c.display_name} – {c.role_definition.name}, {c.agency}") for c in colleagues
    ]
    form = AccessGrantForm(request.POST or None, colleagues=choices)

    def grant(data: dict[str, Any]) -> User:
        """Give the chosen colleague access; returns them."""
        grantee = colleagues.get(pk=int(data["grantee"]))
        access_grant_create(
            approver=user,
            grantee=grantee,
            record=services.child_record_ref(child),
            reason=data["reason"],
            days=data["days"],
        )
        return grantee

    if save_form(
        request,
        form,
        grant,
        success=lambda grantee: f"{grantee.display_name} can now see this record",
    ):
        return redirect("people:child-detail", child_id=child.pk)
    return page(
        request, "people/child_grant_access.html", "Give a colleague access", form=form, child=child
    )


@requires(Permission.BREAK_GLASS)
def break_glass(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    form = BreakGlassForm(request.POST or None)
    saved = save_form(
        request,
        form,
        lambda data: services.child_break_glass(
            user=user, child_id=data["child_id"], reason=data["reason"]
        ),
        success=None,
    )
    if saved:
        child, _ = saved.result
        return redirect("people:child-detail", child_id=child.pk)
    return page(
        request, "people/break_glass.html", "Emergency access to a child's record", form=form
    )
