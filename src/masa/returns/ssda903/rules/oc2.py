"""OC2 rules: children looked after continuously for 12 months (SDQ, health, convictions,
substance misuse). "Continuously looked after" is ``Context.continuously_looked_after``.
Messages are the DfE's."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import polars as pl

from masa.returns.ssda903.read import ROW
from masa.returns.ssda903.registry import (
    Context,
    Hit,
    absent,
    d,
    eq,
    not_in,
    ok,
    present,
    row_rule,
    rows_of,
    rule,
    years_after,
)

OC2 = "OC2"
ITEMS_12_MONTHS = (
    "CONVICTED",
    "HEALTH_CHECK",
    "IMMUNISATIONS",
    "TEETH_CHECK",
    "HEALTH_ASSESSMENT",
    "SUBSTANCE_MISUSE",
    "INTERVENTION_RECEIVED",
    "INTERVENTION_OFFERED",
)
CORE_HEALTH = ("IMMUNISATIONS", "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE")


def any_present(columns: tuple[str, ...]) -> pl.Expr:
    return pl.any_horizontal(present(c) for c in columns)


def any_absent(columns: tuple[str, ...]) -> pl.Expr:
    return pl.any_horizontal(absent(c) for c in columns)


def _cla_rule(
    code: str, message: str, fields: tuple[str, ...], fails: Callable[[Context], pl.Expr]
) -> None:
    """An OC2 rule that needs to know whether the child was continuously looked after."""

    @rule(code, message=message, tables=(OC2,), fields=fields, needs=("Episodes",))
    def check(ctx: Context) -> Iterator[Hit]:
        yield OC2, ctx.with_cla(ctx.t(OC2)).filter(fails(ctx).fill_null(False))


CLA = pl.col("CLA")

_cla_rule(
    "157",
    "Child is aged 4 years or over at the beginning of the year or 16 years or under at the end of "
    "the year and Strengths and Difficulties Questionnaire (SDQ) 1 has been recorded as the reason "
    "for no Strengths and Difficulties Questionnaire (SDQ) score.",
    ("SDQ_REASON", "DOB"),
    lambda ctx: (
        CLA
        & ok(years_after(d("DOB"), 4) <= ctx.start)
        & ok(years_after(d("DOB"), 16) >= ctx.end)
        & absent("SDQ_SCORE")
        & eq("SDQ_REASON", "SDQ1")
    ),
)
_cla_rule(
    "185",
    "Child has not been looked after continuously for at least 12 months at 31 March but a "
    "Strengths and Difficulties (SDQ) score has been completed.",
    ("SDQ_SCORE",),
    lambda ctx: present("SDQ_SCORE") & ~CLA,
)
_cla_rule(
    "186",
    "Children aged 4 or over at the start of the year and children aged under 17 at the end of the "
    "year and who have been looked after for at least 12 months continuously should have a "
    "Strengths and Difficulties (SDQ) score completed.",
    ("SDQ_SCORE",),
    lambda ctx: (
        ok(years_after(d("DOB"), 4) <= ctx.start)
        & ok(years_after(d("DOB"), 17) > ctx.end)
        & CLA
        & absent("SDQ_SCORE")
    ),
)
_cla_rule(
    "190",
    "Child has not been looked after continuously for at least 12 months at 31 March but one or "
    "more data items relating to children looked after for 12 months have been completed.",
    ITEMS_12_MONTHS,
    lambda ctx: ~CLA & any_present(ITEMS_12_MONTHS),
)
_cla_rule(
    "191",
    "Child has been looked after continuously for at least 12 months at 31 March but one or more "
    "data items relating to children looked after for 12 months have been left blank.",
    CORE_HEALTH,
    lambda ctx: CLA & any_absent(CORE_HEALTH),
)
_cla_rule(
    "197B",
    "SDQ score or reason for no SDQ should be reported for 4- or 17-year-olds.",
    ("SDQ_REASON", "DOB"),
    lambda ctx: (
        (ok(years_after(d("DOB"), 4) == ctx.start) | ok(years_after(d("DOB"), 17) == ctx.start))
        & CLA
        & absent("SDQ_SCORE")
        & absent("SDQ_REASON")
    ),
)
_cla_rule(
    "198",
    "Child has not been looked after continuously for at least 12 months at 31 March but a reason "
    "for no Strengths and Difficulties (SDQ) score has been completed. ",
    ("SDQ_REASON",),
    lambda ctx: present("SDQ_REASON") & ~CLA,
)
_cla_rule(
    "543",
    "Child is aged 10 or over at 31 March and has been looked after continuously for 12 months yet "
    "conviction information has not been completed.",
    ("DOB", "CONVICTED"),
    lambda ctx: ok(years_after(d("DOB"), 10) < ctx.end) & CLA & absent("CONVICTED"),
)
_cla_rule(
    "545",
    "Child is aged under 5 at 31 March and has been looked after continuously for 12 months yet "
    "health promotion information has not been completed.",
    ("DOB", "HEALTH_CHECK"),
    lambda ctx: ok(years_after(d("DOB"), 5) > ctx.end) & CLA & absent("HEALTH_CHECK"),
)
_cla_rule(
    "546",
    "Children aged 5 or over at 31 March should not have health promotion information completed.",
    ("DOB", "HEALTH_CHECK"),
    lambda ctx: ok(years_after(d("DOB"), 5) <= ctx.end) & CLA & present("HEALTH_CHECK"),
)


@row_rule(
    "180",
    table=OC2,
    message="Data entry for the strengths and difficulties questionnaire (SDQ) score is invalid.",
    fields=("SDQ_SCORE",),
)
def r180_sdq_score(ctx: Context) -> pl.Expr:
    # As a number, as the DfE tool reads it: "05" and "5.0" are 5.
    score = pl.col("SDQ_SCORE").cast(pl.Float64, strict=False)
    whole = ok((score >= 0) & (score <= 40) & (score == score.round(0)))
    return present("SDQ_SCORE") & ~whole


@row_rule(
    "181",
    table=OC2,
    message="Data items relating to children looked after continuously for 12 months should be "
    "completed with a 0 or 1.",
    fields=ITEMS_12_MONTHS,
)
def r181_zero_or_one(ctx: Context) -> pl.Expr:
    return pl.any_horizontal(present(c) & not_in(c, ["0", "1"]) for c in ITEMS_12_MONTHS)


@row_rule(
    "182",
    table=OC2,
    message="Data entries on immunisations, teeth checks, health assessments and substance misuse "
    "problem identified should be completed or all OC2 fields should be left blank.",
    fields=(
        *CORE_HEALTH,
        "CONVICTED",
        "HEALTH_CHECK",
        "INTERVENTION_RECEIVED",
        "INTERVENTION_OFFERED",
    ),
)
def r182_core_health_incomplete(ctx: Context) -> pl.Expr:
    others = ("CONVICTED", "HEALTH_CHECK", "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED")
    return any_absent(CORE_HEALTH) & any_present(others)


@row_rule(
    "188",
    table=OC2,
    message="Child is aged under 4 years at the end of the year, but a Strengths and Difficulties "
    "(SDQ) score or a reason for no SDQ score has been completed. ",
    fields=("SDQ_SCORE", "SDQ_REASON"),
)
def r188_sdq_under_4(ctx: Context) -> pl.Expr:
    return ok(years_after(d("DOB"), 4) > ctx.end) & (present("SDQ_SCORE") | present("SDQ_REASON"))


@row_rule(
    "189",
    table=OC2,
    message="Child is aged 17 years or over at the beginning of the year, but an Strengths and "
    "Difficulties (SDQ) score or a reason for no Strengths and Difficulties (SDQ) score has been "
    "completed.",
    fields=("DOB", "SDQ_SCORE", "SDQ_REASON"),
)
def r189_sdq_over_17(ctx: Context) -> pl.Expr:
    return ok(years_after(d("DOB"), 17) <= ctx.start) & (
        present("SDQ_REASON") | present("SDQ_SCORE")
    )


@row_rule(
    "192",
    table=OC2,
    message="Child has been identified as having a substance misuse problem but the additional "
    "item on whether an intervention was received has been left blank.",
    fields=("SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED"),
)
def r192_intervention_received_blank(ctx: Context) -> pl.Expr:
    return eq("SUBSTANCE_MISUSE", "1") & absent("INTERVENTION_RECEIVED")


@row_rule(
    "193",
    table=OC2,
    message="Child not identified as having a substance misuse problem but at least one of the two "
    "additional items on whether an intervention were offered and received have been completed.",
    fields=("SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED"),
)
def r193_intervention_without_misuse(ctx: Context) -> pl.Expr:
    no_misuse = absent("SUBSTANCE_MISUSE") | eq("SUBSTANCE_MISUSE", "0")
    return no_misuse & (present("INTERVENTION_RECEIVED") | present("INTERVENTION_OFFERED"))


@row_rule(
    "196",
    table=OC2,
    message="Strengths and Difficulties (SDQ) reason is not a valid code.",
    fields=("SDQ_REASON",),
)
def r196_sdq_reason(ctx: Context) -> pl.Expr:
    return present("SDQ_REASON") & not_in("SDQ_REASON", ctx.codes(OC2, "SDQ_REASON"))


@row_rule(
    "197a",
    table=OC2,
    message="Reason for no Strengths and Difficulties (SDQ) score is not required if Strengths and "
    "Difficulties Questionnaire score is filled in.",
    fields=("SDQ_SCORE", "SDQ_REASON"),
)
def r197a_reason_and_score(ctx: Context) -> pl.Expr:
    return present("SDQ_SCORE") & present("SDQ_REASON")


@row_rule(
    "158",
    table=OC2,
    message="If a child has been recorded as receiving an intervention for their substance misuse "
    "problem, then the additional item on whether an intervention was offered should be left "
    "blank.",
    fields=("INTERVENTION_RECEIVED", "INTERVENTION_OFFERED"),
)
def r158_offered_after_received(ctx: Context) -> pl.Expr:
    return eq("INTERVENTION_RECEIVED", "1") & present("INTERVENTION_OFFERED")


@row_rule(
    "159",
    table=OC2,
    message="If a child has been recorded as not receiving an intervention for their substance "
    "misuse problem, then the additional item on whether an intervention was offered should be "
    "completed as well.",
    fields=("SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED"),
)
def r159_offered_blank(ctx: Context) -> pl.Expr:
    return (
        eq("SUBSTANCE_MISUSE", "1")
        & eq("INTERVENTION_RECEIVED", "0")
        & absent("INTERVENTION_OFFERED")
    )


@row_rule(
    "542",
    table=OC2,
    message="A child aged under 10 at 31 March should not have conviction information completed.",
    fields=("CONVICTED",),
)
def r542_conviction_under_10(ctx: Context) -> pl.Expr:
    return ok(years_after(d("DOB"), 10) > ctx.end) & present("CONVICTED")


@row_rule(
    "544",
    table=OC2,
    message="Any child who has conviction information completed must also have immunisation, teeth "
    "check, health assessment and substance misuse problem identified fields completed.",
    fields=("CONVICTED", *CORE_HEALTH),
)
def r544_convicted_health_blank(ctx: Context) -> pl.Expr:
    return eq("CONVICTED", "1") & any_absent(CORE_HEALTH)


@row_rule(
    "547",
    table=OC2,
    message="Any child who has health promotion information completed must also have immunisation, "
    "teeth check, health assessment and substance misuse problem identified fields completed.",
    fields=("HEALTH_CHECK", *CORE_HEALTH),
)
def r547_health_check_health_blank(ctx: Context) -> pl.Expr:
    return eq("HEALTH_CHECK", "1") & any_absent(CORE_HEALTH)


@rule(
    "187",
    message="Child cannot be looked after continuously for 12 months at 31 March (OC2) and have "
    "any of adoption or care leavers returns completed.",
    tables=("AD1", "OC3"),
    fields=(
        "DATE_INT",
        "DATE_MATCH",
        "FOSTER_CARE",
        "NB_ADOPTR",
        "SEX_ADOPTR",
        "LS_ADOPTR",
        "IN_TOUCH",
        "ACTIV",
        "ACCOM",
    ),
    needs=("Episodes",),
)
def r187_cla_with_adoption_or_care_leaver(ctx: Context) -> Iterator[Hit]:
    adoption = ("DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR")
    yield (
        "OC3",
        ctx.with_cla(ctx.t("OC3")).filter(CLA & any_present(("IN_TOUCH", "ACTIV", "ACCOM"))),
    )
    yield "AD1", ctx.with_cla(ctx.t("AD1")).filter(CLA & any_present(adoption))


@rule(
    "215",
    message="Child has care leaver information but one or more data items relating to children "
    "looked after for 12 months have been completed.",
    tables=("OC3", OC2),
    fields=("IN_TOUCH", "ACTIV", "ACCOM", *ITEMS_12_MONTHS),
)
def r215_care_leaver_with_oc2(ctx: Context) -> Iterator[Hit]:
    oc2 = ctx.t(OC2).select("CHILD", *ITEMS_12_MONTHS, pl.col(ROW).alias("_orow"))
    merged = ctx.t("OC3").join(oc2, on="CHILD", how="left")
    failing = merged.filter(
        any_present(("IN_TOUCH", "ACTIV", "ACCOM")) & any_present(ITEMS_12_MONTHS)
    )
    yield "OC3", failing
    yield OC2, rows_of(failing, "_orow")
