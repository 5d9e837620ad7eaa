"""The case review clocks (shared/domain/timescales.md section 5), as data.

Statutory and guidance rules are fixed here with their source. Local rules have masa's default
here; a partnership sets its own duration as a ``ClockSetting`` row (the same table and page as
casework timescales), and chooses when the rapid review clock starts in ``ReviewSettings``.
Pure data: this module imports no models, so ``masa.journey.clocks`` can list these rules with
the casework ones.
"""

from __future__ import annotations

from masa.core.calendar import Basis, ClockRule, Unit

WT5 = "Working Together to Safeguard Children 2023, chapter 5"
WD = Unit.WORKING_DAYS

REVIEW_RULES: dict[str, ClockRule] = {
    rule.code: rule
    for rule in [
        ClockRule(
            "review_acknowledge",
            "Case review referral acknowledged",
            "the referral for consideration was received",
            3,
            WD,
            Basis.LOCAL,
            "the partnership's case review procedure (Wigan arrangements, appendix 2)",
        ),
        ClockRule(
            "review_notification",
            "Serious incident notified to the national Panel",
            "the local authority became aware of the incident",
            5,
            WD,
            Basis.GUIDANCE,
            f"Children Act 2004 s16C; {WT5}",
        ),
        ClockRule(
            "review_partners_told",
            "Safeguarding partners told of the serious incident",
            "the local authority became aware of the incident",
            5,
            WD,
            Basis.GUIDANCE,
            WT5,
        ),
        ClockRule(
            "rapid_review",
            "Rapid review sent to the national Panel",
            "the partners became aware of the incident (or the notification, if the partnership "
            "counts from it)",
            15,
            WD,
            Basis.GUIDANCE,
            WT5,
        ),
        ClockRule(
            "panel_response",
            "The national Panel's response to the rapid review",
            "the rapid review was sent",
            28,
            Unit.CALENDAR_DAYS,
            Basis.LOCAL,
            "the partnership's case review procedure (Wigan arrangements, appendix 2)",
        ),
        ClockRule(
            "commissioning_notice",
            "Panel, Ofsted and DfE told of the review and the reviewer",
            "the decision to hold a local child safeguarding practice review",
            5,
            WD,
            Basis.LOCAL,
            f"{WT5} says 'promptly'; masa's default is 5 working days",
        ),
        ClockRule(
            "review_publication",
            "Local child safeguarding practice review completed and published",
            "the decision to hold the review (plus any recorded pause)",
            6,
            Unit.MONTHS,
            Basis.GUIDANCE,
            WT5,
        ),
        ClockRule(
            "report_to_panel",
            "Final report sent to the Panel and DfE",
            "the planned publication date (counted back)",
            7,
            WD,
            Basis.GUIDANCE,
            WT5,
        ),
    ]
}
