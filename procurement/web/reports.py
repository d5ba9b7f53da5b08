"""The evaluation report download for signed-in officers, linked from the results page."""

import uuid

from litestar import Controller, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath

from procurement.config import Settings
from procurement.domain.roles import Permission
from procurement.services.assessment_summaries import PDF_MEDIA_TYPE, download_headers
from procurement.services.reports import EvaluationReportService
from procurement.web.access import requires


def report_path(tender_id: uuid.UUID) -> str:
    """Where a tender's evaluation report is downloaded."""
    return f"/tenders/{tender_id}/report.pdf"


class EvaluationReportPages(Controller):
    """The same report as the API, behind the session cookie."""

    path = "/tenders/{tender_id:uuid}"
    include_in_schema = False

    @get("/report.pdf", media_type=PDF_MEDIA_TYPE, guards=requires(Permission.READ_EVALUATION))
    async def report(
        self,
        tender_id: FromPath[uuid.UUID],
        evaluation_reports: NamedDependency[EvaluationReportService],
        settings: NamedDependency[Settings],
    ) -> Response[bytes]:
        """The tender's evaluation report as a PDF download."""
        name, pdf = await evaluation_reports.report_pdf(tender_id, settings)
        return Response(pdf, media_type=PDF_MEDIA_TYPE, headers=download_headers(name))
