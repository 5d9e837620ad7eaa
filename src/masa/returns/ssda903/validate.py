"""Run every rule for the year over a return and collect the findings, in file order."""

from __future__ import annotations

from dataclasses import dataclass, field

from .read import Return903
from .registry import Context, Finding, Rule, rules_for


@dataclass
class Validation:
    findings: list[Finding] = field(default_factory=list)
    ran: list[Rule] = field(default_factory=list)
    skipped: list[Rule] = field(default_factory=list)  # tables (or last year's) not given

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for f in self.findings:
            out[f.code] = out.get(f.code, 0) + 1
        return out

    @property
    def children(self) -> int:
        return len({f.child for f in self.findings if f.child})


def validate(
    data: Return903,
    *,
    previous: Return903 | None = None,
    la_code: str | None = None,
    codes: set[str] | None = None,
) -> Validation:
    """Validate ``data`` with the year's rules (only ``codes`` when given)."""
    ctx = Context(data, previous=previous, la_code=la_code)
    result = Validation()
    for r in rules_for(data.year.year):
        if codes is not None and r.code not in codes:
            continue
        if not r.applies(ctx):
            result.skipped.append(r)
            continue
        result.ran.append(r)
        result.findings.extend(r.run(ctx))
    result.findings.sort()
    return result
