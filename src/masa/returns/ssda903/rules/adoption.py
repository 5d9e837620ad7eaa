"""AD1 (adoptions), PlacedAdoption (decisions to place for adoption), UASC and PrevPerm
(previous permanence) rules. Messages are the DfE's."""

from __future__ import annotations

import datetime as dt
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
    ne,
    not_in,
    ok,
    present,
    row_rule,
    rows_of,
    rule,
    with_header,
    years_after,
)

A = "AD1"
P = "PlacedAdoption"
AD1_ITEMS = ("DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR")
ADOPTION_PLACEMENTS = ("A3", "A4", "A5", "A6")
ADOPTED = ("E11", "E12")


def _date_rule(code: str, table: str, column: str, message: str) -> None:
    @row_rule(code, table=table, message=message, fields=(column,))
    def check(ctx: Context) -> pl.Expr:
        return present(column) & d(column).is_null()


_date_rule("112", A, "DATE_INT", "Date should be placed for adoption is not a valid date.")
_date_rule("113", A, "DATE_MATCH", "Date matching child and adopter(s) is not a valid date.")
_date_rule(
    "115",
    P,
    "DATE_PLACED",
    "Date of Local Authority's (LA) decision that a child should be placed for adoption is not a "
    "valid date.",
)
_date_rule(
    "116",
    P,
    "DATE_PLACED_CEASED",
    "Date of Local Authority's (LA) decision that a child should no longer be placed for adoption "
    "is not a valid date.",
)


def _code_rule(
    code: str, table: str, column: str, codes: tuple[str, ...] | None, message: str
) -> None:
    @row_rule(code, table=table, message=message, fields=(column,))
    def check(ctx: Context) -> pl.Expr:
        valid = codes if codes is not None else ctx.codes(table, column)
        return present(column) & not_in(column, valid)


_code_rule(
    "114",
    A,
    "FOSTER_CARE",
    ("0", "1"),
    "Data entry to record the status of former carer(s) of an adopted child is invalid.",
)
_code_rule("175", A, "NB_ADOPTR", ("1", "2"), "The number of adopter(s) code is not a valid code.")
_code_rule(
    "176",
    A,
    "SEX_ADOPTR",
    None,
    "The gender of adopter(s) at the date of adoption code is not a valid code.",
)
_code_rule("177", A, "LS_ADOPTR", None, "The legal status of adopter(s) code is not a valid code.")
_code_rule(
    "120",
    P,
    "REASON_PLACED_CEASED",
    None,
    "The reason for the reversal of the decision that the child should be placed for adoption code "
    "is not valid.",
)
_code_rule("631", "PrevPerm", "PREV_PERM", None, "Previous permanence option not a valid value.")


@row_rule(
    "151",
    table=A,
    message="All data items relating to a childs adoption must be coded or left blank.",
    fields=AD1_ITEMS,
)
def r151_all_or_none(ctx: Context) -> pl.Expr:
    given = [present(c) for c in AD1_ITEMS]
    return pl.any_horizontal(given) & ~pl.all_horizontal(given)


@row_rule(
    "333",
    table=A,
    message="Date should be placed for adoption must be on or prior to the date of matching child "
    "with adopter(s).",
    fields=("DATE_INT",),
)
def r333_matched_before_decision(ctx: Context) -> pl.Expr:
    matched = d("DATE_MATCH").is_not_null()
    return matched & (d("DATE_INT").is_null() | ok(d("DATE_INT") > d("DATE_MATCH")))


def _adopters(code: str, message: str, fields: tuple[str, str], fails: pl.Expr) -> None:
    @row_rule(code, table=A, message=message, fields=fields)
    def check(ctx: Context) -> pl.Expr:
        return fails


_adopters(
    "511",
    "If reporting that the number of person(s) adopting the looked after child is two adopters "
    "then the code should only be MM, FF or MF. MM = the adopting couple are both males; FF = the "
    "adopting couple are both females; MF = The adopting couple are male and female.",
    ("NB_ADOPTR", "SEX_ADOPTR"),
    eq("NB_ADOPTR", "2") & is_in("SEX_ADOPTR", ["M1", "F1"]),
)
_adopters(
    "514",
    "Data entry on the legal status of adopters shows a single adopter but data entry for the "
    "numbers of adopters shows it as a couple.",
    ("LS_ADOPTR", "SEX_ADOPTR"),
    eq("LS_ADOPTR", "L0") & not_in("SEX_ADOPTR", ["M1", "F1"]),
)
_adopters(
    "517",
    "If reporting legal status of adopters is L3 then the genders of adopters should be coded as "
    "MF. MF = the adopting couple are male and female.",
    ("LS_ADOPTR", "SEX_ADOPTR"),
    eq("LS_ADOPTR", "L3") & not_in("SEX_ADOPTR", ["MF"]),
)
_adopters(
    "518",
    "If reporting legal status of adopters is L4 then the genders of adopters should be coded as "
    "MM or FF. MM = the adopting couple are both males. FF = the adopting couple are both females.",
    ("LS_ADOPTR", "SEX_ADOPTR"),
    eq("LS_ADOPTR", "L4") & not_in("SEX_ADOPTR", ["MM", "FF"]),
)
_adopters(
    "519",
    "Data entered on the legal status of adopters shows civil partnership couple, but data entered "
    "on genders of adopters does not show it as a couple.",
    ("LS_ADOPTR", "SEX_ADOPTR"),
    eq("LS_ADOPTR", "L2") & not_in("SEX_ADOPTR", ["MM", "FF", "MF"]),
)
_adopters(
    "520",
    "Data entry on the legal status of adopters shows different gender married couple but data "
    "entry on genders of adopters shows it as a same gender couple.",
    ("LS_ADOPTR", "SEX_ADOPTR"),
    eq("LS_ADOPTR", "L11") & ne("SEX_ADOPTR", "MF"),
)
_adopters(
    "524",
    "If reporting legal status of adopters is L12 then the genders of adopters should be coded as "
    "MM or FF. MM = the adopting couple are both males. FF = the adopting couple are both females",
    ("LS_ADOPTR", "SEX_ADOPTR"),
    eq("LS_ADOPTR", "L12") & not_in("SEX_ADOPTR", ["MM", "FF"]),
)


@rule(
    "331",
    message="Date of matching child and adopter(s) should be the same as, or prior to, the date of "
    "placement of adoption.",
    tables=(A, "Episodes"),
    fields=("DATE_MATCH", "DECOM", "REC"),
)
def r331_matched_after_placed(ctx: Context) -> Iterator[Hit]:
    ad1 = ctx.t(A).select("CHILD", "DATE_MATCH__date", pl.col(ROW).alias("_arow"))
    failing = (
        ctx.t("Episodes")
        .filter(is_in("REC", ADOPTED))
        .join(ad1, on="CHILD")
        .filter(ok(d("DATE_MATCH") > d("DECOM")))
    )
    yield A, rows_of(failing, "_arow")
    yield "Episodes", failing


@rule(
    "334",
    message="Date child started to be looked after in latest period of care must be on or prior to "
    "the date should be placed for adoption. ",
    tables=("Episodes", A),
    fields=("DATE_INT", "DECOM", "RNE"),
)
def r334_decision_before_care(ctx: Context) -> Iterator[Hit]:
    latest_start = (
        ctx.t("Episodes")
        .filter(eq("RNE", "S") & d("DECOM").is_not_null())
        .sort(["CHILD", "DECOM__date", ROW], descending=[False, True, False])
        .unique("CHILD", keep="first", maintain_order=True)
    )
    ad1 = ctx.t(A).select("CHILD", "DATE_INT__date", pl.col(ROW).alias("_arow"))
    failing = latest_start.join(ad1, on="CHILD").filter(ok(d("DATE_INT") < d("DECOM")))
    yield "Episodes", failing
    yield A, rows_of(failing, "_arow")


@rule(
    "335",
    message="The current foster value (0) suggests that child is not adopted by current foster "
    "carer, but last placement is A2, A3, or A5. Or the current foster value (1) suggests that "
    "child is adopted by current foster carer, but last placement is A1, A4 or A6.",
    tables=("Episodes", A),
    fields=("PLACE", "FOSTER_CARE"),
)
def r335_foster_carer_adoption(ctx: Context) -> Iterator[Hit]:
    ad1 = ctx.t(A).select("CHILD", "FOSTER_CARE", pl.col(ROW).alias("_arow"))
    merged = ctx.t("Episodes").join(ad1, on="CHILD")
    failing = merged.filter(
        is_in("REC", ["E1", "E11", "E12"])
        & (
            (is_in("PLACE", ["A2", "A3", "A5"]) & eq("FOSTER_CARE", "0"))
            | (is_in("PLACE", ["A1", "A4", "A6"]) & eq("FOSTER_CARE", "1"))
        )
    )
    yield "Episodes", failing
    yield A, rows_of(failing, "_arow")


@rule(
    "521",
    message="Date of local authority's decision (LA) that adoption is in the best interests of the "
    "child (date should be placed) must be on or prior to the date the child is placed for "
    "adoption.",
    tables=("Episodes", A),
    fields=("PLACE", "DECOM", "DATE_INT"),
)
def r521_decision_after_placement(ctx: Context) -> Iterator[Hit]:
    # As the message says: the decision must come on or before the placement. (The beta DfE
    # tool's code tests the opposite, flagging every correct adoption; masa follows the rule.)
    ad1 = ctx.t(A).select("CHILD", "DATE_INT__date", pl.col(ROW).alias("_arow"))
    failing = (
        ctx.t("Episodes")
        .join(ad1, on="CHILD")
        .filter(is_in("PLACE", ADOPTION_PLACEMENTS) & ok(d("DATE_INT") > d("DECOM")))
    )
    yield "Episodes", failing
    yield A, rows_of(failing, "_arow")


@rule(
    "523",
    message="Date of decision that the child should be placed for adoption should be the same date "
    "as the decision that adoption is in the best interest (date should be placed).",
    tables=(P, A),
    fields=("DATE_PLACED", "DATE_INT"),
)
def r523_decision_dates_differ(ctx: Context) -> Iterator[Hit]:
    ad1 = ctx.t(A).filter(d("DATE_INT").is_not_null())
    ad1 = ad1.select("CHILD", "DATE_INT__date", pl.col(ROW).alias("_arow"))
    failing = (
        ctx.t(P)
        .filter(d("DATE_PLACED").is_not_null())
        .join(ad1, on="CHILD")
        .filter(d("DATE_INT") != d("DATE_PLACED"))
    )
    yield P, failing
    yield A, rows_of(failing, "_arow")


@rule(
    "525",
    message="A child for whom the decision to be placed for adoption has been reversed cannot be "
    "adopted during the year.",
    tables=(P, A),
    fields=("DATE_PLACED_CEASED", *AD1_ITEMS),
)
def r525_reversed_but_adopted(ctx: Context) -> Iterator[Hit]:
    ad1 = ctx.t(A).select("CHILD", *AD1_ITEMS, pl.col(ROW).alias("_arow"))
    failing = (
        ctx.t(P)
        .join(ad1, on="CHILD")
        .filter(present("DATE_PLACED_CEASED") & pl.any_horizontal(present(c) for c in AD1_ITEMS))
    )
    yield P, failing
    yield A, rows_of(failing, "_arow")


@rule(
    "601",
    message="The additional fields relating to adoption have not been completed although the "
    "episode data shows that the child was adopted during the year.",
    tables=(A, "Episodes"),
    fields=("REC", *AD1_ITEMS),
)
def r601_adopted_without_ad1(ctx: Context) -> Iterator[Hit]:
    adopted = ctx.t("Episodes").filter(
        ok(d("DEC") >= ctx.start) & ok(d("DEC") <= ctx.end) & is_in("REC", ADOPTED)
    )
    ad1 = ctx.t(A).select("CHILD", *AD1_ITEMS, pl.col(ROW).alias("_arow"))
    failing = adopted.join(ad1, on="CHILD").filter(pl.any_horizontal(absent(c) for c in AD1_ITEMS))
    yield A, rows_of(failing, "_arow")
    yield "Episodes", failing


@rule(
    "602",
    message="The episode data submitted for this child does not show that he/she was adopted "
    "during the year.",
    tables=(A,),
    fields=("CHILD",),
    needs=("Episodes",),
)
def r602_ad1_without_adoption(ctx: Context) -> Iterator[Hit]:
    adopted = (
        ctx.t("Episodes")
        .filter(ok(d("DEC") <= ctx.end) & ok(d("DEC") >= ctx.start) & is_in("REC", ADOPTED))
        .get_column("CHILD")
        .to_list()
    )
    yield (
        A,
        ctx.t(A).filter(
            ~pl.col("CHILD").is_in(adopted) & pl.any_horizontal(present(c) for c in AD1_ITEMS)
        ),
    )


@row_rule(
    "119",
    table=P,
    message="If the decision is made that a child should no longer be placed for adoption, then "
    "the date of this decision and the reason why this decision was made must be completed.",
    fields=("REASON_PLACED_CEASED", "DATE_PLACED_CEASED"),
)
def r119_ceased_date_and_reason(ctx: Context) -> pl.Expr:
    return present("DATE_PLACED_CEASED") != present("REASON_PLACED_CEASED")


@row_rule(
    "522",
    table=P,
    message="Date of decision that the child should be placed for adoption must be on or before "
    "the date that a child should no longer be placed for adoption.",
    fields=("DATE_PLACED", "DATE_PLACED_CEASED"),
)
def r522_ceased_before_decision(ctx: Context) -> pl.Expr:
    return ok(d("DATE_PLACED_CEASED") < d("DATE_PLACED"))


@row_rule(
    "563",
    table=P,
    message="The child should no longer be placed for adoption but the date of the decision that "
    "the child should be placed for adoption is blank",
    fields=("DATE_PLACED", "REASON_PLACED_CEASED", "DATE_PLACED_CEASED"),
)
def r563_ceased_without_decision(ctx: Context) -> pl.Expr:
    return present("REASON_PLACED_CEASED") & present("DATE_PLACED_CEASED") & absent("DATE_PLACED")


@rule(
    "579",
    message="A new decision that the child should be placed for adoption this year cannot start "
    "when the previous decision is still open. Decisions to place the child for adoption should "
    "also not overlap. The date of any new decision to place the child for adoption must not be "
    "before the date placed ceased of previous decisions.",
    tables=(P,),
    fields=("DATE_PLACED", "DATE_PLACED_CEASED"),
)
def r579_overlapping_decisions(ctx: Context) -> Iterator[Hit]:
    pa = ctx.t(P).sort(["CHILD", "DATE_PLACED__date", ROW], nulls_last=True)
    pa = pa.with_columns(
        prev_child=pl.col("CHILD").shift(1), prev_ceased=pl.col("DATE_PLACED_CEASED__date").shift(1)
    )
    same = ok(pl.col("CHILD") == pl.col("prev_child"))
    yield (
        P,
        pa.filter(
            same & (pl.col("prev_ceased").is_null() | ok(d("DATE_PLACED") < pl.col("prev_ceased")))
        ),
    )


@rule(
    "184",
    message="Date of decision that a child should be placed for adoption is before the child was "
    "born.",
    tables=(P,),
    fields=("DATE_PLACED", "DOB"),
    needs=("Header",),
)
def r184_decision_before_birth(ctx: Context) -> Iterator[Hit]:
    yield (
        P,
        with_header(ctx, ctx.t(P)).filter(
            d("DATE_PLACED").is_not_null() & ~ok(d("DATE_PLACED") >= pl.col("HDR_DOB"))
        ),
    )


@rule(
    "117",
    message="Date of decision that a child should/should no longer be placed for adoption is "
    "beyond the current collection year or after the child ceased to be looked after.",
    tables=("Episodes", P),
    fields=("DATE_PLACED_CEASED", "DATE_PLACED", "DEC", "REC", "DECOM"),
)
def r117_decision_after_year_or_care(ctx: Context) -> Iterator[Hit]:
    latest = (
        ctx.t("Episodes")
        .filter(d("DECOM").is_not_null() & ne("REC", "X1"))
        .sort(["CHILD", "DECOM__date", ROW], descending=[False, True, False])
        .unique("CHILD", keep="first", maintain_order=True)
    )
    pa = ctx.t(P).select(
        "CHILD", "DATE_PLACED__date", "DATE_PLACED_CEASED__date", pl.col(ROW).alias("_prow")
    )
    placed, ceased = d("DATE_PLACED"), d("DATE_PLACED_CEASED")
    failing = latest.join(pa, on="CHILD").filter(
        ok(placed > ctx.end) | ok(placed > d("DEC")) | ok(ceased > ctx.end) | ok(ceased > d("DEC"))
    )
    yield "Episodes", failing
    yield P, rows_of(failing, "_prow")


@rule(
    "118",
    message="Date of decision that a child should no longer be placed for adoption is before the "
    "current collection year or before the date the child started to be looked after.",
    tables=("Episodes", P),
    fields=("DECOM", "LS"),
)
def r118_ceased_before_year_or_care(ctx: Context) -> Iterator[Hit]:
    earliest = (
        ctx.t("Episodes")
        .filter(not_in("LS", ["V3", "V4"]) & d("DECOM").is_not_null())
        .sort(["CHILD", "DECOM__date", ROW])
        .unique("CHILD", keep="first", maintain_order=True)
    )
    pa = ctx.t(P).filter(d("DATE_PLACED_CEASED").is_not_null())
    pa = pa.select("CHILD", "DATE_PLACED_CEASED__date", pl.col(ROW).alias("_prow"))
    ceased = d("DATE_PLACED_CEASED")
    failing = earliest.join(pa, on="CHILD").filter(ok(ceased < d("DECOM")) | ok(ceased < ctx.start))
    yield "Episodes", failing
    yield P, rows_of(failing, "_prow")


@rule(
    "551",
    message="Child has been placed for adoption but there is no date of the decision that the "
    "child should be placed for adoption.",
    tables=("Episodes",),
    fields=("DATE_PLACED", "PLACE"),
    needs=(P,),
)
def r551_placed_without_decision(ctx: Context) -> Iterator[Hit]:
    pa = ctx.t(P).select("CHILD", "DATE_PLACED", _pa=pl.lit(True))
    merged = (
        ctx.t("Episodes")
        .filter(is_in("PLACE", ADOPTION_PLACEMENTS))
        .join(pa, on="CHILD", how="left")
    )
    yield "Episodes", merged.filter(absent("DATE_PLACED"))


@rule(
    "552",
    message="Date of Decision to place a child for adoption should be on or prior to the date that "
    "the child was placed for adoption.",
    tables=(P, "Episodes"),
    fields=("DATE_PLACED", "DECOM"),
)
def r552_placed_before_decision(ctx: Context) -> Iterator[Hit]:
    last_decision = (
        ctx.t(P)
        .filter(d("DATE_PLACED").is_not_null())
        .sort(["CHILD", "DATE_PLACED__date", ROW], descending=[False, True, False])
        .unique("CHILD", keep="first", maintain_order=True)
        .select("CHILD", "DATE_PLACED__date", pl.col(ROW).alias("_prow"))
    )
    first_placement = (
        ctx.t("Episodes")
        .filter(is_in("PLACE", ADOPTION_PLACEMENTS) & d("DECOM").is_not_null())
        .sort(["CHILD", "DECOM__date", ROW])
        .unique("CHILD", keep="first", maintain_order=True)
    )
    failing = first_placement.join(last_decision, on="CHILD").filter(
        ok(d("DECOM") < d("DATE_PLACED"))
    )
    yield P, rows_of(failing, "_prow")
    yield "Episodes", failing


def _order_without_decision(code: str, status: str, message: str) -> None:
    @rule(
        code,
        message=message,
        tables=("Episodes", P),
        fields=("CHILD", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"),
    )
    def check(ctx: Context) -> Iterator[Hit]:
        with_order = ctx.t("Episodes").filter(eq("LS", status))
        decided = ctx.t(P).get_column("CHILD").drop_nulls().to_list()
        yield "Episodes", with_order.filter(~pl.col("CHILD").is_in(decided))
        open_order = with_order.filter(absent("DEC")).get_column("CHILD").to_list()
        yield (
            P,
            ctx.t(P).filter(
                pl.col("CHILD").is_in(open_order)
                & (present("DATE_PLACED_CEASED") | present("REASON_PLACED_CEASED"))
            ),
        )


_order_without_decision(
    "553",
    "E1",
    "Placement order has been granted but there is no date of decision that the child should be "
    "placed for adoption.",
)
_order_without_decision(
    "555",
    "D1",
    "Freeing order has been granted but there is no date of decision that the child should be "
    "placed for adoption.",
)


@rule(
    "556",
    message="Date of decision that the child should be placed for adoption should be on or prior "
    "to the date that the freeing order was granted.",
    tables=("Episodes",),
    fields=("DATE_PLACED", "DECOM"),
    needs=(P,),
)
def r556_decision_after_freeing_order(ctx: Context) -> Iterator[Hit]:
    pa = ctx.t(P).select("CHILD", "DATE_PLACED__date")
    yield (
        "Episodes",
        ctx.t("Episodes")
        .filter(eq("LS", "D1"))
        .join(pa, on="CHILD")
        .filter(ok(d("DATE_PLACED") > d("DECOM"))),
    )


@rule(
    "557",
    message="Child for whom the decision was made that they should be placed for adoption has left "
    "care but was not adopted and information on the decision that they should no longer be "
    "placed for adoption items has not been completed.",
    tables=("Episodes", P),
    fields=("DATE_PLACED_CEASED", "REASON_PLACED_CEASED", "PLACE", "LS", "REC"),
)
def r557_left_care_not_adopted(ctx: Context) -> Iterator[Hit]:
    eps = ctx.t("Episodes").filter(
        (is_in("PLACE", ADOPTION_PLACEMENTS) | is_in("LS", ["D1", "E1"]))
        & not_in("REC", ADOPTED)
        & present("REC")
        & ne("REC", "X1")
    )
    pa = ctx.t(P).select(
        "CHILD",
        pl.col(ROW).alias("_prow"),
        incomplete=absent("DATE_PLACED_CEASED") | absent("REASON_PLACED_CEASED"),
    )
    merged = eps.join(pa, on="CHILD", how="left")
    failing = merged.filter(pl.col("_prow").is_null() | ok(pl.col("incomplete")))
    yield "Episodes", failing
    yield P, rows_of(failing.filter(pl.col("_prow").is_not_null()), "_prow")


@rule(
    "558",
    message="If a child has been adopted, then the decision to place them for adoption has not "
    "been disrupted and the date of the decision that a child should no longer be placed for "
    "adoption should be left blank. if the REC code is either E11 or E12 then the DATE PLACED "
    "CEASED date should not be provided",
    tables=("Episodes",),
    fields=("DATE_PLACED_CEASED", "REC"),
    needs=(P,),
)
def r558_adopted_with_ceased_decision(ctx: Context) -> Iterator[Hit]:
    ceased = ctx.t(P).filter(present("DATE_PLACED_CEASED")).get_column("CHILD").to_list()
    yield (
        "Episodes",
        ctx.t("Episodes").filter(is_in("REC", ADOPTED) & pl.col("CHILD").is_in(ceased)),
    )


@rule(
    "1003",
    message="Date of LA's decision that a child should be placed for adoption is before the child "
    "started to be looked after.",
    tables=("Episodes", P),
    fields=("DATE_PLACED", "DECOM", "RNE"),
)
def r1003_decision_before_care(ctx: Context) -> Iterator[Hit]:
    first_start = (
        ctx.t("Episodes")
        .filter(eq("RNE", "S") & d("DECOM").is_not_null())
        .sort(["CHILD", "DECOM__date", ROW])
        .unique("CHILD", keep="first", maintain_order=True)
    )
    pa = ctx.t(P).select("CHILD", "DATE_PLACED__date", pl.col(ROW).alias("_prow"))
    failing = first_start.join(pa, on="CHILD").filter(ok(d("DATE_PLACED") < d("DECOM")))
    yield "Episodes", failing
    yield P, rows_of(failing, "_prow")


# ------------------------------------------------------------------ UASC


@row_rule(
    "104",
    table="UASC",
    message="Date for Unaccompanied Asylum-Seeking Children (UASC) status ceased is not a valid "
    "date.",
    fields=("DUC",),
)
def r104_duc_date(ctx: Context) -> pl.Expr:
    return (present("DUC") & d("DUC").is_null()) | ok(d("DUC") < ctx.start)


@row_rule(
    "304",
    table="UASC",
    message="Date unaccompanied asylum-seeking child (UASC) status ceased must be on or before the "
    "18th birthday of a child.",
    fields=("DUC",),
)
def r304_duc_after_18(ctx: Context) -> pl.Expr:
    return ok(d("DUC") > years_after(d("DOB"), 18))


# ------------------------------------------------------------------ PrevPerm


def latest_permanence_date(text: str | None) -> dt.date | None:
    """DATE_PERM as the latest day it can mean: day and month may be ZZ when unknown
    ("ZZ/05/2019" is 31 May 2019, "ZZ/ZZ/2019" 31 December 2019); None when it is not a valid
    date, including a known day in an unknown month and an unknown year."""
    if text is None:
        return None
    parts = text.split("/")
    if len(parts) != 3:
        return None
    day, month, year = parts
    if day == "ZZ" and month == "ZZ":
        if not year.isdigit():
            return None
        return dt.date(int(year), 12, 31)
    if month == "ZZ" or not year.isdigit():
        return None  # a known day with an unknown month, or an unknown year
    try:
        if day == "ZZ":
            first = dt.date(int(year), int(month), 1)
            next_month = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
            return next_month - dt.timedelta(days=1)
        return dt.datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        return None


@rule(
    "632",
    message="Date of previous permanence order not a valid value. NOTE: This rule may result in "
    "false negatives where the period of care started before the current collection year",
    tables=("Episodes", "PrevPerm"),
    fields=("DATE_PERM", "DECOM"),
)
def r632_permanence_date(ctx: Context) -> Iterator[Hit]:
    first = (
        ctx.t("Episodes")
        .filter(d("DECOM").is_not_null())
        .sort(["CHILD", "DECOM__date", ROW])
        .unique("CHILD", keep="first", maintain_order=True)
    )
    perm = ctx.t("PrevPerm").with_columns(
        perm_date=pl.col("DATE_PERM").map_elements(latest_permanence_date, return_dtype=pl.Date)
    )
    perm = perm.select("CHILD", "DATE_PERM", "perm_date", pl.col(ROW).alias("_prow"))
    merged = first.join(perm, on="CHILD")
    failing = merged.filter(
        ok(pl.col("perm_date") >= d("DECOM"))
        | (present("DATE_PERM") & pl.col("perm_date").is_null() & ne("DATE_PERM", "ZZ/ZZ/ZZZZ"))
    )
    yield "Episodes", failing
    yield "PrevPerm", rows_of(failing, "_prow")


@rule(
    "634",
    message="There are entries for previous permanence options, but child has not started to be "
    "looked after from 1 April 2016 onwards.",
    tables=("Episodes", "PrevPerm"),
    fields=("LA_PERM", "PREV_PERM", "DATE_PERM", "DECOM"),
)
def r634_permanence_for_old_period(ctx: Context) -> Iterator[Hit]:
    eps = ctx.t("Episodes").with_columns(last_decom=d("DECOM").max().over("CHILD"))
    eps = eps.select("CHILD", "last_decom", pl.col(ROW).alias("_erow"))
    merged = ctx.t("PrevPerm").join(eps, on="CHILD")
    failing = merged.filter(
        (present("PREV_PERM") | present("DATE_PERM") | present("LA_PERM"))
        & ok(pl.col("last_decom") < ctx.start)
    )
    yield "Episodes", rows_of(failing, "_erow")
    yield "PrevPerm", failing


@row_rule(
    "635",
    table="PrevPerm",
    message="There are entries for date of order and local authority code where previous "
    "permanence option was arranged but previous permanence code is Z1",
    fields=("LA_PERM", "DATE_PERM", "PREV_PERM"),
)
def r635_permanence_details_without_option(ctx: Context) -> pl.Expr:
    return (present("LA_PERM") | present("DATE_PERM")) & absent("PREV_PERM")
