"""The allowed moves of an action's status, as data (compare reviews/transitions.py).

Every move is made by ``masa.assurance.services.action_update``, which refuses a move not listed
here with a reason the owner can act on. "Overdue" is not a status: it is derived from the due date
by ``masa.assurance.selectors.display_status``.
"""

from __future__ import annotations

from .models import ActionStatus as S

# Statuses in which the work is still under way: these can be withdrawn, and can be overdue.
OPEN_STATUSES = frozenset({S.NOT_STARTED, S.ON_TRACK, S.AT_RISK})
# Statuses nothing more can happen to.
FINAL_STATUSES = frozenset({S.CLOSED, S.WITHDRAWN})

ALLOWED_MOVES: dict[str, frozenset[str]] = {
    S.NOT_STARTED: frozenset({S.ON_TRACK, S.AT_RISK, S.COMPLETE, S.WITHDRAWN}),
    S.ON_TRACK: frozenset({S.AT_RISK, S.COMPLETE, S.WITHDRAWN}),
    S.AT_RISK: frozenset({S.ON_TRACK, S.COMPLETE, S.WITHDRAWN}),
    # Complete: the business unit closes it once the evidence of impact is in, or the owner
    # reopens it (with the reason) if the work turns out not to be done.
    S.COMPLETE: frozenset({S.CLOSED, S.ON_TRACK}),
    S.CLOSED: frozenset(),
    S.WITHDRAWN: frozenset(),
}


def may_move(from_status: str, to_status: str) -> bool:
    return to_status in ALLOWED_MOVES.get(from_status, frozenset())


def refusal(from_status: str, to_status: str) -> str:
    """Why a move is not allowed, in words that say what to do instead."""
    before, after = S(from_status).label.lower(), S(to_status).label.lower()
    if from_status == S.CLOSED:
        return "This action is closed: its status cannot change"
    if from_status == S.WITHDRAWN:
        return "This action was withdrawn: its status cannot change"
    if to_status == S.CLOSED:
        return "Mark the action complete before closing it"
    if to_status == S.NOT_STARTED:
        return f"An action that is {before} cannot go back to not started"
    if from_status == S.COMPLETE and to_status == S.WITHDRAWN:
        return "A complete action cannot be withdrawn: close it with its evidence of impact"
    if from_status == S.COMPLETE:
        return "To reopen a complete action, mark it on track and give the reason"
    return f"An action that is {before} cannot be marked {after}"
