"""Template filters and globals for the pages: money, London times, roles and status tags."""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from litestar.plugins.jinja import JinjaTemplateEngine

from procurement.domain.lifecycle import TenderStatus
from procurement.domain.roles import Role

LONDON = ZoneInfo("Europe/London")

CURRENCY_SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$"}

ROLE_NAMES = {
    Role.ADMIN: "administrator",
    Role.PROCUREMENT: "procurement officer",
    Role.EVALUATOR: "evaluator",
    Role.FINANCE: "finance officer",
    Role.SUPPLIER: "supplier",
}

# Every status has its own colour, but the tag text always names the status too.
STATUS_TAG_CLASSES = {
    TenderStatus.DRAFT: "govuk-tag--grey",
    TenderStatus.OPEN: "govuk-tag--green",
    TenderStatus.CLOSED: "govuk-tag--blue",
    TenderStatus.EVALUATING: "govuk-tag--purple",
    TenderStatus.AWARDED: "govuk-tag--turquoise",
    TenderStatus.CANCELLED: "govuk-tag--red",
}


def money(value: Decimal | int | str | None, currency: str = "GBP") -> str:
    """An amount such as £1,234.00 (or EUR 1,234.00 for a currency without a symbol here)."""
    if value is None:
        return ""
    amount = f"{Decimal(value):,.2f}"
    symbol = CURRENCY_SYMBOLS.get(currency)
    return f"{symbol}{amount}" if symbol else f"{currency} {amount}"


def to_london(value: datetime) -> datetime:
    """The moment in UK local time (stored times are UTC; naive ones are taken as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(LONDON)


def clock_time(value: datetime) -> str:
    """A time of day in GOV.UK style: 9am, 5:30pm, midday, midnight."""
    if (value.hour, value.minute) == (0, 0):
        return "midnight"
    if (value.hour, value.minute) == (12, 0):
        return "midday"
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{hour}{suffix}" if value.minute == 0 else f"{hour}:{value.minute:02d}{suffix}"


def london_date(value: datetime | None) -> str:
    """A date such as 4 March 2026, in UK local time."""
    if value is None:
        return ""
    local = to_london(value)
    return f"{local.day} {local:%B %Y}"


def london_datetime(value: datetime | None) -> str:
    """A moment such as 4 March 2026 at 5:30pm, in UK local time."""
    if value is None:
        return ""
    return f"{london_date(value)} at {clock_time(to_london(value))}"


def role_name(role: Role | str) -> str:
    """How a role is described to people: 'procurement officer' rather than 'procurement'."""
    return ROLE_NAMES.get(Role(role), str(role))


def status_tag_class(status: TenderStatus | str) -> str:
    """The GOV.UK tag colour for a tender status."""
    return STATUS_TAG_CLASSES.get(TenderStatus(status), "")


FILTERS: dict[str, Any] = {
    "money": money,
    "london_date": london_date,
    "london_datetime": london_datetime,
    "role_name": role_name,
    "status_tag_class": status_tag_class,
}


def register_template_helpers(engine: JinjaTemplateEngine) -> None:
    """Add the page filters to the app's Jinja environment (the one place they are registered)."""
    engine.engine.filters.update(FILTERS)
