"""The web pages: server-rendered GOV.UK-style pages over the same services as the API."""

from procurement.web.assessment_summaries import AssessmentSummaryPages
from procurement.web.auth import SignInPages
from procurement.web.awards import AwardPages
from procurement.web.bids import BidPages
from procurement.web.capital_projects import CapitalProjectPages
from procurement.web.criteria import CriteriaPages
from procurement.web.dashboard import DashboardPage
from procurement.web.errors import pages_or_api
from procurement.web.evaluators import EvaluatorPages
from procurement.web.filters import register_template_helpers
from procurement.web.measures import MeasurePages
from procurement.web.moderation import ModerationPages
from procurement.web.public import PublicPages
from procurement.web.publications import PublicationPages
from procurement.web.reports import EvaluationReportPages
from procurement.web.results import ResultsPages
from procurement.web.scoring import ScoringPages
from procurement.web.spend import SpendPages
from procurement.web.suppliers import SupplierPages
from procurement.web.tenders import TenderPages
from procurement.web.timeline import TimelinePages
from procurement.web.weighting_templates import WeightingTemplatePages

WEB_CONTROLLERS = [
    SignInPages,
    DashboardPage,
    TenderPages,
    TimelinePages,
    CriteriaPages,
    BidPages,
    EvaluatorPages,
    ScoringPages,
    ModerationPages,
    ResultsPages,
    EvaluationReportPages,
    AwardPages,
    AssessmentSummaryPages,
    SupplierPages,
    WeightingTemplatePages,
    MeasurePages,
    CapitalProjectPages,
    SpendPages,
    PublicationPages,
    PublicPages,
]

__all__ = ["WEB_CONTROLLERS", "pages_or_api", "register_template_helpers"]
