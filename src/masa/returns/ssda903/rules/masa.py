"""masa's own checks on a 903 return, where the DfE rules say nothing: values that would start a
spreadsheet formula, dates that are not dates, children listed twice, blank required items and
codes outside the year's list. Codes start with ``MASA-`` so they are never taken for DfE rules.
"""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl

from masa.returns.ssda903.read import ROW
from masa.returns.ssda903.registry import (
    MASA,
    Context,
    Hit,
    absent,
    d,
    present,
    rule,
)

ALL_TABLES = (
    "Header", "Episodes", "Reviews", "UASC", "OC2", "OC3", "AD1",
    "PlacedAdoption", "PrevPerm", "Missing", "SWEpisodes",
)  # fmt: skip
ONE_ROW_PER_CHILD = ("Header", "UASC", "OC2", "OC3", "AD1", "PrevPerm")
# Date columns a DfE rule already checks (102, 171, 141, 147, 112, 113, 115, 116, 166, 1004,
# 1005, 104; DATE_PERM may hold ZZ for an unknown part, rule 632).
DFE_CHECKED_DATES = {
    ("Header", "DOB"), ("Header", "MC_DOB"), ("Episodes", "DECOM"), ("Episodes", "DEC"),
    ("AD1", "DATE_INT"), ("AD1", "DATE_MATCH"), ("PlacedAdoption", "DATE_PLACED"),
    ("PlacedAdoption", "DATE_PLACED_CEASED"), ("Reviews", "REVIEW"), ("Missing", "MIS_START"),
    ("Missing", "MIS_END"), ("UASC", "DUC"), ("PrevPerm", "DATE_PERM"),
}  # fmt: skip
# Coded columns no DfE rule checks against the year's list.
UNCHECKED_CODES = (("UASC", "SEX"), ("SWEpisodes", "SW_REASON"))
FORMULA_START = r"^[=+\-@]"
NEGATIVE_NUMBER = r"^-\d+(\.\d+)?$"


@rule(
    "MASA-FORMULA",
    message="Value starts with =, +, - or @, which a spreadsheet would run as a formula; masa "
    "refuses it (a negative number is allowed).",
    tables=ALL_TABLES,
    fields=(),
    any_table=True,
    origin=MASA,
)
def formula_values(ctx: Context) -> Iterator[Hit]:
    for table in ALL_TABLES:
        if not ctx.has(table):
            continue
        frame = ctx.t(table)
        columns = list(ctx.spec.tables[table].column_names)
        for column in columns:
            value = pl.col(column)
            bad = value.str.contains(FORMULA_START) & ~value.str.contains(NEGATIVE_NUMBER)
            hits = frame.filter(bad.fill_null(False))
            if hits.height:
                yield table, hits.select(ROW, "CHILD").with_columns(_field=pl.lit(column))


@rule(
    "MASA-DATE",
    message="Not a date in the form dd/mm/YYYY.",
    tables=ALL_TABLES,
    fields=(),
    any_table=True,
    origin=MASA,
)
def bad_dates(ctx: Context) -> Iterator[Hit]:
    for table in ALL_TABLES:
        if not ctx.has(table):
            continue
        frame = ctx.t(table)
        for column in ctx.spec.tables[table].date_columns:
            if (table, column) in DFE_CHECKED_DATES:
                continue
            hits = frame.filter(present(column) & d(column).is_null())
            if hits.height:
                yield table, hits.select(ROW, "CHILD").with_columns(_field=pl.lit(column))


@rule(
    "MASA-DUPLICATE",
    message="This child is listed more than once in this table; the table has one row per child.",
    tables=ONE_ROW_PER_CHILD,
    fields=("CHILD",),
    any_table=True,
    origin=MASA,
)
def duplicate_children(ctx: Context) -> Iterator[Hit]:
    for table in ONE_ROW_PER_CHILD:
        if ctx.has(table):
            frame = ctx.t(table).filter(present("CHILD"))
            yield (
                table,
                frame.filter(
                    pl.col("CHILD").is_duplicated() & ~pl.col("CHILD").is_first_distinct()
                ),
            )


@rule(
    "MASA-BLANK",
    message="This item must not be blank.",
    tables=ALL_TABLES,
    fields=(),
    any_table=True,
    origin=MASA,
)
def blank_required(ctx: Context) -> Iterator[Hit]:
    for table in ALL_TABLES:
        if not ctx.has(table):
            continue
        frame = ctx.t(table)
        required = ["CHILD"]
        if table == "SWEpisodes":
            required += ["SW_ID", "SW_DECOM"]
        for column in required:
            hits = frame.filter(absent(column))
            if hits.height:
                yield table, hits.select(ROW, "CHILD").with_columns(_field=pl.lit(column))


@rule(
    "MASA-CODE",
    message="Not one of the codes for this item in the year's specification.",
    tables=tuple(t for t, _ in UNCHECKED_CODES),
    fields=(),
    any_table=True,
    origin=MASA,
)
def unknown_codes(ctx: Context) -> Iterator[Hit]:
    for table, column in UNCHECKED_CODES:
        if ctx.has(table):
            codes = ctx.codes(table, column)
            hits = ctx.t(table).filter(present(column) & ~pl.col(column).is_in(codes))
            if hits.height:
                yield table, hits.select(ROW, "CHILD").with_columns(_field=pl.lit(column))
