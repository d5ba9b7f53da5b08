"""Tender pages: the list, the draft form, the tender itself and its lifecycle actions."""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Redirect, Template

from procurement.domain.lifecycle import (
    InvalidTransitionError,
    TenderAction,
    TenderStatus,
    next_status,
)
from procurement.domain.roles import Permission, Role
from procurement.errors import ForbiddenError
from procurement.models.base import utc_now
from procurement.principal import Principal
from procurement.schemas.bid import BidPage, BidStatus, ReceiptPage
from procurement.schemas.common import MAX_PAGE_SIZE
from procurement.schemas.tender import TenderCreate, TenderRead, TenderTransition, TenderUpdate
from procurement.services.bids import BidService
from procurement.services.criteria import CriteriaService
from procurement.services.tenders import TenderFilter, TenderService
from procurement.web.access import requires
from procurement.web.forms import (
    ErrorItem,
    FieldSpec,
    Form,
    FormSpec,
    LondonDateTime,
    attempt,
    money_text,
    present,
    read_form,
    split_codes,
    whole_number,
)
from procurement.web.rendering import (
    PAGE_SIZE,
    Req,
    flash,
    page_offset,
    pagination,
    render,
    see_other,
)

DEADLINE = LondonDateTime("submission_deadline", "Submission deadline")
YES, NO = "yes", "no"

TENDER_FORM = FormSpec(
    reference=FieldSpec("Reference", required="Enter a reference"),
    title=FieldSpec("Title", required="Enter a title"),
    description=FieldSpec("Description"),
    cpv_codes=FieldSpec("CPV codes"),
    estimated_value=FieldSpec("Estimated value", required="Enter the estimated value"),
    currency=FieldSpec("Currency"),
    submission_deadline=FieldSpec(
        "Submission deadline",
        required="Enter the submission deadline",
        anchor=DEADLINE.part("day"),
    ),
    submission_deadline_time=FieldSpec("Time"),
    blind_pricing=FieldSpec("Blind pricing"),
)

REASON_FORM = FormSpec(reason=FieldSpec("Reason"))
MANAGERS = requires(Permission.MANAGE_TENDERS)

Page = Annotated[int, QueryParameter(ge=1, le=100_000)]


def _tender_data(values: Mapping[str, str]) -> tuple[dict[str, Any], list[ErrorItem]]:
    """The schema input from the posted draft form, and any date or time errors."""
    deadline, errors = DEADLINE.parse(values)
    data: dict[str, Any] = present(values, "reference", "title", "currency")
    data["description"] = values.get("description", "")
    data["cpv_codes"] = split_codes(values.get("cpv_codes", ""))
    data["blind_pricing"] = values.get("blind_pricing", YES) == YES
    if values.get("estimated_value"):
        data["estimated_value"] = money_text(values["estimated_value"])
    if deadline is not None:
        data["submission_deadline"] = deadline
    return data, errors


def _form_values(tender: TenderRead) -> dict[str, str]:
    """A stored tender as the draft form shows it."""
    return {
        "reference": tender.reference,
        "title": tender.title,
        "description": tender.description,
        "cpv_codes": "\n".join(tender.cpv_codes),
        "estimated_value": f"{tender.estimated_value:.2f}",
        "currency": tender.currency,
        "blind_pricing": YES if tender.blind_pricing else NO,
        "version": str(tender.version),
        **DEADLINE.values_for(tender.submission_deadline),
    }


def allowed_actions(tender: TenderRead, actor: Principal) -> list[TenderAction]:
    """The lifecycle actions this user may take on the tender as it stands."""
    if not actor.can(Permission.MANAGE_TENDERS):
        return []
    allowed = []
    for action in (TenderAction.PUBLISH, TenderAction.CLOSE, TenderAction.CANCEL):
        try:
            next_status(tender.status, action)
        except InvalidTransitionError:
            continue
        allowed.append(action)
    return allowed


@dataclass(frozen=True)
class ActionPage:
    """How a lifecycle action is confirmed: its wording, and whether it asks for a reason."""

    title: str
    done: str
    explanation: str
    warning: bool = False


ACTIONS = {
    TenderAction.PUBLISH: ActionPage(
        "Publish tender",
        "Tender published",
        "Suppliers will be able to see the tender and bid until the submission deadline. "
        "A published tender cannot be edited.",
    ),
    TenderAction.CLOSE: ActionPage(
        "Close tender",
        "Tender closed",
        "No more bids will be taken, and the bids received will be unsealed.",
    ),
    TenderAction.CANCEL: ActionPage(
        "Cancel tender",
        "Tender cancelled",
        "Cancelling cannot be undone. Bids stay sealed.",
        warning=True,
    ),
}
ACTION_PATHS = [f"/{{tender_id:uuid}}/{action.value}" for action in ACTIONS]


def _action_of(request: Req) -> TenderAction:
    return TenderAction(request.url.path.rstrip("/").rsplit("/", 1)[1])


def _asks_reason(action: TenderAction, tender: TenderRead) -> bool:
    """Cancelling always needs a reason; closing needs one before the deadline."""
    if action is TenderAction.CLOSE:
        return tender.submission_deadline > utc_now()
    return action is TenderAction.CANCEL


class TenderPages(Controller):
    """The tender register as pages."""

    path = "/tenders"
    include_in_schema = False

    @get("/")
    async def tender_list(
        self,
        request: Req,
        tenders: NamedDependency[TenderService],
        actor: NamedDependency[Principal],
        q: Annotated[str, QueryParameter(max_length=200)] = "",
        status: FromQuery[str] = "",
        page: Page = 1,
    ) -> Template:
        """Tenders, searchable by reference or title and filtered by status."""
        chosen = status if status in set(TenderStatus) else ""
        filters = TenderFilter(status=TenderStatus(chosen) if chosen else None, search=q or None)
        found = await tenders.list(filters, limit=PAGE_SIZE, offset=page_offset(page))
        return render(
            request,
            "pages/tenders/list.html",
            tenders=found,
            q=q,
            status=chosen,
            statuses=list(TenderStatus),
            can_create=actor.can(Permission.MANAGE_TENDERS),
            pagination=pagination("/tenders", {"q": q, "status": chosen}, page, found.total),
        )

    def _draft_form(
        self, request: Req, form: Form, tender: TenderRead | None = None, status_code: int = 200
    ) -> Template:
        return render(
            request,
            "pages/tenders/form.html",
            form=form,
            tender=tender,
            status_code=status_code,
        )

    @get("/new", guards=MANAGERS)
    async def new_tender(self, request: Req) -> Template:
        """The form for a new draft."""
        return self._draft_form(request, Form({"currency": "GBP", "blind_pricing": YES}))

    @post("/new", guards=MANAGERS)
    async def create_tender(
        self, request: Req, tenders: NamedDependency[TenderService]
    ) -> Template | Redirect:
        """Create the draft and show it, or show the form again with what to fix."""
        values = await read_form(request)
        data, errors = _tender_data(values)
        outcome = await attempt(
            TENDER_FORM, TenderCreate, data, tenders.create, earlier=errors, ignore=[DEADLINE.name]
        )
        if outcome.result is None:
            return self._draft_form(
                request, Form(values, outcome.errors), status_code=outcome.status_code
            )
        flash(
            request,
            "Tender created",
            f"{outcome.result.reference} is a draft. Publish it when it is ready for bids.",
        )
        return see_other(f"/tenders/{outcome.result.id}")

    @get("/{tender_id:uuid}/edit", guards=MANAGERS)
    async def edit_tender(
        self, request: Req, tender_id: FromPath[uuid.UUID], tenders: NamedDependency[TenderService]
    ) -> Template:
        """The draft form, filled in."""
        tender = await tenders.get(tender_id)
        return self._draft_form(request, Form(_form_values(tender)), tender)

    @post("/{tender_id:uuid}/edit", guards=MANAGERS)
    async def update_tender(
        self, request: Req, tender_id: FromPath[uuid.UUID], tenders: NamedDependency[TenderService]
    ) -> Template | Redirect:
        """Save the draft, unless someone else changed it first."""
        values = await read_form(request)
        data, errors = _tender_data(values)

        async def save(draft: TenderCreate) -> TenderRead:
            change = TenderUpdate.model_validate(
                {**draft.model_dump(), "version": whole_number(values.get("version"))}
            )
            return await tenders.update(tender_id, change)

        outcome = await attempt(
            TENDER_FORM, TenderCreate, data, save, earlier=errors, ignore=[DEADLINE.name]
        )
        if outcome.result is None:
            tender = await tenders.get(tender_id)
            return self._draft_form(
                request, Form(values, outcome.errors), tender, outcome.status_code
            )
        flash(request, "Tender saved")
        return see_other(f"/tenders/{tender_id}")

    @get("/{tender_id:uuid}")
    async def tender_detail(
        self,
        request: Req,
        tender_id: FromPath[uuid.UUID],
        tenders: NamedDependency[TenderService],
        bids: NamedDependency[BidService],
        criteria: NamedDependency[CriteriaService],
        actor: NamedDependency[Principal],
    ) -> Template:
        """The tender, the actions open to this user, and the bids they may see."""
        tender = await tenders.get(tender_id)
        try:
            received: BidPage | ReceiptPage | None = await bids.list(
                tender_id, limit=MAX_PAGE_SIZE, offset=0
            )
        except ForbiddenError:  # an evaluator not cleared yet: their evaluation page says why
            received = None
        own_bid = (
            received.items[0]
            if actor.role is Role.SUPPLIER and received and received.items
            else None
        )
        is_open = tender.status is TenderStatus.OPEN and tender.submission_deadline > utc_now()
        return render(
            request,
            "pages/tenders/detail.html",
            tender=tender,
            bids=received,
            sealed=tender.closed_at is None,
            own_bid=own_bid,
            is_supplier=actor.role is Role.SUPPLIER,
            is_open=is_open,
            can_bid=(
                is_open
                and actor.can(Permission.SUBMIT_OWN_BID)
                and (own_bid is None or own_bid.status is BidStatus.WITHDRAWN)
            ),
            can_record=is_open and actor.can(Permission.RECORD_BIDS),
            can_edit=tender.status is TenderStatus.DRAFT and actor.can(Permission.MANAGE_TENDERS),
            can_read_audit=actor.can(Permission.READ_AUDIT),
            can_read_evaluation=actor.can(Permission.READ_EVALUATION),
            is_evaluator=actor.can(Permission.EVALUATE_BIDS),
            can_manage_evaluation=actor.can(Permission.MANAGE_TENDERS),
            actions=allowed_actions(tender, actor),
            bid_form=Form(),
            asked=await criteria.bid_requirements(tender_id),
        )

    def _action_page(
        self,
        request: Req,
        tender: TenderRead,
        form: Form,
        status_code: int = 200,
    ) -> Template:
        action = _action_of(request)
        return render(
            request,
            "pages/tenders/action.html",
            tender=tender,
            action=action,
            wording=ACTIONS[action],
            asks_reason=_asks_reason(action, tender),
            form=form,
            status_code=status_code,
        )

    @get(ACTION_PATHS, guards=MANAGERS)
    async def confirm_action(
        self, request: Req, tender_id: FromPath[uuid.UUID], tenders: NamedDependency[TenderService]
    ) -> Template:
        """Ask the officer to confirm publishing, closing or cancelling (with a reason if due)."""
        return self._action_page(request, await tenders.get(tender_id), Form())

    @post(ACTION_PATHS, guards=MANAGERS)
    async def take_action(
        self, request: Req, tender_id: FromPath[uuid.UUID], tenders: NamedDependency[TenderService]
    ) -> Template | Redirect:
        """Publish, close or cancel the tender."""
        values = await read_form(request)
        action = _action_of(request)
        outcome = await attempt(
            REASON_FORM,
            TenderTransition,
            present(values, "reason"),
            lambda reason: tenders.transition(tender_id, action, reason),
            by_code={"deadline_not_reached": "reason"},
        )
        if outcome.result is None:
            tender = await tenders.get(tender_id)
            return self._action_page(
                request, tender, Form(values, outcome.errors), outcome.status_code
            )
        flash(request, ACTIONS[action].done)
        return see_other(f"/tenders/{tender_id}")
