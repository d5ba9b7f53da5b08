"""Reusable validated field types for request and response shapes.

Each type accepts exactly what its OpenAPI schema documents, so that a client generated from
the schema is never surprised: text has a pattern that keeps out control characters and
bidirectional overrides, decimals are strings of ASCII digits whose pattern also states their
range, identifiers have their format as a pattern, and booleans, whole numbers, dates and
times come as themselves, never as numbers or strings that happen to convert.

Patterns end in `$` and are matched with `re.search`, as JSON Schema validators written in
Python match them (a final line feed may come before the `$`), so the server and such a
validator agree on every value.
"""

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, PlainSerializer
from pydantic_core import PydanticCustomError

from procurement.domain.identifiers import (
    normalise_company_number,
    normalise_cpv_code,
    normalise_currency,
    normalise_tender_reference,
)
from procurement.domain.postcodes import normalise_area_code, normalise_postcode

# C0 and C1 control characters, and the bidirectional embeddings, overrides and isolates
# (U+202A-U+202E, U+2066-U+2069) that can make a record read differently from what it holds.
# PostgreSQL cannot store NUL at all. Multi-line text keeps tab, line feed and carriage return.
_INVISIBLE = r"\x7f-\x9f\u202a-\u202e\u2066-\u2069"
_LINE_CONTROLS = r"\x00-\x1f" + _INVISIBLE
_TEXT_CONTROLS = r"\x00-\x08\x0b\x0c\x0e-\x1f" + _INVISIBLE
# The rest of what str.strip() removes, so that "not blank" means the same to both sides.
_SPACES = r" \xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"

SINGLE_LINE = rf"^[^{_LINE_CONTROLS}]*$"
MULTI_LINE = rf"^[^{_TEXT_CONTROLS}]*$"
NOT_BLANK = rf"^[^{_LINE_CONTROLS}]*[^{_LINE_CONTROLS}{_SPACES}][^{_LINE_CONTROLS}]*$"
MULTI_LINE_NOT_BLANK = rf"^[^{_TEXT_CONTROLS}]*[^{_TEXT_CONTROLS}{_SPACES}][^{_TEXT_CONTROLS}]*$"
ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
# The subset of RFC 3339 times that every ISO 8601 reader takes: years 1 to 9999, upper-case
# T and Z, seconds below 60, at most microseconds. (A time in year 9999 or year 1 may still
# fall outside them in UTC, which the check after the pattern says in words.)
ISO_DATE_TIME = (
    r"^(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})"
    r"-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
    r"T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,6})?"
    r"(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$"
)
_CONTROL = re.compile(rf"[{_LINE_CONTROLS}]")
_TEXT_CONTROL = re.compile(rf"[{_TEXT_CONTROLS}]")


def refusing(pattern: str, message: str = "") -> AfterValidator:
    """A validator refusing text the pattern does not match: the message says why, unless
    the text holds a refused control character (which is then named instead, and is the only
    reason the plain text patterns refuse anything)."""
    compiled = re.compile(pattern)
    controls = _CONTROL if pattern in (SINGLE_LINE, NOT_BLANK) else _TEXT_CONTROL

    def check(value: str) -> str:
        if compiled.search(value) is None:
            if controls.search(value):
                raise ValueError(
                    "Remove control characters (such as NUL or a line break) and "
                    "direction-override characters (U+202A to U+202E, U+2066 to U+2069)"
                )
            raise ValueError(message)
        return value

    return AfterValidator(check)


def documented(pattern: str, **constraints: Any) -> Any:
    """The pattern (and any length limits) as the OpenAPI schema states them."""
    return Field(json_schema_extra={"pattern": pattern}, **constraints)


_STRIPPED = AfterValidator(str.strip)
_ENTER_TEXT = "Enter some text; this cannot be left blank"

Name = Annotated[
    str,
    documented(NOT_BLANK, min_length=1, max_length=200),
    refusing(NOT_BLANK, "Enter a name"),
    _STRIPPED,
]
ShortName = Annotated[
    str,
    documented(NOT_BLANK, min_length=1, max_length=100),
    refusing(NOT_BLANK, _ENTER_TEXT),
    _STRIPPED,
]
ShortText = Annotated[str, documented(SINGLE_LINE, max_length=40), refusing(SINGLE_LINE), _STRIPPED]
ShortRequiredText = Annotated[
    str,
    documented(NOT_BLANK, min_length=1, max_length=40),
    refusing(NOT_BLANK, _ENTER_TEXT),
    _STRIPPED,
]
LongText = Annotated[
    str, documented(MULTI_LINE, max_length=10_000), refusing(MULTI_LINE), _STRIPPED
]
# Free text that must say something: blanks and whitespace alone are refused.
RequiredText = Annotated[
    str,
    documented(MULTI_LINE_NOT_BLANK, min_length=1, max_length=10_000),
    refusing(MULTI_LINE_NOT_BLANK, _ENTER_TEXT),
    _STRIPPED,
]


def required_text(message: str) -> AfterValidator:
    """RequiredText's blank check with a message of its own (use after RequiredText)."""
    return refusing(MULTI_LINE_NOT_BLANK, message)


def identifier(pattern: str, normalise: Callable[[str], str]) -> AfterValidator:
    """A check that an identifier matches its documented pattern, then its canonical form."""
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        canonical = normalise(value)  # says what form is expected if it is not one
        if compiled.search(value) is None:
            raise ValueError(f"'{value.strip()}' is not written in the expected form")
        return canonical

    return AfterValidator(check)


POSTCODE = r"^ ?([A-Za-z]{1,2}[0-9][A-Za-z0-9]?|[Gg][Ii][Rr]) ?[0-9][A-Za-z]{2} ?$"
AREA_CODE = r"^ ?[A-Za-z]{1,2}([0-9][A-Za-z0-9]?)? ?$"
COMPANY_NUMBER = r"^ ?([0-9]{1,8}|[A-Za-z]{2}[0-9]{6}|[Rr]0[0-9]{6}) ?$"
CPV_CODE = r"^ ?[0-9]{8}-[0-9] ?$"
CURRENCY = r"^ ?[A-Za-z]{3} ?$"
TENDER_REFERENCE = r"^ ?[A-Za-z0-9][A-Za-z0-9/_.-]{0,49} ?$"

# An address as people write them; the parts a mail server may also take (quoted local
# parts, IP literals) are not accepted.
EMAIL = (
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)
Email = Annotated[
    str,
    documented(EMAIL, max_length=254, examples=["pat.finance@northborough.gov.uk"]),
    refusing(EMAIL, "Enter an email address in the right form, like name@example.gov.uk"),
    AfterValidator(str.strip),
]
Postcode = Annotated[
    str,
    documented(POSTCODE, max_length=10, examples=["NE29 6QF"]),
    identifier(POSTCODE, normalise_postcode),
]
AreaCode = Annotated[
    str,
    documented(AREA_CODE, max_length=10, examples=["NE29"]),
    identifier(AREA_CODE, normalise_area_code),
]
CompanyNumber = Annotated[
    str,
    documented(COMPANY_NUMBER, max_length=10, examples=["01234567"]),
    identifier(COMPANY_NUMBER, normalise_company_number),
]
CpvCode = Annotated[
    str,
    documented(CPV_CODE, max_length=10, examples=["45000000-7"]),
    identifier(CPV_CODE, normalise_cpv_code),
]
Currency = Annotated[
    str,
    documented(CURRENCY, max_length=3, examples=["GBP"]),
    identifier(CURRENCY, normalise_currency),
]
TenderReference = Annotated[
    str,
    documented(TENDER_REFERENCE, max_length=50, examples=["NBC/2026/014"]),
    identifier(TENDER_REFERENCE, normalise_tender_reference),
]


def decimal_pattern(
    digits: int, places: int, *, positive: bool = False, signed: bool = False, up_to: int = 0
) -> str:
    """A pattern for decimals written in ASCII digits, with no exponent or leading zeros.

    At most `digits` digits before the point and `places` after it; `up_to` (a power of
    ten) adds that one value, so 0 to 100 is `decimal_pattern(2, 2, up_to=100)`;
    `positive` leaves out zero, `signed` allows a minus sign.
    """
    fraction = rf"(\.[0-9]{{1,{places}}})?"
    options = [rf"[1-9][0-9]{{0,{digits - 1}}}{fraction}" if digits > 1 else f"[1-9]{fraction}"]
    if positive:
        # Below one: some digit after the point must not be zero.
        tiny = "|".join(
            "0" * zeros + f"[1-9][0-9]{{0,{places - 1 - zeros}}}" for zeros in range(places)
        )
        options.append(rf"0\.({tiny})")
    else:
        options.append(f"0{fraction}")
    if up_to:
        options.append(rf"{up_to}(\.0{{1,{places}}})?")
    sign = "-?" if signed else ""
    return f"^{sign}({'|'.join(options)})$"


_DECIMAL_TEXT = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")


class DecimalText:
    """A decimal sent as a string of ASCII digits: its pattern, how the OpenAPI document
    describes it, and the check that refuses what the pattern does not allow.

    Its range is stated by `decimal_pattern`'s arguments; `whole_numbers` also accepts JSON
    whole numbers in that range. Refusals carry pydantic's own error types (such as
    `greater_than` or `decimal_max_places`), so that forms can word them for people.
    """

    def __init__(
        self,
        digits: int,
        places: int,
        *,
        positive: bool = False,
        signed: bool = False,
        up_to: int = 0,
        whole_numbers: tuple[int, int] | None = None,
    ) -> None:
        self.pattern = decimal_pattern(
            digits, places, positive=positive, signed=signed, up_to=up_to
        )
        self.places, self.positive, self.signed = places, positive, signed
        self.largest = Decimal(up_to) if up_to else Decimal(10**digits) - Decimal(10) ** -places
        self.whole_numbers = whole_numbers

    def documented(self, example: str, description: str | None = None) -> Any:
        """The field's OpenAPI description: a string with the pattern (or a whole number)."""
        schema: dict[str, Any] = {"type": "string", "pattern": self.pattern}
        if self.whole_numbers is not None:
            # JSON Schema applies a pattern to strings only, and a range to numbers only.
            lowest, highest = self.whole_numbers
            schema |= {"type": ["string", "integer"], "minimum": lowest, "maximum": highest}
        return Field(description=description, examples=[example], json_schema_extra=schema)

    @property
    def check(self) -> BeforeValidator:
        """The validator: a Decimal from the text, or the reason it is refused."""
        return BeforeValidator(self._decimal)

    def _decimal(self, value: object) -> object:
        if isinstance(value, Decimal):  # made by the service itself, not sent
            return value
        if self.whole_numbers is not None and isinstance(value, int | float):
            lowest, highest = self.whole_numbers
            # 2.0 is a whole number to JSON Schema; True is not a number at all.
            whole = not isinstance(value, bool) and float(value).is_integer()
            if whole and lowest <= value <= highest:
                return Decimal(int(value))
        if not isinstance(value, str):
            raise PydanticCustomError("decimal_type", "Give the number as a string of digits")
        if re.search(self.pattern, value) is not None:
            return Decimal(value)
        raise self._refusal(value)

    def _refusal(self, text: str) -> PydanticCustomError:
        if _DECIMAL_TEXT.search(text) is None:
            return PydanticCustomError(
                "decimal_parsing", "Give the number in digits, such as 1250.50"
            )
        amount = Decimal(text)
        if amount.as_tuple().exponent < -self.places:  # type: ignore[operator]
            return PydanticCustomError(
                "decimal_max_places",
                "Decimal input should have no more than {decimal_places} decimal places",
                {"decimal_places": self.places},
            )
        if self.positive and amount <= 0:
            return PydanticCustomError(
                "greater_than", "Input should be greater than {gt}", {"gt": 0}
            )
        if not self.signed and amount < 0:
            return PydanticCustomError(
                "greater_than_equal", "Input should be greater than or equal to {ge}", {"ge": 0}
            )
        if abs(amount) > self.largest:
            return PydanticCustomError(
                "less_than_equal",
                "Input should be less than or equal to {le}",
                {"le": str(self.largest)},
            )
        return PydanticCustomError(
            "decimal_parsing", "Write the number without leading zeros or a trailing point"
        )


def _in_pence(value: Decimal) -> Decimal:
    # "95000" and "95000.00" are the same amount; answer with the form a re-read returns.
    return value.quantize(Decimal("0.01"))


def _plain(value: Decimal) -> str:
    return format(value, "f")


# Decimals go out as they came in: digits, never in exponent form ("1E+3").
AS_PLAIN_TEXT = PlainSerializer(_plain, return_type=str, when_used="json")
# A decimal as every response carries it.
DECIMAL = r"^-?[0-9]+(\.[0-9]+)?$"
DecimalString = Annotated[
    Decimal, AS_PLAIN_TEXT, Field(json_schema_extra={"type": "string", "pattern": DECIMAL})
]
MONEY = DecimalText(13, 2)
POSITIVE_MONEY = DecimalText(13, 2, positive=True)
# Pounds and pence, up to 15 digits; a budget or forecast may be nothing yet.
Money = Annotated[
    Decimal,
    MONEY.documented("125000.00"),
    MONEY.check,
    AfterValidator(_in_pence),
    AS_PLAIN_TEXT,
]
PositiveMoney = Annotated[
    Decimal,
    POSITIVE_MONEY.documented("125000.00"),
    POSITIVE_MONEY.check,
    AfterValidator(_in_pence),
    AS_PLAIN_TEXT,
]


def _as_iso_date(value: object) -> object:
    if isinstance(value, (date, datetime)):
        return value
    if not isinstance(value, str) or re.search(ISO_DATE, value) is None:
        raise ValueError("Give the date as YYYY-MM-DD, for example 2027-01-31")
    return value


def _as_iso_time(value: object) -> object:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or re.search(ISO_DATE_TIME, value) is None:
        raise ValueError(
            "Give the time in ISO 8601 with a timezone, for example 2027-01-31T12:00:00Z"
        )
    return value


def _require_timezone(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("Give the time with a timezone, for example 2027-01-31T12:00:00Z")
    try:
        return value.astimezone(UTC)
    except OverflowError:  # e.g. 9999-12-31T23:59-01:00 is past the last representable year
        raise ValueError("Give a time between the years 1 and 9999, in UTC") from None


IsoDate = Annotated[date, BeforeValidator(_as_iso_date)]
UtcDateTime = Annotated[
    datetime,
    Field(json_schema_extra={"pattern": ISO_DATE_TIME}),
    BeforeValidator(_as_iso_time),
    AfterValidator(_require_timezone),
]


def _flag(value: object) -> object:
    # Not pydantic's Strict(): Litestar validates bodies with strict=False, which overrides it.
    if type(value) is not bool:
        raise ValueError("Give true or false")
    return value


def _whole_number(value: object) -> object:
    # JSON does not tell 2 from 2.0, and neither does JSON Schema's "integer"; "2" is text.
    if type(value) is float and value.is_integer():
        return int(value)
    if type(value) is not int:
        raise ValueError("Give a whole number, without quotes")
    return value


Flag = Annotated[bool, BeforeValidator(_flag)]
WholeNumber = Annotated[int, BeforeValidator(_whole_number)]
Password = Annotated[str, Field(min_length=12, max_length=200)]
Version = Annotated[
    WholeNumber, Field(ge=1, description="The version you read; a stale one is refused")
]
