"""The registry: one unit per code, each with the DfE message, tables, fields and years; the docs
list every implemented rule; a synthetic return validates quickly and cleanly."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from masa.returns.cin.years import CollectionYear
from masa.returns.ssda903 import all_rules, read_return, rules_for, validate
from masa.returns.ssda903.registry import DFE, TABLE_ORDER, rule
from masa.returns.ssda903.synthetic import synthetic_return, write_csv_files

DOCS = Path(__file__).resolve().parents[3] / "docs" / "ssda903-rules.md"


def test_every_rule_has_a_message_tables_and_years() -> None:
    for r in all_rules():
        assert r.message.strip(), r.code
        assert r.years, r.code
        assert set(r.tables) <= set(TABLE_ORDER), r.code
        if r.origin == DFE:
            assert r.fields, r.code


def test_at_least_the_hundred_most_failed_kinds_of_rule_are_there() -> None:
    assert sum(r.origin == DFE for r in rules_for(2025)) >= 200


def test_registering_a_code_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="903 rule 101 is registered twice"):
        rule("101", message="again", tables=("Header",), fields=("SEX",))(lambda ctx: [])


def test_the_docs_list_every_implemented_rule_with_its_message() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for r in all_rules():
        line = re.search(rf"^\| {re.escape(r.code)} \| (.+?) \|", text, re.MULTILINE)
        assert line, f"{r.code} is not in docs/ssda903-rules.md"
        assert line.group(1) == r.message.strip().replace("|", "\\|"), r.code


@pytest.mark.parametrize("year", [2019, 2024, 2025, 2026])
def test_a_synthetic_return_is_clean_and_quick(tmp_path: Path, year: int) -> None:
    write_csv_files(synthetic_return(500, year), tmp_path, year)
    started = time.perf_counter()
    result = read_return([tmp_path], CollectionYear(year))
    findings = validate(result.data, la_code="359").findings
    assert result.errors == []
    assert findings == []
    assert time.perf_counter() - started < 5
