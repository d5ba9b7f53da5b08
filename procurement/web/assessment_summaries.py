"""Assessment summary downloads for signed-in users: a bidder its own, officers every bid's."""

import uuid

from litestar import Controller, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath

from procurement.config import Settings
from procurement.domain.roles import Permission
from procurement.services.assessment_summaries import (
    PDF_MEDIA_TYPE,
    ZIP_MEDIA_TYPE,
    AssessmentSummaryService,
    download_headers,
)
from procurement.web.access import requires


class AssessmentSummaryPages(Controller):
    """The same summaries as the API, behind the session cookie."""

    path = "/tenders/{tender_id:uuid}"
    include_in_schema = False

    @get("/bids/{bid_id:uuid}/assessment-summary.pdf", media_type=PDF_MEDIA_TYPE)
    async def summary(
        self,
        tender_id: FromPath[uuid.UUID],
        bid_id: FromPath[uuid.UUID],
        summaries: NamedDependency[AssessmentSummaryService],
        settings: NamedDependency[Settings],
    ) -> Response[bytes]:
        """One bid's summary; the service decides who may have it."""
        name, pdf = await summaries.summary_pdf(tender_id, bid_id, settings)
        return Response(pdf, media_type=PDF_MEDIA_TYPE, headers=download_headers(name))

    @get(
        "/assessment-summaries.zip",
        media_type=ZIP_MEDIA_TYPE,
        guards=requires(Permission.READ_EVALUATION),
    )
    async def every_summary(
        self,
        tender_id: FromPath[uuid.UUID],
        summaries: NamedDependency[AssessmentSummaryService],
        settings: NamedDependency[Settings],
    ) -> Response[bytes]:
        """Every bid's summary in one zip."""
        name, archive = await summaries.summaries_zip(tender_id, settings)
        return Response(archive, media_type=ZIP_MEDIA_TYPE, headers=download_headers(name))
