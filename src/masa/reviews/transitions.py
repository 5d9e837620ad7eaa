"""The allowed moves of a case review's status, as data (compare journey/transitions.py).

Every move is made by ``masa.reviews.services.review_move`` (called by the step services), which
refuses a move not listed here with a reason a user can act on. Withdrawal is allowed from every
status that is not final.
"""

from __future__ import annotations

from .models import ReviewStatus as S

ALLOWED_MOVES: dict[str, frozenset[str]] = {
    S.REFERRED: frozenset({S.ACKNOWLEDGED}),
    # At triage: notifiable cases go to the Panel; others go straight to a local decision.
    S.ACKNOWLEDGED: frozenset({S.NOTIFIED, S.DECIDED}),
    S.NOTIFIED: frozenset({S.RAPID_REVIEW_SENT}),
    S.RAPID_REVIEW_SENT: frozenset({S.DECIDED}),
    # An LCSPR or other learning review is commissioned; no further review (or a national review
    # the Panel carries out) closes the local pipeline.
    S.DECIDED: frozenset({S.COMMISSIONED, S.CLOSED}),
    S.COMMISSIONED: frozenset({S.REPORT_COMPLETED}),
    S.REPORT_COMPLETED: frozenset({S.PUBLISHED, S.NOT_PUBLISHED}),
    S.PUBLISHED: frozenset(),
    S.NOT_PUBLISHED: frozenset(),
    S.CLOSED: frozenset(),
    S.WITHDRAWN: frozenset(),
}

FINAL_STATUSES = frozenset(status for status, moves in ALLOWED_MOVES.items() if not moves)

# What must happen next, in a user's words, for the refusal message and the review page.
NEXT_STEP: dict[str, str] = {
    S.REFERRED: "acknowledge the referral",
    S.ACKNOWLEDGED: "record whether the case is notifiable and notify the Panel, or record the "
    "local decision",
    S.NOTIFIED: "hold the rapid review and send it to the Panel",
    S.RAPID_REVIEW_SENT: "record the partners' decision",
    S.DECIDED: "commission the review, or close the case if there is no further review",
    S.COMMISSIONED: "record the final report",
    S.REPORT_COMPLETED: "record publication, or the decision not to publish and why",
}


def may_move(from_status: str, to_status: str) -> bool:
    if to_status == S.WITHDRAWN:
        return from_status not in FINAL_STATUSES
    return to_status in ALLOWED_MOVES.get(from_status, frozenset())
