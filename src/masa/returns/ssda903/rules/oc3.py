"""OC3 rules: care leavers' contact, activity and accommodation. Messages are the DfE's."""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl

from masa.returns.ssda903.read import ROW
from masa.returns.ssda903.registry import (
    Context,
    Hit,
    d,
    is_in,
    ok,
    present,
    row_rule,
    rows_of,
    rule,
    with_header,
    years_after,
)

OC3 = "OC3"
ITEMS = ("IN_TOUCH", "ACTIV", "ACCOM")
AD1_ITEMS = ("DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR")


def any_item() -> pl.Expr:
    return pl.any_horizontal(present(c) for c in ITEMS)


def _code_rule(code: str, column: str, message: str) -> None:
    @row_rule(code, table=OC3, message=message, fields=(column,))
    def check(ctx: Context) -> pl.Expr:
        return present(column) & ~is_in(column, ctx.codes(OC3, column))


_code_rule("131", "IN_TOUCH", "Data entry for being in touch after leaving care is invalid.")
_code_rule("132", "ACTIV", "Data entry for activity after leaving care is invalid.")
_code_rule(
    "133",
    "ACCOM",
    "Data entry for accommodation after leaving care is invalid. If reporting on a childs "
    "accommodation after leaving care the data entry must be valid",
)


@row_rule(
    "153",
    table=OC3,
    message="All data items relating to a child's activity or accommodation after leaving care "
    "must be coded or left blank.",
    fields=ITEMS,
)
def r153_all_or_none(ctx: Context) -> pl.Expr:
    given = [present(c) for c in ITEMS]
    return pl.any_horizontal(given) & ~pl.all_horizontal(given)


@row_rule(
    "344",
    table=OC3,
    message="The record shows the young person has died or returned home to live with parent(s) "
    "or someone with parental responsibility for a continuous period of 6 months or more, but "
    "activity and/or accommodation on leaving care have been completed.",
    fields=ITEMS,
)
def r344_died_or_home_with_activity(ctx: Context) -> pl.Expr:
    return is_in("IN_TOUCH", ["DIED", "RHOM"]) & (present("ACTIV") | present("ACCOM"))


@row_rule(
    "345",
    table=OC3,
    message="The data collection record shows the local authority is in touch with this young "
    "person, but activity and/or accommodation data items are zero.",
    fields=ITEMS,
)
def r345_in_touch_without_activity(ctx: Context) -> pl.Expr:
    return is_in("IN_TOUCH", ["YES"]) & (pl.col("ACTIV").is_null() | pl.col("ACCOM").is_null())


@row_rule(
    "391",
    table=OC3,
    message="Young person was not 17, 18, 19, 20 or 21 during the current collection year. ",
    fields=("DOB", *ITEMS),
)
def r391_not_care_leaver_age(ctx: Context) -> pl.Expr:
    return ok(years_after(d("DOB"), 17) > ctx.end) & any_item()


@rule(
    "1000",
    message="This child is recorded as having died in care and therefore should not have the care "
    "leaver information completed. [NOTE: This only tests the current and previous year data "
    "loaded into the tool]",
    tables=(OC3,),
    fields=ITEMS,
    needs=("Episodes",),
)
def r1000_died_in_care(ctx: Context) -> Iterator[Hit]:
    died = ctx.t("Episodes").filter(is_in("REC", ["E2"])).get_column("CHILD").to_list()
    if ctx.has_previous("Episodes"):
        died += ctx.last("Episodes").filter(is_in("REC", ["E2"])).get_column("CHILD").to_list()
    yield OC3, ctx.t(OC3).filter(pl.col("CHILD").is_in(died))


@rule(
    "1007",
    message="Care leaver information is not required for 17- or 18-year olds who are still looked "
    "after.",
    tables=("Episodes", OC3),
    fields=("DEC", "REC", "DOB", *ITEMS),
)
def r1007_still_looked_after(ctx: Context) -> Iterator[Hit]:
    oc3 = ctx.t(OC3).select("CHILD", "DOB__date", *ITEMS, pl.col(ROW).alias("_orow"))
    merged = ctx.t("Episodes").join(oc3, on="CHILD")
    age_17_or_18 = ok(years_after(d("DOB"), 17) <= ctx.end) & ok(
        years_after(d("DOB"), 19) > ctx.end
    )
    open_episode = pl.col("REC").is_null() | pl.col("DEC").is_null()
    failing = merged.filter(age_17_or_18 & open_episode & any_item())
    yield "Episodes", failing
    yield OC3, rows_of(failing, "_orow")


@rule(
    "1011",
    message="This child is recorded as having his/her care transferred to another local authority "
    "for the final episode and therefore should not have the care leaver information completed.",
    tables=(OC3,),
    fields=ITEMS,
    needs=("Episodes",),
)
def r1011_transferred(ctx: Context) -> Iterator[Hit]:
    last = (
        ctx.t("Episodes")
        .filter(d("DECOM").is_not_null())
        .sort(["CHILD", "DECOM__date", ROW], descending=[False, True, False])
        .unique("CHILD", keep="first", maintain_order=True)
        .filter(is_in("REC", ["E3"]))
        .get_column("CHILD")
        .to_list()
    )
    yield OC3, ctx.t(OC3).filter(pl.col("CHILD").is_in(last) & any_item())


@rule(
    "1014",
    message="UASC information is not required for care leavers",
    tables=("UASC", OC3),
    fields=("ACTIV", "ACCOM", "IN_TOUCH", "DUC"),
    needs=("Episodes",),
)
def r1014_uasc_for_care_leaver(ctx: Context) -> Iterator[Hit]:
    decom, dec = d("DECOM"), d("DEC")
    in_year = ok((dec >= ctx.start) & (decom <= ctx.end)) | (ok(decom <= ctx.end) & dec.is_null())
    no_episode_in_year = (
        ctx.t("Episodes")
        .group_by("CHILD")
        .agg(n=in_year.sum())
        .filter(pl.col("n") == 0)
        .get_column("CHILD")
        .to_list()
    )
    oc3 = ctx.t(OC3).filter(any_item())
    failing = set(no_episode_in_year) & set(ctx.t("UASC").get_column("CHILD").to_list())
    failing &= set(oc3.get_column("CHILD").to_list())
    yield "UASC", ctx.t("UASC").filter(pl.col("CHILD").is_in(list(failing)))
    yield OC3, oc3.filter(pl.col("CHILD").is_in(list(failing)))


@rule(
    "3001",
    message="Where care leavers information is being returned for a young person around their 17th "
    "birthday, the accommodation cannot be with their former foster carer(s).",
    tables=(OC3,),
    fields=("REC",),
    needs=("Header",),
)
def r3001_17_with_foster_carers(ctx: Context) -> Iterator[Hit]:
    birthday = years_after(pl.col("HDR_DOB"), 17)
    yield (
        OC3,
        with_header(ctx, ctx.t(OC3)).filter(
            is_in("ACCOM", ["Z1", "Z2"]) & ok(birthday <= ctx.end) & ok(birthday >= ctx.start)
        ),
    )


@rule(
    "134",
    message="Data on adoption should not be entered for the OC3 cohort.",
    tables=("AD1",),
    fields=(*ITEMS, *AD1_ITEMS),
    needs=(OC3,),
)
def r134_adoption_for_care_leaver(ctx: Context) -> Iterator[Hit]:
    care_leavers = ctx.t(OC3).filter(any_item()).get_column("CHILD").to_list()
    yield (
        "AD1",
        ctx.t("AD1").filter(
            pl.col("CHILD").is_in(care_leavers) & pl.any_horizontal(present(c) for c in AD1_ITEMS)
        ),
    )


NOT_FOR_CARE_LEAVERS_ONLY = ("PlacedAdoption", "Missing", "Reviews", "AD1", "PrevPerm", "OC2")


@rule(
    "1012",
    message="No other data should be returned for OC3 children who had no episodes in the current "
    "year",
    tables=NOT_FOR_CARE_LEAVERS_ONLY,
    fields=("CHILD",),
    needs=("Episodes",),
    any_table=True,
)
def r1012_data_without_episodes(ctx: Context) -> Iterator[Hit]:
    if not ctx.has("Episodes"):
        return
    looked_after = ctx.t("Episodes").get_column("CHILD").drop_nulls().to_list()
    for table in NOT_FOR_CARE_LEAVERS_ONLY:
        if ctx.has(table):
            yield table, ctx.t(table).filter(~pl.col("CHILD").is_in(looked_after))
