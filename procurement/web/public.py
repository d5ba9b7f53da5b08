"""Pages anyone may read without signing in: the published capital programme summaries, their
files, an Atom feed of new publications, and the contracts awarded.

Everything here comes from what was published (a publication's snapshot and stored files) or
from awarded tenders' winning bids: never a draft, an open or unawarded tender, or a bid that
did not win.
"""

import itertools
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any
from xml.etree import ElementTree

from litestar import Controller, HttpMethod, Response, get, route
from litestar.di import NamedDependency
from litestar.exceptions import MethodNotAllowedException
from litestar.params import FromPath, PathParameter, QueryParameter
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from procurement.errors import NotFoundError
from procurement.schemas.publication import PublicationFileKind, split_reference
from procurement.services.audit_checkpoints import CHECKPOINTS_PATH
from procurement.services.publication_files import document_context
from procurement.services.publications import (
    PUBLIC_PATH,
    WHAT,
    PublicRecords,
    PublicSummary,
    StoredFile,
    file_headers,
    file_reply,
)
from procurement.web.publications import FILE_NAMES
from procurement.web.rendering import PAGE_SIZE, Req, page_offset, pagination, render

ATOM = "http://www.w3.org/2005/Atom"
ATOM_MEDIA_TYPE = "application/atom+xml"
FEED_TITLE = "Capital programme summaries"
# Published files never change, so anyone may keep a copy as long as they like.
IMMUTABLE = "public, max-age=31536000, immutable"
# The HTML file is shown on this site; it needs nothing but its own inline styles.
HTML_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
# Published files are the same for everyone, so they set no cookie: neither the session
# (which would be renewed on every download) nor the CSRF token. Caches may then share them.
NO_COOKIES = {"skip_session": True, "exclude_from_csrf": True}


@dataclass(frozen=True)
class PeriodGroup:
    """The publications of one period, newest version first."""

    period: str
    publications: list[PublicSummary]


def by_period(summaries: list[PublicSummary]) -> list[PeriodGroup]:
    """Publications grouped by period, keeping their order (latest period first)."""
    return [
        PeriodGroup(period, list(group))
        for period, group in itertools.groupby(summaries, key=lambda s: s.period)
    ]


def _served(request: Req, stored: StoredFile, kind: PublicationFileKind) -> Response[bytes]:
    """A published file as the response to GET or HEAD, or 304 when the caller holds it."""
    is_page = kind is PublicationFileKind.HTML
    headers = {**file_headers(stored, download=not is_page), "Cache-Control": IMMUTABLE}
    if is_page:
        headers["Content-Security-Policy"] = HTML_POLICY
    reply = file_reply(
        stored,
        headers,
        method=request.method,
        if_none_match=request.headers.get("if-none-match"),
    )
    return Response(
        reply.body,
        status_code=reply.status_code,
        media_type=stored.media_type,
        headers=reply.headers,
    )


def _text(parent: ElementTree.Element, tag: str, text: str) -> None:
    ElementTree.SubElement(parent, f"{{{ATOM}}}{tag}").text = text


def _link(parent: ElementTree.Element, href: str, rel: str = "alternate") -> None:
    ElementTree.SubElement(parent, f"{{{ATOM}}}link", rel=rel, type="text/html", href=href)


def chain_head_text(head: dict[str, Any], checkpoints_url: str) -> str:
    """The audit chain head a publication recorded, in words anyone can check it by."""
    return (
        f"When it was published, the council's audit trail stood at event {head['position']}, "
        f"hash {head['hash']} (organisation {head['organisation_id']}); later heads are "
        f"signed at {checkpoints_url}."
    )


def atom_feed(base_url: str, summaries: list[PublicSummary]) -> bytes:
    """An Atom feed (RFC 4287) with an entry for each publication, newest first."""
    ElementTree.register_namespace("", ATOM)
    feed = ElementTree.Element(f"{{{ATOM}}}feed")
    _text(feed, "id", f"{base_url}{PUBLIC_PATH}")
    _text(feed, "title", FEED_TITLE)
    newest = summaries[0].published_at if summaries else datetime.now(UTC)
    _text(feed, "updated", newest.isoformat())
    ElementTree.SubElement(
        feed,
        f"{{{ATOM}}}link",
        rel="self",
        type=ATOM_MEDIA_TYPE,
        href=f"{base_url}{PUBLIC_PATH}.atom",
    )
    _link(feed, f"{base_url}{PUBLIC_PATH}")
    for summary in summaries:
        entry = ElementTree.SubElement(feed, f"{{{ATOM}}}entry")
        _text(entry, "id", summary.id.urn)
        _text(entry, "title", f"{summary.organisation}: {summary.title}, version {summary.version}")
        _text(entry, "published", summary.published_at.isoformat())
        _text(entry, "updated", summary.published_at.isoformat())
        author = ElementTree.SubElement(entry, f"{{{ATOM}}}author")
        _text(author, "name", summary.organisation)
        _link(entry, f"{base_url}{PUBLIC_PATH}/{summary.id}")
        about = f"Version {summary.version} of the capital programme summary for {summary.period}."
        if summary.correction_note:
            about += f" It corrects version {summary.version - 1}: {summary.correction_note}"
        if summary.audit_chain is not None:
            about += " " + chain_head_text(summary.audit_chain, base_url + CHECKPOINTS_PATH)
        _text(entry, "summary", about)
    document: bytes = ElementTree.tostring(feed, encoding="utf-8", xml_declaration=True)
    return document


class PublicPages(Controller):
    """What the council publishes, for anyone to read without signing in."""

    path = "/public"
    include_in_schema = False

    @get("/publications")
    async def publication_list(
        self, request: Req, db_session: NamedDependency[AsyncSession]
    ) -> Template:
        """Every published summary by period, the latest version of each marked."""
        summaries = await PublicRecords(db_session).publications()
        return render(request, "pages/public/publications.html", periods=by_period(summaries))

    @get("/publications.atom", media_type=ATOM_MEDIA_TYPE)
    async def feed(
        self, request: Req, db_session: NamedDependency[AsyncSession]
    ) -> Response[bytes]:
        """An Atom feed of new publications."""
        summaries = await PublicRecords(db_session).newest()
        base_url = str(request.base_url).rstrip("/")
        return Response(atom_feed(base_url, summaries), media_type=ATOM_MEDIA_TYPE)

    @route(
        "/publications/{reference:str}",
        http_method=[HttpMethod.GET, HttpMethod.HEAD],
        opt=NO_COOKIES,
    )
    async def publication(
        self,
        request: Req,
        db_session: NamedDependency[AsyncSession],
        reference: Annotated[str, PathParameter(max_length=50)],
    ) -> Template | Response[bytes]:
        """A publication's page, with its charts and tables, or (with .pdf, .html, .csv or
        .json) one of its files as published."""
        parsed = split_reference(reference)
        if parsed is None:
            raise NotFoundError(WHAT)
        publication_id, kind = parsed
        records = PublicRecords(db_session)
        if kind is not None:
            return _served(request, await records.file(publication_id, kind), kind)
        if request.method == HttpMethod.HEAD:
            raise MethodNotAllowedException("HEAD is answered for a publication's files only")
        publication = await records.publication(publication_id)
        return render(
            request,
            "pages/public/publication.html",
            publication=publication,
            summary=publication.summary,
            document=document_context(publication.snapshot),
            file_names=FILE_NAMES,
        )

    @route(
        "/publications/{publication_id:uuid}/archive.pdf",
        http_method=[HttpMethod.GET, HttpMethod.HEAD],
        opt=NO_COOKIES,
    )
    async def archive(
        self,
        request: Req,
        db_session: NamedDependency[AsyncSession],
        publication_id: FromPath[uuid.UUID],
    ) -> Response[bytes]:
        """The archival copy of a publication: PDF/A-3b with the JSON data attached."""
        kind = PublicationFileKind.ARCHIVE_PDF
        return _served(request, await PublicRecords(db_session).file(publication_id, kind), kind)

    @get("/awards")
    async def awards(
        self,
        request: Req,
        db_session: NamedDependency[AsyncSession],
        page: Annotated[int, QueryParameter(ge=1, le=100_000)] = 1,
    ) -> Template:
        """Awarded contracts: the winning supplier, the value, whether it is local or an SME,
        and the social value it has committed to."""
        found = await PublicRecords(db_session).awards(PAGE_SIZE, page_offset(page))
        return render(
            request,
            "pages/public/awards.html",
            awards=found,
            pagination=pagination("/public/awards", {}, page, found.total),
        )
