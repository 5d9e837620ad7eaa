"""Episodes rules: codes, dates, the chain of episodes, legal status and placement consistency.

Episodes are compared with the one before and after for the same child in start-date order
(``Context.episodes_sorted``). Messages are the DfE's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

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
    rule,
    with_header,
    years_after,
)

E = "Episodes"
RESPITE = ("V3", "V4")
TEMPORARY = ("T0", "T1", "T2", "T3", "T4")
NO_PROVIDER = (*TEMPORARY, "Z1")
ADOPTION_PLACEMENTS = ("A3", "A4", "A5", "A6")
ADOPTED = ("E11", "E12")


def _code_rule(code: str, column: str, message: str) -> None:
    @row_rule(code, table=E, message=message, fields=(column,))
    def check(ctx: Context) -> pl.Expr:
        return present(column) & not_in(column, ctx.codes(E, column))


_code_rule("143", "RNE", "The reason for new episode code is not a valid code.")
_code_rule("144", "LS", "The legal status code is not a valid code.")
_code_rule("145", "CIN", "Category of need code is not a valid code.")
_code_rule("146", "PLACE", "Placement type code is not a valid code.")
_code_rule("149", "REC", "Reason episode ceased code is not valid. ")
_code_rule("1009", "REASON_PLACE_CHANGE", "Reason for placement change is not a valid code.")


@row_rule("141", table=E, message="Date episode began is not a valid date.", fields=("DECOM",))
def r141_decom_date(ctx: Context) -> pl.Expr:
    return present("DECOM") & d("DECOM").is_null()


@row_rule("147", table=E, message="Date episode ceased is not a valid date.", fields=("DEC",))
def r147_dec_date(ctx: Context) -> pl.Expr:
    return present("DEC") & d("DEC").is_null()


@row_rule(
    "148",
    table=E,
    message="Date episode ceased and reason episode ceased must both be coded, or both left blank.",
    fields=("DEC", "REC"),
)
def r148_dec_and_rec(ctx: Context) -> pl.Expr:
    return present("DEC") != present("REC")


@row_rule(
    "178",
    table=E,
    message="Placement provider code is not a valid code.",
    fields=("PLACE_PROVIDER",),
)
def r178_provider_code(ctx: Context) -> pl.Expr:
    valid = is_in("PLACE_PROVIDER", ctx.codes(E, "PLACE_PROVIDER")) & not_in("PLACE", NO_PROVIDER)
    return present("PLACE_PROVIDER") & ~valid


@rule(
    "142",
    message="A new episode has started, but the previous episode has not ended.",
    tables=(E,),
    fields=("DEC", "REC"),
)
def r142_previous_not_ended(ctx: Context) -> Iterator[Hit]:
    eps = ctx.episodes_sorted
    yield (
        E,
        eps.filter(
            pl.col("same_next")
            & (absent("DEC") | absent("REC"))
            & present("CHILD")
            & present("DECOM__date")
        ),
    )


@row_rule(
    "213",
    table=E,
    message="Placement provider information not required.",
    fields=("PLACE_PROVIDER",),
)
def r213_provider_not_required(ctx: Context) -> pl.Expr:
    return is_in("PLACE", NO_PROVIDER) & present("PLACE_PROVIDER")


@row_rule(
    "214",
    table=E,
    message="Placement location information not required.",
    fields=("PL_POST", "URN"),
)
def r214_location_not_required(ctx: Context) -> pl.Expr:
    return is_in("LS", RESPITE) & (present("PL_POST") | present("URN"))


@row_rule(
    "217",
    table=E,
    message="Children who are placed for adoption with current foster carers (placement types A3 "
    "or A5) must have a reason for new episode of S, T or U.",
    fields=("PLACE", "DECOM", "RNE"),
)
def r217_adoption_with_foster_carers(ctx: Context) -> pl.Expr:
    return (
        is_in("PLACE", ["A3", "A5"])
        & ok(d("DECOM") >= dt.date(2015, 4, 1))
        & not_in("RNE", ["S", "T", "U"])
    )


@row_rule(
    "222",
    table=E,
    message="Ofsted Unique reference number (URN) should not be recorded for this placement type.",
    fields=("URN",),
)
def r222_urn_not_for_placement(ctx: Context) -> pl.Expr:
    places = ["H5", "P1", "P2", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z1"]
    return is_in("PLACE", places) & present("URN") & ne("URN", "XXXXXX")


@rule(
    "225",
    message="Reason for placement change must be recorded.",
    tables=(E,),
    fields=("REASON_PLACE_CHANGE",),
)
def r225_reason_place_change_missing(ctx: Context) -> Iterator[Hit]:
    yield (
        E,
        ctx.episodes_sorted.filter(
            pl.col("same_next")
            & eq("REC", "X1")
            & absent("REASON_PLACE_CHANGE")
            & not_in("PLACE", TEMPORARY)
            & is_in("RNE_next", ["P", "B", "T", "U"])
            & not_in("PLACE_next", TEMPORARY)
        ),
    )


@rule(
    "226",
    message="Reason for placement change is not required.",
    tables=(E,),
    fields=("REASON_PLACE_CHANGE", "PLACE"),
)
def r226_reason_place_change_not_required(ctx: Context) -> Iterator[Hit]:
    previous_reason = pl.col("same_prev") & present("REASON_PLACE_CHANGE_prev")
    yield (
        E,
        ctx.episodes_sorted.filter(
            is_in("PLACE", TEMPORARY) & (present("REASON_PLACE_CHANGE") | previous_reason)
        ),
    )


@rule(
    "336",
    message="Child does not have a foster placement immediately prior to being placed for "
    "adoption.",
    tables=(E,),
    fields=("PLACE",),
)
def r336_foster_before_adoption(ctx: Context) -> Iterator[Hit]:
    before = ["A3", "A4", "A5", "A6", "U1", "U2", "U3", "U4", "U5", "U6"]
    yield (
        E,
        ctx.episodes_sorted.filter(
            is_in("PLACE", ["A3", "A4"]) & pl.col("same_prev") & not_in("PLACE_prev", before)
        ),
    )


@rule(
    "352",
    message="Child who started to be looked after was aged 18 or over.",
    tables=(E,),
    fields=("DECOM", "RNE"),
    needs=("Header",),
)
def r352_started_over_18(ctx: Context) -> Iterator[Hit]:
    yield (
        E,
        with_header(ctx, ctx.t(E)).filter(
            eq("RNE", "S") & ok(years_after(pl.col("HDR_DOB"), 18) <= d("DECOM"))
        ),
    )


@row_rule(
    "353",
    table=E,
    message="No episode submitted can start before 14 October 1991.",
    fields=("DECOM",),
)
def r353_before_1991(ctx: Context) -> pl.Expr:
    return ok(d("DECOM") < dt.date(1991, 10, 14))


@row_rule(
    "354",
    table=E,
    message="Date episode began must be on or before the end of the current collection year.",
    fields=("DECOM",),
)
def r354_began_after_year(ctx: Context) -> pl.Expr:
    return ok(d("DECOM") > ctx.end)


@row_rule(
    "355",
    table=E,
    message="Episode appears to have lasted for less than 24 hours",
    fields=("DECOM", "DEC"),
)
def r355_same_day(ctx: Context) -> pl.Expr:
    return ok(pl.col("DECOM") == pl.col("DEC"))


@row_rule(
    "356",
    table=E,
    message="The date the episode ceased is before the date the same episode started.",
    fields=("DECOM",),
)
def r356_ceased_before_started(ctx: Context) -> pl.Expr:
    return ok(d("DEC") < d("DECOM"))


@rule(
    "357",
    message="If this is the first episode ever for this child, reason for new episode must be S.  "
    "Check whether there is an episode immediately preceding this one, which has been left out.  "
    "If not the reason for new episode code must be amended to S.",
    tables=(E,),
    fields=("RNE",),
)
def r357_first_episode_not_s(ctx: Context) -> Iterator[Hit]:
    first = (
        ctx.t(E)
        .filter(d("DECOM").is_not_null())
        .sort(["CHILD", "DECOM__date", ROW])
        .unique("CHILD", keep="first", maintain_order=True)
    )
    yield E, first.filter(ok(d("DECOM") >= ctx.start) & ne("RNE", "S"))


@rule(
    "359",
    message="Child being looked after following 18th birthday must be accommodated under section "
    "20(5) of the Children Act 1989 in a community home.",
    tables=(E,),
    fields=("DEC", "LS", "PLACE"),
    needs=("Header",),
)
def r359_over_18_not_v2_k2(ctx: Context) -> Iterator[Hit]:
    yield (
        E,
        with_header(ctx, ctx.t(E)).filter(
            ok(years_after(pl.col("HDR_DOB"), 18) < ctx.end)
            & absent("DEC")
            & ~(eq("LS", "V2") & eq("PLACE", "K2"))
        ),
    )


def _legal_status_too_long(ctx: Context, status: str, days: int) -> pl.DataFrame:
    """Episodes of ``status`` in runs of consecutive episodes (each starting the day the last
    ended) lasting longer than ``days`` in all; an open episode runs to 31 March."""
    eps = ctx.episodes_sorted.with_columns(
        end=pl.coalesce(d("DEC"), pl.lit(ctx.end)),
        prev_end=pl.coalesce(pl.col("DEC__date_prev"), pl.lit(ctx.end)),
    )
    flows = pl.col("same_prev") & eq("LS_prev", status) & ok(pl.col("prev_end") == d("DECOM"))
    runs = (
        eps.filter(eq("LS", status) & d("DECOM").is_not_null())
        .with_columns(run=(~flows).cum_sum())
        .with_columns(
            length=(pl.col("end").max().over("run") - d("DECOM").min().over("run")).dt.total_days()
        )
    )
    return runs.filter(ok(pl.col("length") > days))


@rule(
    "361",
    message="Police protection legal status lasted longer than maximum 72 hours allowed in the "
    "Children Act 1989.",
    tables=(E,),
    fields=("DECOM", "LS", "DEC"),
)
def r361_police_protection(ctx: Context) -> Iterator[Hit]:
    yield E, _legal_status_too_long(ctx, "L1", 3)


@rule(
    "362",
    message="Emergency protection order (EPO) lasted longer than 21 days",
    tables=(E,),
    fields=("DECOM", "LS", "DEC"),
)
def r362_epo(ctx: Context) -> Iterator[Hit]:
    yield E, _legal_status_too_long(ctx, "L2", 21)


def _period_sum_too_long(ctx: Context, status: str, days: int) -> pl.DataFrame:
    """Episodes of ``status`` whose run (episodes starting by the time the last ended) sums to
    more than ``days`` of episode durations; an open episode runs to 31 March."""
    eps = (
        ctx.episodes_sorted.filter(eq("LS", status) & d("DECOM").is_not_null())
        .with_columns(end=pl.coalesce(d("DEC"), pl.lit(ctx.end)))
        .with_columns(prev_end=pl.col("end").shift(1), prev_child=pl.col("CHILD").shift(1))
    )
    same_child = ok(pl.col("CHILD") == pl.col("prev_child"))
    new_run = ~same_child | ~ok(d("DECOM") <= pl.col("prev_end"))
    return (
        eps.with_columns(run=new_run.cum_sum())
        .with_columns(total=(pl.col("end") - d("DECOM")).dt.total_days().sum().over("run"))
        .filter(ok(pl.col("total") > days))
    )


@rule(
    "363",
    message="Child assessment order (CAO) lasted longer than 7 days allowed in the Children Act "
    "1989.",
    tables=(E,),
    fields=("LS", "DECOM", "DEC"),
)
def r363_cao(ctx: Context) -> Iterator[Hit]:
    yield E, _period_sum_too_long(ctx, "L3", 7)


@rule(
    "364",
    message="Sections 41-46 of Police and Criminal Evidence (PACE; 1984) severely limits the time "
    "a child can be detained in custody in Local Authority (LA) accommodation.",
    tables=(E,),
    fields=("LS", "DECOM", "DEC"),
)
def r364_pace(ctx: Context) -> Iterator[Hit]:
    yield E, _period_sum_too_long(ctx, "J2", 21)


@row_rule(
    "365",
    table=E,
    message="Any individual short- term respite placement must not exceed 17 days.",
    fields=("LS", "DECOM", "DEC"),
)
def r365_respite_over_17_days(ctx: Context) -> pl.Expr:
    end = pl.coalesce(d("DEC"), pl.lit(ctx.end))
    return eq("LS", "V3") & ok(end > d("DECOM").dt.offset_by("17d"))


@row_rule(
    "366",
    table=E,
    message="A child cannot change placement during the course of an individual short-term respite "
    "break.",
    fields=("RNE",),
)
def r366_respite_not_s(ctx: Context) -> pl.Expr:
    return eq("LS", "V3") & ne("RNE", "S")


@rule(
    "367",
    message="The maximum amount of respite care allowable is 75 days in any 12-month period.",
    tables=(E,),
    fields=("LS", "DECOM", "DEC"),
)
def r367_respite_over_75_days(ctx: Context) -> Iterator[Hit]:
    start = pl.when(ok(d("DECOM") < ctx.start)).then(pl.lit(ctx.start)).otherwise(d("DECOM"))
    dec = d("DEC")
    end = pl.when(absent("DEC") | ok(dec > ctx.end)).then(pl.lit(ctx.end)).otherwise(dec)
    eps = (
        ctx.t(E)
        .filter(eq("LS", "V3") & present("DECOM"))
        .with_columns(days=(end - start).dt.total_days())
        .filter(ok(pl.col("days") > 0))
    )
    yield E, eps.filter(pl.col("days").sum().over("CHILD") > 75)


def _placement_age(code: str, place: str, years: int, message: str) -> None:
    @rule(code, message=message, tables=(E,), fields=("DECOM", "PLACE"), needs=("Header",))
    def check(ctx: Context) -> Iterator[Hit]:
        eps = with_header(ctx, ctx.t(E)).filter(
            eq("PLACE", place)
            & d("DECOM").is_not_null()
            & d("DEC").is_not_null()
            & pl.col("HDR_DOB").is_not_null()
        )
        yield E, eps.filter(d("DECOM") < years_after(pl.col("HDR_DOB"), years))


def _placement_length(code: str, place: str, days: int, message: str) -> None:
    @rule(code, message=message, tables=(E,), fields=("DECOM", "PLACE"), needs=("Header",))
    def check(ctx: Context) -> Iterator[Hit]:
        eps = with_header(ctx, ctx.t(E)).filter(
            eq("PLACE", place)
            & d("DECOM").is_not_null()
            & d("DEC").is_not_null()
            & pl.col("HDR_DOB").is_not_null()
        )
        yield E, eps.filter(d("DEC") > d("DECOM").dt.offset_by(f"{days}d"))


_placement_age("370", "P2", 15, "Child in independent living should be at least 15.")
_placement_age(
    "371",
    "H5",
    14,
    "Child in semi-independent living accommodation not subject to children’s homes regulations "
    "should be at least 14.",
)
_placement_age("372", "R5", 10, "Child in youth custody or prison should be at least 10.")
_placement_age("373", "S1", 4, "Child placed in a school should be at least 4 years old.")
_placement_age("374", "P3", 14, "Child in residential employment should be at least 14 years old.")
_placement_length(
    "375", "T1", 42, "Hospitalisation coded as a temporary placement exceeds six weeks."
)
_placement_length(
    "376",
    "T3",
    21,
    "Temporary placements coded as being due to holiday of usual foster carer(s) cannot exceed "
    "three weeks.",
)
_placement_length(
    "379",
    "T4",
    7,
    "Temporary placements for unspecified reason (placement code T4) cannot exceed seven days.",
)


@rule(
    "377",
    message="Only two temporary placements coded as being due to holiday of usual foster carer(s) "
    "are allowed in any 12- month period.",
    tables=(E,),
    fields=("PLACE",),
)
def r377_too_many_holiday_placements(ctx: Context) -> Iterator[Hit]:
    t3 = ctx.t(E).filter(eq("PLACE", "T3") & present("CHILD"))
    yield E, t3.filter(pl.len().over("CHILD") > 2)


@row_rule(
    "378",
    table=E,
    message="A child who is placed with parent(s) cannot be looked after under a single period of "
    "accommodation under Section 20 of the Children Act 1989.",
    fields=("PLACE", "LS"),
)
def r378_placed_with_parents_v2(ctx: Context) -> pl.Expr:
    return eq("PLACE", "P1") & eq("LS", "V2")


@row_rule(
    "380",
    table=E,
    message="A period of care cannot start with a temporary placement.",
    fields=("PLACE", "RNE"),
)
def r380_starts_temporary(ctx: Context) -> pl.Expr:
    return is_in("PLACE", TEMPORARY) & not_in("RNE", ["P", "B"])


@row_rule(
    "381",
    table=E,
    message="A period of care cannot end with a temporary placement.",
    fields=("PLACE", "REC"),
)
def r381_ends_temporary(ctx: Context) -> pl.Expr:
    return is_in("PLACE", TEMPORARY) & present("REC") & ne("REC", "X1")


@row_rule(
    "382",
    table=E,
    message="A child receiving respite care cannot be in a temporary placement.",
    fields=("LS", "PLACE"),
)
def r382_respite_temporary(ctx: Context) -> pl.Expr:
    return is_in("LS", RESPITE) & is_in("PLACE", TEMPORARY)


@rule(
    "383",
    message="A child in a temporary placement must subsequently return to his/her normal "
    "placement.",
    tables=(E,),
    fields=("PLACE",),
)
def r383_return_after_temporary(ctx: Context) -> Iterator[Hit]:
    yield (
        E,
        ctx.episodes_sorted.filter(
            pl.col("same_prev")
            & pl.col("same_next")
            & is_in("PLACE", TEMPORARY)
            & (ne("RNE_next", "P") | ~ok(pl.col("PLACE_next") == pl.col("PLACE_prev")))
        ),
    )


@row_rule(
    "384",
    table=E,
    message="A child receiving respite care cannot be in a long-term foster placement ",
    fields=("PLACE", "LS"),
)
def r384_respite_long_term_foster(ctx: Context) -> pl.Expr:
    return is_in("LS", RESPITE) & is_in("PLACE", ["U1", "U4"])


@row_rule(
    "385",
    table=E,
    message="Date episode ceased must be on or before the end of the current collection year.",
    fields=("DEC",),
)
def r385_ceased_after_year(ctx: Context) -> pl.Expr:
    return ok(d("DEC") > ctx.end)


def _ceased_at_age(code: str, message: str, fails: Callable[[], pl.Expr]) -> None:
    @rule(code, message=message, tables=(E,), fields=("REC",), needs=("Header",))
    def check(ctx: Context) -> Iterator[Hit]:
        yield E, with_header(ctx, ctx.t(E)).filter(fails())


def _birthday(years: int) -> pl.Expr:
    return years_after(pl.col("HDR_DOB"), years)


_ceased_at_age(
    "386",
    "Reason episode ceased is adopted but child has reached age 18.",
    lambda: is_in("REC", ADOPTED) & ok(_birthday(18) <= d("DEC")),
)
_ceased_at_age(
    "387",
    "Reason episode ceased is child moved into independent living arrangement, but the child is "
    "aged under 14.",
    # As the DfE tool: fails unless the dates show the child was 14 on leaving care.
    lambda: is_in("REC", ["E5", "E6"]) & present("DEC") & ~ok(_birthday(14) <= d("DEC")),
)
_ceased_at_age(
    "460",
    "Reason episode ceased is that child stayed with current carers at age 18 (or above), but "
    "child is aged under 18.",
    lambda: eq("REC", "E17") & ok(_birthday(18) > d("DEC")),
)


@rule(
    "389",
    message="Reason episode ceased is that child transferred to care of adult social care "
    "services, but child is aged under 16.",
    tables=(E,),
    fields=("REC",),
    needs=("Header",),
)
def r389_adult_services_under_16(ctx: Context) -> Iterator[Hit]:
    # As the DfE tool: E7 fails unless the dates show the child was 16 on leaving care.
    yield (
        E,
        with_header(ctx, ctx.t(E)).filter(
            eq("REC", "E7") & ~ok(years_after(pl.col("HDR_DOB"), 16) <= d("DEC"))
        ),
    )


@rule(
    "388",
    message="Reason episode ceased is coded new episode begins, but there is no continuation "
    "episode.",
    tables=(E,),
    fields=("REC",),
)
def r388_x1_without_continuation(ctx: Context) -> Iterator[Hit]:
    eps = ctx.episodes_sorted
    next_start = pl.col("DECOM__date_next")
    has_next = pl.col("same_next") & next_start.is_not_null()
    same_day = ok(d("DEC") == next_start)
    case1 = has_next & eq("REC", "X1") & d("DEC").is_not_null() & ~same_day
    case2 = has_next & present("REC") & ne("REC", "X1") & d("DEC").is_not_null() & same_day
    case3 = ~has_next & d("DEC").is_not_null() & eq("REC", "X1")
    yield E, eps.filter(case1 | case2 | case3)


@row_rule(
    "390",
    table=E,
    message="Reason episode ceased is adopted but child has not been previously placed for "
    "adoption.",
    fields=("PLACE", "REC"),
)
def r390_adopted_not_placed(ctx: Context) -> pl.Expr:
    return is_in("REC", ADOPTED) & not_in("PLACE", ADOPTION_PLACEMENTS)


@rule(
    "392B",
    message="Child is looked after but no postcodes are recorded. [NOTE: This check may result in "
    "false positives for children formerly UASC]",
    tables=(E,),
    fields=("HOME_POST", "PL_POST"),
)
def r392b_no_postcodes(ctx: Context) -> Iterator[Hit]:
    uasc: list[str] = []
    if ctx.has("UASC"):
        uasc += ctx.t("UASC").get_column("CHILD").drop_nulls().to_list()
    if ctx.has_previous("UASC"):
        uasc += ctx.last("UASC").get_column("CHILD").drop_nulls().to_list()
    yield (
        E,
        ctx.t(E).filter(
            ~pl.col("CHILD").is_in(uasc)
            & not_in("LS", RESPITE)
            & (absent("HOME_POST") | absent("PL_POST"))
        ),
    )


@row_rule(
    "398",
    table=E,
    message="Distance field completed but child looked after under legal status V3 or V4.",
    fields=("LS", "HOME_POST", "PL_POST"),
)
def r398_postcodes_for_respite(ctx: Context) -> pl.Expr:
    return is_in("LS", RESPITE) & (present("HOME_POST") | present("PL_POST"))


@row_rule(
    "408",
    table=E,
    message="Child is placed for adoption with a placement order, but no placement order has been "
    "recorded.",
    fields=("PLACE", "LS"),
)
def r408_no_placement_order(ctx: Context) -> pl.Expr:
    return is_in("PLACE", ["A5", "A6"]) & ne("LS", "E1")


@rule(
    "431",
    message="The reason for new episode is started to be looked after, but the previous episode "
    "ended on the same day.",
    tables=(E,),
    fields=("RNE", "DECOM"),
)
def r431_new_period_same_day(ctx: Context) -> Iterator[Hit]:
    yield (
        E,
        ctx.episodes_sorted.filter(
            pl.col("same_prev") & eq("RNE", "S") & ok(d("DECOM") <= pl.col("DEC__date_prev"))
        ),
    )


LEFT_CARE = (
    "E2", "E3", "E4A", "E4B", "E5", "E6", "E7", "E8", "E9", "E11",
    "E12", "E13", "E14", "E15", "E16", "E17", "E41", "E45", "E46", "E47", "E48",
)  # fmt: skip


@rule(
    "432",
    message="The child ceased to be looked after at the end of the previous episode but the reason "
    "for the new episode is not started to be looked after.",
    tables=(E,),
    fields=("RNE",),
)
def r432_after_leaving_care_not_s(ctx: Context) -> Iterator[Hit]:
    yield (
        E,
        ctx.episodes_sorted.filter(
            pl.col("same_prev") & is_in("REC_prev", LEFT_CARE) & ne("RNE", "S")
        ),
    )


@rule(
    "433",
    message="The reason for new episode suggests that this is a continuation episode, but the "
    "episode does not start on the same day as the last episode finished.",
    tables=(E,),
    fields=("RNE", "DECOM"),
)
def r433_continuation_gap(ctx: Context) -> Iterator[Hit]:
    eps = ctx.t(E).sort(["CHILD", "DECOM__date", "DEC__date", ROW], nulls_last=True)
    eps = eps.with_columns(prev_dec=pl.col("DEC").shift(1), prev_child=pl.col("CHILD").shift(1))
    mismatch = ~ok(pl.col("prev_dec") == pl.col("DECOM"))
    yield (
        E,
        eps.filter(
            is_in("RNE", ["P", "L", "T", "U", "B"])
            & mismatch
            & ok(pl.col("prev_child") == pl.col("CHILD"))
        ),
    )


CHANGE_COLUMNS = ("PLACE", "PL_POST", "URN", "PLACE_PROVIDER")


def _same_as_previous(columns: tuple[str, ...]) -> pl.Expr:
    """Every column equals the previous episode's (two blanks count as equal)."""
    return pl.all_horizontal(pl.col(c).eq_missing(pl.col(c + "_prev")) for c in columns)


@rule(
    "434",
    message="Reason for new episode is that child's legal status has changed but not the "
    "placement, but this is not reflected in the episode data.",
    tables=(E,),
    fields=("RNE", "LS", "PLACE", "PL_POST", "URN", "PLACE_PROVIDER"),
)
def r434_legal_status_change(ctx: Context) -> Iterator[Hit]:
    yield (
        E,
        ctx.episodes_sorted.filter(
            pl.col("same_prev")
            & eq("RNE", "L")
            & (pl.col("LS").eq_missing(pl.col("LS_prev")) | ~_same_as_previous(CHANGE_COLUMNS))
        ),
    )


@rule(
    "435",
    message="Reason for new episode is that child’s placement has changed but not the legal "
    "status, but this is not reflected in the episode data recorded.",
    tables=(E,),
    fields=("LS", "PLACE", "PL_POST", "URN", "PLACE_PROVIDER"),
)
def r435_placement_change(ctx: Context) -> Iterator[Hit]:
    yield (
        E,
        ctx.episodes_sorted.filter(
            pl.col("same_prev")
            & is_in("RNE", ["P", "T"])
            & (~pl.col("LS").eq_missing(pl.col("LS_prev")) | _same_as_previous(CHANGE_COLUMNS))
        ),
    )


@rule(
    "436",
    message="Reason for new episode is that both child’s placement and legal status have changed, "
    "but this is not reflected in the episode data.",
    tables=(E,),
    fields=("RNE", "LS", "PLACE", "PL_POST", "URN", "PLACE_PROVIDER"),
)
def r436_both_change(ctx: Context) -> Iterator[Hit]:
    yield (
        E,
        ctx.episodes_sorted.filter(
            pl.col("same_prev")
            & is_in("RNE", ["U", "B"])
            & (pl.col("LS").eq_missing(pl.col("LS_prev")) | _same_as_previous(CHANGE_COLUMNS))
        ),
    )


@rule(
    "437",
    message="Reason episode ceased is child has died or is aged 18 or over but there are further "
    "episodes.",
    tables=(E,),
    fields=("REC",),
)
def r437_episodes_after_death_or_18(ctx: Context) -> Iterator[Hit]:
    yield (
        E,
        ctx.episodes_sorted.filter(
            pl.col("same_next") & is_in("REC", ["E2", "E15"]) & d("DECOM").is_not_null()
        ),
    )


@row_rule(
    "445",
    table=E,
    message="D1 is not a valid code for episodes starting after December 2005.",
    fields=("LS", "DECOM"),
)
def r445_d1_after_2005(ctx: Context) -> pl.Expr:
    return eq("LS", "D1") & ok(d("DECOM") > dt.date(2005, 12, 31))


@row_rule(
    "446",
    table=E,
    message="E1 is not a valid code for episodes starting before December 2005.",
    fields=("LS", "DECOM"),
)
def r446_e1_before_2005(ctx: Context) -> pl.Expr:
    return eq("LS", "E1") & ok(d("DECOM") < dt.date(2005, 12, 1))


@row_rule(
    "451",
    table=E,
    message="Child is still freed for adoption, but freeing orders could not be applied for since "
    "30 December 2005.",
    fields=("DEC", "REC", "LS"),
)
def r451_still_freed(ctx: Context) -> pl.Expr:
    return absent("DEC") & absent("REC") & eq("LS", "D1")


@rule(
    "501",
    message="A new episode has started before the end date of the previous episode.",
    tables=(E,),
    fields=("DECOM", "DEC"),
)
def r501_overlapping_episodes(ctx: Context) -> Iterator[Hit]:
    yield (
        E,
        ctx.episodes_sorted.filter(pl.col("same_prev") & ok(d("DECOM") < pl.col("DEC__date_prev"))),
    )


@rule(
    "504",
    message="The category of need code differs from that reported at start of current period of "
    "being looked after",
    tables=(E,),
    fields=("CIN",),
)
def r504_category_of_need_changed(ctx: Context) -> Iterator[Hit]:
    yield (
        E,
        ctx.episodes_sorted.filter(
            pl.col("same_prev")
            & eq("REC_prev", "X1")
            & ok(pl.col("DEC__date_prev") == d("DECOM"))
            & ~ok(pl.col("CIN") == pl.col("CIN_prev"))
        ),
    )


@row_rule(
    "516",
    table=E,
    message="The episode data submitted for this child does not show that he/she was with their "
    "former foster carer(s) during the year.If the code in the reason episode ceased is E45 or E46 "
    "the child must have a placement code of U1 to U6.",
    fields=("REC", "PLACE"),
)
def r516_sgo_foster_carers(ctx: Context) -> pl.Expr:
    return is_in("REC", ["E45", "E46"]) & not_in("PLACE", ["U1", "U2", "U3", "U4", "U5", "U6"])


@row_rule(
    "526",
    table=E,
    message="Child is missing a placement provider code for at least one episode.",
    fields=("PLACE", "PLACE_PROVIDER"),
)
def r526_provider_missing(ctx: Context) -> pl.Expr:
    return not_in("PLACE", NO_PROVIDER) & absent("PLACE_PROVIDER")


def _provider_place(code: str, provider: str, places: tuple[str, ...], message: str) -> None:
    @row_rule(code, table=E, message=message, fields=("PLACE", "PLACE_PROVIDER"))
    def check(ctx: Context) -> pl.Expr:
        return is_in("PLACE", places) & eq("PLACE_PROVIDER", provider)


_provider_place(
    "527", "PR1", ("P1", "R2", "R5"),
    "A placement provider code of PR1 cannot be associated with placements P1, R2 or R5.",
)  # fmt: skip
_provider_place(
    "528", "PR2", ("P1", "R2", "R5"),
    "A placement provider code of PR2 cannot be associated with placements P1, R2 or R5.",
)  # fmt: skip
_provider_place(
    "529",
    "PR3",
    ("A3", "A4", "A5", "A6", "K1", "K2", "P1", "U1", "U2", "U3", "U4", "U5", "U6"),
    "Placement provider code of PR3 cannot be associated with placements P1, A3 to A6, K1, K2 and "
    "U1 to U6 as these placements cannot be provided by other public organisations.",
)
_provider_place(
    "530",
    "PR4",
    ("P1",),
    "A placement provider code of PR4 cannot be associated with placement P1.",
)
_provider_place(
    "531",
    "PR5",
    ("P1",),
    "A placement provider code of PR5 cannot be associated with placements P1.",
)


@row_rule(
    "550",
    table=E,
    message="A placement provider code of PR0 can only be associated with placement P1.",
    fields=("PLACE", "PLACE_PROVIDER"),
)
def r550_pr0_not_p1(ctx: Context) -> pl.Expr:
    return ne("PLACE", "P1") & eq("PLACE_PROVIDER", "PR0")


@rule(
    "630",
    message="Information on previous permanence option should be returned.",
    tables=(E,),
    fields=("RNE",),
    needs=("PrevPerm",),
)
def r630_previous_permanence_missing(ctx: Context) -> Iterator[Hit]:
    starts = ctx.t(E).filter(eq("RNE", "S") & ok(d("DECOM") >= ctx.start))
    perm = ctx.t("PrevPerm").select("CHILD", "PREV_PERM", "LA_PERM", "DATE_PERM", _p=pl.lit(True))
    merged = starts.join(perm, on="CHILD", how="left")
    not_returned = pl.col("_p").is_null()
    incomplete = ne("PREV_PERM", "Z1") & (absent("LA_PERM") | absent("DATE_PERM"))
    no_option = pl.col("_p").is_not_null() & absent("PREV_PERM")
    yield E, merged.filter(not_returned | incomplete | no_option)


@rule(
    "580",
    message="Child is missing when cease being looked after but reason episode ceased not ‘E8’.",
    tables=(E,),
    fields=("REC",),
    needs=("Missing",),
)
def r580_missing_at_18(ctx: Context) -> Iterator[Hit]:
    missing = ctx.t("Missing").select(
        "CHILD", "MIS_END__date", birthday18=years_after(d("DOB"), 18)
    )
    merged = ctx.t(E).join(missing, on="CHILD")
    yield (
        E,
        merged.filter(
            ok(pl.col("birthday18") == pl.col("MIS_END__date"))
            & ok(pl.col("MIS_END__date") == d("DEC"))
            & ne("REC", "E8")
        ),
    )
