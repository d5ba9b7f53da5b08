"""Each bidder's assessment summary as a PDF, and every bid's in a zip."""

import uuid

from litestar import Controller, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath

from procurement.api.errors import ERROR_RESPONSES
from procurement.api.openapi import file_download
from procurement.config import Settings
from procurement.services.assessment_summaries import (
    PDF_MEDIA_TYPE,
    ZIP_MEDIA_TYPE,
    AssessmentSummaryService,
    download_headers,
)


def attachment(file: tuple[str, bytes], media_type: str) -> Response[bytes]:
    """A download: the bytes, their type, and the file name to save them under."""
    name, content = file
    return Response(content, media_type=media_type, headers=download_headers(name))


class AssessmentSummaryController(Controller):
    """What each bidder is told of its assessment (Procurement Regulations 2024, reg. 31)."""

    path = "/api/v1/tenders/{tender_id:uuid}"
    tags = ["reports"]

    @get(
        "/bids/{bid_id:uuid}/assessment-summary.pdf",
        operation_id="getAssessmentSummary",
        media_type=PDF_MEDIA_TYPE,
        responses=ERROR_RESPONSES,
        operation_class=file_download(PDF_MEDIA_TYPE),
    )
    async def get_assessment_summary(
        self,
        summaries: NamedDependency[AssessmentSummaryService],
        settings: NamedDependency[Settings],
        tender_id: FromPath[uuid.UUID],
        bid_id: FromPath[uuid.UUID],
    ) -> Response[bytes]:
        """The bid's assessment summary: its scores and, for an unsuccessful bid, the
        winner's. A supplier gets its own bid's once the tender is awarded (409
        tender_not_awarded before, 404 for any other bid); officers and administrators get
        any bid's, watermarked DRAFT before the award."""
        return attachment(await summaries.summary_pdf(tender_id, bid_id, settings), PDF_MEDIA_TYPE)

    @get(
        "/assessment-summaries.zip",
        operation_id="getAssessmentSummaries",
        media_type=ZIP_MEDIA_TYPE,
        responses=ERROR_RESPONSES,
        operation_class=file_download(ZIP_MEDIA_TYPE),
    )
    async def get_assessment_summaries(
        self,
        summaries: NamedDependency[AssessmentSummaryService],
        settings: NamedDependency[Settings],
        tender_id: FromPath[uuid.UUID],
    ) -> Response[bytes]:
        """Every submitted bid's assessment summary, one PDF per supplier, in a zip
        (officers and administrators; DRAFT before the award)."""
        return attachment(await summaries.summaries_zip(tender_id, settings), ZIP_MEDIA_TYPE)
