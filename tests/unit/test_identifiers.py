"""Companies House numbers, CPV codes, currencies and tender references."""

from collections.abc import Callable

import pytest

from procurement.domain.identifiers import (
    normalise_company_number,
    normalise_cpv_code,
    normalise_currency,
    normalise_tender_reference,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("01234567", "01234567"),
        ("1234567", "01234567"),
        ("123", "00000123"),
        (" 0123 4567 ", "01234567"),
        ("SC123456", "SC123456"),
        ("sc123456", "SC123456"),
        ("ni 012345", "NI012345"),
        ("OC301234", "OC301234"),
        ("R0123456", "R0123456"),
    ],
)
def test_company_numbers_are_padded_and_upper_cased(raw: str, expected: str) -> None:
    assert normalise_company_number(raw) == expected


@pytest.mark.parametrize(
    "junk",
    ["", "123456789", "SC12345", "SC1234567", "S1234567", "ABC12345", "12-34567", "SC12345X"],
)
def test_malformed_company_numbers_are_refused(junk: str) -> None:
    with pytest.raises(ValueError, match="not a Companies House number"):
        normalise_company_number(junk)


def test_only_all_digit_company_numbers_are_padded() -> None:
    # Padding "SC1234" would invent a different company, so a short prefixed number is refused.
    with pytest.raises(ValueError):
        normalise_company_number("SC1234")


@pytest.mark.parametrize(
    ("raw", "expected"), [("45000000-7", "45000000-7"), (" 45454000-4 ", "45454000-4")]
)
def test_cpv_codes_are_trimmed(raw: str, expected: str) -> None:
    assert normalise_cpv_code(raw) == expected


@pytest.mark.parametrize(
    "junk", ["45000000", "4500000-7", "45000000-77", "ABCDEFGH-1", "45000000 7"]
)
def test_malformed_cpv_codes_are_refused(junk: str) -> None:
    with pytest.raises(ValueError, match="not a CPV code"):
        normalise_cpv_code(junk)


@pytest.mark.parametrize(("raw", "expected"), [("GBP", "GBP"), ("gbp", "GBP"), (" eur ", "EUR")])
def test_currencies_are_upper_cased(raw: str, expected: str) -> None:
    assert normalise_currency(raw) == expected


@pytest.mark.parametrize("junk", ["", "GB", "POUND", "£", "G8P", "GB P"])
def test_malformed_currencies_are_refused(junk: str) -> None:
    with pytest.raises(ValueError, match="three-letter currency code"):
        normalise_currency(junk)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("nbc/2026/014", "NBC/2026/014"),
        (" WVBC/2026/031 ", "WVBC/2026/031"),
        ("a", "A"),
        ("1_B.c-D", "1_B.C-D"),
        ("R" * 50, "R" * 50),
    ],
)
def test_tender_references_are_upper_cased(raw: str, expected: str) -> None:
    assert normalise_tender_reference(raw) == expected


@pytest.mark.parametrize("junk", ["", "/NBC/1", "-1", "NBC 2026", "NBC#1", "R" * 51])
def test_malformed_tender_references_are_refused(junk: str) -> None:
    with pytest.raises(ValueError, match="A reference is up to 50"):
        normalise_tender_reference(junk)


@pytest.mark.parametrize(
    ("normalise", "raw"),
    [
        (normalise_company_number, "sc 123456"),
        (normalise_cpv_code, " 45000000-7"),
        (normalise_currency, "gbp"),
        (normalise_tender_reference, "nbc/1"),
    ],
)
def test_normalising_twice_changes_nothing(normalise: Callable[[str], str], raw: str) -> None:
    once = normalise(raw)
    assert normalise(once) == once
