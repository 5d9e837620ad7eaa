"""Header rules: sex, dates of birth, ethnicity, UPN, motherhood. Messages are the DfE's."""

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
    not_in,
    ok,
    present,
    row_rule,
    rows_of,
    rule,
    with_header,
    years_after,
)

H = "Header"
RESPITE = ("V3", "V4")
# A UPN: a check letter (not I, O or S), then 12 digits or 11 digits and a letter; or an
# "unknown" code UN1 to UN5.
UPN = r"^([A-HJ-NP-RT-Z](\d{12}|\d{11}[A-Z]))$|^UN[1-5]$"


@row_rule("101", table=H, message="Gender code is not valid.", fields=("SEX",))
def r101_sex(ctx: Context) -> pl.Expr:
    return not_in("SEX", ctx.codes(H, "SEX"))


@row_rule("102", table=H, message="Date of birth is not a valid date.", fields=("DOB",))
def r102_dob_date(ctx: Context) -> pl.Expr:
    return d("DOB").is_null()


@row_rule(
    "103",
    table=H,
    message="The ethnicity code is either not valid or has not been entered.",
    fields=("ETHNIC",),
)
def r103_ethnic(ctx: Context) -> pl.Expr:
    return not_in("ETHNIC", ctx.codes(H, "ETHNIC"))


@row_rule(
    "168",
    table=H,
    message="Unique Pupil Number (UPN) is not valid. If unknown, default codes should be UN1, "
    "UN2, UN3, UN4 or UN5.",
    fields=("UPN",),
)
def r168_upn(ctx: Context) -> pl.Expr:
    return present("UPN") & ~pl.col("UPN").str.contains(UPN)


@row_rule(
    "171",
    table=H,
    message="Date of birth of mother's child is not a valid date.",
    fields=("MC_DOB",),
)
def r171_mc_dob_date(ctx: Context) -> pl.Expr:
    return present("MC_DOB") & d("MC_DOB").is_null()


@row_rule(
    "174",
    table=H,
    message="Mother's child date of birth is recorded but gender shows that the child is a male.",
    fields=("SEX", "MC_DOB"),
)
def r174_male_mother(ctx: Context) -> pl.Expr:
    return is_in("SEX", ctx.male) & present("MC_DOB")


@row_rule(
    "209",
    table=H,
    message="Child looked after is of school age and should not have an unknown Unique Pupil "
    "Number (UPN) code of UN1.",
    fields=("UPN", "DOB"),
)
def r209_school_age_un1(ctx: Context) -> pl.Expr:
    # School age: 4 or over on 31 August of the year before the collection year starts.
    cutoff = dt.date(ctx.start.year - 1, 8, 31)
    return eq("UPN", "UN1") & ok(years_after(d("DOB"), 4) <= cutoff)


@rule(
    "210",
    message="Children looked after for more than a week at 31 March should not have an unknown "
    "Unique Pupil Number (UPN) code of UN4.",
    tables=("Episodes", H),
    fields=("UPN", "DECOM"),
)
def r210_un4_in_care_at_year_end(ctx: Context) -> Iterator[Hit]:
    week_before = dt.date(ctx.end.year, 3, 24)
    un4 = ctx.t(H).filter(eq("UPN", "UN4")).select("CHILD", pl.col(ROW).alias("_hrow"))
    failing = ctx.t("Episodes").join(un4, on="CHILD").filter(ok(d("DECOM") >= week_before))
    yield "Episodes", failing
    yield H, rows_of(failing, "_hrow")


@row_rule("301", table=H, message="Date of birth falls after the year ended.", fields=("DOB",))
def r301_born_after_year(ctx: Context) -> pl.Expr:
    return ok(d("DOB") > ctx.end)


@row_rule(
    "351",
    table=H,
    message="Child was over 21 at the start of the current collection year.",
    fields=("DOB",),
)
def r351_over_21(ctx: Context) -> pl.Expr:
    return ok(years_after(d("DOB"), 21) < ctx.start)


@rule(
    "393",
    message="Child is looked after but mother field is not completed.",
    tables=(H,),
    fields=("MOTHER",),
    needs=("Episodes",),
)
def r393_mother_missing(ctx: Context) -> Iterator[Hit]:
    looked_after = ctx.t("Episodes").filter(not_in("LS", RESPITE)).get_column("CHILD")
    yield (
        H,
        ctx.t(H).filter(
            is_in("SEX", ctx.female)
            & pl.col("CHILD").is_in(looked_after.to_list())
            & absent("MOTHER")
        ),
    )


@rule(
    "442",
    message="Unique Pupil Number (UPN) field is not completed.",
    tables=("Episodes", H),
    fields=("UPN",),
)
def r442_upn_missing(ctx: Context) -> Iterator[Hit]:
    header = ctx.t(H).select("CHILD", "UPN", pl.col(ROW).alias("_hrow"))
    failing = (
        ctx.t("Episodes")
        .join(header, on="CHILD", how="left")
        .filter(not_in("LS", RESPITE) & absent("UPN"))
    )
    yield "Episodes", failing
    yield H, rows_of(failing.filter(present("_hrow")), "_hrow")


@row_rule(
    "611",
    table=H,
    message="Date of birth field is blank, but child is a mother.",
    fields=("MOTHER", "MC_DOB"),
)
def r611_mother_without_child_dob(ctx: Context) -> pl.Expr:
    return eq("MOTHER", "1") & absent("MC_DOB")


@row_rule(
    "612",
    table=H,
    message="Date of birth field has been completed but mother field indicates child is not a "
    "mother.",
    fields=("SEX", "MOTHER", "MC_DOB"),
)
def r612_child_dob_not_mother(ctx: Context) -> pl.Expr:
    return ne_or_missing_mother() & is_in("SEX", ctx.female) & present("MC_DOB")


def ne_or_missing_mother() -> pl.Expr:
    return eq("MOTHER", "0") | absent("MOTHER")


@row_rule(
    "620",
    table=H,
    message="Child has been recorded as a mother, but date of birth shows that the mother is "
    "under 11 years of age.",
    fields=("DOB", "MOTHER"),
)
def r620_mother_under_11(ctx: Context) -> pl.Expr:
    return eq("MOTHER", "1") & ok(years_after(d("DOB"), 11) > ctx.start)


@row_rule(
    "621",
    table=H,
    message="Mother’s field has been completed but date of birth shows that the mother is "
    "younger than her child.",
    fields=("DOB", "MC_DOB"),
)
def r621_mother_younger_than_child(ctx: Context) -> pl.Expr:
    return d("MC_DOB").is_not_null() & ~ok(d("MC_DOB") > d("DOB"))


@rule(
    "625",
    message="Date of birth of the first child is beyond the end of this reporting year or the date "
    "the child ceased to be looked after.",
    tables=(H, "Episodes"),
    fields=("MC_DOB", "DEC"),
)
def r625_child_born_after(ctx: Context) -> Iterator[Hit]:
    latest = (
        ctx.t("Episodes")
        .filter(d("DEC").is_not_null())
        .sort(["CHILD", "DEC__date", ROW], descending=[False, True, False])
        .unique("CHILD", keep="first", maintain_order=True)
        .select("CHILD", "DEC__date", pl.col(ROW).alias("_erow"))
    )
    failing = (
        ctx.t(H)
        .join(latest, on="CHILD")
        .filter(ok(d("MC_DOB") > ctx.end) | ok(d("MC_DOB") > pl.col("DEC__date")))
    )
    yield H, failing
    yield "Episodes", rows_of(failing, "_erow")


@rule(
    "607",
    message="Child ceased to be looked after in the year, but mother field has not been completed.",
    tables=("Episodes", H),
    fields=("DEC", "REC", "MOTHER", "LS", "SEX"),
)
def r607_left_care_mother_missing(ctx: Context) -> Iterator[Hit]:
    header = ctx.t(H).select("CHILD", "SEX", "MOTHER", pl.col(ROW).alias("_hrow"))
    failing = (
        ctx.t("Episodes")
        .join(header, on="CHILD", how="left")
        .filter(
            present("DEC")
            & ok(pl.col("REC") != "X1")
            & not_in("LS", RESPITE)
            & ok(d("DEC") >= ctx.start)
            & ok(d("DEC") <= ctx.end)
            & is_in("SEX", ctx.female)
            & absent("MOTHER")
        )
    )
    yield "Episodes", failing
    yield H, rows_of(failing, "_hrow")


@rule(
    "628",
    message="Motherhood details are not required for care leavers who have not been looked after "
    "during the year.",
    tables=(H,),
    fields=("MOTHER",),
    needs=("Episodes", "OC3"),
)
def r628_mother_for_care_leaver(ctx: Context) -> Iterator[Hit]:
    in_episodes = ctx.t("Episodes").get_column("CHILD").drop_nulls().to_list()
    care_leavers = (
        ctx.t("OC3")
        .filter(present("IN_TOUCH") | present("ACTIV") | present("ACCOM"))
        .get_column("CHILD")
        .to_list()
    )
    yield (
        H,
        ctx.t(H).filter(
            ~pl.col("CHILD").is_in(in_episodes)
            & pl.col("CHILD").is_in(care_leavers)
            & present("MOTHER")
        ),
    )


@rule(
    "165",
    message="Data entry for mother status is invalid.",
    tables=(H, "OC3"),
    fields=("MOTHER", "SEX", "ACTIV", "ACCOM", "IN_TOUCH", "DECOM"),
    needs=("Episodes",),
)
def r165_mother_status(ctx: Context) -> Iterator[Hit]:
    eps = ctx.t("Episodes").filter(not_in("LS", RESPITE))
    in_year = ok(pl.coalesce(d("DEC"), pl.lit(ctx.end)) >= ctx.start) & ok(d("DECOM") <= ctx.end)
    counts = eps.group_by("CHILD").agg(in_year=in_year.any())
    header = ctx.t(H).select("CHILD", "SEX", "MOTHER", pl.col(ROW).alias("_hrow"))
    oc3 = ctx.t("OC3").select("CHILD", "IN_TOUCH", "ACTIV", "ACCOM", pl.col(ROW).alias("_orow"))
    merged = counts.join(header, on="CHILD", how="left").join(oc3, on="CHILD", how="left")
    mother = present("MOTHER")
    female = is_in("SEX", ctx.female)
    has_oc3 = present("ACTIV") | present("ACCOM") | present("IN_TOUCH")
    failing = merged.filter(
        (mother & not_in("MOTHER", ["0", "1"]))
        | (mother & is_in("SEX", ctx.male))
        | (~mother & female & pl.col("in_year"))
        | (mother & female & ~pl.col("in_year") & has_oc3)
    )
    yield H, rows_of(failing.filter(present("_hrow")), "_hrow")
    yield "OC3", rows_of(failing.filter(present("_orow")), "_orow")


@rule(
    "358",
    message="Child with this legal status should not be under 10.",
    tables=("Episodes", H),
    fields=("DECOM", "DOB", "LS"),
)
def r358_youth_justice_under_10(ctx: Context) -> Iterator[Hit]:
    failing = with_header(ctx, ctx.t("Episodes")).filter(
        is_in("LS", ["J1", "J2", "J3"]) & ok(years_after(pl.col("HDR_DOB"), 10) >= d("DECOM"))
    )
    yield "Episodes", failing
    yield H, rows_of(failing, "_hrow")


@rule(
    "407",
    message="Reason episode ceased is Special Guardianship Order, but child has reached age 18.",
    tables=("Episodes", H),
    fields=("DEC", "DOB", "REC"),
)
def r407_sgo_over_18(ctx: Context) -> Iterator[Hit]:
    failing = with_header(ctx, ctx.t("Episodes")).filter(
        is_in("REC", ["E45", "E46", "E47", "E48"])
        & ok(years_after(pl.col("HDR_DOB"), 18) < d("DEC"))
    )
    yield "Episodes", failing
    yield H, rows_of(failing, "_hrow")
