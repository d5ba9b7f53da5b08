"""Bid pages: a supplier submits, replaces or withdraws its bid; an officer records one."""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from litestar import Controller, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath
from litestar.response import Redirect, Template

from procurement.domain.roles import Permission
from procurement.schemas.bid import BidRecord, BidReplace, BidSubmit
from procurement.schemas.common import MAX_PAGE_SIZE
from procurement.services.bids import BidService
from procurement.services.suppliers import SupplierService
from procurement.services.tenders import TenderService
from procurement.web.access import requires
from procurement.web.forms import (
    FieldSpec,
    Form,
    FormSpec,
    Outcome,
    attempt,
    money_text,
    perform,
    read_form,
)
from procurement.web.rendering import Req, flash, render, see_other

BID_FORM = FormSpec(
    supplier_id=FieldSpec("Supplier", required="Select the supplier"),
    price=FieldSpec("Price", required="Enter the price"),
)
SUBMIT = "pages/bids/submit.html"
REPLACE = "pages/bids/replace.html"
WITHDRAW = "pages/bids/withdraw.html"
RECORD = "pages/bids/record.html"


def _bid_data(values: Mapping[str, str], *names: str) -> dict[str, Any]:
    """The schema input: the price as a plain number, and any other named fields given."""
    data: dict[str, Any] = {name: values[name] for name in names if values.get(name)}
    if values.get("price"):
        data["price"] = money_text(values["price"])
    return data


@dataclass(frozen=True)
class BidPage:
    """What every bid page works with: the request, the tender and the services."""

    request: Req
    tender_id: uuid.UUID
    tenders: TenderService
    bids: BidService

    async def show(
        self, template: str, form: Form, status_code: int = 200, **context: Any
    ) -> Template:
        """A bid page about this tender."""
        tender = await self.tenders.get(self.tender_id)
        return render(
            self.request, template, tender=tender, form=form, status_code=status_code, **context
        )

    async def show_own_bid(
        self, template: str, bid_id: uuid.UUID, form: Form | None = None, status_code: int = 200
    ) -> Template:
        """A page about the supplier's own bid, its form filled in from the bid unless given."""
        bid = await self.bids.get(self.tender_id, bid_id)
        shown = form or Form({"price": f"{bid.price:.2f}", "version": str(bid.version)})
        return await self.show(template, shown, status_code, bid=bid)

    def done(self, heading: str, body: str) -> Redirect:
        """Back to the tender, with a success banner."""
        flash(self.request, heading, body)
        return see_other(f"/tenders/{self.tender_id}")


def provide_bid_page(
    request: Req,
    tender_id: FromPath[uuid.UUID],
    tenders: NamedDependency[TenderService],
    bids: NamedDependency[BidService],
) -> BidPage:
    """The bid page context for this request."""
    return BidPage(request, tender_id, tenders, bids)


Page = NamedDependency[BidPage]


class BidPages(Controller):
    """Bids on one tender."""

    path = "/tenders/{tender_id:uuid}"
    include_in_schema = False
    dependencies = {"page": Provide(provide_bid_page, sync_to_thread=False)}

    @get("/bid", guards=requires(Permission.SUBMIT_OWN_BID))
    async def bid_form(self, page: Page) -> Template:
        """The supplier's bid form."""
        return await page.show(SUBMIT, Form())

    @post("/bid")
    async def submit_bid(self, page: Page) -> Template | Redirect:
        """Submit the supplier's own bid; it stays sealed until the tender closes."""
        values = await read_form(page.request)
        outcome = await attempt(
            BID_FORM,
            BidSubmit,
            _bid_data(values),
            lambda bid: page.bids.submit(page.tender_id, bid),
        )
        if outcome.result is None:
            return await page.show(SUBMIT, Form(values, outcome.errors), outcome.status_code)
        return page.done("Bid submitted", "It stays sealed until the tender closes.")

    @get(["/bids/{bid_id:uuid}/replace", "/bids/{bid_id:uuid}/withdraw"])
    async def own_bid_form(self, page: Page, bid_id: FromPath[uuid.UUID]) -> Template:
        """The form to replace the supplier's bid, or to confirm withdrawing it."""
        replacing = page.request.url.path.endswith("/replace")
        return await page.show_own_bid(REPLACE if replacing else WITHDRAW, bid_id)

    async def _own_bid_outcome(
        self, page: Page, bid_id: uuid.UUID, template: str, form: Form, outcome: Outcome[Any]
    ) -> Template | Redirect:
        if outcome.result is None:
            form.errors = outcome.errors
            return await page.show_own_bid(template, bid_id, form, outcome.status_code)
        done = "Bid replaced" if template == REPLACE else "Bid withdrawn"
        return page.done(done, "You can change your bid until the submission deadline.")

    @post("/bids/{bid_id:uuid}/replace")
    async def replace_bid(self, page: Page, bid_id: FromPath[uuid.UUID]) -> Template | Redirect:
        """Replace the bid, unless it changed since the form was shown."""
        values = await read_form(page.request)
        outcome = await attempt(
            BID_FORM,
            BidReplace,
            _bid_data(values, "version"),
            lambda change: page.bids.replace(page.tender_id, bid_id, change),
        )
        return await self._own_bid_outcome(page, bid_id, REPLACE, Form(values), outcome)

    @post("/bids/{bid_id:uuid}/withdraw")
    async def withdraw_bid(self, page: Page, bid_id: FromPath[uuid.UUID]) -> Template | Redirect:
        """Withdraw the bid; the supplier may bid again while the tender is open."""
        outcome = await perform(BID_FORM, lambda: page.bids.withdraw(page.tender_id, bid_id))
        return await self._own_bid_outcome(page, bid_id, WITHDRAW, Form(), outcome)

    async def _record_page(
        self, page: BidPage, suppliers: SupplierService, form: Form, status_code: int = 200
    ) -> Template:
        register = (await suppliers.list(MAX_PAGE_SIZE, 0)).items
        return await page.show(RECORD, form, status_code, suppliers=register)

    @get("/bids/record", guards=requires(Permission.RECORD_BIDS))
    async def record_form(
        self, page: Page, suppliers: NamedDependency[SupplierService]
    ) -> Template:
        """The form to record a bid that came by post or email."""
        return await self._record_page(page, suppliers, Form())

    @post("/bids/record")
    async def record_bid(
        self, page: Page, suppliers: NamedDependency[SupplierService]
    ) -> Template | Redirect:
        """Record the bid for the chosen supplier; it is sealed like any other."""
        values = await read_form(page.request)
        outcome = await attempt(
            BID_FORM,
            BidRecord,
            _bid_data(values, "supplier_id"),
            lambda bid: page.bids.submit(page.tender_id, bid),
        )
        if outcome.result is None:
            form = Form(values, outcome.errors)
            return await self._record_page(page, suppliers, form, outcome.status_code)
        return page.done("Bid recorded", f"The bid from {outcome.result.supplier_name} is sealed.")
