"""A closed tender's evaluation report as a PDF."""

import uuid

from litestar import Controller, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath

from procurement.api.assessment_summaries import attachment
from procurement.api.errors import ERROR_RESPONSES
from procurement.api.openapi import file_download
from procurement.config import Settings
from procurement.services.assessment_summaries import PDF_MEDIA_TYPE
from procurement.services.reports import EvaluationReportService


class EvaluationReportController(Controller):
    """The record behind the award decision, as a document to file and publish."""

    path = "/api/v1/tenders/{tender_id:uuid}"
    tags = ["reports"]

    @get(
        "/report.pdf",
        operation_id="getEvaluationReport",
        media_type=PDF_MEDIA_TYPE,
        responses=ERROR_RESPONSES,
        operation_class=file_download(PDF_MEDIA_TYPE),
    )
    async def get_evaluation_report(
        self,
        evaluation_reports: NamedDependency[EvaluationReportService],
        settings: NamedDependency[Settings],
        tender_id: FromPath[uuid.UUID],
    ) -> Response[bytes]:
        """The evaluation report: criteria, ranking, every bid's scores, flags, sensitivity,
        moderation, declarations, award and audit trail; watermarked DRAFT before the award.
        409 tender_not_closed while the bids are sealed; 503 report_timeout if it overruns."""
        report = await evaluation_reports.report_pdf(tender_id, settings)
        return attachment(report, PDF_MEDIA_TYPE)
