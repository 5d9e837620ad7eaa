"""The SSDA903 (children looked after) return: reading CSV and XML, the DfE validation rules
as small units, and the row-level report.

    from masa.returns.ssda903 import parse_year, read_return, validate, write_report

    year = parse_year("2024/25")
    result = read_return(["903/"], year)          # files or folders; result.errors for the rest
    findings = validate(result.data, la_code="359").findings
    write_report(findings, "report.xlsx")

No database and no models: the import into care records builds on these. ``docs/ssda903-rules.md``
lists what is implemented; ``docs/adr/0016-ssda903-files.md`` explains the choices.
"""

from .read import DEFAULT_MAX_BYTES, ReadError, ReadResult, Return903, read_return
from .registry import Finding, Rule, all_rules, get_rule, rules_for
from .report import write_report
from .validate import Validation, validate
from .years import label, parse_year

__all__ = [
    "DEFAULT_MAX_BYTES",
    "Finding",
    "ReadError",
    "ReadResult",
    "Return903",
    "Rule",
    "Validation",
    "all_rules",
    "get_rule",
    "label",
    "parse_year",
    "read_return",
    "rules_for",
    "validate",
    "write_report",
]
