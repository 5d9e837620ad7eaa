"""What the domain builders share: the size profile and the context of what is built so far."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from masa.core.models import Agency, Partnership, Team, User

# The demo borough's "today": fixed so that a seed gives the same data whatever the day it runs.
REFERENCE_DATE = dt.date(2026, 11, 23)


@dataclass(frozen=True)
class SizeProfile:
    name: str
    children: int
    # Referrals are spread over this many years before REFERENCE_DATE.
    history_years: int
    # Generated practitioners per local authority team (inclusive range).
    practitioners_per_la_team: tuple[int, int]


@dataclass
class DemoContext:
    """Objects built by earlier domains, looked up by name by later ones."""

    profile: SizeProfile
    seed: int
    today: dt.date = REFERENCE_DATE
    partnership: Partnership | None = None
    agencies: dict[str, Agency] = field(default_factory=dict)
    teams: dict[tuple[str, str], Team] = field(default_factory=dict)  # (agency name, team name)
    users: dict[str, User] = field(default_factory=dict)  # by username, in creation order
    # Generated practitioners who can hold cases, per (agency name, team name), in creation order.
    caseholders: dict[tuple[str, str], list[User]] = field(default_factory=dict)
    summary: list[tuple[str, str]] = field(default_factory=list)  # (label, value) lines

    def agency(self, name: str) -> Agency:
        try:
            return self.agencies[name]
        except KeyError:
            raise KeyError(f"The demo borough has no agency called {name!r}") from None

    def team(self, agency_name: str, team_name: str) -> Team:
        try:
            return self.teams[(agency_name, team_name)]
        except KeyError:
            raise KeyError(f"{agency_name!r} has no team called {team_name!r}") from None

    def get_partnership(self) -> Partnership:
        if self.partnership is None:
            raise RuntimeError("The core domain must be built before the others")
        return self.partnership


def random_date(rng: random.Random, earliest: dt.date, latest: dt.date) -> dt.date:
    """A uniformly random date in [earliest, latest] (latest wins if the range is empty)."""
    span = (latest - earliest).days
    if span <= 0:
        return latest
    return earliest + dt.timedelta(days=rng.randint(0, span))
