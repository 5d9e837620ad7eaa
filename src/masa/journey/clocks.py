"""Every casework clock masa shows, with its start event, rule and source.

The rules are data: statutory (S) and guidance (G) rules are fixed here with their source; local
(L) rules have masa's default here and a partnership may set its own value (``ClockSetting``,
changed through ``masa.journey.services.clock_setting_set``). The arithmetic is always
``masa.core.calendar.compute_clock``. Sources: shared/domain/timescales.md section 2.

Where Working Together and the DfE count differently (clarification on issue 4), both rules are
here: the case pages show the Working Together clock; the indicators use the DfE one.
"""

from __future__ import annotations

import dataclasses

from masa.care.clocks import CARE_RULES
from masa.care.selectors_lado import LADO_RULES
from masa.core.calendar import Basis, ClockRule, Unit, how_long
from masa.reviews.clocks import REVIEW_RULES

__all__ = ["DEFAULT_RULES", "EVERY_RULE", "how_long", "rules_for_partnership"]

WT = "Working Together to Safeguard Children 2023, chapter 3"
WD = Unit.WORKING_DAYS

DEFAULT_RULES: dict[str, ClockRule] = {
    rule.code: rule
    for rule in [
        ClockRule(
            "contact_decision",
            "Threshold decision on a contact",
            "the contact was received",
            1,
            WD,
            Basis.LOCAL,
            "the partnership's MASH protocol",
        ),
        ClockRule(
            "assessment",
            "Assessment completed and authorised",
            "the referral",
            45,
            WD,
            Basis.GUIDANCE,
            WT,
        ),
        ClockRule(
            "assessment_dfe",
            "Assessment authorised (DfE counting)",
            "the assessment started",
            45,
            WD,
            Basis.GUIDANCE,
            "DfE children in need census: assessment start to authorisation",
        ),
        ClockRule(
            "icpc",
            "Initial child protection conference",
            "the strategy discussion that started the section 47 enquiry",
            15,
            WD,
            Basis.GUIDANCE,
            WT,
        ),
        ClockRule(
            "icpc_dfe",
            "Initial child protection conference (DfE counting)",
            "the section 47 enquiry started",
            15,
            WD,
            Basis.GUIDANCE,
            "DfE children in need census: section 47 start to initial conference",
        ),
        ClockRule(
            "core_group_first",
            "First core group meeting",
            "the initial child protection conference",
            10,
            WD,
            Basis.GUIDANCE,
            WT,
        ),
        ClockRule(
            "core_group_next",
            "Next core group meeting",
            "the previous core group meeting",
            30,
            WD,
            Basis.LOCAL,
            "the partnership's child protection procedures",
        ),
        ClockRule(
            "review_conference_first",
            "First review child protection conference",
            "the initial child protection conference",
            3,
            Unit.MONTHS,
            Basis.GUIDANCE,
            WT,
        ),
        ClockRule(
            "review_conference_next",
            "Next review child protection conference",
            "the previous review conference",
            6,
            Unit.MONTHS,
            Basis.GUIDANCE,
            WT,
        ),
        ClockRule(
            "cp_visit",
            "Child protection visit (child seen)",
            "the plan started or the child was last seen",
            10,
            WD,
            Basis.LOCAL,
            "the partnership's child protection procedures (frequency set in the plan)",
        ),
        ClockRule(
            "cin_review",
            "Child in need plan review",
            "the plan started or was last reviewed",
            3,
            Unit.MONTHS,
            Basis.LOCAL,
            "the partnership's child in need procedures",
        ),
        ClockRule(
            "strategy",
            "Strategy discussion",
            "the decision that a strategy discussion is needed",
            1,
            WD,
            Basis.LOCAL,
            "the partnership's child protection procedures",
        ),
        ClockRule(
            "early_help_assessment",
            "Early help assessment completed",
            "early help started",
            30,
            WD,
            Basis.LOCAL,
            "the partnership's early help procedures",
        ),
        ClockRule(
            "early_help_review",
            "Early help plan review",
            "the plan was agreed or last reviewed",
            3,
            Unit.MONTHS,
            Basis.LOCAL,
            "the partnership's early help procedures",
        ),
        ClockRule(
            "conference_papers",
            "Conference papers shared with attendees and family",
            "papers shared (counted back from the conference)",
            3,
            WD,
            Basis.LOCAL,
            "the partnership's conference procedures; Ofsted asked that papers are shared "
            "before meetings",
        ),
    ]
}


# Every clock masa shows: casework and case reviews. The timescales page lists them all and a
# partnership may set its own value for any local one.
EVERY_RULE: dict[str, ClockRule] = {**DEFAULT_RULES, **CARE_RULES, **LADO_RULES, **REVIEW_RULES}


def rules_for_partnership(partnership_id: int) -> dict[str, ClockRule]:
    """The rules in force for a partnership: defaults with its own values for local rules."""
    from .models import ClockSetting

    rules = dict(EVERY_RULE)
    for code, duration, unit in ClockSetting.objects.filter(
        partnership_id=partnership_id
    ).values_list("code", "duration", "unit"):
        default = rules.get(code)
        if default is not None and default.basis is Basis.LOCAL:
            rules[code] = dataclasses.replace(default, duration=duration, unit=Unit(unit))
    return rules
