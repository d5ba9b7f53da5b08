"""What readers of the audit trail may learn from it, decided when it is read.

Stored events are never changed: each is hash-chained to the next. So the rules are applied
as the trail is read back, to every event old or new:

- While a tender's bids are sealed, its bid events say only that a bid arrived, was replaced
  or withdrawn, and when: not which supplier bid, nor who sent it, nor the digest of its
  contents. Once the tender closes, the events are shown as stored, naming the supplier.
- An evaluator's draft scores are theirs alone: a draft event shows which scores were saved,
  their versions and a digest of each, never a value or a rationale.
"""

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from procurement.models import AuditEvent, Tender
from procurement.schemas.audit import AuditEventRead

BID_ENTITY = "bid"
# The changes made to a bid by its supplier, or by an officer recording it for them.
BID_RECEIPT_ACTIONS = frozenset({"submit", "record", "replace", "withdraw"})
SAVE_DRAFT_SCORES = "save_draft_scores"

SEALED_ACTOR = "Not shown until the tender closes"
SEALED_REASON = "Who bid is not shown until the tender closes"
DRAFT_REASON = "Draft scores are private to their evaluator"
SEALED_SUMMARIES = {
    "submit": "Submitted a bid",
    "record": "Recorded a bid",
    "replace": "Replaced a bid",
    "withdraw": "Withdrew a bid",
}
# The receipt facts that name nobody. The contents digest is withheld too: it is salted with
# a secret kept on the sealed bid, and while it is unknown nobody can recompute the event's
# hash for each supplier in turn to find out which one bid.
SEALED_RECEIPT = ("status", "channel", "received_at", "withdrawn_at", "version")
# What a draft event shows of each score; events stored before drafts were digested also
# hold the value and rationale, which are left out.
DRAFT_SCORE_FACTS = (
    "id",
    "bid_id",
    "evaluator_id",
    "criterion_key",
    "version",
    "contents_sha256",
)


def _is_bid_receipt(event: AuditEvent) -> bool:
    return event.entity_type == BID_ENTITY and event.action in BID_RECEIPT_ACTIONS


def sealed_bid_event() -> sa.ColumnElement[bool]:
    """True for an event about a bid on a tender whose bids are still sealed."""
    # The sealed-bid rule (services.bids.is_sealed) as a query: sealed until closed.
    sealed_tenders = sa.select(col(Tender.id)).where(col(Tender.closed_at).is_(None))
    return sa.and_(
        col(AuditEvent.entity_type) == BID_ENTITY,
        col(AuditEvent.action).in_(BID_RECEIPT_ACTIONS),
        col(AuditEvent.tender_id).in_(sealed_tenders),
    )


async def _sealed_among(session: AsyncSession, tender_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
    wanted = set(tender_ids)
    if not wanted:
        return set()
    rows = await session.scalars(
        sa.select(col(Tender.id)).where(col(Tender.id).in_(wanted), col(Tender.closed_at).is_(None))
    )
    return set(rows)


def _only(record: dict[str, Any] | None, keys: Sequence[str]) -> dict[str, Any] | None:
    if record is None:
        return None
    return {key: record[key] for key in keys if key in record}


def _draft_facts(record: dict[str, Any] | None) -> dict[str, Any] | None:
    if record is None or not isinstance(record.get("scores"), dict):
        return record
    scores = {key: _only(score, DRAFT_SCORE_FACTS) for key, score in record["scores"].items()}
    return {**record, "scores": scores}


def _readable(event: AuditEvent, sealed: set[uuid.UUID]) -> AuditEventRead:
    shown = AuditEventRead.model_validate(event)
    if _is_bid_receipt(event) and event.tender_id in sealed:
        return shown.model_copy(
            update={
                "actor_id": None,
                "actor_name": SEALED_ACTOR,
                "summary": SEALED_SUMMARIES[event.action],
                "before": _only(event.before, SEALED_RECEIPT),
                "after": _only(event.after, SEALED_RECEIPT),
                "withheld": SEALED_REASON,
            }
        )
    if event.action == SAVE_DRAFT_SCORES:
        before, after = _draft_facts(event.before), _draft_facts(event.after)
        if (before, after) != (event.before, event.after):
            return shown.model_copy(
                update={"before": before, "after": after, "withheld": DRAFT_REASON}
            )
    return shown


async def readable_events(
    session: AsyncSession, events: Sequence[AuditEvent]
) -> list[AuditEventRead]:
    """The events as the trail's readers may see them: sealed bidders and drafts withheld."""
    bid_tenders = (e.tender_id for e in events if _is_bid_receipt(e) and e.tender_id is not None)
    sealed = await _sealed_among(session, bid_tenders)
    return [_readable(event, sealed) for event in events]
