"""The rule registry: one unit per DfE code, each with a message, a table and its census years."""

from __future__ import annotations

from pathlib import Path

import pytest

from masa.returns.cin import all_rules, available_years, rules_for
from masa.returns.cin.registry import TABLES, Finding, rule

DOCS = Path(__file__).resolve().parents[3] / "docs" / "cin-rules.md"


def test_every_registered_rule_has_a_unique_code_a_message_and_at_least_one_year() -> None:
    rules = all_rules()
    codes = [r.code for r in rules]
    assert len(codes) == len(set(codes))
    for r in rules:
        assert r.message.strip(), r.code
        assert r.years, r.code
        assert r.years <= set(available_years()), r.code
        assert r.table in TABLES, r.code
        assert r.table in r.reads and r.reads <= set(TABLES), r.code
        assert r.fields, r.code
        assert r.query == r.code.endswith("Q")
        for year in r.years:
            assert r.message_for(year).strip()


def test_there_are_enough_rules_for_data_entry() -> None:
    assert len(rules_for(2026, at_entry=True)) >= 30
    assert len(rules_for(2026)) > len(rules_for(2026, at_entry=True))


def test_registering_a_code_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="CIN rule 8500 is registered twice"):

        @rule("8500", message="Duplicate", table="ChildIdentifiers", fields=("LAchildID",))
        def duplicate(child: object, ctx: object) -> list[Finding]:
            return []


def test_rules_new_in_2024_to_2025_do_not_apply_to_earlier_years() -> None:
    codes_2024 = {r.code for r in rules_for(2024)}
    codes_2025 = {r.code for r in rules_for(2025)}
    assert {"1570", "1580", "8945Q", "8950Q", "8770Q"} <= codes_2025 - codes_2024


def test_the_sex_rules_speak_of_gender_before_2024_to_2025() -> None:
    gender = {r.code: r.message_for(2024) for r in all_rules() if r.code in ("4180", "8750")}
    sex = {r.code: r.message_for(2025) for r in all_rules() if r.code in ("4180", "8750")}
    assert gender == {
        "4180": "Gender is missing",
        "8750": "Gender must equal 0 for an unborn child",
    }
    assert sex == {
        "4180": "Sex must be provided and equal M, F, or U",
        "8750": "Sex must equal U for an unborn child",
    }


def test_docs_list_every_implemented_rule_with_its_message() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for r in all_rules():
        assert f"| {r.code} |" in text, f"{r.code} missing from docs/cin-rules.md"
        assert r.message.replace("|", "\\|") in text, f"{r.code} message differs in the docs"
