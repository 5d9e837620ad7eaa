"""Read a 903 return from CSV files (or XML, see ``read_xml``) into one polars table per DfE table.

Each CSV file is identified by its columns, as the DfE's tools do: the set of column names
(order and letter case do not matter) must equal one table's columns for the year. A file that
matches no table is refused with its columns and the nearest table's missing and unexpected ones.

Hostile input:

- **Size:** a file over ``max_bytes`` (default 50 MB) is refused before it is read.
- **Encoding:** UTF-8 with or without a byte-order mark, or Windows-1252 (what Excel writes
  for "CSV" on Windows). UTF-16 files, spreadsheets saved as XLSX and binary files are refused
  with a message saying how to save the file.
- **Shape:** a row with more values than columns is refused, naming the row; a short row is
  padded with blanks.
- **Values** are kept as text, trimmed, blank as missing. Dates are parsed as dd/mm/YYYY into
  extra ``<COLUMN>__date`` columns (missing where the text is not a real date); a bad date,
  a value that would start a spreadsheet formula and a child listed twice are findings of the
  validation, not reading errors.

Row numbers: ``_row`` is 1 for the first record after the column names line, counting blank
lines, so it is the spreadsheet row number minus one.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from masa.returns.cin.years import CollectionYear

from .spec import Spec, Table, available_years, spec_for
from .years import label

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
ROW = "_row"
DATE_SUFFIX = "__date"
# d/m/yyyy with one or two digits for day and month, as the DfE validator's date parsing
# accepts; anything else (times, ISO dates, 2-digit years) is not a date.
DATE_PATTERN = r"^\d{1,2}/\d{1,2}/\d{4}$"


class ReadError(Exception):
    """A file that cannot be read as part of the return; the message says why and what to do."""

    def __init__(self, source: str, message: str) -> None:
        super().__init__(f"{source}: {message}")
        self.source = source
        self.message = message


@dataclass
class Return903:
    """One collection year's return: a polars frame per table present, with where each came from."""

    year: CollectionYear
    tables: dict[str, pl.DataFrame] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def spec(self) -> Spec:
        return spec_for(self.year.year)

    def children(self) -> int:
        ids: set[str] = set()
        for frame in self.tables.values():
            ids.update(v for v in frame.get_column("CHILD").to_list() if v is not None)
        return len(ids)

    def add(self, table: str, frame: pl.DataFrame, source: str) -> None:
        if table in self.tables:
            raise ReadError(
                source,
                f"this is a second {table} file (the first was {self.sources[table]}); "
                "give each table once",
            )
        self.tables[table] = frame
        self.sources[table] = source


@dataclass
class ReadResult:
    data: Return903
    errors: list[ReadError]


def decode(data: bytes, source: str) -> str:
    """The file's text; refuses UTF-16, workbooks, binary files and undecodable bytes."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ReadError(
            source, "is UTF-16 text; save it as 'CSV UTF-8 (comma delimited)' and try again"
        )
    if data.startswith(b"PK\x03\x04"):
        raise ReadError(source, "is a spreadsheet workbook (XLSX), not CSV; save each sheet as CSV")
    if b"\x00" in data:
        raise ReadError(source, "contains NUL bytes, so it is not a CSV text file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise ReadError(
            source,
            f"is neither UTF-8 nor Windows-1252 text (byte 0x{data[error.start]:02X} at position "
            f"{error.start}); save it as 'CSV UTF-8 (comma delimited)'",
        ) from None


def size_text(size: int) -> str:
    """A file size as a person says it: "50 MB", "2.7 MB", "3 KB"."""
    if size >= 1_048_576:
        return f"{size / 1_048_576:.1f}".removesuffix(".0") + " MB"
    return f"{max(size, 1) / 1024:.0f} KB"


def read_bytes(path: Path, max_bytes: int) -> bytes:
    source = path.name
    try:
        size = path.stat().st_size
    except OSError as error:
        raise ReadError(source, f"cannot be opened ({error.strerror})") from None
    if size > max_bytes:
        raise ReadError(
            source, f"is {size_text(size)}, over the {size_text(max_bytes)} limit for one file"
        )
    with path.open("rb") as handle:
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ReadError(source, f"is over the {size_text(max_bytes)} limit for one file")
    return data


def _similarity(columns: set[str], table: Table) -> float:
    expected = set(table.column_names)
    return len(columns & expected) / len(columns | expected)


def identify(columns: Sequence[str], spec: Spec, source: str) -> str:
    """The table whose columns these are, for the year; ReadError naming the nearest otherwise."""
    given = set(columns)
    for name, table in spec.tables.items():
        if set(table.column_names) == given:
            return name
    for year in available_years():
        other = spec_for(year)
        for name, table in other.tables.items():
            if name not in spec.tables and set(table.column_names) == given:
                first = min(y for y in available_years() if name in spec_for(y).tables)
                raise ReadError(
                    source,
                    f"has the columns of {name}, which the {spec.label} return does not have "
                    f"(it starts in {label(first)})",
                )
    nearest = max(spec.tables.values(), key=lambda t: _similarity(given, t))
    missing = [c for c in nearest.column_names if c not in given]
    extra = [c for c in columns if c not in nearest.column_names]
    detail = []
    if missing:
        detail.append(f"missing {', '.join(missing)}")
    if extra:
        detail.append(f"not expected {', '.join(extra)}")
    raise ReadError(
        source,
        f"its columns ({', '.join(columns) or 'none'}) match no table of the {spec.label} "
        f"return; the nearest is {nearest.name} ({'; '.join(detail)})",
    )


def with_dates(frame: pl.DataFrame, table: Table) -> pl.DataFrame:
    """Add ``<COLUMN>__date`` (a polars Date, missing when not a real dd/mm/YYYY date)."""
    exprs = [
        pl.when(pl.col(col).str.contains(DATE_PATTERN))
        .then(pl.col(col).str.strptime(pl.Date, "%d/%m/%Y", strict=False))
        .otherwise(None)
        .alias(col + DATE_SUFFIX)
        for col in table.date_columns
    ]
    return frame.with_columns(exprs) if exprs else frame


def build_frame(table: Table, rows: list[list[str | None]], numbers: list[int]) -> pl.DataFrame:
    """A frame in the table's column order from rows of values already in that order."""
    columns = table.column_names
    data: dict[str, list[str | None] | list[int]] = {
        col: [row[i] for row in rows] for i, col in enumerate(columns)
    }
    data[ROW] = numbers
    schema: dict[str, type[pl.DataType]] = dict.fromkeys(columns, pl.String)
    schema[ROW] = pl.Int32
    return with_dates(pl.DataFrame(data, schema=schema), table)


def parse_csv(text: str, spec: Spec, source: str) -> tuple[str, pl.DataFrame]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise ReadError(
            source, "is empty: a 903 CSV file starts with a line of column names"
        ) from None
    except csv.Error as error:
        raise ReadError(source, f"is not readable CSV ({error})") from None
    columns = [c.strip().upper() for c in header]
    while columns and not columns[-1]:
        columns.pop()  # trailing commas after the last column name
    repeated = sorted(c for c, n in Counter(columns).items() if n > 1)
    if repeated:
        raise ReadError(source, f"names the column {', '.join(repeated)} more than once")
    name = identify(columns, spec, source)
    table = spec.tables[name]
    order = [columns.index(c) for c in table.column_names]
    width = len(columns)
    rows: list[list[str | None]] = []
    numbers: list[int] = []
    number = 0
    try:
        for record in reader:
            number += 1
            if not record or all(not cell.strip() for cell in record):
                continue
            if len(record) > width and any(cell.strip() for cell in record[width:]):
                raise ReadError(
                    source,
                    f"row {number} has {len(record)} values but the file has {width} columns",
                )
            cells = [cell.strip() or None for cell in record[:width]]
            cells.extend([None] * (width - len(cells)))
            rows.append([cells[i] for i in order])
            numbers.append(number)
    except csv.Error as error:
        raise ReadError(source, f"is not readable CSV at row {number + 1} ({error})") from None
    return name, build_frame(table, rows, numbers)


def expand(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given, and the .csv and .xml files directly inside any folder given, sorted."""
    files: list[Path] = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix.lower() in (".csv", ".xml")))
        else:
            files.append(path)
    return files


def read_return(
    paths: Iterable[str | Path],
    year: CollectionYear,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> ReadResult:
    """Read every file (CSV by columns, XML as the DfE's XML form) into one return.

    A file that cannot be read is reported in ``errors`` and left out; the rest are read.
    """
    from .read_xml import parse_xml

    spec = spec_for(year.year)
    data = Return903(year=year)
    errors: list[ReadError] = []
    files = expand(paths)
    if not files:
        errors.append(ReadError("(no files)", "no CSV or XML files were given or found"))
    for path in files:
        source = path.name
        try:
            raw = read_bytes(path, max_bytes)
            if path.suffix.lower() == ".xml" or raw.lstrip()[:5] == b"<?xml":
                for name, frame in parse_xml(raw, spec, source, data.notes):
                    data.add(name, frame, source)
            else:
                name, frame = parse_csv(decode(raw, source), spec, source)
                data.add(name, frame, source)
        except ReadError as error:
            errors.append(error)
    return ReadResult(data=data, errors=errors)
