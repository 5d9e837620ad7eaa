"""Importing an SSDA903 return into a partnership's care records: preview, then confirm.

The files are read by ``masa.returns.ssda903`` (CSV identified by their columns, or XML, read as
hostile) and validated with the year's rules. ``plan_import`` then works out, without writing,
what the return would change:

- **Matching.** A child is matched by its 903 CHILD: the ``ReturnIdentifier`` a previous import
  left, or else the masa ID masa exports for children recorded in masa (accepted only when the
  date of birth agrees). When both the file and masa hold a real UPN (not blank, not UN1-UN10)
  they must agree. A child whose CHILD matches nobody is matched by UPN if exactly one masa child
  holds it (and that child has no other 903 identifier), and is otherwise created, owned by the
  team chosen. Ambiguous matches are refused with the reason: two masa children with the UPN; the
  CHILD matching one child and the UPN another; two children in the file matching one masa child
  or sharing a UPN.
- **Refusals.** A child is also refused (and none of its rows imported) when a value cannot be
  stored as it is, so that exporting gives back the same bytes: a date that is not a date, a flag
  that is not 1 or 0, a number that is not a whole number written plainly, text longer than masa
  holds, a value that would start a spreadsheet formula (the validation refuses these too), a
  child listed twice in a one-row-per-child table, two episodes starting on one day, an adoption
  match without its dates. Other findings of the DfE's rules are shown, not blocking: real returns
  have them, and the history is still worth holding.
- **Rows.** Each table's rows are matched with the child's records by their date (episodes by
  start, reviews by date, missing episodes by start date, and so on; repeated dates pair up in
  order), then created or updated field by field. Nothing is deleted or blanked out that the file
  does not mention, and a blank UPN, ethnicity or sex in the file never erases masa's value.
  Importing the same files twice changes nothing the second time.

``import_return`` writes a plan in ONE transaction with ``bulk_create``/``bulk_update`` (a failure
leaves the database as it was) and ONE audit record listing the counts per table and the children
created and updated. When the user confirms a preview, the plan is worked out again and must be
the one they saw (its digest), or nothing is written.

Uploaded files wait for the preview in a private folder (``upload_*``): under MEDIA_ROOT (var/
by default, never served), one folder per upload named by a random id, readable only by the user
who uploaded it, deleted on confirm or after 24 hours.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import secrets
import shutil
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, models, transaction
from django.db.models import Max
from django.http import Http404
from django.utils import timezone

from masa.core import audit
from masa.core.models import AgencyKind, AuditAction, AuditEvent, Partnership, Team, User
from masa.core.presenters import format_masa_id, parse_masa_id
from masa.core.services import ServiceError
from masa.people.models import AgencyInvolvement, Child, PersonSearchKey
from masa.people.search import index_rows
from masa.returns.cin.years import CollectionYear
from masa.returns.ssda903 import (
    DEFAULT_MAX_BYTES,
    Finding,
    ReadError,
    Return903,
    label,
    read_return,
    validate,
)
from masa.returns.ssda903.registry import TABLE_ORDER
from masa.returns.ssda903.spec import Spec

from .models import (
    AdoptionDecision,
    AdoptionMatch,
    AnnualOutcomes,
    CareLeaverContact,
    CareProfile,
    CareReview,
    Episode,
    MissingEpisode,
    PreviousPermanence,
    ReturnIdentifier,
    SocialWorkerEpisode,
)
from .returns903 import CHUNK, real_upn, rows_for, sex_from_code

AUDIT_TYPE = "ssda903_import"
# Findings that stop a child being imported: its rows could not be stored or exported unchanged.
BLOCKING = frozenset({"MASA-FORMULA", "MASA-DUPLICATE", "MASA-BLANK"})
FORMULA = re.compile(r"^[=+\-@]")
NEGATIVE_NUMBER = re.compile(r"^-\d+(\.\d+)?$")
MASA_ID = re.compile(r"^C\d{6,}$")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
BATCH = 1000
NEW_CHILD_FIRST_NAME = "Child"  # the 903 holds no names: a worker adds them
MAX_REASONS = 5


# ---------------------------------------------------------------- reading rows into values


@dataclass
class Incoming:
    """What a return says about one child, as values masa stores (model field names)."""

    ref: str
    header: dict[str, Any] | None = None
    header_row: int = 0
    uasc: dict[str, Any] | None = None
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    problems: list[str] = field(default_factory=list)


class _Row:
    """One row's cells, converted with a clear problem for anything masa cannot store as is."""

    def __init__(self, table: str, values: dict[str, Any], problems: list[str]) -> None:
        self.table = table
        self.values = values
        self.problems = problems

    def _problem(self, column: str, text: str) -> None:
        self.problems.append(f"{self.table} row {self.values['_row']}, {column}: {text}")

    def text(self, column: str, model: type[models.Model], name: str) -> str:
        value: str = self.values.get(column) or ""
        limit = getattr(model._meta.get_field(name), "max_length", None)
        if FORMULA.match(value) and not NEGATIVE_NUMBER.match(value):
            self._problem(column, f"'{value[:20]}' would start a spreadsheet formula")
        elif CONTROL.search(value):
            self._problem(column, "holds a control character, which no 903 item may hold")
        elif limit is not None and len(value) > limit:
            self._problem(
                column, f"'{value[:20]}' is longer than the {limit} characters masa holds"
            )
        return value

    def date(self, column: str, *, required: bool = False) -> dt.date | None:
        value = self.values.get(column)
        parsed: dt.date | None = self.values.get(column + "__date")
        if value and parsed is None:
            self._problem(column, f"'{value[:20]}' is not a date in the form dd/mm/YYYY")
        elif required and not value:
            self._problem(column, "is blank; masa needs it to record this row")
        return parsed

    def flag(self, column: str, *, required: bool = False) -> bool | None:
        value = self.values.get(column)
        if value in ("1", "0"):
            return value == "1"
        if value:
            self._problem(column, f"'{value[:20]}' is not 1 or 0")
        elif required:
            self._problem(column, "is blank; masa needs it to record this row")
        return None

    def number(self, column: str, *, required: bool = False) -> int | None:
        value = self.values.get(column)
        if value and value.isdigit() and str(int(value)) == value and int(value) < 32768:
            return int(value)
        if value:
            self._problem(column, f"'{value[:20]}' is not a whole number written plainly")
        elif required:
            self._problem(column, "is blank; masa needs it to record this row")
        return None


def _midnight(day: dt.date) -> dt.datetime:
    """The 903 holds dates only: a missing episode imported starts (or ends) at 00:00."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def read_children(data: Return903) -> tuple[dict[str, Incoming], list[str]]:
    """Every child in the return with its rows as values, and the rows that name no child."""
    spec = data.spec
    children: dict[str, Incoming] = {}
    orphans: list[str] = []

    def child(ref: str) -> Incoming:
        if ref not in children:
            children[ref] = Incoming(ref)
        return children[ref]

    for table in TABLE_ORDER:
        frame = data.tables.get(table)
        if frame is None:
            continue
        for values in frame.iter_rows(named=True):
            ref = values.get("CHILD")
            if not ref:
                orphans.append(f"{table} row {values['_row']} has no CHILD, so it was not read")
                continue
            incoming = child(ref)
            if FORMULA.match(ref) and not NEGATIVE_NUMBER.match(ref):
                incoming.problems.append(
                    f"{table} row {values['_row']}, CHILD: '{ref[:20]}' would start a "
                    "spreadsheet formula"
                )
            _read_row(table, _Row(table, values, incoming.problems), incoming, spec)
    return children, orphans


def _read_row(table: str, r: _Row, incoming: Incoming, spec: Spec) -> None:
    rows = incoming.rows
    if table == "Header":
        if incoming.header is not None:
            r.problems.append(f"Header row {r.values['_row']}: the child is listed twice")
        sex_text = r.values.get("SEX")
        sex = sex_from_code(sex_text, spec) if sex_text else None
        if sex_text and sex is None:
            r.problems.append(
                f"Header row {r.values['_row']}, SEX: '{sex_text[:10]}' is not a {spec.label} "
                "code masa can record"
            )
        incoming.header_row = r.values["_row"]
        incoming.header = {
            "sex": sex,
            "date_of_birth": r.date("DOB"),
            "ethnicity": r.text("ETHNIC", Child, "ethnicity"),
            "upn": r.text("UPN", Child, "upn"),
            "is_mother": r.flag("MOTHER"),
            "mothers_child_born_on": r.date("MC_DOB"),
        }
    elif table == "UASC":
        if incoming.uasc is not None:
            r.problems.append(f"UASC row {r.values['_row']}: the child is listed twice")
        incoming.uasc = {"uasc": True, "uasc_ceased_on": r.date("DUC")}
    elif table == "Episodes":
        rows[table].append(
            {
                "started_on": r.date("DECOM", required=True),
                "reason_new_episode": r.text("RNE", Episode, "reason_new_episode"),
                "legal_status": r.text("LS", Episode, "legal_status"),
                "category_of_need": r.text("CIN", Episode, "category_of_need"),
                "placement_type": r.text("PLACE", Episode, "placement_type"),
                "placement_provider": r.text("PLACE_PROVIDER", Episode, "placement_provider"),
                "ended_on": r.date("DEC"),
                "reason_ceased": r.text("REC", Episode, "reason_ceased"),
                "reason_place_change": r.text(
                    "REASON_PLACE_CHANGE", Episode, "reason_place_change"
                ),
                "home_postcode": r.text("HOME_POST", Episode, "home_postcode"),
                "placement_postcode": r.text("PL_POST", Episode, "placement_postcode"),
                "urn": r.text("URN", Episode, "urn"),
            }
        )
    elif table == "Reviews":
        rows[table].append(
            {
                "held_on": r.date("REVIEW", required=True),
                "participation": r.text("REVIEW_CODE", CareReview, "participation"),
            }
        )
    elif table == "Missing":
        began, ended = r.date("MIS_START", required=True), r.date("MIS_END")
        rows[table].append(
            {
                "kind": r.text("MISSING", MissingEpisode, "kind"),
                "started_at": _midnight(began) if began else None,
                "ended_at": _midnight(ended) if ended else None,
            }
        )
    elif table == "OC2":
        rows[table].append(
            {
                "sdq_score": r.number("SDQ_SCORE"),
                "sdq_reason": r.text("SDQ_REASON", AnnualOutcomes, "sdq_reason"),
                **{
                    name: r.flag(name.upper())
                    for name in (
                        "convicted", "health_check", "immunisations", "teeth_check",
                        "health_assessment", "substance_misuse", "intervention_received",
                        "intervention_offered",
                    )
                },
            }
        )  # fmt: skip
    elif table == "OC3":
        rows[table].append(
            {
                "in_touch": r.text("IN_TOUCH", CareLeaverContact, "in_touch"),
                "activity": r.text("ACTIV", CareLeaverContact, "activity"),
                "accommodation": r.text("ACCOM", CareLeaverContact, "accommodation"),
            }
        )
    elif table == "AD1":
        items = ("DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR")
        if not any(r.values.get(item) for item in items):
            return  # an empty AD1 row holds nothing to record
        rows[table].append(
            {
                "best_interests_on": r.date("DATE_INT", required=True),
                "matched_on": r.date("DATE_MATCH", required=True),
                "foster_carer_adoption": r.flag("FOSTER_CARE", required=True),
                "number_of_adopters": r.number("NB_ADOPTR", required=True),
                "adopters_sex": r.text("SEX_ADOPTR", AdoptionMatch, "adopters_sex"),
                "adopters_legal_status": r.text(
                    "LS_ADOPTR", AdoptionMatch, "adopters_legal_status"
                ),
            }
        )
    elif table == "PlacedAdoption":
        rows[table].append(
            {
                "decided_on": r.date("DATE_PLACED", required=True),
                "ceased_on": r.date("DATE_PLACED_CEASED"),
                "reason_ceased": r.text("REASON_PLACED_CEASED", AdoptionDecision, "reason_ceased"),
            }
        )
    elif table == "PrevPerm":
        text = r.text("DATE_PERM", PreviousPermanence, "made_on_text")
        made_on = r.values.get("DATE_PERM__date")
        rows[table].append(
            {
                "kind": r.text("PREV_PERM", PreviousPermanence, "kind"),
                "la": r.text("LA_PERM", PreviousPermanence, "la"),
                # A full date is held as a date; a partial one ("zz/10/2015") as given.
                "made_on": made_on,
                "made_on_text": "" if made_on else text,
            }
        )
    elif table == "SWEpisodes":
        rows[table].append(
            {
                "social_worker_id": r.text("SW_ID", SocialWorkerEpisode, "social_worker_id"),
                "started_on": r.date("SW_DECOM", required=True),
                "ended_on": r.date("SW_DEC"),
                "reason_changed": r.text("SW_REASON", SocialWorkerEpisode, "reason_changed"),
            }
        )


# ---------------------------------------------------------------- how each table meets the records


def _local_date(value: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(value) if value is not None else None


@dataclass(frozen=True)
class Kind:
    """How a 903 table's rows meet masa's records: the model, the key pairing a row with a
    record of the child's, and the fields an import sets."""

    table: str
    model: type[models.Model]
    key: Callable[[Any], Any]  # of a record or a row's values
    fields: tuple[str, ...]
    key_fields: tuple[str, ...] = ()  # what ``key`` reads
    year_field: str = ""  # OC2/OC3: one row per child and year
    one_per_child: bool = False  # PrevPerm: the child's latest record
    same: Callable[[str, Any, Any], bool] = lambda name, old, new: old == new

    @property
    def versioned(self) -> tuple[str, ...]:
        """("version",) for records people edit together (optimistic concurrency)."""
        names = {f.name for f in self.model._meta.concrete_fields}
        return ("version",) if "version" in names else ()


def _get(name: str) -> Callable[[Any], Any]:
    def key(item: Any) -> Any:
        return item[name] if isinstance(item, dict) else getattr(item, name)

    return key


def _missing_key(item: Any) -> Any:
    value = item["started_at"] if isinstance(item, dict) else item.started_at
    return _local_date(value)


def _missing_same(name: str, old: Any, new: Any) -> bool:
    # Times masa recorded are kept: only a different date (or none) is a change.
    if name in ("started_at", "ended_at"):
        return _local_date(old) == _local_date(new)
    return bool(old == new)


# A return shows an episode that ended after its year end as open (blank DEC, REC and
# REASON_PLACE_CHANGE): a blank there never clears an ending masa already holds, so importing an
# earlier year's return loses nothing recorded since.
_ENDING = ("ended_on", "reason_ceased", "reason_place_change")


def _episode_same(name: str, old: Any, new: Any) -> bool:
    if name in _ENDING and new in (None, "") and old not in (None, ""):
        return True
    return bool(old == new)


EPISODE_FIELDS = (
    "reason_new_episode", "legal_status", "category_of_need", "placement_type",
    "placement_provider", "ended_on", "reason_ceased", "reason_place_change", "home_postcode",
    "placement_postcode", "urn",
)  # fmt: skip
OC2_FIELDS = (
    "sdq_score", "sdq_reason", "convicted", "health_check", "immunisations", "teeth_check",
    "health_assessment", "substance_misuse", "intervention_received", "intervention_offered",
)  # fmt: skip
AD1_FIELDS = (
    "best_interests_on", "foster_carer_adoption", "number_of_adopters", "adopters_sex",
    "adopters_legal_status",
)  # fmt: skip
KINDS = (
    Kind(
        "Episodes",
        Episode,
        _get("started_on"),
        EPISODE_FIELDS,
        ("started_on",),
        same=_episode_same,
    ),
    Kind("Reviews", CareReview, _get("held_on"), ("participation",), ("held_on",)),
    Kind(
        "Missing",
        MissingEpisode,
        _missing_key,
        ("kind", "ended_at"),
        ("started_at",),
        same=_missing_same,
    ),
    Kind("OC2", AnnualOutcomes, lambda item: None, OC2_FIELDS, year_field="year_ending"),
    Kind(
        "OC3",
        CareLeaverContact,
        lambda item: None,
        ("in_touch", "activity", "accommodation"),
        year_field="year_ending",
    ),
    Kind("AD1", AdoptionMatch, _get("matched_on"), AD1_FIELDS, ("matched_on",)),
    Kind(
        "PlacedAdoption",
        AdoptionDecision,
        _get("decided_on"),
        ("ceased_on", "reason_ceased"),
        ("decided_on",),
    ),
    Kind(
        "PrevPerm",
        PreviousPermanence,
        lambda item: None,
        ("kind", "la", "made_on", "made_on_text"),
        one_per_child=True,
    ),
    Kind(
        "SWEpisodes",
        SocialWorkerEpisode,
        _get("started_on"),
        ("social_worker_id", "ended_on", "reason_changed"),
        ("started_on",),
    ),
)
CHILD_FIELDS = ("sex", "date_of_birth", "ethnicity", "upn")
PROFILE_FIELDS = ("is_mother", "mothers_child_born_on", "uasc", "uasc_ceased_on")
FIELD_LABELS = {
    "sex": "sex",
    "date_of_birth": "date of birth",
    "ethnicity": "ethnicity",
    "upn": "UPN",
    "is_mother": "mother",
    "mothers_child_born_on": "mother's child's date of birth",
    "uasc": "UASC",
    "uasc_ceased_on": "date UASC status ceased",
}


# ---------------------------------------------------------------- the plan


@dataclass
class ChildOutcome:
    ref: str
    action: str  # "create", "update", "unchanged" or "refused"
    child_id: int | None = None
    matched_by: str = ""  # "903 CHILD", "masa ID" or "UPN"
    fields: list[str] = field(default_factory=list)  # the child's details that change
    rows: dict[str, list[int]] = field(default_factory=dict)  # table -> [created, updated]
    reasons: list[str] = field(default_factory=list)
    upn: str = ""
    date_of_birth: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "ref": self.ref,
            "action": self.action,
            "child_id": self.child_id,
            "masa_id": format_masa_id(self.child_id) if self.child_id else "",
            "matched_by": self.matched_by,
            "fields": self.fields,
            "rows": self.rows,
            "reasons": self.reasons[:MAX_REASONS],
            "more_reasons": max(len(self.reasons) - MAX_REASONS, 0),
            "upn": self.upn,
            "date_of_birth": self.date_of_birth,
        }


@dataclass
class _Writes:
    """A table's writes: new rows (with the CHILD they belong to, for children not yet created)
    and changed rows (pk and every field the import sets, as they will be)."""

    creates: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ImportPlan:
    """What confirming would change. ``summary()`` is what the preview shows (JSON)."""

    year: int
    partnership_id: int
    outcomes: dict[str, ChildOutcome] = field(default_factory=dict)
    orphans: list[str] = field(default_factory=list)
    new_children: dict[str, dict[str, Any]] = field(default_factory=dict)  # Child fields
    identifiers: list[tuple[str, int | None]] = field(default_factory=list)  # (ref, child id)
    child_updates: list[Child] = field(default_factory=list)
    child_fields: set[str] = field(default_factory=set)
    profile_creates: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    profile_updates: list[CareProfile] = field(default_factory=list)
    profile_fields: set[str] = field(default_factory=set)
    writes: dict[str, _Writes] = field(default_factory=lambda: defaultdict(_Writes))

    def by_action(self, action: str) -> list[ChildOutcome]:
        return [o for o in self.outcomes.values() if o.action == action]

    def table_counts(self) -> dict[str, dict[str, int]]:
        counts: dict[str, dict[str, int]] = {}
        for outcome in self.outcomes.values():
            for table, (created, updated) in outcome.rows.items():
                entry = counts.setdefault(table, {"created": 0, "updated": 0})
                entry["created"] += created
                entry["updated"] += updated
        return {t: counts[t] for t in TABLE_ORDER if t in counts}

    def summary(self) -> dict[str, Any]:
        outcomes = sorted(self.outcomes.values(), key=lambda o: o.ref)
        body = {
            "year": self.year,
            "label": label(self.year),
            "tables": self.table_counts(),
            "create": [o.as_dict() for o in outcomes if o.action == "create"],
            "update": [o.as_dict() for o in outcomes if o.action == "update"],
            "unchanged": [o.ref for o in outcomes if o.action == "unchanged"],
            "refused": [o.as_dict() for o in outcomes if o.action == "refused"],
            "orphans": self.orphans,
        }
        body["digest"] = hashlib.sha256(
            json.dumps(body, sort_keys=True, default=str).encode()
        ).hexdigest()
        return body

    @property
    def changes_anything(self) -> bool:
        return any(o.action in ("create", "update") for o in self.outcomes.values())


def _refuse(outcome: ChildOutcome, reason: str) -> None:
    outcome.action = "refused"
    outcome.reasons.append(reason)


def _match(
    plan: ImportPlan, incoming: dict[str, Incoming], partnership_id: int
) -> dict[str, tuple[int, str]]:
    """CHILD -> (masa child id, how it matched), refusing ambiguous matches in ``plan``."""
    identifiers = ReturnIdentifier.objects.filter(
        partnership_id=partnership_id, scheme=ReturnIdentifier.Scheme.SSDA903
    )
    by_identifier = {
        row["value"]: row["child_id"]
        for row in rows_for(identifiers, "value", incoming.keys(), "value", "child_id")
    }
    upns = {
        ref: real_upn(child.header["upn"]) if child.header else ""
        for ref, child in incoming.items()
    }
    holders: dict[str, list[int]] = defaultdict(list)
    partnership_children = Child.objects.filter(partnership_id=partnership_id)
    for row in rows_for(
        partnership_children.filter(merged_into__isnull=True),
        "upn",
        {u for u in upns.values() if u},
        "upn",
        "pk",
    ):
        holders[row["upn"]].append(row["pk"])
    masa_ids = {
        ref: parse_masa_id(ref)
        for ref in incoming
        if ref not in by_identifier and MASA_ID.match(ref)
    }
    candidates = {i for i in masa_ids.values() if i} | set(by_identifier.values())
    candidates |= {i for held_by in holders.values() for i in held_by}
    known: dict[int, tuple[dt.date | None, str, int | None]] = {}
    identified: dict[int, str] = {}
    names = ("pk", "date_of_birth", "upn", "merged_into_id")
    for row in rows_for(partnership_children, "pk", candidates, *names):
        known[row["pk"]] = (row["date_of_birth"], row["upn"], row["merged_into_id"])
    for row in rows_for(identifiers, "child_id", candidates, "child_id", "value"):
        identified[row["child_id"]] = row["value"]

    matched: dict[str, tuple[int, str]] = {}
    for ref, child in sorted(incoming.items()):
        outcome = plan.outcomes[ref]
        upn = upns[ref]
        hits = holders.get(upn, []) if upn else []
        pk: int | None = by_identifier.get(ref)
        how = "903 CHILD"
        by_masa_id = masa_ids.get(ref)
        if pk is None and by_masa_id in known and by_masa_id not in identified:
            pk, how = by_masa_id, "masa ID"
        if how == "masa ID" and pk is not None:
            born = known[pk][0]
            given = child.header["date_of_birth"] if child.header else None
            if given is not None and born != given:
                _refuse(
                    outcome,
                    f"CHILD {ref} is the masa ID of a child born on "
                    f"{born.strftime('%d/%m/%Y') if born else 'an unknown date'}, not "
                    f"{given.strftime('%d/%m/%Y')}; give this child another CHILD",
                )
                continue
        if len(hits) > 1:
            holding = ", ".join(format_masa_id(h) for h in sorted(hits))
            _refuse(outcome, f"UPN {upn} is held by {len(hits)} masa children ({holding})")
            continue
        if pk is not None:
            if known.get(pk, (None, "", None))[2]:
                _refuse(
                    outcome,
                    f"CHILD {ref} is {format_masa_id(pk)}, a record merged into "
                    f"{format_masa_id(known[pk][2] or 0)}",
                )
                continue
            held = real_upn(known.get(pk, (None, "", None))[1])
            if hits and hits[0] != pk:
                _refuse(
                    outcome,
                    f"CHILD {ref} matches {format_masa_id(pk)} but its UPN {upn} matches "
                    f"{format_masa_id(hits[0])}",
                )
                continue
            if upn and held and held != upn:
                _refuse(
                    outcome,
                    f"CHILD {ref} matches {format_masa_id(pk)}, whose UPN is {held}, not {upn}",
                )
                continue
            matched[ref] = (pk, how)
        elif hits:
            hit = hits[0]
            if hit in identified:
                _refuse(
                    outcome,
                    f"UPN {upn} is {format_masa_id(hit)}'s, who is CHILD {identified[hit]} in "
                    "earlier 903 returns, not " + ref,
                )
                continue
            matched[ref] = (hit, "UPN")
    # Two children of the file on one masa child, or two new children with one UPN.
    seen: dict[int, list[str]] = defaultdict(list)
    for ref, (pk, _) in matched.items():
        seen[pk].append(ref)
    for pk, refs in seen.items():
        if len(refs) > 1:
            for ref in refs:
                matched.pop(ref)
                _refuse(
                    plan.outcomes[ref],
                    f"CHILD {', '.join(sorted(refs))} all match {format_masa_id(pk)}",
                )
    new_upns: dict[str, list[str]] = defaultdict(list)
    for ref in incoming:
        if ref not in matched and plan.outcomes[ref].action != "refused" and upns[ref]:
            new_upns[upns[ref]].append(ref)
    for upn, refs in new_upns.items():
        if len(refs) > 1:
            for ref in refs:
                _refuse(
                    plan.outcomes[ref],
                    f"UPN {upn} is given for {len(refs)} children ({', '.join(sorted(refs))})",
                )
    return matched


def _pair(
    kind: Kind, existing: Sequence[dict[str, Any]], rows: Sequence[dict[str, Any]]
) -> Iterable[tuple[dict[str, Any] | None, dict[str, Any]]]:
    """Each row with the child's record it updates (None: a new record). Rows and records with
    the same key pair up in order."""
    if kind.one_per_child or kind.year_field:
        latest = existing[-1] if existing else None
        for values in rows[:1]:
            yield latest, values
        return
    pool: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for record in existing:
        pool[kind.key(record)].append(record)
    for values in rows:
        matches = pool.get(kind.key(values))
        yield (matches.pop(0) if matches else None), values


def plan_import(
    data: Return903, partnership: Partnership, findings: Iterable[Finding]
) -> ImportPlan:
    """Work out what importing ``data`` would change (reads only)."""
    year = data.year.year
    spec = data.spec
    plan = ImportPlan(year=year, partnership_id=partnership.pk)
    incoming, plan.orphans = read_children(data)
    for ref, child in incoming.items():
        outcome = ChildOutcome(ref=ref, action="create")
        if child.header:
            outcome.upn = child.header["upn"]
            born = child.header["date_of_birth"]
            outcome.date_of_birth = born.isoformat() if born else ""
        plan.outcomes[ref] = outcome
        for problem in child.problems:
            _refuse(outcome, problem)
        if len({(r["started_on"]) for r in child.rows["Episodes"]}) < len(child.rows["Episodes"]):
            _refuse(outcome, "two episodes start on the same day; masa records one a day")
    for finding in findings:
        if finding.code in BLOCKING and finding.child in plan.outcomes:
            outcome = plan.outcomes[finding.child]
            where = f"{finding.table} row {finding.row}, {', '.join(finding.fields)}: "
            if not any(reason.startswith(where) for reason in outcome.reasons):
                _refuse(outcome, f"{where}{finding.message} ({finding.code})")

    matched = _match(plan, incoming, partnership.pk)
    ids = [pk for ref, (pk, _) in matched.items() if plan.outcomes[ref].action != "refused"]
    children = {
        row["pk"]: Child(**row)
        for row in rows_for(
            Child.objects.filter(partnership=partnership), "pk", ids, "pk", "version", *CHILD_FIELDS
        )
    }
    profiles = {
        row["child_id"]: CareProfile(**row)
        for row in rows_for(
            CareProfile.objects.filter(child__partnership=partnership),
            "child_id",
            ids,
            *("pk", "child_id", "version", *PROFILE_FIELDS),
        )
    }
    existing: dict[str, dict[int, list[dict[str, Any]]]] = {}
    for kind in KINDS:
        if kind.table not in spec.tables:
            continue
        found: dict[int, list[dict[str, Any]]] = defaultdict(list)
        names = ("pk", "child_id", *kind.key_fields, *kind.fields, *kind.versioned)
        records = kind.model._default_manager.filter(child__partnership=partnership)
        if kind.year_field:
            records = records.filter(**{kind.year_field: year})
        for record in rows_for(records.order_by("pk"), "child_id", ids, *dict.fromkeys(names)):
            found[record["child_id"]].append(record)
        existing[kind.table] = found

    for ref, child in sorted(incoming.items()):
        outcome = plan.outcomes[ref]
        if outcome.action == "refused":
            continue
        if ref in matched:
            pk, outcome.matched_by = matched[ref]
            outcome.child_id = pk
            _plan_update(plan, outcome, child, children[pk], profiles.get(pk), existing, year)
        else:
            _plan_create(plan, outcome, child, year, spec)
    return plan


def _plan_create(
    plan: ImportPlan, outcome: ChildOutcome, child: Incoming, year: int, spec: Spec
) -> None:
    header = child.header
    if header is None or header["date_of_birth"] is None:
        _refuse(
            outcome,
            f"CHILD {child.ref} is new to masa and has no Header row with a date of birth, so "
            "masa cannot create the child",
        )
        return
    plan.new_children[child.ref] = {
        "partnership_id": plan.partnership_id,
        "first_name": NEW_CHILD_FIRST_NAME,
        "last_name": child.ref,
        "date_of_birth": header["date_of_birth"],
        "sex": header["sex"] or "U",
        "ethnicity": header["ethnicity"],
        "upn": header["upn"],
        "summary": f"Created by the SSDA903 import of {label(year)} (903 CHILD {child.ref}). "
        "The 903 holds no names: add the child's name.",
    }
    plan.identifiers.append((child.ref, None))
    outcome.rows["Header"] = [1, 0]
    profile = {k: header[k] for k in ("is_mother", "mothers_child_born_on")}
    if child.uasc:
        profile.update(child.uasc)
        outcome.rows["UASC"] = [1, 0]
    if any(v is not None for v in profile.values()):
        plan.profile_creates.append((child.ref, profile))
    for kind in KINDS:
        for values in child.rows.get(kind.table, [])[
            : 1 if kind.year_field or kind.one_per_child else None
        ]:
            row = {**values, kind.year_field: year} if kind.year_field else dict(values)
            plan.writes[kind.table].creates.append((child.ref, row))
            outcome.rows.setdefault(kind.table, [0, 0])[0] += 1


def _plan_update(
    plan: ImportPlan,
    outcome: ChildOutcome,
    child: Incoming,
    record: Child,
    profile: CareProfile | None,
    existing: dict[str, dict[int, list[dict[str, Any]]]],
    year: int,
) -> None:
    header = child.header
    if outcome.matched_by == "UPN":
        plan.identifiers.append((child.ref, record.pk))
    if header:
        changed = []
        for name in CHILD_FIELDS:
            value = header[name]
            if value in (None, "") or (name == "sex" and value == "U" and record.sex != "U"):
                continue  # a blank never erases what masa holds
            if getattr(record, name) != value:
                setattr(record, name, value)
                changed.append(name)
        if changed:
            record.version += 1
            plan.child_updates.append(record)
            plan.child_fields.update([*changed, "version"])
            outcome.fields.extend(FIELD_LABELS[n] for n in changed)
            outcome.rows["Header"] = [0, 1]
    wanted: dict[str, Any] = {}
    if header:
        wanted.update({k: header[k] for k in ("is_mother", "mothers_child_born_on")})
    if child.uasc:
        wanted.update(child.uasc)
    if profile is None:
        if any(v is not None for v in wanted.values()):
            plan.profile_creates.append((child.ref, {"child_id": record.pk, **wanted}))
            outcome.fields.extend(FIELD_LABELS[k] for k, v in wanted.items() if v is not None)
            _count_profile(outcome, wanted, created=True)
    else:
        changed = [k for k, v in wanted.items() if getattr(profile, k) != v]
        if changed:
            for name in changed:
                setattr(profile, name, wanted[name])
            profile.version += 1
            plan.profile_updates.append(profile)
            plan.profile_fields.update([*changed, "version"])
            outcome.fields.extend(FIELD_LABELS[n] for n in changed)
            _count_profile(outcome, dict.fromkeys(changed), created=False)
    for kind in KINDS:
        rows = child.rows.get(kind.table, [])
        if not rows:
            continue
        records = existing.get(kind.table, {}).get(record.pk, [])
        writes = plan.writes[kind.table]
        counts = outcome.rows.setdefault(kind.table, [0, 0])
        for old, values in _pair(kind, records, rows):
            if old is None:
                new = {**values, "child_id": record.pk}
                if kind.year_field:
                    new[kind.year_field] = year
                writes.creates.append((child.ref, new))
                counts[0] += 1
                continue
            if all(kind.same(name, old[name], values[name]) for name in kind.fields):
                continue
            # A field the return does not change keeps what masa holds (a missing episode's time
            # on the same date; an episode's ending after the year end).
            update = {
                "pk": old["pk"],
                **{
                    name: old[name] if kind.same(name, old[name], values[name]) else values[name]
                    for name in kind.fields
                },
            }
            if kind.versioned:
                update["version"] = old["version"] + 1
            writes.updates.append(update)
            counts[1] += 1
        if counts == [0, 0]:
            outcome.rows.pop(kind.table)
    outcome.action = "update" if outcome.rows or outcome.fields else "unchanged"


def _count_profile(outcome: ChildOutcome, values: dict[str, Any], *, created: bool) -> None:
    """Count a change to the care profile as a Header row (mother) or a UASC row changed."""
    if {"is_mother", "mothers_child_born_on"} & set(values):
        outcome.rows.setdefault("Header", [0, 1])
    if {"uasc", "uasc_ceased_on"} & set(values):
        outcome.rows.setdefault("UASC", [1, 0] if created or "uasc" in values else [0, 1])


# ---------------------------------------------------------------- writing


@dataclass(frozen=True)
class ImportResult:
    summary: dict[str, Any]
    event: AuditEvent


def _check_team(team: Team, partnership: Partnership) -> None:
    if team.agency.partnership_id != partnership.pk:
        raise ServiceError("Choose a team of this partnership to own the children", "team")


def _insert(model: type[models.Model], rows: Sequence[dict[str, Any]]) -> None:
    """INSERT ``rows`` (field values by attribute name; the model's defaults for the rest)
    without model instances, which at the size of a return cost more than the rows themselves:
    ``COPY`` on PostgreSQL, one parameterised statement run for every row on SQLite (as the demo
    generator and ``people.services.search_keys_bulk_index`` write in bulk)."""
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    postgres = connection.vendor == "postgresql"
    now = timezone.now()
    convert: list[Callable[[Any], Any] | None] = []
    defaults: list[Any] = []
    for f in fields:
        if isinstance(f, models.JSONField):
            convert.append(json.dumps)
        elif postgres:
            convert.append(None)  # psycopg's COPY takes dates, aware datetimes and booleans
        elif isinstance(f, models.DateTimeField):
            convert.append(partial(f.get_db_prep_save, connection=connection))
        elif isinstance(f, models.DateField):
            convert.append(connection.ops.adapt_datefield_value)
        else:
            convert.append(None)
        auto = getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        defaults.append(now if auto else f.get_default())
    names = [f.attname for f in fields]
    params = []
    for row in rows:
        values = []
        for name, conv, default in zip(names, convert, defaults, strict=True):
            value = row.get(name, default)
            values.append(conv(value) if conv is not None and value is not None else value)
        params.append(values)
    ops = connection.ops
    table = ops.quote_name(model._meta.db_table)
    columns = ", ".join(ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        if postgres:
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for values in params:
                    copy.write_row(values)
            return
        marks = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 - names from model metadata
        for start in range(0, len(params), BATCH * 5):
            cursor.executemany(sql, params[start : start + BATCH * 5])


def _insert_children(plan: ImportPlan, team: Team) -> dict[str, int]:
    """Insert the new children as ``_insert`` does; returns CHILD -> id. The ids are read back
    by what only these rows have in this transaction: the partnership, an id above the largest
    before, the first name given to imported children and the CHILD as last name."""
    scope = Child.objects.filter(partnership_id=plan.partnership_id)
    before = scope.aggregate(last=Max("pk"))["last"] or 0
    rows = [
        {**plan.new_children[ref], "owning_team_id": team.pk} for ref in sorted(plan.new_children)
    ]
    _insert(Child, rows)
    found = dict(
        scope.filter(pk__gt=before, first_name=NEW_CHILD_FIRST_NAME).values_list("last_name", "pk")
    )
    created = {ref: found[ref] for ref in plan.new_children}
    if len(set(created.values())) != len(created):  # pragma: no cover - a concurrent import
        raise ServiceError("Another import is writing the same children; try again")
    return created


def apply_plan(
    plan: ImportPlan,
    *,
    team: Team,
    actor: User | None,
    actor_label: str = "",
    sources: Sequence[str] = (),
    reference: str = "",
) -> ImportResult:
    """Write ``plan`` and one audit record. Call inside ``transaction.atomic``."""
    created: dict[str, int] = {}
    if plan.new_children:
        created = _insert_children(plan, team)
        # The children's search keys (what people.services.search_keys_bulk_index writes), with
        # COPY on PostgreSQL.
        keys = index_rows((pk, (NEW_CHILD_FIRST_NAME, ref)) for ref, pk in created.items())
        _insert(PersonSearchKey, [{"child_id": pk, "key": key} for pk, key in keys])
        first_episode: dict[str, dt.date] = {}
        for ref, values in plan.writes["Episodes"].creates:
            day = values["started_on"]
            if ref in created and (ref not in first_episode or day < first_episode[ref]):
                first_episode[ref] = day
        today = timezone.localdate()
        _insert(
            AgencyInvolvement,
            [
                {
                    "child_id": pk,
                    "agency_id": team.agency_id,
                    "started_on": first_episode.get(ref, today),
                }
                for ref, pk in created.items()
            ],
        )
        for ref, pk in created.items():
            plan.outcomes[ref].child_id = pk
    _insert(
        ReturnIdentifier,
        [
            {
                "partnership_id": plan.partnership_id,
                "child_id": pk if pk is not None else created[ref],
                "scheme": ReturnIdentifier.Scheme.SSDA903,
                "value": ref,
            }
            for ref, pk in plan.identifiers
        ],
    )
    if plan.child_updates:
        Child.objects.bulk_update(plan.child_updates, sorted(plan.child_fields), batch_size=BATCH)

    def owned(creates: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
        return [{"child_id": created.get(ref), **values} for ref, values in creates]

    _insert(CareProfile, owned(plan.profile_creates))
    if plan.profile_updates:
        CareProfile.objects.bulk_update(
            plan.profile_updates, sorted(plan.profile_fields), batch_size=BATCH
        )
    for kind in KINDS:
        writes = plan.writes.get(kind.table)
        if writes is None:
            continue
        _insert(kind.model, owned(writes.creates))
        if writes.updates:
            fields = [*kind.fields, *kind.versioned]
            kind.model._default_manager.bulk_update(
                [kind.model(**values) for values in writes.updates], fields, batch_size=BATCH
            )
    summary = plan.summary()
    after = {
        "year": summary["label"],
        "files": list(sources),
        "team": team.pk,
        "tables": summary["tables"],
        "children_created": sorted(created.values()),
        "children_updated": sorted(o.child_id or 0 for o in plan.by_action("update")),
        "unchanged": len(summary["unchanged"]),
        "refused": [o["ref"] for o in summary["refused"]],
    }
    event = audit.record(
        actor=actor,
        actor_label=actor_label,
        action=AuditAction.CREATE,
        object_type=AUDIT_TYPE,
        object_id=reference,
        object_label=f"SSDA903 {summary['label']} import",
        after=after,
        reason=f"{len(created)} children created, {len(after['children_updated'])} updated, "
        f"{len(after['refused'])} refused",
    )
    return ImportResult(summary=summary, event=event)


class PreviewOutdated(ServiceError):
    """Confirming would not do what the preview showed (the records or files changed)."""

    def __init__(self, summary: dict[str, Any]) -> None:
        super().__init__(
            "The records have changed since you previewed this import, so nothing was "
            "imported. Check the preview again before you confirm"
        )
        self.summary = summary


@dataclass
class Prepared:
    """A return read, validated and planned: what a preview shows."""

    data: Return903
    errors: list[ReadError]
    findings: list[Finding]
    plan: ImportPlan


def prepare(
    paths: Sequence[str | Path],
    year: CollectionYear,
    partnership: Partnership,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Prepared:
    """Read and validate the files and plan the import (no writes)."""
    result = read_return(paths, year, max_bytes=max_bytes)
    findings = validate(result.data).findings if result.data.tables else []
    plan = plan_import(result.data, partnership, findings)
    return Prepared(data=result.data, errors=result.errors, findings=findings, plan=plan)


def import_return(
    paths: Sequence[str | Path],
    year: CollectionYear,
    *,
    partnership: Partnership,
    team: Team,
    actor: User | None,
    actor_label: str = "",
    expected_digest: str | None = None,
    reference: str = "",
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> ImportResult:
    """Import the files: read, validate, plan and write in ONE transaction.

    Refused when a file cannot be read, or when ``expected_digest`` (the preview the user saw)
    is no longer what the import would do.
    """
    _check_team(team, partnership)
    with transaction.atomic():
        prepared = prepare(paths, year, partnership, max_bytes=max_bytes)
        if prepared.errors:
            raise ServiceError(
                "Some files cannot be read, so nothing was imported: "
                + "; ".join(str(e) for e in prepared.errors)
            )
        summary = prepared.plan.summary()
        if expected_digest is not None and summary["digest"] != expected_digest:
            raise PreviewOutdated(summary)
        return apply_plan(
            prepared.plan,
            team=team,
            actor=actor,
            actor_label=actor_label,
            sources=[Path(p).name for p in paths],
            reference=reference,
        )


# ---------------------------------------------------------------- uploads kept for the preview

UPLOAD_HOURS = 24
MAX_FILES = 12
UPLOAD_ID = re.compile(r"^[0-9a-f]{32}$")
SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def upload_root() -> Path:
    """The private folder for uploads: MEDIA_ROOT/returns903 (var/media by default), which masa
    never serves."""
    media = getattr(settings, "MEDIA_ROOT", "") or Path(settings.PROJECT_ROOT) / "var" / "media"
    return Path(media) / "returns903"


def import_teams(partnership_id: int) -> list[Team]:
    """Teams that may own imported children: the local authority's (children's social care)."""
    teams = Team.objects.filter(
        agency__partnership_id=partnership_id, agency__kind=AgencyKind.LOCAL_AUTHORITY
    ).select_related("agency")
    return list(teams.order_by("name", "pk"))


@dataclass
class Upload:
    """Files uploaded for a preview, with what reading, validating and planning them found."""

    id: str
    folder: Path
    meta: dict[str, Any]

    @property
    def year(self) -> CollectionYear:
        return CollectionYear(int(self.meta["year"]))

    @property
    def files(self) -> list[Path]:
        return [self.folder / "files" / name for name in self.meta["files"]]

    @property
    def created_at(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.meta["created_at"])

    def findings(self) -> list[Finding]:
        raw = json.loads((self.folder / "findings.json").read_text(encoding="utf-8"))
        return [
            Finding(
                table_rank=TABLE_ORDER.index(f["table"]),
                row=f["row"],
                code=f["code"],
                child=f["child"],
                table=f["table"],
                fields=tuple(f["fields"]),
                message=f["message"],
            )
            for f in raw
        ]

    def preview(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.folder / "preview.json").read_text("utf-8"))
        return data


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, default=str), encoding="utf-8")


def uploads_purge(now: dt.datetime | None = None) -> int:
    """Delete uploads older than 24 hours (and folders left half-written); returns how many."""
    root = upload_root()
    if not root.is_dir():
        return 0
    limit = (now or timezone.now()) - dt.timedelta(hours=UPLOAD_HOURS)
    removed = 0
    for folder in root.iterdir():
        if not folder.is_dir() or not UPLOAD_ID.match(folder.name):
            continue
        try:
            created = dt.datetime.fromisoformat(
                json.loads((folder / "meta.json").read_text("utf-8"))["created_at"]
            )
        except (OSError, ValueError, KeyError):
            created = dt.datetime.fromtimestamp(folder.stat().st_mtime, tz=dt.UTC)
        if created < limit:
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


def _safe_name(name: str, index: int) -> str:
    """Where an uploaded file is kept: a numbered folder holding it under its own name made
    safe (so messages name the file the user chose, and no name can leave the folder)."""
    base = SAFE_NAME.sub("_", Path(name).name).strip("._")[:80]
    return f"{index:02d}/{base or 'file'}"


def upload_save(
    *,
    actor: User,
    year: CollectionYear,
    team: Team,
    files: Sequence[UploadedFile],
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Upload:
    """Keep the uploaded files, read, validate and plan them, and store what the preview shows.

    Refused (nothing kept) when there are no files, too many, one too large or not .csv/.xml,
    or a file cannot be read as part of the return (the reader's message says why).
    """
    partnership = actor.agency.partnership if actor.agency else None
    if partnership is None:
        raise ServiceError("Only a member of an agency can import a return")
    _check_team(team, partnership)
    if not files:
        raise ServiceError("Choose the return's CSV files or its XML file", "uploads")
    if len(files) > MAX_FILES:
        raise ServiceError(f"Choose at most {MAX_FILES} files", "uploads")
    for upload in files:
        name = upload.name or "file"
        if Path(name).suffix.lower() not in (".csv", ".xml"):
            raise ServiceError(f"{name} is not a .csv or .xml file", "uploads")
        if (upload.size or 0) > max_bytes:
            raise ServiceError(
                f"{name} is over the {max_bytes // 1_048_576} MB limit for one file", "uploads"
            )
    uploads_purge()
    upload_id = secrets.token_hex(16)
    folder = upload_root() / upload_id
    (folder / "files").mkdir(parents=True, mode=0o700)
    try:
        names = []
        for index, upload in enumerate(files, start=1):
            name = _safe_name(upload.name or "file", index)
            (folder / "files" / name).parent.mkdir(mode=0o700)
            with (folder / "files" / name).open("wb") as handle:
                for piece in upload.chunks():
                    handle.write(piece)
            names.append(name)
        paths = [folder / "files" / n for n in names]
        prepared = prepare(paths, year, partnership, max_bytes=max_bytes)
        if prepared.errors:
            raise ServiceError(
                " ".join(f"{e.source} {e.message}." for e in prepared.errors), "uploads"
            )
        meta = {
            "id": upload_id,
            "owner": actor.pk,
            "partnership": partnership.pk,
            "year": year.year,
            "team": team.pk,
            "created_at": timezone.now().isoformat(),
            "files": names,
            "tables": {
                table: {"rows": frame.height, "file": prepared.data.sources[table]}
                for table, frame in prepared.data.tables.items()
            },
            "notes": prepared.data.notes,
            "children": prepared.data.children(),
        }
        _write_json(
            folder / "findings.json",
            [
                {
                    "child": f.child,
                    "table": f.table,
                    "row": f.row,
                    "fields": list(f.fields),
                    "code": f.code,
                    "message": f.message,
                }
                for f in prepared.findings
            ],
        )
        _write_json(folder / "preview.json", prepared.plan.summary())
        _write_json(folder / "meta.json", meta)  # last: a folder without it is half-written
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return Upload(id=upload_id, folder=folder, meta=meta)


def upload_get(actor: User, upload_id: str) -> Upload:
    """The user's own upload, not expired; anyone else's (or none) is the same 404."""
    if not UPLOAD_ID.match(upload_id):
        raise Http404("No such upload")
    folder = upload_root() / upload_id
    try:
        meta = json.loads((folder / "meta.json").read_text("utf-8"))
    except (OSError, ValueError):
        raise Http404("No such upload") from None
    upload = Upload(id=upload_id, folder=folder, meta=meta)
    expired = upload.created_at < timezone.now() - dt.timedelta(hours=UPLOAD_HOURS)
    if meta.get("owner") != actor.pk or meta.get("partnership") != actor.partnership_id or expired:
        raise Http404("No such upload")
    return upload


def uploads_of(actor: User) -> list[Upload]:
    """The user's uploads awaiting confirmation, newest first."""
    root = upload_root()
    found = []
    if root.is_dir():
        for folder in root.iterdir():
            try:
                found.append(upload_get(actor, folder.name))
            except Http404:
                continue
    return sorted(found, key=lambda u: u.created_at, reverse=True)


def upload_confirm(*, actor: User, upload_id: str) -> ImportResult:
    """Import an upload the user previewed: the same plan or nothing; then delete the files."""
    upload = upload_get(actor, upload_id)
    partnership = Partnership.objects.get(pk=upload.meta["partnership"])
    team = Team.objects.select_related("agency").filter(pk=upload.meta["team"]).first()
    if team is None:
        raise ServiceError("The team chosen to own the children no longer exists")
    try:
        result = import_return(
            upload.files,
            upload.year,
            partnership=partnership,
            team=team,
            actor=actor,
            expected_digest=upload.preview()["digest"],
            reference=upload.id,
        )
    except PreviewOutdated as outdated:
        _write_json(upload.folder / "preview.json", outdated.summary)  # what it would do now
        raise
    transaction.on_commit(lambda: shutil.rmtree(upload.folder, ignore_errors=True))
    return result


def upload_discard(*, actor: User, upload_id: str) -> None:
    upload = upload_get(actor, upload_id)
    shutil.rmtree(upload.folder, ignore_errors=True)


__all__ = [
    "CHUNK",
    "ImportPlan",
    "ImportResult",
    "Incoming",
    "Prepared",
    "Upload",
    "apply_plan",
    "import_return",
    "import_teams",
    "plan_import",
    "prepare",
    "read_children",
    "upload_confirm",
    "upload_get",
    "upload_save",
    "uploads_of",
    "uploads_purge",
]
