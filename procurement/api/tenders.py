"""Tenders and their lifecycle actions."""

import uuid
from typing import Annotated

from litestar import Controller, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from procurement.api.errors import ERROR_RESPONSES
from procurement.api.params import Paging
from procurement.domain.lifecycle import TenderAction, TenderStatus
from procurement.schemas.common import Page
from procurement.schemas.fields import SINGLE_LINE
from procurement.schemas.tender import (
    TenderCreate,
    TenderRead,
    TenderSort,
    TenderTransition,
    TenderUpdate,
)
from procurement.services.tenders import TenderFilter, TenderService

_NO_REASON = TenderTransition()


class TenderController(Controller):
    """CRUD for tenders, plus publish, close and cancel."""

    path = "/api/v1/tenders"
    tags = ["tenders"]

    @get(operation_id="listTenders", responses=ERROR_RESPONSES)
    async def list_tenders(
        self,
        tenders: NamedDependency[TenderService],
        paging: NamedDependency[Paging],
        status: FromQuery[TenderStatus | None] = None,
        q: Annotated[
            str | None,
            QueryParameter(
                max_length=200, pattern=SINGLE_LINE, description="Text in the reference or title"
            ),
        ] = None,
        sort: FromQuery[TenderSort] = TenderSort.CREATED_DESC,
    ) -> Page[TenderRead]:
        """Tenders, filtered and sorted."""
        filters = TenderFilter(status=status, search=q, sort=sort)
        return await tenders.list(filters, paging.limit, paging.offset)

    @post(operation_id="createTender", responses=ERROR_RESPONSES)
    async def create_tender(
        self, tenders: NamedDependency[TenderService], data: JSONBody[TenderCreate]
    ) -> TenderRead:
        """Start a draft tender."""
        return await tenders.create(data)

    @get("/{tender_id:uuid}", operation_id="getTender", responses=ERROR_RESPONSES)
    async def get_tender(
        self, tenders: NamedDependency[TenderService], tender_id: FromPath[uuid.UUID]
    ) -> TenderRead:
        """One tender."""
        return await tenders.get(tender_id)

    @patch("/{tender_id:uuid}", operation_id="updateTender", responses=ERROR_RESPONSES)
    async def update_tender(
        self,
        tenders: NamedDependency[TenderService],
        tender_id: FromPath[uuid.UUID],
        data: JSONBody[TenderUpdate],
    ) -> TenderRead:
        """Edit a draft tender."""
        return await tenders.update(tender_id, data)

    @delete("/{tender_id:uuid}", operation_id="deleteTender", responses=ERROR_RESPONSES)
    async def delete_tender(
        self, tenders: NamedDependency[TenderService], tender_id: FromPath[uuid.UUID]
    ) -> None:
        """Discard a draft tender."""
        await tenders.delete(tender_id)

    @post(
        "/{tender_id:uuid}/publish",
        operation_id="publishTender",
        responses=ERROR_RESPONSES,
        status_code=200,
    )
    async def publish_tender(
        self, tenders: NamedDependency[TenderService], tender_id: FromPath[uuid.UUID]
    ) -> TenderRead:
        """Open a draft tender for bids."""
        return await tenders.transition(tender_id, TenderAction.PUBLISH, _NO_REASON)

    @post(
        "/{tender_id:uuid}/close",
        operation_id="closeTender",
        responses=ERROR_RESPONSES,
        status_code=200,
    )
    async def close_tender(
        self,
        tenders: NamedDependency[TenderService],
        tender_id: FromPath[uuid.UUID],
        data: JSONBody[TenderTransition | None] = None,
    ) -> TenderRead:
        """Stop taking bids and unseal them; before the deadline a reason is required."""
        return await tenders.transition(tender_id, TenderAction.CLOSE, data or _NO_REASON)

    @post(
        "/{tender_id:uuid}/cancel",
        operation_id="cancelTender",
        responses=ERROR_RESPONSES,
        status_code=200,
    )
    async def cancel_tender(
        self,
        tenders: NamedDependency[TenderService],
        tender_id: FromPath[uuid.UUID],
        data: JSONBody[TenderTransition | None] = None,
    ) -> TenderRead:
        """Cancel a tender before award, with a reason."""
        # A missing body is answered like a missing reason: a 422 naming the `reason` field.
        return await tenders.transition(tender_id, TenderAction.CANCEL, data or _NO_REASON)
