"""Query helpers shared by the services: paging, loading for update, version checks."""

import uuid
from typing import Any, TypeVar

import sqlalchemy as sa
import sqlalchemy.orm
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel

from procurement.errors import InputError, NotFoundError, StaleVersionError

RowT = TypeVar("RowT", bound=SQLModel)


async def count(session: AsyncSession, statement: sa.Select[Any]) -> int:
    """How many rows a select would return."""
    total = await session.scalar(sa.select(sa.func.count()).select_from(statement.subquery()))
    return int(total or 0)


async def count_referencing(
    session: AsyncSession,
    column: sa.orm.Mapped[Any],
    value: uuid.UUID,
) -> int:
    """How many rows point at `value` through `column` (for refusing to delete what is in use)."""
    total = await session.scalar(sa.select(sa.func.count()).where(column == value))
    return int(total or 0)


async def fetch_page(
    session: AsyncSession, statement: sa.Select[Any], limit: int, offset: int
) -> tuple[list[Any], int]:
    """One page of a select's rows, and the total count."""
    total = await count(session, statement)
    rows = (await session.scalars(statement.limit(limit).offset(offset))).all()
    return list(rows), total


async def get_owned(
    session: AsyncSession,
    model: type[RowT],
    row_id: uuid.UUID,
    organisation_id: uuid.UUID,
    what: str,
    *,
    for_update: bool = False,
) -> RowT:
    """Load a row that belongs to the organisation, or 404 (other tenants' rows do not exist)."""
    statement = sa.select(model).where(
        getattr(model, "id") == row_id,  # noqa: B009  (generic over the row type)
        getattr(model, "organisation_id") == organisation_id,  # noqa: B009
    )
    if for_update:
        statement = statement.with_for_update()
    row = await session.scalar(statement)
    if row is None:
        raise NotFoundError(what)
    return row


async def commit_unique(session: AsyncSession, field: str, message: str) -> None:
    """Commit a row whose unique key was checked as free, reporting a clash as a field error.

    The check before the write cannot see a simultaneous writer's uncommitted row; the unique
    index can, so its violation means the same thing as a clash found by the check.
    """
    try:
        await session.commit()
    except IntegrityError as error:
        await session.rollback()
        raise InputError.single(field, message) from error


def check_version(what: str, current: int, expected: int) -> None:
    """Refuse an edit based on an out-of-date read."""
    if current != expected:
        raise StaleVersionError(what, current)


def order_by(column_name: str, model: type[SQLModel]) -> sa.UnaryExpression[Any]:
    """An ORDER BY for a sort key such as `title` or `-title`."""
    descending = column_name.startswith("-")
    column = getattr(model, column_name.lstrip("-"))
    return sa.desc(column) if descending else sa.asc(column)
