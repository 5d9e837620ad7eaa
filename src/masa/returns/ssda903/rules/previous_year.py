"""Rules comparing this year's return with last year's (``validate903 --previous``): they run
only when last year's tables are given. Messages are the DfE's."""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl

from masa.returns.ssda903.read import ROW
from masa.returns.ssda903.registry import (
    Context,
    Hit,
    d,
    eq,
    is_in,
    ok,
    rows_of,
    rule,
)

H = "Header"
E = "Episodes"


def _header_pairs(ctx: Context, *columns: str) -> pl.DataFrame:
    """This year's header rows for children also in last year's, with last year's ``columns``."""
    last = ctx.last(H).unique("CHILD", keep="first", maintain_order=True)
    last = last.select("CHILD", *[pl.col(c).alias(c + "_last") for c in columns])
    return ctx.t(H).join(last, on="CHILD")


def _sex_meaning(column: str, male: list[str], female: list[str]) -> pl.Expr:
    """ "male", "female" or the code itself, so codes of different years compare by meaning."""
    return (
        pl.when(pl.col(column).is_in(male))
        .then(pl.lit("male"))
        .when(pl.col(column).is_in(female))
        .then(pl.lit("female"))
        .otherwise(pl.col(column))
    )


@rule(
    "202",
    message="The gender code conflicts with the gender already recorded for this child.",
    tables=(H,),
    fields=("SEX",),
    previous=(H,),
)
def r202_sex_changed(ctx: Context) -> Iterator[Hit]:
    # Codes are compared by meaning, so 1 (to 2023/24) and M (from 2024/25) agree.
    assert ctx.previous is not None
    last_spec = ctx.previous.spec
    last_male = sorted(last_spec.codes_meaning(H, "SEX", "Male"))
    last_female = sorted(last_spec.codes_meaning(H, "SEX", "Female"))
    pairs = _header_pairs(ctx, "SEX").with_columns(
        now=_sex_meaning("SEX", ctx.male, ctx.female),
        before=_sex_meaning("SEX_last", last_male, last_female),
    )
    yield H, pairs.filter(~pl.col("now").eq_missing(pl.col("before")))


@rule(
    "203",
    message="Date of birth disagrees with the date of birth already recorded for this child.",
    tables=(H,),
    fields=("DOB",),
    previous=(H,),
)
def r203_dob_changed(ctx: Context) -> Iterator[Hit]:
    yield H, _header_pairs(ctx, "DOB__date").filter(~d("DOB").eq_missing(pl.col("DOB__date_last")))


@rule(
    "204",
    message="Ethnic origin code disagrees with the ethnic origin already recorded for this child.",
    tables=(H,),
    fields=("ETHNIC",),
    previous=(H,),
)
def r204_ethnic_changed(ctx: Context) -> Iterator[Hit]:
    yield (
        H,
        _header_pairs(ctx, "ETHNIC").filter(
            ~pl.col("ETHNIC")
            .str.to_uppercase()
            .eq_missing(pl.col("ETHNIC_last").str.to_uppercase())
        ),
    )


@rule(
    "207",
    message="Mother status for the current year disagrees with the mother status already recorded "
    "for this child.",
    tables=(H,),
    fields=("MOTHER",),
    previous=(H,),
)
def r207_mother_changed(ctx: Context) -> Iterator[Hit]:
    yield (
        H,
        _header_pairs(ctx, "MOTHER").filter(
            eq("MOTHER_last", "1") & ~pl.col("MOTHER").eq_missing(pl.col("MOTHER_last"))
        ),
    )


@rule(
    "208",
    message="Unique Pupil Number (UPN) for the current year disagrees with the Unique Pupil Number "
    "(UPN) already recorded for this child.",
    tables=(H,),
    fields=("UPN",),
    previous=(H,),
)
def r208_upn_changed(ctx: Context) -> Iterator[Hit]:
    unknown = ["UN1", "UN2", "UN3", "UN4", "UN5"]
    now = pl.col("UPN").str.to_uppercase()
    before = pl.col("UPN_last").str.to_uppercase()
    null_now, null_before = now.is_null(), before.is_null()
    different = ~now.eq_missing(before)
    # Allowed: from UN1 or blank to UN2-UN5, and from an unknown code or blank to a real UPN.
    to_unknown = (ok(before == "UN1") | null_before) & ok(now.is_in(unknown[1:]))
    to_known = (ok(before.is_in(unknown)) | null_before) & ~(ok(now.is_in(unknown)) | null_now)
    yield H, _header_pairs(ctx, "UPN").filter(different & ~to_unknown & ~to_known)


@rule(
    "624",
    message="Date of birth of the first child contradicts the date of birth of the first child "
    "previously recorded.",
    tables=(H,),
    fields=("MC_DOB",),
    previous=(H,),
)
def r624_child_dob_changed(ctx: Context) -> Iterator[Hit]:
    yield (
        H,
        _header_pairs(ctx, "MC_DOB").filter(
            pl.col("MC_DOB_last").is_not_null()
            & ~pl.col("MC_DOB").eq_missing(pl.col("MC_DOB_last"))
        ),
    )


@rule(
    "626",
    message="Child was reported as a mother but the date of birth of the first child is before the "
    "current year which contradicts with the mother status recorded last year.",
    tables=(H,),
    fields=("MOTHER", "MC_DOB"),
    previous=(H,),
)
def r626_mother_before_this_year(ctx: Context) -> Iterator[Hit]:
    yield (
        H,
        _header_pairs(ctx, "MOTHER").filter(
            d("MC_DOB").is_not_null()
            & eq("MOTHER", "1")
            & eq("MOTHER_last", "0")
            & ok(d("MC_DOB") < ctx.start)
        ),
    )


def _last_open(ctx: Context) -> pl.DataFrame:
    """Last year's latest episode per child (by start date)."""
    return (
        ctx.last(E)
        .filter(d("DECOM").is_not_null())
        .sort(["CHILD", "DECOM__date", ROW], descending=[False, True, False])
        .unique("CHILD", keep="first", maintain_order=True)
    )


def _first(ctx: Context) -> pl.DataFrame:
    return (
        ctx.t(E)
        .filter(d("DECOM").is_not_null())
        .sort(["CHILD", "DECOM__date", ROW])
        .unique("CHILD", keep="first", maintain_order=True)
    )


@rule(
    "502",
    message="Last year's record ended with an open episode. The date on which that episode started "
    "does not match the start date of the first episode on this year’s record.",
    tables=(E,),
    fields=("DECOM",),
    previous=(E,),
)
def r502_open_episode_start_differs(ctx: Context) -> Iterator[Hit]:
    open_last = ctx.last(E).filter(pl.col("DEC").is_null()).select("CHILD", last_decom=d("DECOM"))
    yield (
        E,
        _first(ctx)
        .join(open_last, on="CHILD")
        .filter(~d("DECOM").eq_missing(pl.col("last_decom"))),
    )


def _continuation(code: str, column: str, message: str) -> None:
    @rule(code, message=message, tables=(E,), fields=(column,), previous=(E,))
    def check(ctx: Context) -> Iterator[Hit]:
        last = _last_open(ctx).select(
            "CHILD", "DECOM__date", pl.col(column).alias(column + "_last")
        )
        merged = _first(ctx).join(last, on=["CHILD", "DECOM__date"])
        yield E, merged.filter(~pl.col(column).eq_missing(pl.col(column + "_last")))


_continuation(
    "503A",
    "RNE",
    "The reason for new episode in the first episode does not match open episode at end of last "
    "year.",
)
_continuation(
    "503B",
    "LS",
    "The legal status in the first episode does not match open episode at end of last year.",
)
_continuation(
    "503C",
    "CIN",
    "The category of need in the first episode does not match open episode at end of last year.",
)
_continuation(
    "503D",
    "PLACE",
    "The placement type in the first episode does not match open episode at end of last year",
)
_continuation(
    "503E",
    "PLACE_PROVIDER",
    "The placement provider in the first episode does not match open episode at end of last year.",
)
_continuation(
    "503F",
    "URN",
    "The Ofsted URN in the  first episode does not match open episode at end of last year.",
)


@rule(
    "562",
    message="Episode commenced before the start of the current collection year but there is a "
    "missing continuous episode in the previous year.",
    tables=(E,),
    fields=("DECOM",),
    previous=(E,),
)
def r562_missing_continuous_episode(ctx: Context) -> Iterator[Hit]:
    first_before = _first(ctx).filter(ok(d("DECOM") < ctx.start))
    last = _last_open(ctx).select("CHILD", "DECOM__date", _found=pl.lit(True))
    merged = first_before.join(last, on=["CHILD", "DECOM__date"], how="left")
    yield E, merged.filter(pl.col("_found").is_null())


@rule(
    "NoE",
    message="This child has no episodes loaded for previous year even though child started to be "
    "looked after before this current year.",
    tables=(E,),
    fields=("DECOM",),
    previous=(E,),
)
def rnoe_no_previous_episodes(ctx: Context) -> Iterator[Hit]:
    known = ctx.last(E).get_column("CHILD").drop_nulls().to_list()
    yield E, ctx.t(E).filter(ok(d("DECOM") < ctx.start) & ~pl.col("CHILD").is_in(known))


@rule(
    "1010",
    message="This child has no episodes loaded for current year even though there was an open "
    "episode of care at the end of the previous year, and care leaver data has been entered.",
    tables=("OC3",),
    fields=("IN_TOUCH", "ACTIV", "ACCOM"),
    needs=(E,),
    previous=(E,),
)
def r1010_care_leaver_with_open_episode(ctx: Context) -> Iterator[Hit]:
    open_last = _last_open(ctx).filter(pl.col("DEC").is_null()).get_column("CHILD").to_list()
    current = ctx.t(E).get_column("CHILD").drop_nulls().to_list()
    yield (
        "OC3",
        ctx.t("OC3").filter(pl.col("CHILD").is_in(open_last) & ~pl.col("CHILD").is_in(current)),
    )


@rule(
    "576",
    message="There is an open missing/away from placement without authorisation period in last "
    "year’s return and there is no corresponding period recorded at the start of this year.",
    tables=("Missing",),
    fields=("CHILD",),
    previous=("Missing",),
)
def r576_open_missing_not_carried(ctx: Context) -> Iterator[Hit]:
    first = (
        ctx.t("Missing")
        .sort(["CHILD", "MIS_START__date", ROW], nulls_last=True)
        .unique("CHILD", keep="first", maintain_order=True)
    )
    open_last = (
        ctx.last("Missing")
        .filter(pl.col("MIS_END").is_null() & d("MIS_START").is_not_null())
        .select("CHILD", last_start=d("MIS_START"))
    )
    yield (
        "Missing",
        first.join(open_last, on="CHILD").filter(~d("MIS_START").eq_missing(pl.col("last_start"))),
    )


def _placed_pairs(ctx: Context) -> pl.DataFrame:
    last = ctx.last("PlacedAdoption").select(
        "CHILD",
        placed_last=d("DATE_PLACED"),
        ceased_last=pl.col("DATE_PLACED_CEASED"),
        reason_last=pl.col("REASON_PLACED_CEASED"),
    )
    return ctx.t("PlacedAdoption").join(last, on="CHILD")


@rule(
    "559",
    message="Date of decision that a child should be placed for adoption was not in the current "
    "year but the date of the decision that the child should be placed for adoption was not "
    "completed in a previous return.",
    tables=("PlacedAdoption",),
    fields=("DATE_PLACED",),
    previous=("PlacedAdoption",),
)
def r559_old_decision_not_returned(ctx: Context) -> Iterator[Hit]:
    last = ctx.last("PlacedAdoption").select("CHILD", placed_last=d("DATE_PLACED"))
    merged = ctx.t("PlacedAdoption").join(last, on="CHILD", how="left")
    yield (
        "PlacedAdoption",
        merged.filter(ok(d("DATE_PLACED") < ctx.start) & pl.col("placed_last").is_null()),
    )


@rule(
    "560",
    message="Date of decision that the child should be placed for adoption this year is different "
    "from that recorded last year but the decision to place the child for adoption did not "
    "change.",
    tables=("PlacedAdoption",),
    fields=("DATE_PLACED", "DATE_PLACED_CEASED"),
    previous=("PlacedAdoption",),
)
def r560_decision_date_changed(ctx: Context) -> Iterator[Hit]:
    yield (
        "PlacedAdoption",
        _placed_pairs(ctx).filter(
            pl.col("placed_last").is_not_null()
            & pl.col("ceased_last").is_null()
            & ~d("DATE_PLACED").eq_missing(pl.col("placed_last"))
        ),
    )


@rule(
    "561",
    message="Date of the decision that the child should be placed for adoption this year is the "
    "same as that recorded last year but records show that the decision changed, and the child "
    "should no longer be placed for adoption last year.",
    tables=("PlacedAdoption",),
    fields=("DATE_PLACED",),
    previous=("PlacedAdoption",),
)
def r561_decision_reversed_last_year(ctx: Context) -> Iterator[Hit]:
    yield (
        "PlacedAdoption",
        _placed_pairs(ctx).filter(
            ok(d("DATE_PLACED") == pl.col("placed_last"))
            & (pl.col("ceased_last").is_not_null() | pl.col("reason_last").is_not_null())
        ),
    )


__all__ = ["is_in", "rows_of"]
