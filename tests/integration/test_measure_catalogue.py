"""The measure catalogue on a real database: values by date, exact money, one tenant each."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from procurement.domain.lifecycle import TenderStatus
from procurement.domain.roles import Role
from procurement.errors import ForbiddenError, InputError, NotFoundError
from procurement.models.base import utc_now
from procurement.schemas.measure import (
    MeasureCreate,
    MeasureTheme,
    MeasureUpdate,
    MeasureValueCreate,
)
from procurement.services.measures import MeasureService, catalogue_on
from tests.factories import make_measure, make_tender
from tests.integration.support import Council, each_refused

APRIL_2024, APRIL_2025 = date(2024, 4, 1), date(2025, 4, 1)


def new_measure(code: str = "JOB-LOCAL", start: date = APRIL_2024) -> MeasureCreate:
    """A year of local employment worth £34,720.00 from `start`."""
    return MeasureCreate(
        code=code,
        theme=MeasureTheme.JOBS,
        description="A year of full-time local employment",
        unit="job-year",
        value_per_unit=Decimal("34720.00"),
        effective_from=start,
    )


@pytest.fixture
async def catalogued(session: AsyncSession, council: Council) -> MeasureService:
    """The administrator's catalogue, with JOB-LOCAL revalued from April 2025."""
    service = MeasureService(session, council.admin)
    measure = await service.create(new_measure())
    await service.add_value(
        measure.id,
        MeasureValueCreate(value_per_unit=Decimal("36480.00"), effective_from=APRIL_2025),
    )
    return service


@pytest.mark.parametrize(
    ("on", "value"),
    [
        (APRIL_2024 - timedelta(days=1), None),
        (APRIL_2024, Decimal("34720.00")),
        (APRIL_2025 - timedelta(days=1), Decimal("34720.00")),
        (APRIL_2025, Decimal("36480.00")),
        (date(2030, 1, 1), Decimal("36480.00")),
    ],
    ids=["before any value", "first day", "last day of the first", "second day one", "years on"],
)
async def test_the_catalogue_on_a_date_holds_the_value_then_in_force(
    session: AsyncSession,
    council: Council,
    catalogued: MeasureService,
    on: date,
    value: Decimal | None,
) -> None:
    catalogue = await catalogue_on(session, council.organisation.id, on)
    if value is None:
        assert catalogue == {}
    else:
        proxy = catalogue["JOB-LOCAL"]
        assert (proxy.code, proxy.unit, proxy.value_per_unit) == ("JOB-LOCAL", "job-year", value)


async def test_values_come_back_exactly_as_stored(session: AsyncSession, council: Council) -> None:
    await make_measure(session, council.organisation, "LOCAL-SPEND", [("0.20", APRIL_2024)])
    proxy = (await catalogue_on(session, council.organisation.id, APRIL_2025))["LOCAL-SPEND"]
    assert proxy.value_per_unit == Decimal("0.20")
    assert str(proxy.value_per_unit) == "0.20"


async def test_each_organisation_has_its_own_catalogue(
    session: AsyncSession, council: Council, other_council: Council, catalogued: MeasureService
) -> None:
    theirs = MeasureService(session, other_council.admin)
    await theirs.create(new_measure("CO2E"))
    assert set(await catalogue_on(session, other_council.organisation.id, APRIL_2025)) == {"CO2E"}
    assert set(await catalogue_on(session, council.organisation.id, APRIL_2025)) == {"JOB-LOCAL"}
    [mine] = (await catalogued.list(10, 0)).items
    reworded = MeasureUpdate(version=1, description="Reworded")
    await each_refused(NotFoundError, theirs.get(mine.id), theirs.update(mine.id, reworded))
    # The same code is free in another organisation.
    assert (await theirs.create(new_measure())).code == "JOB-LOCAL"


async def test_staff_read_the_catalogue_and_only_administrators_change_it(
    session: AsyncSession, council: Council, catalogued: MeasureService
) -> None:
    [measure] = (await catalogued.list(10, 0)).items
    for role in (Role.PROCUREMENT, Role.EVALUATOR, Role.FINANCE):
        service = MeasureService(session, council.as_role(role))
        assert (await service.get(measure.id)).current_value == Decimal("36480.00")
        revalue = MeasureValueCreate(value_per_unit=Decimal(1), effective_from=date(2030, 1, 1))
        await each_refused(
            ForbiddenError,
            service.create(new_measure("OTHER")),
            service.add_value(measure.id, revalue),
            code="role_forbidden",
        )


async def test_a_new_value_may_not_reach_back_to_a_published_valuation(
    session: AsyncSession, council: Council, catalogued: MeasureService
) -> None:
    await make_tender(session, council.organisation, council.officer_user, TenderStatus.OPEN)
    [measure] = (await catalogued.list(10, 0)).items
    today = utc_now().date()
    for start in (APRIL_2025 + timedelta(days=1), today):
        revalue = MeasureValueCreate(value_per_unit=Decimal(1), effective_from=start)
        [refusal] = await each_refused(InputError, catalogued.add_value(measure.id, revalue))
        assert [error.field for error in refusal.errors] == ["effective_from"]
    later = MeasureValueCreate(value_per_unit=Decimal(1), effective_from=today + timedelta(days=1))
    assert len((await catalogued.add_value(measure.id, later)).values) == 3
