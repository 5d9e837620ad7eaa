"""ChildIdentifiers rules: LA child ID, UPN, dates of birth and death, sex."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from masa.returns.cin.model import CINChild
from masa.returns.cin.registry import (
    CHILD_IDENTIFIERS,
    CIN_DETAILS,
    Context,
    Finding,
    child_at,
    rule,
)

from ._dates import years_after, years_before

HERE = child_at(CHILD_IDENTIFIERS)
# UPN check letters: the remainder 0-22 maps to A-Z without I, O and S. A letter in position
# 13 (a temporary UPN) takes the value of its place in the same list.
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
DIGITS = "0123456789"
FORMER_UPN = re.compile(r"[A-Za-z][0-9]{11}[0-9A-Za-z]")
LA_CHILD_ID = re.compile(r"[A-Za-z0-9]+")


def _upn(child: CINChild) -> str | None:
    upn = child.ChildIdentifiers.UPN
    return upn.strip() if upn and upn.strip() else None


@rule("8500", message="LA Child ID missing", table=CHILD_IDENTIFIERS, fields=("LAchildID",))
def r8500_la_child_id_missing(child: CINChild, ctx: Context) -> Iterator[Finding]:
    if not (child.ChildIdentifiers.LAchildID or "").strip():
        yield Finding(HERE)


@rule(
    "1570",
    message="LA Child ID must not be longer than 20 characters",
    table=CHILD_IDENTIFIERS,
    fields=("LAchildID",),
    since=2025,
)
def r1570_la_child_id_too_long(child: CINChild, ctx: Context) -> Iterator[Finding]:
    if len(child.ChildIdentifiers.LAchildID or "") > 20:
        yield Finding(HERE)


@rule(
    "1580",
    message="LA Child ID must not contain any non-alphanumeric characters",
    table=CHILD_IDENTIFIERS,
    fields=("LAchildID",),
    since=2025,
)
def r1580_la_child_id_characters(child: CINChild, ctx: Context) -> Iterator[Finding]:
    la_child_id = child.ChildIdentifiers.LAchildID
    if la_child_id and not LA_CHILD_ID.fullmatch(la_child_id):
        yield Finding(HERE)


def upn_check_letter(upn: str) -> str | None:
    """The check letter a 13-character UPN should start with, or None if it cannot be worked out."""
    if len(upn) != 13 or not all(c in DIGITS for c in upn[1:12]):
        return None
    last = upn[12].upper()
    last_value = int(last) if last in DIGITS else UPN_LETTERS.find(last)
    if last_value < 0:
        return None
    total = sum(int(c) * weight for weight, c in enumerate(upn[1:12], start=2))
    total += last_value * 13
    return UPN_LETTERS[total % 23]


@rule(
    "1510",
    message="UPN invalid (wrong check letter at character 1)",
    table=CHILD_IDENTIFIERS,
    fields=("UPN",),
)
def r1510_upn_check_letter(child: CINChild, ctx: Context) -> Iterator[Finding]:
    upn = _upn(child)
    if upn is None:
        return
    expected = upn_check_letter(upn)
    if expected is not None and upn[0].upper() != expected:
        yield Finding(HERE)


@rule(
    "1530",
    message="UPN invalid (characters 2-4 not a recognised LA code)",
    table=CHILD_IDENTIFIERS,
    fields=("UPN",),
)
def r1530_upn_la_code(child: CINChild, ctx: Context) -> Iterator[Finding]:
    upn = _upn(child)
    if upn is not None and upn[1:4] not in ctx.codes.upn_la_codes:
        yield Finding(HERE)


@rule(
    "1540",
    message="UPN invalid (characters 5-12 not all numeric)",
    table=CHILD_IDENTIFIERS,
    fields=("UPN",),
)
def r1540_upn_numeric(child: CINChild, ctx: Context) -> Iterator[Finding]:
    upn = _upn(child)
    if upn is not None and not (len(upn) >= 12 and all(c in DIGITS for c in upn[4:12])):
        yield Finding(HERE)


@rule(
    "1550",
    message="UPN invalid (character 13 not a recognised value)",
    table=CHILD_IDENTIFIERS,
    fields=("UPN",),
)
def r1550_upn_last_character(child: CINChild, ctx: Context) -> Iterator[Finding]:
    upn = _upn(child)
    if upn is not None and (len(upn) < 13 or upn[12].upper() not in DIGITS + UPN_LETTERS):
        yield Finding(HERE)


@rule(
    "1560Q",
    message="Please check: Former UPN wrongly formatted",
    table=CHILD_IDENTIFIERS,
    fields=("FormerUPN",),
)
def r1560q_former_upn_format(child: CINChild, ctx: Context) -> Iterator[Finding]:
    former = child.ChildIdentifiers.FormerUPN
    if former and not FORMER_UPN.fullmatch(former.strip()):
        yield Finding(HERE)


@rule(
    "8520",
    message=(
        "Date of Birth is after data collection period (must be on or before the end of the "
        "census period)"
    ),
    table=CHILD_IDENTIFIERS,
    fields=("PersonBirthDate",),
)
def r8520_birth_after_period(child: CINChild, ctx: Context) -> Iterator[Finding]:
    born = child.ChildIdentifiers.PersonBirthDate
    if born is not None and born > ctx.reference_date:
        yield Finding(HERE)


@rule(
    "8525",
    message="Either Date of Birth or Expected Date of Birth must be provided (but not both)",
    table=CHILD_IDENTIFIERS,
    fields=("PersonBirthDate", "ExpectedPersonBirthDate"),
)
def r8525_birth_or_expected_birth(child: CINChild, ctx: Context) -> Iterator[Finding]:
    ids = child.ChildIdentifiers
    if (ids.PersonBirthDate is None) == (ids.ExpectedPersonBirthDate is None):
        yield Finding(HERE)


@rule(
    "8530Q",
    message=(
        "Please check: Expected Date of Birth is outside the expected range for this census "
        "(March to December of the Census Year end)"
    ),
    table=CHILD_IDENTIFIERS,
    fields=("ExpectedPersonBirthDate",),
    census_only=True,
)
def r8530q_expected_birth_range(child: CINChild, ctx: Context) -> Iterator[Finding]:
    expected = child.ChildIdentifiers.ExpectedPersonBirthDate
    if expected is None:
        return
    earliest = ctx.reference_date - dt.timedelta(days=30)
    latest = dt.date(ctx.reference_date.year, 12, 31)  # reference date plus 9 months
    if not earliest <= expected <= latest:
        yield Finding(HERE)


@rule(
    "8535Q",
    message="Please check: Child’s date of death should not be prior to the date of birth",
    table=CHILD_IDENTIFIERS,
    fields=("PersonDeathDate", "PersonBirthDate"),
)
def r8535q_death_before_birth(child: CINChild, ctx: Context) -> Iterator[Finding]:
    ids = child.ChildIdentifiers
    died = ids.PersonDeathDate
    if died is None:
        return
    if ids.PersonBirthDate is None:
        # An unborn child who died before the expected date (a stillbirth) has no birth date.
        expected = ids.ExpectedPersonBirthDate
        if expected is None or expected <= died:
            yield Finding(HERE)
    elif died < ids.PersonBirthDate:
        yield Finding(HERE)


@rule(
    "8545Q",
    message="Please check: Child's date of death should be within the census year",
    table=CHILD_IDENTIFIERS,
    fields=("PersonDeathDate",),
    census_only=True,
)
def r8545q_death_in_year(child: CINChild, ctx: Context) -> Iterator[Finding]:
    died = child.ChildIdentifiers.PersonDeathDate
    if died is not None and died not in ctx.year:
        yield Finding(HERE)


@rule(
    "4180",
    message="Sex must be provided and equal M, F, or U",
    messages={2023: "Gender is missing", 2024: "Gender is missing"},
    table=CHILD_IDENTIFIERS,
    fields=("Sex",),
)
def r4180_sex_missing_or_invalid(child: CINChild, ctx: Context) -> Iterator[Finding]:
    element = ctx.codes.sex_element
    if not ctx.codes.valid(element, getattr(child.ChildIdentifiers, element)):
        yield Finding(HERE, fields=(element,))


@rule(
    "8750",
    message="Sex must equal U for an unborn child",
    messages={
        2023: "Gender must equal 0 for an unborn child",
        2024: "Gender must equal 0 for an unborn child",
    },
    table=CHILD_IDENTIFIERS,
    fields=("Sex", "PersonBirthDate", "ExpectedPersonBirthDate"),
)
def r8750_unborn_sex(child: CINChild, ctx: Context) -> Iterator[Finding]:
    ids = child.ChildIdentifiers
    element = ctx.codes.sex_element
    unborn = ids.PersonBirthDate is None and ids.ExpectedPersonBirthDate is not None
    if unborn and getattr(ids, element) != ctx.codes.unborn_sex_code:
        yield Finding(HERE, fields=(element, "PersonBirthDate", "ExpectedPersonBirthDate"))


@rule(
    "8770Q",
    message=(
        "Please check and either amend data or provide a reason: UPN is missing or reason UPN "
        "is missing or is UN1 for a child who is of school age."
    ),
    table=CHILD_IDENTIFIERS,
    fields=("UPN", "UPNunknown"),
    reads=(CIN_DETAILS,),
    since=2025,
)
def r8770q_school_age_without_upn(child: CINChild, ctx: Context) -> Iterator[Finding]:
    ids = child.ChildIdentifiers
    born = ids.PersonBirthDate
    further_action = any(ctx.yes(ep.ReferralNFA) is False for ep in child.CINdetails)
    if born is None or not further_action or _upn(child) is not None:
        return
    # School age: starts reception by the September after the census year, i.e. was 4 by the
    # 31 August after the reference date.
    if born <= dt.date(ctx.reference_date.year - 4, 8, 31) and ids.UPNunknown not in {
        "UN2",
        "UN3",
        "UN4",
        "UN5",
        "UN6",
        "UN7",
    }:
        yield Finding(HERE)


@rule(
    "8772",
    message=(
        "UPN unknown reason is UN7 (Referral with no further action) but at least one CIN "
        "details is a referral going on to further action"
    ),
    table=CHILD_IDENTIFIERS,
    fields=("UPNunknown", "ReferralNFA"),
    reads=(CIN_DETAILS,),
)
def r8772_un7_with_further_action(child: CINChild, ctx: Context) -> Iterator[Finding]:
    if child.ChildIdentifiers.UPNunknown != "UN7":
        return
    if any(ctx.yes(ep.ReferralNFA) is not True for ep in child.CINdetails):
        yield Finding(HERE)


@rule(
    "8775Q",
    message="Please check: Child is over 25 years old",
    table=CHILD_IDENTIFIERS,
    fields=("PersonBirthDate", "CINclosureDate"),
    reads=(CIN_DETAILS,),
)
def r8775q_over_25(child: CINChild, ctx: Context) -> Iterator[Finding]:
    born = child.ChildIdentifiers.PersonBirthDate
    if born is None or born >= years_before(ctx.reference_date, 25):
        return
    turned_25 = years_after(born, 25)
    if any(ep.CINclosureDate is None or ep.CINclosureDate > turned_25 for ep in child.CINdetails):
        yield Finding(HERE)


@rule(
    "8590",
    message="Child does not have a recorded CIN episode.",
    table=CHILD_IDENTIFIERS,
    fields=("LAchildID",),
    reads=(CIN_DETAILS,),
    census_only=True,
)
def r8590_no_cin_episode(child: CINChild, ctx: Context) -> Iterator[Finding]:
    if not child.CINdetails:
        yield Finding(HERE)
