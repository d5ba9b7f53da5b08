"""The audit trail, for administrators and procurement officers; its verification, for
administrators; and its signed checkpoints, for anyone."""

import uuid
from typing import Annotated

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.openapi.spec import OpenAPIFormat
from litestar.params import QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from procurement.api.errors import ERROR_RESPONSES
from procurement.api.params import Paging, moment
from procurement.config import Settings
from procurement.principal import Principal
from procurement.schemas.audit import AuditEventRead
from procurement.schemas.audit_witness import AuditVerifyRead, CheckpointList
from procurement.schemas.common import Page
from procurement.schemas.fields import ISO_DATE_TIME
from procurement.services.audit import AuditFilter, AuditService
from procurement.services.audit_checkpoints import checkpoint_list
from procurement.services.audit_verify import verify_for

Moment = Annotated[
    str | None,
    QueryParameter(
        pattern=ISO_DATE_TIME,
        format=OpenAPIFormat.DATE_TIME,
        description="An ISO 8601 time with a timezone, e.g. 2026-03-01T09:00:00Z",
    ),
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
            "Events are stored whole and redacted as they are read: until the tender closes "
            "(for good if it is cancelled first) a bid event says only that a bid was "
            "submitted, recorded, replaced or withdrawn, and when, with no supplier, actor or "
            "digest, and `user_id` does not find it; once the tender closes it is shown as "
            "stored, naming the supplier. Draft score events show each score's digest, never "
            "its value or rationale. `withheld` says what was left out, and `hash` is always "
            "that of the stored event. "
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
        filters = AuditFilter(
            tender_id=tender_id,
            user_id=user_id,
            since=moment(since, "since"),
            until=moment(until, "until"),
        )
        return await audit.list(filters, paging.limit, paging.offset)

    @get(
        "/verify",
        operation_id="verifyAuditTrail",
        responses=ERROR_RESPONSES,
        description=(
            "Administrators only (403 `role_forbidden` for others). Runs every integrity check "
            "of `procurement audit verify`: each organisation's hash chain from its first event "
            "to its head; every audited record (tenders with their criteria, bids with their "
            "exclusions, evaluators' declarations, scores, moderated scores, awards, capital "
            "schemes, publications) against the state the trail last recorded for it; every "
            "stored checkpoint (its signature, and that the chain still passes through it); and "
            "the stored files against their SHA-256. `intact` is true only when nothing was "
            "found anywhere; `findings` lists what concerns your organisation, each naming the "
            "`check` (chain, row, checkpoint or file), its `subject` (an event, a record as "
            "`<table>:<id>`, a checkpoint or a file) and the `problem`; `elsewhere` counts the "
            "rest. Reading every record takes a while on a large database."
        ),
    )
    async def verify_audit_trail(
        self,
        db_session: NamedDependency[AsyncSession],
        actor: NamedDependency[Principal],
        settings: NamedDependency[Settings],
    ) -> AuditVerifyRead:
        """Prove the trail, the records and the files."""
        return await verify_for(db_session, actor, settings.secret_key)


class PublicCheckpointController(Controller):
    """The signed chain heads, for anyone to keep as a witness outside the database."""

    path = "/public/audit"
    tags = ["audit"]
    security = [{}]  # no sign-in

    @get(
        "/checkpoints",
        operation_id="listAuditCheckpoints",
        description=(
            "Open to anyone, without signing in. Every checkpoint of every organisation's audit "
            "chain, oldest first: the chain's head (`position` and `hash`) at `taken_at`, "
            "signed by the service with Ed25519. `public_key` verifies the signatures, over the "
            "bytes `signed_message` describes. One is taken at least daily while the trail "
            "moves, and at every publication. Save this list: `procurement audit verify "
            "--checkpoint FILE` shows whether the chain still passes through every head in it, "
            "so a chain re-hashed or cut short afterwards is caught even if the database is not "
            "trusted."
        ),
    )
    async def list_audit_checkpoints(
        self, db_session: NamedDependency[AsyncSession], settings: NamedDependency[Settings]
    ) -> CheckpointList:
        """The signed checkpoints and the key that verifies them."""
        return await checkpoint_list(db_session, settings.secret_key)
