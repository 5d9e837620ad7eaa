"""Every 903 rule unit, each with data that passes and data that fails it.

Each case runs only its own rule (``validate(..., codes={code})``) on a small 2024/25 return
(1 April 2024 to 31 March 2025) and checks the exact (table, row) findings, so deleting or
breaking a rule fails its case. Rows are numbered from 1; values not given are the usual valid
child of ``builders.BASE``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from masa.returns.ssda903 import all_rules, validate

from .builders import Rows, a1, e, h, m, make_return, o2, o3, pa, pp, row, rv, u

Where = tuple[str, int]


@dataclass
class Case:
    code: str
    fail: Rows
    ok: Rows
    expect: list[Where] = field(default_factory=list)
    previous: Rows | None = None
    ok_previous: Rows | None = None

    @property
    def expected(self) -> set[Where]:
        return set(self.expect) or {(next(iter(self.fail)), 1)}


def c(code: str, fail: Rows, ok: Rows, *expect: Where, previous: Rows | None = None) -> Case:
    return Case(code, fail, ok, list(expect), previous)


CLOSED = {"DEC": "01/02/2025", "REC": "E13"}
# A child looked after since 2022 and still looked after: continuously looked after (OC2).
CLA = e(DECOM="01/05/2022")
# A child who came into care in the year: not continuously looked after.
NEW = e(DECOM="01/05/2024")


def two(first: dict[str, str], second: dict[str, str]) -> list[dict[str, str]]:
    return [first, second]


CHANGE = {"DEC": "01/06/2024", "REC": "X1", "REASON_PLACE_CHANGE": "CARPL"}

CASES = [
    # ------------------------------------------------------------------ Header
    c("101", {"Header": [h(SEX="1")]}, {"Header": [h()]}),
    c("102", {"Header": [h(DOB="31/02/2012")]}, {"Header": [h()]}),
    c("103", {"Header": [h(ETHNIC="XXXX")]}, {"Header": [h()]}),
    c("168", {"Header": [h(UPN="I123456789012")]}, {"Header": [h(UPN="UN2")]}),
    c(
        "171",
        {"Header": [h(SEX="F", MOTHER="1", MC_DOB="2020-01-01")]},
        {"Header": [h(SEX="F", MOTHER="1", MC_DOB="01/01/2020")]},
    ),
    c(
        "174",
        {"Header": [h(MC_DOB="01/01/2020")]},
        {"Header": [h(SEX="F", MOTHER="1", MC_DOB="01/01/2020")]},
    ),
    c(
        "209",
        {"Header": [h(UPN="UN1", DOB="31/08/2019")]},
        {"Header": [h(UPN="UN1", DOB="01/09/2019")]},
    ),
    c(
        "210",
        {"Header": [h(UPN="UN4")], "Episodes": [e(DECOM="25/03/2025")]},
        {"Header": [h(UPN="UN4")], "Episodes": [e(DECOM="23/03/2025")]},
        ("Header", 1),
        ("Episodes", 1),
    ),
    c("301", {"Header": [h(DOB="01/04/2025")]}, {"Header": [h(DOB="31/03/2025")]}),
    c("351", {"Header": [h(DOB="31/03/2003")]}, {"Header": [h(DOB="01/04/2003")]}),
    c(
        "393",
        {"Header": [h(SEX="F")], "Episodes": [e()]},
        {"Header": [h(SEX="F", MOTHER="0")], "Episodes": [e()]},
    ),
    c(
        "442",
        {"Header": [h(UPN="")], "Episodes": [e()]},
        {"Header": [h(UPN="")], "Episodes": [e(LS="V3")]},
        ("Header", 1),
        ("Episodes", 1),
    ),
    c(
        "611",
        {"Header": [h(SEX="F", MOTHER="1")]},
        {"Header": [h(SEX="F", MOTHER="1", MC_DOB="01/01/2024")]},
    ),
    c(
        "612",
        {"Header": [h(SEX="F", MOTHER="0", MC_DOB="01/01/2024")]},
        {"Header": [h(SEX="F", MOTHER="1", MC_DOB="01/01/2024")]},
    ),
    c(
        "620",
        {"Header": [h(SEX="F", MOTHER="1", DOB="01/06/2014", MC_DOB="01/01/2024")]},
        {"Header": [h(SEX="F", MOTHER="1", DOB="01/06/2008", MC_DOB="01/01/2024")]},
    ),
    c(
        "621",
        {"Header": [h(SEX="F", MOTHER="1", MC_DOB="01/01/2012")]},
        {"Header": [h(SEX="F", MOTHER="1", MC_DOB="01/01/2024")]},
    ),
    c(
        "625",
        {"Header": [h(SEX="F", MOTHER="1", MC_DOB="01/03/2025")], "Episodes": [e(**CLOSED)]},
        {"Header": [h(SEX="F", MOTHER="1", MC_DOB="01/01/2025")], "Episodes": [e(**CLOSED)]},
        ("Header", 1),
        ("Episodes", 1),
    ),
    c(
        "607",
        {"Header": [h(SEX="F")], "Episodes": [e(**CLOSED)]},
        {"Header": [h(SEX="F", MOTHER="0")], "Episodes": [e(**CLOSED)]},
        ("Header", 1),
        ("Episodes", 1),
    ),
    c(
        "628",
        {"Header": [h(MOTHER="0")], "Episodes": [e(CHILD="2")], "OC3": [o3()]},
        {"Header": [h()], "Episodes": [e(CHILD="2")], "OC3": [o3()]},
    ),
    c(
        "165",
        {"Header": [h(SEX="F")], "Episodes": [e()], "OC3": [o3(CHILD="9")]},
        {"Header": [h(SEX="F", MOTHER="0")], "Episodes": [e()], "OC3": [o3(CHILD="9")]},
    ),
    c(
        "358",
        {"Header": [h(DOB="01/06/2016")], "Episodes": [e(LS="J1")]},
        {"Header": [h()], "Episodes": [e(LS="J1")]},
        ("Episodes", 1),
        ("Header", 1),
    ),
    c(
        "407",
        {"Header": [h(DOB="01/06/2005")], "Episodes": [e(DEC="01/07/2024", REC="E45")]},
        {"Header": [h()], "Episodes": [e(DEC="01/07/2024", REC="E45")]},
        ("Episodes", 1),
        ("Header", 1),
    ),
    # ------------------------------------------------------------------ Episodes: codes, dates
    c("143", {"Episodes": [e(RNE="Z")]}, {"Episodes": [e()]}),
    c("144", {"Episodes": [e(LS="XX")]}, {"Episodes": [e()]}),
    c("145", {"Episodes": [e(CIN="N9")]}, {"Episodes": [e()]}),
    # H5 is not a 2024/25 placement code; K3 is new in 2024/25.
    c("146", {"Episodes": [e(PLACE="H5")]}, {"Episodes": [e(PLACE="K3")]}),
    c("149", {"Episodes": [e(DEC="01/02/2025", REC="E99")]}, {"Episodes": [e(**CLOSED)]}),
    c(
        "1009",
        {"Episodes": [e(REASON_PLACE_CHANGE="XXXXX")]},
        {"Episodes": [e(REASON_PLACE_CHANGE="CARPL")]},
    ),
    c("141", {"Episodes": [e(DECOM="2024-05-01")]}, {"Episodes": [e()]}),
    c("147", {"Episodes": [e(DEC="32/01/2025", REC="E13")]}, {"Episodes": [e(**CLOSED)]}),
    c("148", {"Episodes": [e(DEC="01/02/2025")]}, {"Episodes": [e(**CLOSED)]}),
    c("178", {"Episodes": [e(PLACE_PROVIDER="PR9")]}, {"Episodes": [e()]}),
    c(
        "142",
        {"Episodes": two(e(), e(DECOM="01/06/2024", RNE="P", PLACE="U2"))},
        {"Episodes": two(e(**CHANGE), e(DECOM="01/06/2024", RNE="P", PLACE="U2"))},
    ),
    c(
        "213",
        {"Episodes": [e(PLACE="T0")]},
        {"Episodes": [e(PLACE="T0", PLACE_PROVIDER="")]},
    ),
    c(
        "214",
        {"Episodes": [e(LS="V3", HOME_POST="")]},
        {"Episodes": [e(LS="V3", HOME_POST="", PL_POST="")]},
    ),
    c("217", {"Episodes": [e(PLACE="A3", RNE="P")]}, {"Episodes": [e(PLACE="A3", RNE="T")]}),
    c(
        "222",
        {"Episodes": [e(PLACE="R1", URN="SC123456")]},
        {"Episodes": [e(PLACE="R1", URN="XXXXXX")]},
    ),
    c(
        "225",
        {
            "Episodes": two(
                e(DEC="01/06/2024", REC="X1"), e(DECOM="01/06/2024", RNE="P", PLACE="U2")
            )
        },
        {"Episodes": two(e(**CHANGE), e(DECOM="01/06/2024", RNE="P", PLACE="U2"))},
    ),
    c(
        "226",
        {"Episodes": [e(PLACE="T1", RNE="P", REASON_PLACE_CHANGE="CARPL")]},
        {"Episodes": [e(PLACE="T1", RNE="P")]},
    ),
    c(
        "336",
        {"Episodes": two(e(PLACE="R1", **CHANGE), e(DECOM="01/06/2024", RNE="P", PLACE="A3"))},
        {"Episodes": two(e(**CHANGE), e(DECOM="01/06/2024", RNE="P", PLACE="A3"))},
        ("Episodes", 2),
    ),
    c(
        "352",
        {"Header": [h(DOB="01/04/2006")], "Episodes": [e()]},
        {"Header": [h()], "Episodes": [e()]},
        ("Episodes", 1),
    ),
    c("353", {"Episodes": [e(DECOM="01/01/1990")]}, {"Episodes": [e(DECOM="14/10/1991")]}),
    c("354", {"Episodes": [e(DECOM="01/04/2025")]}, {"Episodes": [e(DECOM="31/03/2025")]}),
    c(
        "355",
        {"Episodes": [e(DEC="01/05/2024", REC="E13")]},
        {"Episodes": [e(DEC="02/05/2024", REC="E13")]},
    ),
    c(
        "356",
        {"Episodes": [e(DEC="30/04/2024", REC="E13")]},
        {"Episodes": [e(DEC="02/05/2024", REC="E13")]},
    ),
    c("357", {"Episodes": [e(RNE="P")]}, {"Episodes": [e()]}),
    c(
        "359",
        {"Header": [h(DOB="01/01/2006")], "Episodes": [e()]},
        {"Header": [h(DOB="01/01/2006")], "Episodes": [e(LS="V2", PLACE="K2")]},
        ("Episodes", 1),
    ),
    c(
        "361",
        {"Episodes": [e(LS="L1", DEC="05/05/2024", REC="E13")]},
        {"Episodes": [e(LS="L1", DEC="04/05/2024", REC="E13")]},
    ),
    c(
        "362",
        {"Episodes": [e(LS="L2", DEC="23/05/2024", REC="E13")]},
        {"Episodes": [e(LS="L2", DEC="22/05/2024", REC="E13")]},
    ),
    c(
        "363",
        {"Episodes": [e(LS="L3", DEC="09/05/2024", REC="E13")]},
        {"Episodes": [e(LS="L3", DEC="08/05/2024", REC="E13")]},
    ),
    c(
        "364",
        {"Episodes": [e(LS="J2", DEC="23/05/2024", REC="E13")]},
        {"Episodes": [e(LS="J2", DEC="22/05/2024", REC="E13")]},
    ),
    c(
        "365",
        {"Episodes": [e(LS="V3", DEC="19/05/2024", REC="E13")]},
        {"Episodes": [e(LS="V3", DEC="18/05/2024", REC="E13")]},
    ),
    c("366", {"Episodes": [e(LS="V3", RNE="P")]}, {"Episodes": [e(LS="V3")]}),
    c(
        "367",
        {"Episodes": [e(LS="V3", DEC="16/07/2024", REC="E13")]},
        {"Episodes": [e(LS="V3", DEC="15/07/2024", REC="E13")]},
    ),
    c(
        "370",
        {"Header": [h()], "Episodes": [e(PLACE="P2", **CLOSED)]},
        {"Header": [h(DOB="01/05/2009")], "Episodes": [e(PLACE="P2", **CLOSED)]},
        ("Episodes", 1),
    ),
    c(
        "371",
        {"Header": [h()], "Episodes": [e(PLACE="H5", **CLOSED)]},
        {"Header": [h(DOB="01/05/2010")], "Episodes": [e(PLACE="H5", **CLOSED)]},
        ("Episodes", 1),
    ),
    c(
        "372",
        {"Header": [h(DOB="02/05/2014")], "Episodes": [e(PLACE="R5", **CLOSED)]},
        {"Header": [h(DOB="01/05/2014")], "Episodes": [e(PLACE="R5", **CLOSED)]},
        ("Episodes", 1),
    ),
    c(
        "373",
        {"Header": [h(DOB="02/05/2020")], "Episodes": [e(PLACE="S1", **CLOSED)]},
        {"Header": [h(DOB="01/05/2020")], "Episodes": [e(PLACE="S1", **CLOSED)]},
        ("Episodes", 1),
    ),
    c(
        "374",
        {"Header": [h()], "Episodes": [e(PLACE="P3", **CLOSED)]},
        {"Header": [h(DOB="01/05/2010")], "Episodes": [e(PLACE="P3", **CLOSED)]},
        ("Episodes", 1),
    ),
    c(
        "375",
        {"Header": [h()], "Episodes": [e(PLACE="T1", DEC="13/06/2024", REC="E13")]},
        {"Header": [h()], "Episodes": [e(PLACE="T1", DEC="12/06/2024", REC="E13")]},
        ("Episodes", 1),
    ),
    c(
        "376",
        {"Header": [h()], "Episodes": [e(PLACE="T3", DEC="23/05/2024", REC="E13")]},
        {"Header": [h()], "Episodes": [e(PLACE="T3", DEC="22/05/2024", REC="E13")]},
        ("Episodes", 1),
    ),
    c(
        "379",
        {"Header": [h()], "Episodes": [e(PLACE="T4", DEC="09/05/2024", REC="E13")]},
        {"Header": [h()], "Episodes": [e(PLACE="T4", DEC="08/05/2024", REC="E13")]},
        ("Episodes", 1),
    ),
    c(
        "377",
        {
            "Episodes": [
                e(PLACE="T3"),
                e(PLACE="T3", DECOM="01/06/2024"),
                e(PLACE="T3", DECOM="01/07/2024"),
            ]
        },
        {"Episodes": [e(PLACE="T3"), e(PLACE="T3", DECOM="01/06/2024"), e(DECOM="01/07/2024")]},
        ("Episodes", 1),
        ("Episodes", 2),
        ("Episodes", 3),
    ),
    c(
        "378",
        {"Episodes": [e(PLACE="P1", LS="V2", PLACE_PROVIDER="PR0")]},
        {"Episodes": [e(PLACE="P1", PLACE_PROVIDER="PR0")]},
    ),
    c("380", {"Episodes": [e(PLACE="T0")]}, {"Episodes": [e(PLACE="T0", RNE="P")]}),
    c(
        "381",
        {"Episodes": [e(PLACE="T0", RNE="P", **CLOSED)]},
        {"Episodes": [e(PLACE="T0", RNE="P", DEC="01/02/2025", REC="X1")]},
    ),
    c("382", {"Episodes": [e(LS="V3", PLACE="T0")]}, {"Episodes": [e(LS="V3")]}),
    c(
        "383",
        {
            "Episodes": [
                e(**CHANGE),
                e(DECOM="01/06/2024", RNE="P", PLACE="T1", DEC="10/06/2024", REC="X1"),
                e(DECOM="10/06/2024", RNE="P", PLACE="U2"),
            ]
        },
        {
            "Episodes": [
                e(**CHANGE),
                e(DECOM="01/06/2024", RNE="P", PLACE="T1", DEC="10/06/2024", REC="X1"),
                e(DECOM="10/06/2024", RNE="P"),
            ]
        },
        ("Episodes", 2),
    ),
    c("384", {"Episodes": [e(LS="V3", PLACE="U4")]}, {"Episodes": [e(LS="V3", PLACE="U2")]}),
    c(
        "385",
        {"Episodes": [e(DEC="01/04/2025", REC="E13")]},
        {"Episodes": [e(DEC="31/03/2025", REC="E13")]},
    ),
    c(
        "386",
        {"Header": [h(DOB="01/05/2006")], "Episodes": [e(PLACE="A3", DEC="01/05/2024", REC="E11")]},
        {"Header": [h(DOB="02/05/2006")], "Episodes": [e(PLACE="A3", DEC="01/05/2024", REC="E11")]},
        ("Episodes", 1),
    ),
    c(
        "387",
        {"Header": [h()], "Episodes": [e(DEC="01/02/2025", REC="E5")]},
        {"Header": [h(DOB="01/02/2011")], "Episodes": [e(DEC="01/02/2025", REC="E5")]},
        ("Episodes", 1),
    ),
    c(
        "460",
        {"Header": [h()], "Episodes": [e(DEC="01/02/2025", REC="E17")]},
        {"Header": [h(DOB="01/02/2007")], "Episodes": [e(DEC="01/02/2025", REC="E17")]},
        ("Episodes", 1),
    ),
    c(
        "389",
        {"Header": [h()], "Episodes": [e(DEC="01/02/2025", REC="E7")]},
        {"Header": [h(DOB="01/02/2009")], "Episodes": [e(DEC="01/02/2025", REC="E7")]},
        ("Episodes", 1),
    ),
    c("388", {"Episodes": [e(DEC="01/02/2025", REC="X1")]}, {"Episodes": [e(**CLOSED)]}),
    c(
        "390",
        {"Episodes": [e(DEC="01/02/2025", REC="E11")]},
        {"Episodes": [e(PLACE="A3", DEC="01/02/2025", REC="E11")]},
    ),
    c("392B", {"Episodes": [e(HOME_POST="")]}, {"Episodes": [e()]}),
    c(
        "398",
        {"Episodes": [e(LS="V3", PL_POST="")]},
        {"Episodes": [e(LS="V3", PL_POST="", HOME_POST="")]},
    ),
    c("408", {"Episodes": [e(PLACE="A5")]}, {"Episodes": [e(PLACE="A5", LS="E1")]}),
    c(
        "431",
        {"Episodes": two(e(**CHANGE), e(DECOM="01/06/2024", PLACE="U2"))},
        {"Episodes": two(e(**CHANGE), e(DECOM="01/06/2024", RNE="P", PLACE="U2"))},
        ("Episodes", 2),
    ),
    c(
        "432",
        {"Episodes": two(e(DEC="01/06/2024", REC="E13"), e(DECOM="01/07/2024", RNE="P"))},
        {"Episodes": two(e(DEC="01/06/2024", REC="E13"), e(DECOM="01/07/2024"))},
        ("Episodes", 2),
    ),
    c(
        "433",
        {"Episodes": two(e(**CHANGE), e(DECOM="02/06/2024", RNE="P", PLACE="U2"))},
        {"Episodes": two(e(**CHANGE), e(DECOM="01/06/2024", RNE="P", PLACE="U2"))},
        ("Episodes", 2),
    ),
    c(
        "434",
        {"Episodes": two(e(**CHANGE), e(DECOM="01/06/2024", RNE="L"))},
        {"Episodes": two(e(**CHANGE), e(DECOM="01/06/2024", RNE="L", LS="C1"))},
        ("Episodes", 2),
    ),
    c(
        "435",
        {"Episodes": two(e(**CHANGE), e(DECOM="01/06/2024", RNE="P"))},
        {"Episodes": two(e(**CHANGE), e(DECOM="01/06/2024", RNE="P", PLACE="U2"))},
        ("Episodes", 2),
    ),
    c(
        "436",
        {"Episodes": two(e(**CHANGE), e(DECOM="01/06/2024", RNE="B", PLACE="U2"))},
        {"Episodes": two(e(**CHANGE), e(DECOM="01/06/2024", RNE="B", PLACE="U2", LS="C1"))},
        ("Episodes", 2),
    ),
    c(
        "437",
        {"Episodes": two(e(DEC="01/06/2024", REC="E15"), e(DECOM="01/07/2024"))},
        {"Episodes": [e(DEC="01/06/2024", REC="E15")]},
    ),
    c("445", {"Episodes": [e(LS="D1")]}, {"Episodes": [e(LS="D1", DECOM="01/05/2005")]}),
    c("446", {"Episodes": [e(LS="E1", DECOM="01/05/2005")]}, {"Episodes": [e(LS="E1")]}),
    c("451", {"Episodes": [e(LS="D1")]}, {"Episodes": [e(LS="D1", **CLOSED)]}),
    c(
        "501",
        {
            "Episodes": two(
                e(DEC="01/07/2024", REC="X1"), e(DECOM="01/06/2024", RNE="P", PLACE="U2")
            )
        },
        {
            "Episodes": two(
                e(DEC="01/07/2024", REC="X1"), e(DECOM="01/07/2024", RNE="P", PLACE="U2")
            )
        },
        ("Episodes", 2),
    ),
    c(
        "504",
        {"Episodes": two(e(**CHANGE), e(DECOM="01/06/2024", RNE="P", PLACE="U2", CIN="N2"))},
        {"Episodes": two(e(**CHANGE), e(DECOM="01/06/2024", RNE="P", PLACE="U2"))},
        ("Episodes", 2),
    ),
    c(
        "516",
        {"Episodes": [e(PLACE="R1", DEC="01/02/2025", REC="E45")]},
        {"Episodes": [e(DEC="01/02/2025", REC="E45")]},
    ),
    c(
        "526",
        {"Episodes": [e(PLACE_PROVIDER="")]},
        {"Episodes": [e(PLACE="T0", PLACE_PROVIDER="")]},
    ),
    c("527", {"Episodes": [e(PLACE="P1")]}, {"Episodes": [e(PLACE="P1", PLACE_PROVIDER="PR0")]}),
    c(
        "528",
        {"Episodes": [e(PLACE="R2", PLACE_PROVIDER="PR2")]},
        {"Episodes": [e(PLACE="R1", PLACE_PROVIDER="PR2")]},
    ),
    c(
        "529",
        {"Episodes": [e(PLACE_PROVIDER="PR3")]},
        {"Episodes": [e(PLACE="R1", PLACE_PROVIDER="PR3")]},
    ),
    c(
        "530",
        {"Episodes": [e(PLACE="P1", PLACE_PROVIDER="PR4")]},
        {"Episodes": [e(PLACE="R1", PLACE_PROVIDER="PR4")]},
    ),
    c(
        "531",
        {"Episodes": [e(PLACE="P1", PLACE_PROVIDER="PR5")]},
        {"Episodes": [e(PLACE="R1", PLACE_PROVIDER="PR5")]},
    ),
    c(
        "550",
        {"Episodes": [e(PLACE_PROVIDER="PR0")]},
        {"Episodes": [e(PLACE="P1", PLACE_PROVIDER="PR0")]},
    ),
    c(
        "630",
        {"Episodes": [e()], "PrevPerm": [pp(CHILD="9")]},
        {"Episodes": [e()], "PrevPerm": [pp()]},
        ("Episodes", 1),
    ),
    c(
        "580",
        {
            "Episodes": [e(DEC="01/02/2025", REC="E13")],
            "Missing": [m(DOB="01/02/2007", MIS_START="30/01/2025", MIS_END="01/02/2025")],
        },
        {
            "Episodes": [e(DEC="01/02/2025", REC="E8")],
            "Missing": [m(DOB="01/02/2007", MIS_START="30/01/2025", MIS_END="01/02/2025")],
        },
        ("Episodes", 1),
    ),
    # ------------------------------------------------------------------ Reviews
    c("166", {"Reviews": [rv(REVIEW="")]}, {"Reviews": [rv()]}),
    c("167", {"Reviews": [rv(REVIEW_CODE="PN9")]}, {"Reviews": [rv()]}),
    c(
        "440",
        {"Reviews": [rv(REVIEW_CODE="PN0")]},
        {"Reviews": [rv(DOB="01/06/2021", REVIEW_CODE="PN0")]},
    ),
    c("441", {"Reviews": [rv(DOB="01/06/2021")]}, {"Reviews": [rv()]}),
    c(
        "399",
        {"Episodes": [e(LS="V3")], "Header": [h()], "Reviews": [rv()]},
        {"Episodes": [e(LS="V3"), e(DECOM="01/07/2024")], "Header": [h()], "Reviews": [rv()]},
        ("Episodes", 1),
        ("Header", 1),
        ("Reviews", 1),
    ),
    # ------------------------------------------------------------------ Missing
    c("564", {"Missing": [m(MIS_START="")]}, {"Missing": [m()]}),
    c("565", {"Missing": [m(MISSING="")]}, {"Missing": [m()]}),
    c("566", {"Missing": [m(MISSING="", MIS_START="")]}, {"Missing": [m()]}),
    c("567", {"Missing": [m(MIS_END="31/05/2024")]}, {"Missing": [m(MIS_END="01/06/2024")]}),
    c(
        "570",
        {"Missing": [m(MIS_START="01/04/2025", MIS_END="")]},
        {"Missing": [m(MIS_START="31/03/2025", MIS_END="")]},
    ),
    c("571", {"Missing": [m(MIS_END="01/04/2025")]}, {"Missing": [m(MIS_END="31/03/2025")]}),
    c("586", {"Missing": [m(DOB="01/06/2024")]}, {"Missing": [m(DOB="31/05/2024")]}),
    c("1004", {"Missing": [m(MIS_START="2024-06-01")]}, {"Missing": [m()]}),
    c("1005", {"Missing": [m(MIS_END="soon")]}, {"Missing": [m(MIS_END="")]}),
    c("1006", {"Missing": [m(MISSING="X")]}, {"Missing": [m(MISSING="A")]}),
    c(
        "574",
        {"Missing": two(m(MIS_END=""), m(MIS_START="10/06/2024", MIS_END="11/06/2024"))},
        {"Missing": two(m(), m(MIS_START="10/06/2024", MIS_END="11/06/2024"))},
        ("Missing", 2),
    ),
    c(
        "575",
        {"Episodes": [e(DEC="01/07/2024", REC="E13")], "Missing": [m(MIS_END="")]},
        {"Episodes": [e(DEC="01/07/2024", REC="E13")], "Missing": [m()]},
        ("Missing", 1),
    ),
    c(
        "577",
        {"Episodes": [e(DEC="01/07/2024", REC="E13")], "Missing": [m(MIS_END="02/07/2024")]},
        {"Episodes": [e(DEC="01/07/2024", REC="E13")], "Missing": [m()]},
        ("Episodes", 1),
        ("Missing", 1),
    ),
    c(
        "578",
        {"Episodes": [e(DEC="15/05/2024", REC="E13")], "Missing": [m()]},
        {
            "Episodes": [e(DEC="15/05/2024", REC="E13")],
            "Missing": [m(MIS_START="10/05/2024", MIS_END="12/05/2024")],
        },
        ("Episodes", 1),
        ("Missing", 1),
    ),
    # ------------------------------------------------------------------ OC2
    c(
        "157",
        {"Episodes": [CLA], "OC2": [o2(DOB="01/01/2015", SDQ_REASON="SDQ1")]},
        {"Episodes": [CLA], "OC2": [o2(DOB="01/01/2015", SDQ_REASON="SDQ2")]},
        ("OC2", 1),
    ),
    c(
        "185",
        {"Episodes": [NEW], "OC2": [o2(SDQ_SCORE="10")]},
        {"Episodes": [CLA], "OC2": [o2(SDQ_SCORE="10")]},
        ("OC2", 1),
    ),
    c(
        "186",
        {"Episodes": [CLA], "OC2": [o2(DOB="01/01/2015")]},
        {"Episodes": [CLA], "OC2": [o2(DOB="01/01/2015", SDQ_SCORE="10")]},
        ("OC2", 1),
    ),
    c(
        "190",
        {"Episodes": [NEW], "OC2": [o2(IMMUNISATIONS="1")]},
        {"Episodes": [CLA], "OC2": [o2(IMMUNISATIONS="1")]},
        ("OC2", 1),
    ),
    c(
        "191",
        {"Episodes": [CLA], "OC2": [o2(IMMUNISATIONS="1", TEETH_CHECK="1", HEALTH_ASSESSMENT="1")]},
        {
            "Episodes": [CLA],
            "OC2": [
                o2(IMMUNISATIONS="1", TEETH_CHECK="1", HEALTH_ASSESSMENT="1", SUBSTANCE_MISUSE="0")
            ],
        },
        ("OC2", 1),
    ),
    c(
        "197B",
        {"Episodes": [CLA], "OC2": [o2(DOB="01/04/2020")]},
        {"Episodes": [CLA], "OC2": [o2(DOB="01/04/2020", SDQ_REASON="SDQ2")]},
        ("OC2", 1),
    ),
    c(
        "198",
        {"Episodes": [NEW], "OC2": [o2(SDQ_REASON="SDQ2")]},
        {"Episodes": [CLA], "OC2": [o2(SDQ_REASON="SDQ2")]},
        ("OC2", 1),
    ),
    c(
        "543",
        {"Episodes": [CLA], "OC2": [o2()]},
        {"Episodes": [CLA], "OC2": [o2(CONVICTED="0")]},
        ("OC2", 1),
    ),
    c(
        "545",
        {"Episodes": [CLA], "OC2": [o2(DOB="01/06/2021")]},
        {"Episodes": [CLA], "OC2": [o2(DOB="01/06/2021", HEALTH_CHECK="1")]},
        ("OC2", 1),
    ),
    c(
        "546",
        {"Episodes": [CLA], "OC2": [o2(HEALTH_CHECK="1")]},
        {"Episodes": [CLA], "OC2": [o2()]},
        ("OC2", 1),
    ),
    c("180", {"OC2": [o2(SDQ_SCORE="41")]}, {"OC2": [o2(SDQ_SCORE="05")]}),
    c("181", {"OC2": [o2(CONVICTED="2")]}, {"OC2": [o2(CONVICTED="0")]}),
    c(
        "182",
        {"OC2": [o2(CONVICTED="0")]},
        {
            "OC2": [
                o2(
                    CONVICTED="0",
                    IMMUNISATIONS="1",
                    TEETH_CHECK="1",
                    HEALTH_ASSESSMENT="1",
                    SUBSTANCE_MISUSE="0",
                )
            ]
        },
    ),
    c("188", {"OC2": [o2(DOB="01/06/2022", SDQ_SCORE="5")]}, {"OC2": [o2(DOB="01/06/2022")]}),
    c(
        "189",
        {"OC2": [o2(DOB="01/04/2007", SDQ_REASON="SDQ2")]},
        {"OC2": [o2(DOB="02/04/2007", SDQ_REASON="SDQ2")]},
    ),
    c(
        "192",
        {"OC2": [o2(SUBSTANCE_MISUSE="1")]},
        {"OC2": [o2(SUBSTANCE_MISUSE="1", INTERVENTION_RECEIVED="1")]},
    ),
    c(
        "193",
        {"OC2": [o2(SUBSTANCE_MISUSE="0", INTERVENTION_RECEIVED="1")]},
        {"OC2": [o2(SUBSTANCE_MISUSE="1", INTERVENTION_RECEIVED="1")]},
    ),
    c("196", {"OC2": [o2(SDQ_REASON="SDQ9")]}, {"OC2": [o2(SDQ_REASON="SDQ5")]}),
    c("197a", {"OC2": [o2(SDQ_SCORE="5", SDQ_REASON="SDQ2")]}, {"OC2": [o2(SDQ_SCORE="5")]}),
    c(
        "158",
        {"OC2": [o2(INTERVENTION_RECEIVED="1", INTERVENTION_OFFERED="1")]},
        {"OC2": [o2(INTERVENTION_RECEIVED="1")]},
    ),
    c(
        "159",
        {"OC2": [o2(SUBSTANCE_MISUSE="1", INTERVENTION_RECEIVED="0")]},
        {"OC2": [o2(SUBSTANCE_MISUSE="1", INTERVENTION_RECEIVED="0", INTERVENTION_OFFERED="1")]},
    ),
    c(
        "542",
        {"OC2": [o2(DOB="01/04/2015", CONVICTED="0")]},
        {"OC2": [o2(DOB="31/03/2015", CONVICTED="0")]},
    ),
    c(
        "544",
        {"OC2": [o2(CONVICTED="1")]},
        {
            "OC2": [
                o2(
                    CONVICTED="1",
                    IMMUNISATIONS="1",
                    TEETH_CHECK="1",
                    HEALTH_ASSESSMENT="1",
                    SUBSTANCE_MISUSE="0",
                )
            ]
        },
    ),
    c(
        "547",
        {"OC2": [o2(HEALTH_CHECK="1")]},
        {
            "OC2": [
                o2(
                    HEALTH_CHECK="1",
                    IMMUNISATIONS="1",
                    TEETH_CHECK="1",
                    HEALTH_ASSESSMENT="1",
                    SUBSTANCE_MISUSE="0",
                )
            ]
        },
    ),
    c(
        "187",
        {"Episodes": [CLA], "OC3": [o3()], "AD1": [a1(CHILD="9")]},
        {"Episodes": [NEW], "OC3": [o3()], "AD1": [a1(CHILD="9")]},
        ("OC3", 1),
    ),
    c(
        "215",
        {"OC3": [o3()], "OC2": [o2(CONVICTED="0")]},
        {"OC3": [o3()], "OC2": [o2(CHILD="2", CONVICTED="0")]},
        ("OC3", 1),
        ("OC2", 1),
    ),
    # ------------------------------------------------------------------ OC3
    c("131", {"OC3": [o3(IN_TOUCH="MAYBE")]}, {"OC3": [o3()]}),
    c("132", {"OC3": [o3(ACTIV="Z9")]}, {"OC3": [o3()]}),
    c("133", {"OC3": [o3(ACCOM="S1")]}, {"OC3": [o3(ACCOM="S2")]}),
    c("153", {"OC3": [o3(ACCOM="")]}, {"OC3": [o3()]}),
    c("344", {"OC3": [o3(IN_TOUCH="DIED")]}, {"OC3": [o3(IN_TOUCH="DIED", ACTIV="", ACCOM="")]}),
    c("345", {"OC3": [o3(ACTIV="")]}, {"OC3": [o3(IN_TOUCH="NO", ACTIV="")]}),
    c("391", {"OC3": [o3(DOB="01/04/2008")]}, {"OC3": [o3(DOB="31/03/2008")]}),
    c(
        "1000",
        {"Episodes": [e(DEC="01/02/2025", REC="E2")], "OC3": [o3()]},
        {"Episodes": [e(**CLOSED)], "OC3": [o3()]},
        ("OC3", 1),
    ),
    c(
        "1007",
        {"Episodes": [e()], "OC3": [o3(DOB="01/06/2007")]},
        {"Episodes": [e(**CLOSED)], "OC3": [o3(DOB="01/06/2007")]},
        ("Episodes", 1),
        ("OC3", 1),
    ),
    c(
        "1011",
        {"Episodes": [e(DEC="01/02/2025", REC="E3")], "OC3": [o3()]},
        {"Episodes": [e(**CLOSED)], "OC3": [o3()]},
        ("OC3", 1),
    ),
    c(
        "1014",
        {
            "Episodes": [e(DECOM="01/01/2020", DEC="01/01/2021", REC="E13")],
            "UASC": [u()],
            "OC3": [o3()],
        },
        {
            "Episodes": [e(DECOM="01/01/2020", DEC="01/06/2024", REC="E13")],
            "UASC": [u()],
            "OC3": [o3()],
        },
        ("UASC", 1),
        ("OC3", 1),
    ),
    c(
        "3001",
        {"Header": [h(DOB="01/06/2007")], "OC3": [o3(DOB="01/06/2007", ACCOM="Z1")]},
        {"Header": [h(DOB="01/06/2007")], "OC3": [o3(DOB="01/06/2007", ACCOM="B1")]},
        ("OC3", 1),
    ),
    c(
        "1012",
        {"Episodes": [e(CHILD="2")], "Reviews": [rv()], "OC2": [o2(CHILD="2"), o2()]},
        {"Episodes": [e()], "Reviews": [rv()], "OC2": [o2()]},
        ("Reviews", 1),
        ("OC2", 2),
    ),
    c("134", {"OC3": [o3()], "AD1": [a1()]}, {"OC3": [o3(CHILD="2")], "AD1": [a1()]}, ("AD1", 1)),
    # ------------------------------------------------------------------ AD1, placed for adoption
    c("112", {"AD1": [a1(DATE_INT="x")]}, {"AD1": [a1()]}),
    c("113", {"AD1": [a1(DATE_MATCH="x")]}, {"AD1": [a1()]}),
    c("115", {"PlacedAdoption": [pa(DATE_PLACED="x")]}, {"PlacedAdoption": [pa()]}),
    c(
        "116",
        {"PlacedAdoption": [pa(DATE_PLACED_CEASED="x")]},
        {"PlacedAdoption": [pa(DATE_PLACED_CEASED="01/06/2024")]},
    ),
    c("114", {"AD1": [a1(FOSTER_CARE="2")]}, {"AD1": [a1(FOSTER_CARE="1")]}),
    c("175", {"AD1": [a1(NB_ADOPTR="3")]}, {"AD1": [a1(NB_ADOPTR="1")]}),
    c("176", {"AD1": [a1(SEX_ADOPTR="XX")]}, {"AD1": [a1(SEX_ADOPTR="FF")]}),
    c("177", {"AD1": [a1(LS_ADOPTR="L9")]}, {"AD1": [a1(LS_ADOPTR="L4")]}),
    c(
        "120",
        {"PlacedAdoption": [pa(REASON_PLACED_CEASED="RD9")]},
        {"PlacedAdoption": [pa(REASON_PLACED_CEASED="RD1")]},
    ),
    c("631", {"PrevPerm": [pp(PREV_PERM="P9")]}, {"PrevPerm": [pp(PREV_PERM="P4")]}),
    c("151", {"AD1": [a1(DATE_MATCH="")]}, {"AD1": [a1()]}),
    c("333", {"AD1": [a1(DATE_INT="11/05/2024")]}, {"AD1": [a1(DATE_INT="10/05/2024")]}),
    c("511", {"AD1": [a1(SEX_ADOPTR="M1")]}, {"AD1": [a1()]}),
    c("514", {"AD1": [a1(LS_ADOPTR="L0")]}, {"AD1": [a1(LS_ADOPTR="L0", SEX_ADOPTR="F1")]}),
    c("517", {"AD1": [a1(LS_ADOPTR="L3", SEX_ADOPTR="MM")]}, {"AD1": [a1(LS_ADOPTR="L3")]}),
    c("518", {"AD1": [a1(LS_ADOPTR="L4")]}, {"AD1": [a1(LS_ADOPTR="L4", SEX_ADOPTR="MM")]}),
    c(
        "519",
        {"AD1": [a1(LS_ADOPTR="L2", SEX_ADOPTR="M1")]},
        {"AD1": [a1(LS_ADOPTR="L2", SEX_ADOPTR="MM")]},
    ),
    c("520", {"AD1": [a1(SEX_ADOPTR="MM")]}, {"AD1": [a1()]}),
    c("524", {"AD1": [a1(LS_ADOPTR="L12")]}, {"AD1": [a1(LS_ADOPTR="L12", SEX_ADOPTR="FF")]}),
    c(
        "331",
        {
            "Episodes": [e(PLACE="A3", DEC="01/02/2025", REC="E11")],
            "AD1": [a1(DATE_MATCH="02/05/2024")],
        },
        {
            "Episodes": [e(PLACE="A3", DEC="01/02/2025", REC="E11")],
            "AD1": [a1(DATE_INT="01/04/2024", DATE_MATCH="01/05/2024")],
        },
        ("AD1", 1),
        ("Episodes", 1),
    ),
    c(
        "334",
        {"Episodes": [e()], "AD1": [a1(DATE_INT="30/04/2024")]},
        {"Episodes": [e()], "AD1": [a1()]},
        ("Episodes", 1),
        ("AD1", 1),
    ),
    c(
        "335",
        {"Episodes": [e(PLACE="A3", DEC="01/02/2025", REC="E11")], "AD1": [a1()]},
        {"Episodes": [e(PLACE="A3", DEC="01/02/2025", REC="E11")], "AD1": [a1(FOSTER_CARE="1")]},
        ("Episodes", 1),
        ("AD1", 1),
    ),
    c(
        "521",
        {"Episodes": [e(PLACE="A4")], "AD1": [a1(DATE_INT="02/05/2024")]},
        {"Episodes": [e(PLACE="A4")], "AD1": [a1()]},
        ("Episodes", 1),
        ("AD1", 1),
    ),
    c(
        "523",
        {"PlacedAdoption": [pa()], "AD1": [a1(DATE_INT="02/05/2024")]},
        {"PlacedAdoption": [pa()], "AD1": [a1()]},
        ("PlacedAdoption", 1),
        ("AD1", 1),
    ),
    c(
        "525",
        {
            "PlacedAdoption": [pa(DATE_PLACED_CEASED="01/06/2024", REASON_PLACED_CEASED="RD1")],
            "AD1": [a1()],
        },
        {"PlacedAdoption": [pa()], "AD1": [a1()]},
        ("PlacedAdoption", 1),
        ("AD1", 1),
    ),
    c(
        "601",
        {"Episodes": [e(PLACE="A3", DEC="01/02/2025", REC="E11")], "AD1": [a1(LS_ADOPTR="")]},
        {"Episodes": [e(PLACE="A3", DEC="01/02/2025", REC="E11")], "AD1": [a1()]},
        ("AD1", 1),
        ("Episodes", 1),
    ),
    c(
        "602",
        {"Episodes": [e(**CLOSED)], "AD1": [a1()]},
        {"Episodes": [e(PLACE="A3", DEC="01/02/2025", REC="E11")], "AD1": [a1()]},
        ("AD1", 1),
    ),
    c(
        "119",
        {"PlacedAdoption": [pa(DATE_PLACED_CEASED="01/06/2024")]},
        {"PlacedAdoption": [pa(DATE_PLACED_CEASED="01/06/2024", REASON_PLACED_CEASED="RD1")]},
    ),
    c(
        "522",
        {"PlacedAdoption": [pa(DATE_PLACED_CEASED="30/04/2024", REASON_PLACED_CEASED="RD1")]},
        {"PlacedAdoption": [pa(DATE_PLACED_CEASED="01/05/2024", REASON_PLACED_CEASED="RD1")]},
    ),
    c(
        "563",
        {
            "PlacedAdoption": [
                pa(DATE_PLACED="", DATE_PLACED_CEASED="01/06/2024", REASON_PLACED_CEASED="RD1")
            ]
        },
        {"PlacedAdoption": [pa(DATE_PLACED_CEASED="01/06/2024", REASON_PLACED_CEASED="RD1")]},
    ),
    c(
        "579",
        {"PlacedAdoption": two(pa(), pa(DATE_PLACED="01/07/2024"))},
        {
            "PlacedAdoption": two(
                pa(DATE_PLACED_CEASED="01/06/2024", REASON_PLACED_CEASED="RD1"),
                pa(DATE_PLACED="01/07/2024"),
            )
        },
        ("PlacedAdoption", 2),
    ),
    c(
        "184",
        {"Header": [h()], "PlacedAdoption": [pa(DATE_PLACED="31/05/2012")]},
        {"Header": [h()], "PlacedAdoption": [pa(DATE_PLACED="01/06/2012")]},
        ("PlacedAdoption", 1),
    ),
    c(
        "117",
        {"Episodes": [e(**CLOSED)], "PlacedAdoption": [pa(DATE_PLACED="02/02/2025")]},
        {"Episodes": [e(**CLOSED)], "PlacedAdoption": [pa()]},
        ("Episodes", 1),
        ("PlacedAdoption", 1),
    ),
    c(
        "118",
        {
            "Episodes": [e()],
            "PlacedAdoption": [
                pa(
                    DATE_PLACED="01/04/2024",
                    DATE_PLACED_CEASED="30/04/2024",
                    REASON_PLACED_CEASED="RD1",
                )
            ],
        },
        {
            "Episodes": [e()],
            "PlacedAdoption": [pa(DATE_PLACED_CEASED="01/06/2024", REASON_PLACED_CEASED="RD1")],
        },
        ("Episodes", 1),
        ("PlacedAdoption", 1),
    ),
    c(
        "551",
        {"Episodes": [e(PLACE="A3")], "PlacedAdoption": [pa(CHILD="9")]},
        {"Episodes": [e(PLACE="A3")], "PlacedAdoption": [pa()]},
        ("Episodes", 1),
    ),
    c(
        "552",
        {"Episodes": [e(PLACE="A3")], "PlacedAdoption": [pa(DATE_PLACED="02/05/2024")]},
        {"Episodes": [e(PLACE="A3")], "PlacedAdoption": [pa()]},
        ("Episodes", 1),
        ("PlacedAdoption", 1),
    ),
    c(
        "553",
        {"Episodes": [e(LS="E1")], "PlacedAdoption": [pa(CHILD="9")]},
        {"Episodes": [e(LS="E1")], "PlacedAdoption": [pa()]},
        ("Episodes", 1),
    ),
    c(
        "555",
        {"Episodes": [e(LS="D1")], "PlacedAdoption": [pa(CHILD="9")]},
        {"Episodes": [e(LS="D1")], "PlacedAdoption": [pa()]},
        ("Episodes", 1),
    ),
    c(
        "556",
        {"Episodes": [e(LS="D1")], "PlacedAdoption": [pa(DATE_PLACED="02/05/2024")]},
        {"Episodes": [e(LS="D1")], "PlacedAdoption": [pa()]},
        ("Episodes", 1),
    ),
    c(
        "557",
        {"Episodes": [e(PLACE="A3", **CLOSED)], "PlacedAdoption": [pa()]},
        {"Episodes": [e(PLACE="A3", DEC="01/02/2025", REC="E11")], "PlacedAdoption": [pa()]},
        ("Episodes", 1),
        ("PlacedAdoption", 1),
    ),
    c(
        "558",
        {
            "Episodes": [e(PLACE="A3", DEC="01/02/2025", REC="E11")],
            "PlacedAdoption": [pa(DATE_PLACED_CEASED="01/06/2024", REASON_PLACED_CEASED="RD1")],
        },
        {"Episodes": [e(PLACE="A3", DEC="01/02/2025", REC="E11")], "PlacedAdoption": [pa()]},
        ("Episodes", 1),
    ),
    c(
        "1003",
        {"Episodes": [e()], "PlacedAdoption": [pa(DATE_PLACED="30/04/2024")]},
        {"Episodes": [e()], "PlacedAdoption": [pa()]},
        ("Episodes", 1),
        ("PlacedAdoption", 1),
    ),
    # ------------------------------------------------------------------ UASC, previous permanence
    c("104", {"UASC": [u(DUC="x")]}, {"UASC": [u(DUC="01/05/2024")]}),
    c(
        "304",
        {"UASC": [u(DOB="01/06/2006", DUC="02/06/2024")]},
        {"UASC": [u(DOB="01/06/2006", DUC="01/06/2024")]},
    ),
    c(
        "632",
        {
            "Episodes": [e()],
            "PrevPerm": [pp(PREV_PERM="P1", LA_PERM="359", DATE_PERM="ZZ/05/2024")],
        },
        {
            "Episodes": [e()],
            "PrevPerm": [pp(PREV_PERM="P1", LA_PERM="359", DATE_PERM="ZZ/04/2024")],
        },
        ("Episodes", 1),
        ("PrevPerm", 1),
    ),
    c(
        "634",
        {"Episodes": [e(DECOM="01/05/2022")], "PrevPerm": [pp(PREV_PERM="P1")]},
        {"Episodes": [e()], "PrevPerm": [pp(PREV_PERM="P1")]},
        ("Episodes", 1),
        ("PrevPerm", 1),
    ),
    c(
        "635",
        {"PrevPerm": [pp(PREV_PERM="", LA_PERM="359")]},
        {"PrevPerm": [pp(PREV_PERM="P1", LA_PERM="359")]},
    ),
    # ------------------------------------------------------------------ masa's own checks
    c("MASA-FORMULA", {"Header": [h(ETHNIC="=1+1")]}, {"OC2": [o2(SDQ_SCORE="-5")]}),
    c("MASA-DATE", {"Reviews": [rv(DOB="1 June 2012")]}, {"Reviews": [rv()]}),
    c("MASA-DUPLICATE", {"Header": [h(), h()]}, {"Header": [h(), h(CHILD="2")]}, ("Header", 2)),
    c("MASA-BLANK", {"Header": [h(CHILD="")]}, {"Header": [h()]}),
    c("MASA-CODE", {"UASC": [u(SEX="X")]}, {"UASC": [u(SEX="F")]}),
]

# Rules that compare with last year's return: (code, this year, last year (2023/24) failing,
# last year passing, expected).
LAST = e(DECOM="01/05/2023")
PREVIOUS = [
    ("202", {"Header": [h()]}, {"Header": [h(SEX="2")]}, {"Header": [h(SEX="1")]}, [("Header", 1)]),
    (
        "203",
        {"Header": [h()]},
        {"Header": [h(DOB="02/06/2012")]},
        {"Header": [h()]},
        [("Header", 1)],
    ),
    (
        "204",
        {"Header": [h()]},
        {"Header": [h(ETHNIC="WIRI")]},
        {"Header": [h(ETHNIC="wbri")]},
        [("Header", 1)],
    ),
    (
        "207",
        {"Header": [h(SEX="F", MOTHER="0")]},
        {"Header": [h(SEX="2", MOTHER="1")]},
        {"Header": [h(SEX="2", MOTHER="0")]},
        [("Header", 1)],
    ),
    (
        "208",
        {"Header": [h()]},
        {"Header": [h(UPN="B123456789012")]},
        {"Header": [h(UPN="UN1")]},
        [("Header", 1)],
    ),
    (
        "624",
        {"Header": [h(SEX="F", MOTHER="1", MC_DOB="01/01/2023")]},
        {"Header": [h(SEX="2", MOTHER="1", MC_DOB="02/01/2023")]},
        {"Header": [h(SEX="2", MOTHER="1", MC_DOB="01/01/2023")]},
        [("Header", 1)],
    ),
    (
        "626",
        {"Header": [h(SEX="F", MOTHER="1", MC_DOB="01/01/2024")]},
        {"Header": [h(SEX="2", MOTHER="0")]},
        {"Header": [h(SEX="2")]},
        [("Header", 1)],
    ),
    (
        "502",
        {"Episodes": [e(DECOM="01/06/2023")]},
        {"Episodes": [LAST]},
        {"Episodes": [e(DECOM="01/06/2023")]},
        [("Episodes", 1)],
    ),
    (
        "503A",
        {"Episodes": [LAST]},
        {"Episodes": [e(DECOM="01/05/2023", RNE="P")]},
        {"Episodes": [LAST]},
        [("Episodes", 1)],
    ),
    (
        "503B",
        {"Episodes": [LAST]},
        {"Episodes": [e(DECOM="01/05/2023", LS="C1")]},
        {"Episodes": [LAST]},
        [("Episodes", 1)],
    ),
    (
        "503C",
        {"Episodes": [LAST]},
        {"Episodes": [e(DECOM="01/05/2023", CIN="N2")]},
        {"Episodes": [LAST]},
        [("Episodes", 1)],
    ),
    (
        "503D",
        {"Episodes": [LAST]},
        {"Episodes": [e(DECOM="01/05/2023", PLACE="U2")]},
        {"Episodes": [LAST]},
        [("Episodes", 1)],
    ),
    (
        "503E",
        {"Episodes": [LAST]},
        {"Episodes": [e(DECOM="01/05/2023", PLACE_PROVIDER="PR2")]},
        {"Episodes": [LAST]},
        [("Episodes", 1)],
    ),
    (
        "503F",
        {"Episodes": [LAST]},
        {"Episodes": [e(DECOM="01/05/2023", URN="SC1")]},
        {"Episodes": [LAST]},
        [("Episodes", 1)],
    ),
    (
        "562",
        {"Episodes": [LAST]},
        {"Episodes": [e(DECOM="01/01/2023")]},
        {"Episodes": [LAST]},
        [("Episodes", 1)],
    ),
    (
        "NoE",
        {"Episodes": [LAST]},
        {"Episodes": [e(CHILD="2")]},
        {"Episodes": [LAST]},
        [("Episodes", 1)],
    ),
    (
        "1010",
        {"Episodes": [e(CHILD="2")], "OC3": [o3()]},
        {"Episodes": [LAST]},
        {"Episodes": [e(DECOM="01/05/2023", DEC="01/06/2023", REC="E13")]},
        [("OC3", 1)],
    ),
    (
        "576",
        {"Missing": [m()]},
        {"Missing": [m(MIS_START="01/03/2024", MIS_END="")]},
        {"Missing": [m(MIS_START="01/03/2024", MIS_END="02/03/2024")]},
        [("Missing", 1)],
    ),
    (
        "559",
        {"PlacedAdoption": [pa(DATE_PLACED="01/03/2024")]},
        {"PlacedAdoption": [pa(CHILD="9")]},
        {"PlacedAdoption": [pa(DATE_PLACED="01/03/2024")]},
        [("PlacedAdoption", 1)],
    ),
    (
        "560",
        {"PlacedAdoption": [pa(DATE_PLACED="02/03/2024")]},
        {"PlacedAdoption": [pa(DATE_PLACED="01/03/2024")]},
        {"PlacedAdoption": [pa(DATE_PLACED="02/03/2024")]},
        [("PlacedAdoption", 1)],
    ),
    (
        "561",
        {"PlacedAdoption": [pa(DATE_PLACED="01/03/2024")]},
        {
            "PlacedAdoption": [
                pa(
                    DATE_PLACED="01/03/2024",
                    DATE_PLACED_CEASED="20/03/2024",
                    REASON_PLACED_CEASED="RD1",
                )
            ]
        },
        {"PlacedAdoption": [pa(DATE_PLACED="01/03/2024")]},
        [("PlacedAdoption", 1)],
    ),
    (
        "1000",
        {"OC3": [o3()], "Episodes": [e(CHILD="2")]},
        {"Episodes": [e(DECOM="01/05/2023", DEC="01/06/2023", REC="E2")]},
        {"Episodes": [e(DECOM="01/05/2023", DEC="01/06/2023", REC="E13")]},
        [("OC3", 1)],
    ),
]


def found(tables: Rows, code: str, previous: Rows | None = None) -> set[Where]:
    data = make_return(tables)
    last = make_return(previous, year=2024) if previous is not None else None
    result = validate(data, previous=last, la_code="359", codes={code})
    assert code in {r.code for r in result.ran}, f"{code} did not run on the case's tables"
    return {(f.table, f.row) for f in result.findings if f.code == code and f.row is not None}


@pytest.mark.parametrize("case", CASES, ids=[case.code for case in CASES])
def test_rule_passes_good_rows_and_reports_bad_ones(case: Case) -> None:
    assert found(case.ok, case.code) == set()
    assert found(case.fail, case.code) == case.expected


@pytest.mark.parametrize(
    ("code", "now", "last_fail", "last_ok", "expect"),
    PREVIOUS,
    ids=[p[0] for p in PREVIOUS],
)
def test_rule_comparing_with_last_year(
    code: str, now: Rows, last_fail: Rows, last_ok: Rows, expect: list[Where]
) -> None:
    assert found(now, code, previous=last_ok) == set()
    assert found(now, code, previous=last_fail) == set(expect)


def test_every_registered_rule_has_a_case() -> None:
    covered = {case.code for case in CASES} | {p[0] for p in PREVIOUS}
    assert {r.code for r in all_rules()} - covered == set()


def test_a_rule_needing_last_year_is_skipped_without_it() -> None:
    result = validate(make_return({"Header": [h()]}), codes={"202"})
    assert [r.code for r in result.skipped] == ["202"]


def test_row_helper_fills_the_usual_child() -> None:
    assert row("Header", SEX="F")["SEX"] == "F"
