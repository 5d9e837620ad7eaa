"""903 collection years: 1 April to 31 March, named by the year they end (2025 is 2024/25).

The CIN census uses the same year; ``CollectionYear`` is shared with it.
"""

from __future__ import annotations

import re

from masa.returns.cin.years import CollectionYear

from .spec import available_years

_SHORT = re.compile(r"^(\d{4})\s*[/-]\s*(\d{2}|\d{4})$")


def parse_year(text: str) -> CollectionYear:
    """ "2024/25", "2024-25", "2024/2025" or "2025" (the year it ends) -> CollectionYear(2025).

    Raises ValueError naming the years masa holds a specification for.
    """
    value = text.strip()
    match = _SHORT.match(value)
    if match:
        start = int(match.group(1))
        end_text = match.group(2)
        end = int(end_text) if len(end_text) == 4 else (start // 100) * 100 + int(end_text)
        if end != start + 1:
            raise ValueError(f"{text!r} is not a collection year: write it as 2024/25")
    elif value.isdigit() and len(value) == 4:
        end = int(value)
    else:
        raise ValueError(f"{text!r} is not a collection year: write it as 2024/25")
    if end not in available_years():
        known = ", ".join(label(y) for y in available_years())
        raise ValueError(f"masa has no SSDA903 specification for {label(end)} (it has {known})")
    return CollectionYear(end)


def label(year: int) -> str:
    """2025 -> "2024/25", the way the DfE names 903 years."""
    return f"{year - 1}/{str(year)[2:]}"
