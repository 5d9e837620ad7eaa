"""Builders for the SSDA903 import/export tests (no tests here): a partnership's care records
for any collection year, with a child in every table of the return, and helpers to export and
import them.

``build_records(world.partnership, team, year)`` makes, for the year ending ``year``:

- **Ava** (masa ID, girl of 10): in care since two years before the year; a change of placement
  in July (X1, CARPL); two reviews and one missing episode in the year; UASC; OC2 outcomes
  recorded; previous permanence; a social worker spell (from 2023/24).
- **Ben** (903 CHILD "LA-0042" from an earlier import, boy of 7): started care in the year (S) and
  went home in December (E4A); a review, an away-from-placement episode, previous
  permanence Z1; a placement postcode with a comma (the CSV must quote it).
- **Cat** (baby girl of 1): placed for adoption in the year and adopted in February (E11): a
  decision to place, a match (AD1).
- **Dan** (boy turning 19 in the year): left care at 18 two years ago (E17): a care leaver with
  contact recorded (OC3).
- **Eve**: missing once but never looked after; **Fin**: left care four years ago at 8. Neither is
  in the return.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.utils import timezone

from masa.care import export903
from masa.care.models import (
    AdoptionDecision,
    AdoptionMatch,
    AnnualOutcomes,
    CareLeaverContact,
    CareProfile,
    CareReview,
    Episode,
    MissingEpisode,
    PreviousPermanence,
    ReturnIdentifier,
    SocialWorkerEpisode,
)
from masa.care.returns903 import tables_for_year
from masa.core.models import Partnership, Team
from masa.people.identifiers import upn_check_letter
from masa.people.models import Child
from masa.returns.ssda903.spec import spec_for
from tests.factories import ChildFactory

YEARS = tuple(range(2018, 2027))  # 2017/18 to 2025/26


def upn(n: int) -> str:
    body = f"{n:012d}"
    return upn_check_letter(body) + body


def years_before(day: dt.date, years: int) -> dt.date:
    return day.replace(year=day.year - years)


def at(day: dt.date, hour: int = 21) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 15), tzinfo=timezone.get_current_timezone())


def episode(child: Child, started_on: dt.date, **values: Any) -> Episode:
    fields: dict[str, Any] = {
        "reason_new_episode": "S",
        "legal_status": "C2",
        "category_of_need": "N1",
        "placement_type": "U4",
        "placement_provider": "PR1",
        "home_postcode": "NB1 2AB",
        "placement_postcode": "NB2 3CD",
    }
    fields.update(values)
    return Episode.objects.create(child=child, started_on=started_on, **fields)


def build_records(
    partnership: Partnership, team: Team, year: int, *, copy: int = 0
) -> dict[str, Child]:
    """The six children (``copy`` > 0: another six, with their own UPNs and CHILD)."""
    start = dt.date(year - 1, 4, 1)

    def child(name: str, born: dt.date, sex: str, number: int) -> Child:
        return ChildFactory(
            partnership=partnership,
            first_name=name,
            last_name="Return",
            date_of_birth=born,
            sex=sex,
            ethnicity="WBRI",
            upn=upn(number + 100 * copy),
            owning_team=team,
        )

    ava = child("Ava", years_before(start, 10), "F", 1)
    CareProfile.objects.create(child=ava, uasc=True, is_mother=False)
    episode(
        ava,
        years_before(start, 2),
        ended_on=dt.date(year - 1, 7, 1),
        reason_ceased="X1",
        reason_place_change="CARPL",
    )
    episode(ava, dt.date(year - 1, 7, 1), reason_new_episode="P", placement_type="U6")
    CareReview.objects.create(child=ava, held_on=dt.date(year - 1, 5, 2), participation="PN1")
    CareReview.objects.create(child=ava, held_on=dt.date(year - 1, 11, 2), participation="PN6")
    gone = dt.date(year - 1, 9, 5)
    MissingEpisode.objects.create(
        child=ava, kind="M", started_at=at(gone), ended_at=at(gone + dt.timedelta(days=1), 9)
    )
    AnnualOutcomes.objects.create(
        child=ava, year_ending=year, sdq_score=14, convicted=False, immunisations=True,
        teeth_check=True, health_assessment=True, substance_misuse=False,
    )  # fmt: skip
    PreviousPermanence.objects.create(child=ava, kind="Z1")

    ben = child("Ben", years_before(start, 7), "M", 2)
    ReturnIdentifier.objects.create(
        partnership=partnership,
        child=ben,
        scheme=ReturnIdentifier.Scheme.SSDA903,
        value=f"LA-{42 + copy:04d}",
    )
    episode(
        ben,
        dt.date(year - 1, 6, 10),
        legal_status="V2",
        placement_type="U3",
        placement_postcode="NB1,2AB",
        ended_on=dt.date(year - 1, 12, 1),
        reason_ceased="E4A",
    )
    CareReview.objects.create(child=ben, held_on=dt.date(year - 1, 7, 1), participation="PN1")
    MissingEpisode.objects.create(
        child=ben,
        kind="A",
        started_at=at(dt.date(year - 1, 8, 1)),
        ended_at=at(dt.date(year - 1, 8, 2)),
    )
    PreviousPermanence.objects.create(child=ben, kind="P2", la="359", made_on=dt.date(2015, 10, 1))

    cat = child("Cat", years_before(start, 1) + dt.timedelta(days=20), "F", 3)
    CareProfile.objects.create(child=cat, is_mother=False)
    episode(
        cat,
        cat.date_of_birth + dt.timedelta(days=10),  # type: ignore[operator]
        ended_on=dt.date(year - 1, 10, 1),
        reason_ceased="X1",
        reason_place_change="CARPL",
    )
    episode(
        cat,
        dt.date(year - 1, 10, 1),
        reason_new_episode="U",
        legal_status="E1",
        placement_type="A5",
        ended_on=dt.date(year, 2, 1),
        reason_ceased="E11",
    )
    decided = dt.date(year - 1, 9, 1)
    AdoptionDecision.objects.create(child=cat, decided_on=decided)
    AdoptionMatch.objects.create(
        child=cat, best_interests_on=decided, matched_on=dt.date(year - 1, 9, 20),
        foster_carer_adoption=True, number_of_adopters=2, adopters_sex="MF",
        adopters_legal_status="L11",
    )  # fmt: skip
    PreviousPermanence.objects.create(child=cat, kind="Z1")

    dan = child("Dan", years_before(dt.date(year - 1, 10, 3), 19), "M", 4)
    assert dan.date_of_birth is not None
    episode(
        dan,
        years_before(dt.date(year - 1, 10, 3), 4),
        placement_type="U6",
        ended_on=years_before(dt.date(year - 1, 10, 3), 1),
        reason_ceased="E17",
    )
    CareLeaverContact.objects.create(
        child=dan, year_ending=year, in_touch="YES", activity="F2", accommodation="B1"
    )

    eve = child("Eve", years_before(start, 12), "F", 5)
    MissingEpisode.objects.create(child=eve, kind="M", started_at=at(dt.date(year - 1, 6, 1)))
    fin = child("Fin", years_before(start, 12), "M", 6)
    episode(fin, years_before(start, 5), ended_on=years_before(start, 4), reason_ceased="E4A")

    if "SWEpisodes" in spec_for(year).tables:
        SocialWorkerEpisode.objects.create(
            child=ava, social_worker_id="SW0042", started_on=years_before(start, 2)
        )
    return {"ava": ava, "ben": ben, "cat": cat, "dan": dan, "eve": eve, "fin": fin}


def export_csv(partnership: Partnership, year: int, folder: Path) -> dict[str, bytes]:
    """Write the year's CSV files into ``folder``; returns them by name."""
    files = export903.csv_files(tables_for_year(partnership.pk, year))
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (folder / name).write_bytes(content)
    return files


def export_xml(partnership: Partnership, year: int, path: Path) -> bytes:
    content = export903.xml_bytes(tables_for_year(partnership.pk, year))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return content


def write_csv(folder: Path, name: str, lines: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode())
    return path
