"""Dependency providers: the caller's identity and the services bound to this request."""

from typing import Any

from litestar import Request
from litestar.di import NamedDependency, Provide
from sqlalchemy.ext.asyncio import AsyncSession

from procurement.api.params import provide_paging
from procurement.config import Settings
from procurement.principal import Principal
from procurement.services.assessment_summaries import AssessmentSummaryService
from procurement.services.audit import AuditService
from procurement.services.awards import AwardService
from procurement.services.bids import BidService
from procurement.services.capital_projects import CapitalProjectService
from procurement.services.criteria import CriteriaService
from procurement.services.declarations import DeclarationService
from procurement.services.evaluation import EvaluationService
from procurement.services.evaluators import EvaluatorService
from procurement.services.exclusions import ExclusionService
from procurement.services.measures import MeasureService
from procurement.services.moderation import ModerationService
from procurement.services.organisations import OrganisationService
from procurement.services.publications import PublicationService
from procurement.services.reports import EvaluationReportService
from procurement.services.scores import ScoreService
from procurement.services.spend import SpendService
from procurement.services.suppliers import SupplierService
from procurement.services.tenders import TenderService
from procurement.services.users import UserService
from procurement.services.weighting_templates import WeightingTemplateService


def provide_actor(request: Request[Principal, Any, Any]) -> Principal:
    """The signed-in user, set by the authentication middleware."""
    return request.user


def provide_settings(request: Request[Any, Any, Any]) -> Settings:
    """The settings the app was built with."""
    settings: Settings = request.app.state.settings
    return settings


def _service(cls: type[Any]) -> Provide:
    def provide(
        db_session: NamedDependency[AsyncSession], actor: NamedDependency[Principal]
    ) -> Any:
        return cls(db_session, actor)

    provide.__annotations__["return"] = cls
    return Provide(provide, sync_to_thread=False)


SERVICE_DEPENDENCIES: dict[str, Provide] = {
    "actor": Provide(provide_actor, sync_to_thread=False),
    "paging": Provide(provide_paging, sync_to_thread=False),
    "settings": Provide(provide_settings, sync_to_thread=False),
    "organisations": _service(OrganisationService),
    "users": _service(UserService),
    "suppliers": _service(SupplierService),
    "tenders": _service(TenderService),
    "bids": _service(BidService),
    "measures": _service(MeasureService),
    "weighting_templates": _service(WeightingTemplateService),
    "criteria": _service(CriteriaService),
    "evaluators": _service(EvaluatorService),
    "declarations": _service(DeclarationService),
    # Not "scores": a body field of that name would be taken for the dependency on errors.
    "scoring": _service(ScoreService),
    "moderation": _service(ModerationService),
    "audit": _service(AuditService),
    "evaluation": _service(EvaluationService),
    "exclusions": _service(ExclusionService),
    "awards": _service(AwardService),
    "summaries": _service(AssessmentSummaryService),
    "evaluation_reports": _service(EvaluationReportService),
    "spend": _service(SpendService),
    "publications": _service(PublicationService),
    "capital_projects": _service(CapitalProjectService),
}
