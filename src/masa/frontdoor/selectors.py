"""Reads for the front door, always through the child's scope for the asking user.

Contacts are screening records: children's social care and MASH practitioners see every contact
about a child they can see; other practitioners see the contacts their own agency made (as the
chronology shows contact lines only to social care and the agency that made the contact).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from masa.core.calendar import (
    Clock,
    ClockState,
    WorkingDayCalendar,
    add_months,
    compute_clock,
    working_day_calendar,
)
from masa.core.models import User
from masa.core.permissions import Permission
from masa.journey.clocks import rules_for_partnership
from masa.journey.models import EventType, Stage
from masa.journey.services import open_case_for
from masa.journey.visibility import require_agency_may_read
from masa.people.selectors import children_visible_to

from .models import AgencyCheck, Contact, Referral, ThresholdDecision

CONTACT_CLOCK = "contact_decision"
RE_REFERRAL_MONTHS = 12
D = ThresholdDecision


def sees_all_contacts(user: User) -> bool:
    """Children's social care and the MASH see every contact about children in their scope."""
    return user.has_masa_permission(Permission.ADD_AGENCY_CHECKS) or user.in_childrens_social_care


def contacts_visible_to(user: User) -> QuerySet[Contact]:
    contacts = Contact.objects.filter(child__in=children_visible_to(user))
    if not sees_all_contacts(user):
        contacts = contacts.filter(Q(source_agency_id=user.agency_id) | Q(recorded_by=user))
    return contacts


def contact_for_user(user: User, contact_id: int) -> Contact:
    """The contact if the user may see it; otherwise the same 404 as a missing contact."""
    contact = (
        contacts_visible_to(user)
        .filter(pk=contact_id)
        .select_related(
            "child",
            "child__owning_team",
            "case",
            "source_agency",
            "recorded_by",
            "decided_by",
        )
        .first()
    )
    if contact is None:
        raise Http404("No contact found")
    return contact


def check_text_visible(user: User, check: AgencyCheck) -> bool:
    """An agency's check is read by children's social care and by the agency that wrote it."""
    if user.agency is None:
        return False
    return user.in_childrens_social_care or user.agency_id == check.agency_id


def agency_checks(contact: Contact) -> QuerySet[AgencyCheck]:
    return contact.agency_checks.select_related("agency", "recorded_by")


# ---------------------------------------------------------------- clocks


def contact_received_on(contact: Contact) -> dt.date:
    return timezone.localdate(contact.received_at)


def contact_clock(contact: Contact, calendar: WorkingDayCalendar | None = None) -> Clock:
    """The 1-working-day decision clock, under the partnership's own rule if it set one."""
    rule = rules_for_partnership(contact.case.partnership_id)[CONTACT_CLOCK]
    return compute_clock(rule, contact_received_on(contact), calendar or working_day_calendar())


@dataclass(frozen=True)
class ContactRow:
    contact: Contact
    clock: Clock
    state: ClockState
    checks: int

    @property
    def overdue(self) -> bool:
        return self.state in (ClockState.OVERDUE, ClockState.MISSED)


def front_door_list(
    user: User,
    *,
    today: dt.date,
    status: str = "awaiting",
    rag: str = "",
    limit: int = 500,
) -> list[ContactRow]:
    """Contacts for the front door list, overdue first then soonest due.

    A constant number of queries whatever the number of contacts: one for the contacts (with
    their child and check count), one for the partnership's rules, the calendar from its cache.
    """
    contacts = contacts_visible_to(user)
    if status == "awaiting":
        contacts = contacts.filter(decision="")
    elif status == "decided":
        contacts = contacts.exclude(decision="")
    if rag == "none":
        contacts = contacts.filter(rag="")
    elif rag:
        contacts = contacts.filter(rag=rag)
    rows = list(
        contacts.select_related("child", "source_agency")
        .annotate(check_count=Count("agency_checks"))
        .order_by("-received_at", "-id")[:limit]
    )
    rule = rules_for_partnership(user.partnership_id)[CONTACT_CLOCK]
    calendar = working_day_calendar()
    memo: dict[dt.date, Clock] = {}
    found = []
    for contact in rows:
        start = contact_received_on(contact)
        if start not in memo:
            memo[start] = compute_clock(rule, start, calendar)
        clock = memo[start]
        state = clock.state(today, done_on=contact.decided_on)
        found.append(ContactRow(contact, clock, state, contact.check_count))
    found.sort(key=lambda row: (not row.overdue, row.clock.due, row.contact.received_at))
    return found


# ---------------------------------------------------------------- the threshold decision


SCREENING_DECISIONS = [
    D.NO_FURTHER_ACTION,
    D.INFORMATION_ADVICE,
    D.EARLY_HELP,
    D.REFERRAL,
    D.STRATEGY_NOW,
]


# A child in early help may be stepped up by a contact: the stage table allows early help to
# referral and to strategy.
STEP_UP_DECISIONS = [D.OPEN_CASE, D.REFERRAL, D.STRATEGY_NOW]


def decision_choices(contact: Contact) -> list[ThresholdDecision]:
    """The decisions open on a contact, from where its child's work stands now.

    A contact about a child whose case is already past screening is passed to the allocated
    worker, or, in early help, to the lead professional unless it steps the child up; one whose
    case was closed by another contact's decision is screened afresh.
    """
    case = contact.case
    if case.stage == Stage.CONTACT:
        return list(SCREENING_DECISIONS)
    current = case if case.is_open else open_case_for(contact.child)
    if current is None:
        return list(SCREENING_DECISIONS)
    if current.stage == Stage.EARLY_HELP:
        return list(STEP_UP_DECISIONS)
    return [D.OPEN_CASE]


def decision_options(contact: Contact) -> list[tuple[str, str]]:
    """The decisions as the form offers them: in early help the open case has a lead
    professional rather than an allocated worker."""
    choices = decision_choices(contact)
    in_early_help = D.REFERRAL in choices and D.OPEN_CASE in choices
    return [
        (
            d.value,
            "Passed to the lead professional" if in_early_help and d == D.OPEN_CASE else d.label,
        )
        for d in choices
    ]


def continuum_levels(partnership_id: int) -> list[tuple[str, str]]:
    from masa.journey.services import practice_settings

    levels = practice_settings(partnership_id).continuum_levels
    return [(str(level["code"]), str(level["name"])) for level in levels]


# ---------------------------------------------------------------- referrals


def previous_referral(
    child_id: int, referral_date: dt.date, *, exclude_pk: int | None = None
) -> Referral | None:
    """The child's latest earlier referral if it was within 12 months before ``referral_date``.

    DfE: a re-referral is a referral within 12 months of a previous referral for the same child
    (shared/domain/indicators.md). The 12 months are calendar months counted forward from the
    previous referral as day 0, and a referral on the last day is still within them (the
    calendar-month rule of timescales.md): after a referral on 23 November 2025, one on
    23 November 2026 is a re-referral and one on 24 November 2026 is not. Only the latest earlier
    referral matters: if it is more than 12 months before, every earlier one is too.
    """
    earlier = Referral.objects.filter(child_id=child_id, referral_date__lte=referral_date)
    if exclude_pk is not None:
        # A referral on the same day counts as previous only if it was recorded first.
        earlier = earlier.exclude(pk=exclude_pk).exclude(
            referral_date=referral_date, pk__gt=exclude_pk
        )
    latest = earlier.order_by("-referral_date", "-pk").first()
    if latest is None:
        return None
    if referral_date <= add_months(latest.referral_date, RE_REFERRAL_MONTHS):
        return latest
    return None


def is_re_referral(referral: Referral) -> bool:
    return (
        previous_referral(referral.child_id, referral.referral_date, exclude_pk=referral.pk)
        is not None
    )


def referral_for_user(user: User, referral_id: int) -> Referral:
    referral = (
        Referral.objects.filter(pk=referral_id, child__in=children_visible_to(user))
        .select_related("child", "case", "contact", "recorded_by")
        .first()
    )
    if referral is None:
        raise Http404("No referral found")
    # Same 404 for an agency whose kind does not read referrals (the chronology's sharing table).
    require_agency_may_read(user, EventType.REFERRAL)
    return referral


def referrals_for_case(case_id: int) -> QuerySet[Referral]:
    return Referral.objects.filter(case_id=case_id)
