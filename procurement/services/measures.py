"""The measure catalogue: social value measures and their values per unit, versioned by date."""

import uuid
from collections import defaultdict
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from procurement.domain.roles import Permission
from procurement.errors import InputError
from procurement.models import Measure, MeasureValue, Tender
from procurement.models.base import utc_now
from procurement.principal import Principal
from procurement.schemas.common import Page
from procurement.schemas.measure import (
    MeasureCreate,
    MeasureRead,
    MeasureUpdate,
    MeasureValueCreate,
    MeasureValueRead,
)
from procurement.services.queries import check_version, commit_unique, fetch_page, get_owned
from scoring.bids import ProxyValue

CODE_TAKEN = "Another measure already has this code"


def in_force(values: list[MeasureValue], on: date) -> MeasureValue | None:
    """The value in force on a date: the one with the latest `effective_from` on or before it."""
    started = [v for v in values if v.effective_from <= on]
    return max(started, key=lambda v: v.effective_from, default=None)


def _read(row: Measure, values: list[MeasureValue]) -> MeasureRead:
    current = in_force(values, utc_now().date())
    history = sorted(values, key=lambda v: v.effective_from, reverse=True)
    return MeasureRead.model_validate(
        {
            **row.model_dump(),
            "current_value": current.value_per_unit if current else None,
            "current_effective_from": current.effective_from if current else None,
            "values": [MeasureValueRead.model_validate(v, from_attributes=True) for v in history],
        }
    )


async def _values_of(
    session: AsyncSession, measure_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[MeasureValue]]:
    values: dict[uuid.UUID, list[MeasureValue]] = defaultdict(list)
    if measure_ids:
        rows = await session.scalars(
            sa.select(MeasureValue).where(col(MeasureValue.measure_id).in_(measure_ids))
        )
        for value in rows:
            values[value.measure_id].append(value)
    return values


async def catalogue_on(
    session: AsyncSession, organisation_id: uuid.UUID, on: date
) -> dict[str, ProxyValue]:
    """The organisation's measures with the value in force on a date, by code.

    Measures whose values all start later are left out: on that date they had no value.
    """
    rows = await session.execute(
        sa.select(Measure, MeasureValue)
        .join(MeasureValue, col(MeasureValue.measure_id) == col(Measure.id))
        .where(
            col(Measure.organisation_id) == organisation_id, col(MeasureValue.effective_from) <= on
        )
        .order_by(col(Measure.code), col(MeasureValue.effective_from))
    )
    catalogue: dict[str, ProxyValue] = {}
    for measure, value in rows.tuples():
        # Ordered by date, so the last value seen for a code is the one in force.
        catalogue[measure.code] = ProxyValue(
            code=measure.code,
            description=measure.description,
            unit=measure.unit,
            value_per_unit=value.value_per_unit,
        )
    return catalogue


async def measure_codes(
    session: AsyncSession, organisation_id: uuid.UUID, codes: set[str]
) -> set[str]:
    """Which of the codes the organisation's catalogue holds."""
    if not codes:
        return set()
    found = await session.scalars(
        sa.select(col(Measure.code)).where(
            col(Measure.organisation_id) == organisation_id, col(Measure.code).in_(codes)
        )
    )
    return set(found)


class MeasureService:
    """Keeps the organisation's measure catalogue: administrators edit it, all staff read it."""

    def __init__(self, session: AsyncSession, actor: Principal) -> None:
        self.session = session
        self.actor = actor

    async def _read_one(self, row: Measure) -> MeasureRead:
        values = await _values_of(self.session, [row.id])
        return _read(row, values[row.id])

    async def _load(self, measure_id: uuid.UUID, *, for_update: bool = False) -> Measure:
        return await get_owned(
            self.session,
            Measure,
            measure_id,
            self.actor.organisation_id,
            "Measure",
            for_update=for_update,
        )

    async def list(self, limit: int, offset: int, search: str | None = None) -> Page[MeasureRead]:
        """Measures by code, each with its value today and its value history."""
        self.actor.require(Permission.READ_MEASURES)
        statement = (
            sa.select(Measure)
            .where(col(Measure.organisation_id) == self.actor.organisation_id)
            .order_by(col(Measure.code), col(Measure.id))
        )
        if search:
            # PostgreSQL text cannot hold NUL; a NUL typed into a search box matches nothing else
            text = search.replace("\x00", "").strip()
            statement = statement.where(
                sa.or_(
                    col(Measure.code).icontains(text, autoescape=True),
                    col(Measure.description).icontains(text, autoescape=True),
                )
            )
        rows, total = await fetch_page(self.session, statement, limit, offset)
        values = await _values_of(self.session, [r.id for r in rows])
        items = [_read(r, values[r.id]) for r in rows]
        return Page(items=items, total=total, limit=limit, offset=offset)

    async def get(self, measure_id: uuid.UUID) -> MeasureRead:
        """One measure with its value history."""
        self.actor.require(Permission.READ_MEASURES)
        return await self._read_one(await self._load(measure_id))

    async def create(self, data: MeasureCreate) -> MeasureRead:
        """Add a measure to the catalogue with its first value."""
        self.actor.require(Permission.MANAGE_MEASURES)
        clash = await measure_codes(self.session, self.actor.organisation_id, {data.code})
        if clash:
            raise InputError.single("code", CODE_TAKEN)
        row = Measure(
            organisation_id=self.actor.organisation_id,
            **data.model_dump(include={"code", "theme", "description", "unit"}),
        )
        self.session.add(row)
        await self.session.flush()
        self.session.add(
            MeasureValue(
                measure_id=row.id,
                value_per_unit=data.value_per_unit,
                effective_from=data.effective_from,
            )
        )
        await commit_unique(self.session, "code", CODE_TAKEN)
        return await self._read_one(row)

    async def update(self, measure_id: uuid.UUID, data: MeasureUpdate) -> MeasureRead:
        """Correct a measure's theme, description or unit; its code and values stay."""
        self.actor.require(Permission.MANAGE_MEASURES)
        row = await self._load(measure_id, for_update=True)
        check_version("The measure", row.version, data.version)
        for name, value in data.model_dump(exclude_unset=True, exclude={"version"}).items():
            if value is None:
                raise InputError.single(name, "This field cannot be empty")
            setattr(row, name, value)
        row.touch()
        await self.session.commit()
        return await self._read_one(row)

    async def _last_valuation(self) -> date | None:
        """The latest date any published tender took its catalogue values from."""
        return await self.session.scalar(
            sa.select(sa.func.max(col(Tender.measure_values_on))).where(
                col(Tender.organisation_id) == self.actor.organisation_id
            )
        )

    async def add_value(self, measure_id: uuid.UUID, data: MeasureValueCreate) -> MeasureRead:
        """Give the measure a new value from a date on; earlier values stay for earlier dates."""
        self.actor.require(Permission.MANAGE_MEASURES)
        row = await self._load(measure_id, for_update=True)
        taken = await self.session.scalar(
            sa.select(col(MeasureValue.id)).where(
                col(MeasureValue.measure_id) == row.id,
                col(MeasureValue.effective_from) == data.effective_from,
            )
        )
        duplicate = f"This measure already has a value from {data.effective_from:%d %B %Y}"
        if taken is not None:
            raise InputError.single("effective_from", duplicate)
        # Published tenders are valued with the catalogue as it stood on their publication
        # date; a value dated on or before that would change their results after the fact.
        valued = await self._last_valuation()
        if valued is not None and data.effective_from <= valued:
            raise InputError.single(
                "effective_from",
                f"A tender published on {valued:%d %B %Y} uses the values then in force; "
                f"date the new value {valued + timedelta(days=1):%d %B %Y} or later",
            )
        self.session.add(
            MeasureValue(
                measure_id=row.id,
                value_per_unit=data.value_per_unit,
                effective_from=data.effective_from,
            )
        )
        row.touch()
        await commit_unique(self.session, "effective_from", duplicate)
        return await self._read_one(row)
