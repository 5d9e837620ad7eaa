"""The one table of allowed moves between case stages (docs/adr/0007-case-stages.md).

It is a table, not a line: no further action (closure) is allowed at any open stage; a strategy
discussion can follow a contact straight away; cases step up from early help and down to it;
a child in need plan can follow an assessment, an enquiry, a conference or a child protection
plan; a child can become looked after from any stage from a referral on. Anything not listed is
refused by ``masa.journey.services.case_move`` with the reason.
"""

from __future__ import annotations

from .models import Stage

S = Stage

ALLOWED_MOVES: dict[Stage, frozenset[Stage]] = {
    S.CONTACT: frozenset({S.EARLY_HELP, S.REFERRAL, S.STRATEGY, S.CLOSED}),
    S.EARLY_HELP: frozenset({S.REFERRAL, S.STRATEGY, S.CLOSED}),  # step-up
    S.REFERRAL: frozenset({S.ASSESSMENT, S.STRATEGY, S.EARLY_HELP, S.LOOKED_AFTER, S.CLOSED}),
    S.ASSESSMENT: frozenset({S.STRATEGY, S.CIN_PLAN, S.EARLY_HELP, S.LOOKED_AFTER, S.CLOSED}),
    # Back to the plan: a strategy discussion during a child protection plan that starts no
    # new enquiry (the plan never stopped).
    S.STRATEGY: frozenset({S.S47, S.ASSESSMENT, S.CIN_PLAN, S.CP_PLAN, S.LOOKED_AFTER, S.CLOSED}),
    S.S47: frozenset({S.ICPC, S.CIN_PLAN, S.ASSESSMENT, S.LOOKED_AFTER, S.CLOSED}),
    S.ICPC: frozenset({S.CP_PLAN, S.CIN_PLAN, S.LOOKED_AFTER, S.CLOSED}),
    S.CP_PLAN: frozenset({S.CIN_PLAN, S.STRATEGY, S.LOOKED_AFTER, S.CLOSED}),
    S.CIN_PLAN: frozenset({S.STRATEGY, S.CP_PLAN, S.EARLY_HELP, S.LOOKED_AFTER, S.CLOSED}),
    # Care ceasing (masa.care.services_looked_after.care_ceased): closure, a child in need plan,
    # or a strategy discussion when there are concerns of significant harm at home. Not straight
    # to a child protection plan: only a conference makes one (docs/adr/0017-care-episodes.md).
    S.LOOKED_AFTER: frozenset({S.CIN_PLAN, S.STRATEGY, S.CLOSED}),
    S.CLOSED: frozenset(),
}

# What each move means, for the reason a refused move gives and the documentation table.
STAGE_NEEDS: dict[Stage, str] = {
    S.EARLY_HELP: "an early help decision or a step down",
    S.REFERRAL: "a threshold decision of referral, or a step up from early help",
    S.ASSESSMENT: "an accepted referral",
    S.STRATEGY: "reasonable cause to suspect significant harm",
    S.S47: "a strategy discussion that decided to start a section 47 enquiry",
    S.ICPC: "a section 47 enquiry whose outcome is an initial conference",
    S.CP_PLAN: "a conference decision that the child needs a child protection plan",
    S.CIN_PLAN: "an assessment, enquiry, conference or ended plan that leads to a CIN plan",
    S.LOOKED_AFTER: "the child placed in care (an order, police protection or accommodation)",
    S.CLOSED: "a closure or no further action decision",
}


def is_allowed(from_stage: Stage, to_stage: Stage) -> bool:
    return to_stage in ALLOWED_MOVES[from_stage]


def refusal_reason(from_stage: Stage, to_stage: Stage) -> str:
    if from_stage == S.CLOSED:
        return "This case is closed. Log a new contact to start new work with the child."
    allowed = ", ".join(sorted(Stage(s).label.lower() for s in ALLOWED_MOVES[from_stage]))
    return (
        f"A case at the stage '{Stage(from_stage).label}' cannot move to "
        f"'{Stage(to_stage).label}'. From here it can move to: {allowed}."
    )
