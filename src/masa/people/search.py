"""masa's own name index: phonetic keys and trigrams, the same on SQLite and PostgreSQL.

Every name token of a child ("Kira", "Holt") gives one phonetic key ("pKR", "pHLT": a
simplified metaphone written for British and other names met in a northern English borough)
and its trigrams, marked at the start of the word ("g^ki", "gkir", "gira"). The keys live in
``PersonSearchKey`` rows; a search turns the typed name into keys the same way and counts the
matches per child in one set-based query (see selectors.search_children).

Each word also gets its consonant sounds in a fixed order ("cLP" for "Bell" and for "Blel"),
which catches two letters typed the wrong way round.

A child matches a typed name when every typed word matches one of the child's words: by its
phonetic key ("Jon Smyth" finds "John Smith"), by its sounds in any order ("Wasrame" finds
"Warsame"), or by at least half of its trigrams ("Smitj" finds "Smith", and "Hol" finds
"Holt": a word's start is enough). Results are ordered by 3 x phonetic + 1 x sounds + trigram
matches, so closer spellings come first.

Only services (and the demo generator, in bulk) write the keys: see ``index_rows``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from masa.core.presenters import parse_masa_id

from .identifiers import (
    OUTWARD_CODE,
    normalise_nhs_number,
    normalise_postcode,
    normalise_upn,
)

PHONETIC_PREFIX = "p"
SOUNDS_PREFIX = "c"
TRIGRAM_PREFIX = "g"
KEY_MAX_LENGTH = 16
PHONETIC_MAX_LENGTH = 6
TRIGRAM_SHARE = 0.5
MAX_NAME_TOKENS = 5

# Letters NFKD does not split into a base letter and an accent.
_FOLD = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i"})
_VOWELS = frozenset("aeiouy")


def fold(text: str) -> str:
    """Lower case ASCII letters, accents removed ("Wójcik" becomes "wojcik")."""
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def name_tokens(*names: str) -> list[str]:
    """The words of a name: apostrophes dropped ("O'Brien" is "obrien"), hyphens split."""
    words: list[str] = []
    for name in names:
        folded = re.sub(r"['’`]", "", fold(name or ""))
        words += [w for w in re.split(r"[^a-z]+", folded) if w]
    return words


def phonetic_code(token: str) -> str:
    """A sound-alike key for one folded word: consonant classes, vowels dropped after the first.

    Voiced and unvoiced pairs share a class (b/p, d/t, g/k, v/f, s/z) so common spelling and
    typing slips agree; soft c and g, ph, th, sh/ch and silent initial letters are handled.
    """
    word = token
    for prefix, replacement in (("kn", "n"), ("gn", "n"), ("pn", "n"), ("wr", "r"), ("ps", "s")):
        if word.startswith(prefix):
            word = replacement + word[len(prefix) :]
            break
    word = word.replace("mac", "mk", 1) if word.startswith("mac") else word
    if not word:
        return ""
    codes: list[str] = []
    previous_letter = ""
    i = 0
    while i < len(word):
        char = word[i]
        following = word[i + 1] if i + 1 < len(word) else ""
        code = ""
        step = 1
        if char == previous_letter and char != "c":
            i += 1  # doubled letters sound once
            continue
        if char in _VOWELS:
            code = "A" if i == 0 else "_"  # "_" separates repeated consonant sounds
        elif char == "h":
            code = "H" if i == 0 else ""
        elif char == "w":
            code = "W" if i == 0 else ""
        elif char in "bp":
            if char == "p" and following == "h":
                code, step = "F", 2
            elif char == "p" and previous_letter == "m" and following in ("s", "t"):
                code = ""  # Thompson sounds like Tomson, Simpson like Simson
            else:
                code = "P"
        elif char in "fv":
            code = "F"
        elif char in "dt":
            if following == "h":
                code, step = "T", 2
            elif char == "t" and word[i + 1 : i + 3] == "ch":
                code, step = "X", 3
            else:
                code = "T"
        elif char == "c":
            if following == "h":
                code, step = "X", 2
            elif following == "k":
                code, step = "K", 2
            elif following in "eiy" and following:
                code = "S"
            else:
                code = "K"
        elif char == "g":
            if following == "h":
                code, step = ("K" if i == 0 else ""), 2
            elif following in "eiy" and following:
                code = "J"
            else:
                code = "K"
        elif char in "kq":
            code = "K"
        elif char == "j":
            code = "J"
        elif char == "s":
            if following == "h":
                code, step = "X", 2
            elif word[i + 1 : i + 3] == "ch":
                code, step = "SK", 3
            else:
                code = "S"
        elif char == "z":
            code = "S"
        elif char == "x":
            code = "KS"
        elif char in "lmnr":
            code = char.upper()
        for part in code:
            if not codes or codes[-1] != part:
                codes.append(part)
        previous_letter = char
        i += step
    return "".join(c for c in codes if c != "_")[:PHONETIC_MAX_LENGTH]


def trigrams(token: str) -> set[str]:
    """Three-letter pieces of a word marked at its start: "holt" gives ^ho, hol, olt."""
    marked = f"^{token}"
    if len(marked) < 3:
        return {marked}
    return {marked[i : i + 3] for i in range(len(marked) - 2)}


def sounds_key(code: str) -> str:
    """The sounds of a phonetic key in a fixed order, whatever order they were typed in:
    "Wasrame" and "Warsame", "Blel" and "Bell" share one (letters typed the wrong way round)."""
    return "".join(sorted(set(code)))


@lru_cache(maxsize=50_000)
def token_keys(token: str) -> frozenset[str]:
    """The search keys of one word (cached: a borough has far fewer names than people)."""
    keys = {TRIGRAM_PREFIX + gram for gram in trigrams(token)}
    code = phonetic_code(token)
    if code:
        keys |= {PHONETIC_PREFIX + code, SOUNDS_PREFIX + sounds_key(code)}
    return frozenset(key[:KEY_MAX_LENGTH] for key in keys)


def name_keys(*names: str) -> set[str]:
    """Every search key for a person's names (the rows of PersonSearchKey)."""
    keys: set[str] = set()
    for token in name_tokens(*names):
        keys |= token_keys(token)
    return keys


@dataclass(frozen=True)
class TokenQuery:
    """One typed word: its phonetic key and trigrams, and how many trigrams must match."""

    phonetic: str  # "" when the word has no sounds to key
    sounds: str
    grams: frozenset[str]

    @property
    def keys(self) -> frozenset[str]:
        return self.grams | ({self.phonetic, self.sounds} if self.phonetic else set())

    @property
    def min_grams(self) -> int:
        return max(1, math.ceil(TRIGRAM_SHARE * len(self.grams)))


@dataclass(frozen=True)
class NameQuery:
    """A typed name: every word must match a word of the child's names, by sound or spelling."""

    tokens: tuple[TokenQuery, ...]

    @property
    def keys(self) -> frozenset[str]:
        return frozenset().union(*(token.keys for token in self.tokens))


def name_query(*names: str) -> NameQuery | None:
    tokens = list(dict.fromkeys(name_tokens(*names)))[:MAX_NAME_TOKENS]
    if not tokens:
        return None
    words = []
    for token in tokens:
        code = phonetic_code(token)
        words.append(
            TokenQuery(
                phonetic=PHONETIC_PREFIX + code if code else "",
                sounds=SOUNDS_PREFIX + sounds_key(code) if code else "",
                grams=frozenset(TRIGRAM_PREFIX + gram for gram in trigrams(token)),
            )
        )
    return NameQuery(tuple(words))


# ---------------------------------------------------------------- what people type


@dataclass
class ParsedQuery:
    """A search box's text split into what it could mean."""

    masa_id: int | None = None
    nhs_number: str = ""
    upn: str = ""
    dates: list[dt.date] = field(default_factory=list)
    postcode: str = ""  # a full postcode
    outward_code: str = ""  # or just its first half, "NB1"
    names: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (
            self.masa_id
            or self.nhs_number
            or self.upn
            or self.dates
            or self.postcode
            or self.outward_code
            or self.names
        )


_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_UPN_IN_TEXT = re.compile(r"\b[A-Za-z]\d{11}[A-Za-z0-9]\b")
_NHS_IN_TEXT = re.compile(r"(?<![\d])\d{3}[ -]?\d{3}[ -]?\d{4}(?![\d])")
_DMY = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b")
_YMD = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_D_MONTH_Y = re.compile(r"\b(\d{1,2})\s+([A-Za-z]{3,9})\s+(\d{4})\b")
_POSTCODE_IN_TEXT = re.compile(r"\b([A-Za-z]{1,2}\d[A-Za-z\d]?)\s*(\d[A-Za-z]{2})\b")
_MASA_ID = re.compile(r"\b[Cc]\d{1,9}\b")


def _date(year: str, month: str | int, day: str) -> dt.date | None:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


def parse_query(text: str) -> ParsedQuery:
    """What a search might mean: identifiers and dates are taken out first, names are the rest."""
    parsed = ParsedQuery()
    rest = f" {text.strip()} "

    def take(pattern: re.Pattern[str], handle: object) -> None:
        nonlocal rest

        def replace(match: re.Match[str]) -> str:
            return " " if handle(match) else match.group(0)  # type: ignore[operator]

        rest = pattern.sub(replace, rest)

    def upn(match: re.Match[str]) -> bool:
        value = normalise_upn(match.group(0))
        parsed.upn = parsed.upn or value
        return True

    def nhs(match: re.Match[str]) -> bool:
        value = normalise_nhs_number(match.group(0))
        parsed.nhs_number = parsed.nhs_number or value
        return True

    def dmy(match: re.Match[str]) -> bool:
        day, month, year = match.groups()
        found = _date(year, month, day)
        if found:
            parsed.dates.append(found)
        return True

    def ymd(match: re.Match[str]) -> bool:
        year, month, day = match.groups()
        found = _date(year, month, day)
        if found:
            parsed.dates.append(found)
        return True

    def d_month_y(match: re.Match[str]) -> bool:
        day, month_name, year = match.groups()
        month = _MONTHS.get(month_name.lower())
        if month is None:
            return False
        found = _date(year, month, day)
        if found:
            parsed.dates.append(found)
        return True

    def postcode(match: re.Match[str]) -> bool:
        parsed.postcode = parsed.postcode or normalise_postcode(match.group(0))
        return True

    def masa_id(match: re.Match[str]) -> bool:
        parsed.masa_id = parsed.masa_id or parse_masa_id(match.group(0))
        return True

    take(_UPN_IN_TEXT, upn)
    take(_NHS_IN_TEXT, nhs)
    take(_DMY, dmy)
    take(_YMD, ymd)
    take(_D_MONTH_Y, d_month_y)
    take(_MASA_ID, masa_id)
    take(_POSTCODE_IN_TEXT, postcode)
    names: list[str] = []
    for word in rest.split():
        if any(char.isdigit() for char in word):
            if OUTWARD_CODE.fullmatch(word.upper()) and not parsed.outward_code:
                parsed.outward_code = word.upper()
            continue
        if name_tokens(word):  # words without letters ("-", "!!!") are not names
            names.append(word)
    parsed.names = names
    return parsed


# ---------------------------------------------------------------- writing the index


def index_rows(children: Iterable[tuple[int, Iterable[str]]]) -> list[tuple[int, str]]:
    """(child id, key) rows for children given as (id, [names...]), without duplicates."""
    rows: list[tuple[int, str]] = []
    for child_id, names in children:
        rows += [(child_id, key) for key in sorted(name_keys(*names))]
    return rows
