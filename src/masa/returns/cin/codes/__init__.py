"""CIN census code lists per collection year, kept as data in ``<year>.json``.

Each file was derived from that year's DfE schema (the file names its source) and carries the
code sets the rules check values against, the UPN local-authority codes and which element holds
the child's sex. A year with no published schema yet is a copy of the last one that says so
(``carried_forward_from``); replace it when DfE publishes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

HERE = Path(__file__).parent


@dataclass(frozen=True)
class CodeLists:
    year: int
    label: str
    source: str
    sex_element: str  # "GenderCurrent" to 2023-24, "Sex" from 2024-25
    unborn_sex_code: str
    codes: Mapping[str, Mapping[str, object]]
    upn_la_codes: frozenset[str]
    queried_assessment_factors: frozenset[str]
    carried_forward_from: int | None = None

    def valid(self, code_set: str, value: str | None) -> bool:
        """Whether ``value`` is a code in the year's ``code_set`` (missing is not valid)."""
        return value is not None and value in self.codes[code_set]

    def yes_no(self, value: bool | str | None) -> bool | None:
        """A yes/no element as a bool; None when missing or not one of the year's tokens."""
        if value is None or isinstance(value, bool):
            return value
        token = self.codes["YesNo"].get(value)
        return token if isinstance(token, bool) else None


def available_years() -> tuple[int, ...]:
    return tuple(sorted(int(path.stem) for path in HERE.glob("*.json")))


@cache
def code_lists(year: int) -> CodeLists:
    path = HERE / f"{year}.json"
    if not path.exists():
        known = ", ".join(str(y) for y in available_years())
        raise ValueError(f"No CIN census code lists for collection year {year} (known: {known})")
    data = json.loads(path.read_text(encoding="utf-8"))
    return CodeLists(
        year=data["year"],
        label=data["label"],
        source=data["source"],
        sex_element=data["sex_element"],
        unborn_sex_code=data["unborn_sex_code"],
        codes=data["codes"],
        upn_la_codes=frozenset(data["upn_la_codes"]),
        queried_assessment_factors=frozenset(data["queried_assessment_factors"]),
        carried_forward_from=data.get("carried_forward_from"),
    )
