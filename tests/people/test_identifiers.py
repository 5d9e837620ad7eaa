"""NHS numbers, UPNs and postcodes: the check digits people rely on to catch typing slips."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from masa.people.identifiers import (
    UPN_LETTERS,
    format_nhs_number,
    nhs_number_check_digit,
    nhs_number_is_valid,
    nhs_number_problem,
    normalise_nhs_number,
    normalise_postcode,
    normalise_upn,
    postcode_problem,
    upn_check_letter,
    upn_is_valid,
    upn_problem,
)

nine_digits = st.text(alphabet="0123456789", min_size=9, max_size=9)


def with_check_digit(first_nine: str) -> str | None:
    check = nhs_number_check_digit(first_nine)
    return None if check is None else f"{first_nine}{check}"


def test_known_nhs_numbers() -> None:
    assert nhs_number_is_valid("9434765919")
    assert nhs_number_is_valid(normalise_nhs_number("943 476 5919"))
    assert format_nhs_number("9434765919") == "943 476 5919"
    # The number often used to show the format does not pass the modulus 11 check.
    assert normalise_nhs_number("485 777 3456") == "4857773456"
    assert not nhs_number_is_valid("4857773456")
    assert nhs_number_problem("4857773456") == (
        "Enter a real NHS number: the last digit does not match the others"
    )
    assert nhs_number_problem("943476591") == "NHS number must be 10 digits"
    assert nhs_number_problem("94347659AB") == "NHS number must only include numbers and spaces"


def test_eleven_becomes_zero_and_ten_means_no_valid_number() -> None:
    # 1 x 10 = 10, remainder 10: check digit 11 - 10 = 1.
    assert nhs_number_check_digit("100000000") == 1
    # Remainder 0: 11 - 0 = 11, which becomes 0.
    assert nhs_number_check_digit("000000000") == 0
    # 6 x 2 = 12, remainder 1: 11 - 1 = 10, so these nine digits start no valid number.
    assert nhs_number_check_digit("000000006") is None
    assert not any(nhs_number_is_valid(f"000000006{last}") for last in range(10))


@given(nine_digits)
def test_a_number_with_its_check_digit_recomputed_is_valid(first_nine: str) -> None:
    number = with_check_digit(first_nine)
    assume(number is not None)
    assert nhs_number_is_valid(number)  # type: ignore[arg-type]


@given(nine_digits, st.integers(min_value=0, max_value=9))
def test_any_other_last_digit_is_rejected(first_nine: str, last: int) -> None:
    check = nhs_number_check_digit(first_nine)
    assume(check != last)
    assert not nhs_number_is_valid(f"{first_nine}{last}")


@given(nine_digits, st.integers(min_value=0, max_value=8))
def test_swapping_two_different_adjacent_digits_is_always_rejected(
    first_nine: str, position: int
) -> None:
    # Weights w and w-1 on neighbours (the check digit counts with weight 1): a swap changes
    # the weighted sum by the difference of the digits, 1 to 9, never a multiple of 11.
    number = with_check_digit(first_nine)
    assume(number is not None)
    digits = list(number)  # type: ignore[arg-type]
    assume(digits[position] != digits[position + 1])
    digits[position], digits[position + 1] = digits[position + 1], digits[position]
    assert not nhs_number_is_valid("".join(digits))


@given(nine_digits, st.integers(min_value=0, max_value=9), st.integers(min_value=1, max_value=9))
def test_changing_any_one_digit_is_always_rejected(
    first_nine: str, position: int, step: int
) -> None:
    number = with_check_digit(first_nine)
    assume(number is not None)
    digits = list(number)  # type: ignore[arg-type]
    digits[position] = str((int(digits[position]) + step) % 10)
    assert not nhs_number_is_valid("".join(digits))


def test_known_upns() -> None:
    # Computed by hand: 8x2 + 0x3 + 1x4 + 2x5 + 0 + 0 + 0 + 0 + 5x10 + 0 + 0 + 1x13 = 93;
    # 93 mod 23 = 1, the letter B.
    assert upn_check_letter("801200005001") == "B"
    assert upn_is_valid("B801200005001")
    assert normalise_upn(" b801 2000 05001 ") == "B801200005001"
    assert not upn_is_valid("A801200005001")
    assert (
        upn_problem("A801200005001") == "Enter a real UPN: the first letter does not match the rest"
    )
    assert upn_problem("B80120000500") == "UPN must be 13 characters, like B801200005001"
    assert upn_problem("B8012000050X1") == (
        "UPN must be a letter, 11 numbers, then a number or a letter"
    )
    # A temporary UPN ends in a letter, which counts as its place in the alphabet (A=0...).
    body = "80120000500A"
    assert upn_is_valid(upn_check_letter(body) + body)


upn_bodies = st.builds(
    lambda digits, last: digits + last,
    st.text(alphabet="0123456789", min_size=11, max_size=11),
    st.sampled_from(list("0123456789" + UPN_LETTERS)),
)


@given(upn_bodies)
def test_a_upn_with_its_check_letter_is_valid_and_any_other_letter_is_not(body: str) -> None:
    letter = upn_check_letter(body)
    assert upn_is_valid(letter + body)
    for other in UPN_LETTERS.replace(letter, ""):
        assert not upn_is_valid(other + body)


@given(upn_bodies, st.integers(min_value=0, max_value=10))
def test_swapping_two_different_adjacent_digits_of_a_upn_is_rejected(body: str, i: int) -> None:
    # Positions p and p+1 weigh p and p+1: a swap changes the sum by the digits' difference
    # (1 to 9), never a multiple of 23.
    chars = list(body)
    assume(chars[i] != chars[i + 1] and chars[i].isdigit() and chars[i + 1].isdigit())
    letter = upn_check_letter(body)
    chars[i], chars[i + 1] = chars[i + 1], chars[i]
    assert not upn_is_valid(letter + "".join(chars))


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("nb1 2ab", "NB1 2AB"),
        ("NB12AB", "NB1 2AB"),
        (" sw1a  1aa ", "SW1A 1AA"),
        ("M1 1AE", "M1 1AE"),
    ],
)
def test_postcodes_are_stored_upper_case_with_one_space(typed: str, stored: str) -> None:
    assert normalise_postcode(typed) == stored
    assert postcode_problem(normalise_postcode(typed)) is None


def test_bad_postcodes_say_what_is_wrong() -> None:
    assert postcode_problem("") == "Enter a postcode"
    assert postcode_problem(normalise_postcode("NB1")) == "Enter a real postcode, like NB1 2AB"
    assert postcode_problem(normalise_postcode("12345")) == "Enter a real postcode, like NB1 2AB"
