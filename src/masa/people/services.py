"""Writes for children: every change is validated, versioned where it edits the record, audited,
and keeps the name search index (PersonSearchKey) in step."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from masa.core import audit
from masa.core.models import AuditAction, BreakGlass, Notification, Team, User
from masa.core.presenters import govuk_date
from masa.core.services import (
    RecordRef,
    ServiceError,
    break_glass_start,
    form_draft_discard,
    refuse_future_date,
)

from . import search
from .identifiers import (
    nhs_number_problem,
    normalise_nhs_number,
    normalise_postcode,
    normalise_upn,
    postcode_problem,
    upn_problem,
)
from .models import (
    Address,
    AgencyInvolvement,
    Child,
    Disability,
    Ethnicity,
    FamilyMember,
    PersonSearchKey,
    Relationship,
    RelationshipKind,
    Sex,
)
from .selectors import (
    RECORD_TYPE,
    Duplicates,
    child_in_partnership,
    child_owners,
    front_door_team,
    likely_duplicates,
)

EDITABLE_FIELDS = (
    "first_name",
    "last_name",
    "date_of_birth",
    "expected_date_of_birth",
    "sex",
    "summary",
    "nhs_number",
    "upn",
    "ethnicity",
    "disabilities",
)
NAME_FIELDS = ("first_name", "last_name")
# A pregnancy lasts about 40 weeks: an expected date of birth further ahead is a typing slip.
MAX_WEEKS_TO_BIRTH = 40
MIN_REASON_LENGTH = 10


class EditConflict(Exception):
    """Someone else saved the record since this user opened it."""

    def __init__(self, current: Child) -> None:
        super().__init__("The record was changed by someone else")
        self.current = current


class PossibleDuplicates(Exception):
    """The new child may already have a record: the user must look and confirm."""

    def __init__(self, duplicates: Duplicates) -> None:
        super().__init__("This child may already have a record")
        self.duplicates = duplicates


def child_record_ref(child: Child) -> RecordRef:
    return RecordRef(
        record_type=RECORD_TYPE,
        record_id=child.pk,
        label=f"{child.full_name} ({child.masa_id})",
        link=reverse("people:child-detail", args=[child.pk]),
        child_id=child.pk,
    )


def child_draft_key(child: Child) -> str:
    return f"child-details-{child.pk}"


def child_record_view(*, user: User, child: Child) -> None:
    """Every view of a child's record is audited (who viewed it, and when)."""
    audit.record(
        actor=user,
        action=AuditAction.VIEW,
        object_type=RECORD_TYPE,
        object_id=child.pk,
        object_label=child.full_name,
        child_id=child.pk,
    )


# ---------------------------------------------------------------- checking details


def _clean_details(changes: dict[str, Any], current: Child | None) -> dict[str, Any]:
    """Normalised changes, or a ServiceError naming the field that is wrong.

    Cross-field rules (born or expected, never both) are checked against the record as it
    would be after the change.
    """
    data = dict(changes)
    today = timezone.localdate()

    def effective(name: str) -> Any:
        if name in data:
            return data[name]
        return getattr(current, name) if current is not None else None

    for name, label in (("first_name", "first name"), ("last_name", "last name")):
        if name in data or current is None:
            data[name] = (data.get(name) or "").strip()
            if not data[name]:
                raise ServiceError(f"Enter the child's {label}", field=name)
    born, expected = effective("date_of_birth"), effective("expected_date_of_birth")
    if born and expected:
        raise ServiceError(
            "Enter a date of birth or an expected date of birth, not both",
            field="expected_date_of_birth",
        )
    if not born and not expected:
        raise ServiceError(
            "Enter the child's date of birth, or the expected date of birth if the baby is "
            "not born yet",
            field="date_of_birth",
        )
    if born and born > today:
        raise ServiceError("Date of birth must be today or in the past", field="date_of_birth")
    if expected:
        if expected > today + dt.timedelta(weeks=MAX_WEEKS_TO_BIRTH):
            raise ServiceError(
                "Expected date of birth must be no more than 40 weeks from today",
                field="expected_date_of_birth",
            )
        unchanged = current is not None and current.expected_date_of_birth == expected
        if expected < today and not unchanged:
            raise ServiceError(
                "Expected date of birth must be today or in the future. If the baby has been "
                "born, enter their date of birth instead",
                field="expected_date_of_birth",
            )
    if "nhs_number" in data:
        data["nhs_number"] = normalise_nhs_number(data["nhs_number"] or "")
        problem = data["nhs_number"] and nhs_number_problem(data["nhs_number"])
        if problem:
            raise ServiceError(problem, field="nhs_number")
    if "upn" in data:
        data["upn"] = normalise_upn(data["upn"] or "")
        problem = data["upn"] and upn_problem(data["upn"])
        if problem:
            raise ServiceError(problem, field="upn")
    if "sex" in data and data["sex"] not in Sex.values:
        raise ServiceError("Select the child's sex", field="sex")
    if data.get("ethnicity") and data["ethnicity"] not in Ethnicity.values:
        raise ServiceError("Select the child's ethnicity from the list", field="ethnicity")
    if "ethnicity" in data:
        data["ethnicity"] = data["ethnicity"] or ""
    if "disabilities" in data:
        data["disabilities"] = _clean_disabilities(data["disabilities"] or [])
    return data


def _clean_disabilities(codes: Iterable[str]) -> list[str]:
    chosen = set(codes)
    unknown = chosen - set(Disability.values)
    if unknown:
        raise ServiceError("Select disabilities from the list", field="disabilities")
    if Disability.NONE in chosen and len(chosen) > 1:
        raise ServiceError(
            "Select “No disability” on its own, or select each disability the child has",
            field="disabilities",
        )
    return [code for code in Disability.values if code in chosen]  # the census's order


# ---------------------------------------------------------------- the search index


def _reindex(child_ids: Sequence[int]) -> None:
    """Rewrite the search keys of these children from their names and the names of every
    record merged into them (so an old name still finds the record kept)."""
    ids = set(child_ids)
    names: dict[int, list[str]] = defaultdict(list)
    rows = Child.objects.filter(Q(pk__in=ids) | Q(merged_into__in=ids)).values_list(
        "pk", "merged_into_id", "first_name", "last_name"
    )
    for pk, merged_into, first, last in rows:
        owner = pk if pk in ids else merged_into
        names[owner] += [first, last]
    PersonSearchKey.objects.filter(child_id__in=ids).delete()
    PersonSearchKey.objects.bulk_create(
        PersonSearchKey(child_id=child_id, key=key)
        for child_id, key in search.index_rows(names.items())
    )


def search_keys_bulk_index(
    children: Iterable[tuple[int, str, str]], batch_size: int = 10_000
) -> int:
    """Index children created in bulk, given as (id, first name, last name) (the demo
    generator and test factories); returns the keys written.

    Plain parameterised INSERTs without model instances: the borough's ~450,000 keys would
    take several seconds through bulk_create.
    """
    rows = search.index_rows((pk, (first, last)) for pk, first, last in children)
    table = PersonSearchKey._meta.db_table
    sql = f"INSERT INTO {connection.ops.quote_name(table)} (child_id, key) VALUES (%s, %s)"  # noqa: S608 - table name from model metadata
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch_size):
            cursor.executemany(sql, rows[start : start + batch_size])
    return len(rows)


def search_keys_rebuild(batch_size: int = 2000) -> tuple[int, int]:
    """Rewrite every child's keys (after a change to search.py); returns (children, keys).

    Each batch is rewritten in its own transaction, so searches keep working meanwhile.
    """
    ids = list(
        Child.objects.filter(merged_into__isnull=True).order_by("pk").values_list("pk", flat=True)
    )
    for start in range(0, len(ids), batch_size):
        with transaction.atomic():
            _reindex(ids[start : start + batch_size])
    return len(ids), PersonSearchKey.objects.count()


# ---------------------------------------------------------------- creating and changing


def _owning_team_for(user: User) -> Team:
    """A local authority user's own team; anyone else's new child goes to the front door."""
    if user.in_childrens_social_care and user.team:
        return user.team
    team = front_door_team(user.partnership_id)
    if team is None:
        raise ServiceError(
            "The partnership has no local authority team to own new records. Ask your system "
            "administrator to set one up"
        )
    return team


def child_create(*, user: User, details: dict[str, Any], confirmed_new: bool = False) -> Child:
    """Record a new child, after warning about records that may be the same child.

    Raises PossibleDuplicates unless ``confirmed_new``: the user has seen the candidates and
    confirmed this is a new child.
    """
    unknown = set(details) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    if user.agency is None:
        raise ServiceError("Only a member of an agency can record a child")
    data = _clean_details({**{"sex": Sex.UNKNOWN, "disabilities": []}, **details}, None)
    if not confirmed_new:
        duplicates = likely_duplicates(
            user,
            first_name=data["first_name"],
            last_name=data["last_name"],
            date_of_birth=data.get("date_of_birth"),
            expected_date_of_birth=data.get("expected_date_of_birth"),
            nhs_number=data.get("nhs_number", ""),
            upn=data.get("upn", ""),
        )
        if duplicates:
            raise PossibleDuplicates(duplicates)
    team = _owning_team_for(user)
    with transaction.atomic():
        child = Child.objects.create(partnership_id=user.partnership_id, owning_team=team, **data)
        AgencyInvolvement.objects.create(
            child=child, agency=user.agency, started_on=timezone.localdate()
        )
        _reindex([child.pk])
        audit.record(
            actor=user,
            action=AuditAction.CREATE,
            object_type=RECORD_TYPE,
            object_id=child.pk,
            object_label=child.full_name,
            child_id=child.pk,
            after=audit.snapshot(child, (*EDITABLE_FIELDS, "owning_team")),
            reason="confirmed as a new child after a duplicate warning" if confirmed_new else "",
        )
    return child


def child_update(
    *, user: User, child: Child, expected_version: int, changes: dict[str, Any]
) -> Child:
    """Save changed details unless someone else saved first (optimistic concurrency)."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    changes = _clean_details(changes, child)
    with transaction.atomic():
        current = Child.objects.select_for_update().get(pk=child.pk)
        if current.version != expected_version:
            raise EditConflict(current)
        before = audit.snapshot(current, EDITABLE_FIELDS)
        for name, value in changes.items():
            setattr(current, name, value)
        after = audit.snapshot(current, EDITABLE_FIELDS)
        changed = audit.changed_fields(before, after)
        if changed:
            Child.objects.filter(pk=current.pk, version=expected_version).update(
                version=F("version") + 1, **{name: getattr(current, name) for name in changed}
            )
            if set(changed) & set(NAME_FIELDS):
                _reindex([current.pk])
            audit.record(
                actor=user,
                action=AuditAction.UPDATE,
                object_type=RECORD_TYPE,
                object_id=current.pk,
                object_label=current.full_name,
                child_id=current.pk,
                before={k: before[k] for k in changed},
                after={k: after[k] for k in changed},
            )
        form_draft_discard(user=user, form_key=child_draft_key(current))
    current.refresh_from_db()
    return current


def child_break_glass(*, user: User, child_id: int, reason: str) -> tuple[Child, BreakGlass]:
    child = child_in_partnership(user, child_id)
    if child is not None and child.merged_into_id is not None:
        child = child_in_partnership(user, child.merged_into_id)  # the record kept
    if child is None:
        raise ServiceError("No child has that masa ID in this partnership", field="child_id")
    use = break_glass_start(
        user=user, record=child_record_ref(child), reason=reason, owners=child_owners(child)
    )
    return child, use


# ---------------------------------------------------------------- restriction


def child_restrict(*, user: User, child: Child, restrict: bool, reason: str) -> Child:
    """Restrict a record to the people closest to the child, or lift the restriction."""
    reason = reason.strip()
    if not reason:
        raise ServiceError(
            "Enter why the record should be restricted"
            if restrict
            else "Enter why the restriction can be removed",
            field="reason",
        )
    if len(reason) < MIN_REASON_LENGTH:
        raise ServiceError("Reason must be at least 10 characters", field="reason")
    if restrict == child.is_restricted:
        raise ServiceError(
            "This record is already restricted" if restrict else "This record is not restricted",
            field="reason",
        )
    if restrict and user.team_id != child.owning_team_id and child.allocated_worker_id != user.pk:
        # Restricting a record outside your own team would lock you out of it.
        raise ServiceError(
            f"Only a manager in {child.owning_team.name}, the team that owns this record, "
            "can restrict it",
            field="reason",
        )
    with transaction.atomic():
        Child.objects.filter(pk=child.pk).update(
            is_restricted=restrict,
            restriction_reason=reason if restrict else "",
            version=F("version") + 1,
        )
        audit.record(
            actor=user,
            action=AuditAction.UPDATE,
            object_type=RECORD_TYPE,
            object_id=child.pk,
            object_label=child.full_name,
            child_id=child.pk,
            before={"is_restricted": child.is_restricted},
            after={"is_restricted": restrict},
            reason=reason,
        )
    child.refresh_from_db()
    return child


# ---------------------------------------------------------------- addresses


ADDRESS_FIELDS = ("line_1", "line_2", "town", "postcode", "from_date", "to_date")


def agency_involvement_ensure(
    *, actor: User, child: Child, agency_id: int, started_on: dt.date, reason: str
) -> AgencyInvolvement | None:
    """Put the child in an agency's scope when it takes on work with the child (for example a
    lead professional from a school), unless it is already involved. Call inside the caller's
    transaction; the new involvement is audited."""
    today = timezone.localdate()
    already = AgencyInvolvement.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=today), child=child, agency_id=agency_id
    ).exists()
    if already or child.owning_team.agency_id == agency_id:
        return None
    involvement = AgencyInvolvement.objects.create(
        child=child, agency_id=agency_id, started_on=min(started_on, today)
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="agency_involvement",
        object_id=involvement.pk,
        object_label=f"{involvement.agency} working with {child.full_name}",
        child_id=child.pk,
        reason=reason,
    )
    return involvement


def address_add(
    *,
    user: User,
    child: Child,
    line_1: str,
    line_2: str = "",
    town: str,
    postcode: str,
    from_date: dt.date,
    to_date: dt.date | None = None,
) -> Address:
    """Add an address to the child's history.

    Without ``to_date`` it becomes the current address, and the previous current address is
    closed the day before. Periods may not overlap.
    """
    line_1, line_2, town = line_1.strip(), line_2.strip(), town.strip()
    postcode = normalise_postcode(postcode)
    if not line_1:
        raise ServiceError("Enter the first line of the address", field="line_1")
    if not town:
        raise ServiceError("Enter the town or city", field="town")
    problem = postcode_problem(postcode)
    if problem:
        raise ServiceError(problem, field="postcode")
    refuse_future_date(from_date, field="from_date", label="Date they moved in")
    if to_date is not None:
        refuse_future_date(to_date, field="to_date", label="Date they moved out")
        if to_date < from_date:
            raise ServiceError(
                "Date they moved out must be the same as or after the date they moved in",
                field="to_date",
            )
    with transaction.atomic():
        Child.objects.select_for_update().filter(pk=child.pk).first()  # one writer per child
        existing = list(Address.objects.filter(child=child))
        current = next((a for a in existing if a.to_date is None), None)
        closing = current if to_date is None and current and current.from_date < from_date else None
        new_end = to_date or dt.date.max
        for address in existing:
            end = from_date - dt.timedelta(days=1) if address is closing else address.to_date
            if address.from_date <= new_end and (end or dt.date.max) >= from_date:
                raise _overlap_error(address, end, from_date, to_date)
        if closing is not None:
            Address.objects.filter(pk=closing.pk).update(to_date=from_date - dt.timedelta(days=1))
        address = Address.objects.create(
            child=child,
            line_1=line_1,
            line_2=line_2,
            town=town,
            postcode=postcode,
            from_date=from_date,
            to_date=to_date,
        )
        audit.record(
            actor=user,
            action=AuditAction.CREATE,
            object_type="address",
            object_id=address.pk,
            object_label=f"{address.one_line} ({child.full_name})",
            child_id=child.pk,
            after=audit.snapshot(
                address, ("line_1", "line_2", "town", "postcode", "from_date", "to_date")
            ),
            reason=f"previous address closed on {govuk_date(from_date - dt.timedelta(days=1))}"
            if closing
            else "",
        )
    return address


def _overlap_error(
    address: Address, end: dt.date | None, from_date: dt.date, to_date: dt.date | None
) -> ServiceError:
    if to_date is not None and address.from_date > from_date:
        return ServiceError(
            f"Date they moved out must be before {govuk_date(address.from_date)}, when they "
            f"moved to {address.line_1}",
            field="to_date",
        )
    if end is None or address.from_date >= from_date:
        return ServiceError(
            f"Date they moved in must be after {govuk_date(address.from_date)}, when they "
            f"moved to {address.line_1}",
            field="from_date",
        )
    return ServiceError(
        f"Date they moved in must be after {govuk_date(end)}, when they left {address.line_1}",
        field="from_date",
    )


# ---------------------------------------------------------------- family and relationships


@dataclass(frozen=True)
class NewFamilyMember:
    first_name: str
    last_name: str
    date_of_birth: dt.date | None = None
    nhs_number: str = ""


def _relationship_label(child: Child, person: str, relationship: Relationship) -> str:
    return f"{person}: {relationship.label.lower()} of {child.full_name}"


def relationship_add(
    *,
    user: User,
    child: Child,
    kind: str,
    other_kind: str = "",
    lives_with_child: bool = False,
    started_on: dt.date | None = None,
    new_member: NewFamilyMember | None = None,
    family_member: FamilyMember | None = None,
    other_child: Child | None = None,
) -> Relationship:
    """Record that someone is related to the child: a new or known family member, or another
    child with a record (whom the caller has checked the user can see)."""
    if sum(x is not None for x in (new_member, family_member, other_child)) != 1:
        raise ValueError("Give exactly one person")
    if kind not in RelationshipKind.values:
        raise ServiceError("Select how they are related to the child", field="kind")
    other_kind = other_kind.strip()
    if kind == RelationshipKind.OTHER and not other_kind:
        raise ServiceError("Enter how they are related to the child", field="other_kind")
    if kind != RelationshipKind.OTHER:
        other_kind = ""
    refuse_future_date(started_on, field="started_on", label="Date the relationship started")
    if new_member is not None:
        member_nhs = normalise_nhs_number(new_member.nhs_number)
        if not new_member.first_name.strip():
            raise ServiceError("Enter the family member's first name", field="member_first_name")
        if not new_member.last_name.strip():
            raise ServiceError("Enter the family member's last name", field="member_last_name")
        refuse_future_date(
            new_member.date_of_birth, field="member_date_of_birth", label="Date of birth"
        )
        problem = member_nhs and nhs_number_problem(member_nhs)
        if problem:
            raise ServiceError(problem, field="member_nhs_number")
    if other_child is not None:
        if other_child.pk == child.pk:
            raise ServiceError(
                "Enter another child's masa ID: this is the child's own record",
                field="other_child_id",
            )
        already = Relationship.objects.filter(
            Q(child=child, other_child=other_child) | Q(child=other_child, other_child=child),
            ended_on__isnull=True,
        ).exists()
        if already:
            raise ServiceError(
                f"{other_child.full_name} is already recorded as related to this child",
                field="other_child_id",
            )
    if (
        family_member is not None
        and Relationship.objects.filter(
            child=child, family_member=family_member, ended_on__isnull=True
        ).exists()
    ):
        raise ServiceError(
            f"{family_member.full_name} is already recorded as related to this child",
            field="family_member_id",
        )
    with transaction.atomic():
        if new_member is not None:
            family_member = FamilyMember.objects.create(
                partnership_id=child.partnership_id,
                first_name=new_member.first_name.strip(),
                last_name=new_member.last_name.strip(),
                date_of_birth=new_member.date_of_birth,
                nhs_number=member_nhs,
            )
        relationship = Relationship.objects.create(
            child=child,
            family_member=family_member,
            other_child=other_child,
            kind=kind,
            other_kind=other_kind,
            lives_with_child=lives_with_child,
            started_on=started_on,
        )
        person = family_member.full_name if family_member else other_child.full_name  # type: ignore[union-attr]
        for concerned in (child, other_child):
            if concerned is None:
                continue
            audit.record(
                actor=user,
                action=AuditAction.CREATE,
                object_type="relationship",
                object_id=relationship.pk,
                object_label=_relationship_label(child, person, relationship),
                child_id=concerned.pk,
                after=audit.snapshot(
                    relationship,
                    (
                        "kind",
                        "other_kind",
                        "lives_with_child",
                        "started_on",
                        "family_member",
                        "other_child",
                    ),
                ),
            )
    return relationship


def relationship_end(
    *, user: User, child: Child, relationship: Relationship, ended_on: dt.date
) -> Relationship:
    if relationship.ended_on is not None:
        raise ServiceError(
            f"This relationship already ended on {govuk_date(relationship.ended_on)}",
            field="ended_on",
        )
    refuse_future_date(ended_on, field="ended_on", label="Date the relationship ended")
    if relationship.started_on and ended_on < relationship.started_on:
        raise ServiceError(
            "Date the relationship ended must be the same as or after "
            f"{govuk_date(relationship.started_on)}, when it started",
            field="ended_on",
        )
    with transaction.atomic():
        updated = Relationship.objects.filter(pk=relationship.pk, ended_on__isnull=True).update(
            ended_on=ended_on
        )
        if not updated:
            raise ServiceError("This relationship has already ended", field="ended_on")
        relationship.refresh_from_db()
        person = relationship.person_seen_from(child.pk)
        for concerned_id in {relationship.child_id, relationship.other_child_id} - {None}:
            audit.record(
                actor=user,
                action=AuditAction.UPDATE,
                object_type="relationship",
                object_id=relationship.pk,
                object_label=_relationship_label(relationship.child, str(person), relationship),
                child_id=concerned_id,
                before={"ended_on": None},
                after={"ended_on": ended_on.isoformat()},
            )
    return relationship


# ---------------------------------------------------------------- merging duplicates

# Details the record kept takes from the duplicate when it has none of its own.
GAP_FIELDS = ("nhs_number", "upn", "ethnicity", "disabilities")


def _move_related_rows(keep: Child, duplicate: Child) -> dict[str, int]:
    """Point every row that refers to the duplicate at the record kept, set-based.

    Walks every reverse relation of Child (hidden ones too, such as the tables behind a
    many-to-many field), so the records of apps added later move without changes here.
    """
    moved: dict[str, int] = {}
    for relation in Child._meta.get_fields(include_hidden=True):
        if not (relation.is_relation and relation.auto_created and not relation.concrete):
            continue
        if relation.many_to_many:
            continue  # its through table's foreign key is listed (hidden) and moved instead
        model = relation.related_model
        field_name = relation.field.name  # type: ignore[union-attr]
        if model is Child and field_name == "merged_into":
            continue  # merges into the duplicate are re-pointed by child_merge itself
        if model is PersonSearchKey:
            continue  # rebuilt from both records' names
        try:
            with transaction.atomic():  # a savepoint, so the error below can be reported
                count = model._base_manager.filter(**{field_name: duplicate}).update(  # type: ignore[union-attr]
                    **{field_name: keep}
                )
        except IntegrityError as error:
            raise ServiceError(
                "These records cannot be merged automatically: both have "
                f"{model._meta.verbose_name_plural} that can be recorded only once per child. "  # type: ignore[union-attr]
                "Ask your system administrator for help"
            ) from error
        if count:
            moved[f"{model._meta.label_lower}.{field_name}"] = count  # type: ignore[union-attr]
    return moved


def child_merge(*, user: User, keep: Child, duplicate: Child) -> Child:
    """Merge a duplicate record into the record kept. Nothing is deleted.

    Every row pointing at the duplicate moves to the record kept; the duplicate is marked
    ``merged_into`` (and leaves lists, search and duplicate checks); its audit trail stays on
    its own id, and the kept record's views include it. Both records are versioned and
    audited, naming each other.
    """
    if keep.pk == duplicate.pk:
        raise ServiceError("Choose two different records to merge", field="other_id")
    if keep.partnership_id != duplicate.partnership_id:
        raise ServiceError("Both records must be in this partnership", field="other_id")
    with transaction.atomic():
        locked = {
            child.pk: child
            for child in Child.objects.select_for_update()
            .filter(pk__in=[keep.pk, duplicate.pk])
            .order_by("pk")
        }
        keep, duplicate = locked[keep.pk], locked[duplicate.pk]
        if keep.merged_into_id or duplicate.merged_into_id:
            raise ServiceError(
                "One of these records has already been merged. Start again from the record kept",
                field="other_id",
            )
        from masa.journey.models import Case, Stage  # casework builds on people

        open_cases = Case.objects.filter(child__in=[keep, duplicate]).exclude(stage=Stage.CLOSED)
        if open_cases.values("child_id").distinct().count() > 1:
            raise ServiceError(
                "Both records have an open case. Close one of the cases (or hand its work "
                "over to the other) before merging, so the child has one open case",
                field="other_id",
            )
        # A relationship between the two records would become a child related to itself.
        between = Relationship.objects.filter(
            Q(child=keep, other_child=duplicate) | Q(child=duplicate, other_child=keep)
        )
        removed_links = list(between.values_list("pk", flat=True))
        between.delete()
        PersonSearchKey.objects.filter(child=duplicate).delete()
        moved = _move_related_rows(keep, duplicate)
        # Records merged into the duplicate earlier now point at the record kept (no chains).
        earlier = Child.objects.filter(merged_into=duplicate).update(merged_into=keep)

        filled: dict[str, Any] = {}
        for name in GAP_FIELDS:
            if not getattr(keep, name) and getattr(duplicate, name):
                filled[name] = getattr(duplicate, name)
        if not keep.date_of_birth and not keep.expected_date_of_birth:
            filled["date_of_birth"] = duplicate.date_of_birth
            filled["expected_date_of_birth"] = duplicate.expected_date_of_birth
        if duplicate.is_restricted and not keep.is_restricted:
            # Merging must not open a restricted record's history to more people.
            filled["is_restricted"] = True
            filled["restriction_reason"] = duplicate.restriction_reason
        before = audit.snapshot(keep, filled)
        Child.objects.filter(pk=keep.pk).update(version=F("version") + 1, **filled)
        Child.objects.filter(pk=duplicate.pk).update(merged_into=keep, version=F("version") + 1)
        keep.refresh_from_db()
        _reindex([keep.pk])
        audit.record(
            actor=user,
            action=AuditAction.UPDATE,
            object_type=RECORD_TYPE,
            object_id=keep.pk,
            object_label=keep.full_name,
            child_id=keep.pk,
            before=before,
            after={
                **audit.snapshot(keep, filled),
                "merged_from": duplicate.pk,
                "moved": moved,
                "relationships_between_removed": removed_links,
                "earlier_merges_repointed": earlier,
            },
            reason=f"Merged {duplicate.masa_id} ({duplicate.full_name}) into this record",
        )
        audit.record(
            actor=user,
            action=AuditAction.UPDATE,
            object_type=RECORD_TYPE,
            object_id=duplicate.pk,
            object_label=duplicate.full_name,
            child_id=duplicate.pk,
            before={"merged_into": None},
            after={"merged_into": keep.pk},
            reason=f"Merged into {keep.masa_id} ({keep.full_name}), the record kept",
        )
        link = reverse("people:child-detail", args=[keep.pk])
        workers = {c.allocated_worker_id for c in (keep, duplicate) if c.allocated_worker_id}
        for worker_id in workers - {user.pk}:
            Notification.objects.create(
                recipient_id=worker_id,
                subject=f"{duplicate.masa_id} merged into {keep.masa_id}",
                body=f"{user.display_name} merged {duplicate.full_name} ({duplicate.masa_id}) "
                f"into {keep.full_name} ({keep.masa_id}). The old ID now opens the record kept.",
                link=link,
            )
    keep.refresh_from_db()
    return keep
