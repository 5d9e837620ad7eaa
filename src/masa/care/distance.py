"""Placement facts: distance from home, in or out of borough, family and friends care, moves.

Distances are straight lines between postcode centroids (``PostcodeCentroid``: the ONS postcode
directory in production, the demo borough's own postcodes in the demo), measured along the
earth's surface (great circle) and shown in miles to one decimal place. Where either postcode has
no centroid the distance is "unknown" and said so: it is never guessed from a nearby postcode or
a district. The DfE measures the same straight line on the British National Grid; on the
distances that matter (tens of miles) the two agree to a small fraction of a mile.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from .codes import (
    FAMILY_AND_FRIENDS_PLACEMENTS,
    PLACEMENT_CHANGES,
    STARTED_CARE,
    TEMPORARY_PLACEMENTS,
)
from .models import Episode, PostcodeCentroid

EARTH_RADIUS_MILES = 3958.7613  # mean radius (IUGG), 6,371.0088 km
FAR_FROM_HOME_MILES = 20  # the DfE's "more than 20 miles from home" measure
UNKNOWN = "unknown"

_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")


def normalise_postcode(text: str) -> str:
    """ "nb12ab" -> "NB1 2AB" (the form centroids are held in); anything else as typed, upper."""
    squashed = re.sub(r"\s+", "", text or "").upper()
    match = _POSTCODE.match(squashed)
    return f"{match.group(1)} {match.group(2)}" if match else squashed


def great_circle_miles(
    lat1: float | Decimal, lon1: float | Decimal, lat2: float | Decimal, lon2: float | Decimal
) -> float:
    """The haversine distance between two points, in miles."""
    phi1, phi2 = math.radians(float(lat1)), math.radians(float(lat2))
    d_phi = phi2 - phi1
    d_lambda = math.radians(float(lon2) - float(lon1))
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class Distance:
    """A distance from home in miles (one decimal place), or unknown with the reason why."""

    miles: Decimal | None
    reason_unknown: str = ""

    @property
    def known(self) -> bool:
        return self.miles is not None

    @property
    def far_from_home(self) -> bool | None:
        """More than 20 miles from home (the DfE measure); None when the distance is unknown."""
        return None if self.miles is None else self.miles > FAR_FROM_HOME_MILES

    def __str__(self) -> str:
        if self.miles is None:
            return f"Distance {UNKNOWN}: {self.reason_unknown}"
        return f"{self.miles} miles"


def centroids_for(postcodes: Iterable[str]) -> Mapping[str, PostcodeCentroid]:
    wanted = {normalise_postcode(p) for p in postcodes if p}
    return {c.postcode: c for c in PostcodeCentroid.objects.filter(postcode__in=wanted)}


def distance_between(
    home_postcode: str,
    placement_postcode: str,
    centroids: Mapping[str, PostcodeCentroid] | None = None,
) -> Distance:
    """Home to placement, in miles to one decimal place; unknown (with the reason) when either
    postcode is not recorded or has no centroid. ``centroids`` saves a query when known."""
    home, placed = normalise_postcode(home_postcode), normalise_postcode(placement_postcode)
    missing = [what for what, code in (("home", home), ("placement", placed)) if not code]
    if missing:
        return Distance(None, f"no {' or '.join(missing)} postcode is recorded")
    found = centroids if centroids is not None else centroids_for([home, placed])
    unknown = [code for code in (home, placed) if code not in found]
    if unknown:
        listed = " or ".join(dict.fromkeys(unknown))
        return Distance(None, f"masa holds no location for {listed}")
    a, b = found[home], found[placed]
    miles = great_circle_miles(a.latitude, a.longitude, b.latitude, b.longitude)
    return Distance(Decimal(str(round(miles, 1))))


def in_borough(
    placement_postcode: str,
    local_authority_code: str,
    centroids: Mapping[str, PostcodeCentroid] | None = None,
) -> bool | None:
    """Whether the placement is inside the responsible authority's boundary (its ONS code, e.g.
    E08000010), from the placement postcode's centroid. None when that cannot be known: no
    authority code given, no placement postcode, or no centroid (or no authority) for it."""
    placed = normalise_postcode(placement_postcode)
    if not local_authority_code or not placed:
        return None
    found = centroids if centroids is not None else centroids_for([placed])
    centroid = found.get(placed)
    if centroid is None or not centroid.local_authority_code:
        return None
    return centroid.local_authority_code == local_authority_code


def is_family_and_friends(placement_type: str) -> bool:
    """Foster care with relatives or friends (PLACE U1 to U3, the same codes in every year masa
    knows)."""
    return placement_type in FAMILY_AND_FRIENDS_PLACEMENTS


# Placed for adoption with the current foster carer: the same home, so not a new placement.
WITH_CURRENT_FOSTER_CARER = frozenset({"A3", "A5"})


def counts_as_placement(episode: Episode) -> bool:
    """An episode that starts a placement: the start of care or a change of placement; not a
    change of legal status only, not a temporary move (holiday, hospital, respite), and not a
    placement for adoption with the child's current foster carer (shared/domain/indicators.md)."""
    if episode.placement_type in TEMPORARY_PLACEMENTS:
        return False
    if episode.reason_new_episode == STARTED_CARE:
        return True
    return (
        episode.reason_new_episode in PLACEMENT_CHANGES
        and episode.placement_type not in WITH_CURRENT_FOSTER_CARER
    )


def placements_in_period(episodes: Iterable[Episode], start: dt.date, end: dt.date) -> int:
    """How many placements a child had between two dates (inclusive): the placement they were
    in on ``start`` plus each new placement begun up to ``end``. Episodes of one child, any
    order. The DfE's "3 or more placements in the year" measure uses the year to 31 March."""
    ordered = sorted(episodes, key=lambda e: e.started_on)
    count = 0
    current_counted = False
    for episode in ordered:
        ends = episode.ended_on or dt.date.max
        if episode.started_on > end or ends < start:
            continue
        if episode.started_on >= start:
            if counts_as_placement(episode):
                count += 1
                current_counted = True
        elif not current_counted and episode.placement_type not in TEMPORARY_PLACEMENTS:
            # The placement the child was already in when the period began counts once.
            count += 1
            current_counted = True
    return count


def placements_in_year(episodes: Iterable[Episode], year: int) -> int:
    """Placements in a collection year (1 April to 31 March; 2025 is 2024/25)."""
    return placements_in_period(episodes, dt.date(year - 1, 4, 1), dt.date(year, 3, 31))
