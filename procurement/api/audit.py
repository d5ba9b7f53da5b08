"""The audit trail, for administrators and procurement officers."""

import uuid
from datetime import datetime
from typing import Annotated

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from procurement.api.errors import ERROR_RESPONSES
from procurement.api.params import Paging
from procurement.schemas.audit import AuditEventRead
from procurement.schemas.common import Page
from procurement.services.audit import AuditFilter, AuditService

Moment = Annotated[
    datetime | None,
    QueryParameter(description="An ISO 8601 time with a timezone, e.g. 2026-03-01T09:00:00Z"),
]


class AuditController(Controller):
    """Reading the organisation's tamper-evident trail of changes."""

    path = "/api/v1/audit"
    tags = ["audit"]

    @get(
        operation_id="listAuditEvents",
        responses=ERROR_RESPONSES,
        description=(
            "Every change recorded in your organisation, oldest first (by position in the hash "
            "chain). Each event holds who acted, what changed (`before` and `after`), the hash "
            "of the event before it, and its own SHA-256 hash, so an edited or deleted event "
            "breaks the chain (check it with `procurement audit verify`). Bid events hold the "
            "receipt and a digest of the sealed contents, never the price or answers. "
            "`since` and `until` include their bounds; `until` before `since` is refused (422)."
        ),
    )
    async def list_audit_events(
        self,
        audit: NamedDependency[AuditService],
        paging: NamedDependency[Paging],
        tender_id: Annotated[
            uuid.UUID | None, QueryParameter(description="Only events of this tender")
        ] = None,
        user_id: Annotated[
            uuid.UUID | None, QueryParameter(description="Only events this user caused")
        ] = None,
        since: Moment = None,
        until: Moment = None,
    ) -> Page[AuditEventRead]:
        """The audit trail, filtered by tender, actor and time."""
        filters = AuditFilter(tender_id=tender_id, user_id=user_id, since=since, until=until)
        return await audit.list(filters, paging.limit, paging.offset)
