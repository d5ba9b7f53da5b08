"""Liveness and readiness."""

import sqlalchemy as sa
from litestar import get
from litestar.di import NamedDependency
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession


class Health(BaseModel):
    """Whether the service and its database answer."""

    status: str
    database: str


@get(
    "/health",
    operation_id="health",
    tags=["system"],
    exclude_from_auth=True,
    security=[{}],  # documented as open: no bearer token needed
)
async def health(db_session: NamedDependency[AsyncSession]) -> Health:
    """Report whether the service can reach its database."""
    # The request's own session: a GET's reads never wait for SQLite's write lock.
    await db_session.execute(sa.text("SELECT 1"))
    return Health(status="ok", database="ok")
