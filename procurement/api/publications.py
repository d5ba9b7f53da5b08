"""Published capital programme summaries: publish, correct, read, and download their files.

A publication is never edited or deleted: PUT, PATCH and DELETE answer 409
`publication_immutable`. Files are served byte for byte as stored, with their SHA-256 as ETag,
only after their bytes are checked against it (500 `integrity_error` otherwise). They answer
HEAD and If-None-Match (304), and may be kept by the caller for ever.
"""

import uuid
from typing import Annotated, Any

from litestar import Controller, HttpMethod, Request, Response, delete, get, patch, post, put, route
from litestar.di import NamedDependency
from litestar.exceptions import MethodNotAllowedException
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, JSONBody, PathParameter, QueryParameter

from procurement.api.errors import (
    ERROR_RESPONSES,
    INTEGRITY_ERROR_RESPONSE,
    REPORT_TIMEOUT_RESPONSE,
)
from procurement.api.openapi import file_download
from procurement.api.params import Paging
from procurement.config import Settings
from procurement.errors import NotFoundError
from procurement.schemas.common import Page
from procurement.schemas.fields import SINGLE_LINE
from procurement.schemas.publication import (
    FILE_MEDIA_TYPES,
    PublicationCorrection,
    PublicationCreate,
    PublicationFileKind,
    PublicationRead,
    split_reference,
)
from procurement.services.publications import (
    WHAT,
    PublicationService,
    StoredFile,
    file_headers,
    file_reply,
)

# The publication, or one of its files: `<id>`, or `<id>.pdf`, `.html`, `.csv`, `.json`.
Reference = Annotated[
    str,
    PathParameter(
        max_length=50,
        description="The publication's id, alone or with .pdf, .html, .csv or .json for a file",
    ),
]
PUBLISHING_RESPONSES = {**ERROR_RESPONSES, 503: REPORT_TIMEOUT_RESPONSE}
FILE_RESPONSES = {**ERROR_RESPONSES, 500: INTEGRITY_ERROR_RESPONSE}
READ_RESPONSES = {
    **FILE_RESPONSES,
    200: ResponseSpec(
        data_container=PublicationRead,
        description="The publication as JSON; for `<id>.pdf`, `.html`, `.csv` or `.json`, that "
        "file's bytes as published, with its SHA-256 as ETag and Repr-Digest; 304 with no "
        "body when If-None-Match names that ETag",
    ),
}
# A file never changes, but only the caller may keep it: the API answers bearer tokens.
PRIVATE_IMMUTABLE = "private, max-age=31536000, immutable"


def _parsed(reference: str) -> tuple[uuid.UUID, PublicationFileKind | None]:
    parsed = split_reference(reference)
    if parsed is None:
        raise NotFoundError(WHAT)
    return parsed


def served(request: Request[Any, Any, Any], stored: StoredFile) -> Response[bytes]:
    """A stored file as the response to GET or HEAD: its exact bytes, type, digest and name,
    or 304 when the caller already holds it."""
    reply = file_reply(
        stored,
        file_headers(stored) | {"Cache-Control": PRIVATE_IMMUTABLE},
        method=request.method,
        if_none_match=request.headers.get("if-none-match"),
    )
    return Response(
        reply.body,
        status_code=reply.status_code,
        media_type=stored.media_type,
        headers=reply.headers,
    )


class PublicationController(Controller):
    """Capital programme summaries: frozen, versioned, and published as files."""

    path = "/api/v1/publications"
    tags = ["publications"]

    @get(operation_id="listPublications", responses=ERROR_RESPONSES)
    async def list_publications(
        self,
        publications: NamedDependency[PublicationService],
        paging: NamedDependency[Paging],
        period: Annotated[
            str | None,
            QueryParameter(max_length=20, pattern=SINGLE_LINE, description='e.g. "2026/27 Q2"'),
        ] = None,
    ) -> Page[PublicationRead]:
        """Every version of every period's summary, latest period and version first."""
        return await publications.list(paging.limit, paging.offset, period)

    @post(operation_id="publishSummary", responses=PUBLISHING_RESPONSES)
    async def publish_summary(
        self,
        publications: NamedDependency[PublicationService],
        settings: NamedDependency[Settings],
        data: JSONBody[PublicationCreate],
    ) -> PublicationRead:
        """Publish a period's summary as it stands: a frozen snapshot and its PDF, archival
        PDF (PDF/A-3b with the JSON attached), HTML, CSV and JSON files. 409
        variance_unexplained names the schemes whose variance over 10% is unexplained; 409
        period_already_published when the period has a version (correct it instead)."""
        return await publications.publish(data, settings)

    @post(
        "/{publication_id:uuid}/corrections",
        operation_id="correctPublication",
        responses=PUBLISHING_RESPONSES,
    )
    async def correct_publication(
        self,
        publications: NamedDependency[PublicationService],
        settings: NamedDependency[Settings],
        publication_id: FromPath[uuid.UUID],
        data: JSONBody[PublicationCorrection],
    ) -> PublicationRead:
        """Publish a correction: a new version made from the programme as it stands, which
        supersedes this one (which stays readable). 409 publication_superseded unless this
        is the latest version."""
        return await publications.correct(publication_id, data, settings)

    @get(
        "/{reference:str}",
        operation_id="getPublication",
        responses=READ_RESPONSES,
        operation_class=file_download(*FILE_MEDIA_TYPES),
    )
    async def get_publication(
        self,
        request: Request[Any, Any, Any],
        publications: NamedDependency[PublicationService],
        reference: Reference,
    ) -> Response[Any]:
        """One version of a summary, or (with .pdf, .html, .csv or .json) one of its files."""
        publication_id, kind = _parsed(reference)
        if kind is None:
            return Response(await publications.get(publication_id))
        return served(request, await publications.file(publication_id, kind))

    # HEAD is answered for the files, which are bytes with a known length; it stays out of
    # the OpenAPI description, which would otherwise list every operation twice.
    @route("/{reference:str}", http_method=HttpMethod.HEAD, include_in_schema=False)
    async def head_publication_file(
        self,
        request: Request[Any, Any, Any],
        publications: NamedDependency[PublicationService],
        reference: Reference,
    ) -> Response[bytes]:
        """A file's headers, without its bytes; 405 for the publication itself."""
        publication_id, kind = _parsed(reference)
        if kind is None:
            raise MethodNotAllowedException("HEAD is answered for a publication's files only")
        return served(request, await publications.file(publication_id, kind))

    @get(
        "/{publication_id:uuid}/archive.pdf",
        operation_id="getPublicationArchive",
        media_type="application/pdf",
        responses=FILE_RESPONSES,
        operation_class=file_download("application/pdf"),
    )
    async def get_publication_archive(
        self,
        request: Request[Any, Any, Any],
        publications: NamedDependency[PublicationService],
        publication_id: FromPath[uuid.UUID],
    ) -> Response[bytes]:
        """The archival copy: PDF/A-3b with the JSON file attached."""
        kind = PublicationFileKind.ARCHIVE_PDF
        return served(request, await publications.file(publication_id, kind))

    @route(
        "/{publication_id:uuid}/archive.pdf",
        http_method=HttpMethod.HEAD,
        include_in_schema=False,
    )
    async def head_publication_archive(
        self,
        request: Request[Any, Any, Any],
        publications: NamedDependency[PublicationService],
        publication_id: FromPath[uuid.UUID],
    ) -> Response[bytes]:
        """The archival copy's headers, without its bytes."""
        kind = PublicationFileKind.ARCHIVE_PDF
        return served(request, await publications.file(publication_id, kind))

    @put("/{reference:str}", operation_id="replacePublication", responses=ERROR_RESPONSES)
    async def replace_publication(
        self, publications: NamedDependency[PublicationService], reference: Reference
    ) -> None:
        """Never allowed: 409 publication_immutable (publish a correction instead)."""
        await publications.refuse_change(_parsed(reference)[0])

    @patch("/{reference:str}", operation_id="updatePublication", responses=ERROR_RESPONSES)
    async def update_publication(
        self, publications: NamedDependency[PublicationService], reference: Reference
    ) -> None:
        """Never allowed: 409 publication_immutable (publish a correction instead)."""
        await publications.refuse_change(_parsed(reference)[0])

    @delete("/{reference:str}", operation_id="deletePublication", responses=ERROR_RESPONSES)
    async def delete_publication(
        self, publications: NamedDependency[PublicationService], reference: Reference
    ) -> None:
        """Never allowed: 409 publication_immutable; a publication stays published."""
        await publications.refuse_change(_parsed(reference)[0])
