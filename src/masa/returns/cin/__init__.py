"""CIN census validation rules as small units, reusable at data entry and by the census validator.

    from masa.returns.cin import check_on_entry, validate_child, CINChild, CINEpisode

``check_on_entry`` runs the rules touching the record a practitioner is saving and returns
``RuleFailure`` objects naming the DfE rule (``failure.text`` reads "CIN rule 8630: CIN Closure
Date is before CIN Referral Date for the same CIN episode"). ``validate_child`` runs every rule
for a census year. Rule units live in ``rules/``, code lists per year in ``codes/<year>.json``;
``docs/cin-rules.md`` lists what is implemented.
"""

from .check import FOCUS_TABLES, check_on_entry, rules_for, validate_child
from .codes import CodeLists, available_years, code_lists
from .model import (
    Assessment,
    ChildCharacteristics,
    ChildIdentifiers,
    ChildProtectionPlan,
    CINChild,
    CINEpisode,
    CINPlan,
    Section47Enquiry,
    YesNo,
)
from .registry import Location, Rule, RuleFailure, all_rules, get_rule
from .years import CollectionYear, collection_year_for

__all__ = [
    "FOCUS_TABLES",
    "Assessment",
    "CINChild",
    "CINEpisode",
    "CINPlan",
    "ChildCharacteristics",
    "ChildIdentifiers",
    "ChildProtectionPlan",
    "CodeLists",
    "CollectionYear",
    "Location",
    "Rule",
    "RuleFailure",
    "Section47Enquiry",
    "YesNo",
    "all_rules",
    "available_years",
    "check_on_entry",
    "code_lists",
    "collection_year_for",
    "get_rule",
    "rules_for",
    "validate_child",
]
