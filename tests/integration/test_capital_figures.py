"""procurement/services/capital_figures.py on both databases, against figures worked by hand.

The council's local area is NN8 and NE. Suppliers on its register:
    Nene Valley Builders Ltd       NN8 1AA   SME        local
    Tyneside Community Works CIC   NE1 4ST   VCSE       local
    National Construction plc      SW1A 1AA  neither    not local
    Midlands Joinery Ltd           B1 1AA    SME        not local
Catalogue: JOB-LOCAL £30,000.00 a unit from 1 April 2024, £32,000.00 from 1 June 2026;
VOL-HOUR £15.55 from 1 January 2020. The figures are as at 30 September 2026 (2026/27).

CAP-A  budget £200,000, forecast £220,000, profile 2025/26 £50,000, 2026/27 £100,000,
       2027/28 £50,000. Payments:
         15 Jun 2025  Nene Valley Builders Ltd          £40,000   2025/26
         31 Mar 2026  Midlands Joinery Ltd              £10,000   2025/26 (the year's last day)
          1 Apr 2026  " nene  VALLEY builders ltd "     £30,000   2026/27 (same supplier)
         30 Sep 2026  National Construction plc         £20,000   2026/27 (on the date: counts)
          1 Oct 2026  Nene Valley Builders Ltd          £25,000   after the date: not yet
       Spend to date 40,000 + 10,000 + 30,000 + 20,000 = £100,000: 2025/26 £50,000, 2026/27
       £50,000; 100,000 / 200,000 = 50.00% spent. Variance 220,000 - 200,000 = £20,000,
       exactly 10.00%: adverse, but not over 10%, so no explanation needed. Slippage: profiled
       to 2026/27 50,000 + 100,000 = 150,000, less 100,000 spent = £50,000. Local: Nene Valley
       40,000 + 30,000 = £70,000, 70.00% of spend; SME/VCSE: 70,000 + Midlands 10,000 = £80,000.
CAP-B  budget £100,000, forecast £110,000.01: variance £10,000.01 = 10.00001%, shown as
       10.00% but over 10%, and unexplained: needs an explanation. Profile 2026/27 £100,000.
       Payments 1 May 2026: Tyneside Community Works CIC £12,000, Unknown Traders £8,000 (not
       on the register). Spend £20,000 (20.00%); local and SME/VCSE £12,000, 60.00% local;
       slippage 100,000 - 20,000 = £80,000. Contracts: NBC/001, awarded to Nene Valley
       Builders on 15 May 2026 at £95,000 and valued on 1 May 2026: JOB-LOCAL 2.5 x 30,000 +
       VOL-HOUR 120 x 15.55 + 3 of a measure not in the catalogue (counts 0) = 75,000 + 1,866
       = £76,866.00. NBC/002, awarded to Midlands Joinery on 15 Oct 2026 (after the date, so
       not yet), valued on 1 July 2026: JOB-LOCAL 1 x 32,000 = £32,000.00.
CAP-C  cancelled; budget £50,000, forecast £44,000: variance -£6,000 = -12.00%, favourable,
       explained. Profile 2027/28 £50,000: nothing due yet, no slippage. No spend: 0.00% spent,
       0.00% local.
CAP-D  budget £80,000, forecast £80,000: on budget. Profile 2026/27 £80,000, no spend:
       slippage £80,000. Delivered by NBC/001 too: £76,866.00 of social value.
CAP-E  budget £10,000, forecast £8,000: -20.00%, favourable, unexplained: needs explaining.
       Profile 2027/28 £10,000.
Totals: budget 200,000 + 100,000 + 50,000 + 80,000 + 10,000 = £440,000; forecast
220,000 + 110,000.01 + 44,000 + 80,000 + 8,000 = £462,000.01; variance £22,000.01 (5.00%);
spend £120,000 (27.27%); slippage 50,000 + 80,000 + 80,000 = £210,000; local £82,000, 68.33%
of spend; SME/VCSE £92,000; social value £76,866.00, NBC/001 counted once for CAP-B and CAP-D.
As at 15 October 2026: CAP-A has also spent the £25,000 of 1 October (£125,000), and CAP-B has
NBC/002 too: £76,866.00 + £32,000.00 = £108,866.00; the programme's social value £108,866.00.
"""

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from procurement.domain.capital import FundingSource, ProjectStatus
from procurement.domain.roles import Role
from procurement.schemas.capital_project import (
    CapitalProjectCreate,
    CapitalProjectUpdate,
    VarianceFlag,
)
from procurement.services.capital_figures import (
    ProgrammeFigures,
    ProgrammeTotals,
    ProjectFigures,
    needs_explanation,
    programme_figures,
)
from procurement.services.capital_projects import CapitalProjectService
from tests.capital_factories import awarded_tender, make_payments, project_body
from tests.factories import make_measure, make_supplier
from tests.integration.support import Council

AS_AT = date(2026, 9, 30)
D = Decimal


@dataclass(frozen=True)
class Programme:
    """The council's schemes, by code, and the two contracts."""

    ids: dict[str, uuid.UUID]
    first_contract: uuid.UUID
    second_contract: uuid.UUID


async def add(
    session: AsyncSession, council: Council, code: str, budget: str, forecast: str, **more: Any
) -> uuid.UUID:
    """A scheme funded by borrowing, created by the council's finance officer."""
    body = project_body(
        code=code,
        approved_budget=budget,
        forecast_outturn=forecast,
        funding=[{"source": "borrowing", "amount": budget}],
        **more,
    )
    service = CapitalProjectService(session, council.as_role(Role.FINANCE))
    return (await service.create(CapitalProjectCreate.model_validate(body))).id


def year(start: int, amount: str) -> dict[str, Any]:
    """One profiled financial year."""
    return {"financial_year": start, "amount": amount}


@pytest.fixture
async def programme(session: AsyncSession, council: Council) -> Programme:
    """The schemes, suppliers, catalogue, contracts and payments of the module docstring."""
    organisation, officer = council.organisation, council.officer_user
    nene = await make_supplier(session, organisation, "Nene Valley Builders Ltd", "NN8 1AA")
    await make_supplier(
        session, organisation, "Tyneside Community Works CIC", "NE1 4ST", is_sme=False, is_vcse=True
    )
    await make_supplier(
        session, organisation, "National Construction plc", "SW1A 1AA", is_sme=False
    )
    midlands = await make_supplier(session, organisation, "Midlands Joinery Ltd", "B1 1AA")
    await make_measure(
        session,
        organisation,
        "JOB-LOCAL",
        [("30000.00", date(2024, 4, 1)), ("32000.00", date(2026, 6, 1))],
    )
    await make_measure(session, organisation, "VOL-HOUR", [("15.55", date(2020, 1, 1))])
    first = await awarded_tender(
        session,
        organisation,
        officer,
        nene,
        price="95000.00",
        commitments=[("JOB-LOCAL", "2.5"), ("VOL-HOUR", "120"), ("NOT-LISTED", "3")],
        awarded_on=date(2026, 5, 15),
        valued_on=date(2026, 5, 1),
        reference="NBC/001",
    )
    second = await awarded_tender(
        session,
        organisation,
        officer,
        midlands,
        price="40000.00",
        commitments=[("JOB-LOCAL", "1")],
        awarded_on=date(2026, 10, 15),
        valued_on=date(2026, 7, 1),
        reference="NBC/002",
    )
    ids = {
        "CAP-A": await add(
            session,
            council,
            "CAP-A",
            "200000",
            "220000",
            profile=[year(2025, "50000"), year(2026, "100000"), year(2027, "50000")],
        ),
        "CAP-B": await add(
            session,
            council,
            "CAP-B",
            "100000",
            "110000.01",
            profile=[year(2026, "100000")],
            tender_ids=[str(first.id), str(second.id)],
        ),
        "CAP-C": await add(
            session,
            council,
            "CAP-C",
            "50000",
            "44000",
            status="cancelled",
            profile=[year(2027, "50000")],
            variance_explanation="The tender came in under the estimate",
        ),
        "CAP-D": await add(
            session,
            council,
            "CAP-D",
            "80000",
            "80000",
            profile=[year(2026, "80000")],
            tender_ids=[str(first.id)],
        ),
        "CAP-E": await add(
            session, council, "CAP-E", "10000", "8000", profile=[year(2027, "10000")]
        ),
    }
    await make_payments(
        session,
        organisation,
        ids["CAP-A"],
        [
            (date(2025, 6, 15), "Nene Valley Builders Ltd", "40000"),
            (date(2026, 3, 31), "Midlands Joinery Ltd", "10000"),
            (date(2026, 4, 1), " nene  VALLEY builders ltd ", "30000"),
            (date(2026, 9, 30), "National Construction plc", "20000"),
            (date(2026, 10, 1), "Nene Valley Builders Ltd", "25000"),
        ],
    )
    await make_payments(
        session,
        organisation,
        ids["CAP-B"],
        [
            (date(2026, 5, 1), "Tyneside Community Works CIC", "12000"),
            (date(2026, 5, 1), "Unknown Traders", "8000"),
        ],
    )
    return Programme(ids, first.id, second.id)


def by_code(figures: ProgrammeFigures) -> dict[str, ProjectFigures]:
    """The schemes' figures keyed by code."""
    return {project.code: project for project in figures.projects}


async def test_spend_percent_spent_and_slippage(
    session: AsyncSession, council: Council, programme: Programme
) -> None:
    projects = by_code(await programme_figures(session, council.organisation.id, AS_AT))
    assert list(projects) == ["CAP-A", "CAP-B", "CAP-C", "CAP-D", "CAP-E"]
    summary = {code: (p.spend_to_date, p.percent_spent, p.slippage) for code, p in projects.items()}
    assert summary == {
        "CAP-A": (D("100000.00"), D("50.00"), D("50000.00")),
        "CAP-B": (D("20000.00"), D("20.00"), D("80000.00")),
        "CAP-C": (D("0.00"), D("0.00"), D("0.00")),
        "CAP-D": (D("0.00"), D("0.00"), D("80000.00")),
        "CAP-E": (D("0.00"), D("0.00"), D("0.00")),
    }
    first = projects["CAP-A"]
    assert first.spend_by_year == {2025: D("50000.00"), 2026: D("50000.00")}
    assert first.profile == {2025: D("50000.00"), 2026: D("100000.00"), 2027: D("50000.00")}
    assert first.funding == {FundingSource.BORROWING: D("200000.00")}
    assert projects["CAP-C"].status is ProjectStatus.CANCELLED


async def test_variance_flags_and_the_ten_percent_threshold(
    session: AsyncSession, council: Council, programme: Programme
) -> None:
    figures = await programme_figures(session, council.organisation.id, AS_AT)
    variances = {
        code: (p.variance, p.variance_percent, p.variance_flag, p.needs_explanation)
        for code, p in by_code(figures).items()
    }
    assert variances == {
        "CAP-A": (D("20000.00"), D("10.00"), VarianceFlag.ADVERSE, False),
        "CAP-B": (D("10000.01"), D("10.00"), VarianceFlag.ADVERSE, True),
        "CAP-C": (D("-6000.00"), D("-12.00"), VarianceFlag.FAVOURABLE, False),
        "CAP-D": (D("0.00"), D("0.00"), VarianceFlag.ON_BUDGET, False),
        "CAP-E": (D("-2000.00"), D("-20.00"), VarianceFlag.FAVOURABLE, True),
    }
    assert [p.code for p in figures.unexplained()] == ["CAP-B", "CAP-E"]


async def test_an_explanation_settles_the_variance(
    session: AsyncSession, council: Council, programme: Programme
) -> None:
    service = CapitalProjectService(session, council.as_role(Role.FINANCE))
    await service.update(
        programme.ids["CAP-B"],
        CapitalProjectUpdate.model_validate({"version": 1, "variance_explanation": "Ground works"}),
    )
    figures = await programme_figures(session, council.organisation.id, AS_AT)
    assert [p.code for p in figures.unexplained()] == ["CAP-E"]


async def test_local_and_sme_vcse_spend_match_beneficiaries_to_the_register(
    session: AsyncSession, council: Council, programme: Programme
) -> None:
    projects = by_code(await programme_figures(session, council.organisation.id, AS_AT))
    shares = {
        code: (p.local_spend, p.sme_vcse_spend, p.local_share) for code, p in projects.items()
    }
    assert shares["CAP-A"] == (D("70000.00"), D("80000.00"), D("70.00"))
    assert shares["CAP-B"] == (D("12000.00"), D("12000.00"), D("60.00"))
    assert shares["CAP-C"] == (D("0.00"), D("0.00"), D("0.00"))


async def test_social_value_of_the_linked_awarded_contracts(
    session: AsyncSession, council: Council, programme: Programme
) -> None:
    projects = by_code(await programme_figures(session, council.organisation.id, AS_AT))
    (contract,) = projects["CAP-B"].linked
    assert (contract.tender_id, contract.reference, contract.supplier_name) == (
        programme.first_contract,
        "NBC/001",
        "Nene Valley Builders Ltd",
    )
    assert (contract.contract_value, contract.social_value) == (D("95000.00"), D("76866.00"))
    assert (contract.is_local, contract.is_sme, contract.is_vcse) == (True, True, False)
    assert contract.awarded_on == date(2026, 5, 15)
    assert projects["CAP-B"].social_value_committed == D("76866.00")
    assert projects["CAP-D"].social_value_committed == D("76866.00")
    assert projects["CAP-A"].linked == []


async def test_the_totals(session: AsyncSession, council: Council, programme: Programme) -> None:
    figures = await programme_figures(session, council.organisation.id, AS_AT)
    assert figures.as_at == AS_AT
    assert figures.totals == ProgrammeTotals(
        approved_budget=D("440000.00"),
        forecast_outturn=D("462000.01"),
        spend_to_date=D("120000.00"),
        variance=D("22000.01"),
        slippage=D("210000.00"),
        local_spend=D("82000.00"),
        sme_vcse_spend=D("92000.00"),
        local_share=D("68.33"),
        social_value_committed=D("76866.00"),  # NBC/001 once, though it delivers two schemes
        percent_spent=D("27.27"),
        variance_percent=D("5.00"),
    )


async def test_later_payments_and_awards_count_from_their_dates(
    session: AsyncSession, council: Council, programme: Programme
) -> None:
    later = await programme_figures(session, council.organisation.id, date(2026, 10, 15))
    projects = by_code(later)
    assert projects["CAP-A"].spend_to_date == D("125000.00")
    assert [c.reference for c in projects["CAP-B"].linked] == ["NBC/001", "NBC/002"]
    assert projects["CAP-B"].linked[1].social_value == D("32000.00")  # valued on 1 July 2026
    assert projects["CAP-B"].social_value_committed == D("108866.00")
    assert later.totals.social_value_committed == D("108866.00")
    before_any = by_code(
        await programme_figures(session, council.organisation.id, date(2025, 1, 1))
    )
    assert before_any["CAP-A"].spend_to_date == D("0.00")
    assert before_any["CAP-B"].linked == []


async def test_another_councils_schemes_and_spend_stay_out(
    session: AsyncSession, council: Council, other_council: Council, programme: Programme
) -> None:
    theirs = await add(
        session, other_council, "CAP-A", "1000", "1000", profile=[year(2026, "1000")]
    )
    await make_payments(
        session, other_council.organisation, theirs, [(date(2026, 5, 1), "X", "999")]
    )
    ours = await programme_figures(session, council.organisation.id, AS_AT)
    assert ours.totals.spend_to_date == D("120000.00")
    other = await programme_figures(session, other_council.organisation.id, AS_AT)
    assert [(p.code, p.spend_to_date) for p in other.projects] == [("CAP-A", D("999.00"))]


@pytest.mark.parametrize(
    ("budget", "variance", "explanation", "needed"),
    [
        ("100", "10", "", False),
        ("100", "10.01", "", True),
        ("100", "-10.01", "", True),
        ("100", "-10.01", "  ", True),
        ("100", "50", "Scope doubled", False),
        ("0", "0", "", False),
        ("0", "1", "", True),
    ],
)
def test_which_variances_need_an_explanation(
    budget: str, variance: str, explanation: str, needed: bool
) -> None:
    assert needs_explanation(D(budget), D(variance), explanation) is needed
