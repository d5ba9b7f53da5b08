"""Publishing the capital programme's summaries, and reading them back.

- A finance officer publishes a period's summary. The programme's figures are worked out as at
  the period's last day and frozen in a snapshot; its files (two PDFs, HTML, CSV, JSON) are
  made from the snapshot and stored with their SHA-256 in the same transaction as the
  publication, so a publication never exists without its files, nor files without it.
- No summary is published while a scheme's variance of more than 10% of its budget has no
  explanation (409 `variance_unexplained`, naming the schemes).
- A publication is never edited or deleted (409 `publication_immutable`). A correction is a new
  version of the same period that supersedes the latest one; the old version stays readable.
- Files are served from the database exactly as stored, so every download of a file is the
  same bytes, with the same digest, for ever; bytes that no longer match their recorded
  digest are refused (500 `integrity_error`), never served (services.file_integrity).
- Anyone may read what is published, and the contracts awarded, without signing in
  (PublicRecords); nothing unpublished, unawarded or sealed is reachable from there.
"""

import base64
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NoReturn, cast

import sqlalchemy as sa
import sqlalchemy.orm
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from procurement.config import Settings
from procurement.domain.capital import Period
from procurement.domain.dates import london_date
from procurement.domain.lifecycle import TenderStatus
from procurement.domain.postcodes import is_in_local_area
from procurement.domain.roles import Permission
from procurement.errors import ConflictError, InputError, NotFoundError
from procurement.models import (
    AuditChainHead,
    Award,
    Bid,
    Organisation,
    Publication,
    PublicationFile,
    Supplier,
    Tender,
)
from procurement.models.audit import GENESIS_HASH
from procurement.models.base import utc_now
from procurement.principal import Principal
from procurement.schemas.common import Page
from procurement.schemas.publication import (
    PublicationCorrection,
    PublicationCreate,
    PublicationFileKind,
    PublicationFileRead,
    PublicationRead,
    PublicationTotals,
)
from procurement.services import audit
from procurement.services.audit_checkpoints import take_checkpoints
from procurement.services.capital_figures import (
    VARIANCE_THRESHOLD_PERCENT,
    ProjectFigures,
    ProxyValues,
    programme_figures,
    proxy_values,
)
from procurement.services.file_integrity import require_intact
from procurement.services.publication_files import file_name, make_files
from procurement.services.publication_snapshot import SnapshotHeader, amount, build_snapshot
from procurement.services.queries import count, get_owned

WHAT = "Publication"
ENTITY = "publication"
API_PATH = "/api/v1/publications"
PUBLIC_PATH = "/public/publications"
CENT = Decimal("0.01")
FEED_SIZE = 50
# The snapshot column as the ORM sees it (SQLModel types it as its value), for the loader
# options that leave it unread: a snapshot may be megabytes, and lists need none of it.
_SNAPSHOT = cast("sa.orm.QueryableAttribute[Any]", Publication.snapshot)


def file_url(base: str, publication_id: uuid.UUID, kind: PublicationFileKind) -> str:
    """Where a file is served under `base` (the API's or the public pages' path):
    `<base>/<id>.pdf`, `.html`, `.csv`, `.json`, and `<base>/<id>/archive.pdf`."""
    if kind is PublicationFileKind.ARCHIVE_PDF:
        return f"{base}/{publication_id}/archive.pdf"
    return f"{base}/{publication_id}.{kind.value}"


def default_title(period: Period) -> str:
    """The title a summary gets when none is given."""
    return f"Capital programme summary {period.label}"


class UnexplainedVarianceError(ConflictError):
    """Schemes whose variance needs an explanation stand in the way of publication."""

    def __init__(self, projects: list[ProjectFigures]) -> None:
        named = "; ".join(f"{p.code} {p.name} ({amount(p.variance_percent)}%)" for p in projects)
        threshold = f"{VARIANCE_THRESHOLD_PERCENT:f}%"
        super().__init__(
            f"Explain the variance of every scheme whose forecast differs from its budget by "
            f"more than {threshold} before publishing: {named}",
            code="variance_unexplained",
            projects=[
                {
                    "id": str(p.id),
                    "code": p.code,
                    "name": p.name,
                    "variance": amount(p.variance),
                    "variance_percent": amount(p.variance_percent),
                }
                for p in projects
            ],
        )


@dataclass(frozen=True)
class StoredFile:
    """A publication file as served: its bytes exactly as stored, and their digest."""

    name: str
    media_type: str
    content: bytes
    sha256: str


def file_headers(stored: StoredFile, *, download: bool = True) -> dict[str, str]:
    """Headers for a served file: its SHA-256 as the ETag and as a Repr-Digest (RFC 9530),
    and the name to save it under (offered as a download unless `download` is false)."""
    digest = base64.b64encode(bytes.fromhex(stored.sha256)).decode()
    disposition = "attachment" if download else "inline"
    return {
        "ETag": f'"{stored.sha256}"',
        "Repr-Digest": f"sha-256=:{digest}:",
        # file_name keeps names to ASCII letters, digits, dots and hyphens: no quoting needed.
        "Content-Disposition": f'{disposition}; filename="{stored.name}"',
    }


def holds_current(if_none_match: str | None, stored: StoredFile) -> bool:
    """Whether an If-None-Match header names this file's ETag, so the caller already holds
    it: by weak comparison, in a list or as "*" (RFC 9110, section 13.1.2)."""
    if if_none_match is None:
        return False
    etag = f'"{stored.sha256}"'
    tags = (tag.strip() for tag in if_none_match.split(","))
    return any(tag == "*" or tag.removeprefix("W/") == etag for tag in tags)


@dataclass(frozen=True)
class FileReply:
    """How to answer a request for a stored file: the status, the headers and the body."""

    status_code: int
    headers: dict[str, str]
    body: bytes


def file_reply(
    stored: StoredFile, headers: dict[str, str], *, method: str, if_none_match: str | None
) -> FileReply:
    """The answer to GET or HEAD for a stored file: 304 and no body when the caller already
    holds it, the headers alone (with the file's length) for HEAD, otherwise its bytes."""
    if holds_current(if_none_match, stored):
        return FileReply(304, headers, b"")
    if method == "HEAD":
        return FileReply(200, headers | {"Content-Length": str(len(stored.content))}, b"")
    return FileReply(200, headers, stored.content)


async def _chain_head(session: AsyncSession, organisation_id: uuid.UUID) -> dict[str, Any]:
    """The organisation's audit chain head as committed, as a publication records it."""
    head = await session.scalar(
        sa.select(AuditChainHead)
        .where(col(AuditChainHead.organisation_id) == organisation_id)
        .execution_options(populate_existing=True)
    )
    position, hash_ = (0, GENESIS_HASH) if head is None else (head.position, head.hash)
    return {"organisation_id": str(organisation_id), "position": position, "hash": hash_}


@dataclass(frozen=True)
class Successor:
    """The version that superseded a publication."""

    id: uuid.UUID
    version: int


async def _successors(
    session: AsyncSession, ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, Successor]:
    wanted = list(ids)
    if not wanted:
        return {}
    rows = await session.execute(
        sa.select(
            col(Publication.supersedes_id), col(Publication.id), col(Publication.version)
        ).where(col(Publication.supersedes_id).in_(wanted))
    )
    return {old: Successor(new, version) for old, new, version in rows.tuples() if old}


async def _file_reads(
    session: AsyncSession, ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, list[PublicationFileRead]]:
    wanted = list(ids)
    files: dict[uuid.UUID, list[PublicationFileRead]] = defaultdict(list)
    if not wanted:
        return files
    rows = await session.execute(  # everything but the content
        sa.select(
            col(PublicationFile.publication_id),
            col(PublicationFile.kind),
            col(PublicationFile.media_type),
            col(PublicationFile.size),
            col(PublicationFile.sha256),
        ).where(col(PublicationFile.publication_id).in_(wanted))
    )
    order = list(PublicationFileKind)
    for publication_id, kind, media_type, size, sha256 in sorted(
        rows.tuples(), key=lambda row: order.index(PublicationFileKind(row[1]))
    ):
        kind = PublicationFileKind(kind)
        files[publication_id].append(
            PublicationFileRead(
                kind=kind,
                media_type=media_type,
                size=size,
                sha256=sha256,
                url=file_url(API_PATH, publication_id, kind),
            )
        )
    return files


def _with_totals() -> sa.Select[Any]:
    """Publications with their totals, leaving the (large) snapshot itself unread."""
    return sa.select(Publication, col(Publication.snapshot)["totals"].label("totals")).options(
        sa.orm.defer(_SNAPSHOT)
    )


async def _reads(session: AsyncSession, rows: list[Any]) -> list[PublicationRead]:
    ids = [row.Publication.id for row in rows]
    successors = await _successors(session, ids)
    files = await _file_reads(session, ids)
    reads = []
    for row in rows:
        publication: Publication = row.Publication
        successor = successors.get(publication.id)
        reads.append(
            PublicationRead(
                id=publication.id,
                organisation_id=publication.organisation_id,
                period=publication.period,
                period_start=publication.period_start,
                period_end=publication.period_end,
                version=publication.version,
                title=publication.title,
                correction_note=publication.correction_note,
                supersedes_id=publication.supersedes_id,
                superseded_by_id=successor.id if successor else None,
                superseded_by_version=successor.version if successor else None,
                is_latest=successor is None,
                published_at=publication.published_at,
                published_by_name=publication.published_by_name,
                totals=PublicationTotals.model_validate(row.totals),
                files=files[publication.id],
            )
        )
    return reads


async def _stored_file(
    session: AsyncSession,
    publication_id: uuid.UUID,
    kind: PublicationFileKind,
    organisation_id: uuid.UUID | None,
) -> StoredFile:
    statement = (
        sa.select(PublicationFile, col(Publication.title), col(Publication.version))
        .join(Publication, col(Publication.id) == col(PublicationFile.publication_id))
        .where(col(Publication.id) == publication_id, col(PublicationFile.kind) == kind.value)
    )
    if organisation_id is not None:
        statement = statement.where(col(Publication.organisation_id) == organisation_id)
    row = (await session.execute(statement)).one_or_none()
    if row is None:
        raise NotFoundError(WHAT)
    stored, title, version = row
    await require_intact(
        f"{kind.value} file of publication {publication_id}", stored.content, stored.sha256
    )
    return StoredFile(
        file_name(title, version, kind), stored.media_type, stored.content, stored.sha256
    )


class PublicationService:
    """Publishes, corrects and reads an organisation's capital programme summaries."""

    def __init__(self, session: AsyncSession, actor: Principal) -> None:
        self.session = session
        self.actor = actor

    async def list(
        self, limit: int, offset: int, period: str | None = None
    ) -> Page[PublicationRead]:
        """Every version of every period, latest period first, newest version first."""
        self.actor.require(Permission.READ_CAPITAL)
        statement = (
            _with_totals()
            .where(col(Publication.organisation_id) == self.actor.organisation_id)
            .order_by(
                col(Publication.period_start).desc(),
                col(Publication.period_end),
                col(Publication.version).desc(),
            )
        )
        if period is not None:
            try:
                label = Period.parse(period.upper()).label  # "2026/27 q2" is Q2
            except ValueError as error:
                raise InputError.single("period", str(error)) from error
            statement = statement.where(col(Publication.period) == label)
        total = await count(self.session, statement)
        rows = (await self.session.execute(statement.limit(limit).offset(offset))).all()
        return Page(
            items=await _reads(self.session, list(rows)),
            total=total,
            limit=limit,
            offset=offset,
        )

    async def get(self, publication_id: uuid.UUID) -> PublicationRead:
        """One version of a summary."""
        self.actor.require(Permission.READ_CAPITAL)
        row = (
            await self.session.execute(
                _with_totals().where(
                    col(Publication.id) == publication_id,
                    col(Publication.organisation_id) == self.actor.organisation_id,
                )
            )
        ).one_or_none()
        if row is None:
            raise NotFoundError(WHAT)
        return (await _reads(self.session, [row]))[0]

    async def file(self, publication_id: uuid.UUID, kind: PublicationFileKind) -> StoredFile:
        """One of a publication's files, byte for byte as stored."""
        self.actor.require(Permission.READ_CAPITAL)
        return await _stored_file(self.session, publication_id, kind, self.actor.organisation_id)

    async def refuse_change(self, publication_id: uuid.UUID) -> NoReturn:
        """Answer any attempt to edit or delete a publication: 409 publication_immutable."""
        self.actor.require(Permission.READ_CAPITAL)
        row = await get_owned(
            self.session, Publication, publication_id, self.actor.organisation_id, WHAT
        )
        raise ConflictError(
            f"Version {row.version} of {row.title} is published and can never be changed or "
            "removed; publish a correction instead, as a new version",
            code="publication_immutable",
        )

    async def publish(self, data: PublicationCreate, settings: Settings) -> PublicationRead:
        """Publish the first version of a period's summary; 409 when the period already has
        one (correct it instead) or a variance is unexplained."""
        self.actor.require(Permission.PUBLISH_SUMMARIES)
        period = Period.parse(data.period)
        # The council's date, not UTC's: just after midnight on 1 October in summer, Q3 has
        # begun in England although it is still 30 September in UTC.
        today = london_date(utc_now())
        if period.start > today:
            raise InputError.single(
                "period", f"{period.label} has not started yet, so there is nothing to publish"
            )
        latest = await self.session.scalar(
            sa.select(Publication)
            .where(
                col(Publication.organisation_id) == self.actor.organisation_id,
                col(Publication.period) == period.label,
            )
            .order_by(col(Publication.version).desc())
            .limit(1)
            .options(sa.orm.defer(_SNAPSHOT))
        )
        if latest is not None:
            raise ConflictError(
                f"{period.label} is already published (version {latest.version}); "
                "to change it, publish a correction of that version",
                code="period_already_published",
                publication_id=str(latest.id),
                version=latest.version,
            )
        return await self._issue(period, data.title or default_title(period), settings)

    async def correct(
        self, publication_id: uuid.UUID, data: PublicationCorrection, settings: Settings
    ) -> PublicationRead:
        """Publish a new version of a summary that supersedes it, with a note of what changed;
        409 when that version is already superseded (correct the latest) or a variance is
        unexplained."""
        self.actor.require(Permission.PUBLISH_SUMMARIES)
        old = await get_owned(
            self.session,
            Publication,
            publication_id,
            self.actor.organisation_id,
            WHAT,
            for_update=True,
        )
        successor = (await _successors(self.session, [old.id])).get(old.id)
        if successor is not None:
            raise ConflictError(
                f"Version {old.version} is already superseded by version {successor.version}; "
                "correct the latest version",
                code="publication_superseded",
                latest_id=str(successor.id),
                latest_version=successor.version,
            )
        return await self._issue(
            Period.parse(old.period),
            data.title or old.title,
            settings,
            corrects=old,
            note=data.correction_note,
        )

    async def _issue(
        self,
        period: Period,
        title: str,
        settings: Settings,
        *,
        corrects: Publication | None = None,
        note: str = "",
    ) -> PublicationRead:
        """Freeze the figures, make the files and store them all in one transaction."""
        organisation_id = self.actor.organisation_id
        figures = await programme_figures(self.session, organisation_id, period.end)
        unexplained = figures.unexplained()
        if unexplained:
            raise UnexplainedVarianceError(unexplained)
        organisation = await self.session.get(Organisation, organisation_id)
        assert organisation is not None  # the actor's own organisation
        version = 1 if corrects is None else corrects.version + 1
        row = Publication(
            organisation_id=organisation_id,
            period=period.label,
            period_start=period.start,
            period_end=period.end,
            version=version,
            supersedes_id=None if corrects is None else corrects.id,
            title=title,
            correction_note=note,
            published_by_id=self.actor.user_id,
            published_by_name=self.actor.full_name,
            snapshot={},
        )
        row.snapshot = build_snapshot(
            figures,
            SnapshotHeader(
                organisation=organisation.name,
                title=title,
                period=period,
                version=version,
                supersedes_version=None if corrects is None else corrects.version,
                correction_note=note,
                published_at=row.published_at,
                published_by=self.actor.full_name,
                audit_chain=await _chain_head(self.session, organisation_id),
            ),
        )
        files = await make_files(row.snapshot, settings)
        self.session.add(row)
        await self.session.flush()  # the files refer to the publication
        self.session.add_all(
            PublicationFile(
                publication_id=row.id,
                kind=made.kind.value,
                media_type=made.media_type,
                content=made.content,
                sha256=made.sha256,
                size=len(made.content),
            )
            for made in files
        )
        corrected = "" if corrects is None else f", correcting version {corrects.version}"
        await audit.record(
            self.session,
            self.actor,
            organisation_id=organisation_id,
            entity_type=ENTITY,
            entity_id=row.id,
            action="publish" if corrects is None else "correct",
            summary=f"Published {title}, version {version}{corrected}",
            after={
                "period": period.label,
                "version": version,
                "supersedes_id": None if corrects is None else str(corrects.id),
                "correction_note": note,
                "files": {made.kind.value: made.sha256 for made in files},
            },
        )
        try:
            await self.session.commit()
        except IntegrityError as error:
            # Another officer published this period's version at the same moment.
            await self.session.rollback()
            raise ConflictError(
                f"Version {version} of {period.label} was published by someone else just now; "
                "reload and check it",
                code="publication_clash",
            ) from error
        # Signed now, so the head the publication names, and its own event after it, are
        # witnessed at once.
        await take_checkpoints(self.session, settings.secret_key, organisation_id=organisation_id)
        return await self.get(row.id)


@dataclass(frozen=True)
class PublicSummary:
    """A publication as the public list shows it."""

    id: uuid.UUID
    organisation: str
    period: str
    period_start: date
    version: int
    title: str
    published_at: datetime
    correction_note: str
    superseded_by: Successor | None
    # The audit chain head the publication recorded ({organisation_id, position, hash});
    # None for publications made before heads were recorded.
    audit_chain: dict[str, Any] | None = None


@dataclass(frozen=True)
class PublicPublication:
    """A publication as its public page shows it: the snapshot, its files and its versions."""

    summary: PublicSummary
    snapshot: dict[str, Any]
    supersedes: Successor | None
    files: list[PublicationFileRead]


@dataclass(frozen=True)
class PublicAward:
    """An awarded contract as the public see it: the winner and its commitments, never
    another bid."""

    organisation: str
    reference: str
    title: str
    supplier: str
    contract_value: Decimal
    is_local: bool
    is_sme: bool
    is_vcse: bool
    social_value: Decimal
    awarded_on: date


class PublicRecords:
    """What anyone may read without signing in: published summaries and awarded contracts."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def _summarise(self, rows: list[Any]) -> list[PublicSummary]:
        successors = await _successors(self.session, [row.Publication.id for row in rows])
        return [
            PublicSummary(
                id=row.Publication.id,
                organisation=row.name,
                period=row.Publication.period,
                period_start=row.Publication.period_start,
                version=row.Publication.version,
                title=row.Publication.title,
                published_at=row.Publication.published_at,
                correction_note=row.Publication.correction_note,
                superseded_by=successors.get(row.Publication.id),
                audit_chain=row.audit_chain,
            )
            for row in rows
        ]

    async def _listing(self, statement: sa.Select[Any]) -> list[PublicSummary]:
        return await self._summarise(list((await self.session.execute(statement)).all()))

    @staticmethod
    def _listed(*, with_snapshot: bool = False) -> sa.Select[Any]:
        loading = sa.orm.undefer(_SNAPSHOT) if with_snapshot else sa.orm.defer(_SNAPSHOT)
        return (
            # The audit chain head alone, without loading the whole snapshot.
            sa.select(
                Publication, col(Organisation.name), _SNAPSHOT["audit_chain"].label("audit_chain")
            )
            .join(Organisation, col(Organisation.id) == col(Publication.organisation_id))
            .options(loading)
        )

    async def publications(self) -> list[PublicSummary]:
        """Every published version: latest period first, then by council, newest version
        first."""
        return await self._listing(
            self._listed().order_by(
                col(Publication.period_start).desc(),
                col(Publication.period_end),
                col(Organisation.name),
                col(Publication.version).desc(),
            )
        )

    async def newest(self, count: int = FEED_SIZE) -> list[PublicSummary]:
        """The most recently published versions, newest first (for the feed)."""
        return await self._listing(
            self._listed()
            .order_by(col(Publication.published_at).desc(), col(Publication.id))
            .limit(count)
        )

    async def publication(self, publication_id: uuid.UUID) -> PublicPublication:
        """One published version, with what it supersedes and what superseded it."""
        row = (
            await self.session.execute(
                self._listed(with_snapshot=True).where(col(Publication.id) == publication_id)
            )
        ).one_or_none()
        if row is None:
            raise NotFoundError(WHAT)
        publication: Publication = row.Publication
        supersedes = None
        if publication.supersedes_id is not None:
            # A correction is always the version after the one it supersedes.
            supersedes = Successor(publication.supersedes_id, publication.version - 1)
        files = (await _file_reads(self.session, [publication_id]))[publication_id]
        return PublicPublication(
            summary=(await self._summarise([row]))[0],
            snapshot=publication.snapshot,
            supersedes=supersedes,
            files=[
                f.model_copy(update={"url": file_url(PUBLIC_PATH, publication_id, f.kind)})
                for f in files
            ],
        )

    async def file(self, publication_id: uuid.UUID, kind: PublicationFileKind) -> StoredFile:
        """One of a publication's files, byte for byte as stored."""
        return await _stored_file(self.session, publication_id, kind, None)

    async def awards(self, limit: int, offset: int) -> Page[PublicAward]:
        """Awarded contracts, most recent decision first: the winning supplier, the contract
        value and the social value its bid commits to. Only tenders in the awarded state
        are listed, and only their winning bids are read."""
        statement = (
            sa.select(Tender, Award, Bid, Supplier, Organisation)
            .join(Award, col(Award.tender_id) == col(Tender.id))
            .join(Bid, col(Bid.id) == col(Award.bid_id))
            .join(Supplier, col(Supplier.id) == col(Bid.supplier_id))
            .join(Organisation, col(Organisation.id) == col(Tender.organisation_id))
            .where(col(Tender.status) == TenderStatus.AWARDED)
            .order_by(
                col(Award.decision_date).desc(), col(Organisation.name), col(Tender.reference)
            )
        )
        total = await count(self.session, statement)
        rows = await self.session.execute(statement.limit(limit).offset(offset))
        catalogues: dict[uuid.UUID, ProxyValues] = {}
        items = []
        for tender, award, bid, supplier, organisation in rows.tuples():
            if organisation.id not in catalogues:
                catalogues[organisation.id] = await proxy_values(self.session, organisation.id)
            # Valued as the capital figures value a linked contract's commitments.
            valued_on = tender.measure_values_on or award.decision_date
            items.append(
                PublicAward(
                    organisation=organisation.name,
                    reference=tender.reference,
                    title=tender.title,
                    supplier=supplier.name,
                    contract_value=bid.price,
                    is_local=is_in_local_area(supplier.postcode, organisation.local_area),
                    is_sme=supplier.is_sme,
                    is_vcse=supplier.is_vcse,
                    social_value=catalogues[organisation.id].worth(bid.commitments, valued_on),
                    awarded_on=award.decision_date,
                )
            )
        return Page(items=items, total=total, limit=limit, offset=offset)
