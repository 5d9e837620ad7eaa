"""A synthetic, valid-ish 903 return of any size, for benchmarks and tests (no real children).

``synthetic_return(n, year)`` gives rows per table (dicts in the DfE column names);
``write_csv_files`` writes them as the DfE's CSV files. Children are looked after, care leavers
(OC3 only), unaccompanied asylum-seeking children, adopted in the year or placed for adoption, in
proportions loosely like a local authority's; the data is built to pass most rules, so the
findings a benchmark reports are few and the work is the rules', not the report's.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

from .spec import spec_for

Rows = dict[str, list[dict[str, str]]]


def _date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _age(dob: dt.date, day: dt.date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def synthetic_return(children: int = 5000, year: int = 2025, seed: int = 903) -> Rows:
    spec = spec_for(year)
    rng = random.Random(seed)
    start, end = dt.date(year - 1, 4, 1), dt.date(year, 3, 31)
    meanings = spec.tables["Header"].column("SEX").meanings or {}
    male = next(c for c, m in meanings.items() if m == "Male")
    female = next(c for c, m in meanings.items() if m == "Female")
    ethnic = [c for c in spec.tables["Header"].column("ETHNIC").codes if c not in ("REFU", "NOBT")]
    rows: Rows = {name: [] for name in spec.tables}
    foster = ["U1", "U2", "U3", "U4", "U5", "U6"]
    for n in range(1, children + 1):
        child = f"C{n:06d}"
        sex = rng.choice([male, female])
        kind = rng.random()
        if kind < 0.08:  # a care leaver: OC3 only
            dob = end - dt.timedelta(days=rng.randint(19 * 365 + 5, 21 * 365 - 5))
            rows["Header"].append(
                {"CHILD": child, "SEX": sex, "DOB": _date(dob), "ETHNIC": rng.choice(ethnic),
                 "UPN": f"A{rng.randrange(10**12):012d}", "MOTHER": "", "MC_DOB": ""}
            )  # fmt: skip
            rows["OC3"].append(
                {"CHILD": child, "DOB": _date(dob), "IN_TOUCH": "YES", "ACTIV": "F1", "ACCOM": "B1"}
            )
            continue
        dob = end - dt.timedelta(days=rng.randint(400, 16 * 365))
        rows["Header"].append(
            {"CHILD": child, "SEX": sex, "DOB": _date(dob), "ETHNIC": rng.choice(ethnic),
             "UPN": f"A{rng.randrange(10**12):012d}", "MOTHER": "0" if sex == female else "",
             "MC_DOB": ""}
        )  # fmt: skip
        # The period of care starts after birth: before the year for most (so OC2 applies).
        earliest = max(dob + dt.timedelta(days=30), start - dt.timedelta(days=3 * 365))
        started_in_year = kind > 0.75
        if started_in_year:
            period_start = start + dt.timedelta(days=rng.randint(1, 200))
        else:
            span = max((start - earliest).days, 1)
            period_start = earliest + dt.timedelta(days=rng.randint(0, span - 1))
        if period_start <= dob:
            period_start = dob + dt.timedelta(days=1)
        adopted = 0.70 < kind <= 0.73 and not started_in_year
        placements = rng.randint(1, 4)
        decom = period_start
        home = f"NB{rng.randint(1, 9)} {rng.randint(1, 9)}AB"
        place = rng.choice(foster)
        for i in range(placements):
            last = i == placements - 1
            length = rng.randint(20, 200)
            dec = decom + dt.timedelta(days=length)
            episode = {
                "CHILD": child, "DECOM": _date(decom), "RNE": "S" if i == 0 else "P",
                "LS": "C2", "CIN": "N1", "PLACE": place, "PLACE_PROVIDER": "PR1",
                "DEC": "", "REC": "", "REASON_PLACE_CHANGE": "",
                "HOME_POST": home, "PL_POST": f"NB{rng.randint(1, 9)} {rng.randint(1, 9)}CD",
                "URN": "",
            }  # fmt: skip
            if not last and dec < end:
                episode.update(DEC=_date(dec), REC="X1", REASON_PLACE_CHANGE="CARPL")
                rows["Episodes"].append(episode)
                decom = dec
                place = rng.choice([p for p in foster if p != place])
                continue
            rows["Episodes"].append(episode)
            break
        last_episode = rows["Episodes"][-1]
        placed_on = max(decom + dt.timedelta(days=10), start + dt.timedelta(days=30))
        if adopted and last_episode["DEC"] == "" and placed_on + dt.timedelta(days=100) < end:
            # Placed for adoption with the foster carers (new legal status and placement: U),
            # then adopted in the year.
            last_episode.update(DEC=_date(placed_on), REC="X1", REASON_PLACE_CHANGE="CARPL")
            decided = placed_on - dt.timedelta(days=5)
            rows["Episodes"].append(
                {"CHILD": child, "DECOM": _date(placed_on), "RNE": "U", "LS": "E1", "CIN": "N1",
                 "PLACE": "A4", "PLACE_PROVIDER": "PR1",
                 "DEC": _date(placed_on + dt.timedelta(days=100)), "REC": "E11",
                 "REASON_PLACE_CHANGE": "", "HOME_POST": home, "PL_POST": "NB1 1AA", "URN": ""}
            )  # fmt: skip
            rows["PlacedAdoption"].append(
                {"CHILD": child, "DOB": _date(dob), "DATE_PLACED": _date(decided),
                 "DATE_PLACED_CEASED": "", "REASON_PLACED_CEASED": ""}
            )  # fmt: skip
            rows["AD1"].append(
                {"CHILD": child, "DOB": _date(dob), "DATE_INT": _date(decided),
                 "DATE_MATCH": _date(decided + dt.timedelta(days=2)), "FOSTER_CARE": "0",
                 "NB_ADOPTR": "2", "SEX_ADOPTR": "MF", "LS_ADOPTR": "L11"}
            )  # fmt: skip
        else:
            adopted = False
        continuous = not started_in_year and not adopted and rows["Episodes"][-1]["DEC"] == ""
        age_at_end = _age(dob, end)
        if continuous:
            rows["OC2"].append(
                {"CHILD": child, "DOB": _date(dob),
                 "SDQ_SCORE": str(rng.randint(0, 40))
                 if _age(dob, start) >= 4 and age_at_end < 17
                 else "",
                 "SDQ_REASON": "", "CONVICTED": "0" if age_at_end >= 10 else "",
                 "HEALTH_CHECK": "1" if age_at_end < 5 else "", "IMMUNISATIONS": "1",
                 "TEETH_CHECK": "1", "HEALTH_ASSESSMENT": "1", "SUBSTANCE_MISUSE": "0",
                 "INTERVENTION_RECEIVED": "", "INTERVENTION_OFFERED": ""}
            )  # fmt: skip
        if started_in_year:
            rows["PrevPerm"].append(
                {
                    "CHILD": child,
                    "DOB": _date(dob),
                    "PREV_PERM": "Z1",
                    "LA_PERM": "",
                    "DATE_PERM": "",
                }
            )
        for _ in range(rng.randint(1, 3)):
            review = start + dt.timedelta(days=rng.randint(0, 360))
            if review > end or review < period_start:
                continue
            code = "PN1" if _age(dob, review) >= 4 else "PN0"
            rows["Reviews"].append(
                {"CHILD": child, "DOB": _date(dob), "REVIEW": _date(review), "REVIEW_CODE": code}
            )
        if rng.random() < 0.15 and rows["Episodes"][-1]["DEC"] == "":
            gone = max(start, period_start) + dt.timedelta(days=rng.randint(0, 100))
            rows["Missing"].append(
                {"CHILD": child, "DOB": _date(dob), "MISSING": rng.choice(["M", "A"]),
                 "MIS_START": _date(gone), "MIS_END": _date(gone + dt.timedelta(days=2))}
            )  # fmt: skip
        if rng.random() < 0.05:
            rows["UASC"].append({"CHILD": child, "SEX": sex, "DOB": _date(dob), "DUC": ""})
        if "SWEpisodes" in rows:
            rows["SWEpisodes"].append(
                {"CHILD": child, "DOB": _date(dob), "SW_ID": f"SW{rng.randint(1, 80):03d}",
                 "SW_DECOM": _date(period_start), "SW_DEC": "", "SW_REASON": ""}
            )  # fmt: skip
    return rows


FILE_NAMES = {
    "Header": "header.csv",
    "Episodes": "episodes.csv",
    "Reviews": "reviews.csv",
    "UASC": "uasc.csv",
    "OC2": "oc2.csv",
    "OC3": "oc3.csv",
    "AD1": "ad1.csv",
    "PlacedAdoption": "placed_for_adoption.csv",
    "PrevPerm": "previous_permanence.csv",
    "Missing": "missing.csv",
    "SWEpisodes": "social_worker_episodes.csv",
}


def write_csv_files(rows: Rows, folder: Path, year: int) -> list[Path]:
    """Write each table as the DfE CSV file (columns in the specification's order)."""
    spec = spec_for(year)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, table_rows in rows.items():
        path = folder / FILE_NAMES[name]
        columns = spec.tables[name].column_names
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow(columns)
            writer.writerows([r.get(c, "") for c in columns] for r in table_rows)
        written.append(path)
    return written
