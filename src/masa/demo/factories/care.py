"""Children looked after, care leavers, missing children, exploitation, LADO and private fostering.

Builds, on top of the journeys the ``journey`` domain wrote, the care histories of Northbury's
children as the services in ``masa.care`` would have recorded them, in the DfE's SSDA903 terms:
periods of care made of episodes (legal status, placement, provider, carer, postcodes), CLA reviews,
health assessments and education plans, OC2 outcomes, adoption decisions and matches, previous
permanence, social worker episodes, pathway plans and OC3 contact for care leavers, missing
episodes with return home interviews, exploitation screenings and MACE meetings, LADO allegations
and private fostering. It also holds the demo's postcode centroids (computed from the postcode
itself, so a postcode is always in the same place) and the register of carers and providers.

Shape (borough size; Wigan 2023-24 section 2e and the 2017/18 core data: 66 to 75 children looked
after per 10,000, and the borough has ~65,000 under-18s): about 600 children looked after on the
reference date and about 250 starting and ceasing a year (the journey domain's children who
"became looked after"); about one placement in six with family and friends; most children placed
in or near the borough, some 10 to 80 miles away, and a few whose placement postcode masa cannot
locate; reviews, health assessments and education plans mostly on time, some late; about 80 LADO
allegations a year; a handful of private fostering arrangements.

Where care comes from. The journey domain closes a child's case with "Child became looked after"
when a child protection path ends in care; each of those is a period of care here, from that day:
the case moves to "Looked after" instead of closing, and closes (or stays open) when care ceases.
Care ends before the child's next case opened and before the local authority's involvement ended.
Where that leaves fewer children in care than the size asks for, today or on the last few
31 Marches, children whose child in need plan ended (or is still open) become looked after
instead, that day or in the days since the plan's last record: the plan ends "because the child
became looked after", sibling groups together, and those still in care today move to the
Children in Care Team. Stays that cover several short years are chosen first, so about as many
children start and cease care each year as the stock implies (about 0.4 of it, as nationally).

Episodes follow the 903 rules as the DfE's rules in ``masa.returns.ssda903`` check them, year by
year: codes valid for every year an episode spans (H5 gives way to K3 on 1 April 2024, so a young
person in semi-independent accommodation then gets a new K3 episode with the reason "PLACE"; E43
and E44 give way to E45-E48 in 2018/19), a reason for every change between non-temporary
placements, no overlaps, every episode at least a day long.

The demo's people are 0 to 17 on the reference date (the people domain), so nobody here has
turned 18: care leavers are 16- and 17-year-olds who left care (relevant children) with pathway
plans and contact around their 17th birthday; nobody is staying put yet.

Every draw comes from the domain's ``random.Random`` in a fixed order. Rows are written in bulk
with ids given here (``journey._Writer``); the journey rows this changes (cases, stage moves,
closure lines, child in need plans, referrals) are updated set-based.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import zlib
import zoneinfo
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Max, QuerySet

from masa.care import codes as dfe
from masa.care.clocks import CARE_RULES
from masa.care.models import (
    AdoptionDecision,
    AdoptionMatch,
    AnnualOutcomes,
    CareLeaverContact,
    CareProfile,
    Carer,
    CareReview,
    CarerKind,
    Episode,
    ExploitationLink,
    ExploitationScreening,
    HealthAndEducationEvent,
    HealthEventKind,
    LadoAllegation,
    LadoMeeting,
    LadoOutcome,
    MaceMeeting,
    MissingEpisode,
    MissingKind,
    PathwayPlan,
    PostcodeCentroid,
    PreviousPermanence,
    PrivateFostering,
    PrivateFosteringVisit,
    ReturnIdentifier,
    SocialWorkerEpisode,
    StayingPut,
)
from masa.care.returns903 import care_leavers
from masa.care.services_looked_after import CLOSURE_FOR_REASON_CEASED
from masa.core.calendar import Clock, add_months, compute_clock, working_day_calendar
from masa.core.models import Partnership, User
from masa.demo.accounts import LA
from masa.frontdoor.models import ReasonForClosure, Referral
from masa.journey.models import (
    Allocation,
    Case,
    CaseTransition,
    ChronologyEntry,
    EventType,
    Significance,
    Stage,
)
from masa.journey.services import DEFAULT_AUDIENCE, audience_text
from masa.journey.transitions import is_allowed
from masa.people.models import Address, AgencyInvolvement, Child, Relationship, Sex
from masa.protection.models import CINPlan

from .base import DemoContext
from .core import (
    CHILDREN_IN_CARE,
    HOSPITAL,
    ICB,
    LEAVING_CARE,
    NORTHBURY_ONS_CODE,
    POLICE,
    PRIMARY_SCHOOLS,
    SECONDARY_SCHOOLS,
    STAFF_FIRST_NAMES,
    STAFF_LAST_NAMES,
)
from .journey import _Days, _delete, _weighted, _Writer

LONDON = zoneinfo.ZoneInfo("Europe/London")
S = Stage
Table = tuple[tuple[Any, int], ...]

# --- Shapes -----------------------------------------------------------------------------------

# Children looked after on the reference date, by size; other sizes scale with their children.
STOCK = {"small": 25, "borough": 600}
BOROUGH_CHILDREN = 35_000
# The journey domain's words when a child's case ends because the child came into care.
BECAME_LOOKED_AFTER = "Child became looked after"
CIN_ENDED_FOR_CARE = "The child became looked after"

# How a period of care ends ("route"), by age on starting (under the first number): weights.
ROUTES: tuple[tuple[int, Table], ...] = (
    (1, (("adoption", 30), ("sgo", 22), ("home", 23), ("long", 22), ("cao", 3))),
    (5, (("adoption", 18), ("sgo", 22), ("home", 32), ("long", 25), ("cao", 3))),
    (10, (("sgo", 15), ("home", 42), ("long", 38), ("cao", 3), ("other", 2))),
    (14, (("sgo", 6), ("home", 45), ("long", 40), ("remand", 4), ("other", 5))),
    (16, (("home", 40), ("leaving", 45), ("remand", 6), ("other", 9))),
    (18, (("home", 35), ("leaving", 55), ("remand", 4), ("other", 6))),
)
# Legal status on starting. Police protection (72 hours at most) and emergency protection orders
# are followed within days by an interim care order or accommodation under section 20.
FIRST_STATUS: Table = (("V2", 44), ("C1", 40), ("L1", 8), ("L2", 5))
TEEN_FIRST_STATUS: Table = (("V2", 70), ("C1", 20), ("L1", 6), ("L2", 4))
CATEGORY_OF_NEED: Table = (
    ("N1", 64), ("N2", 3), ("N3", 3), ("N4", 8), ("N5", 14), ("N6", 3), ("N7", 1), ("N8", 4),
)  # fmt: skip
# Why a child moved to another carer (REASON_PLACE_CHANGE).
MOVE_REASONS: Table = (
    ("CARPL", 36), ("CREQB", 15), ("CREQO", 10), ("CHILD", 8), ("LAREQ", 8), ("STAND", 3),
    ("ALLEG", 3), ("CLOSE", 4), ("APPRR", 2), ("OTHER", 11),
)  # fmt: skip
PARTICIPATION: Table = (
    ("PN1", 45), ("PN2", 5), ("PN3", 3), ("PN4", 7), ("PN5", 10), ("PN6", 20), ("PN7", 10),
)  # fmt: skip
SW_REASONS: Table = (
    ("MANAGE", 20), ("LEFTRL", 25), ("TSPROC", 20), ("ORGRST", 5), ("FCONTA", 10),
    ("ABSENC", 5), ("CHCHAN", 10), ("PCCHAN", 3), ("OTHERS", 2),
)  # fmt: skip
SW_REASONS_FROM = dt.date(2023, 4, 1)  # social worker episodes are collected from 2023/24
SUPPORTED_FROM = dt.date(2024, 4, 1)  # K3 replaces H5 from 2024/25
SGO_CODES_FROM = dt.date(2018, 4, 1)  # E45-E48 replace E43 and E44 from 2018/19
REVIEW_LATE_RATE = 0.08
IHA_LATE_RATE, IHA_MISSED_RATE = 0.18, 0.04
RHA_LATE_RATE = 0.12
PEP_LATE_RATE = 0.2
PATHWAY_PLAN_LATE_RATE = 0.3  # Ofsted (Wigan 2017): planning often starts only at 16
SIBLINGS_TOGETHER = 0.7

# Missing: children of 11 and over. A share of looked-after children go missing in a year, most
# more than once; a few children living at home go missing too.
MISSING_FROM_CARE_RATE = 0.25
MISSING_FROM_HOME_RATE = 0.004
AWAY_SHARE = 0.15
RHI_LATE_RATE, RHI_NOT_OFFERED_RATE, RHI_DECLINED_RATE = 0.1, 0.05, 0.3
LADO_PER_YEAR_BOROUGH = 80
PRIVATE_FOSTERING_PER_YEAR_BOROUGH = 5
MACE_EVERY_DAYS = 28

# --- Postcodes --------------------------------------------------------------------------------

# Northbury: a fictional town in the South Pennines; its districts NB1-NB9 lie around the centre.
TOWN_CENTRE = (53.705, -2.155)
MILE_LAT, MILE_LON = 1 / 69.1, 1 / 40.9  # degrees per mile at 53.7 degrees north
CENTROID_SOURCE = "Northbury demo postcodes (fictional)"
DISTRICTS = {  # district centres, in miles east and north of the town centre
    1: (0.0, 0.0), 2: (1.8, 1.2), 3: (2.6, -0.9), 4: (0.9, -2.4), 5: (-1.4, -2.1),
    6: (-2.7, -0.4), 7: (-1.9, 1.9), 8: (0.3, 3.0), 9: (3.8, 2.2),
}  # fmt: skip
# Towns outside the borough: outward area (real-looking, but no real UK postcode area), name,
# miles east and north of Northbury (10 to 80 miles away), fictional ONS code.
TOWNS = (
    ("WB", "Westbrook", -12.0, -1.0, "E07999901"),
    ("EW", "Easterby", 16.0, 1.0, "E08999902"),
    ("HB", "Hollinbridge", 2.0, -22.0, "E08999903"),
    ("KH", "Kirkholme", -4.0, 28.0, "E07999904"),
    ("RY", "Ravensby", 27.0, 27.0, "E07999905"),
    ("DM", "Dunmoor", -10.0, 55.0, "E07999906"),
    ("SF", "Southfold", 49.0, -50.0, "E07999907"),
)
NEAR_TOWNS = ("WB", "EW", "HB")
FAR_TOWNS = ("KH", "RY", "DM", "SF")
TOWN_BY_AREA = {area: (east, north, code) for area, _, east, north, code in TOWNS}
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # inward codes never use C, I, K, M, O, V


def centroid_of(postcode: str) -> tuple[Decimal, Decimal, str] | None:
    """Where a demo postcode is: (latitude, longitude, ONS authority code), or None outside the
    demo's areas. The same postcode always gives the same place: districts sit around their town,
    sectors around their district, units scattered within about a fifth of a mile."""
    outward, _, inward = postcode.partition(" ")
    area = outward.rstrip("0123456789")
    district = outward[len(area) :]
    if not district.isdigit() or len(inward) != 3 or not inward[0].isdigit():
        return None
    if area == "NB" and int(district) in DISTRICTS:
        east, north = DISTRICTS[int(district)]
        code, spread = NORTHBURY_ONS_CODE, 0.55
    elif area in TOWN_BY_AREA:
        east, north, code = TOWN_BY_AREA[area]
        east += (int(district) % 3 - 1) * 0.9
        north += (int(district) // 3 - 1) * 0.9
        spread = 0.4
    else:
        return None
    angle = int(inward[0]) * 0.698  # sectors 40 degrees apart
    mix = zlib.crc32(postcode.encode())  # stable across runs, unlike hash()
    east += spread * math.cos(angle) + ((mix & 0xFFFF) / 0xFFFF - 0.5) * 0.4
    north += spread * math.sin(angle) + (((mix >> 16) & 0xFFFF) / 0xFFFF - 0.5) * 0.4
    latitude = TOWN_CENTRE[0] + north * MILE_LAT
    longitude = TOWN_CENTRE[1] + east * MILE_LON
    return Decimal(f"{latitude:.6f}"), Decimal(f"{longitude:.6f}"), code


def _postcode(rng: random.Random, area: str) -> str:
    return (
        f"{area}{rng.randint(1, 9)} {rng.randint(1, 9)}"
        f"{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}"
    )


# --- Names ------------------------------------------------------------------------------------

HOME_NAMES = (
    "Moorside House", "Weaver Lodge", "Heather View", "Brookfield House", "The Laurels",
    "Oakwood Lodge", "Pennine View", "Hollybank", "Ridgeway House", "Elm Court", "Larkfield",
    "Meadowside", "Fernlea", "Beacon House", "Willow Bank", "Kestrel House", "Ashgrove",
    "Stonecroft", "Birchwood", "The Paddocks", "Cloughside", "Millbrook House", "Highfield",
    "Rowan Lodge", "Thornleigh", "Fieldhead", "Lowther House", "Calder View", "Greystones",
    "Swallow Barn",
)  # fmt: skip
HOME_OPERATORS = (
    "Horizon Care Ltd",
    "Keystone Children's Services Ltd",
    "Brightpath Care Ltd",
    "Northern Pathways Ltd",
    "Fellside Care Group",
)
IFA_AGENCIES = (  # (name, provider code)
    ("Pennine Fostering Partnership", "PR4"),
    ("Moorland Family Placements", "PR4"),
    ("Northern Lights Fostering", "PR4"),
    ("Children First Fostering", "PR5"),
    ("Kinship Plus Foster Care", "PR5"),
)
SUPPORTED_NAMES = (
    "Stepping Stones Supported Living", "Foundry Court Supported Housing",
    "Next Steps Young People's Service", "Canal Wharf Supported Lodgings",
    "Springboard Housing for Young People", "Keyring Supported Accommodation",
    "Anchor Point Young People's Housing", "Bridgeway Supported Living",
)  # fmt: skip
LAST_SEEN = (
    "the placement", "school", "Northbury bus station", "the town centre", "Moorside retail park",
    "a friend's house", "the canal towpath by Weaver Close", "Victoria Park", "the train station",
    "a takeaway on Church Street", "the family home", "the skate park",
)  # fmt: skip
FOUND = (
    "returned to the placement of their own accord", "found by police in the town centre",
    "found at a friend's house", "found at a parent's address", "found by police in Easterby",
    "found at Northbury bus station", "returned after a call from the carer",
    "found by police in Hollinbridge", "found at an address on Tenter Street",
)  # fmt: skip
# Groups of young people exploited together: the people and places their episodes share.
NETWORKS = (
    (("Jay (about 19)", "'K' (older male, 20s)", "Dean, 24"),
     ("a flat on Tenter Street", "Northbury bus station"), "a grey Audi, part registration NB17"),
    (("Taz", "'Smokey' (adult male)", "Kyle, 22"),
     ("the Moorside estate garages", "a house in Easterby"), "a black Mercedes van"),
    (("Reece (18)", "'Bigz'", "an older woman called Shelly"),
     ("a hotel in Hollinbridge", "the canal towpath by Weaver Close"), "a silver Golf"),
    (("Marcus, 20", "'Little T'", "Ash (about 25)"),
     ("a trap house on Mill Road", "the train station"), "a white BMW"),
)  # fmt: skip
INDICATORS = (
    "Going missing or away from home or placement",
    "Associating with older people or adults of concern",
    "Unexplained money, gifts, phones or clothes",
    "Drug or alcohol use",
    "Travelling or found out of area",
    "Missing education, exclusion or a sudden drop in attendance",
    "Change in behaviour, mood or appearance",
    "Online contact with people of concern",
    "Carrying weapons or injuries that are not explained",
)
LADO_SECTORS: Table = (
    ("education", 38), ("early_years", 8), ("health", 7), ("social_care", 5),
    ("foster_care", 8), ("residential", 9), ("police", 3), ("faith", 3), ("sport", 6),
    ("voluntary", 5), ("transport", 4), ("other", 4),
)  # fmt: skip
LADO_ROLES = {
    "education": ("Teacher", "Teaching assistant", "Head of year", "Lunchtime supervisor"),
    "early_years": ("Nursery practitioner", "Childminder"),
    "health": ("Nurse", "Healthcare assistant", "Paediatric physiotherapist"),
    "social_care": ("Family support worker", "Social worker"),
    "foster_care": ("Foster carer",),
    "residential": ("Residential support worker", "Night care worker"),
    "police": ("Police officer", "Police community support officer"),
    "faith": ("Youth leader", "Madrassa teacher", "Sunday school volunteer"),
    "sport": ("Football coach", "Swimming instructor", "Boxing club volunteer"),
    "voluntary": ("Youth worker", "Scout leader"),
    "transport": ("School taxi driver", "Passenger assistant"),
    "other": ("Private tutor", "Music teacher"),
}
LADO_EMPLOYERS = {
    "education": (*PRIMARY_SCHOOLS, *SECONDARY_SCHOOLS, "Northbury College"),
    "early_years": (
        "Little Acorns Nursery",
        "Moorside Children's Centre",
        "A registered childminder",
    ),
    "health": ("Northbury Hospitals NHS Foundation Trust", "Northbury Integrated Care Board"),
    "social_care": ("Northbury Council Children's Services", "Northbury Family Action"),
    "foster_care": ("Northbury Council Fostering Service", *(a for a, _ in IFA_AGENCIES)),
    "residential": HOME_OPERATORS,
    "police": ("Northshire Police",),
    "faith": ("Northbury Central Mosque", "St Aidan's Church", "Elim Pentecostal Church"),
    "sport": ("Northbury Juniors FC", "Northbury Swimming Club", "Moorside Boxing Club"),
    "voluntary": ("Northbury Youth Project", "1st Northbury Scouts"),
    "transport": ("Pennine Taxis (school transport contract)",),
    "other": ("A private tuition business", "Northbury Music Service"),
}
LADO_REFERRERS = {
    "education": "Headteacher", "early_years": "Nursery manager", "health": "Named nurse",
    "social_care": "Team manager", "foster_care": "Fostering team manager",
    "residential": "Registered manager", "police": "Professional standards department",
    "faith": "Safeguarding lead", "sport": "Club welfare officer",
    "voluntary": "Designated safeguarding lead", "transport": "School transport manager",
    "other": "Parent",
}  # fmt: skip
LADO_CATEGORIES: Table = (
    ("physical", 40),
    ("suitability", 20),
    ("sexual", 15),
    ("emotional", 15),
    ("neglect", 10),
)
LADO_SUMMARIES = {
    "physical": "A child said they were grabbed and pushed by the {role}.",
    "suitability": "The {role} was arrested after an incident outside work; the conduct may "
    "mean they pose a risk to children.",
    "sexual": "Concerns about messages the {role} sent to a child on social media.",
    "emotional": "Children describe the {role} shouting at them and belittling them.",
    "neglect": "A child was left unsupervised and was hurt while in the care of the {role}.",
}
LADO_OUTCOMES: Table = (
    (LadoOutcome.SUBSTANTIATED, 25), (LadoOutcome.UNSUBSTANTIATED, 35),
    (LadoOutcome.UNFOUNDED, 20), (LadoOutcome.FALSE, 15), (LadoOutcome.MALICIOUS, 5),
)  # fmt: skip
EMPLOYER_ACTIONS = {
    LadoOutcome.SUBSTANTIATED: (
        "Dismissed after a disciplinary hearing; referred to the DBS.",
        "Final written warning, supervision and safeguarding training.",
        "Resigned during the investigation; referred to the DBS.",
    ),
    LadoOutcome.UNSUBSTANTIATED: ("Returned to work with a support plan.",),
    LadoOutcome.UNFOUNDED: ("No action by the employer.",),
    LadoOutcome.FALSE: ("No action by the employer.",),
    LadoOutcome.MALICIOUS: ("No action by the employer; the school spoke to the family.",),
}
PF_CARERS = (  # (how the carer is named, relationship)
    ("Mrs {s} (family friend)", "Family friend"),
    ("Mr and Mrs {s}", "Friend's parents"),
    ("Ms {s} (great-aunt)", "Great-aunt"),
    ("Mr and Mrs {s} (host family)", "Host family for a language school"),
    ("Mrs {s} (former neighbour)", "Former neighbour"),
)
PF_END_REASONS = (
    "Returned to live with a parent",
    "Moved to live with a close relative",
    "The arrangement ended when the course finished",
    "Turned 16",
)
CIC_SUMMARIES = (
    "Looked after under a care order and living with foster carers.",
    "Accommodated under section 20 and living with an aunt (connected person placement).",
    "Living with kinship carers under an interim care order.",
)


# --- What the earlier domains built -----------------------------------------------------------


def _birthday(born: dt.date, years: int) -> dt.date:
    return add_months(born, 12 * years)


def _age(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@dataclass
class _Kid:
    """A child as this domain needs them: who they are, their cases, homes and siblings."""

    id: int
    born: dt.date
    sex: str
    last_name: str
    team_id: int
    worker_id: int | None
    la_end: dt.date | None  # the local authority's involvement ended (None: open)
    cases: list[tuple[dt.date, dt.date | None, int]] = field(default_factory=list)
    homes: list[tuple[dt.date, dt.date | None, str]] = field(default_factory=list)
    siblings: set[int] = field(default_factory=set)

    def age(self, day: dt.date) -> int:
        return _age(self.born, day)

    def home_on(self, day: dt.date) -> str:
        found = ""
        for start, end, postcode in self.homes:
            if start <= day and (end is None or end >= day):
                return postcode
            if start <= day or not found:
                found = postcode
        return found

    def next_case_after(self, day: dt.date) -> dt.date | None:
        later = [opened for opened, _, _ in self.cases if opened > day]
        return min(later) if later else None

    def case_on(self, day: dt.date) -> int:
        """The case a record on ``day`` belongs to: the one open then, else the latest before."""
        best: tuple[dt.date, int] | None = None
        for opened, closed, case_id in self.cases:
            if opened <= day and (closed is None or closed >= day):
                return case_id
            if opened <= day and (best is None or opened > best[0]):
                best = (opened, case_id)
        if best is not None:
            return best[1]
        return min(self.cases, key=lambda c: (c[0], c[2]))[2]


def _read_kids(partnership: Partnership) -> dict[int, _Kid]:
    kids: dict[int, _Kid] = {}
    rows = (
        Child.objects.filter(
            partnership=partnership, date_of_birth__isnull=False, merged_into__isnull=True
        )
        .exclude(ethnicity="")  # records made in a hurry, likely duplicates to merge
        .order_by("pk")
        .values_list(
            "pk",
            "date_of_birth",
            "sex",
            "last_name",
            "owning_team_id",
            "allocated_worker_id",
        )
    )
    for pk, born, sex, last, team_id, worker_id in rows:
        assert born is not None  # filtered above
        kids[pk] = _Kid(pk, born, sex, last, team_id, worker_id, None)
    la_spans = AgencyInvolvement.objects.filter(
        child__partnership=partnership, agency__kind="local_authority"
    ).values_list("child_id", "ended_on")
    for child_id, ended in la_spans:
        if child_id in kids:
            kids[child_id].la_end = ended
    for child_id, opened, closed, case_id in (
        Case.objects.filter(partnership=partnership)
        .order_by("child_id", "opened_on", "pk")
        .values_list("child_id", "opened_on", "closed_on", "pk")
    ):
        if child_id in kids:
            kids[child_id].cases.append((opened, closed, case_id))
    for child_id, start, end, postcode in (
        Address.objects.filter(child__partnership=partnership)
        .order_by("child_id", "from_date", "pk")
        .values_list("child_id", "from_date", "to_date", "postcode")
    ):
        if child_id in kids:
            kids[child_id].homes.append((start, end, postcode))
    for child_id, other_id in Relationship.objects.filter(
        child__partnership=partnership, other_child__isnull=False
    ).values_list("child_id", "other_child_id"):
        if child_id in kids and other_id in kids:
            kids[child_id].siblings.add(other_id)
            kids[other_id].siblings.add(child_id)
    return {pk: kid for pk, kid in kids.items() if kid.cases}


# --- Plans ------------------------------------------------------------------------------------


@dataclass
class _Entry:
    """The day a child became looked after, and the journey rows that say so."""

    kid: _Kid
    start: dt.date
    case_id: int
    transition_id: int  # the move that closed the case; it becomes the move into care
    from_stage: str
    extra: bool  # a child in need plan's end, turned into care to reach the size's stock
    bound: dt.date | None  # care ends on or before this day
    open_plan: int = 0  # a child in need plan still open today that ends in care (its id)


@dataclass
class _CarerRow:
    id: int
    name: str
    kind: str
    provider: str
    postcode: str
    urn: str
    located: bool = True  # masa holds a centroid for its postcode
    last_used: dt.date | None = None


@dataclass(frozen=True)
class _Place:
    """A placement as an episode records it."""

    code: str
    provider: str
    carer: _CarerRow | None
    postcode: str
    urn: str

    @property
    def temporary(self) -> bool:
        return self.code in dfe.TEMPORARY_PLACEMENTS

    def same_carer(self, other: _Place) -> bool:
        if self.carer is not None or other.carer is not None:
            return self.carer is other.carer
        return (self.code, self.provider, self.postcode, self.urn) == (
            other.code,
            other.provider,
            other.postcode,
            other.urn,
        )


@dataclass
class _Ep:
    start: dt.date
    rne: str
    ls: str
    place: _Place
    cin: str
    home: str
    end: dt.date | None = None
    rec: str = ""
    rpc: str = ""
    id: int = 0


@dataclass
class _Milestones:
    """Dates an adoption goes through: placement order, decision, match, placement."""

    order: dt.date
    decision: dt.date
    match: dt.date
    placed: dt.date


@dataclass
class _Period:
    entry: _Entry
    route: str
    end: dt.date | None  # None: still looked after today
    cin: str = ""
    episodes: list[_Ep] = field(default_factory=list)
    adoption: _Milestones | None = None

    @property
    def kid(self) -> _Kid:
        return self.entry.kid

    @property
    def start(self) -> dt.date:
        return self.entry.start

    def last_day(self, today: dt.date) -> dt.date:
        return self.end if self.end is not None else today

    def episode_on(self, day: dt.date) -> _Ep | None:
        for ep in self.episodes:
            if ep.start <= day and (ep.end is None or ep.end > day):
                return ep
        return None


# --- The register of carers and providers -----------------------------------------------------


class _Register:
    """Foster households, agencies' carers, children's homes, supported accommodation and the
    rest, each with its own postcode (so a move between two carers always changes the 903's
    placement columns) and, for regulated settings, an Ofsted URN."""

    def __init__(self, rng: random.Random, scale: float, taken: set[str]) -> None:
        self.rng = rng
        self.rows: list[_CarerRow] = []
        self.pools: dict[str, list[_CarerRow]] = defaultdict(list)
        self.taken = set(taken)
        self.urns: set[str] = set()
        top = Carer.objects.order_by("-pk").values_list("pk", flat=True).first()
        self.next_id = (top or 0) + 1
        self._build(scale)

    def postcode(self, area: str) -> str:
        while True:
            code = _postcode(self.rng, area)
            if code not in self.taken:
                self.taken.add(code)
                return code

    def urn(self) -> str:
        while True:
            urn = f"SC{self.rng.randint(100000, 999999)}"
            if urn not in self.urns:
                self.urns.add(urn)
                return urn

    def add(
        self, pool: str, name: str, kind: str, provider: str, area: str, urn: str = ""
    ) -> _CarerRow:
        row = _CarerRow(self.next_id, name, kind, provider, self.postcode(area), urn)
        self.next_id += 1
        self.rows.append(row)
        if pool:
            self.pools[pool].append(row)
        return row

    def area(self, local: float, near: float) -> str:
        roll = self.rng.random()
        if roll < local:
            return "NB"
        if roll < local + near:
            return self.rng.choice(NEAR_TOWNS)
        return self.rng.choice(FAR_TOWNS)

    def household(self) -> str:
        rng = self.rng
        last = rng.choice(STAFF_LAST_NAMES)
        roll = rng.random()
        if roll < 0.55:
            return f"Mr and Mrs {last}"
        if roll < 0.85:
            return f"{rng.choice(('Ms', 'Mrs', 'Miss'))} {rng.choice(STAFF_FIRST_NAMES)[0]}. {last}"
        return f"{rng.choice(STAFF_FIRST_NAMES)} and {rng.choice(STAFF_FIRST_NAMES)} {last}"

    def _build(self, scale: float) -> None:
        rng = self.rng
        fc, home = CarerKind.FOSTER_CARER, CarerKind.CHILDRENS_HOME
        for _ in range(max(8, round(230 * scale))):
            self.add("foster", self.household(), fc, "PR1", self.area(0.9, 0.1))
        agencies = [(name, code, self.urn()) for name, code in IFA_AGENCIES]
        for _ in range(max(5, round(150 * scale))):
            agency, code, urn = rng.choice(agencies)
            name = f"{self.household()} ({agency})"
            self.add("ifa", name, fc, code, self.area(0.45, 0.4), urn)
        names = iter(rng.sample(HOME_NAMES, len(HOME_NAMES)))
        for _ in range(2):
            name = f"{next(names)} (Northbury Council)"
            self.add("home_la", name, home, "PR1", "NB", self.urn())
        for i in range(max(4, min(24, round(24 * scale)))):
            operator = HOME_OPERATORS[i % len(HOME_OPERATORS)]
            provider = "PR5" if i % 7 == 3 else "PR4"
            owner = "Hearthstone Children's Charity" if provider == "PR5" else operator
            name = f"{next(names)} ({owner})"
            self.add("home", name, home, provider, self.area(0.1, 0.45), self.urn())
        for name in SUPPORTED_NAMES[: max(3, round(8 * scale))]:
            provider = rng.choice(("PR4", "PR4", "PR5"))
            self.add(
                "supported", name, CarerKind.SUPPORTED_ACCOMMODATION, provider, self.area(0.6, 0.4)
            )
        for name in ("Hollinbridge Secure Children's Home", "Kirkholme Secure Unit"):
            area = "HB" if name.startswith("Hollin") else "KH"
            self.add("secure", name, CarerKind.SECURE_UNIT, "PR2", area, self.urn())
        self.add("yoi", "HMYOI Dunmoor", CarerKind.SECURE_UNIT, "PR3", "DM")
        for name in ("Calder Family Assessment Centre", "Brookside Mother and Baby Unit"):
            self.add("mbu", name, CarerKind.OTHER, "PR5", rng.choice(NEAR_TOWNS))

    def pick(self, pool: str, rng: random.Random) -> _CarerRow:
        rows = self.pools[pool]
        return rows[int(rng.random() * len(rows))]

    def connected(self, surname: str, rng: random.Random) -> _CarerRow:
        relation = rng.choice(("grandparents", "aunt", "uncle", "family friends", "grandmother"))
        titles = {
            "grandparents": "Mr and Mrs",
            "aunt": "Ms",
            "uncle": "Mr",
            "family friends": "Mr and Mrs",
            "grandmother": "Mrs",
        }
        last = surname if relation != "family friends" else rng.choice(STAFF_LAST_NAMES)
        name = f"{titles[relation]} {last} ({relation}, connected person)"
        return self.add("", name, CarerKind.CONNECTED_PERSON, "PR1", self.area(0.8, 0.2))

    def adopters(self, rng: random.Random) -> _CarerRow:
        provider = "PR1" if rng.random() < 0.7 else "PR5"
        name = f"{self.household()} (prospective adopters)"
        return self.add("", name, CarerKind.ADOPTER, provider, self.area(0.4, 0.35))


def _supported_code(day: dt.date) -> str:
    return "K3" if day >= SUPPORTED_FROM else "H5"


PLACE_CODES = {
    "foster": "U6",
    "ifa": "U6",
    "kinship": "U3",
    "fta": "U5",
    "mbu": "R3",
    "secure": "K1",
    "yoi": "R5",
}
FIRST_KINDS: tuple[tuple[int, Table], ...] = (  # by age (under the number): kind of placement
    (1, (("foster", 45), ("ifa", 10), ("kinship", 30), ("mbu", 8))),
    (10, (("foster", 38), ("ifa", 25), ("kinship", 37))),
    (16, (("foster", 30), ("ifa", 28), ("kinship", 20), ("home", 22))),
    (18, (("foster", 18), ("ifa", 13), ("kinship", 9), ("home", 20), ("supported", 40))),
)
MOVE_KINDS: tuple[tuple[int, Table], ...] = (
    (10, (("foster", 50), ("ifa", 30), ("kinship", 20))),
    (16, (("foster", 33), ("ifa", 32), ("kinship", 10), ("home", 25))),
    (18, (("foster", 20), ("ifa", 20), ("home", 25), ("supported", 35))),
)


def _by_age(table: tuple[tuple[int, Table], ...], age: int) -> Table:
    for under, weights in table:
        if age < under:
            return weights
    return table[-1][1]


# --- Periods of care --------------------------------------------------------------------------


class _Planner:
    def __init__(
        self, ctx: DemoContext, rng: random.Random, kids: dict[int, _Kid], register: _Register
    ) -> None:
        self.ctx = ctx
        self.rng = rng
        self.today = ctx.today
        self.kids = kids
        self.register = register

    # Entries ----------------------------------------------------------------------------------

    def journey_entries(self) -> list[_Entry]:
        partnership = self.ctx.get_partnership()
        closing = {
            case_id: (move_id, from_stage)
            for case_id, move_id, from_stage in CaseTransition.objects.filter(
                case__partnership=partnership, to_stage=S.CLOSED
            ).values_list("case_id", "id", "from_stage")
        }
        entries: list[_Entry] = []
        for case_id, child_id, day in (
            Case.objects.filter(
                partnership=partnership,
                stage=S.CLOSED,
                closure_reason__startswith=BECAME_LOOKED_AFTER,
            )
            .order_by("closed_on", "pk")
            .values_list("pk", "child_id", "closed_on")
        ):
            kid = self.kids.get(child_id)
            if kid is None or day is None or day <= kid.born or case_id not in closing:
                continue
            move_id, from_stage = closing[case_id]
            if not is_allowed(Stage(from_stage), S.LOOKED_AFTER):
                continue
            bound = self.bound(kid, day)
            if bound is not None and bound <= day:
                continue  # the next case opened at once: no room for a day of care
            entries.append(_Entry(kid, day, case_id, move_id, from_stage, False, bound))
        return entries

    def bound(self, kid: _Kid, day: dt.date) -> dt.date | None:
        limits = []
        following = kid.next_case_after(day)
        if following is not None:
            limits.append(following - dt.timedelta(days=1))
        if kid.la_end is not None:
            limits.append(kid.la_end)
        return min(limits) if limits else None

    def extra_candidates(self) -> list[list[_Entry]]:
        """Sibling groups whose case ended with their child in need plan: they can become looked
        after that day instead (care then ends before their next case opened). Children in Care
        and Leaving Care teams' children first (the people domain describes them as looked
        after), then the rest, each in a random order."""
        partnership = self.ctx.get_partnership()
        closing = dict(
            CaseTransition.objects.filter(
                case__partnership=partnership, to_stage=S.CLOSED, from_stage=S.CIN_PLAN
            ).values_list("case_id", "id")
        )
        own_worker = self.ctx.users.get("social.worker")
        cic = {self.ctx.team(LA, CHILDREN_IN_CARE).pk, self.ctx.team(LA, LEAVING_CARE).pk}
        groups: dict[tuple[dt.date, int], list[_Entry]] = {}
        for kid in self.kids.values():
            if own_worker is not None and kid.worker_id == own_worker.pk:
                continue
            latest = max(kid.cases, key=lambda c: (c[0], c[2]))[2]
            for _, closed, case_id in kid.cases:
                if case_id not in closing or closed is None:
                    continue
                if closed <= kid.born + dt.timedelta(days=60) or kid.age(closed) > 16:
                    continue
                if closed > self.today - dt.timedelta(days=2):
                    continue
                following = kid.next_case_after(closed)
                bound = None
                if case_id != latest:
                    if following is None or following <= closed + dt.timedelta(days=1):
                        continue
                    bound = following - dt.timedelta(days=1)
                family = min([kid.id, *kid.siblings])
                entry = _Entry(kid, closed, case_id, closing[case_id], S.CIN_PLAN, True, bound)
                groups.setdefault((closed, family), []).append(entry)
        ordered = sorted(groups.items(), key=lambda item: (item[0], [e.kid.id for e in item[1]]))
        first = [g for _, g in ordered if any(e.kid.team_id in cic for e in g)]
        rest = [g for _, g in ordered if not any(e.kid.team_id in cic for e in g)]
        self.rng.shuffle(first)
        self.rng.shuffle(rest)
        return first + rest

    def open_plan_candidates(self) -> list[list[_Entry]]:
        """Sibling groups on a child in need plan today (not the demo social worker's): they can
        become looked after in the days since the plan's last record, the plan ending then."""
        partnership = self.ctx.get_partnership()
        own_worker = self.ctx.users.get("social.worker")
        plans = {
            case_id: plan_id
            for plan_id, case_id in CINPlan.objects.filter(
                case__partnership=partnership, case__stage=S.CIN_PLAN, ended_on__isnull=True
            ).values_list("pk", "case_id")
        }
        last_record = dict(
            ChronologyEntry.objects.filter(case_id__in=list(plans))
            .values("case_id")
            .annotate(last=Max("occurred_on"))
            .values_list("case_id", "last")
        )
        found: dict[int, list[tuple[_Kid, int, int]]] = defaultdict(list)
        for kid in sorted(self.kids.values(), key=lambda k: k.id):
            if own_worker is not None and kid.worker_id == own_worker.pk:
                continue
            case_id = max(kid.cases, key=lambda c: (c[0], c[2]))[2]
            if case_id not in plans or kid.age(self.today) > 16:
                continue
            found[min([kid.id, *kid.siblings])].append((kid, case_id, plans[case_id]))
        groups = []
        for family in sorted(found):
            members = found[family]
            last = max(last_record.get(case_id, self.today) for _, case_id, _ in members)
            room = (self.today - last).days - 1
            if room < 1:
                continue
            start = last + dt.timedelta(days=self.rng.randint(1, room))
            groups.append(
                [
                    _Entry(kid, start, case_id, 0, S.CIN_PLAN, True, None, plan_id)
                    for kid, case_id, plan_id in members
                ]
            )
        self.rng.shuffle(groups)
        return groups

    # Routes and ends --------------------------------------------------------------------------

    def plan(self, group: list[_Entry], extra: bool = False) -> list[_Period]:
        rng, today = self.rng, self.today
        start = group[0].start
        kids = [e.kid for e in group]
        eldest = max(k.age(start) for k in kids)
        youngest = min(k.age(start) for k in kids)
        ongoing = extra and all(e.bound is None for e in group)  # stays in care to today
        if ongoing:
            young = ("long", "sgo", "sgo", "adoption")
            route = rng.choice(("long", "long", "sgo") if eldest >= 5 else young)
        else:
            route = _weighted(rng, _by_age(ROUTES, eldest))
        if route == "remand" and youngest < 12:
            route = "home"
        if route == "adoption" and any(k.next_case_after(start) for k in kids):
            route = "sgo"  # adopted children are not known to the authority's services again
        milestones: _Milestones | None = None
        planned: dt.date | None
        if route == "adoption":
            order = start + dt.timedelta(days=rng.randint(200, 420))
            placed = order + dt.timedelta(days=rng.randint(60, 200))
            milestones = _Milestones(
                order,
                max(start + dt.timedelta(days=1), order - dt.timedelta(days=rng.randint(15, 75))),
                placed - dt.timedelta(days=rng.randint(7, 40)),
                placed,
            )
            planned = placed + dt.timedelta(days=rng.randint(90, 300))
        elif route == "home":
            planned = start + dt.timedelta(days=2 + min(1000, int(rng.expovariate(1 / 170))))
        elif route == "sgo":
            planned = start + dt.timedelta(days=rng.randint(300, 1000))
        elif route == "cao":
            planned = start + dt.timedelta(days=rng.randint(200, 800))
        elif route == "remand":
            planned = start + dt.timedelta(days=rng.randint(14, 120))
        elif route == "other":
            planned = start + dt.timedelta(days=rng.randint(120, 700))
        elif route == "leaving":
            sixteen = max(_birthday(k.born, 16) for k in kids)
            eighteen = min(_birthday(k.born, 18) for k in kids)
            planned = max(
                start + dt.timedelta(days=91), sixteen + dt.timedelta(days=rng.randint(30, 600))
            )
            planned = max(start + dt.timedelta(days=1), min(planned, eighteen))
        else:  # long: to adulthood, or permanence the demo has not reached yet
            planned = None
        if ongoing and planned is not None and planned <= today:
            planned = today + dt.timedelta(days=rng.randint(30, 300))
        bounds = [e.bound for e in group if e.bound is not None]
        bound = min(bounds) if bounds else None
        end: dt.date | None
        if bound is not None and (planned is None or planned > bound):
            room = (bound - start).days - 1
            end = bound - dt.timedelta(days=rng.randint(0, max(0, min(21, room))))
            if route not in ("leaving", "remand", "other"):
                route, milestones = "home", None
        elif planned is not None and planned < today:
            end = planned
        else:
            end = None
        if route == "leaving" and end is not None and min(k.age(end) for k in kids) < 16:
            route = "home"
        cin = _weighted(rng, CATEGORY_OF_NEED)
        if route == "remand":
            cin = "N6"
        return [_Period(entry, route, end, cin, adoption=milestones) for entry in group]

    def shorten(self, period: _Period) -> None:
        """End a period that would otherwise still be open today: the child went home."""
        rng, today = self.rng, self.today
        latest = (today - period.start).days - 1
        if latest < 1:
            return
        days = max(1, min(latest, int(latest * rng.random() * 0.9) + 1))
        period.end = period.start + dt.timedelta(days=days)
        period.route = "home"
        period.adoption = None

    # Legal statuses and placements ------------------------------------------------------------

    def statuses(
        self,
        route: str,
        start: dt.date,
        end: dt.date | None,
        eldest: int,
        milestones: _Milestones | None,
    ) -> list[tuple[dt.date, str]]:
        """The legal status from the start of care and each change, in date order."""
        rng = self.rng
        days = dt.timedelta
        table = TEEN_FIRST_STATUS if eldest >= 14 else FIRST_STATUS
        status = "J1" if route == "remand" else _weighted(rng, table)
        if route in ("adoption", "sgo") and status == "V2" and rng.random() < 0.5:
            status = "C1"
        changes = [(start, status)]
        t = start
        if status == "L1":  # police protection lasts 72 hours at most
            t += days(rng.randint(1, 3))
            status = rng.choice(("C1", "C1", "V2", "L2"))
            changes.append((t, status))
        if status == "L2":  # an emergency protection order, then an interim care order
            t += days(rng.randint(6, 20))
            status = "C1"
            changes.append((t, status))
        to_court = route in ("sgo", "long", "cao") and rng.random() < 0.55
        if status == "V2" and (route == "adoption" or to_court):
            t += days(rng.randint(20, 150))
            status = "C1"
            changes.append((t, status))
        if status == "C1":
            if milestones is not None:
                # The final care order, then the placement order: or both at one hearing.
                final = t + days(rng.randint(150, 300))
                if rng.random() < 0.5 and final < milestones.order - days(14):
                    changes.append((final, "C2"))
                    t = final
                t = max(t + days(1), milestones.order)
                status = "E1"
            else:
                t += days(rng.randint(150, 380))
                status = "C2"
            changes.append((t, status))
        horizon = end if end is not None else self.today + days(1)
        return [(d, s) for d, s in changes if d == start or (d < horizon and d <= self.today)]

    def place(self, kind: str, day: dt.date, surname: str, rng: random.Random, home: str) -> _Place:
        register = self.register
        if kind == "kinship":
            carer = register.connected(surname, rng)
            return _Place("U3", "PR1", carer, carer.postcode, "")
        if kind == "adopters":
            carer = register.adopters(rng)
            return _Place("A6", carer.provider, carer, carer.postcode, "")
        if kind == "parents":
            return _Place("P1", "PR0", None, home, "")
        if kind == "supported":
            carer = register.pick("supported", rng)
            return _Place(_supported_code(day), carer.provider, carer, carer.postcode, "")
        if kind == "home":
            pool = "home_la" if rng.random() < 0.3 else "home"
            carer = register.pick(pool, rng)
            return _Place("K2", carer.provider, carer, carer.postcode, carer.urn)
        pool = {"fta": "foster"}.get(kind, kind)
        carer = register.pick(pool, rng)
        code = PLACE_CODES[kind]
        return _Place(code, carer.provider, carer, carer.postcode, carer.urn)

    def placements(
        self,
        period: _Period,
        kids: list[_Kid],
        statuses: list[tuple[dt.date, str]],
        rng: random.Random,
    ) -> list[tuple[dt.date, _Place, str]]:
        """The placement from the start of care and each change, with the reason for each
        change of carer, in date order: moves, long-term matching, a move to supported
        accommodation at 16 or 17, family and friends before a special guardianship order,
        adoption, home on placement with parents, and short temporary placements."""
        days = dt.timedelta
        start, route = period.start, period.route
        horizon = period.end if period.end is not None else self.today + days(1)
        last = horizon - days(1)
        lead = max(kids, key=lambda k: (k.age(start), -k.id))
        youngest = min(k.age(start) for k in kids)
        home = lead.home_on(start)
        surname = lead.last_name
        milestones = period.adoption

        def status_on(day: dt.date) -> str:
            found = statuses[0][1]
            for when, status in statuses:
                if when <= day:
                    found = status
            return found

        # Actions: (day, what, reason). "move" picks a new carer; the others are specific.
        actions: list[tuple[dt.date, str, str]] = []
        length = (horizon - start).days
        expected = 0.7 * min(length, 365) / 365 + 0.3 * max(0, length - 365) / 365
        moves = sum(1 for _ in range(6) if rng.random() < expected / 6)
        for _ in range(moves):
            if length > 40:
                actions.append((start + days(rng.randint(14, length - 14)), "move", ""))
        if route in ("long", "sgo") and length > 420:
            actions.append((start + days(rng.randint(250, 420)), "long_term", "PLACE"))
        if route in ("long", "leaving") and lead.age(start) < 17:
            sixteen = _birthday(lead.born, 16)
            if youngest >= 14 or len(kids) == 1:
                actions.append(
                    (max(start, sixteen) + days(rng.randint(30, 300)), "supported", "CARPL")
                )
        if route in ("sgo", "cao") and period.end is not None:
            actions.append((period.end - days(rng.randint(150, 300)), "kinship", "CARPL"))
        if milestones is not None:
            actions.append((milestones.placed, "adopted", "CARPL"))
        if route == "home" and period.end is not None and rng.random() < 0.4:
            actions.append((period.end - days(rng.randint(40, 180)), "parents", "CARPL"))
        actions.append((SUPPORTED_FROM, "k3", "PLACE"))

        first = "foster"
        if route == "remand":
            first = rng.choice(("home", "foster", "secure", "yoi"))
        elif milestones is not None and lead.age(start) < 1 and rng.random() < 0.2:
            first = "fta"
        else:
            first = _weighted(rng, _by_age(FIRST_KINDS, lead.age(start)))
            if first in ("home", "supported") and youngest < (16 if first == "supported" else 10):
                first = "foster"
        current = self.place(first, start, surname, rng, home)
        plan = [(start, current, "")]
        used = {start}
        for day, what, reason in sorted(actions, key=lambda a: (a[0], a[1])):
            if day <= start or day > last or day > self.today:
                continue
            if what == "k3" and day in used:
                continue  # the placement changes that day anyway, to a K3 if supported
            while day in used and day < last:
                day += days(1)
            if day in used:
                continue
            age = min(k.age(day) for k in kids)
            new: _Place | None = None
            if what == "move":
                if current.code in ("A5", "A6", "P1", "K1", "R5", "R3"):
                    continue
                kind = _weighted(rng, _by_age(MOVE_KINDS, age))
                if (kind == "home" and age < 10) or (kind == "supported" and age < 16):
                    kind = "foster"
                reason = _weighted(rng, MOVE_REASONS)
                new = self.place(kind, day, surname, rng, home)
            elif what == "long_term" and current.code in ("U6", "U3"):
                new = _Place(
                    {"U6": "U4", "U3": "U1"}[current.code],
                    current.provider,
                    current.carer,
                    current.postcode,
                    current.urn,
                )
            elif what == "supported" and age >= 16 and current.code not in ("K1", "R5", "P1"):
                new = self.place("supported", day, surname, rng, home)
            elif what == "kinship" and current.code not in dfe.FAMILY_AND_FRIENDS_PLACEMENTS:
                new = self.place("kinship", day, surname, rng, home)
            elif what == "adopted":
                if current.code == "U5":
                    new = _Place("A5", current.provider, current.carer, current.postcode, "")
                    reason = "PLACE"
                else:
                    new = self.place("adopters", day, surname, rng, home)
            elif what == "parents" and status_on(day) in ("C1", "C2"):
                new = self.place("parents", day, surname, rng, home)
            elif what == "k3" and current.code == "H5":
                new = _Place("K3", current.provider, current.carer, current.postcode, "")
            if new is None:
                continue
            plan.append((day, new, reason))
            used.add(day)
            current = new
        plan.sort(key=lambda p: p[0])
        return self.temporary_breaks(plan, statuses, horizon, rng)

    def temporary_breaks(
        self,
        plan: list[tuple[dt.date, _Place, str]],
        statuses: list[tuple[dt.date, str]],
        horizon: dt.date,
        rng: random.Random,
    ) -> list[tuple[dt.date, _Place, str]]:
        """Now and then a foster child spends a few days elsewhere (T4) or with other carers
        while theirs are on holiday (T3), then goes back: never at the start or end of care."""
        days = dt.timedelta
        busy = sorted({d for d, _, _ in plan} | {d for d, _ in statuses})
        out = list(plan)
        for i, (day, place, _) in enumerate(plan):
            if not place.code.startswith("U"):
                continue
            until = plan[i + 1][0] if i + 1 < len(plan) else min(horizon, self.today)
            if (until - day).days < 120 or rng.random() > 0.25:
                continue
            length = rng.randint(2, 6) if rng.random() < 0.6 else rng.randint(7, 14)
            code = "T4" if length <= 6 else "T3"
            begin = day + days(rng.randint(30, (until - day).days - length - 30))
            back = begin + days(length)
            if any(begin - days(2) <= b <= back + days(2) for b in busy):
                continue
            respite = self.register.pick("foster", rng)
            if respite is place.carer:
                continue
            out.append((begin, _Place(code, "", None, respite.postcode, ""), ""))
            out.append((back, place, ""))
        out.sort(key=lambda p: p[0])
        return out

    def episodes(
        self,
        period: _Period,
        statuses: list[tuple[dt.date, str]],
        plan: list[tuple[dt.date, _Place, str]],
        home: str,
    ) -> None:
        """Turn the legal statuses and placements into 903 episodes: a new episode at each
        change, with its reason for new episode (as ``services_looked_after`` derives it)."""
        changes: dict[dt.date, dict[str, Any]] = defaultdict(dict)
        for day, status in statuses:
            changes[day]["ls"] = status
        for day, place, reason in plan:
            changes[day]["place"] = (place, reason)
        eps: list[_Ep] = []
        for day in sorted(changes):
            change = changes[day]
            if not eps:
                place, _ = change["place"]
                eps.append(_Ep(day, dfe.STARTED_CARE, change["ls"], place, period.cin, home))
                continue
            prev = eps[-1]
            status = change.get("ls", prev.ls)
            place, reason = change.get("place", (prev.place, ""))
            status_changed = status != prev.ls
            columns = (place.code, place.provider, place.postcode, place.urn)
            before = (prev.place.code, prev.place.provider, prev.place.postcode, prev.place.urn)
            place_changed = columns != before
            carer_changed = not place.same_carer(prev.place)
            if carer_changed:
                rne = "U" if status_changed else "P"
            elif place_changed:
                rne = "B" if status_changed else "T"
            elif status_changed:
                rne = dfe.LEGAL_STATUS_ONLY
            else:
                continue
            prev.end, prev.rec = day, dfe.CONTINUES
            if rne in dfe.PLACEMENT_CHANGES and not prev.place.temporary and not place.temporary:
                prev.rpc = reason or ("PLACE" if not carer_changed else "CARPL")
            eps.append(_Ep(day, rne, status, place, period.cin, home))
        last = eps[-1]
        if period.end is not None:
            last.end = period.end
            last.rec = self.reason_ceased(period, last)
        period.episodes = eps

    def reason_ceased(self, period: _Period, last: _Ep) -> str:
        rng, route, end = self.rng, period.route, period.end
        assert end is not None
        if route == "adoption" and last.place.code in ("A5", "A6"):
            return "E11" if rng.random() < 0.75 else "E12"
        if route in ("sgo", "cao") and last.place.code.startswith("U"):
            if route == "cao":
                return "E41"
            kinship = last.place.code in dfe.FAMILY_AND_FRIENDS_PLACEMENTS
            if end < SGO_CODES_FROM:
                return "E43"
            return "E45" if kinship else "E46"
        if route == "leaving" and period.kid.age(end) >= 16:
            return _weighted(rng, (("E5", 60), ("E6", 8), ("E13", 12), ("E8", 10), ("E4A", 10)))
        if route == "remand" and last.ls == "J1":
            return "E14"
        if route == "other":
            return _weighted(rng, (("E8", 40), ("E13", 40), ("E3", 15), ("E16", 5)))
        return "E4A" if rng.random() < 0.7 else "E4B"


def _sibling_groups(entries: list[_Entry]) -> list[list[_Entry]]:
    """Entries of siblings who came into care the same day, together."""
    groups: dict[tuple[dt.date, int], list[_Entry]] = {}
    for entry in entries:
        family = min([entry.kid.id, *entry.kid.siblings])
        groups.setdefault((entry.start, family), []).append(entry)
    return [groups[key] for key in sorted(groups, key=lambda k: (k[0], k[1]))]


# --- Writing the records ----------------------------------------------------------------------

AUDIENCE = {event: audience_text(kinds) for event, kinds in DEFAULT_AUDIENCE.items()}
LA_KIND = "local_authority"


def _label(model: type[Any], event: str = "") -> str:
    label: str = model._meta.label_lower
    return f"{label}.{event}" if event else label


class _Book:
    """The rows of every care record, with their chronology lines and the journey's changes."""

    def __init__(
        self,
        ctx: DemoContext,
        rng: random.Random,
        writer: _Writer,
        days: _Days,
        kids: dict[int, _Kid],
        register: _Register,
    ) -> None:
        self.ctx = ctx
        self.rng = rng
        self.today = ctx.today
        self.days = days
        self.kids = kids
        self.register = register
        self.partnership_id = ctx.get_partnership().pk
        self.la_id = ctx.agency(LA).pk
        self.police_id = ctx.agency(POLICE).pk
        users = list(ctx.users.values())
        self.user_by_id = {u.pk: u for u in users}
        self.cic_team = ctx.team(LA, CHILDREN_IN_CARE).pk
        self.cic = list(ctx.caseholders.get((LA, CHILDREN_IN_CARE), [])) or users[:1]
        self.leaving = list(ctx.caseholders.get((LA, LEAVING_CARE), [])) or self.cic
        self.iros = [u for u in users if u.role == "independent_reviewing_officer"] or self.cic
        self.managers: dict[int, User] = {}
        for user in users:
            if user.role == "team_manager" and user.team_id is not None:
                self.managers.setdefault(user.team_id, user)
        self.caseholders: dict[int, list[User]] = defaultdict(list)
        for (_, _), holders in ctx.caseholders.items():
            for user in holders:
                if user.team_id is not None:
                    self.caseholders[user.team_id].append(user)
        self.lado_user = ctx.users.get("lado") or self.cic[0]
        self._clocks: dict[tuple[str, dt.date], dt.date] = {}
        self._calendar = working_day_calendar()
        t = writer.table
        self.t_carer = t(
            Carer, "partnership_id", "name", "kind", "provider_code", "urn", "postcode", "ended_on"
        )
        self.t_episode = t(
            Episode,
            "child_id",
            "case_id",
            "started_on",
            "reason_new_episode",
            "legal_status",
            "category_of_need",
            "placement_type",
            "placement_provider",
            "carer_id",
            "ended_on",
            "reason_ceased",
            "reason_place_change",
            "home_postcode",
            "placement_postcode",
            "urn",
            "recorded_by_id",
            "recorded_at",
            "version",
        )
        self.t_review = t(
            CareReview,
            "child_id",
            "held_on",
            "participation",
            "chaired_by_id",
            "notes",
            "recorded_by_id",
            "version",
        )
        self.t_health = t(
            HealthAndEducationEvent, "child_id", "kind", "done_on", "notes", "recorded_by_id"
        )
        self.t_oc2 = t(
            AnnualOutcomes,
            "child_id",
            "year_ending",
            "sdq_score",
            "sdq_reason",
            "convicted",
            "health_check",
            "immunisations",
            "teeth_check",
            "health_assessment",
            "substance_misuse",
            "intervention_received",
            "intervention_offered",
        )
        self.t_decision = t(
            AdoptionDecision, "child_id", "decided_on", "ceased_on", "reason_ceased"
        )
        self.t_match = t(
            AdoptionMatch,
            "child_id",
            "best_interests_on",
            "matched_on",
            "foster_carer_adoption",
            "number_of_adopters",
            "adopters_sex",
            "adopters_legal_status",
        )
        self.t_perm = t(PreviousPermanence, "child_id", "kind", "la", "made_on", "made_on_text")
        self.t_profile = t(
            CareProfile,
            "child_id",
            "uasc",
            "uasc_ceased_on",
            "is_mother",
            "mothers_child_born_on",
            "version",
        )
        self.t_worker = t(
            SocialWorkerEpisode,
            "child_id",
            "social_worker_id",
            "worker_id",
            "started_on",
            "ended_on",
            "reason_changed",
        )
        self.t_oc3 = t(
            CareLeaverContact,
            "child_id",
            "year_ending",
            "in_touch",
            "activity",
            "accommodation",
            "contacted_on",
        )
        self.t_pathway = t(
            PathwayPlan,
            "child_id",
            "agreed_on",
            "reviewed_on",
            "personal_adviser_id",
            "summary",
            "recorded_by_id",
        )
        self.t_missing = t(
            MissingEpisode,
            "child_id",
            "kind",
            "started_at",
            "ended_at",
            "reported_by_agency_id",
            "police_reference",
            "last_seen_location",
            "found_location",
            "associates",
            "exploitation_concern",
            "rhi_offered_at",
            "rhi_accepted",
            "rhi_held_on",
            "rhi_outcome",
            "recorded_by_id",
            "version",
        )
        self.t_screen = t(
            ExploitationScreening,
            "child_id",
            "screened_on",
            "sexual_exploitation",
            "criminal_exploitation",
            "other_exploitation",
            "risk",
            "indicators",
            "summary",
            "screened_by_id",
            "agency_id",
        )
        self.t_mace = t(
            MaceMeeting,
            "partnership_id",
            "held_on",
            "chair_id",
            "decisions",
            "disruption_actions",
            "recorded_by_id",
        )
        self.t_mace_agencies = writer.m2m(MaceMeeting.agencies_present)
        self.t_mace_children = writer.m2m(MaceMeeting.children)
        self.t_link = t(
            ExploitationLink,
            "child_id",
            "kind",
            "other_child_id",
            "description",
            "first_noted_on",
            "source",
            "recorded_by_id",
            "ended_on",
            "ended_reason",
        )
        self.t_lado = t(
            LadoAllegation,
            "partnership_id",
            "received_on",
            "referred_by",
            "referring_sector",
            "employer",
            "person_role",
            "person_name",
            "category",
            "summary",
            "initial_consideration_on",
            "initial_decision",
            "outcome",
            "outcome_on",
            "employer_actions",
            "dbs_referral",
            "closed_on",
            "lado_id",
            "version",
        )
        self.t_lado_children = writer.m2m(LadoAllegation.children)
        self.t_lado_meeting = t(
            LadoMeeting,
            "allegation_id",
            "held_on",
            "kind",
            "attendees",
            "decisions",
            "recorded_by_id",
        )
        self.t_fostering = t(
            PrivateFostering,
            "child_id",
            "notified_on",
            "proposed_start_on",
            "started_on",
            "carer_name",
            "carer_relationship",
            "ended_on",
            "end_reason",
            "recorded_by_id",
            "version",
        )
        self.t_visit = t(
            PrivateFosteringVisit,
            "arrangement_id",
            "visited_on",
            "child_seen",
            "child_seen_alone",
            "notes",
            "visited_by_id",
        )
        self.t_centroid = t(
            PostcodeCentroid, "postcode", "latitude", "longitude", "local_authority_code", "source"
        )
        self.t_line = t(
            ChronologyEntry,
            "child_id",
            "case_id",
            "occurred_on",
            "recorded_at",
            "event_type",
            "significance",
            "summary",
            "source_agency_id",
            "recorded_by_id",
            "audience",
            "record_type",
            "record_id",
        )
        self.t_move = t(
            CaseTransition,
            "case_id",
            "from_stage",
            "to_stage",
            "effective_on",
            "moved_by_id",
            "moved_at",
            "reason",
        )
        self.t_allocation = t(
            Allocation,
            "case_id",
            "team_id",
            "worker_id",
            "from_date",
            "allocated_by_id",
            "allocated_at",
            "reason",
        )
        # The journey's rows to change: (case id) -> values, written set-based at the end.
        self.case_changes: dict[int, dict[str, Any]] = {}
        self.move_changes: dict[int, str] = {}  # transition id -> reason of the move into care
        self.first_episode: dict[int, int] = {}  # case id -> first episode id
        self.referral_closures: dict[int, tuple[dt.date | None, str]] = {}
        self.extra_cases: list[int] = []
        self.counts: Counter[str] = Counter()
        self.profiled: set[int] = set()
        self.permanence: set[int] = set()
        self.health_done: defaultdict[int, list[tuple[str, dt.date]]] = defaultdict(list)
        self.away: defaultdict[int, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
        self.ceased: defaultdict[int, list[dt.date]] = defaultdict(list)
        self.open_plans: list[tuple[dt.date, str, int]] = []  # (ended on, reason, plan id)

    # Times ------------------------------------------------------------------------------------

    def moment(self, day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
        """``day`` at a London wall-clock time, as an aware UTC datetime."""
        local = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)
        return local.astimezone(dt.UTC)

    def recorded(self, day: dt.date) -> dt.datetime:
        """When masa learnt of something that happened on ``day``: mostly that day."""
        roll = self.rng.random()
        if roll < 0.03:
            day += dt.timedelta(days=self.rng.randint(8, 30))
        elif roll < 0.15:
            day += dt.timedelta(days=self.rng.randint(1, 5))
        if day >= self.today:
            return self.moment(self.today, 7, int(self.rng.random() * 59))
        minutes = 510 + int(self.rng.random() * 540)
        return self.moment(day, minutes // 60, minutes % 60)

    def due(self, code: str, start: dt.date) -> dt.date:
        key = (code, start)
        if key not in self._clocks:
            clock: Clock = compute_clock(CARE_RULES[code], start, self._calendar)
            self._clocks[key] = clock.due
        return self._clocks[key]

    def line(
        self,
        kid: _Kid,
        case_id: int,
        day: dt.date,
        event: EventType,
        summary: str,
        actor: User | None,
        record: tuple[str, int] | None = None,
        significance: str = Significance.MEDIUM,
        agency_id: int | None = None,
    ) -> None:
        self.t_line.add(
            kid.id,
            case_id,
            day,
            self.recorded(day),
            event.value,
            significance,
            summary,
            agency_id or self.la_id,
            actor.pk if actor else None,
            AUDIENCE[event],
            record[0] if record else "",
            record[1] if record else None,
        )
        self.counts["lines"] += 1

    # A period of care -------------------------------------------------------------------------

    def workers(self, period: _Period) -> list[tuple[dt.date, User | None, str]]:
        """Who the child's social worker was, from when, and why each one changed. A child still
        in care ends with their allocated worker (the case sits with the child's team)."""
        rng, start = self.rng, period.start
        last = period.last_day(self.today)
        ongoing = period.end is None
        team_id = period.kid.team_id if ongoing else self.cic_team
        holders = self.caseholders.get(team_id) or self.cic
        changes = [start]
        t = start
        while True:
            t += dt.timedelta(days=rng.randint(240, 720))
            if t >= last:
                break
            changes.append(t)
        chosen: list[User | None] = []
        for _ in changes:
            choice = holders[int(rng.random() * len(holders))]
            if chosen and chosen[-1] is choice and len(holders) > 1:
                choice = holders[(holders.index(choice) + 1) % len(holders)]
            chosen.append(choice)
        if ongoing:
            final = self.user_by_id.get(period.kid.worker_id or 0)
            if chosen[-1] is not final:
                if len(chosen) > 1 and chosen[-2] is final:
                    changes.pop()
                    chosen.pop()
                else:
                    chosen[-1] = final
        out = []
        for day, worker in zip(changes, chosen, strict=True):
            reason = _weighted(rng, SW_REASONS) if day >= SW_REASONS_FROM else ""
            out.append((day, worker, reason))
        return out

    def write_period(self, period: _Period) -> None:
        kid, entry = period.kid, period.entry
        case_id = entry.case_id
        spells = self.workers(period)
        ongoing = period.end is None
        team_id = kid.team_id if ongoing else self.cic_team
        manager = self.managers.get(team_id) or self.cic[0]

        def worker_on(day: dt.date) -> User:
            found = spells[0][1]
            for when, worker, _ in spells:
                if when <= day:
                    found = worker
            return found or manager

        # Episodes and their lines.
        for i, ep in enumerate(period.episodes):
            place = ep.place
            actor = worker_on(ep.start)
            ep.id = self.t_episode.add(
                kid.id,
                case_id,
                ep.start,
                ep.rne,
                ep.ls,
                ep.cin,
                place.code,
                place.provider,
                place.carer.id if place.carer else None,
                ep.end,
                ep.rec,
                ep.rpc,
                ep.home,
                place.postcode,
                place.urn,
                actor.pk,
                self.recorded(ep.start),
                1,
            )
            if place.carer is not None:
                used = ep.end or self.today
                if place.carer.last_used is None or used > place.carer.last_used:
                    place.carer.last_used = used
            if i == 0:
                self.first_episode[case_id] = ep.id
                continue
            year = dfe.collection_year(ep.start)
            what = dfe.label("RNE", ep.rne, year)
            if ep.rne in (dfe.LEGAL_STATUS_ONLY, "B", "U"):
                what += f" (legal status now {dfe.described('LS', ep.ls)})"
            self.line(
                kid,
                case_id,
                ep.start,
                EventType.SIGNIFICANT_EVENT,
                f"Looked after: {what[0].lower()}{what[1:]}",
                actor,
                (_label(Episode), ep.id),
            )
        self.counts["episodes"] += len(period.episodes)
        first, last_ep = period.episodes[0], period.episodes[-1]
        into_care = f"Became looked after: {dfe.described('LS', first.ls)}"
        opening = 0
        if entry.open_plan:
            # The plan was still open: it ends today's way, and the case moves on from it.
            self.open_plans.append((period.start, CIN_ENDED_FOR_CARE, entry.open_plan))
            manager_then = self.managers.get(kid.team_id) or self.cic[0]
            self.t_move.add(case_id, S.CIN_PLAN.value, S.LOOKED_AFTER.value, period.start,
                            manager_then.pk, self.moment(period.start, 11), into_care)  # fmt: skip
            self.line(kid, case_id, period.start, EventType.CIN_PLAN,
                      f"Child in need plan ended: {CIN_ENDED_FOR_CARE}", manager_then,
                      (_label(CINPlan), entry.open_plan))  # fmt: skip
            self.line(kid, case_id, period.start, EventType.SIGNIFICANT_EVENT,
                      "Became looked after by the local authority", manager_then,
                      (_label(Episode), first.id), Significance.HIGH)  # fmt: skip
            opening = 1
        else:
            self.move_changes[entry.transition_id] = into_care
        self.t_profile_child(kid)
        self.previous_permanence(kid, period.start)

        # The case: allocated to the team holding the child in care, each worker in turn; each
        # worker's spell is a 903 social worker episode.
        versions = 1 + opening
        for i, (when, worker, reason) in enumerate(spells):
            changed = dfe.label("SW_REASON", reason) if reason else "a new worker"
            why = (
                "Allocated on becoming looked after"
                if when == period.start
                else f"Change of social worker: {changed}"
            )
            self.t_allocation.add(
                case_id, team_id, worker.pk if worker else None, when, manager.pk,
                self.moment(when, 10), why,
            )  # fmt: skip
            versions += 1
            if worker is None:
                continue
            following = spells[i + 1] if i + 1 < len(spells) else None
            spell_id = self.t_worker.add(
                kid.id,
                worker.username[:20],
                worker.pk,
                when,
                following[0] if following else period.end,
                following[2] if following else "",
            )
            self.line(
                kid,
                case_id,
                when,
                EventType.ALLOCATION,
                f"Social worker for the looked-after child: {worker.first_name} {worker.last_name}",
                manager,
                (_label(SocialWorkerEpisode), spell_id),
                Significance.LOW,
            )
        change: dict[str, Any] = {"team_id": team_id, "versions": versions}
        if ongoing:
            change.update(
                stage=S.LOOKED_AFTER, closed_on=None, closure_reason="", worker_id=kid.worker_id
            )
            self.referral_closures[case_id] = (None, "")
        else:
            assert period.end is not None
            rec = last_ep.rec
            closure = CLOSURE_FOR_REASON_CEASED.get(rec, ReasonForClosure.RC7)
            reason = (
                f"{ReasonForClosure(closure).label} ({closure}). Ceased to be looked after: "
                f"{dfe.described('REC', rec, dfe.collection_year(period.end))}."
            )
            self.t_move.add(
                case_id,
                S.LOOKED_AFTER.value,
                S.CLOSED.value,
                period.end,
                manager.pk,
                self.moment(period.end, 11),
                reason,
            )
            self.line(
                kid,
                case_id,
                period.end,
                EventType.SIGNIFICANT_EVENT,
                "Ceased to be looked after by the local authority",
                worker_on(period.end),
                (_label(Episode, "end"), last_ep.id),
                Significance.HIGH,
            )
            self.line(
                kid, case_id, period.end, EventType.CLOSURE, f"Case closed: {reason}", manager
            )
            last_worker = spells[-1][1]
            change.update(
                stage=S.CLOSED,
                closed_on=period.end,
                closure_reason=reason[:200],
                worker_id=last_worker.pk if last_worker else None,
                versions=versions + 1,
            )
            self.referral_closures[case_id] = (period.end, closure)
        self.case_changes[case_id] = change
        if entry.extra:
            self.extra_cases.append(case_id)

        self.reviews(period)
        self.health(period, worker_on)
        self.adoption(period, worker_on)

    def t_profile_child(self, kid: _Kid) -> None:
        if kid.id in self.profiled:
            return
        self.profiled.add(kid.id)
        mother = False if kid.sex == Sex.FEMALE else None
        self.t_profile.add(kid.id, False, None, mother, None, 1)

    def previous_permanence(self, kid: _Kid, start: dt.date) -> None:
        """Every child starting care since April 2016 has a previous permanence answer: mostly
        none known (Z1); now and then a special guardianship or child arrangements order."""
        if kid.id in self.permanence:
            return
        self.permanence.add(kid.id)
        roll = self.rng.random()
        if roll < 0.93 or start - kid.born < dt.timedelta(days=400):
            self.t_perm.add(kid.id, "Z1", "", None, "")
            return
        kind = "P2" if roll < 0.97 else "P4"
        made = kid.born + dt.timedelta(days=self.rng.randint(200, (start - kid.born).days - 100))
        self.t_perm.add(kid.id, kind, "NUK", made, "")

    # Reviews, health and education, adoption --------------------------------------------------

    def workday(self, day: dt.date) -> dt.date:
        """The working day on or before ``day``."""
        index = self.days.index(day)
        if self.days.days[index] > day and index > 0:
            index -= 1
        return self.days.days[index]

    def reviews(self, period: _Period) -> None:
        """CLA reviews: the first within 20 working days, the second within 3 months, then every
        6 months; mostly on time, a few late; the same independent reviewing officer each time."""
        rng, kid = self.rng, period.kid
        stop = period.end if period.end is not None else self.today + dt.timedelta(days=1)
        demo_iro = self.ctx.users.get("iro")
        chair = demo_iro if demo_iro and rng.random() < 0.3 else rng.choice(self.iros)
        previous: dt.date | None = None
        count = 0
        while True:
            code = (
                ("cla_review_first", "cla_review_second")[count]
                if count < 2
                else ("cla_review_next")
            )
            due = self.due(code, period.start if previous is None else previous)
            if rng.random() < REVIEW_LATE_RATE:
                held = self.days.on_or_after(due + dt.timedelta(days=rng.randint(1, 30)))
            else:
                held = self.workday(
                    due - dt.timedelta(days=rng.randint(0, 6 if count == 0 else 25))
                )
            held = max(held, (previous or period.start) + dt.timedelta(days=1))
            if held >= stop or held > self.today:
                return
            participation = "PN0" if kid.age(held) < 4 else _weighted(rng, PARTICIPATION)
            review_id = self.t_review.add(
                kid.id,
                held,
                participation,
                chair.pk,
                "Care plan reviewed with the child, carers and parents.",
                chair.pk,
                1,
            )
            self.line(
                kid,
                period.entry.case_id,
                held,
                EventType.SIGNIFICANT_EVENT,
                f"Looked-after child's review held, chaired by {chair.first_name} "
                f"{chair.last_name}",
                chair,
                (_label(CareReview), review_id),
            )
            self.counts["reviews"] += 1
            if held > due:
                self.counts["reviews_late"] += 1
            previous = held
            count += 1

    def health_event(self, period: _Period, kind: str, day: dt.date, actor: User) -> None:
        kid = period.kid
        event_id = self.t_health.add(kid.id, kind, day, "", actor.pk)
        what = HealthEventKind(kind).label
        self.line(
            kid,
            period.entry.case_id,
            day,
            EventType.SIGNIFICANT_EVENT,
            f"{what} (looked-after child)",
            actor,
            (_label(HealthAndEducationEvent), event_id),
            Significance.LOW,
        )
        self.health_done[kid.id].append((kind, day))
        self.counts["health"] += 1

    def on_time(self, due: dt.date, late_rate: float, early: int, late: int) -> dt.date:
        if self.rng.random() < late_rate:
            return self.days.on_or_after(due + dt.timedelta(days=self.rng.randint(1, late)))
        return self.workday(due - dt.timedelta(days=self.rng.randint(0, early)))

    def health(self, period: _Period, worker_on: Callable[[dt.date], User]) -> None:
        """Initial and review health assessments, dental and immunisation checks, and personal
        education plans with their termly reviews, each mostly on time."""
        rng, kid, start = self.rng, period.kid, period.start
        stop = min(period.end or self.today + dt.timedelta(days=1), self.today + dt.timedelta(1))
        H = HealthEventKind
        nurse = worker_on(start)
        last: dt.date | None = None
        if rng.random() >= IHA_MISSED_RATE:
            done = self.on_time(self.due("iha", start), IHA_LATE_RATE, 10, 30)
            done = max(done, start + dt.timedelta(days=1))
            if done < stop:
                self.health_event(period, H.INITIAL_HEALTH_ASSESSMENT, done, nurse)
                last = done
        while last is not None:
            months = 6 if kid.age(last) < 5 else 12
            done = self.on_time(add_months(last, months), RHA_LATE_RATE, 35, 50)
            if done >= stop:
                break
            self.health_event(period, H.REVIEW_HEALTH_ASSESSMENT, done, worker_on(done))
            if rng.random() < 0.85:
                self.health_event(period, H.IMMUNISATIONS_UP_TO_DATE, done, worker_on(done))
            last = done
        dental = start + dt.timedelta(days=rng.randint(30, 150))
        while dental < stop:
            if kid.age(dental) >= 1:
                self.health_event(period, H.DENTAL_CHECK, self.workday(dental), worker_on(dental))
            dental += dt.timedelta(days=rng.randint(300, 400))
        pep_from = max(start, _birthday(kid.born, 3))
        if pep_from >= stop:
            return
        done = self.on_time(self.due("pep", pep_from), PEP_LATE_RATE, 6, 25)
        done = max(done, pep_from)
        kind = H.PERSONAL_EDUCATION_PLAN
        while done < stop:
            self.health_event(period, kind, done, worker_on(done))
            kind = H.PEP_REVIEW
            done = self.on_time(add_months(done, 3), PEP_LATE_RATE, 20, 30)

    def adoption(self, period: _Period, worker_on: Callable[[dt.date], User]) -> None:
        """The decision that the child should be placed for adoption and, once matched, the
        match (903 PlacedAdoption and AD1)."""
        milestones, kid, rng = period.adoption, period.kid, self.rng
        if milestones is None or milestones.decision > self.today:
            return
        last = period.episodes[-1]
        adopted = last.rec in ("E11", "E12")
        ceased, why = None, ""
        if period.end is not None and not adopted:
            ceased, why = period.end, "RD2"
        decision_id = self.t_decision.add(kid.id, milestones.decision, ceased, why)
        self.line(
            kid,
            period.entry.case_id,
            milestones.decision,
            EventType.SIGNIFICANT_EVENT,
            "Decision that the child should be placed for adoption",
            worker_on(milestones.decision),
            (_label(AdoptionDecision), decision_id),
        )
        if milestones.match > self.today or (period.end and milestones.match >= period.end):
            return
        if rng.random() < 0.8:
            sex = _weighted(rng, (("MF", 75), ("FF", 12), ("MM", 13)))
            status = ("L11" if rng.random() < 0.7 else "L2") if sex == "MF" else "L12"
            adopters = (2, sex, status)
        else:
            adopters = (1, "F1" if rng.random() < 0.85 else "M1", "L0")
        with_foster_carer = any(ep.place.code == "A5" for ep in period.episodes)
        match_id = self.t_match.add(
            kid.id, milestones.decision, milestones.match, with_foster_carer, *adopters
        )
        self.line(
            kid,
            period.entry.case_id,
            milestones.match,
            EventType.SIGNIFICANT_EVENT,
            "Matched with prospective adopters",
            worker_on(milestones.match),
            (_label(AdoptionMatch), match_id),
        )
        self.counts["adoption_matches"] += 1

    # Each year's outcomes (OC2) and care leavers ----------------------------------------------

    def outcomes(self, periods: list[_Period]) -> None:
        """An OC2 row for each child looked after continuously for 12 months at 31 March: what
        was recorded in the year (health assessments, dental checks, immunisations), an SDQ
        score from 4 to 16, convictions from 10, substance misuse from 11."""
        rng = self.rng
        for period in periods:
            kid = period.kid
            first_year = period.start.year + (
                1 if period.start <= dt.date(period.start.year, 4, 1) else 2
            )
            year = first_year
            while True:
                begin, end = dt.date(year - 1, 4, 1), dt.date(year, 3, 31)
                if end > self.today or (period.end is not None and period.end < end):
                    break
                if period.start > begin:
                    year += 1
                    continue
                done = {kind for kind, day in self.health_done[kid.id] if begin <= day <= end}
                H = HealthEventKind
                assessed = bool({H.INITIAL_HEALTH_ASSESSMENT, H.REVIEW_HEALTH_ASSESSMENT} & done)
                score, reason = None, ""
                if _birthday(kid.born, 4) <= begin and _birthday(kid.born, 17) > end:
                    score = max(0, min(40, round(rng.gauss(14, 6))))
                convicted = rng.random() < 0.04 if _birthday(kid.born, 10) < end else None
                check = rng.random() < 0.92 if _birthday(kid.born, 5) > end else None
                misuse = _birthday(kid.born, 11) < end and rng.random() < 0.05
                received = offered = None
                if misuse:
                    received = rng.random() < 0.7
                    offered = None if received else rng.random() < 0.6
                self.t_oc2.add(
                    kid.id,
                    year,
                    score,
                    reason,
                    convicted,
                    check,
                    H.IMMUNISATIONS_UP_TO_DATE in done or rng.random() < 0.6,
                    H.DENTAL_CHECK in done,
                    assessed,
                    misuse,
                    received,
                    offered,
                )
                self.counts["oc2"] += 1
                year += 1

    def leavers(self, periods: list[_Period]) -> None:
        """Pathway plans for young people eligible for leaving care support (13 weeks looked
        after since 14, some of it after 16), due by the 16th birthday and reviewed every 6
        months; OC3 contact around the 17th birthday of those no longer looked after."""
        rng, today = self.rng, self.today
        by_kid: dict[int, list[_Period]] = defaultdict(list)
        for period in periods:
            by_kid[period.kid.id].append(period)
        history = []
        for kid_id, spells in by_kid.items():
            kid = self.kids[kid_id]
            for period in spells:
                for ep in period.episodes:
                    history.append((kid_id, kid.born, ep.start, ep.end, ep.ls, ep.rec))
        for kid_id, spells in sorted(by_kid.items()):
            kid = self.kids[kid_id]
            fourteen, sixteen = _birthday(kid.born, 14), _birthday(kid.born, 16)
            counted, eligible = 0, None
            for period in sorted(spells, key=lambda p: p.start):
                first = max(period.start, fourteen)
                last = period.end or today  # the day care ended is not a day in care
                if last <= first:
                    continue
                need = 91 - counted
                counted += (last - first).days
                if last > sixteen and counted >= 91:
                    reached = first + dt.timedelta(days=max(0, need))
                    eligible = max(reached, sixteen)
                    break
            if eligible is None or eligible > today:
                continue
            adviser = self.leaving[int(rng.random() * len(self.leaving))]
            early = min(p.start for p in spells) < sixteen - dt.timedelta(days=60)
            if early:
                agreed = (
                    sixteen + dt.timedelta(days=rng.randint(1, 150))
                    if rng.random() < PATHWAY_PLAN_LATE_RATE
                    else sixteen - dt.timedelta(days=rng.randint(0, 60))
                )
            else:
                agreed = eligible + dt.timedelta(days=rng.randint(20, 90))
            agreed = max(agreed, fourteen, min(p.start for p in spells) + dt.timedelta(days=14))
            agreed = self.workday(agreed)
            on = agreed
            kind = "plan"
            while on <= today:
                plan_id = self.t_pathway.add(
                    kid_id,
                    agreed,
                    None if kind == "plan" else on,
                    adviser.pk,
                    "Education, training and where to live at 18; "
                    "health and money; who the young person can turn "
                    "to.",
                    adviser.pk,
                )
                self.line(
                    kid,
                    kid.case_on(on),
                    on,
                    EventType.SIGNIFICANT_EVENT,
                    "Pathway plan agreed" if kind == "plan" else "Pathway plan reviewed",
                    adviser,
                    (_label(PathwayPlan), plan_id),
                )
                self.counts["pathway_plans"] += 1
                kind = "review"
                on = self.workday(add_months(on, 6) + dt.timedelta(days=rng.randint(-20, 12)))
        # Contact around the 17th birthday, for the young people the 903 counts as care leavers.
        years = sorted({dfe.collection_year(_birthday(self.kids[k].born, 17)) for k in by_kid})
        for year in years:
            begin, end = dt.date(year - 1, 4, 1), dt.date(year, 3, 31)
            for kid_id in sorted(care_leavers(history, begin, end)):
                kid = self.kids[kid_id]
                birthday = _birthday(kid.born, 17)
                if not begin <= birthday <= end or birthday > today:
                    continue
                self.contact(kid, year, birthday)

    def contact(self, kid: _Kid, year: int, birthday: dt.date) -> None:
        rng = self.rng
        activities: Table = (
            (
                ("F2", 45),
                ("P2", 6),
                ("F5", 10),
                ("P5", 2),
                ("F4", 5),
                ("G5", 25),
                ("G4", 4),
                ("G6", 3),
            )
            if year >= 2022
            else (("F2", 45), ("P2", 6), ("F3", 15), ("P3", 2), ("G5", 25), ("G4", 4), ("G6", 3))
        )
        kind = _weighted(
            rng,
            (
                ("B", 25),
                ("D", 35),
                ("E", 15),
                ("K", 3),
                ("U", 5),
                ("S", 2),
                ("T", 3),
                ("C", 7),
                ("Y", 5),
            ),
        )
        suitable = "1" if rng.random() < 0.85 else "2"
        contacted = birthday + dt.timedelta(days=rng.randint(-40, 20))
        contacted = min(contacted, self.today)
        self.t_oc3.add(kid.id, year, "YES", _weighted(rng, activities), kind + suitable, contacted)
        self.counts["oc3"] += 1

    # Missing episodes and exploitation --------------------------------------------------------

    def now(self) -> dt.datetime:
        return self.moment(self.today, 7, 0)

    def missing_episode(
        self,
        kid: _Kid,
        case_id: int,
        day: dt.date,
        latest_end: dt.datetime,
        *,
        looked_after: bool,
        network: tuple[tuple[str, ...], tuple[str, ...], str] | None,
        still_missing: bool = False,
    ) -> dt.datetime | None:
        """One episode from ``day``; returns when it ended (None if it did not fit)."""
        rng = self.rng
        hour = _weighted(
            rng, ((15, 8), (17, 14), (19, 20), (21, 22), (23, 12), (1, 6), (10, 6), (13, 6), (8, 6))
        )
        started = self.moment(day, hour % 24, rng.randint(0, 59))
        hours = min(150.0, rng.lognormvariate(2.3, 1.0))
        ended: dt.datetime | None = started + dt.timedelta(hours=max(1.0, hours))
        if still_missing:
            ended = None
        elif ended is not None and ended >= latest_end:
            ended = latest_end - dt.timedelta(hours=1)
            if ended <= started + dt.timedelta(minutes=30):
                return None
        if ended is not None:
            began_local, ended_local = started.astimezone(LONDON), ended.astimezone(LONDON)
            if ended_local.date() >= dt.date(began_local.year, 4, 1) > began_local.date():
                return None  # the 903 wants an episode inside one collection year
        until = ended or self.now()
        margin = dt.timedelta(hours=12)
        if any(a - margin < until and started < b + margin for a, b in self.away[kid.id]):
            return None  # one child is not missing twice at once
        self.away[kid.id].append((started, until))
        away = looked_after and rng.random() < AWAY_SHARE and network is None
        kind = MissingKind.AWAY if away else MissingKind.MISSING
        by_police = rng.random() < 0.6
        associates: list[str] = []
        places: tuple[str, ...] = LAST_SEEN
        concern = False
        if network is not None:
            people, spots, _ = network
            associates = rng.sample(list(people), rng.randint(1, 2))
            places = (*spots, *LAST_SEEN[:3])
            concern = rng.random() < 0.85
        elif rng.random() < 0.15:
            associates = [
                rng.choice(
                    (
                        "a friend from school",
                        "older friends",
                        "a boyfriend",
                        "a girlfriend",
                        "cousins",
                    )
                )
            ]
        last_seen = rng.choice(places if looked_after else (*places[:-1], "the family home"))
        found = (
            ""
            if ended is None
            else rng.choice(FOUND if network is None else (*FOUND[:3], f"found at {network[1][0]}"))
        )
        offered = accepted = held = None
        outcome = ""
        if ended is not None and kind == MissingKind.MISSING:
            roll = rng.random()
            if ended > self.now() - dt.timedelta(hours=72) and roll < 0.5:
                pass  # the return is recent: the interview is still to be offered
            elif roll >= RHI_NOT_OFFERED_RATE:
                late = roll < RHI_NOT_OFFERED_RATE + RHI_LATE_RATE
                offered = ended + dt.timedelta(
                    hours=rng.randint(73, 160) if late else rng.randint(3, 68)
                )
                offered = min(offered, self.now())
                accepted = rng.random() >= RHI_DECLINED_RATE
                if accepted:
                    held = offered.astimezone(LONDON).date() + dt.timedelta(days=rng.randint(0, 5))
                    if held > self.today:
                        held = None
                    else:
                        outcome = rng.choice(
                            (
                                "Said they left after an argument at home; agreed a plan to call "
                                "their worker.",
                                "Would not say where they had been; worried about money they owe.",
                                "Was with older friends in the town centre; given safety advice.",
                                "Spoke about feeling unhappy in the placement; shared with the "
                                "social worker.",
                            )
                        )
                else:
                    outcome = "Declined the interview; the offer was shared with the social worker."
        actor = self.cic[int(rng.random() * len(self.cic))]
        reported = self.police_id if by_police else self.la_id
        reference = f"NP-{day.year}-{rng.randint(10000, 99999)}" if by_police else ""
        episode_id = self.t_missing.add(
            kid.id,
            kind.value,
            started,
            ended,
            reported,
            reference,
            last_seen,
            found,
            associates,
            concern,
            offered,
            accepted,
            held,
            outcome,
            actor.pk,
            1,
        )
        self.counts["missing"] += 1
        what = (
            "Reported missing"
            if kind == MissingKind.MISSING
            else ("Away from placement without authorisation")
        )
        record = (_label(MissingEpisode), episode_id)
        self.line(
            kid,
            case_id,
            day,
            EventType.SIGNIFICANT_EVENT,
            what,
            actor,
            record,
            Significance.HIGH,
            reported,
        )
        if ended is not None:
            back = ended.astimezone(LONDON).date()
            span = round((ended - started).total_seconds() / 3600)
            state = "missing" if kind == MissingKind.MISSING else "away from placement"
            self.line(
                kid,
                case_id,
                back,
                EventType.SIGNIFICANT_EVENT,
                f"Returned after being {state} for {span} hour{'s' if span != 1 else ''}",
                actor,
                (_label(MissingEpisode, "return"), episode_id),
            )
        if offered is not None:
            self.line(
                kid,
                case_id,
                offered.astimezone(LONDON).date(),
                EventType.SIGNIFICANT_EVENT,
                "Return home interview offered",
                actor,
                (_label(MissingEpisode, "rhi_offered"), episode_id),
            )
        if held is not None:
            self.line(
                kid,
                case_id,
                held,
                EventType.SIGNIFICANT_EVENT,
                "Return home interview held",
                actor,
                (_label(MissingEpisode, "rhi_held"), episode_id),
            )
        return ended if ended is not None else self.now()

    def missing_in_care(
        self,
        period: _Period,
        dates: list[dt.date],
        network: tuple[tuple[str, ...], tuple[str, ...], str] | None,
        still_missing: bool = False,
    ) -> int:
        """Episodes on these days while the child was in a settled (not temporary) placement,
        each back before the placement ended; returns how many were written."""
        written = 0
        free_from = dt.datetime.min.replace(tzinfo=dt.UTC)
        for day in sorted(set(dates)):
            ep = period.episode_on(day)
            if ep is None or ep.place.temporary:
                continue
            year = dfe.collection_year(day)
            if any(
                end < day and dfe.collection_year(end) == year for end in self.ceased[period.kid.id]
            ):
                continue  # the 903 would read it as missing after care ceased
            stop = ep.end if ep.end is not None else self.today + dt.timedelta(days=1)
            if (stop - day).days < 2:
                continue
            latest = min(self.moment(stop, 0, 0), self.now())
            if self.moment(day, 0, 0) < free_from or self.moment(day, 23, 0) >= latest:
                continue
            last = still_missing and day == max(dates)
            ended = self.missing_episode(
                period.kid,
                period.entry.case_id,
                day,
                latest,
                looked_after=True,
                network=network,
                still_missing=last,
            )
            if ended is not None:
                free_from = ended + dt.timedelta(hours=12)
                written += 1
        return written

    def spell_dates(self, begin: dt.date, until: dt.date, count: int) -> list[dt.date]:
        span = (until - begin).days
        if span < 3:
            return []
        return sorted({begin + dt.timedelta(days=self.rng.randint(0, span)) for _ in range(count)})

    def missing(
        self, periods: list[_Period], networks_for: dict[int, tuple[Any, dt.date, dt.date]]
    ) -> None:
        """Looked-after children of 11 and over: in about one year in four in care, a run of
        episodes over a few months (three or more within 90 days makes them repeat missing)."""
        rng, today = self.rng, self.today
        for period in periods:
            if period.end is not None:
                self.ceased[period.kid.id].append(period.end)
        for period in periods:
            kid = period.kid
            begin = max(period.start, _birthday(kid.born, 11))
            last = period.last_day(today)
            if begin >= last:
                continue
            network = networks_for.get(id(period))
            if network is not None:
                people, w0, w1 = network
                self.missing_in_care(
                    period, self.spell_dates(w0, min(w1, last), rng.randint(3, 8)), people
                )
            t = begin
            while t < last:
                year_end = min(last, t + dt.timedelta(days=365))
                if rng.random() < MISSING_FROM_CARE_RATE:
                    run = rng.randint(30, 120)
                    start = t + dt.timedelta(days=rng.randint(0, max(0, (year_end - t).days - 5)))
                    count = 1 + min(14, int(rng.expovariate(1 / 4)))
                    self.missing_in_care(
                        period,
                        self.spell_dates(
                            start, min(year_end, start + dt.timedelta(days=run)), count
                        ),
                        None,
                    )
                t = year_end

    def still_missing(self, periods: list[_Period], wanted: int) -> None:
        """A few looked-after teenagers are missing right now."""
        current = [p for p in periods if p.end is None and p.kid.age(self.today) >= 13]
        for period in self.rng.sample(current, min(wanted, len(current))):
            yesterday = self.today - dt.timedelta(days=1)
            self.missing_in_care(period, [yesterday], None, still_missing=True)

    def missing_from_home(self, periods: list[_Period]) -> None:
        """Children living at home go missing too (the police report most): a few episodes each
        for some teenagers known to children's social care, never while looked after."""
        rng, today = self.rng, self.today
        in_care: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
        for period in periods:
            in_care[period.kid.id].append((period.start, period.last_day(today)))
        candidates = [
            kid for kid in self.kids.values() if kid.age(today) >= 12 and len(kid.cases) >= 2
        ]
        years = self.ctx.profile.history_years
        wanted = max(2, round(len(candidates) * MISSING_FROM_HOME_RATE * years))
        for kid in rng.sample(candidates, min(wanted, len(candidates))):
            eleven = max(_birthday(kid.born, 11), today - dt.timedelta(days=365 * years))
            if eleven >= today - dt.timedelta(days=3):
                continue
            start = eleven + dt.timedelta(days=rng.randint(0, (today - eleven).days - 3))
            free = dt.datetime.min.replace(tzinfo=dt.UTC)
            for day in self.spell_dates(
                start, min(today, start + dt.timedelta(days=90)), rng.randint(1, 4)
            ):
                if any(a <= day <= b + dt.timedelta(days=1) for a, b in in_care[kid.id]):
                    continue
                if self.moment(day, 0, 0) < free:
                    continue
                nxt = [a for a, _ in in_care[kid.id] if a > day]
                limit = self.moment(min(nxt), 0, 0) if nxt else self.now()
                ended = self.missing_episode(
                    kid,
                    kid.case_on(day),
                    day,
                    min(limit, self.now()),
                    looked_after=False,
                    network=None,
                )
                if ended is not None:
                    free = ended + dt.timedelta(hours=12)

    def networks(self, periods: list[_Period]) -> dict[int, tuple[Any, dt.date, dt.date]]:
        """Groups of teenagers exploited together, about one a year: each member's missing
        episodes in the group's months share people and places; they are screened, discussed at
        monthly MACE meetings and linked to each other, the places and the people."""
        rng, today = self.rng, self.today
        years = self.ctx.profile.history_years
        found: dict[int, tuple[Any, dt.date, dt.date]] = {}
        count = max(1, round(years * min(1.0, len(periods) / 2500)))
        history_start = today - dt.timedelta(days=365 * years)
        for n in range(count):
            network = NETWORKS[n % len(NETWORKS)]
            # Spread over the years; the last group is recent, so the demo shows one under way.
            members: list[_Period] = []
            for _ in range(8):  # a few tries for a time when enough teenagers were in care
                w0 = (
                    today - dt.timedelta(days=rng.randint(60, 240))
                    if n == count - 1
                    else history_start + dt.timedelta(days=rng.randint(90, 365 * years - 200))
                )
                members = [
                    p
                    for p in periods
                    if id(p) not in found
                    and 12 <= p.kid.age(w0) <= 17
                    and p.start <= w0
                    and (p.end is None or p.end > w0 + dt.timedelta(days=60))
                ]
                if len(members) >= 3:
                    break
            w1 = min(today, w0 + dt.timedelta(days=rng.randint(180, 300)))
            chosen = rng.sample(members, min(len(members), rng.randint(3, 5)))
            if len(chosen) < 2:
                continue
            for period in chosen:
                found[id(period)] = (network, w0, min(w1, period.last_day(today)))
            self.exploitation(chosen, network, w0, w1, criminal=n % len(NETWORKS) != 2)
        return found

    def exploitation(
        self,
        members: list[_Period],
        network: tuple[tuple[str, ...], tuple[str, ...], str],
        w0: dt.date,
        w1: dt.date,
        *,
        criminal: bool,
    ) -> None:
        rng = self.rng
        people, places, vehicle = network
        manager = self.managers.get(self.cic_team) or self.cic[0]
        for period in members:
            kid = period.kid
            worker = self.cic[int(rng.random() * len(self.cic))]
            screened = self.workday(w0 + dt.timedelta(days=rng.randint(10, 40)))
            risk = "high" if rng.random() < 0.5 else "medium"
            for _ in range(2):
                if screened > min(w1, period.last_day(self.today)):
                    break
                indicators = rng.sample(INDICATORS, rng.randint(3, 5))
                if INDICATORS[0] not in indicators:
                    indicators.insert(0, INDICATORS[0])
                summary = (
                    f"Repeated missing episodes with {people[0]} and others; seen at {places[0]}."
                )
                self.t_screen.add(
                    kid.id,
                    screened,
                    not criminal,
                    criminal,
                    "",
                    risk,
                    indicators,
                    summary,
                    worker.pk,
                    self.la_id,
                )
                self.counts["screenings"] += 1
                screened = self.workday(screened + dt.timedelta(days=rng.randint(90, 150)))
                risk = "medium" if risk == "high" else "low"
            noted = w0 + dt.timedelta(days=rng.randint(5, 30))
            ended = w1 + dt.timedelta(days=rng.randint(60, 200))
            closed = ended < self.today and rng.random() < 0.5
            links: list[tuple[str, int | None, str]] = [("place", None, p) for p in places]
            links += [("associate", None, person) for person in people[:2]]
            links += [("vehicle", None, vehicle)]
            links += [("child", other.kid.id, "") for other in members if other is not period]
            for kind, other, description in links:
                self.t_link.add(
                    kid.id,
                    kind,
                    other,
                    description or "Missing together; seen together by police",
                    noted,
                    "Missing episodes and return home interviews",
                    worker.pk,
                    ended if closed else None,
                    "No contact or sightings for six months" if closed else "",
                )
                self.counts["links"] += 1
        # Monthly MACE meetings while the group is active.
        held = self.workday(w0 + dt.timedelta(days=rng.randint(25, 40)))
        agencies = [
            self.la_id,
            self.police_id,
            self.ctx.agency(ICB).pk,
            self.ctx.agency(HOSPITAL).pk,
        ]
        while held <= min(w1, self.today):
            meeting_id = self.t_mace.add(
                self.partnership_id,
                held,
                manager.pk,
                "Risk reviewed for each young person; safety plans updated with carers.",
                f"Police to disrupt: visits to {places[0]}; stop checks on {vehicle}.",
                manager.pk,
            )
            for agency_id in agencies:
                self.t_mace_agencies.add(meeting_id, agency_id)
            for period in members:
                if period.start <= held <= period.last_day(self.today):
                    self.t_mace_children.add(meeting_id, period.kid.id)
            self.counts["mace"] += 1
            held = self.workday(held + dt.timedelta(days=MACE_EVERY_DAYS))

    # LADO and private fostering ---------------------------------------------------------------

    def lado(self, periods: list[_Period]) -> None:
        """Allegations against people who work with children, about 80 a year in the borough:
        an allegation against a carer for each move made because of one ("ALLEG"), the rest
        from schools, nurseries, clubs and the other sectors the LADO's report counts."""
        rng, today = self.rng, self.today
        years = self.ctx.profile.history_years
        per_year = max(
            3, round(LADO_PER_YEAR_BOROUGH * self.ctx.profile.children / BOROUGH_CHILDREN)
        )
        start = today - dt.timedelta(days=365 * years)
        linked: list[tuple[dt.date, str, str, _Kid]] = []
        for period in periods:
            for prev, ep in zip(period.episodes, period.episodes[1:], strict=False):
                if prev.rpc == "ALLEG" and prev.place.carer is not None:
                    sector = "residential" if prev.place.code == "K2" else "foster_care"
                    linked.append(
                        (
                            ep.start - dt.timedelta(days=rng.randint(0, 3)),
                            sector,
                            prev.place.carer.name,
                            period.kid,
                        )
                    )
        others = max(0, per_year * years - len(linked))
        plans: list[tuple[dt.date, str, str, _Kid | None]] = list(linked)
        ages = sorted(self.kids.values(), key=lambda k: k.id)
        for _ in range(others):
            day = start + dt.timedelta(days=rng.randint(0, (today - start).days))
            sector = _weighted(rng, LADO_SECTORS)
            employer = rng.choice(LADO_EMPLOYERS[sector])
            kid = rng.choice(ages) if rng.random() < 0.6 else None
            if kid is not None and not 2 <= kid.age(day) <= 17:
                kid = None
            plans.append((day, sector, employer, kid))
        plans.sort(key=lambda p: (p[0], p[1], p[2]))
        lado = self.lado_user
        for received, sector, employer, kid in plans:
            received = self.workday(received)
            role = rng.choice(LADO_ROLES[sector])
            category = _weighted(rng, LADO_CATEGORIES)
            if sector in ("foster_care", "residential") and kid is not None:
                category = rng.choice(("physical", "emotional", "neglect"))
            answered = self.days.add(received, rng.choice((0, 0, 1, 1, 1, 2, 3)))
            considered = answered if answered <= today else None
            decision = (
                "strategy_meeting"
                if kid is not None and sector in ("foster_care", "residential")
                else _weighted(
                    rng, (("advice_only", 45), ("evaluation", 25), ("strategy_meeting", 30))
                )
            )
            if considered is None:
                decision = ""
            outcome, outcome_on, closed, actions, dbs = "", None, None, "", None
            meetings: list[tuple[dt.date, str]] = []
            version = 1
            if considered is not None:
                version += 1
                if decision == "strategy_meeting":
                    held = self.days.add(considered, rng.randint(1, 5))
                    meetings.append((held, "strategy"))
                    for _ in range(rng.randint(0, 2)):
                        held = self.days.add(held, rng.randint(15, 30))
                        meetings.append((held, "review"))
                    finished = held + dt.timedelta(days=rng.randint(10, 60))
                elif decision == "evaluation":
                    held = self.days.add(considered, rng.randint(2, 10))
                    meetings.append((held, "evaluation"))
                    finished = held + dt.timedelta(days=rng.randint(5, 40))
                else:
                    finished = considered + dt.timedelta(days=rng.randint(0, 10))
                meetings = [(d, k) for d, k in meetings if d <= today]
                if finished <= today:
                    table: Table = (
                        LADO_OUTCOMES
                        if decision != "advice_only"
                        else ((LadoOutcome.UNFOUNDED, 60), (LadoOutcome.UNSUBSTANTIATED, 40))
                    )
                    outcome = _weighted(rng, table)
                    outcome_on = self.workday(finished)
                    actions = rng.choice(EMPLOYER_ACTIONS[LadoOutcome(outcome)])
                    dbs = "DBS" in actions
                    closed_day = self.days.add(outcome_on, rng.randint(0, 10))
                    closed = closed_day if closed_day <= today else None
                    version += 2 if closed else 1
            person = f"{rng.choice(STAFF_FIRST_NAMES)} {rng.choice(STAFF_LAST_NAMES)}"
            allegation_id = self.t_lado.add(
                self.partnership_id,
                received,
                f"{LADO_REFERRERS[sector]}, {employer}",
                sector,
                employer,
                role,
                person,
                category,
                LADO_SUMMARIES[category].format(role=role.lower()),
                considered,
                decision,
                outcome,
                outcome_on,
                actions,
                dbs,
                closed,
                lado.pk,
                version + len(meetings),
            )
            if kid is not None:
                self.t_lado_children.add(allegation_id, kid.id)
            for held, kind in meetings:
                self.t_lado_meeting.add(
                    allegation_id,
                    held,
                    kind,
                    "LADO; the employer's manager and HR adviser; police; children's social care",
                    "Actions agreed: the employer to keep the person away from children while "
                    "enquiries continue; police to advise on any criminal investigation.",
                    lado.pk,
                )
            self.counts["lado"] += 1

    def private_fostering(self, periods: list[_Period]) -> None:
        """A handful of private fostering arrangements: notified (some late), visited within 7
        working days and then every 6 weeks in the first year and 12 weeks after, most ended."""
        rng, today = self.rng, self.today
        years = self.ctx.profile.history_years
        scale = self.ctx.profile.children / BOROUGH_CHILDREN
        wanted = max(3, round(PRIVATE_FOSTERING_PER_YEAR_BOROUGH * years * scale))
        in_care: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
        for period in periods:
            in_care[period.kid.id].append((period.start, period.last_day(today)))
        start = today - dt.timedelta(days=365 * years)
        kids = sorted(self.kids.values(), key=lambda k: k.id)
        made = 0
        for _ in range(wanted * 20):
            if made >= wanted:
                break
            kid = kids[int(rng.random() * len(kids))]
            proposed = start + dt.timedelta(days=rng.randint(60, (today - start).days - 10))
            if made == 0:
                proposed = today - dt.timedelta(days=rng.randint(40, 150))  # one current
            if not 5 <= kid.age(proposed) <= 14 or kid.id in in_care:
                continue
            notified = proposed - dt.timedelta(days=rng.randint(-20, 70))
            begun = proposed + dt.timedelta(days=rng.randint(0, 7))
            if notified > today or begun > today:
                continue
            sixteen = _birthday(kid.born, 16)
            finish = min(begun + dt.timedelta(days=rng.randint(60, 540)), sixteen)
            why = rng.choice(PF_END_REASONS[:3]) if finish < sixteen else "Turned 16"
            ended = finish if made > 0 and finish <= today else None
            if ended is None:
                why = ""
            name, relationship = rng.choice(PF_CARERS)
            worker = self.cic[int(rng.random() * len(self.cic))]
            visits = []
            visit = self.days.add(
                max(notified, begun),
                rng.randint(2, 7) if rng.random() < 0.85 else rng.randint(8, 15),
            )
            while visit <= min(today, ended or today):
                visits.append(visit)
                gap = 42 if (visit - begun).days < 365 else 84
                visit = self.workday(
                    visit
                    + dt.timedelta(
                        days=gap
                        - rng.randint(0, 10)
                        + (rng.randint(5, 20) if rng.random() < 0.1 else 0)
                    )
                )
            arrangement_id = self.t_fostering.add(
                kid.id,
                notified,
                proposed,
                begun,
                name.format(s=rng.choice(STAFF_LAST_NAMES)),
                relationship,
                ended,
                why,
                worker.pk,
                2 + (1 if ended else 0),
            )
            record = (_label(PrivateFostering), arrangement_id)
            self.line(
                kid,
                kid.case_on(notified),
                notified,
                EventType.SIGNIFICANT_EVENT,
                f"Private fostering notified: proposed to start {proposed.day} {proposed:%B %Y}",
                worker,
                record,
            )
            self.line(
                kid,
                kid.case_on(begun),
                begun,
                EventType.SIGNIFICANT_EVENT,
                "Private fostering arrangement started",
                worker,
            )
            for day in visits:
                alone = kid.age(day) >= 8 and rng.random() < 0.7
                seen = rng.random() < 0.95
                visit_id = self.t_visit.add(
                    arrangement_id,
                    day,
                    seen,
                    seen and alone,
                    "Visited at the carer's home.",
                    worker.pk,
                )
                self.line(
                    kid,
                    kid.case_on(day),
                    day,
                    EventType.SIGNIFICANT_EVENT,
                    f"Private fostering visit: child {'seen' if seen else 'not seen'}",
                    worker,
                    (_label(PrivateFosteringVisit), visit_id),
                    Significance.LOW,
                )
            if ended is not None:
                self.line(
                    kid,
                    kid.case_on(ended),
                    ended,
                    EventType.SIGNIFICANT_EVENT,
                    f"Private fostering arrangement ended: {why}",
                    worker,
                )
            in_care[kid.id].append((proposed, ended or today))
            made += 1
            self.counts["private_fostering"] += 1

    # The register, postcodes and the journey's rows -------------------------------------------

    def carers(self) -> None:
        """The register's rows (ids given by ``_Register``), with the foster households that
        stopped fostering a while after their last child left."""
        rng, today = self.rng, self.today
        for row in self.register.rows:
            ended = None
            if (
                row.kind == CarerKind.FOSTER_CARER
                and row.last_used is not None
                and row.last_used < today - dt.timedelta(days=400)
                and rng.random() < 0.4
            ):
                ended = row.last_used + dt.timedelta(days=rng.randint(30, 300))
            self.t_carer.rows.append(
                (
                    row.id,
                    self.partnership_id,
                    row.name,
                    row.kind,
                    row.provider,
                    row.urn,
                    row.postcode,
                    ended,
                )
            )

    def centroids(self, postcodes: Iterable[str]) -> int:
        held = set(PostcodeCentroid.objects.values_list("postcode", flat=True))
        located = {row.postcode for row in self.register.rows if row.located}
        unlocated = {row.postcode for row in self.register.rows if not row.located}
        wanted = (set(postcodes) | located) - unlocated - held
        written = 0
        for postcode in sorted(wanted):
            place = centroid_of(postcode)
            if place is None:
                continue
            self.t_centroid.add(postcode, place[0], place[1], place[2], CENTROID_SOURCE)
            written += 1
        return written

    def update_journey(self, periods: list[_Period]) -> None:
        """The journey's rows that said the case closed when the child came into care: the move
        into care, the case's stage, team and worker, the line, the referral (a looked-after
        child's CIN episode stays open until care ceases) and, for a child in need plan turned
        into care, the plan's end."""
        starts = {p.entry.case_id: p.start for p in periods}
        ids = sorted(self.case_changes)
        versions: dict[int, int] = {}
        for chunk in _chunks(ids):
            versions.update(Case.objects.filter(pk__in=chunk).values_list("pk", "version"))
        _update_rows(
            Case,
            ("stage", "closed_on", "closure_reason", "team_id", "worker_id", "version"),
            [
                (
                    c["stage"].value,
                    c["closed_on"],
                    c["closure_reason"],
                    c["team_id"],
                    c["worker_id"],
                    versions.get(case_id, 1) + c["versions"],
                    case_id,
                )
                for case_id, c in ((i, self.case_changes[i]) for i in ids)
            ],
        )
        _update_rows(
            CaseTransition,
            ("to_stage", "reason"),
            [
                (S.LOOKED_AFTER.value, reason, pk)
                for pk, reason in sorted(self.move_changes.items())
            ],
        )
        lines = []
        for chunk in _chunks(ids):
            for pk, case_id, day in ChronologyEntry.objects.filter(
                case_id__in=chunk, event_type=EventType.CLOSURE
            ).values_list("pk", "case_id", "occurred_on"):
                if starts.get(case_id) == day:
                    lines.append(
                        (
                            EventType.SIGNIFICANT_EVENT.value,
                            Significance.HIGH.value,
                            "Became looked after by the local authority",
                            AUDIENCE[EventType.SIGNIFICANT_EVENT],
                            _label(Episode),
                            self.first_episode[case_id],
                            pk,
                        )
                    )
        _update_rows(
            ChronologyEntry,
            ("event_type", "significance", "summary", "audience", "record_type", "record_id"),
            lines,
        )
        referrals = []
        for chunk in _chunks(ids):
            for pk, case_id in Referral.objects.filter(case_id__in=chunk).values_list(
                "pk", "case_id"
            ):
                closed_on, code = self.referral_closures[case_id]
                referrals.append((closed_on, code, pk))
        _update_rows(Referral, ("closure_date", "closure_reason"), referrals)
        extra = sorted(set(self.extra_cases))
        plans = []
        for chunk in _chunks(extra):
            for pk, case_id, ended in CINPlan.objects.filter(case_id__in=chunk).values_list(
                "pk", "case_id", "ended_on"
            ):
                if ended == starts[case_id]:
                    plans.append((CIN_ENDED_FOR_CARE, pk))
        _update_rows(CINPlan, ("end_reason",), plans)
        _update_rows(CINPlan, ("ended_on", "end_reason"), self.open_plans)
        summary = f"Child in need plan ended: {CIN_ENDED_FOR_CARE}"
        ended_lines = []
        for chunk in _chunks(extra):
            for pk, case_id, day, text in ChronologyEntry.objects.filter(
                case_id__in=chunk, event_type=EventType.CIN_PLAN
            ).values_list("pk", "case_id", "occurred_on", "summary"):
                if day == starts[case_id] and text.startswith("Child in need plan ended"):
                    ended_lines.append((summary, pk))
        _update_rows(ChronologyEntry, ("summary",), ended_lines)


def _update_rows(model: type[Any], columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """UPDATE ... SET the columns WHERE id = the row's last value, for many rows in one
    ``executemany`` (``bulk_update`` builds a CASE per row: minutes at borough size)."""
    if not rows:
        return
    ops = connection.ops
    meta = model._meta
    fields = [next(f for f in meta.concrete_fields if f.attname == c) for c in columns]
    dates = [i for i, f in enumerate(fields) if f.get_internal_type() == "DateField"]
    assignments = ", ".join(f"{ops.quote_name(f.column)} = %s" for f in fields)
    sql = f"UPDATE {ops.quote_name(meta.db_table)} SET {assignments} WHERE id = %s"  # noqa: S608 - names from model metadata
    if dates and connection.vendor != "postgresql":
        rows = [
            tuple(ops.adapt_datefield_value(v) if i in dates else v for i, v in enumerate(row))
            for row in rows
        ]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start : start + 5000])


def _chunks(ids: list[int], size: int = 5000) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


# --- Build and reset --------------------------------------------------------------------------


def _stock_target(ctx: DemoContext) -> int:
    profile = ctx.profile
    if profile.name in STOCK:
        return STOCK[profile.name]
    return max(5, round(STOCK["borough"] * profile.children / BOROUGH_CHILDREN))


def build(ctx: DemoContext, rng: random.Random) -> None:
    partnership = ctx.get_partnership()
    today = ctx.today
    kids = _read_kids(partnership)
    target = _stock_target(ctx)
    homes = set(
        Address.objects.filter(child__partnership=partnership).values_list("postcode", flat=True)
    )
    register = _Register(random.Random(rng.getrandbits(64)), target / STOCK["borough"], homes)
    planner = _Planner(ctx, rng, kids, register)

    # Who is in care, from when to when: the journey's entries, then the stock the size asks for.
    groups = [planner.plan(group) for group in _sibling_groups(planner.journey_entries())]
    extra_kids = _calibrate(ctx, rng, planner, groups, target)

    # Episodes: siblings share their legal steps and, mostly, their placements.
    for group in groups:
        first = group[0]
        kids_in = [p.kid for p in group]
        eldest = max(k.age(first.start) for k in kids_in)
        statuses = planner.statuses(first.route, first.start, first.end, eldest, first.adoption)
        ages = [k.age(first.start) for k in kids_in]
        together = len(group) == 1 or (
            rng.random() < SIBLINGS_TOGETHER and max(ages) - min(ages) <= 8 and max(ages) < 16
        )
        shared = planner.placements(first, kids_in, statuses, rng) if together else None
        for period in group:
            plan = shared or planner.placements(period, [period.kid], statuses, rng)
            planner.episodes(period, statuses, plan, period.kid.home_on(period.start))
    periods = sorted((p for g in groups for p in g), key=lambda p: (p.start, p.kid.id))
    _unknown_distance_shows(periods)

    writer = _Writer()
    days = _Days(
        today.replace(year=today.year - ctx.profile.history_years - 2),
        today + dt.timedelta(days=400),
    )
    book = _Book(ctx, rng, writer, days, kids, register)
    for period in periods:
        book.write_period(period)
    book.outcomes(periods)
    book.leavers(periods)
    networks = book.networks(periods)
    book.missing(periods, networks)
    book.still_missing(periods, max(1, round(3 * target / STOCK["borough"])))
    book.missing_from_home(periods)
    book.lado(periods)
    book.private_fostering(periods)
    book.carers()
    centroids = book.centroids(homes)
    _update_children(ctx, extra_kids)
    book.update_journey(periods)
    counts = writer.flush()
    ctx.summary += _summary(ctx, periods, book, counts, centroids)


def _unknown_distance_shows(periods: list[_Period]) -> None:
    """A few children in care today (about one in 200, at least one) live with carers whose
    postcode masa cannot locate (a new-build street the postcode directory does not have yet):
    their distance from home shows as unknown. Carers with one such child are chosen, so only a
    few children are affected."""
    current = [p.episodes[-1].place for p in periods if p.end is None and p.episodes]
    children = Counter(place.carer.id for place in current if place.carer is not None)
    wanted = max(1, round(len(current) / 200))
    chosen: list[_CarerRow] = []
    ordered = sorted(
        current, key=lambda p: (p.code not in ("U4", "U6", "K2"), p.carer.id if p.carer else 0)
    )
    for place in ordered:
        carer = place.carer
        if carer is None or children[carer.id] != 1 or carer in chosen:
            continue
        chosen.append(carer)
        if len(chosen) == wanted:
            break
    for carer in chosen:
        carer.located = False


def _checkpoints(ctx: DemoContext, target: int) -> dict[dt.date, int]:
    """The children looked after wanted today and on the last few 31 Marches: a little fewer
    each year back (the seeds' numbers rose), none in the first year of the history, when the
    journeys that bring children into care have only just begun."""
    today = ctx.today
    first = today.replace(year=today.year - ctx.profile.history_years + 2)
    first = min(first, today - dt.timedelta(days=200))
    last_march = dt.date(
        today.year if today >= dt.date(today.year, 3, 31) else today.year - 1, 3, 31
    )
    wanted = {today: target}
    back = 0
    while (day := last_march.replace(year=last_march.year - back)) >= first:
        wanted[day] = round(target * (0.98 - 0.025 * back))
        back += 1
    return wanted


def _send_home(
    ctx: DemoContext,
    rng: random.Random,
    planner: _Planner,
    groups: list[list[_Period]],
    target: int,
) -> None:
    """Too many children in care today: some go home sooner, those outside the Children in
    Care and Leaving Care teams first (the people domain describes the others as in care)."""
    current = [g for g in groups if g[0].end is None]
    in_care = sum(len(g) for g in current)
    if in_care <= target:
        return
    cic = {ctx.team(LA, CHILDREN_IN_CARE).pk, ctx.team(LA, LEAVING_CARE).pk}
    rng.shuffle(current)
    current.sort(key=lambda g: any(p.kid.team_id in cic for p in g))
    for group in current:
        if in_care - len(group) < target:
            continue
        planner.shorten(group[0])
        for period in group[1:]:
            period.end, period.route, period.adoption = group[0].end, "home", None
        in_care -= len(group)


def _covers(period: _Period, day: dt.date) -> bool:
    return period.start <= day and (period.end is None or period.end > day)


def _calibrate(
    ctx: DemoContext,
    rng: random.Random,
    planner: _Planner,
    groups: list[list[_Period]],
    target: int,
) -> list[_Kid]:
    """Bring the number of children in care to the size's stock, today and on the last few
    31 Marches: send some home sooner if there are too many today, then turn child in need
    plans' ends into care (ending before the child's next case) where there are too few.
    Returns the children whose care goes on today because of that: they move to the Children
    in Care Team."""
    wanted = _checkpoints(ctx, target)
    today = ctx.today
    _send_home(ctx, rng, planner, groups, target)
    stock = {day: sum(_covers(p, day) for g in groups for p in g) for day in wanted}
    spans: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    adopted = set()
    for periods in groups:
        for period in periods:
            spans[period.kid.id].append((period.start, period.last_day(today)))
            if period.adoption is not None:
                adopted.add(period.kid.id)
    cic_team = ctx.team(LA, CHILDREN_IN_CARE)
    holders = ctx.caseholders.get((LA, CHILDREN_IN_CARE), [])
    keep = {cic_team.pk, ctx.team(LA, LEAVING_CARE).pk}
    moved: list[_Kid] = []
    # Candidates that fill the most years still short go first: a child in care across several
    # 31 Marches, before one who fills a single year.
    candidates: list[tuple[list[_Period], list[dt.date]]] = []
    for entries in planner.extra_candidates() + planner.open_plan_candidates():
        if any(e.kid.id in adopted for e in entries):
            continue
        periods = planner.plan(entries, extra=True)
        covered = [day for day in wanted if _covers(periods[0], day)]
        if covered:
            candidates.append((periods, covered))
    used: set[int] = set()
    for least in range(len(wanted), 0, -1):
        for index, (periods, covered) in enumerate(candidates):
            if index in used:
                continue
            short = [day for day in covered if stock[day] < wanted[day]]
            if len(short) < least:
                continue
            if any(stock[day] + len(periods) > wanted[day] + 1 for day in covered):
                continue
            last = periods[0].last_day(today)
            if any(
                a <= last + dt.timedelta(days=1) and periods[0].start <= b + dt.timedelta(days=1)
                for p in periods
                for a, b in spans[p.kid.id]
            ):
                continue
            used.add(index)
            groups.append(periods)
            for day in covered:
                stock[day] += len(periods)
            for period in periods:
                spans[period.kid.id].append((period.start, last))
            if periods[0].end is None:
                worker = rng.choice(holders) if holders and rng.random() > 0.1 else None
                for period in periods:
                    if period.kid.team_id not in keep:
                        period.kid.team_id = cic_team.pk
                        period.kid.worker_id = worker.pk if worker else None
                    moved.append(period.kid)
    return moved


def _update_children(ctx: DemoContext, kids: list[_Kid]) -> None:
    """Children who became looked after when their child in need plan ended: the Children in
    Care Team holds them now, and the local authority's involvement goes on."""
    if not kids:
        return
    rng = random.Random(len(kids))
    _update_rows(
        Child,
        ("owning_team_id", "allocated_worker_id", "summary"),
        [(k.team_id, k.worker_id, rng.choice(CIC_SUMMARIES), k.id) for k in kids],
    )
    AgencyInvolvement.objects.filter(
        child_id__in=[k.id for k in kids], agency__kind=LA_KIND
    ).update(ended_on=None)


def _summary(
    ctx: DemoContext,
    periods: list[_Period],
    book: _Book,
    counts: dict[str, int],
    centroids: int,
) -> list[tuple[str, str]]:
    today = ctx.today
    current = [p for p in periods if p.end is None]
    year_ago = today - dt.timedelta(days=365)
    started = sum(1 for p in periods if p.start > year_ago)
    ceased = sum(1 for p in periods if p.end is not None and p.end > year_ago)
    kinship = far = unknown = 0
    for period in current:
        place = period.episodes[-1].place
        kinship += place.code in dfe.FAMILY_AND_FRIENDS_PLACEMENTS
        home, placed = centroid_of(period.episodes[-1].home), centroid_of(place.postcode)
        located = place.carer is None or place.carer.located
        if home is None or placed is None or not located:
            unknown += 1
            continue
        miles = _miles(home, placed)
        far += miles > 20
    n = book.counts

    def c(model: type[Any]) -> int:
        return counts.get(model._meta.label, 0)

    share = f"{kinship / len(current):.0%}" if current else "0%"
    years = ctx.profile.history_years
    return [
        (
            "Children looked after",
            f"{len(current):,} on {today.day} {today:%B %Y} ({share} with family and friends, "
            f"{far:,} more than 20 miles from home, {unknown:,} at a distance masa cannot "
            f"work out); {started:,} started and {ceased:,} ceased in the last year",
        ),
        (
            "Care episodes",
            f"{c(Episode):,} in {len(periods):,} periods of care; {c(Carer):,} carers and "
            f"providers; {c(CareReview):,} reviews ({n['reviews_late']:,} late); "
            f"{c(HealthAndEducationEvent):,} health and education records; "
            f"{c(AnnualOutcomes):,} OC2 rows; {c(AdoptionMatch):,} adoption matches",
        ),
        (
            "Care leavers",
            f"{c(PathwayPlan):,} pathway plans and reviews; {c(CareLeaverContact):,} OC3 "
            "contacts at 17",
        ),
        (
            "Missing and exploitation",
            f"{c(MissingEpisode):,} missing episodes; {c(ExploitationScreening):,} "
            f"screenings, {c(MaceMeeting):,} MACE meetings, {c(ExploitationLink):,} links",
        ),
        (
            "LADO and private fostering",
            f"{c(LadoAllegation):,} allegations (~{c(LadoAllegation) // years:,} a year); "
            f"{c(PrivateFostering):,} private fostering arrangements",
        ),
        ("Postcodes", f"{centroids:,} centroids of the demo's fictional postcodes"),
    ]


def _miles(a: tuple[Decimal, Decimal, str], b: tuple[Decimal, Decimal, str]) -> float:
    from masa.care.distance import great_circle_miles

    return great_circle_miles(a[0], a[1], b[0], b[1])


def reset(partnership: Partnership) -> None:
    """Remove every care record of the partnership, leaves first (set-based). The journey's
    reset removes the cases, moves, allocations and chronology lines this domain added."""
    children = Child.objects.filter(partnership=partnership)
    allegations = LadoAllegation.objects.filter(partnership=partnership)
    meetings = MaceMeeting.objects.filter(partnership=partnership)
    arrangements = PrivateFostering.objects.filter(child__in=children)
    steps: list[QuerySet[Any]] = [
        PrivateFosteringVisit.objects.filter(arrangement__in=arrangements),
        arrangements,
        LadoMeeting.objects.filter(allegation__in=allegations),
        LadoAllegation.children.through.objects.filter(ladoallegation__in=allegations),
        allegations,
        MaceMeeting.children.through.objects.filter(macemeeting__in=meetings),
        MaceMeeting.agencies_present.through.objects.filter(macemeeting__in=meetings),
        meetings,
        ExploitationLink.objects.filter(child__in=children),
        ExploitationScreening.objects.filter(child__in=children),
        MissingEpisode.objects.filter(child__in=children),
        StayingPut.objects.filter(child__in=children),
        PathwayPlan.objects.filter(child__in=children),
        CareLeaverContact.objects.filter(child__in=children),
        AnnualOutcomes.objects.filter(child__in=children),
        HealthAndEducationEvent.objects.filter(child__in=children),
        CareReview.objects.filter(child__in=children),
        SocialWorkerEpisode.objects.filter(child__in=children),
        AdoptionMatch.objects.filter(child__in=children),
        AdoptionDecision.objects.filter(child__in=children),
        PreviousPermanence.objects.filter(child__in=children),
        CareProfile.objects.filter(child__in=children),
        ReturnIdentifier.objects.filter(partnership=partnership),
        Episode.objects.filter(child__in=children),
        Carer.objects.filter(partnership=partnership),
        PostcodeCentroid.objects.filter(source=CENTROID_SOURCE),
    ]
    for queryset in steps:
        _delete(queryset)
