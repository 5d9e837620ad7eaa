"""ChildCharacteristics rules: ethnicity and disabilities."""

from __future__ import annotations

from collections.abc import Iterator

from masa.returns.cin.model import CINChild
from masa.returns.cin.registry import (
    CHILD_CHARACTERISTICS,
    CHILD_IDENTIFIERS,
    CIN_DETAILS,
    Context,
    Finding,
    child_at,
    rule,
)

HERE = child_at(CHILD_CHARACTERISTICS)


@rule(
    "4220",
    message="Ethnicity is missing or invalid (see Ethnicity table)",
    table=CHILD_CHARACTERISTICS,
    fields=("Ethnicity",),
)
def r4220_ethnicity(child: CINChild, ctx: Context) -> Iterator[Finding]:
    if not ctx.codes.valid("Ethnicity", child.ChildCharacteristics.Ethnicity):
        yield Finding(HERE)


@rule(
    "8540",
    message="Child’s disability is missing or invalid (see Disability table)",
    table=CHILD_CHARACTERISTICS,
    fields=("Disability",),
    reads=(CHILD_IDENTIFIERS, CIN_DETAILS),
)
def r8540_disability(child: CINChild, ctx: Context) -> Iterator[Finding]:
    # Only asked of born children with at least one referral that went on to further action.
    if child.ChildIdentifiers.PersonBirthDate is None:
        return
    if not any(ctx.yes(ep.ReferralNFA) is False for ep in child.CINdetails):
        return
    disabilities = child.ChildCharacteristics.Disabilities
    if not disabilities or not all(ctx.codes.valid("Disability", d) for d in disabilities):
        yield Finding(HERE)


@rule(
    "8790",
    message="Disability information includes both None and other values",
    table=CHILD_CHARACTERISTICS,
    fields=("Disability",),
)
def r8790_none_and_other(child: CINChild, ctx: Context) -> Iterator[Finding]:
    disabilities = {d.upper() for d in child.ChildCharacteristics.Disabilities}
    if "NONE" in disabilities and len(disabilities) > 1:
        yield Finding(HERE)


@rule(
    "8794",
    message="Child has two or more disabilities with the same code",
    table=CHILD_CHARACTERISTICS,
    fields=("Disability",),
)
def r8794_duplicate_disability(child: CINChild, ctx: Context) -> Iterator[Finding]:
    disabilities = child.ChildCharacteristics.Disabilities
    if len(set(disabilities)) < len(disabilities):
        yield Finding(HERE)
