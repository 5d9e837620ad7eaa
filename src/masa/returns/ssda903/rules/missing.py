"""Missing rules: missing and away-from-placement periods. Messages are the DfE's."""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl

from masa.returns.ssda903.read import ROW
from masa.returns.ssda903.registry import (
    Context,
    Hit,
    absent,
    d,
    is_in,
    not_in,
    ok,
    present,
    row_rule,
    rows_of,
    rule,
)

M = "Missing"


@row_rule(
    "564",
    table=M,
    message="Child was missing or away from placement without authorisation and the date started "
    "is blank.",
    fields=("MISSING", "MIS_START"),
)
def r564_start_blank(ctx: Context) -> pl.Expr:
    return is_in("MISSING", ["M", "A", "m", "a"]) & absent("MIS_START")


@row_rule(
    "565",
    table=M,
    message="The date that the child started to be missing or away from placement without "
    "authorisation has been completed but whether the child was missing or away from placement "
    "without authorisation has not been completed.",
    fields=("MISSING", "MIS_START"),
)
def r565_type_blank(ctx: Context) -> pl.Expr:
    return present("MIS_START") & absent("MISSING")


@row_rule(
    "566",
    table=M,
    message="The date that the child's episode of being missing or away from placement without "
    "authorisation ended has been completed but whether the child was missing or away without "
    "authorisation has not been completed.",
    fields=("MISSING", "MIS_END"),
)
def r566_end_without_type(ctx: Context) -> pl.Expr:
    return absent("MISSING") & present("MIS_END")


@row_rule(
    "567",
    table=M,
    message="The date that the missing episode or episode that the child was away from placement "
    "without authorisation ended is before the date that it started.",
    fields=("MIS_START", "MIS_END"),
)
def r567_ended_before_started(ctx: Context) -> pl.Expr:
    return ok(d("MIS_START") > d("MIS_END"))


@row_rule(
    "570",
    table=M,
    message="The date that the child started to be missing or away from placement without "
    "authorisation is after the end of the collection year.",
    fields=("MIS_START",),
)
def r570_started_after_year(ctx: Context) -> pl.Expr:
    return ok(d("MIS_START") > ctx.end)


@row_rule(
    "571",
    table=M,
    message="The date that the child ceased to be missing or away from placement without "
    "authorisation is before the start or after the end of the collection year.",
    fields=("MIS_END",),
)
def r571_ended_outside_year(ctx: Context) -> pl.Expr:
    return ok(d("MIS_END") < ctx.start) | ok(d("MIS_END") > ctx.end)


@row_rule(
    "586",
    table=M,
    message="Dates of missing periods are before child’s date of birth.",
    fields=("MIS_START",),
)
def r586_before_birth(ctx: Context) -> pl.Expr:
    return ok(d("MIS_START") <= d("DOB"))


@row_rule(
    "1004",
    table=M,
    message="The start date of the missing episode or episode that the child was away from "
    "placement without authorisation is not a valid date.",
    fields=("MIS_START",),
)
def r1004_start_date(ctx: Context) -> pl.Expr:
    return d("MIS_START").is_null()


@row_rule(
    "1005",
    table=M,
    message="The end date of the missing episode or episode that the child was away from placement "
    "without authorisation is not a valid date.",
    fields=("MIS_END",),
)
def r1005_end_date(ctx: Context) -> pl.Expr:
    return present("MIS_END") & d("MIS_END").is_null()


@row_rule("1006", table=M, message="Missing type invalid.", fields=("MISSING",))
def r1006_type(ctx: Context) -> pl.Expr:
    return present("MISSING") & not_in("MISSING", ctx.codes(M, "MISSING"))


@rule(
    "574",
    message="A new missing/away from placement without authorisation period cannot start when the "
    "previous missing/away from placement without authorisation period is still open. "
    "Missing/away from placement without authorisation periods should also not overlap.",
    tables=(M,),
    fields=("MIS_START", "MIS_END"),
)
def r574_overlapping(ctx: Context) -> Iterator[Hit]:
    mis = ctx.t(M).sort(["CHILD", "MIS_START__date", ROW], nulls_last=True)
    mis = mis.with_columns(
        prev_child=pl.col("CHILD").shift(1),
        prev_end=pl.col("MIS_END__date").shift(1),
    )
    same = ok(pl.col("CHILD") == pl.col("prev_child"))
    yield (
        M,
        mis.filter(same & (pl.col("prev_end").is_null() | ok(d("MIS_START") < pl.col("prev_end")))),
    )


@rule(
    "575",
    message="If the placement from which the child goes missing/away from placement without "
    "authorisation ends, the missing/away from placement without authorisation period in the "
    "missing module must also have an end date.",
    tables=(M,),
    fields=("MIS_END",),
    needs=("Episodes",),
)
def r575_open_after_placement_ended(ctx: Context) -> Iterator[Hit]:
    eps = ctx.t("Episodes").select("CHILD", "DECOM__date", "DEC__date")
    merged = ctx.t(M).join(eps, on="CHILD")
    yield (
        M,
        merged.filter(
            ok(d("MIS_START") >= d("DECOM"))
            & ok(d("MIS_START") <= d("DEC"))
            & absent("MIS_END")
            & d("DEC").is_not_null()
        ),
    )


@rule(
    "577",
    message="Child ceased to be looked after but there is a missing/away from placement without "
    "authorisation period without an end date.",
    tables=("Episodes", M),
    fields=("MIS_END", "MIS_START", "DEC", "REC"),
)
def r577_open_after_leaving_care(ctx: Context) -> Iterator[Hit]:
    eps = ctx.t("Episodes").filter(ok(pl.col("REC") != "X1"))
    mis = (
        ctx.t(M)
        .filter(present("MIS_START"))
        .select("CHILD", "MIS_END", "MIS_END__date", pl.col(ROW).alias("_mrow"))
    )
    merged = eps.join(mis, on="CHILD")
    failing = merged.filter(d("MIS_END").is_null() | ok(d("MIS_END") > d("DEC")))
    yield "Episodes", failing
    yield M, rows_of(failing, "_mrow")


@rule(
    "578",
    message="The date that the child started to be missing is after the child ceased to be looked "
    "after.",
    tables=("Episodes", M),
    fields=("REC", "DEC", "MIS_START"),
)
def r578_missing_after_leaving_care(ctx: Context) -> Iterator[Hit]:
    eps = ctx.t("Episodes").filter(ok(pl.col("REC") != "X1"))
    mis = ctx.t(M).select("CHILD", "MIS_START__date", pl.col(ROW).alias("_mrow"))
    failing = eps.join(mis, on="CHILD").filter(ok(d("DEC") < d("MIS_START")))
    yield "Episodes", failing
    yield M, rows_of(failing, "_mrow")
