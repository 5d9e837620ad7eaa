"""Small 903 returns for tests: rows as dicts, blank where not given; 2024/25 unless told."""

from __future__ import annotations

from typing import Any

from masa.returns.cin.years import CollectionYear
from masa.returns.ssda903.read import Return903, build_frame
from masa.returns.ssda903.spec import spec_for

Rows = dict[str, list[dict[str, str]]]

BASE: dict[str, dict[str, str]] = {
    "Header": {
        "CHILD": "1", "SEX": "M", "DOB": "01/06/2012", "ETHNIC": "WBRI", "UPN": "A123456789012",
    },
    "Episodes": {
        "CHILD": "1", "DECOM": "01/05/2024", "RNE": "S", "LS": "C2", "CIN": "N1", "PLACE": "U1",
        "PLACE_PROVIDER": "PR1", "HOME_POST": "AB1 2CD", "PL_POST": "AB1 3CD",
    },
    "Reviews": {"CHILD": "1", "DOB": "01/06/2012", "REVIEW": "01/06/2024", "REVIEW_CODE": "PN1"},
    "Missing": {
        "CHILD": "1", "DOB": "01/06/2012", "MISSING": "M", "MIS_START": "01/06/2024",
        "MIS_END": "03/06/2024",
    },
    "OC2": {"CHILD": "1", "DOB": "01/06/2012"},
    "OC3": {"CHILD": "1", "DOB": "01/06/2004", "IN_TOUCH": "YES", "ACTIV": "F1", "ACCOM": "B1"},
    "AD1": {
        "CHILD": "1", "DOB": "01/06/2012", "DATE_INT": "01/05/2024", "DATE_MATCH": "10/05/2024",
        "FOSTER_CARE": "0", "NB_ADOPTR": "2", "SEX_ADOPTR": "MF", "LS_ADOPTR": "L11",
    },
    "PlacedAdoption": {"CHILD": "1", "DOB": "01/06/2012", "DATE_PLACED": "01/05/2024"},
    "PrevPerm": {"CHILD": "1", "DOB": "01/06/2012", "PREV_PERM": "Z1"},
    "UASC": {"CHILD": "1", "SEX": "M", "DOB": "01/06/2012"},
    "SWEpisodes": {"CHILD": "1", "DOB": "01/06/2012", "SW_ID": "SW1", "SW_DECOM": "01/05/2024"},
}  # fmt: skip


def row(table: str, **values: Any) -> dict[str, str]:
    """A row of ``table``: the usual valid child (CHILD 1), with ``values`` over it."""
    return {**BASE[table], **{k: str(v) for k, v in values.items()}}


def h(**v: Any) -> dict[str, str]:
    return row("Header", **v)


def e(**v: Any) -> dict[str, str]:
    return row("Episodes", **v)


def rv(**v: Any) -> dict[str, str]:
    return row("Reviews", **v)


def m(**v: Any) -> dict[str, str]:
    return row("Missing", **v)


def o2(**v: Any) -> dict[str, str]:
    return row("OC2", **v)


def o3(**v: Any) -> dict[str, str]:
    return row("OC3", **v)


def a1(**v: Any) -> dict[str, str]:
    return row("AD1", **v)


def pa(**v: Any) -> dict[str, str]:
    return row("PlacedAdoption", **v)


def pp(**v: Any) -> dict[str, str]:
    return row("PrevPerm", **v)


def u(**v: Any) -> dict[str, str]:
    return row("UASC", **v)


def make_return(tables: Rows, year: int = 2025) -> Return903:
    """A return holding ``tables`` (rows numbered from 1), values blank where not given."""
    spec = spec_for(year)
    data = Return903(year=CollectionYear(year))
    for name, rows in tables.items():
        table = spec.tables[name]
        values = [[(r.get(c) or None) for c in table.column_names] for r in rows]
        data.add(name, build_frame(table, values, list(range(1, len(rows) + 1))), f"{name}.csv")
    return data
