"""Charts drawn on the server as SVG, each with its data as a table. No JavaScript, no assets.

A page builds one ``ChartData`` (categories, one or more series of values), chooses a drawing
(``bar_chart`` for horizontal bars, grouped when there are several series; ``line_chart`` for
series over time, for example a local figure against its comparators) and hands the result to
the ``chart_figure`` macro in ``includes/chart.html``, which adds the caption and the table.

How the drawings stay accessible (WCAG 2.2 AA):

* ``role="img"`` with a ``<title>`` and a ``<desc>`` the SVG is labelled by; the table below
  the chart holds every figure for people who cannot see it.
* Meaning never rests on colour alone: bars are filled with a different pattern per series and
  each bar carries its value (and series name) as text; lines differ by dash and marker shape,
  and the legend shows both.
* Text is near-black on white (#0b0c0c, contrast 19:1); fills and lines use GOV.UK colours with at
  least 3:1 against white (non-text contrast).
* The drawing is 400 units wide and scales to its container through ``viewBox``: in a one-half
  column labels appear at about GOV.UK body size, and it still fits a 320 px screen.
* Presentation attributes only (no ``style``), so the page's Content Security Policy
  (``style-src 'self'``) allows it; every text is escaped.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 400
FONT = "Arial, Helvetica, sans-serif"
TEXT = "#0b0c0c"
GRID = "#b1b4b6"
FONT_SIZE = 16
# Average width of a character as a share of the font size (Arial), to wrap and place labels.
CHAR_WIDTH = 0.55
# GOV.UK colours with at least 3:1 contrast against white, in the order series use them.
COLOURS = ("#1d70b8", "#0b0c0c", "#00703c", "#4c2c92", "#d4351c", "#912b88", "#505a5f")
DASHES = ("", "8 4", "2 4", "12 4 2 4", "4 4", "16 6", "1 3")
MARKERS = ("circle", "square", "triangle", "diamond", "cross", "circle", "square")


@dataclass(frozen=True)
class Series:
    """One set of values, one per category (``None`` where there is no figure).

    ``texts`` optionally gives the text to show for a value instead of the number formatted
    (``None`` keeps the number): for example ``"c"`` where a small number is hidden, so the
    table says why a point is missing rather than "No data"."""

    name: str
    values: Sequence[float | None]
    texts: Sequence[str | None] = ()

    def text_at(self, index: int) -> str | None:
        return self.texts[index] if index < len(self.texts) else None


@dataclass(frozen=True)
class ChartData:
    """What a chart shows, and the same figures as a table.

    ``categories`` are the bar groups of a bar chart (for example learning themes) or the points
    along the x axis of a line chart (for example years). ``series`` holds one value per
    category each. ``chart_id`` makes the SVG's ids unique on a page with several charts.
    """

    title: str
    categories: Sequence[str]
    series: Sequence[Series]
    description: str = ""
    category_heading: str = ""
    unit: str = ""
    decimals: int = 0
    chart_id: str = "chart"
    missing: str = "No data"
    # If set, the table ends with a column of this heading holding each row's sum (for series
    # that add up, such as counts per year; not for rates).
    total_heading: str = ""

    def __post_init__(self) -> None:
        for series in self.series:
            if len(series.values) != len(self.categories):
                raise ValueError(
                    f"Series {series.name!r} has {len(series.values)} values for "
                    f"{len(self.categories)} categories"
                )

    @property
    def safe_id(self) -> str:
        return re.sub(r"[^a-z0-9-]+", "-", self.chart_id.lower()).strip("-") or "chart"

    def format(self, value: float | None) -> str:
        if value is None:
            return self.missing
        return f"{value:,.{self.decimals}f}"

    def cell(self, series: Series, index: int) -> str:
        """The text for one value: the series' own text if it gives one, else the number."""
        text = series.text_at(index)
        return text if text is not None else self.format(series.values[index])

    @property
    def table_head(self) -> list[str]:
        head = [self.category_heading or "Category", *(series.name for series in self.series)]
        return [*head, self.total_heading] if self.total_heading else head

    @property
    def table_rows(self) -> list[tuple[str, list[str]]]:
        """(category, formatted value per series): the table alternative, row by row."""
        rows = []
        for index, category in enumerate(self.categories):
            values = [series.values[index] for series in self.series]
            cells = [self.cell(series, index) for series in self.series]
            if self.total_heading:
                cells.append(self.format(sum(v for v in values if v is not None)))
            rows.append((category, cells))
        return rows

    @property
    def largest(self) -> float:
        values = [v for series in self.series for v in series.values if v is not None]
        return max(values, default=0.0)

    def summary(self) -> str:
        """The ``<desc>``: the description given, or the largest figure in words."""
        if self.description:
            return self.description
        best: tuple[float, str, str] | None = None
        for series in self.series:
            for category, value in zip(self.categories, series.values, strict=True):
                if value is not None and (best is None or value > best[0]):
                    best = (value, category, series.name)
        if best is None:
            return f"{self.title}: there are no figures to show."
        unit = f" {self.unit}" if self.unit else ""
        where = best[1] if len(self.series) == 1 else f"{best[1]}, {best[2]}"
        return (
            f"{self.title}. The largest figure is {where}: {self.format(best[0])}{unit}. "
            "The table that follows the chart gives every figure."
        )


@dataclass(frozen=True)
class Figure:
    """A drawn chart and its data, for the ``chart_figure`` macro."""

    data: ChartData
    svg: Markup
    # "details": the table inside a "Show the data as a table" details; "below": always shown.
    table: str = "details"


def bar_figure(data: ChartData, *, table: str = "details") -> Figure:
    return Figure(data, bar_chart(data), table)


def line_figure(data: ChartData, *, table: str = "details") -> Figure:
    return Figure(data, line_chart(data), table)


# ---------------------------------------------------------------- drawing helpers


def _num(value: float) -> str:
    """A coordinate with at most one decimal, without trailing zeros."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _text(x: float, y: float, content: str, *, size: int = FONT_SIZE, **attrs: str) -> str:
    extra = "".join(f' {name.replace("_", "-")}="{escape(v)}"' for name, v in attrs.items())
    return (
        f'<text x="{_num(x)}" y="{_num(y)}" font-family="{FONT}" font-size="{size}" '
        f'fill="{TEXT}"{extra}>{escape(content)}</text>'
    )


def _text_width(content: str, size: int = FONT_SIZE) -> float:
    return len(content) * size * CHAR_WIDTH


def _wrap(content: str, width: float, size: int = FONT_SIZE) -> list[str]:
    chars = max(8, int(width / (size * CHAR_WIDTH)))
    return textwrap.wrap(content, chars) or [""]


def _pattern(chart_id: str, index: int) -> str:
    """A fill for series ``index``: its colour, with white marks that differ per series."""
    colour = COLOURS[index % len(COLOURS)]
    pid = f"{chart_id}-fill-{index}"
    kind = index % 6
    marks = {
        0: "",  # solid
        1: '<path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" stroke="#ffffff" stroke-width="2"/>',
        2: '<circle cx="4" cy="4" r="1.6" fill="#ffffff"/>',
        3: '<path d="M0,4 h8" stroke="#ffffff" stroke-width="2"/>',
        4: '<path d="M0,0 l8,8 M8,0 l-8,8" stroke="#ffffff" stroke-width="1.5"/>',
        5: '<path d="M4,0 v8" stroke="#ffffff" stroke-width="2"/>',
    }[kind]
    return (
        f'<pattern id="{pid}" patternUnits="userSpaceOnUse" width="8" height="8">'
        f'<rect width="8" height="8" fill="{colour}"/>{marks}</pattern>'
    )


def _svg(data: ChartData, height: float, body: list[str], defs: list[str]) -> Markup:
    cid = data.safe_id
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {_num(height)}" '
        f'width="100%" role="img" aria-labelledby="{cid}-title {cid}-desc" '
        f'class="masa-chart" focusable="false">',
        f'<title id="{cid}-title">{escape(data.title)}</title>',
        f'<desc id="{cid}-desc">{escape(data.summary())}</desc>',
    ]
    if defs:
        parts.append("<defs>" + "".join(defs) + "</defs>")
    parts.extend(body)
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above went through escape()


def _legend(data: ChartData, top: float, swatch: list[str]) -> tuple[list[str], float]:
    """One row per series: its swatch (pattern or line and marker) and its name."""
    body: list[str] = []
    y = top
    for index, series in enumerate(data.series):
        body.append(swatch[index].format(y=_num(y)))
        for line_number, line in enumerate(_wrap(series.name, WIDTH - 40)):
            body.append(_text(32, y + 14 + line_number * 20, line))
            if line_number:
                y += 20
        y += 26
    return body, y + 6


# ---------------------------------------------------------------- bar chart


BAR = 20  # height of one bar
BAR_GAP = 4
GROUP_GAP = 18


def bar_chart(data: ChartData) -> Markup:
    """Horizontal bars: per category its label above, then one bar per series, each with its
    value written at its end (and the series name when there are several series)."""
    cid = data.safe_id
    many = len(data.series) > 1
    defs = [_pattern(cid, index) for index in range(len(data.series))]
    body: list[str] = []
    y = 4.0
    if many:
        swatches = [
            f'<rect x="0" y="{{y}}" width="22" height="18" fill="url(#{cid}-fill-{index})" '
            f'stroke="{TEXT}" stroke-width="1"/>'
            for index in range(len(data.series))
        ]
        legend, y = _legend(data, y, swatches)
        body.extend(legend)

    def label(series: Series, index: int) -> str:
        text = data.cell(series, index)
        return f"{series.name}: {text}" if many else text

    widest = max(
        (
            _text_width(label(series, index))
            for series in data.series
            for index in range(len(series.values))
        ),
        default=0.0,
    )
    plot = max(WIDTH * 0.4, WIDTH - widest - 12)
    scale = plot / data.largest if data.largest > 0 else 0.0
    for index, category in enumerate(data.categories):
        for line in _wrap(category, WIDTH):
            y += 20
            body.append(_text(0, y - 4, line, font_weight="bold"))
        y += 4
        group_top = y
        for number, series in enumerate(data.series):
            value = series.values[index]
            length = (value or 0.0) * scale
            if value is not None and value > 0:
                body.append(
                    f'<rect x="0" y="{_num(y)}" width="{_num(max(length, 1.5))}" '
                    f'height="{BAR}" fill="url(#{cid}-fill-{number})"/>'
                )
            body.append(_text(length + 6, y + BAR - 5, label(series, index)))
            y += BAR + BAR_GAP
        # The baseline the group's bars start from (zero), beside the bars only.
        body.append(
            f'<line x1="0.5" y1="{_num(group_top - 2)}" x2="0.5" y2="{_num(y - BAR_GAP + 2)}" '
            f'stroke="{TEXT}" stroke-width="1"/>'
        )
        y += GROUP_GAP - BAR_GAP
    if not data.categories:
        y += 24
        body.append(_text(0, y - 4, "No figures to show"))
    return _svg(data, y, body, defs)


# ---------------------------------------------------------------- line chart


def _nice_top(value: float) -> tuple[float, float, int]:
    """A round axis maximum at or above ``value``, the step between gridlines and how many
    steps (four or five, whichever gives the lower maximum)."""
    if value <= 0:
        return 1.0, 0.25, 4
    best: tuple[float, float, int] | None = None
    for intervals in (4, 5):
        magnitude = 10 ** math.floor(math.log10(value / intervals))
        for multiple in (1, 2, 2.5, 5, 10):
            step = multiple * magnitude
            if step * intervals >= value:
                if best is None or step * intervals < best[0]:
                    best = (step * intervals, step, intervals)
                break
    assert best is not None  # 10 * magnitude * intervals is always at or above value
    return best


def _points(*pairs: tuple[float, float]) -> str:
    return " ".join(f"{_num(x)},{_num(y)}" for x, y in pairs)


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    if kind == "square":
        return (
            f'<rect x="{_num(x - 4.5)}" y="{_num(y - 4.5)}" width="9" height="9" fill="{colour}"/>'
        )
    if kind == "triangle":
        points = _points((x, y - 6), (x + 5.5, y + 4), (x - 5.5, y + 4))
        return f'<polygon points="{points}" fill="{colour}"/>'
    if kind == "diamond":
        points = _points((x, y - 6), (x + 6, y), (x, y + 6), (x - 6, y))
        return f'<polygon points="{points}" fill="{colour}"/>'
    if kind == "cross":
        return (
            f'<path d="M{_num(x - 5)},{_num(y - 5)} L{_num(x + 5)},{_num(y + 5)} '
            f'M{_num(x + 5)},{_num(y - 5)} L{_num(x - 5)},{_num(y + 5)}" stroke="{colour}" '
            'stroke-width="2.5"/>'
        )
    return f'<circle cx="{_num(x)}" cy="{_num(y)}" r="5" fill="{colour}"/>'


PLOT_HEIGHT = 200
TICK_SIZE = 14


def line_chart(data: ChartData) -> Markup:
    """Series over the categories (for example years), each with its own colour, dash and
    marker; a gap where a value is missing; y axis from zero with four or five labelled
    gridlines at round values."""
    swatches = []
    for index in range(len(data.series)):
        colour = COLOURS[index % len(COLOURS)]
        dash = DASHES[index % len(DASHES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        swatches.append(
            f'<g transform="translate(0 {{y}})"><line x1="0" y1="9" x2="24" y2="9" '
            f'stroke="{colour}" stroke-width="3"{dash_attr}/>'
            + _marker(MARKERS[index % len(MARKERS)], 12, 9, colour)
            + "</g>"
        )
    body, top = _legend(data, 4, swatches)
    axis_max, step, intervals = _nice_top(data.largest)
    tick_labels = [data.format(step * i) for i in range(intervals + 1)]
    left = max(_text_width(label, TICK_SIZE) for label in tick_labels) + 8
    right = WIDTH - 12
    top += 8
    bottom = top + PLOT_HEIGHT
    for i, tick in enumerate(tick_labels):
        y = bottom - PLOT_HEIGHT * i / intervals
        body.append(
            f'<line x1="{_num(left)}" y1="{_num(y)}" x2="{right}" y2="{_num(y)}" '
            f'stroke="{GRID if i else TEXT}" stroke-width="1"/>'
        )
        body.append(_text(left - 6, y + 5, tick, size=TICK_SIZE, text_anchor="end"))
    count = len(data.categories)
    span = right - left - 16

    def x_of(index: int) -> float:
        return left + 8 + (span * index / (count - 1) if count > 1 else span / 2)

    # Label every category if they fit, otherwise every second, third...: never overlapping.
    widest = max((_text_width(c, TICK_SIZE) for c in data.categories), default=0.0)
    every = max(1, math.ceil((widest + 8) * count / max(span, 1)))
    for index, category in enumerate(data.categories):
        if index % every == 0:
            body.append(
                _text(x_of(index), bottom + 20, category, size=TICK_SIZE, text_anchor="middle")
            )
    for number, series in enumerate(data.series):
        colour = COLOURS[number % len(COLOURS)]
        dash = DASHES[number % len(DASHES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        points: list[tuple[float, float]] = []
        runs: list[list[tuple[float, float]]] = []
        for index, value in enumerate(series.values):
            if value is None:
                if points:
                    runs.append(points)
                points = []
                continue
            points.append((x_of(index), bottom - PLOT_HEIGHT * value / axis_max))
        if points:
            runs.append(points)
        for run in runs:
            if len(run) > 1:
                coords = _points(*run)
                body.append(
                    f'<polyline points="{coords}" fill="none" stroke="{colour}" '
                    f'stroke-width="3"{dash_attr}/>'
                )
            for x, y in run:
                body.append(_marker(MARKERS[number % len(MARKERS)], x, y, colour))
    height = bottom + 30
    if data.unit:
        height += 24
        body.append(_text(0, height - 6, f"Values are {data.unit}", size=TICK_SIZE))
    return _svg(data, height, body, [])
