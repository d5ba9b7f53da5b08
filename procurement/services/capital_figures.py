"""The capital programme's derived figures, per scheme and in total, on a given date.

How each figure is worked out:
- Spend to date: payments against the scheme paid on or before `as_at`; later ones do not
  count yet. Contracts likewise count once awarded on or before `as_at`.
- % spent: spend to date / approved budget x 100, to 2 places (0 on a zero budget).
- Variance: forecast outturn - approved budget. Above 0 is adverse (an overspend), below 0
  favourable. A variance needs an explanation when it is more than 10% of the budget either
  way and none is written. The test is on the exact amounts, not the rounded percentage, so
  10.001% needs one although it shows as 10.00%; on a zero budget any variance needs one.
- Slippage: the budget profiled for the financial years up to and including the one `as_at`
  falls in, less spend to date, when that is positive: money slipping into later years.
- Local spend: payments whose beneficiary is a registered supplier in the organisation's local
  area (judged from its postcode, as for bids). SME/VCSE spend: payments whose beneficiary is
  a registered SME or VCSE supplier. Local share: local spend / spend to date x 100.
- Beneficiaries are matched to the supplier register by name, ignoring case and whitespace:
  both names are case-folded and every run of whitespace becomes one space, with none at either
  end, so "ACME  lighting ltd " is "Acme Lighting Ltd". A name several suppliers share counts as
  local (or SME/VCSE) when any of them is; a name not on the register counts as neither.
- Social value of a linked contract: the winning bid's commitments, each quantity times the
  catalogue's value per unit in force on the tender's valuation date (its publication date,
  the date its evaluation used), to the penny; a measure with no value that day counts 0.
- Totals add up the schemes' figures, except the shares and percentages, which are worked out
  from the totals, and the social value committed, which counts each contract once however
  many schemes it delivers. Cancelled schemes are included; their status says so.

Spend is summed in the database, by scheme and financial year and by scheme and beneficiary,
and funding, profiles and contracts are read in one query each, so the cost grows with the
number of schemes and beneficiaries, not with the number of payments.
"""

import bisect
import uuid
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from procurement.domain.capital import (
    FINANCIAL_YEAR_START_MONTH,
    FundingSource,
    ProjectStatus,
    financial_year_of,
)
from procurement.domain.postcodes import is_in_local_area
from procurement.models import (
    Award,
    Bid,
    CapitalProject,
    Measure,
    MeasureValue,
    Organisation,
    ProjectBudgetProfile,
    ProjectFunding,
    ProjectTender,
    SpendTransaction,
    Supplier,
    Tender,
)
from procurement.schemas.capital_project import VarianceFlag

VARIANCE_THRESHOLD_PERCENT = Decimal("10")
CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)
SOURCE_ORDER = {source: position for position, source in enumerate(FundingSource)}
# Schemes are read as plain rows: figuring thousands needs none of the ORM's bookkeeping.
_PROJECTS = sa.inspect(CapitalProject).local_table


@dataclass(frozen=True)
class LinkedContract:
    """An awarded contract delivering a scheme, as its winning bid stands."""

    tender_id: uuid.UUID
    reference: str
    title: str
    supplier_name: str
    contract_value: Decimal  # the winning bid's price
    is_local: bool
    is_sme: bool
    is_vcse: bool
    social_value: Decimal  # the winning bid's commitments x the catalogue's proxy values
    awarded_on: date


@dataclass(frozen=True)
class ProjectFigures:
    """One scheme's figures on a date."""

    id: uuid.UUID
    code: str
    name: str
    service_area: str
    ward: str
    status: ProjectStatus
    approved_budget: Decimal
    forecast_outturn: Decimal
    funding: dict[FundingSource, Decimal]
    profile: dict[int, Decimal]  # financial year (by its first calendar year) -> budget
    spend_to_date: Decimal
    spend_by_year: dict[int, Decimal]
    percent_spent: Decimal
    variance: Decimal
    variance_percent: Decimal
    variance_flag: VarianceFlag
    variance_explanation: str
    needs_explanation: bool
    slippage: Decimal
    local_spend: Decimal
    sme_vcse_spend: Decimal
    local_share: Decimal
    social_value_committed: Decimal
    linked: list[LinkedContract]
    start_date: date | None = None
    end_date: date | None = None


@dataclass(frozen=True)
class ProgrammeTotals:
    """The programme's figures: sums of the schemes', with shares worked out from the sums."""

    approved_budget: Decimal
    forecast_outturn: Decimal
    spend_to_date: Decimal
    variance: Decimal
    slippage: Decimal
    local_spend: Decimal
    sme_vcse_spend: Decimal
    local_share: Decimal
    social_value_committed: Decimal
    percent_spent: Decimal = ZERO
    variance_percent: Decimal = ZERO


@dataclass(frozen=True)
class ProgrammeFigures:
    """Every scheme's figures on a date (ordered by code), and their totals."""

    as_at: date
    projects: list[ProjectFigures]
    totals: ProgrammeTotals

    def unexplained(self) -> list[ProjectFigures]:
        """The schemes whose variance needs an explanation before publication."""
        return [p for p in self.projects if p.needs_explanation]


def name_key(name: str) -> str:
    """A name as beneficiaries and suppliers are matched: case-folded, whitespace collapsed."""
    return " ".join(name.split()).casefold()


def percent(part: Decimal, whole: Decimal) -> Decimal:
    """part / whole x 100 to 2 places, rounding halves up; 0 when the whole is 0."""
    if whole == 0:
        return ZERO
    return (part * HUNDRED / whole).quantize(CENT, rounding=ROUND_HALF_UP)


def variance_flag(variance: Decimal) -> VarianceFlag:
    """Adverse above budget, favourable below, on budget when equal."""
    if variance > 0:
        return VarianceFlag.ADVERSE
    if variance < 0:
        return VarianceFlag.FAVOURABLE
    return VarianceFlag.ON_BUDGET


def needs_explanation(budget: Decimal, variance: Decimal, explanation: str) -> bool:
    """True when the variance is over the threshold share of the budget and unexplained."""
    if explanation.strip():
        return False
    if budget == 0:
        return variance != 0
    return abs(variance) * HUNDRED > VARIANCE_THRESHOLD_PERCENT * budget


def slippage(profile: dict[int, Decimal], spend_to_date: Decimal, as_at: date) -> Decimal:
    """Budget profiled up to and including `as_at`'s financial year not yet spent (or 0)."""
    year = financial_year_of(as_at)
    due = sum((amount for y, amount in profile.items() if y <= year), ZERO)
    return max(due - spend_to_date, ZERO)


class _Scope:
    """Which schemes are figured: all of an organisation's, or some of them."""

    def __init__(self, organisation_id: uuid.UUID, project_ids: Collection[uuid.UUID] | None):
        self.organisation_id = organisation_id
        self.project_ids = None if project_ids is None else list(project_ids)

    def restrict(
        self, statement: sa.Select[Any], project_column: Any, *, owned: bool = False
    ) -> sa.Select[Any]:
        """The statement kept to rows of the schemes in scope, by their scheme id column;
        `owned` when it already keeps to the organisation's rows."""
        if self.project_ids is not None:
            return statement.where(project_column.in_(self.project_ids))
        if owned:
            return statement
        # A join, not IN (subquery): on statistics a bulk load has made stale, PostgreSQL
        # has been seen to compare every row with every scheme for the subquery.
        return statement.join(_PROJECTS, _PROJECTS.c.id == project_column).where(
            _PROJECTS.c.organisation_id == self.organisation_id
        )


class ProxyValues:
    """The organisation's catalogue with every dated value, to value commitments on any day."""

    def __init__(self, rows: Iterable[tuple[str, date, Decimal]]) -> None:
        self._dates: dict[str, list[date]] = defaultdict(list)
        self._values: dict[str, list[Decimal]] = defaultdict(list)
        for code, effective_from, value in rows:  # ordered by code and date
            self._dates[code].append(effective_from)
            self._values[code].append(value)

    def value_on(self, code: str, day: date) -> Decimal | None:
        """The value per unit in force on the day, if any."""
        position = bisect.bisect_right(self._dates.get(code, []), day)
        return self._values[code][position - 1] if position else None

    def worth(self, commitments: list[dict[str, str]], day: date) -> Decimal:
        """The commitments' proxy value on the day, to the penny."""
        total = Decimal(0)
        for commitment in commitments:
            value = self.value_on(commitment["measure_code"], day)
            if value is not None:
                total += Decimal(commitment["quantity"]) * value
        return total.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class _Spend:
    """A scheme's spend to date: in each financial year, and with local and SME/VCSE
    beneficiaries."""

    by_year: dict[int, Decimal] = field(default_factory=dict)
    local: Decimal = ZERO
    sme_vcse: Decimal = ZERO


async def _registered(
    session: AsyncSession, organisation_id: uuid.UUID, local_area: list[str]
) -> tuple[set[str], set[str]]:
    """The names (as matched) of local suppliers, and of SME or VCSE suppliers."""
    rows = await session.execute(
        sa.select(
            col(Supplier.name), col(Supplier.postcode), col(Supplier.is_sme), col(Supplier.is_vcse)
        ).where(col(Supplier.organisation_id) == organisation_id)
    )
    local: set[str] = set()
    sme_vcse: set[str] = set()
    for name, postcode, is_sme, is_vcse in rows.tuples():
        if is_in_local_area(postcode, local_area):
            local.add(name_key(name))
        if is_sme or is_vcse:
            sme_vcse.add(name_key(name))
    return local, sme_vcse


def _paid_by(
    statement: sa.Select[Any], organisation_id: uuid.UUID, as_at: date, scope: _Scope
) -> sa.Select[Any]:
    """The statement kept to payments against the schemes in scope up to the date."""
    paid = statement.where(
        col(SpendTransaction.organisation_id) == organisation_id,
        col(SpendTransaction.paid_on) <= as_at,
    )
    return scope.restrict(paid, col(SpendTransaction.project_id), owned=True)


def _paid_to(names: list[str]) -> sa.ColumnElement[Any]:
    """A payment's amount when its beneficiary is one of the names as written, else 0."""
    # The names go into the statement as literals: there may be more of them than a
    # database takes bound parameters.
    spelled: sa.BindParameter[list[str]] = sa.bindparam(
        None, names, expanding=True, literal_execute=True
    )
    amount = col(SpendTransaction.amount)
    return sa.case((col(SpendTransaction.beneficiary).in_(spelled), amount), else_=0)


async def _spend(
    session: AsyncSession,
    organisation_id: uuid.UUID,
    as_at: date,
    scope: _Scope,
    local_area: list[str],
) -> dict[uuid.UUID, _Spend]:
    """Spend to date per scheme, summed in the database.

    Matching names ignores case and whitespace, which SQL cannot do portably, so the names
    beneficiaries are written with are read first (a few thousand, against many thousands of
    payments) and matched here; the sums then pick out payments by those spellings.
    """
    spellings = await session.scalars(
        _paid_by(
            sa.select(col(SpendTransaction.beneficiary)), organisation_id, as_at, scope
        ).distinct()
    )
    local_names, sme_vcse_names = await _registered(session, organisation_id, local_area)
    local: list[str] = []
    sme_vcse: list[str] = []
    for spelling in spellings:
        key = name_key(spelling)
        if key in local_names:
            local.append(spelling)
        if key in sme_vcse_names:
            sme_vcse.append(spelling)
    paid_on = col(SpendTransaction.paid_on)
    month = sa.cast(sa.extract("month", paid_on), sa.Integer)
    year = sa.cast(sa.extract("year", paid_on), sa.Integer) - sa.case(
        (month < FINANCIAL_YEAR_START_MONTH, 1), else_=0
    )
    # Grouped in an outer query: PostgreSQL would not take the year expression, with its
    # bound parameters, as the same one in the GROUP BY.
    payments = _paid_by(
        sa.select(
            col(SpendTransaction.project_id).label("project_id"),
            year.label("financial_year"),
            col(SpendTransaction.amount).label("amount"),
            _paid_to(local).label("local"),
            _paid_to(sme_vcse).label("sme_vcse"),
        ),
        organisation_id,
        as_at,
        scope,
    ).subquery()
    rows = await session.execute(
        sa.select(
            payments.c.project_id,
            payments.c.financial_year,
            sa.func.sum(payments.c.amount),
            sa.func.sum(payments.c.local),
            sa.func.sum(payments.c.sme_vcse),
        ).group_by(payments.c.project_id, payments.c.financial_year)
    )
    spend: dict[uuid.UUID, _Spend] = defaultdict(_Spend)
    for project_id, financial_year, amount, to_local, to_sme_vcse in rows.tuples():
        found = spend[project_id]
        found.by_year[int(financial_year)] = amount
        found.local += to_local
        found.sme_vcse += to_sme_vcse
    return spend


async def _funding(
    session: AsyncSession, scope: _Scope
) -> dict[uuid.UUID, dict[FundingSource, Decimal]]:
    rows = await session.execute(
        scope.restrict(
            sa.select(
                col(ProjectFunding.project_id),
                col(ProjectFunding.source),
                col(ProjectFunding.amount),
            ),
            col(ProjectFunding.project_id),
        )
    )
    funding: dict[uuid.UUID, dict[FundingSource, Decimal]] = defaultdict(dict)
    for project_id, source, amount in rows.tuples():
        funding[project_id][source] = amount
    return funding


async def _profiles(session: AsyncSession, scope: _Scope) -> dict[uuid.UUID, dict[int, Decimal]]:
    rows = await session.execute(
        scope.restrict(
            sa.select(
                col(ProjectBudgetProfile.project_id),
                col(ProjectBudgetProfile.financial_year),
                col(ProjectBudgetProfile.amount),
            ),
            col(ProjectBudgetProfile.project_id),
        )
    )
    profiles: dict[uuid.UUID, dict[int, Decimal]] = defaultdict(dict)
    for project_id, financial_year, amount in rows.tuples():
        profiles[project_id][financial_year] = amount
    return profiles


async def proxy_values(session: AsyncSession, organisation_id: uuid.UUID) -> ProxyValues:
    """The organisation's catalogue with all its dated values, read in one query."""
    rows = await session.execute(
        sa.select(
            col(Measure.code), col(MeasureValue.effective_from), col(MeasureValue.value_per_unit)
        )
        .join(MeasureValue, col(MeasureValue.measure_id) == col(Measure.id))
        .where(col(Measure.organisation_id) == organisation_id)
        .order_by(col(Measure.code), col(MeasureValue.effective_from))
    )
    return ProxyValues(rows.tuples())


async def _contracts(
    session: AsyncSession,
    organisation_id: uuid.UUID,
    as_at: date,
    scope: _Scope,
    local_area: list[str],
) -> dict[uuid.UUID, list[LinkedContract]]:
    linked = (
        sa.select(
            col(ProjectTender.project_id),
            col(Tender.id),
            col(Tender.reference),
            col(Tender.title),
            col(Tender.measure_values_on),
            col(Supplier.name),
            col(Supplier.postcode),
            col(Supplier.is_sme),
            col(Supplier.is_vcse),
            col(Bid.price),
            col(Bid.commitments),
            col(Award.decision_date),
        )
        .join(Tender, col(Tender.id) == col(ProjectTender.tender_id))
        .join(Award, col(Award.tender_id) == col(Tender.id))
        .join(Bid, col(Bid.id) == col(Award.bid_id))
        .join(Supplier, col(Supplier.id) == col(Bid.supplier_id))
        .where(col(Tender.organisation_id) == organisation_id, col(Award.decision_date) <= as_at)
        .order_by(col(Award.decision_date), col(Tender.reference))
    )
    rows = await session.execute(scope.restrict(linked, col(ProjectTender.project_id)))
    proxies = await proxy_values(session, organisation_id)
    contracts: dict[uuid.UUID, list[LinkedContract]] = defaultdict(list)
    for row in rows.tuples():
        project_id, tender_id, reference, title, valued_on, supplier = row[:6]
        postcode, is_sme, is_vcse, price, commitments, awarded_on = row[6:]
        contracts[project_id].append(
            LinkedContract(
                tender_id=tender_id,
                reference=reference,
                title=title,
                supplier_name=supplier,
                contract_value=price,
                is_local=is_in_local_area(postcode, local_area),
                is_sme=is_sme,
                is_vcse=is_vcse,
                social_value=proxies.worth(commitments, valued_on or awarded_on),
                awarded_on=awarded_on,
            )
        )
    return contracts


async def project_figures(
    session: AsyncSession,
    organisation_id: uuid.UUID,
    as_at: date,
    project_ids: Collection[uuid.UUID] | None = None,
) -> list[ProjectFigures]:
    """The figures of the organisation's schemes (all, or those named) on a date, by code."""
    scope = _Scope(organisation_id, project_ids)
    organisation = await session.get(Organisation, organisation_id)
    local_area = organisation.local_area if organisation else []
    statement = scope.restrict(
        sa.select(_PROJECTS)
        .where(_PROJECTS.c.organisation_id == organisation_id)
        .order_by(_PROJECTS.c.code),
        _PROJECTS.c.id,
        owned=True,
    )
    projects = (await session.execute(statement)).all()
    funding = await _funding(session, scope)
    profiles = await _profiles(session, scope)
    spend = await _spend(session, organisation_id, as_at, scope, local_area)
    contracts = await _contracts(session, organisation_id, as_at, scope, local_area)
    return [
        _figures(
            row,
            as_at,
            funding.get(row.id, {}),
            profiles.get(row.id, {}),
            spend.get(row.id, _Spend()),
            contracts.get(row.id, []),
        )
        for row in projects
    ]


def _figures(
    row: Any,
    as_at: date,
    funding: dict[FundingSource, Decimal],
    profile: dict[int, Decimal],
    paid: _Spend,
    linked: list[LinkedContract],
) -> ProjectFigures:
    spend = sum(paid.by_year.values(), ZERO)
    budget: Decimal = row.approved_budget
    variance: Decimal = row.forecast_outturn - budget
    return ProjectFigures(
        id=row.id,
        code=row.code,
        name=row.name,
        service_area=row.service_area,
        ward=row.ward,
        status=ProjectStatus(row.status),
        approved_budget=budget,
        forecast_outturn=row.forecast_outturn,
        funding=dict(sorted(funding.items(), key=lambda item: SOURCE_ORDER[item[0]])),
        profile=dict(sorted(profile.items())),
        spend_to_date=spend,
        spend_by_year=dict(sorted(paid.by_year.items())),
        percent_spent=percent(spend, budget),
        variance=variance,
        variance_percent=percent(variance, budget),
        variance_flag=variance_flag(variance),
        variance_explanation=row.variance_explanation,
        needs_explanation=needs_explanation(budget, variance, row.variance_explanation),
        slippage=slippage(profile, spend, as_at),
        local_spend=paid.local,
        sme_vcse_spend=paid.sme_vcse,
        local_share=percent(paid.local, spend),
        social_value_committed=sum((c.social_value for c in linked), ZERO),
        linked=linked,
        start_date=row.start_date,
        end_date=row.end_date,
    )


def programme_totals(projects: list[ProjectFigures]) -> ProgrammeTotals:
    """The totals of a set of schemes' figures."""

    def total(name: str) -> Decimal:
        return sum((getattr(p, name) for p in projects), ZERO)

    contracts = {c.tender_id: c.social_value for p in projects for c in p.linked}
    budget, spend, local = total("approved_budget"), total("spend_to_date"), total("local_spend")
    variance = total("variance")
    return ProgrammeTotals(
        approved_budget=budget,
        forecast_outturn=total("forecast_outturn"),
        spend_to_date=spend,
        variance=variance,
        slippage=total("slippage"),
        local_spend=local,
        sme_vcse_spend=total("sme_vcse_spend"),
        local_share=percent(local, spend),
        social_value_committed=sum(contracts.values(), ZERO),
        percent_spent=percent(spend, budget),
        variance_percent=percent(variance, budget),
    )


async def programme_figures(
    session: AsyncSession, organisation_id: uuid.UUID, as_at: date
) -> ProgrammeFigures:
    """Every scheme of the organisation, with its figures on `as_at`, and the totals."""
    projects = await project_figures(session, organisation_id, as_at)
    return ProgrammeFigures(as_at=as_at, projects=projects, totals=programme_totals(projects))
