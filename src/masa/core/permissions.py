"""Roles and permissions, defined in code, each with a plain-English description.

The roles page (/roles/) renders these definitions for information-governance reviewers, and
docs/permission-matrix.csv states, role by role, what each page answers; a test reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Permission(StrEnum):
    VIEW_CHILD_RECORDS = "view_child_records"
    EDIT_CHILD_RECORDS = "edit_child_records"
    APPROVE_ACCESS_GRANTS = "approve_access_grants"
    BREAK_GLASS = "break_glass"
    REVIEW_BREAK_GLASS = "review_break_glass"
    VIEW_RECORD_ACCESS_REPORT = "view_record_access_report"
    VIEW_AUDIT_LOG = "view_audit_log"
    MANAGE_USERS = "manage_users"
    MANAGE_CALENDAR = "manage_calendar"
    VIEW_PARTNERSHIP_OVERVIEW = "view_partnership_overview"
    RECORD_CONTACTS = "record_contacts"
    ADD_AGENCY_CHECKS = "add_agency_checks"
    DECIDE_THRESHOLD = "decide_threshold"
    RECORD_CASEWORK = "record_casework"
    AUTHORISE_CASEWORK = "authorise_casework"
    CHAIR_CONFERENCES = "chair_conferences"
    RECORD_EARLY_HELP = "record_early_help"
    ADD_CHRONOLOGY_ENTRIES = "add_chronology_entries"
    EXPORT_CHRONOLOGY = "export_chronology"
    VIEW_WORK_LISTS = "view_work_lists"
    MERGE_RECORDS = "merge_records"
    RESTRICT_RECORDS = "restrict_records"
    CONFIGURE_PRACTICE = "configure_practice"
    REFER_CASE_REVIEW = "refer_case_review"
    VIEW_CASE_REVIEWS = "view_case_reviews"
    OVERSEE_CASE_REVIEWS = "oversee_case_reviews"
    MANAGE_CASE_REVIEWS = "manage_case_reviews"
    VIEW_ACTIONS = "view_actions"
    UPDATE_OWN_ACTIONS = "update_own_actions"
    MANAGE_ACTIONS = "manage_actions"
    VIEW_INDICATORS = "view_indicators"
    RECORD_CARE = "record_care"
    CHAIR_CARE_REVIEWS = "chair_care_reviews"
    RECORD_MISSING = "record_missing"
    VIEW_EXPLOITATION = "view_exploitation"
    MANAGE_LADO = "manage_lado"
    SUBMIT_RETURNS = "submit_returns"

    @property
    def description(self) -> str:
        return PERMISSION_DESCRIPTIONS[self]

    @property
    def exposes_personal_data(self) -> bool:
        return self in PERSONAL_DATA_PERMISSIONS


PERMISSION_DESCRIPTIONS: dict[Permission, str] = {
    Permission.VIEW_CHILD_RECORDS: (
        "See the records of children their agency works with (or is granted access to). "
        "Every view is written to the audit log."
    ),
    Permission.EDIT_CHILD_RECORDS: "Change the details of children they can see.",
    Permission.APPROVE_ACCESS_GRANTS: (
        "Give a named colleague time-limited access to one child's record, with a reason."
    ),
    Permission.BREAK_GLASS: (
        "In an emergency, open a child's record outside their normal access, giving a reason. "
        "The child's allocated worker and team managers are alerted and a manager reviews it."
    ),
    Permission.REVIEW_BREAK_GLASS: "Review emergency (break-glass) access and record the outcome.",
    Permission.VIEW_RECORD_ACCESS_REPORT: (
        "See who has viewed a child's record and when, for data protection and subject access "
        "requests."
    ),
    Permission.VIEW_AUDIT_LOG: "Search and export the audit log of every change and record view.",
    Permission.MANAGE_USERS: "See user accounts, their roles and sign-in status.",
    Permission.MANAGE_CALENDAR: (
        "Add a newly announced England and Wales bank holiday to the working-day calendar."
    ),
    Permission.VIEW_PARTNERSHIP_OVERVIEW: (
        "See the partnership's agencies, teams and aggregate figures (no child-level data)."
    ),
    Permission.RECORD_CONTACTS: (
        "Log a contact about a child with the front door (MASH), and record a new child or "
        "family member."
    ),
    Permission.ADD_AGENCY_CHECKS: (
        "Add their agency's information check to a contact being screened by the MASH."
    ),
    Permission.DECIDE_THRESHOLD: (
        "Record the threshold decision on a contact against the continuum of need."
    ),
    Permission.RECORD_CASEWORK: (
        "Record referrals, assessments, strategy discussions, section 47 enquiries, plans, "
        "visits and meetings for children their agency works with."
    ),
    Permission.AUTHORISE_CASEWORK: (
        "Authorise assessments, allocate and hand over cases, write management oversight "
        "notes and close cases."
    ),
    Permission.CHAIR_CONFERENCES: (
        "Record child protection conference decisions and share meeting packs."
    ),
    Permission.RECORD_EARLY_HELP: (
        "Lead or record early help assessments, plans and reviews, from any agency."
    ),
    Permission.ADD_CHRONOLOGY_ENTRIES: (
        "Add a significant event from their agency to a child's multi-agency chronology."
    ),
    Permission.EXPORT_CHRONOLOGY: (
        "Print or export a child's chronology (PDF or CSV). Every export is audited."
    ),
    Permission.VIEW_WORK_LISTS: (
        "See the team's work lists of what is due and overdue, by worker."
    ),
    Permission.MERGE_RECORDS: (
        "Merge two records that are the same person, keeping both audit trails."
    ),
    Permission.RESTRICT_RECORDS: (
        "Restrict a sensitive child's record (for example adopted or high-profile) so only "
        "named people can open it."
    ),
    Permission.CONFIGURE_PRACTICE: (
        "Set the partnership's local timescales and practice model (for example Signs of Safety)."
    ),
    Permission.REFER_CASE_REVIEW: (
        "Refer a child's case to the partnership to be considered for a rapid review or a local "
        "child safeguarding practice review."
    ),
    Permission.VIEW_CASE_REVIEWS: (
        "See the case reviews they are in the review group for, with the children's names and "
        "the rapid review pack, and add their agency's part."
    ),
    Permission.OVERSEE_CASE_REVIEWS: (
        "See every case review, its stage and its clocks, by its anonymised name (for example "
        "'Child K'), with its findings and recommendations. Children's names are shown only to "
        "the review group."
    ),
    Permission.MANAGE_CASE_REVIEWS: (
        "Run the case review pipeline: acknowledge referrals, record notifications, decisions and "
        "the Panel's response, commission reviews, manage review groups, learning themes and "
        "briefings."
    ),
    Permission.VIEW_ACTIONS: (
        "See the partnership's priorities, outcome measures and actions tracker (no child-level "
        "data)."
    ),
    Permission.UPDATE_OWN_ACTIONS: (
        "Update the progress of actions they own and close them with evidence of impact."
    ),
    Permission.MANAGE_ACTIONS: (
        "Set the partnership's priorities and outcome measures, create and assign actions."
    ),
    Permission.RECORD_CARE: (
        "Record a child's care: placements and episodes of care, health and education, care "
        "leavers' pathway plans and contact, adoption and permanence, private fostering."
    ),
    Permission.CHAIR_CARE_REVIEWS: (
        "Record a looked-after child's review as its independent reviewing officer."
    ),
    Permission.RECORD_MISSING: (
        "Record a missing or away-from-placement episode and its return home interview."
    ),
    Permission.VIEW_EXPLOITATION: (
        "See and record exploitation screenings, MACE meetings and the links between children, "
        "places and associates (restricted: every view is audited)."
    ),
    Permission.MANAGE_LADO: (
        "Manage allegations against people who work with children (the LADO's cases only)."
    ),
    Permission.SUBMIT_RETURNS: (
        "Import, validate and export the DfE's child-level returns (SSDA903, CIN census) and "
        "Ofsted's Annex A lists."
    ),
    Permission.VIEW_INDICATORS: (
        "See the partnership's indicators and benchmarks. Small numbers are suppressed for roles "
        "without access to children's records."
    ),
}

# Permissions that show information about identifiable people: roles holding any of these
# must sign in with two-factor authentication.
PERSONAL_DATA_PERMISSIONS = frozenset(
    {
        Permission.VIEW_CHILD_RECORDS,
        Permission.EDIT_CHILD_RECORDS,
        Permission.APPROVE_ACCESS_GRANTS,
        Permission.BREAK_GLASS,
        Permission.REVIEW_BREAK_GLASS,
        Permission.VIEW_RECORD_ACCESS_REPORT,
        Permission.VIEW_AUDIT_LOG,
        Permission.MANAGE_USERS,
        Permission.RECORD_CONTACTS,
        Permission.ADD_AGENCY_CHECKS,
        Permission.DECIDE_THRESHOLD,
        Permission.RECORD_CASEWORK,
        Permission.AUTHORISE_CASEWORK,
        Permission.CHAIR_CONFERENCES,
        Permission.RECORD_EARLY_HELP,
        Permission.ADD_CHRONOLOGY_ENTRIES,
        Permission.EXPORT_CHRONOLOGY,
        Permission.VIEW_WORK_LISTS,
        Permission.MERGE_RECORDS,
        Permission.RESTRICT_RECORDS,
        Permission.REFER_CASE_REVIEW,
        Permission.VIEW_CASE_REVIEWS,
        Permission.RECORD_CARE,
        Permission.CHAIR_CARE_REVIEWS,
        Permission.RECORD_MISSING,
        Permission.VIEW_EXPLOITATION,
        Permission.MANAGE_LADO,
        Permission.SUBMIT_RETURNS,
    }
)


@dataclass(frozen=True)
class RoleDefinition:
    code: str
    name: str
    description: str
    permissions: frozenset[Permission]
    # Roles that see records across the whole partnership for their purpose (not scoped by
    # agency involvement). Child pages still need VIEW_CHILD_RECORDS.
    partnership_wide_child_access: bool = False

    @property
    def requires_two_factor(self) -> bool:
        return any(p.exposes_personal_data for p in self.permissions)


P = Permission
_PRACTITIONER = frozenset(
    {
        P.VIEW_CHILD_RECORDS,
        P.BREAK_GLASS,
        P.RECORD_CONTACTS,
        P.ADD_CHRONOLOGY_ENTRIES,
        P.REFER_CASE_REVIEW,
        P.VIEW_CASE_REVIEWS,
        P.VIEW_ACTIONS,
        P.UPDATE_OWN_ACTIONS,
    }
)
# What everyone who works on the partnership's business sees: reviews by anonymised name, the
# actions tracker and the indicators (aggregate figures only).
_PARTNERSHIP_READER = frozenset(
    {P.VIEW_PARTNERSHIP_OVERVIEW, P.OVERSEE_CASE_REVIEWS, P.VIEW_ACTIONS, P.VIEW_INDICATORS}
)
_CASEWORKER = _PRACTITIONER | {
    P.EDIT_CHILD_RECORDS,
    P.RECORD_CASEWORK,
    P.RECORD_EARLY_HELP,
    P.EXPORT_CHRONOLOGY,
}

ROLES: dict[str, RoleDefinition] = {
    role.code: role
    for role in [
        RoleDefinition(
            "social_worker",
            "Social worker",
            "A children's social care practitioner who works with children and families.",
            _CASEWORKER | {P.VIEW_WORK_LISTS, P.RECORD_CARE, P.RECORD_MISSING, P.VIEW_EXPLOITATION},
        ),
        RoleDefinition(
            "team_manager",
            "Team manager",
            "Manages a team of practitioners; approves access and reviews emergency access.",
            _CASEWORKER
            | {
                P.RECORD_CARE,
                P.RECORD_MISSING,
                P.VIEW_EXPLOITATION,
                P.VIEW_INDICATORS,
                P.DECIDE_THRESHOLD,
                P.AUTHORISE_CASEWORK,
                P.VIEW_WORK_LISTS,
                P.MERGE_RECORDS,
                P.RESTRICT_RECORDS,
                P.APPROVE_ACCESS_GRANTS,
                P.REVIEW_BREAK_GLASS,
                P.VIEW_RECORD_ACCESS_REPORT,
            },
        ),
        RoleDefinition(
            "mash_practitioner",
            "MASH practitioner",
            "Works in the multi-agency safeguarding hub for their own agency (children's social "
            "care, police, health or education) and shares that agency's information.",
            _PRACTITIONER | {P.ADD_AGENCY_CHECKS},
        ),
        RoleDefinition(
            "designated_safeguarding_lead",
            "Designated safeguarding lead",
            "The school's lead for safeguarding; sees children on the school's roll who are "
            "known to the partnership.",
            _PRACTITIONER | {P.RECORD_EARLY_HELP},
        ),
        RoleDefinition(
            "health_safeguarding_practitioner",
            "Health safeguarding practitioner",
            "A named or designated safeguarding professional in a health organisation.",
            _PRACTITIONER | {P.RECORD_EARLY_HELP},
        ),
        RoleDefinition(
            "police_officer",
            "Police officer",
            "A police officer in a safeguarding or public protection unit.",
            _PRACTITIONER | {P.RECORD_MISSING, P.VIEW_EXPLOITATION},
        ),
        RoleDefinition(
            "independent_reviewing_officer",
            "Independent reviewing officer or conference chair",
            "Chairs child protection conferences and children looked after reviews.",
            _PRACTITIONER | {P.CHAIR_CONFERENCES, P.CHAIR_CARE_REVIEWS, P.EXPORT_CHRONOLOGY},
        ),
        RoleDefinition(
            "lado",
            "Local authority designated officer (LADO)",
            "Manages allegations against people who work with children.",
            _PRACTITIONER | {P.MANAGE_LADO},
        ),
        RoleDefinition(
            "business_manager",
            "Partnership business manager",
            "Runs the partnership's business unit: reviews, audits, governance and reporting.",
            _PARTNERSHIP_READER
            | {
                P.CONFIGURE_PRACTICE,
                P.REFER_CASE_REVIEW,
                P.VIEW_CASE_REVIEWS,
                P.MANAGE_CASE_REVIEWS,
                P.UPDATE_OWN_ACTIONS,
                P.MANAGE_ACTIONS,
            },
        ),
        RoleDefinition(
            "data_analyst",
            "Data analyst",
            "Prepares DfE returns, indicators and the partnership's performance reports.",
            _PARTNERSHIP_READER | {P.UPDATE_OWN_ACTIONS, P.SUBMIT_RETURNS},
        ),
        RoleDefinition(
            "independent_scrutineer",
            "Independent scrutineer",
            "Scrutinises the partnership's arrangements; read-only, aggregate information only.",
            _PARTNERSHIP_READER,
        ),
        RoleDefinition(
            "data_protection_officer",
            "Data protection officer",
            "Answers subject access requests and checks that records are viewed lawfully.",
            frozenset({P.VIEW_RECORD_ACCESS_REPORT, P.VIEW_AUDIT_LOG}),
            partnership_wide_child_access=False,
        ),
        RoleDefinition(
            "system_administrator",
            "System administrator",
            "Looks after user accounts, the audit log and the working-day calendar. Cannot see "
            "children's records.",
            frozenset({P.MANAGE_USERS, P.VIEW_AUDIT_LOG, P.MANAGE_CALENDAR}),
        ),
    ]
}

ROLE_CHOICES = [(role.code, role.name) for role in ROLES.values()]


def role_definition(code: str) -> RoleDefinition:
    return ROLES[code]
