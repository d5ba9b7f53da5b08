"""Reading the audit trail on each database: who bid stays hidden until the tender closes, a
bidder sees its own bid's events in full, and evaluators' drafts stay their own.

The stored events are never changed to achieve this, so the chain still verifies.
"""

import json
import uuid
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from procurement.domain.evaluation import Declaration
from procurement.domain.lifecycle import TenderAction, TenderStatus
from procurement.domain.roles import Role
from procurement.errors import ForbiddenError, NotFoundError
from procurement.models import AuditEvent, Score, Supplier, Tender
from procurement.principal import Principal
from procurement.schemas.audit import AuditEventRead
from procurement.schemas.bid import BidRecord, BidReplace, BidSubmit
from procurement.schemas.evaluators import DeclarationSave, EvaluatorAssign
from procurement.schemas.scores import ScoreInput, ScoresSave
from procurement.schemas.tender import TenderTransition
from procurement.services import audit
from procurement.services.audit import AuditFilter, AuditService, verify_chains
from procurement.services.audit_redaction import DRAFT_REASON, SEALED_ACTOR, SEALED_REASON
from procurement.services.bids import BidService
from procurement.services.declarations import DeclarationService
from procurement.services.evaluators import EvaluatorService
from procurement.services.scores import ScoreService
from procurement.services.tenders import TenderService
from tests.factories import judged_on_two_scales, make_bid, make_supplier, make_tender
from tests.integration.support import Council, each_refused, open_tender, supplier_account

DRAFT_RATIONALE = "Weak phasing plan, revisit after the site visit"


async def _tender_trail(
    session: AsyncSession, actor: Principal, tender: Tender, **filters: Any
) -> list[AuditEventRead]:
    page = await AuditService(session, actor).list(
        AuditFilter(tender_id=tender.id, **filters), 100, 0
    )
    return page.items


def _bid_events(events: list[AuditEventRead]) -> list[AuditEventRead]:
    return [e for e in events if e.entity_type == "bid"]


async def _bidding(session: AsyncSession, council: Council) -> tuple[Tender, Principal, Supplier]:
    """An open tender that Acme bid for, replaced and withdrew, and the post room recorded."""
    tender = await open_tender(session, council)
    acme, bidder = await supplier_account(session, council, name="Acme Lighting Ltd")
    post_room, _ = await supplier_account(session, council, name="Post Room Ltd")
    bids = BidService(session, bidder)
    bid = await bids.submit(tender.id, BidSubmit(price=Decimal("83417.29")))
    await bids.replace(tender.id, bid.id, BidReplace(price=Decimal("79999.99"), version=1))
    await bids.withdraw(tender.id, bid.id)
    recorded = BidRecord(supplier_id=post_room.id, price=Decimal("1200.00"))
    await BidService(session, council.officer).submit(tender.id, recorded)
    return tender, bidder, acme


async def _close(session: AsyncSession, council: Council, tender: Tender) -> None:
    closing = TenderTransition(reason="Every expected bid is in")
    await TenderService(session, council.officer).transition(tender.id, TenderAction.CLOSE, closing)


async def test_while_sealed_bid_events_say_a_bid_and_when_but_never_whose(
    session: AsyncSession, council: Council
) -> None:
    tender, bidder, acme = await _bidding(session, council)
    post_room = await session.scalar(
        sa.select(Supplier).where(col(Supplier.name) == "Post Room Ltd")
    )
    assert post_room is not None

    for reader in (council.admin, council.officer):
        events = _bid_events(await _tender_trail(session, reader, tender))

        assert [(e.action, e.summary) for e in events] == [
            ("submit", "Submitted a bid"),
            ("replace", "Replaced a bid"),
            ("withdraw", "Withdrew a bid"),
            ("record", "Recorded a bid"),
        ]
        assert {(e.actor_id, e.actor_name, e.withheld) for e in events} == {
            (None, SEALED_ACTOR, SEALED_REASON)
        }
        submitted, _, withdrawn, _ = events
        assert submitted.after == {
            "status": "submitted",
            "channel": "portal",
            "received_at": (submitted.after or {})["received_at"],
            "withdrawn_at": None,
            "version": 1,
        }
        assert (withdrawn.after or {})["status"] == "withdrawn"
        shown = json.dumps([e.model_dump(mode="json") for e in events])
        officer = council.users[Role.PROCUREMENT]
        for secret in (
            "Acme",
            "Post Room",
            str(acme.id),
            str(post_room.id),
            str(bidder.user_id),
            bidder.email,
            str(officer.id),
            officer.email,
            "contents_sha256",
            "83417",
            "79999",
        ):
            assert secret not in shown, secret


async def test_once_the_tender_closes_the_same_events_name_the_bidder(
    session: AsyncSession, council: Council
) -> None:
    tender, bidder, acme = await _bidding(session, council)
    await _close(session, council, tender)

    events = _bid_events(await _tender_trail(session, council.admin, tender))

    assert [e.summary for e in events] == [
        "Submitted a bid from Acme Lighting Ltd",
        "Replaced the bid from Acme Lighting Ltd",
        "Withdrew the bid from Acme Lighting Ltd",
        "Recorded a bid from Post Room Ltd",
    ]
    assert [e.actor_id for e in events] == [bidder.user_id] * 3 + [council.officer.user_id]
    assert {e.withheld for e in events} == {None}
    assert (events[0].after or {})["supplier_id"] == str(acme.id)
    assert len((events[0].after or {})["contents_sha256"]) == 64


async def test_a_tender_cancelled_before_closing_keeps_its_bidders_hidden_for_good(
    session: AsyncSession, council: Council
) -> None:
    tender, _, _ = await _bidding(session, council)
    cancelling = TenderTransition(reason="Budget withdrawn")
    await TenderService(session, council.officer).transition(
        tender.id, TenderAction.CANCEL, cancelling
    )

    events = _bid_events(await _tender_trail(session, council.admin, tender))

    assert [e.summary for e in events] == [
        "Submitted a bid",
        "Replaced a bid",
        "Withdrew a bid",
        "Recorded a bid",
    ]


async def test_filtering_the_trail_by_a_bidder_finds_nothing_until_the_tender_closes(
    session: AsyncSession, council: Council
) -> None:
    tender, bidder, _ = await _bidding(session, council)
    service = AuditService(session, council.admin)
    # Another tender, already closed, on which the same bidder's events may be named.
    closed = await open_tender(session, council)
    await BidService(session, bidder).submit(closed.id, BidSubmit(price=Decimal("500.00")))
    await _close(session, council, closed)

    before = await service.list(AuditFilter(user_id=bidder.user_id), 100, 0)

    assert before.total == 1
    assert [(e.tender_id, e.summary) for e in before.items] == [
        (closed.id, "Submitted a bid from Acme Lighting Ltd")
    ]
    await _close(session, council, tender)
    after = await service.list(AuditFilter(user_id=bidder.user_id), 100, 0)
    assert [e.action for e in after.items] == ["submit", "replace", "withdraw", "submit"]
    assert after.total == 4


async def test_a_supplier_reads_its_own_bids_events_in_full_while_sealed(
    session: AsyncSession, council: Council
) -> None:
    tender, bidder, acme = await _bidding(session, council)
    (entity_id,) = await session.scalars(
        sa.select(col(AuditEvent.entity_id)).where(col(AuditEvent.action) == "submit")
    )
    bid_id = uuid.UUID(entity_id)
    _, rival = await supplier_account(session, council, name="Rival Ltd")

    page = await BidService(session, bidder).events(tender.id, bid_id, 100, 0)

    assert page.total == 3
    assert [(e.summary, e.actor_id, e.withheld) for e in page.items] == [
        ("Submitted a bid from Acme Lighting Ltd", bidder.user_id, None),
        ("Replaced the bid from Acme Lighting Ltd", bidder.user_id, None),
        ("Withdrew the bid from Acme Lighting Ltd", bidder.user_id, None),
    ]
    assert (page.items[0].after or {})["supplier_id"] == str(acme.id)
    await each_refused(NotFoundError, BidService(session, rival).events(tender.id, bid_id, 100, 0))
    await each_refused(
        ForbiddenError,
        BidService(session, council.officer).events(tender.id, bid_id, 100, 0),
        BidService(session, council.as_role(Role.EVALUATOR)).events(tender.id, bid_id, 100, 0),
        code="role_forbidden",
    )


async def test_redaction_leaves_the_stored_events_and_their_chain_untouched(
    session: AsyncSession, council: Council
) -> None:
    tender, _, _ = await _bidding(session, council)
    await _tender_trail(session, council.admin, tender)

    stored = await session.scalars(
        sa.select(col(AuditEvent.summary))
        .where(col(AuditEvent.entity_type) == "bid")
        .order_by(col(AuditEvent.position))
    )

    assert list(stored) == [
        "Submitted a bid from Acme Lighting Ltd",
        "Replaced the bid from Acme Lighting Ltd",
        "Withdrew the bid from Acme Lighting Ltd",
        "Recorded a bid from Post Room Ltd",
    ]
    assert (await verify_chains(session)).intact


async def _drafting(session: AsyncSession, council: Council) -> tuple[Tender, uuid.UUID]:
    """A closed tender with a bid, and an evaluator cleared to score it."""
    tender = await make_tender(
        session,
        council.organisation,
        council.officer_user,
        TenderStatus.CLOSED,
        criteria=judged_on_two_scales(),
    )
    supplier = await make_supplier(session, council.organisation)
    bid = await make_bid(session, tender, supplier, council.officer_user)
    evaluator = council.as_role(Role.EVALUATOR)
    assignment = await EvaluatorService(session, council.officer).assign(
        tender.id, EvaluatorAssign(user_id=evaluator.user_id)
    )
    declaration = DeclarationSave(declaration=Declaration.NO_INTEREST, version=assignment.version)
    await DeclarationService(session, evaluator).declare(tender.id, declaration)
    return tender, bid.id


async def test_a_draft_event_keeps_a_digest_of_each_score_never_its_value_or_rationale(
    session: AsyncSession, council: Council
) -> None:
    tender, bid_id = await _drafting(session, council)
    draft = ScoreInput(
        criterion_key="method", value=Decimal("3"), rationale=DRAFT_RATIONALE, version=None
    )
    await ScoreService(session, council.as_role(Role.EVALUATOR)).save(
        tender.id, bid_id, ScoresSave(scores=[draft])
    )
    score = await session.scalar(sa.select(Score).where(col(Score.bid_id) == bid_id))
    assert score is not None

    (stored,) = await session.scalars(
        sa.select(AuditEvent).where(col(AuditEvent.action) == "save_draft_scores")
    )
    (shown,) = [
        e
        for e in await _tender_trail(session, council.officer, tender)
        if e.action == "save_draft_scores"
    ]

    kept = (stored.after or {})["scores"]["method"]
    assert kept == {
        "id": str(score.id),
        "bid_id": str(bid_id),
        "evaluator_id": str(score.evaluator_id),
        "criterion_key": "method",
        "version": 1,
        "contents_sha256": audit.content_digest(
            {"id": str(score.id), "version": 1, "value": "3.00", "rationale": DRAFT_RATIONALE}
        ),
    }
    assert DRAFT_RATIONALE not in json.dumps([stored.summary, stored.before, stored.after])
    assert (shown.after, shown.withheld) == (stored.after, None)


async def test_an_older_draft_event_holding_values_is_read_without_them(
    session: AsyncSession, council: Council
) -> None:
    tender, bid_id = await _drafting(session, council)
    older = {
        "id": str(uuid.uuid4()),
        "bid_id": str(bid_id),
        "criterion_key": "method",
        "value": "3.00",
        "rationale": DRAFT_RATIONALE,
        "version": 1,
    }
    await audit.record_on_tender(
        session,
        council.as_role(Role.EVALUATOR),
        tender,
        entity_type="bid",
        entity_id=bid_id,
        action="save_draft_scores",
        summary="Saved draft scores for method on a bid",
        before={"tender_status": "closed", "scores": {}},
        after={"tender_status": "evaluating", "scores": {"method": older}},
    )
    await session.commit()

    (shown,) = [
        e
        for e in await _tender_trail(session, council.admin, tender)
        if e.action == "save_draft_scores"
    ]

    assert shown.after == {
        "tender_status": "evaluating",
        "scores": {"method": {k: older[k] for k in ("id", "bid_id", "criterion_key", "version")}},
    }
    assert shown.withheld == DRAFT_REASON
    assert DRAFT_RATIONALE not in shown.model_dump_json()
    assert (await verify_chains(session)).intact
