"""A publication's snapshot: the capital programme's figures for a period, frozen as plain JSON
data. Every file and page of the publication is made from it, and from nothing else, so what
was published can always be shown again exactly as it was.

Money and percentages are decimal strings ("1250000.00", "12.50"), never floats; financial
years are written as councils write them ("2026/27").
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from procurement.domain.capital import FundingSource, Period, ProjectStatus, financial_year_label
from procurement.services.capital_figures import (
    VARIANCE_THRESHOLD_PERCENT,
    LinkedContract,
    ProgrammeFigures,
    ProgrammeTotals,
    ProjectFigures,
    needs_explanation,
    percent,
    programme_totals,
    variance_flag,
)

SNAPSHOT_FORMAT = "capital-programme-summary/1"
TOP_SCHEMES = 20
CENT = Decimal("0.01")
ZERO = Decimal("0.00")

FUNDING_NAMES = {
    FundingSource.BORROWING: "Borrowing",
    FundingSource.GOVERNMENT_GRANTS: "Government grants",
    FundingSource.CAPITAL_RECEIPTS: "Capital receipts",
    FundingSource.DEVELOPER_CONTRIBUTIONS: "Developer contributions",
    FundingSource.REVENUE_CONTRIBUTIONS: "Revenue contributions",
    FundingSource.OTHER: "Other",
}
STATUS_NAMES = {
    ProjectStatus.PROPOSED: "Proposed",
    ProjectStatus.APPROVED: "Approved",
    ProjectStatus.IN_DELIVERY: "In delivery",
    ProjectStatus.COMPLETE: "Complete",
    ProjectStatus.CANCELLED: "Cancelled",
}


@dataclass(frozen=True)
class SnapshotHeader:
    """Who publishes what: everything in a snapshot that is not a figure."""

    organisation: str
    title: str
    period: Period
    version: int
    supersedes_version: int | None
    correction_note: str
    published_at: datetime
    published_by: str
    # The organisation's audit chain head when publishing: {organisation_id, position, hash}.
    audit_chain: dict[str, Any] | None = None


def amount(value: Decimal) -> str:
    """Money or a percentage as the snapshot keeps it: two places, e.g. "1250.00"."""
    return f"{value.quantize(CENT, rounding=ROUND_HALF_UP):f}"


def over_threshold(project: ProjectFigures) -> bool:
    """True when the scheme's variance is more than the threshold share of its budget."""
    return needs_explanation(project.approved_budget, project.variance, "")


def _totals(totals: ProgrammeTotals, count: int) -> dict[str, Any]:
    return {
        "project_count": count,
        "approved_budget": amount(totals.approved_budget),
        "forecast_outturn": amount(totals.forecast_outturn),
        "spend_to_date": amount(totals.spend_to_date),
        "percent_spent": amount(totals.percent_spent),
        "variance": amount(totals.variance),
        "variance_percent": amount(totals.variance_percent),
        "variance_flag": variance_flag(totals.variance).value,
        "slippage": amount(totals.slippage),
        "local_spend": amount(totals.local_spend),
        "sme_vcse_spend": amount(totals.sme_vcse_spend),
        "local_share": amount(totals.local_share),
        "social_value_committed": amount(totals.social_value_committed),
    }


def _groups(
    projects: Iterable[ProjectFigures], key: Callable[[ProjectFigures], str]
) -> list[dict[str, Any]]:
    """The schemes' totals per group (service area, ward), largest budget first."""
    grouped: dict[str, list[ProjectFigures]] = defaultdict(list)
    for project in projects:
        grouped[key(project)].append(project)
    rows = [
        {"name": name, **_totals(programme_totals(members), len(members))}
        for name, members in grouped.items()
    ]
    return sorted(rows, key=lambda row: (-Decimal(row["approved_budget"]), row["name"]))


def _funding(projects: Iterable[ProjectFigures], budget: Decimal) -> list[dict[str, Any]]:
    sums = dict.fromkeys(FundingSource, ZERO)
    for project in projects:
        for source, value in project.funding.items():
            sums[source] += value
    return [
        {
            "source": source.value,
            "name": FUNDING_NAMES[source],
            "amount": amount(total),
            "share": amount(percent(total, budget)),
        }
        for source, total in sums.items()
        if total
    ]


def _years(projects: Iterable[ProjectFigures]) -> list[dict[str, Any]]:
    profiled: dict[int, Decimal] = defaultdict(Decimal)
    spent: dict[int, Decimal] = defaultdict(Decimal)
    for project in projects:
        for year, value in project.profile.items():
            profiled[year] += value
        for year, value in project.spend_by_year.items():
            spent[year] += value
    return [
        {
            "year": financial_year_label(year),
            "profiled_budget": amount(profiled.get(year, ZERO)),
            "spend": amount(spent.get(year, ZERO)),
        }
        for year in sorted(profiled.keys() | spent.keys())
    ]


def _scheme(project: ProjectFigures) -> dict[str, Any]:
    return {
        "code": project.code,
        "name": project.name,
        "service_area": project.service_area,
        "ward": project.ward,
        "status": STATUS_NAMES[project.status],
        "start_date": project.start_date.isoformat() if project.start_date else None,
        "end_date": project.end_date.isoformat() if project.end_date else None,
        "approved_budget": amount(project.approved_budget),
        "forecast_outturn": amount(project.forecast_outturn),
        "spend_to_date": amount(project.spend_to_date),
        "percent_spent": amount(project.percent_spent),
        "variance": amount(project.variance),
        "variance_percent": amount(project.variance_percent),
        "variance_flag": project.variance_flag.value,
        "variance_explanation": project.variance_explanation,
        "slippage": amount(project.slippage),
        "local_spend": amount(project.local_spend),
        "sme_vcse_spend": amount(project.sme_vcse_spend),
        "local_share": amount(project.local_share),
        "social_value_committed": amount(project.social_value_committed),
        "funding": {source.value: amount(value) for source, value in project.funding.items()},
        "profile": {financial_year_label(y): amount(v) for y, v in project.profile.items()},
        "spend_by_year": {
            financial_year_label(y): amount(v) for y, v in project.spend_by_year.items()
        },
        "contracts": [contract.reference for contract in project.linked],
    }


def _variances(projects: Iterable[ProjectFigures]) -> list[dict[str, Any]]:
    """Schemes over the threshold (explained, or publication is refused) or explained anyway,
    largest variance first."""
    noted = [p for p in projects if over_threshold(p) or p.variance_explanation.strip()]
    noted.sort(key=lambda p: (-abs(p.variance), p.code))
    return [
        {
            "code": p.code,
            "name": p.name,
            "approved_budget": amount(p.approved_budget),
            "forecast_outturn": amount(p.forecast_outturn),
            "variance": amount(p.variance),
            "variance_percent": amount(p.variance_percent),
            "variance_flag": p.variance_flag.value,
            "over_threshold": over_threshold(p),
            "explanation": p.variance_explanation,
        }
        for p in noted
    ]


def _contract(contract: LinkedContract, schemes: list[str]) -> dict[str, Any]:
    return {
        "reference": contract.reference,
        "title": contract.title,
        "supplier": contract.supplier_name,
        "contract_value": amount(contract.contract_value),
        "is_local": contract.is_local,
        "is_sme": contract.is_sme,
        "is_vcse": contract.is_vcse,
        "social_value": amount(contract.social_value),
        "awarded_on": contract.awarded_on.isoformat(),
        "schemes": schemes,
    }


def _social_value(projects: Iterable[ProjectFigures], total: Decimal) -> dict[str, Any]:
    """Each linked contract once, however many schemes it delivers, most social value first."""
    contracts: dict[Any, LinkedContract] = {}
    schemes: dict[Any, list[str]] = defaultdict(list)
    for project in projects:
        for contract in project.linked:
            contracts[contract.tender_id] = contract
            schemes[contract.tender_id].append(project.code)
    ordered = sorted(contracts.values(), key=lambda c: (-c.social_value, c.reference))
    return {
        "total": amount(total),
        "contracts": [_contract(c, schemes[c.tender_id]) for c in ordered],
    }


def _chart(
    chart_id: str, title: str, series: list[str], rows: list[tuple[str, list[Decimal]]]
) -> dict[str, Any]:
    return {
        "id": chart_id,
        "title": title,
        "unit": "pounds",
        "series": series,
        "rows": [{"label": label, "values": [amount(v) for v in values]} for label, values in rows],
    }


def _unspent(budget: str, spend: str) -> Decimal:
    return max(Decimal(budget) - Decimal(spend), ZERO)


def _charts(
    areas: list[dict[str, Any]], funding: list[dict[str, Any]], years: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The charts' data: each chart is drawn from it, and each has a table of the same rows."""
    return [
        _chart(
            "spend-by-service-area",
            "Spend to date against approved budget, by service area",
            ["Spend to date", "Budget not yet spent"],
            [
                (
                    a["name"],
                    [
                        Decimal(a["spend_to_date"]),
                        _unspent(a["approved_budget"], a["spend_to_date"]),
                    ],
                )
                for a in areas
            ],
        ),
        _chart(
            "funding-by-source",
            "Approved budget by funding source",
            ["Funding"],
            [(f["name"], [Decimal(f["amount"])]) for f in funding],
        ),
        _chart(
            "spend-by-year",
            "Spend against the budget profiled for each financial year",
            ["Spend", "Profiled budget not spent"],
            [
                (y["year"], [Decimal(y["spend"]), _unspent(y["profiled_budget"], y["spend"])])
                for y in years
            ],
        ),
        _chart(
            "local-spend-by-service-area",
            "Spend with local suppliers, by service area",
            ["Local spend", "Other spend"],
            [
                (
                    a["name"],
                    [Decimal(a["local_spend"]), _unspent(a["spend_to_date"], a["local_spend"])],
                )
                for a in areas
            ],
        ),
    ]


def build_snapshot(figures: ProgrammeFigures, header: SnapshotHeader) -> dict[str, Any]:
    """The publication's frozen content: totals, breakdowns, explained variances, top schemes,
    social value, chart data and every scheme's row."""
    projects = figures.projects
    totals = figures.totals
    areas = _groups(projects, lambda p: p.service_area)
    funding = _funding(projects, totals.approved_budget)
    years = _years(projects)
    largest = sorted(projects, key=lambda p: (-p.approved_budget, p.code))[:TOP_SCHEMES]
    return {
        "format": SNAPSHOT_FORMAT,
        "organisation": header.organisation,
        "title": header.title,
        "period": {
            "label": header.period.label,
            "start": header.period.start.isoformat(),
            "end": header.period.end.isoformat(),
        },
        "as_at": figures.as_at.isoformat(),
        "version": header.version,
        "supersedes_version": header.supersedes_version,
        "correction_note": header.correction_note,
        "published_at": header.published_at.isoformat(),
        "published_by": header.published_by,
        **({} if header.audit_chain is None else {"audit_chain": header.audit_chain}),
        "variance_threshold_percent": amount(VARIANCE_THRESHOLD_PERCENT),
        "totals": _totals(totals, len(projects)),
        "by_service_area": areas,
        "by_ward": _groups(projects, lambda p: p.ward),
        "by_funding_source": funding,
        "by_financial_year": years,
        "variances": _variances(projects),
        "top_schemes": [_scheme(p) for p in largest],
        "social_value": _social_value(projects, totals.social_value_committed),
        "charts": _charts(areas, funding, years),
        "schemes": [_scheme(p) for p in projects],
    }
