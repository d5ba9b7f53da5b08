"""Spend actuals: importing the finance system's spend file, following the imports, and
listing the payments made against a scheme."""

import uuid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from procurement.domain.roles import Permission
from procurement.models import CapitalProject, SpendTransaction
from procurement.principal import Principal
from procurement.schemas.common import Page
from procurement.schemas.spend import SpendImportRead, SpendImportSummary, SpendTransactionRead
from procurement.services.queries import count, fetch_page, get_owned
from procurement.services.spend_import import (
    PendingImport,
    import_read,
    import_spend,
    imports_query,
    load_import,
    open_import,
)


class SpendService:
    """Spend imports (finance) and the payments they stored (everyone who reads the capital
    programme)."""

    def __init__(self, session: AsyncSession, actor: Principal) -> None:
        self.session = session
        self.actor = actor

    async def import_file(self, file_name: str | None, content: bytes) -> SpendImportRead:
        """Import a spend file whole, or nothing of it (see services/spend_import.py)."""
        self.actor.require(Permission.MANAGE_CAPITAL)
        return await import_spend(
            self.session, self.actor.organisation_id, self.actor, file_name, content
        )

    async def start_import(self, file_name: str | None, content: bytes) -> PendingImport:
        """Read the file and record the import, for its rows to be checked and stored
        afterwards (`PendingImport.run`, in the background)."""
        self.actor.require(Permission.MANAGE_CAPITAL)
        return await open_import(
            self.session, self.actor.organisation_id, self.actor, file_name, content
        )

    async def imports(self, limit: int, offset: int) -> Page[SpendImportSummary]:
        """The organisation's imports, newest first."""
        self.actor.require(Permission.READ_CAPITAL)
        statement = imports_query(self.actor.organisation_id)
        found = await self.session.execute(statement.limit(limit).offset(offset))
        items = [import_read(row, name, SpendImportSummary) for row, name in found.tuples()]
        total = await count(self.session, statement)
        return Page(items=items, total=total, limit=limit, offset=offset)

    async def get_import(self, import_id: uuid.UUID) -> SpendImportRead:
        """One import, with its progress and, when it failed, its problems."""
        self.actor.require(Permission.READ_CAPITAL)
        return await load_import(self.session, self.actor.organisation_id, import_id)

    async def project_spend(
        self, project_id: uuid.UUID, limit: int, offset: int
    ) -> Page[SpendTransactionRead]:
        """A scheme's payments, newest first."""
        self.actor.require(Permission.READ_CAPITAL)
        await get_owned(
            self.session, CapitalProject, project_id, self.actor.organisation_id, "Capital project"
        )
        statement = (
            sa.select(SpendTransaction)
            .where(col(SpendTransaction.project_id) == project_id)
            .order_by(
                col(SpendTransaction.paid_on).desc(),
                col(SpendTransaction.transaction_number).desc(),
            )
        )
        rows, total = await fetch_page(self.session, statement, limit, offset)
        return Page(
            items=[SpendTransactionRead.model_validate(row) for row in rows],
            total=total,
            limit=limit,
            offset=offset,
        )
