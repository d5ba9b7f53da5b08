"""Liveness and readiness."""

from typing import Any

import sqlalchemy as sa
from litestar import Request, get
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker


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
async def health(request: Request[Any, Any, Any]) -> Health:
    """Report whether the service can reach its database."""
    sessions: async_sessionmaker[AsyncSession] = request.app.state.sessionmaker
    async with sessions() as db:
        await db.execute(sa.text("SELECT 1"))
    return Health(status="ok", database="ok")
