"""SQLModel tables. Importing this package registers every table on SQLModel.metadata."""

from procurement.models.bid import Bid
from procurement.models.measure import Measure, MeasureValue
from procurement.models.organisation import Organisation
from procurement.models.supplier import Supplier
from procurement.models.tender import Tender
from procurement.models.user import ApiToken, LoginAttempt, User
from procurement.models.weighting_template import WeightingTemplate

__all__ = [
    "ApiToken",
    "Bid",
    "LoginAttempt",
    "Measure",
    "MeasureValue",
    "Organisation",
    "Supplier",
    "Tender",
    "User",
    "WeightingTemplate",
]
