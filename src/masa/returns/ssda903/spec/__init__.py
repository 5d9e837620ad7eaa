"""The SSDA903 field specification per collection year, kept as data in ``<year>.json``.

Each file lists the return's tables in the DfE spelling, their columns in file order, and each
column's type (``date`` in dd/mm/YYYY, ``code`` with the year's code list, ``integer``,
``text``) and whether it may be blank. ``build.py`` regenerates the files from the yml field
specifications; the JSON is what runs, so nothing here needs the yml files at run time.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # "date", "code", "integer" or "text"
    blank: bool
    codes: tuple[str, ...] = ()
    meanings: Mapping[str, str] | None = None


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name}")

    @property
    def date_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.type == "date")


@dataclass(frozen=True)
class Spec:
    year: int
    label: str
    source: str
    tables: Mapping[str, Table]
    rule_codes: Mapping[str, Mapping[str, list[str]]]

    def codes(self, table: str, column: str) -> frozenset[str]:
        """The year's valid codes for a coded column, as a rule checks them."""
        codes = set(self.tables[table].column(column).codes)
        override = self.rule_codes.get(f"{table}.{column}", {})
        return frozenset(codes - set(override.get("exclude", ())))

    def codes_meaning(self, table: str, column: str, meaning: str) -> frozenset[str]:
        """Codes whose published meaning is ``meaning`` ("Male", "Female"), for the year."""
        meanings = self.tables[table].column(column).meanings or {}
        return frozenset(code for code, name in meanings.items() if name == meaning)


def available_years() -> tuple[int, ...]:
    return tuple(sorted(int(p.stem) for p in HERE.glob("*.json")))


def _table(name: str, raw: Mapping[str, Any]) -> Table:
    columns = tuple(
        Column(
            name=col,
            type=c["type"],
            blank=c["blank"],
            codes=tuple(c.get("codes", ())),
            meanings=c.get("meanings"),
        )
        for col, c in raw["columns"].items()
    )
    return Table(name=name, columns=columns)


@cache
def spec_for(year: int) -> Spec:
    path = HERE / f"{year}.json"
    if not path.exists():
        known = ", ".join(f"{y - 1}/{str(y)[2:]}" for y in available_years())
        raise ValueError(
            f"No SSDA903 specification for {year - 1}/{str(year)[2:]} (known: {known})"
        )
    data = json.loads(path.read_text(encoding="utf-8"))
    return Spec(
        year=data["year"],
        label=data["label"],
        source=data["source"],
        tables={name: _table(name, raw) for name, raw in data["tables"].items()},
        rule_codes=data.get("rule_codes", {}),
    )
