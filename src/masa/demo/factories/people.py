"""Children, in families, and the agencies involved with them.

Plans are drawn first (plain Python, all randomness in one place and in a fixed order), then
written with ``bulk_create``: children, then their involvements.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from masa.core.models import Partnership, User
from masa.demo.accounts import LA
from masa.people.models import AgencyInvolvement, Child, Sex

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
    date_of_birth: dt.date
    unborn: bool = False
    icb: Span | None = None
    hospital: Span | None = None


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


def build(ctx: DemoContext, rng: random.Random) -> None:
    planner = _Planner(ctx, rng)
    families = planner.families(ctx.profile.children)
    _give_social_worker_a_caseload(ctx, families)
    _ensure_visible(planner, families)

    partnership = ctx.get_partnership()
    children: list[Child] = []
    for family in families:
        for plan in family.children:
            children.append(
                Child(
                    partnership=partnership,
                    first_name=plan.first_name,
                    last_name=family.surname,
                    date_of_birth=plan.date_of_birth,
                    sex=plan.sex,
                    summary=family.summary,
                    owning_team=ctx.team(LA, family.team),
                    allocated_worker=family.worker,
                )
            )
    # Primary keys come back from bulk_create (SQLite 3.35+, PostgreSQL): involvements need them.
    Child.objects.bulk_create(children, batch_size=BATCH_SIZE)

    involvements: list[AgencyInvolvement] = []
    rows = iter(children)
    for family in families:
        for plan in family.children:
            involvements += _involvements(ctx, next(rows), family, plan)
    AgencyInvolvement.objects.bulk_create(involvements, batch_size=BATCH_SIZE)

    unborn = sum(plan.unborn for family in families for plan in family.children)
    open_cases = sum(len(family.children) for family in families if family.case_end is None)
    unallocated = sum(child.allocated_worker is None for child in children)
    ended = sum(inv.ended_on is not None for inv in involvements)
    ctx.summary += [
        (
            "Children",
            f"{len(children):,} in {len(families):,} families "
            f"({open_cases:,} open to children's services, {unborn:,} unborn, "
            f"{unallocated:,} unallocated)",
        ),
        ("Agency involvements", f"{len(involvements):,} ({ended:,} ended)"),
    ]


def reset(partnership: Partnership) -> None:
    AgencyInvolvement.objects.filter(child__partnership=partnership).delete()
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
    ctx: DemoContext, child: Child, family: FamilyPlan, plan: ChildPlan
) -> list[AgencyInvolvement]:
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
        rows.append(
            AgencyInvolvement(
                child=child,
                agency=ctx.agency(agency_name),
                started_on=started_on,
                ended_on=ended_on,
            )
        )
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
