"""Writes for meeting packs: assembling the papers, agencies' reports and who had them when.

The pack holds one report per agency; the plan and the latest assessment are read from their
records when the pack is shown or printed. Each share records the date the papers reached an
attendee or the family; ``selectors.pack_status`` flags those later than the local rule. A pack
is assembled, added to and shared while the conference is scheduled, so the papers reach people
before the meeting; not once the conference has been cancelled.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from masa.core import audit
from masa.core.models import Agency, AuditAction, User
from masa.core.presenters import govuk_date
from masa.core.services import ServiceError, StaleVersion, refuse_future_date
from masa.journey.services import check_version

from .models import AgencyReport, Conference, MeetingPack, PackShare

PACK = "meeting_pack"


def _audit_each_child(
    *,
    actor: User,
    action: AuditAction,
    conference: Conference,
    what: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    for subject in conference.subjects.select_related("child"):
        audit.record(
            actor=actor,
            action=action,
            object_type=PACK,
            object_id=conference.pk,
            object_label=f"{what} for {subject.child.full_name}",
            child_id=subject.child_id,
            before=before,
            after=after,
        )


def check_not_cancelled(conference: Conference) -> None:
    if conference.is_cancelled:
        raise ServiceError(
            f"The conference scheduled for {govuk_date(conference.meeting_on)} was cancelled on "
            f"{govuk_date(conference.cancelled_on)}: its papers can no longer be changed or shared"
        )


def pack_assemble(*, actor: User, conference: Conference) -> MeetingPack:
    """The conference's pack (created on first use; assembling again changes nothing)."""
    check_not_cancelled(conference)
    with transaction.atomic():
        pack, created = MeetingPack.objects.get_or_create(
            conference=conference, defaults={"assembled_by": actor}
        )
        if created:
            _audit_each_child(
                actor=actor,
                action=AuditAction.CREATE,
                conference=conference,
                what=f"Meeting pack for the {conference.get_kind_display().lower()}",
            )
    return pack


def agency_report_submit(
    *, actor: User, conference: Conference, report: str, version: int | None = None
) -> AgencyReport:
    """The actor's agency's report for the pack; a later report replaces it (audited).

    ``version`` is the report's version the writer started from (0: there was no report yet);
    if a colleague at the same agency saved first, the report is refused with ``StaleVersion``
    rather than silently replaced. None skips the check (service callers with no form)."""
    check_not_cancelled(conference)
    if actor.agency is None:
        raise ServiceError("Only people working for an agency can submit an agency report")
    text = report.strip()
    if not text:
        raise ServiceError(f"Enter {actor.agency.name}'s report for the conference", "report")
    with transaction.atomic():
        pack = pack_assemble(actor=actor, conference=conference)
        existing = (
            AgencyReport.objects.select_for_update().filter(pack=pack, agency=actor.agency).first()
        )
        before = (
            {
                "author": existing.author_id,
                "submitted_at": existing.submitted_at.isoformat(),
                "report": existing.report[:500],
            }
            if existing
            else None
        )
        fields = {"author": actor, "submitted_at": timezone.now(), "report": text}
        if existing is None:
            if version:
                raise StaleVersion()  # the report the writer started from has gone
            try:
                with transaction.atomic():
                    saved = AgencyReport.objects.create(pack=pack, agency=actor.agency, **fields)
            except IntegrityError:
                # A colleague at the same agency added the report first.
                raise StaleVersion() from None
        else:
            check_version(
                AgencyReport, existing.pk, existing.version if version is None else version
            )
            AgencyReport.objects.filter(pk=existing.pk).update(**fields)
            saved = AgencyReport.objects.get(pk=existing.pk)
        _audit_each_child(
            actor=actor,
            action=AuditAction.UPDATE if existing else AuditAction.CREATE,
            conference=conference,
            what=f"{actor.agency.name}'s report to the conference",
            before=before,
            after={"author": actor.pk, "report": text[:500]},
        )
    return saved


def pack_share_record(
    *,
    actor: User,
    conference: Conference,
    recipient: str,
    is_family: bool,
    agency: Agency | None,
    shared_on: dt.date,
) -> PackShare:
    """Record that the papers were shared with one attendee, or with the family, on a date
    (before or after the conference: a share after it is shown as such)."""
    check_not_cancelled(conference)
    name = recipient.strip()
    if not name:
        raise ServiceError("Enter the name of the person the papers were shared with", "recipient")
    if not is_family:
        if agency is None:
            raise ServiceError(
                "Select the agency of the person the papers were shared with", "agency"
            )
        if agency.partnership_id != actor.partnership_id:
            raise ServiceError("Select an agency in this partnership", "agency")
    refuse_future_date(shared_on, field="shared_on", label="The date the papers were shared")
    with transaction.atomic():
        pack = pack_assemble(actor=actor, conference=conference)
        share = PackShare.objects.create(
            pack=pack,
            recipient=name,
            agency=None if is_family else agency,
            is_family=is_family,
            shared_on=shared_on,
            recorded_by=actor,
        )
        _audit_each_child(
            actor=actor,
            action=AuditAction.CREATE,
            conference=conference,
            what="Meeting pack shared",
            after={
                "recipient": name,
                "family": is_family,
                "agency": agency.pk if agency and not is_family else None,
                "shared_on": shared_on.isoformat(),
            },
        )
    return share
