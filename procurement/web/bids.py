"""Bid pages: a supplier submits, replaces or withdraws its bid; an officer records one.

Every bid form asks exactly what the tender's criteria need: the price, each metric question,
each pass or fail question, each quality question, and a quantity for each social value
measure the tender asks for.
"""

import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from litestar import Controller, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath
from litestar.response import Redirect, Template
from pydantic import BaseModel

from procurement.domain.roles import Permission
from procurement.schemas.bid import BidRead, BidRecord, BidReplace, BidSubmit
from procurement.schemas.common import MAX_PAGE_SIZE
from procurement.schemas.tender_criteria import BidRequirements
from procurement.services.bids import BidService
from procurement.services.criteria import CriteriaService
from procurement.services.suppliers import SupplierService
from procurement.services.tenders import TenderService
from procurement.web.access import requires
from procurement.web.criteria_form import Draft, NestedFormSpec, clean_number
from procurement.web.forms import (
    ErrorItem,
    FieldSpec,
    Form,
    FormSpec,
    Outcome,
    attempt,
    money_text,
    perform,
    read_form,
    whole_number,
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


YES, NO = "yes", "no"
ModelT = TypeVar("ModelT", bound=BaseModel)
ResultT = TypeVar("ResultT")


def _bid_data(values: Mapping[str, str], *names: str) -> dict[str, Any]:
    """The schema input: the price as a plain number, and any other named fields given."""
    data: dict[str, Any] = {name: values[name] for name in names if values.get(name)}
    if "version" in data:
        data["version"] = whole_number(data["version"])
    if values.get("price"):
        data["price"] = money_text(values["price"])
    return data


class _AnswerReader:
    """Reads the answers to a tender's questions from a bid form, recording for each field its
    label, its message when left blank, and where the schema and the service report it."""

    def __init__(self, values: Mapping[str, str]) -> None:
        self.values = values
        self.fields = dict(BID_FORM.fields)
        self.locations: dict[tuple[str | int, ...], str] = {(name,): name for name in self.fields}
        self.paths = {name: name for name in self.fields}
        self.errors: list[ErrorItem] = []

    def answer(self, group: str, key: str, spec: FieldSpec) -> str:
        """The answer typed into one question's field; a blank one is an error."""
        name = f"{group}-{key}"
        self.fields[name] = spec
        self.locations[(group, key)] = self.paths[f"{group}.{key}"] = name
        raw = self.values.get(name, "")
        if not raw:
            self.errors.append(ErrorItem(spec.required, name, f"#{name}"))
        return raw

    def commitment(self, index: int, code: str) -> None:
        """Record where the schema and the service report the `index`-th commitment."""
        name = f"commitment-{code}"
        for part in ("", ".measure_code", ".quantity"):
            self.paths[f"commitments.{index}{part}"] = name
        self.locations[("commitments", index)] = name


def read_answers(values: Mapping[str, str], asked: BidRequirements) -> Draft:
    """The answers to the tender's questions as schema input (with the price and any other bid
    fields added by the caller), how to name their fields, and the questions left blank."""
    reader = _AnswerReader(values)
    data: dict[str, Any] = {
        "metric_answers": {},
        "pass_fail_answers": {},
        "quality_responses": {},
        "commitments": [],
    }
    for metric in asked.metric_questions:
        spec = FieldSpec(metric.name, required=f"Enter your answer for {metric.name}")
        if raw := reader.answer("metric_answers", metric.key, spec):
            data["metric_answers"][metric.key] = clean_number(raw)
    for check in asked.pass_fail_questions:
        spec = FieldSpec(check.name, required=f"Select yes or no for {check.name}")
        if raw := reader.answer("pass_fail_answers", check.key, spec):
            data["pass_fail_answers"][check.key] = raw == YES
    for quality in asked.quality_questions:
        spec = FieldSpec(quality.name, required=f"Enter your response for {quality.name}")
        if raw := reader.answer("quality_responses", quality.key, spec):
            data["quality_responses"][quality.key] = raw
    for measure in asked.measures:
        name = f"commitment-{measure.code}"
        reader.fields[name] = FieldSpec(f"The quantity of {measure.code}")
        # No quantity means no commitment to the measure, which is allowed.
        if raw := values.get(name, ""):
            reader.commitment(len(data["commitments"]), measure.code)
            data["commitments"].append(
                {"measure_code": measure.code, "quantity": clean_number(raw)}
            )
    form_spec = NestedFormSpec(reader.fields, reader.locations, reader.paths)
    return Draft(data, form_spec, reader.errors)


def answer_values(bid: BidRead) -> dict[str, str]:
    """A bid's answers as its form shows them."""
    values = {f"metric_answers-{k}": f"{v.normalize():f}" for k, v in bid.metric_answers.items()}
    values |= {f"pass_fail_answers-{k}": YES if v else NO for k, v in bid.pass_fail_answers.items()}
    values |= {f"quality_responses-{k}": v for k, v in bid.quality_responses.items()}
    values |= {
        f"commitment-{c.measure_code}": f"{c.quantity.normalize():f}" for c in bid.commitments
    }
    return values


@dataclass(frozen=True)
class BidPage:
    """What every bid page works with: the request, the tender and the services."""

    request: Req
    tender_id: uuid.UUID
    tenders: TenderService
    bids: BidService
    criteria: CriteriaService

    async def show(
        self, template: str, form: Form, status_code: int = 200, **context: Any
    ) -> Template:
        """A bid page about this tender, with the questions its criteria ask."""
        tender = await self.tenders.get(self.tender_id)
        asked = await self.criteria.bid_requirements(self.tender_id)
        return render(
            self.request,
            template,
            tender=tender,
            asked=asked,
            form=form,
            status_code=status_code,
            **context,
        )

    async def show_own_bid(
        self, template: str, bid_id: uuid.UUID, form: Form | None = None, status_code: int = 200
    ) -> Template:
        """A page about the supplier's own bid, its form filled in from the bid unless given."""
        bid = await self.bids.get(self.tender_id, bid_id)
        shown = form or Form(
            {"price": f"{bid.price:.2f}", "version": str(bid.version)} | answer_values(bid)
        )
        return await self.show(template, shown, status_code, bid=bid)

    async def attempt(
        self,
        values: Mapping[str, str],
        schema: type[ModelT],
        action: Callable[[ModelT], Awaitable[ResultT]],
        *names: str,
    ) -> Outcome[ResultT]:
        """Validate the price, the `names` fields and the answers, then hand them to a service."""
        draft = read_answers(values, await self.criteria.bid_requirements(self.tender_id))
        data = draft.data | _bid_data(values, *names)
        return await attempt(draft.spec, schema, data, action, earlier=draft.errors)

    def done(self, heading: str, body: str) -> Redirect:
        """Back to the tender, with a success banner."""
        flash(self.request, heading, body)
        return see_other(f"/tenders/{self.tender_id}")


def provide_bid_page(
    request: Req,
    tender_id: FromPath[uuid.UUID],
    tenders: NamedDependency[TenderService],
    bids: NamedDependency[BidService],
    criteria: NamedDependency[CriteriaService],
) -> BidPage:
    """The bid page context for this request."""
    return BidPage(request, tender_id, tenders, bids, criteria)


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
        outcome = await page.attempt(
            values, BidSubmit, lambda bid: page.bids.submit(page.tender_id, bid)
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
        outcome = await page.attempt(
            values,
            BidReplace,
            lambda change: page.bids.replace(page.tender_id, bid_id, change),
            "version",
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
        outcome = await page.attempt(
            values, BidRecord, lambda bid: page.bids.submit(page.tender_id, bid), "supplier_id"
        )
        if outcome.result is None:
            form = Form(values, outcome.errors)
            return await self._record_page(page, suppliers, form, outcome.status_code)
        return page.done("Bid recorded", f"The bid from {outcome.result.supplier_name} is sealed.")
