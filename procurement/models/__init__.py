"""SQLModel tables. Importing this package registers every table on SQLModel.metadata."""

from procurement.models.audit import AuditChainHead, AuditCheckpoint, AuditEvent
from procurement.models.award import Award
from procurement.models.bid import Bid
from procurement.models.capital_project import (
    CapitalProject,
    ProjectBudgetProfile,
    ProjectFunding,
    ProjectTender,
)
from procurement.models.evaluation_result import EvaluationResultCache
from procurement.models.evaluator import EvaluatorAssignment
from procurement.models.measure import Measure, MeasureValue
from procurement.models.organisation import Organisation
from procurement.models.publication import Publication, PublicationFile
from procurement.models.report_cache import ReportCache
from procurement.models.score import ModeratedScore, Score
from procurement.models.spend import ImportStatus, SpendImport, SpendTransaction
from procurement.models.supplier import Supplier
from procurement.models.tender import Tender
from procurement.models.user import ApiToken, SignInThrottle, User, WebSession
from procurement.models.weighting_template import WeightingTemplate

__all__ = [
    "ApiToken",
    "AuditChainHead",
    "AuditCheckpoint",
    "AuditEvent",
    "Award",
    "Bid",
    "CapitalProject",
    "EvaluationResultCache",
    "EvaluatorAssignment",
    "ImportStatus",
    "Measure",
    "MeasureValue",
    "ModeratedScore",
    "Organisation",
    "ProjectBudgetProfile",
    "ProjectFunding",
    "ProjectTender",
    "Publication",
    "PublicationFile",
    "ReportCache",
    "Score",
    "SignInThrottle",
    "SpendImport",
    "SpendTransaction",
    "Supplier",
    "Tender",
    "User",
    "WebSession",
    "WeightingTemplate",
]
