"""Charts: well-formed, accessible SVG whose bars are as long as their numbers say."""

import xml.etree.ElementTree as ET
from decimal import Decimal

from reports.charts import (
    PLOT_WIDTH,
    BarRow,
    describe_bars,
    stacked_bar_chart,
    weighted_score_rows,
    weighted_scores_chart,
    whole_pounds,
)
from scoring.bids import EvaluationRules
from scoring.criteria import GroupKind, Method
from scoring.engine import evaluate
from tests.unit.scoring.builders import bid, criterion, group, tree

SVG = "{http://www.w3.org/2000/svg}"
D = Decimal


def parsed(svg: str) -> ET.Element:
    """The chart as XML (which fails on anything not well-formed, unescaped text included)."""
    return ET.fromstring(svg)  # noqa: S314  (our own output, parsed to check it)


def test_a_chart_is_an_image_named_by_its_title_and_described_in_words() -> None:
    rows = [BarRow("Bidder A", (D(60), D(28))), BarRow("Bidder B", (D(48), D(32)))]
    chart = parsed(stacked_bar_chart("scores", "Weighted scores", ["Price", "Quality"], rows))
    assert chart.get("role") == "img"
    assert chart.get("aria-labelledby") == "scores-title scores-desc"
    assert chart.find(f"{SVG}title").text == "Weighted scores"  # type: ignore[union-attr]
    assert chart.find(f"{SVG}desc").text == (  # type: ignore[union-attr]
        "Bidder A: 88.00 points (Price 60.00, Quality 28.00). "
        "Bidder B: 80.00 points (Price 48.00, Quality 32.00)."
    )


def test_amounts_of_money_are_written_in_whole_pounds() -> None:
    rows = [BarRow("Highways", (D("2810000.40"), D("1389999.60")))]
    svg = stacked_bar_chart(
        "spend",
        "Spend by service area",
        ["Spent", "Not yet spent"],
        rows,
        maximum=D(5_000_000),
        unit="",
        value_text=whole_pounds,
    )
    chart = parsed(svg)
    assert chart.find(f"{SVG}desc").text == (  # type: ignore[union-attr]
        "Highways: £4,200,000 (Spent £2,810,000, Not yet spent £1,390,000)."
    )
    labels = [text.text for text in chart.iter(f"{SVG}text")]
    assert "£4,200,000" in labels


def test_each_segment_is_as_long_as_its_share_of_the_maximum() -> None:
    rows = [BarRow("Bidder A", (D(60), D(25)))]
    chart = parsed(stacked_bar_chart("c", "Scores", ["Price", "Quality"], rows))
    bars = [r for r in chart.iter(f"{SVG}rect") if r.get("height") != "12"]  # not the legend
    widths = [D(r.get("width", "0")) for r in bars]
    assert widths == [D(PLOT_WIDTH) * D("0.6"), D(PLOT_WIDTH) * D("0.25")]
    assert D(bars[1].get("x", "0")) == D(bars[0].get("x", "0")) + widths[0]  # stacked


def test_a_group_with_no_points_draws_no_segment() -> None:
    chart = parsed(
        stacked_bar_chart("c", "Scores", ["Price", "Local"], [BarRow("A", (D(90), D(0)))])
    )
    assert len([r for r in chart.iter(f"{SVG}rect") if r.get("height") != "12"]) == 1


def test_every_label_is_escaped() -> None:
    hostile = '<script>alert("x")</script> & Sons'
    svg = stacked_bar_chart('c"><script>', "Scores & <b>", [hostile], [BarRow(hostile, (D(1),))])
    assert "<script>" not in svg
    texts = [t.text for t in parsed(svg).iter(f"{SVG}text")]
    assert texts.count(hostile) == 2  # in the legend and as the bar's label


def test_an_empty_chart_says_there_is_nothing_to_show() -> None:
    chart = parsed(stacked_bar_chart("c", "Scores", [], []))
    assert chart.find(f"{SVG}desc").text == "There is nothing to show."  # type: ignore[union-attr]
    assert describe_bars([], [], "points") == "There is nothing to show."


def test_the_weighted_scores_chart_stacks_each_bids_group_points_in_rank_order() -> None:
    criteria = tree(
        group("price", GroupKind.PRICE, 60, criterion("p", Method.PRICE_RELATIVE)),
        group("local", GroupKind.LOCALISM, 40, criterion("l", Method.LOCAL_SUPPLIER)),
    )
    bids = [
        bid("a", 12_000, supplier="Alpha"),
        bid("b", 10_000, supplier="Beta", local=True),
        bid("c", 9_000, supplier="Gamma", excluded="Late"),
    ]
    result = evaluate(criteria, bids, {}, EvaluationRules())
    series, rows = weighted_score_rows(result)
    assert series == ["Price", "Local"]
    assert [(r.label, r.values) for r in rows] == [
        ("Beta", (D(60), D(40))),
        ("Alpha", (D(50), D(0))),
        ("Gamma (not ranked)", (D(60), D(0))),  # capped at full marks, but not ranked
    ]
    chart = weighted_scores_chart(result, "results-chart")
    assert 'id="results-chart-title"' in chart
    assert "Beta: 100.00 points (Price 60.00, Local 40.00)." in chart
