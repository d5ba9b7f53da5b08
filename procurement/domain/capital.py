"""The capital programme's vocabulary: scheme statuses, funding sources and the UK financial
year (1 April to 31 March), which budgets are profiled by and summaries are published for."""

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class ProjectStatus(StrEnum):
    """Where a capital scheme stands."""

    PROPOSED = "proposed"
    APPROVED = "approved"
    IN_DELIVERY = "in_delivery"
    COMPLETE = "complete"
    CANCELLED = "cancelled"


class FundingSource(StrEnum):
    """Where a scheme's money comes from."""

    BORROWING = "borrowing"
    GOVERNMENT_GRANTS = "government_grants"
    CAPITAL_RECEIPTS = "capital_receipts"
    DEVELOPER_CONTRIBUTIONS = "developer_contributions"
    REVENUE_CONTRIBUTIONS = "revenue_contributions"
    OTHER = "other"


FINANCIAL_YEAR_START_MONTH = 4


def financial_year_of(day: date) -> int:
    """The financial year a day falls in, named by the calendar year it starts in
    (2026 for 1 April 2026 to 31 March 2027)."""
    return day.year if day.month >= FINANCIAL_YEAR_START_MONTH else day.year - 1


def financial_year_label(start_year: int) -> str:
    """A financial year as councils write it: 2026 -> "2026/27"."""
    return f"{start_year}/{(start_year + 1) % 100:02d}"


_PERIOD = re.compile(r"^(\d{4})/(\d{2})(?: (Q[1-4]))?$")


@dataclass(frozen=True)
class Period:
    """A financial year ("2026/27") or one of its quarters ("2026/27 Q2", July to September)."""

    year: int
    quarter: int | None = None

    @classmethod
    def parse(cls, text: str) -> "Period":
        """Read "2026/27" or "2026/27 Q2"; raise ValueError naming the expected form."""
        found = _PERIOD.match(text.strip())
        if found is None or (int(found[1]) + 1) % 100 != int(found[2]):
            raise ValueError('Give a financial year or quarter, for example "2026/27 Q2"')
        quarter = int(found[3][1]) if found[3] else None
        return cls(int(found[1]), quarter)

    @property
    def label(self) -> str:
        """The period as written, e.g. "2026/27 Q2"."""
        year = financial_year_label(self.year)
        return year if self.quarter is None else f"{year} Q{self.quarter}"

    @property
    def start(self) -> date:
        """The first day of the period."""
        months = 0 if self.quarter is None else 3 * (self.quarter - 1)
        month = FINANCIAL_YEAR_START_MONTH + months
        return date(self.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)

    @property
    def end(self) -> date:
        """The last day of the period."""
        months = 12 if self.quarter is None else 3 * self.quarter
        month = FINANCIAL_YEAR_START_MONTH + months  # the first month after the period
        after = date(self.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
        return date.fromordinal(after.toordinal() - 1)
