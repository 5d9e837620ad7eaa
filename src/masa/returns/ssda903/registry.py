"""The 903 rule registry: each DfE validation rule is a small function registered with its code.

A rule reads the return's tables (polars frames, see ``read.py``) through a ``Context`` and
yields, for each table it reports on, a frame of the failing rows (at least ``_row`` and
``CHILD``). ``@rule`` registers such a function; ``@row_rule`` registers the common single-table
kind that only returns a polars expression selecting the failing rows.

A ``Finding`` is one failing row: child, table, row number (1 is the first record after the
column names, see ``read.py``), the fields the rule checks, the rule code and the DfE message.
Rules whose tables are not in the return are skipped, as the DfE's validator does; rules that
compare with last year's return run only when it is given.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property

import polars as pl

from masa.returns.cin.years import CollectionYear

from .read import DATE_SUFFIX, ROW, Return903
from .spec import Spec, available_years, spec_for

TABLE_ORDER = (
    "Header",
    "Episodes",
    "Reviews",
    "UASC",
    "OC2",
    "OC3",
    "AD1",
    "PlacedAdoption",
    "PrevPerm",
    "Missing",
    "SWEpisodes",
)
DFE = "DfE"
MASA = "masa"


@dataclass(frozen=True, order=True)
class Finding:
    """One failing row. ``row`` counts from 1 (the first record after the column names)."""

    table_rank: int
    row: int | None
    code: str
    child: str | None
    table: str
    fields: tuple[str, ...]
    message: str

    def as_dict(self) -> dict[str, str]:
        return {
            "child": self.child or "",
            "table": self.table,
            "row": "" if self.row is None else str(self.row),
            "field": ", ".join(self.fields),
            "rule": self.code,
            "message": self.message,
        }


class Context:
    """What a rule may read: this year's tables, last year's (if given), the year and the LA."""

    def __init__(
        self,
        data: Return903,
        *,
        previous: Return903 | None = None,
        la_code: str | None = None,
    ) -> None:
        self.data = data
        self.year: CollectionYear = data.year
        self.spec: Spec = spec_for(data.year.year)
        self.previous = previous
        self.la_code = la_code
        self.start: dt.date = data.year.start
        self.end: dt.date = data.year.reference_date

    def has(self, *tables: str) -> bool:
        return all(t in self.data.tables for t in tables)

    def has_previous(self, *tables: str) -> bool:
        return self.previous is not None and all(t in self.previous.tables for t in tables)

    def t(self, table: str) -> pl.DataFrame:
        return self.data.tables[table]

    def last(self, table: str) -> pl.DataFrame:
        assert self.previous is not None
        return self.previous.tables[table]

    def codes(self, table: str, column: str) -> list[str]:
        return sorted(self.spec.codes(table, column))

    @cached_property
    def male(self) -> list[str]:
        return sorted(self.spec.codes_meaning("Header", "SEX", "Male"))

    @cached_property
    def female(self) -> list[str]:
        return sorted(self.spec.codes_meaning("Header", "SEX", "Female"))

    @cached_property
    def dob(self) -> pl.DataFrame:
        """Header's CHILD, DOB (date) and row, one row per child (the first if listed twice)."""
        return (
            self.t("Header")
            .filter(pl.col("CHILD").is_not_null())
            .unique("CHILD", keep="first", maintain_order=True)
            .select("CHILD", pl.col("DOB__date").alias("HDR_DOB"), pl.col(ROW).alias("_hrow"))
        )

    @cached_property
    def episodes_sorted(self) -> pl.DataFrame:
        """Episodes by child and start date, with the previous and next episode's items."""
        cols = ["DECOM", "DEC", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "REC"]
        cols += ["REASON_PLACE_CHANGE", "PL_POST", "URN", "DECOM__date", "DEC__date", "CHILD"]
        eps = self.t("Episodes").sort(
            ["CHILD", "DECOM__date", ROW], nulls_last=True, maintain_order=True
        )
        return eps.with_columns(
            [pl.col(c).shift(1).alias(c + "_prev") for c in cols]
            + [pl.col(c).shift(-1).alias(c + "_next") for c in cols]
        ).with_columns(
            same_prev=(pl.col("CHILD") == pl.col("CHILD_prev")).fill_null(False),
            same_next=(pl.col("CHILD") == pl.col("CHILD_next")).fill_null(False),
        )

    @cached_property
    def continuously_looked_after(self) -> pl.DataFrame:
        """CHILD and CLA (bool): looked after for the whole year to 31 March, as the DfE defines it
        for the OC2 items: in care during the year, and no episode in the year that starts a
        period of care (RNE S after 1 April), ends one (REC not X1) or is respite (V3, V4)."""
        start, end = self.start, self.end
        eps = self.t("Episodes")
        decom, dec = pl.col("DECOM__date"), pl.col("DEC__date")
        during = (decom <= end) & ((dec >= start) | dec.is_null())
        enters = (pl.col("RNE") == "S") & (decom > start) & (decom <= end)
        leaves = (pl.col("REC") != "X1").fill_null(True) & (dec >= start) & (dec < end)
        respite = pl.col("LS").is_in(["V3", "V4"]) & during
        return (
            eps.filter(pl.col("CHILD").is_not_null())
            .group_by("CHILD")
            .agg(
                during=during.fill_null(False).any(),
                broken=(enters | leaves | respite).fill_null(False).any(),
            )
            .select("CHILD", CLA=pl.col("during") & ~pl.col("broken"))
        )

    def with_cla(self, frame: pl.DataFrame) -> pl.DataFrame:
        return frame.join(self.continuously_looked_after, on="CHILD", how="left").with_columns(
            pl.col("CLA").fill_null(False)
        )


Hit = tuple[str, pl.DataFrame]
Check = Callable[[Context], Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    code: str
    message: str
    tables: tuple[str, ...]  # where its findings are reported
    fields: tuple[str, ...]
    needs: tuple[str, ...]  # tables it reads; skipped when one is missing
    previous: tuple[str, ...]  # last year's tables it compares with; skipped without them
    years: frozenset[int]
    check: Check
    origin: str = DFE
    la: bool = False  # needs the local authority code
    notes: str = ""

    def applies(self, ctx: Context) -> bool:
        if ctx.year.year not in self.years or not ctx.has(*self.needs):
            return False
        if self.previous and not ctx.has_previous(*self.previous):
            return False
        return not (self.la and not ctx.la_code)

    def run(self, ctx: Context) -> Iterator[Finding]:
        for table, frame in self.check(ctx):
            rank = TABLE_ORDER.index(table)
            default = tuple(f for f in self.fields if f in _columns(ctx, table)) or self.fields
            per_cell = "_field" in frame.columns
            cols = [ROW, "CHILD", "_field"] if per_cell else [ROW, "CHILD"]
            seen: set[tuple[int, str | None]] = set()
            for row, child, *cell in frame.select(cols).iter_rows():
                key = (row, cell[0] if cell else None)
                if row is None or key in seen:
                    continue
                seen.add(key)
                yield Finding(
                    table_rank=rank,
                    row=row,
                    code=self.code,
                    child=child,
                    table=table,
                    fields=(cell[0],) if cell else default,
                    message=self.message,
                )


def _columns(ctx: Context, table: str) -> tuple[str, ...]:
    return ctx.spec.tables[table].column_names if table in ctx.spec.tables else ()


_RULES: dict[str, Rule] = {}


def _years(since: int | None, until: int | None) -> frozenset[int]:
    return frozenset(
        y
        for y in available_years()
        if (since is None or y >= since) and (until is None or y <= until)
    )


def rule(
    code: str,
    *,
    message: str,
    tables: Iterable[str],
    fields: Iterable[str],
    needs: Iterable[str] = (),
    previous: Iterable[str] = (),
    since: int | None = None,
    until: int | None = None,
    origin: str = DFE,
    la: bool = False,
    notes: str = "",
    any_table: bool = False,
) -> Callable[[Check], Check]:
    """Register a rule reporting on ``tables``; it is skipped unless the return has all of
    ``tables`` and ``needs`` (``any_table``: it runs on whichever of ``tables`` are there)."""

    def register(check: Check) -> Check:
        if code in _RULES:
            raise ValueError(f"903 rule {code} is registered twice")
        reported = tuple(tables)
        _RULES[code] = Rule(
            code=code,
            message=message,
            tables=reported,
            fields=tuple(fields),
            needs=() if any_table else tuple(dict.fromkeys([*reported, *needs])),
            previous=tuple(previous),
            years=_years(since, until),
            check=check,
            origin=origin,
            la=la,
            notes=notes,
        )
        return check

    return register


def row_rule(
    code: str,
    *,
    table: str,
    message: str,
    fields: Iterable[str],
    since: int | None = None,
    until: int | None = None,
    origin: str = DFE,
) -> Callable[[Callable[[Context], pl.Expr]], Callable[[Context], pl.Expr]]:
    """Register a one-table rule: the function returns an expression true on failing rows."""

    def register(mask: Callable[[Context], pl.Expr]) -> Callable[[Context], pl.Expr]:
        def check(ctx: Context) -> Iterator[Hit]:
            yield table, ctx.t(table).filter(mask(ctx).fill_null(False))

        check.__doc__ = mask.__doc__
        rule(
            code,
            message=message,
            tables=(table,),
            fields=fields,
            since=since,
            until=until,
            origin=origin,
        )(check)
        return mask

    return register


def all_rules() -> list[Rule]:
    from . import rules  # noqa: F401  (importing the package registers every unit)

    return sorted(_RULES.values(), key=sort_key)


def sort_key(r: Rule) -> tuple[int, int, str]:
    digits = "".join(ch for ch in r.code if ch.isdigit())
    return (r.origin != DFE, int(digits) if digits else 10**6, r.code)


def get_rule(code: str) -> Rule:
    all_rules()
    return _RULES[code]


def rules_for(year: int) -> list[Rule]:
    return [r for r in all_rules() if year in r.years]


# ------------------------------------------------------------------ helpers for rule units


def d(column: str) -> pl.Expr:
    """The parsed date of a date column (missing when blank or not a date)."""
    return pl.col(column + DATE_SUFFIX)


def years_after(date: pl.Expr, years: int) -> pl.Expr:
    """``date`` plus whole years; 29 February becomes 28 February in a common year."""
    return date.dt.offset_by(f"{years}y")


def present(column: str) -> pl.Expr:
    return pl.col(column).is_not_null()


def absent(column: str) -> pl.Expr:
    return pl.col(column).is_null()


def is_in(column: str, codes: Iterable[str]) -> pl.Expr:
    """True when the value is one of ``codes``; False when missing."""
    return pl.col(column).is_in(list(codes)).fill_null(False)


def not_in(column: str, codes: Iterable[str]) -> pl.Expr:
    """True when the value is missing or not one of ``codes`` (the DfE tool's ``~isin``)."""
    return ~is_in(column, codes)


def eq(column: str, value: str) -> pl.Expr:
    return (pl.col(column) == value).fill_null(False)


def ne(column: str, value: str) -> pl.Expr:
    """True when missing or different (the DfE tool's ``!=`` on a missing value)."""
    return (pl.col(column) != value).fill_null(True)


def ok(expr: pl.Expr) -> pl.Expr:
    """A comparison that is False when either side is missing."""
    return expr.fill_null(False)


def rows_of(frame: pl.DataFrame, row: str = ROW) -> pl.DataFrame:
    """Keep ``row`` as ``_row`` (and CHILD) for a hit built from a joined frame."""
    return frame.select(pl.col(row).alias(ROW), "CHILD")


def with_header(ctx: Context, frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with the child's header date of birth (``HDR_DOB``) and row (``_hrow``)."""
    return frame.join(ctx.dob, on="CHILD", how="left")
