"""The lead's moderation pages: every submitted score side by side, and the consensus form."""

import uuid
from typing import Any

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from procurement.domain.roles import Permission
from procurement.schemas.scores import ModerationItem, ModerationSave
from procurement.services.moderation import ModerationService
from procurement.services.tenders import TenderService
from procurement.web.access import requires
from procurement.web.forms import (
    FieldSpec,
    Form,
    FormSpec,
    attempt,
    present,
    read_form,
    whole_number,
)
from procurement.web.rendering import Req, flash, render, see_other

CONSENSUS_FORM = FormSpec(
    value=FieldSpec("Consensus score", required="Enter the consensus score"),
    note=FieldSpec("Moderation note", required="Give the reason for the consensus"),
)
OVERVIEW = "pages/moderation/overview.html"
ITEM = "pages/moderation/item.html"


class ModerationPages(Controller):
    """Moderation of one tender's judgement scores."""

    path = "/tenders/{tender_id:uuid}/moderation"
    include_in_schema = False
    guards = requires(Permission.MANAGE_TENDERS)

    @get("/")
    async def overview(
        self,
        request: Req,
        tender_id: FromPath[uuid.UUID],
        tenders: NamedDependency[TenderService],
        moderation: NamedDependency[ModerationService],
    ) -> Template:
        """Per bid and criterion: the evaluators' scores, the mean, spread and consensus."""
        found = await moderation.overview(tender_id)
        by_bid: dict[uuid.UUID, list[ModerationItem]] = {}
        for item in found.items:
            by_bid.setdefault(item.bid_id, []).append(item)
        tender = await tenders.get(tender_id)
        return render(request, OVERVIEW, tender=tender, bids=list(by_bid.values()))

    async def _item_page(
        self,
        request: Req,
        tender_id: uuid.UUID,
        item: ModerationItem,
        tenders: TenderService,
        form: Form,
        status_code: int = 200,
    ) -> Template:
        tender = await tenders.get(tender_id)
        return render(request, ITEM, tender=tender, item=item, form=form, status_code=status_code)

    @get("/{bid_id:uuid}/{criterion_key:str}")
    async def consensus_form(
        self,
        request: Req,
        tender_id: FromPath[uuid.UUID],
        bid_id: FromPath[uuid.UUID],
        criterion_key: FromPath[str],
        tenders: NamedDependency[TenderService],
        moderation: NamedDependency[ModerationService],
    ) -> Template:
        """One criterion of one bid: the scores and the form for the consensus."""
        item = await moderation.item(tender_id, bid_id, criterion_key)
        values = {}
        if item.consensus is not None:
            values = {
                "value": f"{item.consensus.value}",
                "note": item.consensus.note,
                "version": str(item.consensus.version),
            }
        return await self._item_page(request, tender_id, item, tenders, Form(values))

    @post("/{bid_id:uuid}/{criterion_key:str}")
    async def record_consensus(
        self,
        request: Req,
        tender_id: FromPath[uuid.UUID],
        bid_id: FromPath[uuid.UUID],
        criterion_key: FromPath[str],
        tenders: NamedDependency[TenderService],
        moderation: NamedDependency[ModerationService],
    ) -> Template | Redirect:
        """Record or revise the consensus."""
        values = await read_form(request)
        data: dict[str, Any] = {
            "bid_id": bid_id,
            "criterion_key": criterion_key,
            "version": whole_number(values.get("version")) or None,
            **present(values, "value", "note"),
        }
        outcome = await attempt(
            CONSENSUS_FORM,
            ModerationSave,
            data,
            lambda consensus: moderation.moderate(tender_id, consensus),
        )
        if outcome.result is None:
            item = await moderation.item(tender_id, bid_id, criterion_key)
            form = Form(values, outcome.errors)
            return await self._item_page(
                request, tender_id, item, tenders, form, outcome.status_code
            )
        flash(request, "Consensus recorded", "The evaluators' own scores are kept as they were.")
        return see_other(f"/tenders/{tender_id}/moderation")
