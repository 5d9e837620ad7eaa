"""Reviews rules: review dates and participation codes. Messages are the DfE's."""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl

from masa.returns.ssda903.read import ROW
from masa.returns.ssda903.registry import (
    Context,
    Hit,
    absent,
    d,
    eq,
    is_in,
    ok,
    present,
    row_rule,
    rows_of,
    rule,
    years_after,
)

R = "Reviews"


@row_rule("166", table=R, message="Date of review is invalid or blank.", fields=("REVIEW",))
def r166_review_date(ctx: Context) -> pl.Expr:
    return d("REVIEW").is_null()


@row_rule(
    "167",
    table=R,
    message="Data entry for participation is invalid or blank.",
    fields=("REVIEW_CODE",),
)
def r167_participation_code(ctx: Context) -> pl.Expr:
    valid = (present("REVIEW") & is_in("REVIEW_CODE", ctx.codes(R, "REVIEW_CODE"))) | (
        absent("REVIEW") & absent("REVIEW_CODE")
    )
    return ~valid


@row_rule(
    "440",
    table=R,
    message="Participation method indicates child was under 4 years old at the time of the review, "
    "but date of birth and review date indicates the child was 4 years old or over.",
    fields=("DOB", "REVIEW", "REVIEW_CODE"),
)
def r440_pn0_over_4(ctx: Context) -> pl.Expr:
    return eq("REVIEW_CODE", "PN0") & ok(d("REVIEW") > years_after(d("DOB"), 4))


@row_rule(
    "441",
    table=R,
    message="Participation method indicates child was 4 years old or over at the time of the "
    "review, but the date of birth and review date indicates the child was under 4 years old.",
    fields=("DOB", "REVIEW", "REVIEW_CODE"),
)
def r441_participation_under_4(ctx: Context) -> pl.Expr:
    codes = ["PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7"]
    return is_in("REVIEW_CODE", codes) & ok(d("REVIEW") < years_after(d("DOB"), 4))


@rule(
    "399",
    message="Mother field, review field or participation field are completed but child is looked "
    "after under legal status V3 or V4.",
    tables=("Episodes", "Header", R),
    fields=("MOTHER", "LS", "REVIEW", "REVIEW_CODE"),
)
def r399_respite_only_child_details(ctx: Context) -> Iterator[Hit]:
    respite_only = (
        ctx.t("Episodes")
        .filter(pl.col("CHILD").is_not_null())
        .group_by("CHILD")
        .agg(only=pl.col("LS").is_in(["V3", "V4"]).fill_null(False).all())
        .filter(pl.col("only"))
        .get_column("CHILD")
        .to_list()
    )
    header = ctx.t("Header").filter(pl.col("CHILD").is_in(respite_only))
    reviews = ctx.t(R).filter(pl.col("CHILD").is_in(respite_only))
    mothers = header.filter(present("MOTHER")).get_column("CHILD").to_list()
    reviewed = reviews.filter(present("REVIEW") | present("REVIEW_CODE")).get_column("CHILD")
    failing = set(mothers) | set(reviewed.to_list())
    yield "Episodes", ctx.t("Episodes").filter(pl.col("CHILD").is_in(list(failing)))
    yield "Header", header.filter(pl.col("CHILD").is_in(list(failing)))
    yield R, rows_of(reviews.filter(pl.col("CHILD").is_in(list(failing))), ROW)
