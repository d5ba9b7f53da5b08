"""Format checks for the public identifiers the service records."""

import re

# Companies House numbers are eight characters: eight digits for England and Wales, or a
# two-letter register prefix (SC, NI, OC, SO, NC, R0, IP, SP, RS, ...) and six digits.
_COMPANY_NUMBER = re.compile(r"^(?:\d{8}|[A-Z]{2}\d{6}|R0\d{6})$")
# Common Procurement Vocabulary: eight digits, a hyphen and a check digit, e.g. 45000000-7.
_CPV_CODE = re.compile(r"^\d{8}-\d$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_TENDER_REFERENCE = re.compile(r"^[A-Z0-9][A-Z0-9/_.-]{0,49}$")


def normalise_company_number(raw: str) -> str:
    """Return a Companies House number in canonical form, or raise ValueError.

    Digits-only numbers shorter than eight are padded with leading zeros, as Companies
    House itself displays them.
    """
    compact = re.sub(r"\s+", "", raw).upper()
    if compact.isdigit() and len(compact) < 8:
        compact = compact.zfill(8)
    if not _COMPANY_NUMBER.match(compact):
        raise ValueError(
            f"'{raw.strip()}' is not a Companies House number: eight digits, "
            "or two letters and six digits, for example 01234567 or SC123456"
        )
    return compact


def normalise_cpv_code(raw: str) -> str:
    """Return a CPV code such as `45000000-7`, or raise ValueError."""
    code = raw.strip()
    if not _CPV_CODE.match(code):
        raise ValueError(f"'{code}' is not a CPV code: eight digits, a hyphen and a check digit")
    return code


def normalise_currency(raw: str) -> str:
    """Return an ISO 4217 currency code in upper case, or raise ValueError."""
    code = raw.strip().upper()
    if not _CURRENCY.match(code):
        raise ValueError(f"'{raw.strip()}' is not a three-letter currency code such as GBP")
    return code


def normalise_tender_reference(raw: str) -> str:
    """Return a tender reference in upper case, or raise ValueError."""
    reference = raw.strip().upper()
    if not _TENDER_REFERENCE.match(reference):
        raise ValueError(
            "A reference is up to 50 letters, digits, slashes, dots, hyphens or underscores, "
            "starting with a letter or digit"
        )
    return reference
