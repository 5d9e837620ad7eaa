"""Which parts of a child's casework each agency may read (issue 4, "Who sees what").

Children's social care sees every record of a child in its scope. Another agency sees a record
page only where that kind of record is shared with its kind of agency, by the same table that
decides who reads each chronology line (``services.DEFAULT_AUDIENCE``), so the chronology and the
record pages never disagree. Anything else answers exactly as a missing record (404).
"""

from __future__ import annotations

from django.http import Http404

from masa.core.models import User

from .models import EventType
from .services import DEFAULT_AUDIENCE


def agency_may_read(user: User, event_type: EventType) -> bool:
    if user.agency is None:
        return False
    return user.in_childrens_social_care or user.agency.kind in DEFAULT_AUDIENCE[event_type]


def require_agency_may_read(user: User, event_type: EventType) -> None:
    if not agency_may_read(user, event_type):
        raise Http404("No record found")


def sees_case_management(user: User) -> bool:
    """The case page (stage history, allocation, oversight) is children's social care's record."""
    return user.in_childrens_social_care


# The kind of record each clock belongs to: a deadline is shown to an agency only where that
# agency may read the record it is about (a police officer does not learn of a pending contact).
CLOCK_RECORD: dict[str, EventType] = {
    "contact_decision": EventType.CONTACT,
    "assessment": EventType.ASSESSMENT,
    "assessment_dfe": EventType.ASSESSMENT,
    "strategy": EventType.STRATEGY,
    "icpc": EventType.CONFERENCE,
    "icpc_dfe": EventType.CONFERENCE,
    "core_group_first": EventType.CORE_GROUP,
    "core_group_next": EventType.CORE_GROUP,
    "review_conference_first": EventType.CONFERENCE,
    "review_conference_next": EventType.CONFERENCE,
    "cp_visit": EventType.VISIT,
    "cin_review": EventType.CIN_PLAN,
    "early_help_assessment": EventType.EARLY_HELP,
    "early_help_review": EventType.EARLY_HELP,
    "conference_papers": EventType.CONFERENCE,
}


def agency_may_read_clock(user: User, code: str) -> bool:
    return agency_may_read(user, CLOCK_RECORD.get(code, EventType.OVERSIGHT))
