"""Published capital programme summaries: publish, correct, read, and download their files.

A publication is never edited or deleted: PUT, PATCH and DELETE answer 409
`publication_immutable`. Files are served byte for byte as stored, with their SHA-256 as ETag.
"""

import uuid
from typing import Annotated, Any

from litestar import Controller, Response, delete, get, patch, post, put
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, JSONBody, PathParameter, QueryParameter

from procurement.api.errors import ERROR_RESPONSES, REPORT_TIMEOUT_RESPONSE
from procurement.api.params import Paging
from procurement.config import Settings
from procurement.errors import NotFoundError
from procurement.schemas.common import Page
from procurement.schemas.fields import NO_NUL
from procurement.schemas.publication import (
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
READ_RESPONSES = {
    **ERROR_RESPONSES,
    200: ResponseSpec(
        data_container=PublicationRead,
        description="The publication as JSON; for `<id>.pdf`, `.html`, `.csv` or `.json`, that "
        "file's bytes as published, with its SHA-256 as ETag and Repr-Digest",
    ),
}


def _parsed(reference: str) -> tuple[uuid.UUID, PublicationFileKind | None]:
    parsed = split_reference(reference)
    if parsed is None:
        raise NotFoundError(WHAT)
    return parsed


def served(stored: StoredFile) -> Response[bytes]:
    """A stored file as the response: its exact bytes, type, digest and name."""
    return Response(stored.content, media_type=stored.media_type, headers=file_headers(stored))


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
            QueryParameter(max_length=20, pattern=NO_NUL, description='e.g. "2026/27 Q2"'),
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

    @get("/{reference:str}", operation_id="getPublication", responses=READ_RESPONSES)
    async def get_publication(
        self, publications: NamedDependency[PublicationService], reference: Reference
    ) -> Response[Any]:
        """One version of a summary, or (with .pdf, .html, .csv or .json) one of its files."""
        publication_id, kind = _parsed(reference)
        if kind is None:
            return Response(await publications.get(publication_id))
        return served(await publications.file(publication_id, kind))

    @get(
        "/{publication_id:uuid}/archive.pdf",
        operation_id="getPublicationArchive",
        media_type="application/pdf",
        responses=ERROR_RESPONSES,
    )
    async def get_publication_archive(
        self, publications: NamedDependency[PublicationService], publication_id: FromPath[uuid.UUID]
    ) -> Response[bytes]:
        """The archival copy: PDF/A-3b with the JSON file attached."""
        return served(await publications.file(publication_id, PublicationFileKind.ARCHIVE_PDF))

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
