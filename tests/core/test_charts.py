"""Server-side SVG charts: valid SVG a screen reader can name, meaning not carried by colour
alone, and the same figures as a table."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from defusedxml.ElementTree import fromstring
from django.template import engines

from masa.core.charts import (
    COLOURS,
    WIDTH,
    ChartData,
    Series,
    bar_chart,
    bar_figure,
    line_chart,
    line_figure,
)

SVG = "{http://www.w3.org/2000/svg}"


def themes_by_year() -> ChartData:
    return ChartData(
        title="Reviews by learning theme and year",
        categories=["Neglect", "Information sharing", "Voice of the child"],
        series=[Series("2023-24", [2, 1, None]), Series("2024-25", [1, 3, 0])],
        category_heading="Learning theme",
        unit="reviews",
        chart_id="themes",
    )


def parse(markup: str) -> ET.Element:
    return fromstring(str(markup))


def texts(root: ET.Element) -> list[str]:
    return [element.text or "" for element in root.iter(f"{SVG}text")]


def test_a_bar_chart_is_an_image_with_its_title_and_description() -> None:
    root = parse(bar_chart(themes_by_year()))

    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "themes-title themes-desc"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title is not None and title.get("id") == "themes-title"
    assert title.text == "Reviews by learning theme and year"
    assert desc is not None and desc.get("id") == "themes-desc"
    # The largest figure in words: "Information sharing, 2024-25: 3 reviews".
    assert "Information sharing, 2024-25: 3 reviews" in (desc.text or "")
    # Scales to its container (fits a 320 px screen) from a 400-unit drawing.
    assert root.get("width") == "100%"
    assert root.get("viewBox", "").startswith(f"0 0 {WIDTH} ")
    # No style attributes or elements: the page's CSP allows presentation attributes only.
    assert all("style" not in element.attrib for element in root.iter())
    assert root.find(f".//{SVG}style") is None


def test_each_bar_says_its_series_and_value_so_colour_is_not_needed() -> None:
    root = parse(bar_chart(themes_by_year()))
    labels = texts(root)

    for expected in (
        "Neglect",
        "2023-24: 2",
        "2024-25: 1",
        "Information sharing",
        "2024-25: 3",
        "2023-24: No data",
        "2024-25: 0",
    ):
        assert expected in labels
    # One pattern per series, each different, and the bars are filled with them.
    patterns = root.findall(f".//{SVG}pattern")
    assert [p.get("id") for p in patterns] == ["themes-fill-0", "themes-fill-1"]
    assert ET.tostring(patterns[0]) != ET.tostring(patterns[1])
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("height") == "20"]
    assert len(bars) == 4  # the missing value and the zero draw no bar
    assert {b.get("fill") for b in bars} == {"url(#themes-fill-0)", "url(#themes-fill-1)"}


def test_bar_lengths_are_in_proportion_to_the_values() -> None:
    data = ChartData(title="Reviews", categories=["A", "B"], series=[Series("All", [4, 2])])
    root = parse(bar_chart(data))
    widths = [float(r.get("width", "0")) for r in root.findall(f"{SVG}rect")]

    assert len(widths) == 2
    assert widths[0] == pytest.approx(2 * widths[1], rel=0.01)
    assert widths[0] <= WIDTH
    # A single series needs no legend and no series name on its bars.
    assert "4" in texts(root) and "All: 4" not in texts(root)


def test_text_is_escaped_and_still_valid_svg() -> None:
    data = ChartData(
        title='Themes <script>alert("x")</script> & more',
        categories=["Drugs & alcohol <b>"],
        series=[Series("Year's count", [1])],
    )
    markup = str(bar_chart(data))

    assert "<script>" not in markup
    assert "<b>" not in markup
    root = parse(markup)
    assert "Drugs & alcohol <b>" in texts(root)
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == 'Themes <script>alert("x")</script> & more'


def test_long_category_labels_wrap_onto_several_lines() -> None:
    long = "Effective escalation in cases where there are professional differences of opinion"
    root = parse(bar_chart(ChartData(title="T", categories=[long], series=[Series("S", [1])])))
    lines = [t for t in texts(root) if t != "1"]

    assert len(lines) >= 2
    assert " ".join(lines) == long


def test_a_line_chart_tells_series_apart_by_dash_and_marker() -> None:
    data = ChartData(
        title="Re-referrals within 12 months",
        categories=["2019-20", "2020-21", "2021-22", "2022-23", "2023-24"],
        series=[
            Series("Northbury", [21.5, 22.0, None, 19.5, 18.0]),
            Series("Statistical neighbours", [20.0, 21.0, 21.5, 20.5, 20.0]),
            Series("England", [22.6, 22.7, 21.5, 21.4, 22.4]),
        ],
        unit="per cent of referrals",
        decimals=1,
        chart_id="rereferrals",
    )
    root = parse(line_chart(data))
    lines = root.findall(f"{SVG}polyline")

    # Northbury's missing year splits its line in two: 2 + 1 + 1 polylines.
    assert len(lines) == 4
    assert lines[0].get("stroke") == lines[1].get("stroke") == COLOURS[0]
    assert lines[0].get("stroke-dasharray") is None
    dashes = {line.get("stroke-dasharray") for line in lines[2:]}
    assert len(dashes) == 2 and None not in dashes
    # Markers: circles for the first series (4 values), squares for the second (5 + legend).
    assert len(root.findall(f".//{SVG}circle")) == 4 + 1
    labels = texts(root)
    assert {"Northbury", "Statistical neighbours", "England"} <= set(labels)
    assert {"2019-20", "2023-24"} <= set(labels)
    # The y axis runs from zero to a round value above the largest (22.7): 0, 5, ... 25.
    assert [t for t in labels if t.endswith(".0")][:6] == [
        "0.0",
        "5.0",
        "10.0",
        "15.0",
        "20.0",
        "25.0",
    ]
    assert root.get("role") == "img"


def test_the_table_alternative_holds_every_figure() -> None:
    data = themes_by_year()

    assert data.table_head == ["Learning theme", "2023-24", "2024-25"]
    assert data.table_rows == [
        ("Neglect", ["2", "1"]),
        ("Information sharing", ["1", "3"]),
        ("Voice of the child", ["No data", "0"]),
    ]
    assert ChartData("T", ["A"], [Series("S", [1234.5])], decimals=1).table_rows == [
        ("A", ["1,234.5"])
    ]
    with_totals = ChartData(**{**data.__dict__, "total_heading": "All years"})
    assert with_totals.table_head[-1] == "All years"
    assert [cells[-1] for _, cells in with_totals.table_rows] == ["3", "4", "0"]


def test_a_series_with_the_wrong_number_of_values_is_refused() -> None:
    with pytest.raises(ValueError, match="has 1 values for 2 categories"):
        ChartData(title="T", categories=["A", "B"], series=[Series("S", [1])])


def test_an_empty_chart_says_so() -> None:
    root = parse(bar_chart(ChartData(title="Nothing yet", categories=[], series=[])))

    assert "No figures to show" in texts(root)
    desc = root.find(f"{SVG}desc")
    assert desc is not None and desc.text == "Nothing yet: there are no figures to show."


@pytest.mark.parametrize("table", ["details", "below"])
def test_the_figure_template_shows_the_chart_caption_and_table(table: str) -> None:
    figure = bar_figure(themes_by_year(), table=table)
    template = engines["jinja2"].from_string(
        '{% from "includes/chart.html" import chart_figure %}{{ chart_figure(figure) }}'
    )
    html = template.render({"figure": figure})

    assert "<figure" in html and "<figcaption" in html
    assert html.count("<svg") == 1  # the SVG is not escaped
    assert '<caption class="govuk-table__caption govuk-table__caption--s">' in html
    assert '<th scope="row" class="govuk-table__header">Information sharing</th>' in html
    assert '<th scope="col" class="govuk-table__header govuk-table__header--numeric">2024-25' in (
        html
    )
    assert ("Show the data as a table" in html) is (table == "details")
    assert line_figure(themes_by_year()).svg.startswith("<svg")
