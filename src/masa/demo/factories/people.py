"""Children, in families, with their identifiers, parents, addresses and agencies.

Plans are drawn first (plain Python, all randomness in one place and in a fixed order), then
written in bulk: children, their involvements, family members and relationships, addresses,
and the name search keys. Identifiers, families and addresses are drawn from a second random
stream taken after the plans, so they never change which children are planned.
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max, Model
from django.utils import timezone

from masa.core.models import Partnership, User
from masa.demo.accounts import LA
from masa.people.identifiers import nhs_number_check_digit, upn_check_letter
from masa.people.models import (
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
from masa.people.services import search_keys_bulk_index

from .base import DemoContext, random_date
from .core import (
    ASSESSMENT_NORTH,
    ASSESSMENT_SOUTH,
    CHILD_PROTECTION,
    CHILDREN_IN_CARE,
    EARLY_HELP,
    FRONT_DOOR,
    HOSPITAL,
    ICB,
    LEAVING_CARE,
    POLICE,
    PRIMARY_SCHOOLS,
    PROBATION,
    SECONDARY_SCHOOLS,
    VOLUNTARY,
)

BATCH_SIZE = 2000
INSERT_BATCH_SIZE = 10_000
UNBORN_RATE = 0.0015  # unborn children are current cases only: a few dozen at borough size
UNALLOCATED_RATE = 0.15
SOCIAL_WORKER = "social.worker"  # the demo account given a caseload of its own
SOCIAL_WORKER_CASELOAD = 10
# Children known to Northshire Police and to Northbury High School, at least, so that the demo
# accounts there have someone to see whatever the seed.
MIN_VISIBLE = 5
GUARANTEED_SCHOOL = "Northbury High School"

FAMILY_SIZES = (1, 2, 3, 4, 5)
FAMILY_SIZE_WEIGHTS = (50, 25, 14, 8, 3)

# Owning team of a family: (team, weight, mean length of a case in days; None: still open).
# Cases close after a random (exponential) length, so the open caseload is roughly what a
# borough of this size carries (at borough size: ~550 in assessment, ~450 child protection,
# ~850 children in care) while the closed records build up over the years.
TEAMS = (
    (FRONT_DOOR, 1, None),
    (ASSESSMENT_NORTH, 24, 120),
    (ASSESSMENT_SOUTH, 24, 120),
    (CHILD_PROTECTION, 15, 300),
    (CHILDREN_IN_CARE, 10, 900),
    (EARLY_HELP, 14, 200),
)
# A lone young person of 16 or 17 is sometimes a care leaver.
LEAVING_CARE_SHARE = 0.3
UNBORN_TEAMS = ((ASSESSMENT_NORTH, 4), (ASSESSMENT_SOUTH, 4), (CHILD_PROTECTION, 2))
CASE_DAYS: dict[str, int | None] = {team: days for team, _, days in TEAMS} | {LEAVING_CARE: None}

# Chance that an agency is involved, by owning team (police, probation, voluntary: per family),
# and the mean length of each agency's involvement in days.
POLICE_RATE = {
    FRONT_DOOR: 0.4,
    ASSESSMENT_NORTH: 0.35,
    ASSESSMENT_SOUTH: 0.35,
    CHILD_PROTECTION: 0.6,
    CHILDREN_IN_CARE: 0.5,
    LEAVING_CARE: 0.4,
    EARLY_HELP: 0.2,
}
POLICE_DAYS, PROBATION_DAYS, VOLUNTARY_DAYS, ICB_DAYS, HOSPITAL_DAYS = 180, 365, 180, 365, 45
PROBATION_RATE = 0.06
VOLUNTARY_RATE = 0.1
ICB_RATE, HOSPITAL_RATE = 0.3, 0.2
UNBORN_ICB_RATE, UNBORN_HOSPITAL_RATE = 0.5, 0.9

# Names for children born 2009-2027 in a diverse northern English borough.
BOYS_NAMES = [
    "Oliver", "Noah", "George", "Harry", "Jack", "Charlie", "Leo", "Freddie", "Alfie",
    "Arthur", "Theo", "Oscar", "Archie", "Thomas", "Jacob", "Joshua", "William", "James",
    "Henry", "Ethan", "Mason", "Logan", "Riley", "Jayden", "Tyler", "Kai", "Lewis", "Dylan",
    "Liam", "Callum", "Connor", "Kyle", "Bailey", "Reece", "Harvey", "Finley", "Louie",
    "Tommy", "Ronnie", "Teddy", "Jaxon", "Reggie", "Albie", "Muhammad", "Mohammed", "Ibrahim",
    "Yusuf", "Ayaan", "Zayn", "Hamza", "Ali", "Adam", "Rayyan", "Musa", "Haris", "Zain",
    "Ilyas", "Idris", "Aryan", "Arjun", "Rohan", "Dev", "Kacper", "Jakub", "Szymon", "Filip",
    "Antoni", "Andrei", "Luca", "Matei", "Mateo", "Kofi", "Tobi", "Emeka", "Daniel", "Samuel",
    "Elijah", "Isaac", "Caleb", "Abdirahman", "Abdullahi", "Mustafa", "Omar", "Jamal",
    "Tyrese", "Marcus", "Malachi", "Ezra", "Kian", "Cian", "Ryan", "Owen", "Rhys", "Ewan",
    "Lucas", "Max", "Sonny", "Frankie", "Roman", "Jenson", "Hugo", "Elliot", "Brandon",
]  # fmt: skip
GIRLS_NAMES = [
    "Olivia", "Amelia", "Isla", "Ava", "Mia", "Ivy", "Lily", "Isabella", "Sophia", "Grace",
    "Freya", "Evie", "Ella", "Poppy", "Florence", "Willow", "Rosie", "Daisy", "Millie",
    "Ruby", "Sienna", "Harper", "Phoebe", "Matilda", "Emily", "Jessica", "Chloe", "Megan",
    "Holly", "Abbie", "Lacey", "Leah", "Paige", "Courtney", "Bethany", "Jade", "Kayleigh",
    "Amber", "Skye", "Maisie", "Lola", "Layla", "Aisha", "Maryam", "Fatima", "Zainab", "Hafsa",
    "Aleena", "Inaya", "Safa", "Amira", "Hana", "Noor", "Zara", "Eshal", "Anaya", "Priya",
    "Simran", "Aanya", "Zuzanna", "Julia", "Maja", "Hanna", "Alicja", "Oliwia", "Ioana",
    "Maria", "Elena", "Sofia", "Ayesha", "Khadija", "Hodan", "Ifrah", "Amani", "Adaeze",
    "Chiamaka", "Tolu", "Favour", "Precious", "Blessing", "Nia", "Imani", "Aaliyah", "Keira",
    "Niamh", "Erin", "Caitlin", "Orla", "Eilidh", "Sophie", "Hollie", "Esme", "Nancy", "Mila",
    "Aria", "Luna", "Thea", "Darcy", "Summer",
]  # fmt: skip
SURNAMES = [
    "Smith", "Jones", "Taylor", "Brown", "Wilson", "Johnson", "Walker", "Wright", "Robinson",
    "Thompson", "White", "Hughes", "Edwards", "Green", "Hall", "Wood", "Harris", "Lewis",
    "Martin", "Jackson", "Clarke", "Turner", "Hill", "Scott", "Cooper", "Morris", "Ward",
    "Moore", "King", "Watson", "Baker", "Harrison", "Morgan", "Young", "Allen", "Mitchell",
    "James", "Anderson", "Phillips", "Lee", "Bell", "Parker", "Davies", "Shaw", "Holmes",
    "Lord", "Ashworth", "Butterworth", "Greenwood", "Sutcliffe", "Barraclough", "Hargreaves",
    "Whittaker", "Crossley", "Schofield", "Pickles", "Haigh", "Brook", "Kershaw", "Ramsden",
    "Ackroyd", "Dobson", "Fletcher", "Heaton", "Kelly", "Murphy", "O'Brien", "Doyle",
    "Gallagher", "McDonald", "Campbell", "Stewart", "Murray", "Fraser", "Khan", "Hussain",
    "Ahmed", "Ali", "Akhtar", "Iqbal", "Mahmood", "Rashid", "Begum", "Bibi", "Shah", "Malik",
    "Butt", "Chaudhry", "Mirza", "Raza", "Qureshi", "Sheikh", "Anwar", "Rahman", "Uddin",
    "Miah", "Islam", "Choudhury", "Singh", "Kaur", "Sharma", "Mistry", "Chauhan", "Gill",
    "Sandhu", "Nowak", "Wójcik", "Kowalczyk", "Mazur", "Krawczyk", "Zając", "Popescu",
    "Ionescu", "Dumitru", "Horváth", "Balogh", "Okafor", "Adeyemi", "Okonkwo", "Mensah",
    "Osei", "Asante", "Abdi", "Mohamed", "Hassan", "Farah", "Warsame", "Yusuf", "Francis",
    "Grant", "Henry", "Reid", "Chen", "Wong", "Nguyen", "Tran", "Yilmaz", "Demir", "Nasser",
]  # fmt: skip

REFERRERS = [
    "a school", "the police", "a health visitor", "a GP", "the hospital emergency department",
    "a midwife", "a neighbour", "a relative", "the child", "a housing officer",
    "a nursery", "an anonymous caller", "the youth justice service",
]  # fmt: skip
CONCERNS = [
    "neglect and poor home conditions", "domestic abuse between the adults at home",
    "parental alcohol misuse", "parental drug misuse", "a parent's mental ill health",
    "an unexplained injury", "missing episodes and risk of exploitation",
    "poor school attendance", "emotional harm", "harmful sexual behaviour online",
    "self-harm", "physical chastisement", "criminal exploitation linked to county lines",
    "housing instability and overcrowding", "caring responsibilities for a parent",
]  # fmt: skip
UNBORN_CONCERNS = [
    "domestic abuse between the parents", "parental drug misuse", "parental alcohol misuse",
    "a parent's mental ill health", "older siblings previously removed from the parents' care",
    "a parent's own care history and lack of support",
]  # fmt: skip
CP_CATEGORIES = ["neglect", "physical abuse", "emotional abuse", "sexual abuse", "multiple"]
SUMMARIES = {
    FRONT_DOOR: [
        "Contact from {referrer} about {concern}; MASH information sharing under way.",
        "Referral from {referrer} raising {concern}; awaiting a MASH decision.",
    ],
    ASSESSMENT_NORTH: [
        "Child and family assessment after a referral from {referrer} about {concern}.",
        "Child in need plan focused on {concern}.",
        "Section 47 enquiry following concerns about {concern}.",
    ],
    CHILD_PROTECTION: [
        "Child protection plan (category: {category}) after concerns about {concern}.",
        "Subject of care proceedings; the concerns centre on {concern}.",
        "Pre-proceedings work under the Public Law Outline about {concern}.",
    ],
    CHILDREN_IN_CARE: [
        "Looked after under a care order and living with foster carers.",
        "Accommodated under section 20 and living with an aunt (connected person placement).",
        "Looked after in a children's home outside the borough after {concern}.",
        "Living with kinship carers under an interim care order.",
    ],
    LEAVING_CARE: [
        "Care leaver with a pathway plan and a personal adviser.",
        "Relevant child preparing to move to semi-independent accommodation.",
    ],
    EARLY_HELP: [
        "Early help plan with family support focused on {concern}.",
        "Team around the family supporting with {concern}.",
    ],
}
SUMMARIES[ASSESSMENT_SOUTH] = SUMMARIES[ASSESSMENT_NORTH]
UNBORN_SUMMARIES = [
    "Pre-birth assessment after a referral from a midwife about {concern}.",
    "Unborn baby; pre-birth child protection conference planned because of {concern}.",
]

Span = tuple[dt.date, dt.date | None]  # (started_on, ended_on)


@dataclass
class ChildPlan:
    first_name: str
    sex: str
    date_of_birth: dt.date  # the expected date of birth for an unborn child
    unborn: bool = False
    icb: Span | None = None
    hospital: Span | None = None
    nhs_number: str = ""
    upn: str = ""
    ethnicity: str = ""
    disabilities: list[str] = field(default_factory=list)
    restricted: bool = False


@dataclass
class AdultPlan:
    first_name: str
    last_name: str
    date_of_birth: dt.date
    lives_with_children: bool


@dataclass
class AddressPlan:
    line_1: str
    town: str
    postcode: str
    from_date: dt.date
    to_date: dt.date | None = None


@dataclass
class FamilyPlan:
    surname: str
    team: str
    case_start: dt.date
    case_end: dt.date | None
    summary: str
    children: list[ChildPlan] = field(default_factory=list)
    worker: User | None = None
    police: Span | None = None
    probation: Span | None = None
    voluntary: Span | None = None
    primary_school: str = ""
    secondary_school: str = ""
    adults: list[AdultPlan] = field(default_factory=list)
    addresses: list[AddressPlan] = field(default_factory=list)  # oldest first


def build(ctx: DemoContext, rng: random.Random) -> None:
    planner = _Planner(ctx, rng)
    families = planner.families(ctx.profile.children)
    _give_social_worker_a_caseload(ctx, families)
    _ensure_visible(planner, families)
    details = _Details(ctx, random.Random(rng.getrandbits(64)))
    details.add(families)

    # Plain parameterised INSERTs with ids given here (see _insert): building ~250,000 model
    # instances for bulk_create took most of the borough's time.
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    disabilities = Child._meta.get_field("disabilities")
    partnership_id = ctx.get_partnership().pk
    next_id = _next_id(Child)
    children: list[tuple[Any, ...]] = []
    names: list[tuple[int, str, str]] = []
    involvements: list[tuple[Any, ...]] = []
    for family in families:
        team_id = ctx.team(LA, family.team).pk
        worker_id = family.worker.pk if family.worker else None
        for plan in family.children:
            child_id, next_id = next_id, next_id + 1
            children.append(
                (
                    child_id,
                    partnership_id,
                    plan.first_name,
                    family.surname,
                    None if plan.unborn else ops.adapt_datefield_value(plan.date_of_birth),
                    ops.adapt_datefield_value(plan.date_of_birth) if plan.unborn else None,
                    plan.sex,
                    family.summary,
                    team_id,
                    worker_id,
                    1,
                    now,
                    plan.nhs_number,
                    plan.upn,
                    plan.ethnicity,
                    disabilities.get_db_prep_save(plan.disabilities, connection),
                    plan.restricted,
                    RESTRICTION_REASON if plan.restricted else "",
                )
            )
            names.append((child_id, plan.first_name, family.surname))
            involvements += _involvements(ctx, child_id, family, plan)
    _insert(Child, CHILD_COLUMNS, children)
    _insert(
        AgencyInvolvement,
        ("child_id", "agency_id", "started_on", "ended_on"),
        [
            (c, a, ops.adapt_datefield_value(s), ops.adapt_datefield_value(e))
            for c, a, s, e in involvements
        ],
    )
    members, relationships, addresses = _families_and_addresses(ctx, families, names)
    keys = search_keys_bulk_index(names)
    _move_id_sequences_on(Child, FamilyMember)

    unborn = sum(plan.unborn for family in families for plan in family.children)
    open_cases = sum(len(family.children) for family in families if family.case_end is None)
    unallocated = sum(len(f.children) for f in families if f.worker is None)
    ended = sum(row[3] is not None for row in involvements)
    ctx.summary += [
        (
            "Children",
            f"{len(children):,} in {len(families):,} families "
            f"({open_cases:,} open to children's services, {unborn:,} unborn, "
            f"{unallocated:,} unallocated)",
        ),
        ("Agency involvements", f"{len(involvements):,} ({ended:,} ended)"),
        (
            "Families",
            f"{members:,} family members, {relationships:,} relationships, {addresses:,} addresses",
        ),
        (
            "Records",
            f"{details.duplicates:,} likely duplicates to merge, "
            f"{details.restricted:,} restricted, {keys:,} search keys",
        ),
    ]


def reset(partnership: Partnership) -> None:
    PersonSearchKey.objects.filter(child__partnership=partnership).delete()
    Address.objects.filter(child__partnership=partnership).delete()
    Relationship.objects.filter(child__partnership=partnership).delete()
    FamilyMember.objects.filter(partnership=partnership).delete()
    AgencyInvolvement.objects.filter(child__partnership=partnership).delete()
    Child.objects.filter(partnership=partnership).update(merged_into=None)
    Child.objects.filter(partnership=partnership).delete()


class _Planner:
    def __init__(self, ctx: DemoContext, rng: random.Random) -> None:
        self.ctx = ctx
        self.rng = rng
        self.today = ctx.today
        years = ctx.profile.history_years
        self.history_start = ctx.today.replace(year=ctx.today.year - years)
        # Born children are 0-17: born after this date (and no later than today).
        self.eldest_born_after = ctx.today.replace(year=ctx.today.year - 18)

    def families(self, target: int) -> list[FamilyPlan]:
        rng = self.rng
        unborn = max(2, round(target * UNBORN_RATE)) if target >= 20 else 0
        families: list[FamilyPlan] = []
        born = 0
        while born < target - unborn:
            family = self.born_family(limit=target - unborn - born)
            families.append(family)
            born += len(family.children)
        for _ in range(unborn):
            families.insert(rng.randint(0, len(families)), self.unborn_family())
        return families

    def born_family(self, limit: int) -> FamilyPlan:
        rng, today = self.rng, self.today
        # The referral date first, spread evenly over the years, so referrals run at a steady
        # rate; then children who were born by then (and are under 18 today).
        team = rng.choices([t for t, _, _ in TEAMS], [w for _, w, _ in TEAMS])[0]
        if team == FRONT_DOOR:  # contacts are recent and still open
            start = random_date(rng, today - dt.timedelta(days=42), today)
        else:
            start = random_date(rng, self.history_start, today)
        end = self.end_of(start, CASE_DAYS[team])

        size = min(limit, rng.choices(FAMILY_SIZES, FAMILY_SIZE_WEIGHTS)[0])
        dob = random_date(rng, self.eldest_born_after + dt.timedelta(days=1), start)
        children: list[ChildPlan] = []
        names: list[str] = []
        # Younger siblings may be born while the case is open, not after it closed.
        while len(children) < size and dob <= (end or today):
            sex = rng.choice((Sex.MALE, Sex.FEMALE))
            first = rng.choice(BOYS_NAMES if sex == Sex.MALE else GIRLS_NAMES)
            if first in names:  # siblings do not share a first name
                continue
            names.append(first)
            children.append(ChildPlan(first_name=first, sex=sex, date_of_birth=dob))
            dob += dt.timedelta(days=rng.randint(330, 1600))

        lone = children[0] if len(children) == 1 else None
        if lone and _age(lone.date_of_birth, today) >= 16 and rng.random() < LEAVING_CARE_SHARE:
            team, end = LEAVING_CARE, None

        family = FamilyPlan(
            surname=rng.choice(SURNAMES),
            team=team,
            case_start=start,
            case_end=end,
            summary=self.summary(SUMMARIES[team]),
            children=children,
        )
        self.allocate(family)
        if rng.random() < POLICE_RATE[team]:
            # Police stay involved while the case is open (investigations, MARAC, bail).
            days = POLICE_DAYS if end is not None else None
            family.police = self.span_around(start, before=90, mean_days=days)
        self.add_other_agencies(family)
        family.primary_school = rng.choice(PRIMARY_SCHOOLS)
        family.secondary_school = rng.choice(SECONDARY_SCHOOLS)
        for child in children:
            if rng.random() < ICB_RATE:
                child.icb = self.span_after(child.date_of_birth, mean_days=ICB_DAYS)
            if rng.random() < HOSPITAL_RATE:
                child.hospital = self.span_after(child.date_of_birth, mean_days=HOSPITAL_DAYS)
        return family

    def unborn_family(self) -> FamilyPlan:
        rng, today = self.rng, self.today
        due = today + dt.timedelta(days=rng.randint(1, 140))  # up to 20 weeks ahead
        team = rng.choices([t for t, _ in UNBORN_TEAMS], [w for _, w in UNBORN_TEAMS])[0]
        start = today - dt.timedelta(days=rng.randint(0, 84))
        child = ChildPlan(first_name="Unborn", sex=Sex.UNKNOWN, date_of_birth=due, unborn=True)
        family = FamilyPlan(
            surname=rng.choice(SURNAMES),
            team=team,
            case_start=start,
            case_end=None,
            summary=self.summary(UNBORN_SUMMARIES, concerns=UNBORN_CONCERNS),
            children=[child],
        )
        self.allocate(family)
        if rng.random() < POLICE_RATE[team]:
            family.police = self.span_around(start, before=60, mean_days=None)
        self.add_other_agencies(family)
        # Midwifery and health visiting start before birth.
        if rng.random() < UNBORN_HOSPITAL_RATE:
            child.hospital = (today - dt.timedelta(days=rng.randint(0, 120)), None)
        if rng.random() < UNBORN_ICB_RATE:
            child.icb = (start, None)
        return family

    def allocate(self, family: FamilyPlan) -> None:
        caseholders = self.ctx.caseholders.get((LA, family.team), [])
        if caseholders and self.rng.random() >= UNALLOCATED_RATE:
            family.worker = self.rng.choice(caseholders)

    def add_other_agencies(self, family: FamilyPlan) -> None:
        # A parent on probation, or a voluntary sector family worker: whole-family involvements.
        if self.rng.random() < PROBATION_RATE:
            family.probation = self.span_around(
                family.case_start, before=365, mean_days=PROBATION_DAYS
            )
        if self.rng.random() < VOLUNTARY_RATE:
            family.voluntary = self.span_after(family.case_start, mean_days=VOLUNTARY_DAYS)

    def summary(self, templates: list[str], concerns: list[str] = CONCERNS) -> str:
        return self.rng.choice(templates).format(
            referrer=self.rng.choice(REFERRERS),
            concern=self.rng.choice(concerns),
            category=self.rng.choice(CP_CATEGORIES),
        )

    def end_of(self, start: dt.date, mean_days: int | None) -> dt.date | None:
        """When an involvement that started on ``start`` ended (None: it is still open)."""
        if mean_days is None:
            return None
        end = start + dt.timedelta(days=28 + round(self.rng.expovariate(1 / mean_days)))
        return end if end < self.today else None

    def span_after(self, earliest: dt.date, mean_days: int | None) -> Span:
        start = random_date(self.rng, max(earliest, self.history_start), self.today)
        return start, self.end_of(start, mean_days)

    def span_around(self, start: dt.date, before: int, mean_days: int | None) -> Span:
        start = min(start - dt.timedelta(days=self.rng.randint(0, before)), self.today)
        return start, self.end_of(start, mean_days)


def _give_social_worker_a_caseload(ctx: DemoContext, families: list[FamilyPlan]) -> None:
    """The demo social worker holds about ten current cases in their own team."""
    worker = ctx.users.get(SOCIAL_WORKER)
    if worker is None or worker.team is None:
        return
    team = [family for family in families if family.team == worker.team.name]
    # Cases that are still open first; closed ones are reopened only if too few are open.
    held = 0
    for family in [f for f in team if f.case_end is None] + [f for f in team if f.case_end]:
        if held + len(family.children) > SOCIAL_WORKER_CASELOAD:
            continue
        family.worker = worker
        family.case_end = None
        held += len(family.children)
        if held == SOCIAL_WORKER_CASELOAD:
            return


def _ensure_visible(planner: _Planner, families: list[FamilyPlan]) -> None:
    """Top up open police and Northbury High School involvements if a seed left too few."""
    today = planner.today

    def known_to_police() -> int:
        return sum(len(f.children) for f in families if f.police and f.police[1] is None)

    for family in families:
        if known_to_police() >= MIN_VISIBLE:
            break
        if family.police is None or family.police[1] is not None:
            family.police = (family.case_start, None)

    def at_school(family: FamilyPlan) -> int:
        return sum(_school_phase(child, today) == "secondary" for child in family.children)

    on_roll = sum(at_school(f) for f in families if f.secondary_school == GUARANTEED_SCHOOL)
    for family in families:
        if on_roll >= MIN_VISIBLE:
            break
        if family.secondary_school != GUARANTEED_SCHOOL and at_school(family):
            family.secondary_school = GUARANTEED_SCHOOL
            on_roll += at_school(family)


def _involvements(
    ctx: DemoContext, child_id: int, family: FamilyPlan, plan: ChildPlan
) -> list[tuple[int, int, dt.date, dt.date | None]]:
    """(child id, agency id, started on, ended on) of each agency working with the child."""
    spans: list[tuple[str, Span | None]] = [
        (LA, (family.case_start, family.case_end)),
        (POLICE, family.police),
        (ICB, plan.icb),
        (HOSPITAL, plan.hospital),
        (PROBATION, family.probation),
        (VOLUNTARY, family.voluntary),
    ]
    phase = _school_phase(plan, ctx.today)
    if phase:
        school = family.primary_school if phase == "primary" else family.secondary_school
        spans.append((school, (_phase_start(plan, phase), None)))

    rows = []
    for agency_name, span in spans:
        if span is None:
            continue
        started_on, ended_on = span
        if not plan.unborn:
            # A family's involvement reaches a younger sibling from birth, if still open then.
            if ended_on is not None and ended_on < plan.date_of_birth:
                continue
            started_on = max(started_on, plan.date_of_birth)
        rows.append((child_id, ctx.agency(agency_name).pk, started_on, ended_on))
    return rows


def _school_phase(child: ChildPlan, today: dt.date) -> str:
    """'primary', 'secondary' or '' (not yet at school), by English school year."""
    if child.unborn:
        return ""
    if _phase_start(child, "secondary") <= today:
        return "secondary"
    if _phase_start(child, "primary") <= today:
        return "primary"
    return ""


def _phase_start(child: ChildPlan, phase: str) -> dt.date:
    # Reception starts in the September after the fourth birthday, Year 7 seven years later.
    dob = child.date_of_birth
    cohort = dob.year if dob.month >= 9 else dob.year - 1
    return dt.date(cohort + (5 if phase == "primary" else 12), 9, 1)


def _age(dob: dt.date, today: dt.date) -> int:
    return today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))


# ---------------------------------------------------------------- identifiers and families

NHS_TEST_PREFIX = "999"  # NHS numbers starting 999 are set aside for test data: never real
LA_NUMBER = "999"  # a fictional local authority number for UPNs
SCHOOL_ESTABLISHMENTS = {
    "St Aidan's Primary School": "2001",
    "Moorside Primary School": "2002",
    "Northbury High School": "4001",
    "Riverside Academy": "4002",
}
NHS_NUMBER_RATE = 0.96  # born children with an NHS number on record
UPN_RATE = 0.95  # children at school with their UPN on record
DUPLICATE_RATE = 0.001  # lone children recorded a second time by mistake, to be merged
RESTRICTED_RATE = 0.002  # children in care whose records are restricted (adoption)
RESTRICTION_REASON = "Placed for adoption: restricted to the Children in Care Team"
MOTHER_RATE, FATHER_RATE = 0.97, 0.6
PREVIOUS_ADDRESS_RATE = 0.35
TOWN = "Northbury"

# A borough like Northbury (2021 census, simplified): mostly White British and Pakistani heritage.
ETHNICITIES = (
    (Ethnicity.WBRI, 58), (Ethnicity.APKN, 14), (Ethnicity.WOTH, 5), (Ethnicity.ABAN, 3),
    (Ethnicity.AIND, 2), (Ethnicity.MWAS, 2), (Ethnicity.MWBC, 2), (Ethnicity.MOTH, 2),
    (Ethnicity.BAFR, 3), (Ethnicity.BCRB, 1), (Ethnicity.AOTH, 1), (Ethnicity.WIRI, 1),
    (Ethnicity.WROM, 1), (Ethnicity.WIRT, 1), (Ethnicity.CHNE, 1), (Ethnicity.OOTH, 1),
    (Ethnicity.REFU, 1), (Ethnicity.NOBT, 1),
)  # fmt: skip
DISABILITY_CODES = [code for code in Disability.values if code != Disability.NONE]
MOTHERS_NAMES = [
    "Sarah", "Emma", "Gemma", "Kelly", "Stacey", "Danielle", "Lauren", "Jade", "Chelsea",
    "Amy", "Kayleigh", "Natasha", "Samantha", "Nicola", "Leanne", "Nadia", "Samina", "Shazia",
    "Rukhsana", "Aisha", "Fatima", "Ruksana", "Nasreen", "Agnieszka", "Monika", "Ioana",
    "Ngozi", "Chipo", "Amina", "Hodan", "Maria", "Joanne", "Claire",
]  # fmt: skip
FATHERS_NAMES = [
    "Daniel", "Craig", "Lee", "Wayne", "Dean", "Jamie", "Ryan", "Scott", "Carl", "Adam",
    "Liam", "Mark", "Imran", "Asif", "Tariq", "Kamran", "Zeeshan", "Adnan", "Bilal",
    "Tomasz", "Piotr", "Marius", "Kwame", "Emeka", "Abdi", "Mohamed", "Paul", "Gary",
]  # fmt: skip
STREETS = [
    "Moor Lane", "Church Street", "Mill Road", "Victoria Road", "Albert Street", "Park Avenue",
    "Station Road", "Beech Grove", "Hollin Lane", "Canal Side", "Weaver Close", "Kirkgate",
    "Fold Court", "Clough Road", "Ridgeway", "Ashfield Drive", "Greenside", "Tenter Street",
]  # fmt: skip
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # postcode inward codes never use C, I, K, M, O, V


class _Details:
    """Identifiers, a few duplicates and restricted records, parents and addresses."""

    def __init__(self, ctx: DemoContext, rng: random.Random) -> None:
        self.ctx = ctx
        self.rng = rng
        self.today = ctx.today
        self.duplicates = 0
        self.restricted = 0
        self.upn_serials: dict[tuple[str, int], int] = {}

    def add(self, families: list[FamilyPlan]) -> None:
        rng = self.rng
        children = [child for family in families for child in family.children]
        born = [child for child in children if not child.unborn]
        suffixes = iter(rng.sample(range(1_000_000), round(len(children) * 1.2) + 20))
        for family in families:
            ethnicity = rng.choices([e for e, _ in ETHNICITIES], [w for _, w in ETHNICITIES])[0]
            for child in family.children:
                child.ethnicity = ethnicity
                if child.unborn:
                    continue
                if rng.random() < NHS_NUMBER_RATE:
                    child.nhs_number = self.nhs_number(suffixes)
                child.disabilities = self.disabilities()
                phase = _school_phase(child, self.today)
                if phase and rng.random() < UPN_RATE:
                    school = (
                        family.primary_school if phase == "primary" else family.secondary_school
                    )
                    child.upn = self.upn(school, _phase_start(child, "primary").year)
            self.add_adults(family)
            self.add_addresses(family)
        self.add_duplicates(families, born)
        self.add_restrictions(families)

    def nhs_number(self, suffixes: Iterator[int]) -> str:
        while True:
            nine = f"{NHS_TEST_PREFIX}{next(suffixes):06d}"
            check = nhs_number_check_digit(nine)
            if check is not None:  # about one in eleven has no possible check digit
                return f"{nine}{check}"

    def upn(self, school: str, year: int) -> str:
        key = (school, year)
        serial = self.upn_serials.get(key, 0) + 1
        self.upn_serials[key] = serial
        if serial > 999:
            return ""
        body = f"{LA_NUMBER}{SCHOOL_ESTABLISHMENTS[school]}{year % 100:02d}{serial:03d}"
        return upn_check_letter(body) + body

    def disabilities(self) -> list[str]:
        roll = self.rng.random()
        if roll < 0.8:
            return [Disability.NONE]
        if roll < 0.93:
            return [self.rng.choice(DISABILITY_CODES)]
        if roll < 0.97:
            chosen = set(self.rng.sample(DISABILITY_CODES, 2))
            return [code for code in Disability.values if code in chosen]
        return []  # not yet recorded

    def add_adults(self, family: FamilyPlan) -> None:
        rng = self.rng
        eldest = min(child.date_of_birth for child in family.children)
        if rng.random() < MOTHER_RATE:
            born = eldest - dt.timedelta(days=rng.randint(17 * 365, 40 * 365))
            family.adults.append(
                AdultPlan(rng.choice(MOTHERS_NAMES), family.surname, born, rng.random() < 0.88)
            )
        if rng.random() < FATHER_RATE:
            born = eldest - dt.timedelta(days=rng.randint(18 * 365, 45 * 365))
            surname = family.surname if rng.random() < 0.7 else rng.choice(SURNAMES)
            family.adults.append(
                AdultPlan(rng.choice(FATHERS_NAMES), surname, born, rng.random() < 0.45)
            )

    def add_addresses(self, family: FamilyPlan) -> None:
        rng, today = self.rng, self.today
        moved_in = random_date(rng, family.case_start - dt.timedelta(days=5 * 365), today)
        if rng.random() < PREVIOUS_ADDRESS_RATE:
            earlier = moved_in - dt.timedelta(days=rng.randint(200, 3000))
            family.addresses.append(self.address(earlier, moved_in - dt.timedelta(days=1)))
        family.addresses.append(self.address(moved_in, None))

    def address(self, from_date: dt.date, to_date: dt.date | None) -> AddressPlan:
        rng = self.rng
        postcode = (
            f"NB{rng.randint(1, 9)} {rng.randint(1, 9)}"
            f"{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}"
        )
        line_1 = f"{rng.randint(1, 180)} {rng.choice(STREETS)}"
        return AddressPlan(line_1, TOWN, postcode, from_date, to_date)

    def add_duplicates(self, families: list[FamilyPlan], born: list[ChildPlan]) -> None:
        """A few lone children become second records of another child: a name typed
        differently, the same date of birth and address, and half the time the same NHS
        number (as when a contact arrives for a child already known under another spelling)."""
        rng = self.rng
        wanted = max(2, round(len(born) * DUPLICATE_RATE)) if len(born) >= 20 else 0
        lone = [f for f in families if len(f.children) == 1 and not f.children[0].unborn]
        rng.shuffle(lone)
        # Every born child by date of birth: the original must be born by the time the
        # duplicate's case started, so the duplicate's involvements still follow its birth.
        by_birth = sorted(
            (plan.date_of_birth, i, j)
            for i, other in enumerate(families)
            for j, plan in enumerate(other.children)
            if not plan.unborn
        )
        births = [entry[0] for entry in by_birth]
        used: set[int] = set()
        for family in lone:
            if self.duplicates >= wanted:
                break
            limit = bisect.bisect_right(births, family.case_start)
            for _ in range(20):
                if limit == 0:
                    break
                _, i, j = by_birth[rng.randrange(limit)]
                other = families[i]
                if other is family or id(other) in used:
                    continue
                used |= {id(other), id(family)}
                original, copy = other.children[j], family.children[0]
                copy.first_name = _misspelt(rng, original.first_name)
                copy.sex = original.sex
                copy.date_of_birth = original.date_of_birth
                copy.ethnicity = ""
                copy.nhs_number = original.nhs_number if rng.random() < 0.5 else ""
                copy.upn = ""
                family.surname = other.surname
                family.adults = []
                family.addresses = other.addresses[-1:]
                self.duplicates += 1
                break

    def add_restrictions(self, families: list[FamilyPlan]) -> None:
        in_care = [f for f in families if f.team == CHILDREN_IN_CARE]
        wanted = max(1, round(sum(len(f.children) for f in families) * RESTRICTED_RATE))
        for family in self.rng.sample(in_care, min(len(in_care), wanted)):
            family.children[0].restricted = True
            self.restricted += 1


def _misspelt(rng: random.Random, name: str) -> str:
    """The name as someone might mistype it: a doubled, dropped or swapped letter."""
    if len(name) < 4:
        return name + name[-1]
    i = rng.randint(1, len(name) - 2)
    kind = rng.choice(("double", "drop", "swap"))
    if kind == "double":
        return name[: i + 1] + name[i] + name[i + 1 :]
    if kind == "drop":
        return name[:i] + name[i + 1 :]
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :]


def _families_and_addresses(
    ctx: DemoContext, families: list[FamilyPlan], children: list[tuple[int, str, str]]
) -> tuple[int, int, int]:
    """Write parents, relationships and addresses; return how many of each.

    Family members get their ids here: relationships need them.
    """
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())

    def day(value: dt.date | None) -> object:
        return ops.adapt_datefield_value(value)

    partnership_id = ctx.get_partnership().pk
    next_member = _next_id(FamilyMember)
    members: list[tuple[Any, ...]] = []
    relationships: list[tuple[Any, ...]] = []
    addresses: list[tuple[Any, ...]] = []
    made_children = iter(children)
    for family in families:
        adult_ids = []
        for adult in family.adults:
            adult_ids.append(next_member)
            members.append(
                (
                    next_member,
                    partnership_id,
                    adult.first_name,
                    adult.last_name,
                    day(adult.date_of_birth),
                    "",
                    now,
                )
            )
            next_member += 1
        rows = [(next(made_children)[0], plan) for plan in family.children]
        for child_id, plan in rows:
            born = None if plan.unborn else plan.date_of_birth
            for member_id, adult in zip(adult_ids, family.adults, strict=True):
                relationships.append(
                    (
                        child_id,
                        member_id,
                        None,
                        RelationshipKind.PARENT.value,
                        "",
                        adult.lives_with_children,
                        day(born),
                        None,
                        now,
                    )
                )
            for address in family.addresses:
                start = address.from_date if born is None else max(address.from_date, born)
                if address.to_date is not None and address.to_date < start:
                    continue  # the family moved on before this child was born
                addresses.append(
                    (
                        child_id,
                        address.line_1,
                        "",
                        address.town,
                        address.postcode,
                        day(start),
                        day(address.to_date),
                        now,
                    )
                )
        for i, (child_id, _) in enumerate(rows):
            for sibling_id, later in rows[i + 1 :]:
                relationships.append(
                    (
                        child_id,
                        None,
                        sibling_id,
                        RelationshipKind.SIBLING.value,
                        "",
                        True,
                        day(None if later.unborn else later.date_of_birth),
                        None,
                        now,
                    )
                )
    _insert(
        FamilyMember,
        ("id", "partnership_id", "first_name", "last_name", "date_of_birth", "nhs_number",
         "created_at"),
        members,
    )  # fmt: skip
    _insert(
        Relationship,
        ("child_id", "family_member_id", "other_child_id", "kind", "other_kind",
         "lives_with_child", "started_on", "ended_on", "created_at"),
        relationships,
    )  # fmt: skip
    _insert(
        Address,
        ("child_id", "line_1", "line_2", "town", "postcode", "from_date", "to_date",
         "created_at"),
        addresses,
    )  # fmt: skip
    return len(members), len(relationships), len(addresses)


CHILD_COLUMNS = (
    "id", "partnership_id", "first_name", "last_name", "date_of_birth", "expected_date_of_birth",
    "sex", "summary", "owning_team_id", "allocated_worker_id", "version", "created_at",
    "nhs_number", "upn", "ethnicity", "disabilities", "is_restricted", "restriction_reason",
)  # fmt: skip


def _next_id(model: type[Model]) -> int:
    return (model._base_manager.aggregate(top=Max("pk"))["top"] or 0) + 1


def _move_id_sequences_on(*models: type[Model]) -> None:
    """After inserting rows with ids we chose, the database's next id must follow them."""
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(models)):
            cursor.execute(sql)


def _insert(model: type[Model], columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(map(quote, columns))}) "  # noqa: S608 - names from model metadata
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), INSERT_BATCH_SIZE):
            cursor.executemany(sql, rows[start : start + INSERT_BATCH_SIZE])
