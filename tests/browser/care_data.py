"""Committed situations for the care journeys (children in care, missing episodes, the 903).

Like ``casework_data``, what these write is committed at once and the live server sees it. Each
journey has its own child, so the journeys do not depend on the order they run in; the world's
Kira Holt is left alone (the casework journeys read her chronology line by line).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from masa.care.models import Carer, CarerKind, PostcodeCentroid
from masa.core.models import AgencyKind
from masa.people.identifiers import upn_check_letter
from masa.people.models import Child

from ..care.factories import place
from ..conftest import World
from ..factories import InvolvementFactory
from .casework_data import team_child, working_days_before

# Fictional postcodes of the demo borough, half a degree of latitude apart: 34.5 miles.
HOME_POSTCODE = "NB4 1AA"
CARER_POSTCODE = "NB4 9ZZ"
CENTROIDS = {HOME_POSTCODE: ("52.000000", "-1.000000"), CARER_POSTCODE: ("52.500000", "-1.000000")}
CARER_NAME = "Jo and Sam Fairweather"


def postcode_centroids() -> None:
    """Where the home and the carer's postcodes are, as the ONS postcode directory would say."""
    for postcode, (latitude, longitude) in CENTROIDS.items():
        PostcodeCentroid.objects.get_or_create(
            postcode=postcode,
            defaults={
                "latitude": Decimal(latitude),
                "longitude": Decimal(longitude),
                "source": "browser journeys",
            },
        )


def foster_carer(world: World) -> Carer:
    """A foster carer on the register, with the postcode the distance is measured to."""
    postcode_centroids()
    carer, _ = Carer.objects.get_or_create(
        partnership=world.partnership,
        name=CARER_NAME,
        defaults={
            "kind": CarerKind.FOSTER_CARER,
            "provider_code": "PR1",
            "postcode": CARER_POSTCODE,
        },
    )
    return carer


def child_awaiting_first_review(world: World, today: dt.date) -> Child:
    """A child placed 15 working days ago (the first review is due 20 working days after)."""
    child = team_child(world, "Noah", "Pike")
    place(
        child,
        world.users["social_worker"],
        started_on=working_days_before(today, 15),
        legal_status="C2",
        category_of_need="N1",
        placement_type="U4",
        carer=foster_carer(world),
        placement_postcode="",
        home_postcode=HOME_POSTCODE,
    )
    return child


def child_known_to_police(world: World) -> Child:
    """A child of the social worker's team whom the police work with too (so a police officer
    may report them missing), not looked after."""
    child = team_child(world, "Tia", "Brooks")
    InvolvementFactory(child=child, agency=world.agencies[AgencyKind.POLICE])
    return child


# ---------------------------------------------------------------- a 903 return with errors


def _upn(n: int) -> str:
    body = f"{n:012d}"
    return upn_check_letter(body) + body


HEADER_ROWS = [
    "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB",
    f"L1,F,02/03/2014,WBRI,{_upn(31)},0,",
    f"L2,M,15/08/2016,WBRI,{_upn(32)},,",
]
EPISODE_ROWS = [
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN",
    # Known errors: a date written 2024-05-01 (the DfE's form is dd/mm/YYYY), an LS code no
    # year has (Z9) and a placement postcode a spreadsheet would run as a formula.
    "L1,2024-05-01,S,C2,N1,U4,PR1,,,,NB1 2AB,NB2 3CD,SC123456",
    "L2,10/01/2025,S,Z9,N4,U6,PR1,,,,NB1 2AB,=1+1,XXXXXXX",
]


def return_903_with_errors(folder: Path) -> list[Path]:
    """The 2024/25 header and episodes files, as the DfE's CSV files are (CRLF lines)."""
    files = []
    for name, lines in (("header.csv", HEADER_ROWS), ("episodes.csv", EPISODE_ROWS)):
        path = folder / name
        path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))
        files.append(path)
    return files
