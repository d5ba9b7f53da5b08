"""Charts as inline SVG: accessible (role="img", a title and a text description), with every
label escaped, drawn from plain numbers so that web pages and PDF reports share them."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from html import escape

from scoring.results import EvaluationResult

# Colours from the GOV.UK palette, each at least 3:1 against white (WCAG 1.4.11); segments
# are also parted by white gaps, and the same numbers are always given as text.
PALETTE = ("#1d70b8", "#00703c", "#4c2c92", "#d4351c", "#912b88", "#505a5f", "#005ea5")
WIDTH = 640
LABEL_WIDTH = 200
VALUE_WIDTH = 60
ROW_HEIGHT = 28
ROW_GAP = 12
LEGEND_HEIGHT = 32
LEGEND_ITEM_WIDTH = 150
PLOT_WIDTH = WIDTH - LABEL_WIDTH - VALUE_WIDTH
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class BarRow:
    """One bar: its label and one value per series (in the series' order)."""

    label: str
    values: tuple[Decimal, ...]

    @property
    def total(self) -> Decimal:
        """The sum of the bar's values."""
        return sum(self.values, Decimal(0))


def two_places(value: Decimal) -> str:
    """A number to two decimal places, half up, as the engine's sentences write them."""
    return f"{value.quantize(CENT, rounding=ROUND_HALF_UP):f}"


def whole_pounds(value: Decimal) -> str:
    """An amount of money to the nearest pound, as a chart labels it: £4,200,000."""
    return f"£{value.quantize(Decimal(1), rounding=ROUND_HALF_UP):,f}"


def _px(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP):f}"


def describe_bars(
    series: Sequence[str],
    rows: Sequence[BarRow],
    unit: str,
    value_text: Callable[[Decimal], str] = two_places,
) -> str:
    """The chart's text alternative: each bar's total and its parts, in words."""
    if not rows:
        return "There is nothing to show."
    sentences = []
    for row in rows:
        parts = ", ".join(
            f"{name} {value_text(value)}" for name, value in zip(series, row.values, strict=True)
        )
        total = f"{value_text(row.total)} {unit}".rstrip()
        sentences.append(f"{row.label}: {total} ({parts}).")
    return " ".join(sentences)


def _legend(series: Sequence[str]) -> list[str]:
    items = []
    for index, name in enumerate(series):
        per_row = WIDTH // LEGEND_ITEM_WIDTH
        x = (index % per_row) * LEGEND_ITEM_WIDTH
        y = (index // per_row) * 20
        colour = PALETTE[index % len(PALETTE)]
        items.append(
            f'<rect x="{x}" y="{y + 4}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{x + 18}" y="{y + 14}" font-size="12">{escape(name)}</text>'
        )
    return items


def _bar(row: BarRow, y: int, maximum: Decimal, value_text: Callable[[Decimal], str]) -> list[str]:
    parts = [
        f'<text x="{LABEL_WIDTH - 8}" y="{y + 18}" font-size="13" text-anchor="end">'
        f"{escape(row.label)}</text>"
    ]
    x = Decimal(LABEL_WIDTH)
    for index, value in enumerate(row.values):
        if value <= 0:  # nothing earned in this group: no sliver to draw
            continue
        width = value / maximum * PLOT_WIDTH
        colour = PALETTE[index % len(PALETTE)]
        parts.append(
            f'<rect x="{_px(x)}" y="{y}" width="{_px(width)}" height="{ROW_HEIGHT}" '
            f'fill="{colour}" stroke="#ffffff" stroke-width="1"/>'
        )
        x += width
    parts.append(
        f'<text x="{_px(x + 6)}" y="{y + 18}" font-size="13">{value_text(row.total)}</text>'
    )
    return parts


def stacked_bar_chart(
    chart_id: str,
    title: str,
    series: Sequence[str],
    rows: Sequence[BarRow],
    *,
    maximum: Decimal = HUNDRED,
    unit: str = "points",
    value_text: Callable[[Decimal], str] = two_places,
) -> str:
    """Horizontal bars, each split into its series' values, on a scale from 0 to `maximum`.

    `chart_id` must be unique on the page: the title and description are named by it.
    `value_text` writes each value (e.g. `whole_pounds`); `unit` follows the totals in words.
    """
    legend_rows = -(-len(series) // (WIDTH // LEGEND_ITEM_WIDTH)) if series else 0
    top = legend_rows * 20 + (LEGEND_HEIGHT - 20)
    height = top + len(rows) * (ROW_HEIGHT + ROW_GAP)
    safe_id = escape(chart_id)
    body = [*_legend(series)]
    for number, row in enumerate(rows):
        body.extend(_bar(row, top + number * (ROW_HEIGHT + ROW_GAP), maximum, value_text))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" '
        f'viewBox="0 0 {WIDTH} {max(height, 1)}" width="100%" '
        f'aria-labelledby="{safe_id}-title {safe_id}-desc" '
        f'font-family="Arial, sans-serif" fill="#0b0c0c">'
        f'<title id="{safe_id}-title">{escape(title)}</title>'
        f'<desc id="{safe_id}-desc">{escape(describe_bars(series, rows, unit, value_text))}</desc>'
        f"{''.join(body)}</svg>"
    )


def weighted_score_rows(result: EvaluationResult) -> tuple[list[str], list[BarRow]]:
    """The group names, and each bid's points per group, in the result's order."""
    if not result.bids:
        return [], []
    series = [group.name for group in result.bids[0].groups]
    rows = []
    for bid in result.bids:
        label = bid.supplier_name if bid.rank is not None else f"{bid.supplier_name} (not ranked)"
        rows.append(BarRow(label, tuple(group.points for group in bid.groups)))
    return series, rows


def weighted_scores_chart(result: EvaluationResult, chart_id: str = "weighted-scores") -> str:
    """Each bid's total out of 100 as a bar stacked by group, ranked bids first."""
    series, rows = weighted_score_rows(result)
    return stacked_bar_chart(chart_id, "Weighted scores by group, out of 100", series, rows)
