"""Pure checks for the identifiers people type: NHS numbers, UPNs and postcodes.

No database, no Django: forms and services both call these, and the property tests in
tests/people/test_identifiers.py exercise them directly.
"""

from __future__ import annotations

import re

# ---------------------------------------------------------------- NHS number

NHS_NUMBER_LENGTH = 10


def normalise_nhs_number(raw: str) -> str:
    """Digits only: "943 476 5919" and "943-476-5919" are both stored as "9434765919"."""
    return re.sub(r"[\s-]", "", raw or "")


def nhs_number_check_digit(first_nine: str) -> int | None:
    """The modulus 11 check digit for nine digits, or None when no check digit is possible.

    Weights 10 down to 2; the check digit is 11 minus the remainder, where 11 becomes 0 and 10
    means the nine digits can never start a valid NHS number.
    """
    if len(first_nine) != 9 or not first_nine.isdigit():
        raise ValueError("An NHS number check digit needs exactly nine digits")
    weights = range(10, 1, -1)
    total = sum(int(digit) * weight for digit, weight in zip(first_nine, weights, strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def nhs_number_is_valid(value: str) -> bool:
    """True for ten digits (already normalised) whose last digit is the modulus 11 check."""
    if len(value) != NHS_NUMBER_LENGTH or not value.isdigit():
        return False
    return nhs_number_check_digit(value[:9]) == int(value[9])


def format_nhs_number(value: str) -> str:
    """As people read it: 3, 3 and 4 digits ("943 476 5919")."""
    if len(value) != NHS_NUMBER_LENGTH:
        return value
    return f"{value[:3]} {value[3:6]} {value[6:]}"


# ---------------------------------------------------------------- Unique Pupil Number

# DfE's check-letter alphabet: 23 letters, without I, O and S (easily mistaken for digits).
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
UPN_LENGTH = 13
_UPN_SHAPE = re.compile(rf"[{UPN_LETTERS}]\d{{11}}[0-9{UPN_LETTERS}]")


def normalise_upn(raw: str) -> str:
    return re.sub(r"\s", "", raw or "").upper()


def upn_check_letter(body: str) -> str:
    """The check letter (character 1) for characters 2 to 13 of a UPN.

    Each character is multiplied by its position (2 to 13); a letter in position 13 (a temporary
    UPN) counts as its place in the check-letter alphabet (A=0, B=1...). The sum modulo 23
    picks the letter.
    """
    if len(body) != UPN_LENGTH - 1:
        raise ValueError("A UPN check letter needs the 12 characters after it")
    total = 0
    for position, char in enumerate(body, start=2):
        value = int(char) if char.isdigit() else UPN_LETTERS.index(char)
        total += value * position
    return UPN_LETTERS[total % 23]


def upn_is_valid(value: str) -> bool:
    """True for a 13-character UPN (already normalised) with the right check letter."""
    if not _UPN_SHAPE.fullmatch(value):
        return False
    return upn_check_letter(value[1:]) == value[0]


# ---------------------------------------------------------------- postcode

# The shape of a UK postcode: an outward code (area, district) and an inward code (sector, unit).
_POSTCODE = re.compile(r"([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})")
OUTWARD_CODE = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?")


def normalise_postcode(raw: str) -> str:
    """Upper case with one space before the inward code ("nb1 2ab" becomes "NB1 2AB").

    Text that is not shaped like a postcode comes back upper-cased without spaces.
    """
    compact = re.sub(r"\s", "", raw or "").upper()
    match = _POSTCODE.fullmatch(compact)
    return f"{match.group(1)} {match.group(2)}" if match else compact


def postcode_is_valid(value: str) -> bool:
    return bool(_POSTCODE.fullmatch(value.replace(" ", ""))) and value == normalise_postcode(value)


# ---------------------------------------------------------------- what to tell the person typing


def nhs_number_problem(value: str) -> str | None:
    """What is wrong with a (normalised) NHS number, in GOV.UK error-message style, or None."""
    if not value.isdigit():
        return "NHS number must only include numbers and spaces"
    if len(value) != NHS_NUMBER_LENGTH:
        return "NHS number must be 10 digits"
    if not nhs_number_is_valid(value):
        return "Enter a real NHS number: the last digit does not match the others"
    return None


def upn_problem(value: str) -> str | None:
    """What is wrong with a (normalised) UPN, or None."""
    if len(value) != UPN_LENGTH:
        return "UPN must be 13 characters, like B801200005001"
    if not _UPN_SHAPE.fullmatch(value):
        return "UPN must be a letter, 11 numbers, then a number or a letter"
    if not upn_is_valid(value):
        return "Enter a real UPN: the first letter does not match the rest"
    return None


def postcode_problem(value: str) -> str | None:
    if not value:
        return "Enter a postcode"
    if not postcode_is_valid(value):
        return "Enter a real postcode, like NB1 2AB"
    return None
