"""How numbers are written in explanations: the one place that rounds.

The engine computes with full-precision `Decimal`s (28 significant digits) and never rounds a
value it goes on to use. Only the text rounds, half up (2.125 -> 2.13, -2.125 -> -2.13), to:

- money: pounds and pence, with thousands separators: `£10,000.00`;
- points, scores, stated numbers and percentages: 2 decimal places: `26.67`, `40.00%`;
- ratios (social value per pound of price): 4 decimal places: `0.1250`.

So a sentence's parts, each rounded on its own, may not add up to its rounded result in the
last place; the result is the full-precision value, rounded once.
"""

from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
TEN_THOUSANDTH = Decimal("0.0001")


def rounded(value: Decimal, places: Decimal = CENT) -> Decimal:
    """The value as the text shows it: rounded half up, and never a negative zero."""
    result = value.quantize(places, ROUND_HALF_UP)
    # -0.001 rounds to -0.00, which must read as 0.00.
    return result if result else result.copy_abs()


def _text(value: Decimal, places: Decimal) -> str:
    result = value.quantize(places, ROUND_HALF_UP)
    text = str(result)  # plain digits: a quantized value never has a positive exponent
    if len(text) > 6 or not result:
        return _separated(result)
    return text


def _separated(result: Decimal) -> str:
    # 1,000.00 and up need separators (formatting is slower, so only then); and a zero
    # must never read as -0.00.
    return f"{result if result else result.copy_abs():,f}"


def number(value: Decimal) -> str:
    """A number to 2 decimal places with thousands separators: `12,345.68`."""
    result = value.quantize(CENT, ROUND_HALF_UP)
    text = str(result)
    if len(text) > 6 or not result:
        return _separated(result)
    return text


# Points are numbers; the name says what the text shows.
points = number


def money(value: Decimal) -> str:
    """Pounds and pence with thousands separators: `£10,000.00`, `-£5.00`."""
    text = number(value)
    return f"-£{text[1:]}" if text[0] == "-" else f"£{text}"


def percent(value: Decimal) -> str:
    """A percentage to 2 decimal places: `40.00%`."""
    return f"{number(value)}%"


def ratio(value: Decimal) -> str:
    """A ratio to 4 decimal places: `0.1250`."""
    return _text(value, TEN_THOUSANDTH)


def percent_at_least(value: Decimal) -> str:
    """The lower end of an interval, rounded up so that the sentence stays true: `31.26%`."""
    return f"{value.quantize(CENT, ROUND_CEILING):,f}%"


def percent_at_most(value: Decimal) -> str:
    """The upper end of an interval, rounded down so that the sentence stays true: `57.14%`."""
    return f"{value.quantize(CENT, ROUND_FLOOR):,f}%"


def listing(items: list[str]) -> str:
    """Items joined the English way: `A`, `A and B`, `A, B and C`."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 21st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
