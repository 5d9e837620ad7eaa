"""Writes for missing children: a missing or away-from-placement episode is reported, the child
returns, and a return home interview is offered, accepted or declined, and held.

Any child may go missing, looked after or not; "away from placement without authorisation" applies
only to a looked-after child (shared/domain/glossary.md). Every service checks that times are not
in the future and are in order (the return after the start, the interview after the return), that
one child's episodes do not overlap, then runs the DfE's 903 rules on the child
(``masa.care.checks``) and refuses when a finding is about the episode saved. Each writes an audit
record with the values before and after and a chronology line ("significant event", the closest
existing type). The return home interview clock (72 hours from the return) is derived, never
stored: ``masa.care.selectors_missing.rhi_clock``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from masa.core import audit
from masa.core.models import Agency, AgencyKind, AuditAction, User
from masa.core.permissions import Permission
from masa.core.presenters import govuk_datetime
from masa.core.services import ServiceError
from masa.journey.models import EventType, Significance
from masa.journey.services import check_version, chronology_record, open_case_for
from masa.people.models import Child

from . import checks
from .models import Episode, MissingEpisode, MissingKind
from .patterns import normalise_text

MISSING_EPISODE = "missing_episode"  # audit object type
MAX_ASSOCIATES = 20
MAX_ASSOCIATE_LENGTH = 100

# Who reads the chronology lines: police (who search for missing children), health and schools
# learn that the child went missing and came back; interviews are shared with the police only.
EPISODE_AUDIENCE = (AgencyKind.POLICE, AgencyKind.HEALTH, AgencyKind.SCHOOL)
RHI_AUDIENCE = (AgencyKind.POLICE,)

EPISODE_FIELDS = (
    "kind",
    "started_at",
    "ended_at",
    "reported_by_agency",
    "police_reference",
    "last_seen_location",
    "found_location",
    "associates",
    "exploitation_concern",
    "rhi_offered_at",
    "rhi_accepted",
    "rhi_held_on",
    "rhi_outcome",
)

# 903 Missing fields -> the form field a finding is shown on.
FINDING_FIELDS = {"MISSING": "kind", "MIS_START": "started_at", "MIS_END": "ended_at"}


def now() -> dt.datetime:
    return timezone.now()


# ---------------------------------------------------------------- checks shared by the services


def _may_record(actor: User) -> None:
    if not actor.has_masa_permission(Permission.RECORD_MISSING):
        raise ServiceError("You cannot record missing episodes")


def _not_future(value: dt.datetime | None, field: str, label: str) -> None:
    if value is not None and value > now():
        raise ServiceError(f"{label} must be now or in the past", field)


def clean_associates(names: list[str]) -> list[str]:
    """Associates as written, one per entry, without blanks or repeats (ignoring case and
    spacing), so the pattern analysis can match them across children."""
    kept: list[str] = []
    seen: set[str] = set()
    for name in names:
        text = " ".join(name.split())
        if not text:
            continue
        if len(text) > MAX_ASSOCIATE_LENGTH:
            raise ServiceError(
                f"Each associate must be {MAX_ASSOCIATE_LENGTH} characters or fewer "
                f"('{text[:30]}...' is longer)",
                "associates",
            )
        key = normalise_text(text)
        if key not in seen:
            seen.add(key)
            kept.append(text)
    if len(kept) > MAX_ASSOCIATES:
        raise ServiceError(f"Enter {MAX_ASSOCIATES} associates or fewer", "associates")
    return kept


def _looked_after_on(child: Child, day: dt.date) -> bool:
    return Episode.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=day), child=child, started_on__lte=day
    ).exists()


def _check_overlap(
    child: Child, started_at: dt.datetime, ended_at: dt.datetime | None, exclude: int | None
) -> None:
    """One child cannot be missing twice at once: refuse an episode that overlaps another."""
    others = MissingEpisode.objects.filter(child=child)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    overlapping = others.filter(Q(ended_at__isnull=True) | Q(ended_at__gt=started_at))
    if ended_at is not None:
        overlapping = overlapping.filter(started_at__lt=ended_at)
    clash = overlapping.order_by("started_at").first()
    if clash is None:
        return
    if clash.ended_at is None:
        raise ServiceError(
            f"{child.full_name} is already recorded as missing from "
            f"{govuk_datetime(clash.started_at)} and has not returned. Record that return first",
            "started_at",
        )
    raise ServiceError(
        "This overlaps another episode for "
        f"{child.full_name}, from {govuk_datetime(clash.started_at)} to "
        f"{govuk_datetime(clash.ended_at)}. One child's episodes cannot overlap",
        "started_at" if exclude is None else "ended_at",
    )


def _row_of(episode: MissingEpisode) -> int:
    """The episode's 1-based row among the child's missing records in date order (903 Missing)."""
    ids = list(
        MissingEpisode.objects.filter(child_id=episode.child_id)
        .order_by("started_at", "pk")
        .values_list("pk", flat=True)
    )
    return ids.index(episode.pk) + 1


def _run_903_rules(child: Child, episode: MissingEpisode) -> None:
    findings = checks.findings_for_child(child, today=timezone.localdate())
    row = _row_of(episode) if findings else 0
    for finding in findings:
        if finding.table == "Missing" and finding.row == row:
            field = next((FINDING_FIELDS[f] for f in finding.fields if f in FINDING_FIELDS), None)
            raise ServiceError(f"{finding.message} (DfE rule {finding.code})", field)


def _check_return(episode_start: dt.datetime, ended_at: dt.datetime | None) -> None:
    if ended_at is None:
        return
    _not_future(ended_at, "ended_at", "The time the child returned")
    if ended_at <= episode_start:
        raise ServiceError(
            "The time the child returned must be after the time they went missing "
            f"({govuk_datetime(episode_start)})",
            "ended_at",
        )


@dataclass(frozen=True)
class _Key:
    """The chronology key of a second dated event of one episode (its return, its interview)."""

    label_lower: str


@dataclass(frozen=True)
class _Event:
    _meta: _Key
    pk: int

    @classmethod
    def of(cls, episode: MissingEpisode, event: str) -> _Event:
        return cls(_Key(f"{episode._meta.label_lower}.{event}"), episode.pk)


def _audit(
    actor: User,
    episode: MissingEpisode,
    action: AuditAction,
    before: dict | None = None,
    reason: str = "",
) -> None:
    audit.record(
        actor=actor,
        action=action,
        object_type=MISSING_EPISODE,
        object_id=episode.pk,
        object_label=f"{episode.get_kind_display()} episode for {episode.child.full_name}",
        child_id=episode.child_id,
        before=before,
        after=audit.snapshot(episode, EPISODE_FIELDS),
        reason=reason,
    )


def _local_date(value: dt.datetime) -> dt.date:
    return timezone.localtime(value).date()


def _hours(started_at: dt.datetime, ended_at: dt.datetime) -> str:
    hours = (ended_at - started_at).total_seconds() / 3600
    if hours < 1:
        return "under an hour"
    whole = int(hours)
    return f"{whole} hour{'' if whole == 1 else 's'}"


def _returned_line(actor: User, episode: MissingEpisode) -> None:
    assert episode.ended_at is not None
    what = "missing" if episode.kind == MissingKind.MISSING else "away from placement"
    chronology_record(
        actor=actor,
        child=episode.child,
        case=open_case_for(episode.child),
        occurred_on=_local_date(episode.ended_at),
        event_type=EventType.MISSING,
        summary=f"Returned after being {what} for {_hours(episode.started_at, episode.ended_at)}",
        significance=Significance.MEDIUM,
        audience=EPISODE_AUDIENCE,
        record=_Event.of(episode, "return"),
    )


# ---------------------------------------------------------------- reporting


def missing_reported(
    *,
    actor: User,
    child: Child,
    kind: str,
    started_at: dt.datetime,
    last_seen_location: str,
    reported_by_agency: Agency | None,
    police_reference: str = "",
    associates: list[str] | None = None,
    exploitation_concern: bool = False,
    ended_at: dt.datetime | None = None,
    found_location: str = "",
) -> MissingEpisode:
    """A child is reported missing (or away from placement). An episode already over when it is
    recorded may be given its return time too."""
    _may_record(actor)
    if kind not in MissingKind.values:
        raise ServiceError("Select whether the child is missing or away from placement", "kind")
    _not_future(started_at, "started_at", "The time the child went missing")
    if child.date_of_birth is not None and _local_date(started_at) < child.date_of_birth:
        raise ServiceError(
            "The time the child went missing must be after their date of birth", "started_at"
        )
    _check_return(started_at, ended_at)
    if ended_at is None and found_location.strip():
        raise ServiceError(
            "Enter the time the child returned, or leave where they were found empty", "ended_at"
        )
    if reported_by_agency is not None and reported_by_agency.partnership_id != child.partnership_id:
        raise ServiceError("Select an agency of this partnership", "reported_by_agency")
    if kind == MissingKind.AWAY and not _looked_after_on(child, _local_date(started_at)):
        raise ServiceError(
            "Away from placement without authorisation is only for a looked-after child. "
            f"{child.full_name} was not looked after then: record them as missing",
            "kind",
        )
    names = clean_associates(associates or [])
    with transaction.atomic():
        Child.objects.select_for_update().filter(pk=child.pk).first()  # one report at a time
        _check_overlap(child, started_at, ended_at, exclude=None)
        episode = MissingEpisode.objects.create(
            child=child,
            kind=kind,
            started_at=started_at,
            ended_at=ended_at,
            reported_by_agency=reported_by_agency,
            police_reference=police_reference.strip(),
            last_seen_location=last_seen_location.strip(),
            found_location=found_location.strip(),
            associates=names,
            exploitation_concern=exploitation_concern,
            recorded_by=actor,
        )
        _run_903_rules(child, episode)
        what = (
            "Reported missing"
            if kind == MissingKind.MISSING
            else ("Away from placement without authorisation")
        )
        chronology_record(
            actor=actor,
            child=child,
            case=open_case_for(child),
            occurred_on=_local_date(started_at),
            event_type=EventType.MISSING,
            summary=what,
            significance=Significance.HIGH,
            audience=EPISODE_AUDIENCE,
            record=episode,
        )
        if ended_at is not None:
            _returned_line(actor, episode)
        _audit(actor, episode, AuditAction.CREATE)
    return episode


# ---------------------------------------------------------------- the return


def missing_returned(
    *,
    actor: User,
    episode: MissingEpisode,
    version: int | None,
    ended_at: dt.datetime,
    found_location: str,
    associates: list[str],
    exploitation_concern: bool,
) -> MissingEpisode:
    """The child is back (or found): the episode ends, and what was learnt is added."""
    _may_record(actor)
    names = clean_associates(associates)
    with transaction.atomic():
        check_version(MissingEpisode, episode.pk, version)
        episode.refresh_from_db()
        if episode.ended_at is not None:
            raise ServiceError(
                f"The return is already recorded ({govuk_datetime(episode.ended_at)})", "ended_at"
            )
        _check_return(episode.started_at, ended_at)
        _check_overlap(episode.child, episode.started_at, ended_at, exclude=episode.pk)
        before = audit.snapshot(episode, EPISODE_FIELDS)
        episode.ended_at = ended_at
        episode.found_location = found_location.strip()
        episode.associates = names
        episode.exploitation_concern = exploitation_concern
        episode.save(
            update_fields=["ended_at", "found_location", "associates", "exploitation_concern"]
        )
        _run_903_rules(episode.child, episode)
        _returned_line(actor, episode)
        _audit(actor, episode, AuditAction.UPDATE, before)
    return episode


# ---------------------------------------------------------------- return home interview


def return_interview_recorded(
    *,
    actor: User,
    episode: MissingEpisode,
    version: int | None,
    offered_at: dt.datetime,
    accepted: bool | None,
    held_on: dt.date | None,
    outcome: str,
) -> MissingEpisode:
    """The return home interview: when it was offered, whether the child accepted, when it was
    held and what was learnt. Recorded in steps: each save may add to the last."""
    _may_record(actor)
    outcome = outcome.strip()
    with transaction.atomic():
        check_version(MissingEpisode, episode.pk, version)
        episode.refresh_from_db()
        if episode.ended_at is None:
            raise ServiceError(
                "Record the child's return first: an interview is offered after the return",
                "offered_at",
            )
        _not_future(offered_at, "offered_at", "The time the interview was offered")
        if offered_at < episode.ended_at:
            raise ServiceError(
                "The interview must be offered after the child returned "
                f"({govuk_datetime(episode.ended_at)})",
                "offered_at",
            )
        if held_on is not None:
            if accepted is not True:
                raise ServiceError(
                    "An interview can be held only if the child accepted it: select 'Yes' or "
                    "leave the date it was held empty",
                    "accepted",
                )
            if held_on > timezone.localdate():
                raise ServiceError("The date the interview was held must be today or in the past",
                                   "held_on")  # fmt: skip
            if held_on < _local_date(offered_at):
                raise ServiceError(
                    "The interview cannot be held before it was offered "
                    f"({govuk_datetime(offered_at)})",
                    "held_on",
                )
        if accepted is False and outcome == "":
            raise ServiceError(
                "Enter why the child declined, and what else was done to hear from them",
                "outcome",
            )
        before = audit.snapshot(episode, EPISODE_FIELDS)
        first_offer = episode.rhi_offered_at is None
        newly_held = held_on is not None and episode.rhi_held_on is None
        episode.rhi_offered_at = offered_at
        episode.rhi_accepted = accepted
        episode.rhi_held_on = held_on
        episode.rhi_outcome = outcome
        episode.save(update_fields=["rhi_offered_at", "rhi_accepted", "rhi_held_on", "rhi_outcome"])
        if first_offer:
            chronology_record(
                actor=actor,
                child=episode.child,
                case=open_case_for(episode.child),
                occurred_on=_local_date(offered_at),
                event_type=EventType.MISSING,
                summary="Return home interview offered",
                significance=Significance.LOW,
                audience=RHI_AUDIENCE,
                record=_Event.of(episode, "rhi_offered"),
            )
        if newly_held:
            assert held_on is not None
            chronology_record(
                actor=actor,
                child=episode.child,
                case=open_case_for(episode.child),
                occurred_on=held_on,
                event_type=EventType.MISSING,
                summary="Return home interview held",
                significance=Significance.MEDIUM,
                audience=RHI_AUDIENCE,
                record=_Event.of(episode, "rhi_held"),
            )
        _audit(actor, episode, AuditAction.UPDATE, before)
    return episode
