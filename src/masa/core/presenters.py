"""Formatting for people: dates as GOV.UK style asks ("23 November 2026")."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def govuk_date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    return f"{value.day} {value:%B %Y}"


def govuk_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{govuk_date(local)} at {hour}:{local:%M}{suffix}"


def format_masa_id(child_id: int) -> str:
    """The child's masa ID as people quote it: C and six digits."""
    return f"C{child_id:06d}"


def parse_masa_id(raw: str) -> int | None:
    """The record id in a masa ID typed as "C000123", "c123" or "123"; None if it is not one."""
    text = raw.strip().upper()
    digits = text[1:] if text.startswith("C") else text
    return int(digits) if digits.isdigit() else None


# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """A value for a CSV or spreadsheet cell that no spreadsheet will run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
