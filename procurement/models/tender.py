"""The tender table."""

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from advanced_alchemy.types import DateTimeUTC
from sqlmodel import Field

from procurement.domain.lifecycle import TenderStatus
from procurement.models.base import (
    Entity,
    enum_column,
    json_list_column,
    money_column,
    optional_timestamp,
)
from procurement.schemas.criteria import CriteriaTreeSchema, EvaluationRulesSchema


def _json_of(shape: type[CriteriaTreeSchema | EvaluationRulesSchema]) -> Any:
    # New tenders store every setting, so a later change of the defaults never changes them;
    # rows from before criteria existed hold {}, which reads as the defaults.
    return Field(
        default_factory=lambda: shape().model_dump(mode="json"),
        sa_type=sa.JSON,
        nullable=False,
        sa_column_kwargs={"server_default": "{}"},
    )


class Tender(Entity, table=True):
    """A competition for a contract, from draft to award."""

    __tablename__ = "tender"
    __table_args__ = (
        sa.UniqueConstraint("organisation_id", "reference", name="uq_tender_reference"),
    )

    organisation_id: uuid.UUID = Field(foreign_key="organisation.id", index=True)
    reference: str = Field(max_length=50, index=True)
    title: str = Field(max_length=200)
    description: str = Field(default="", sa_type=sa.Text)
    cpv_codes: list[str] = json_list_column()
    estimated_value: Decimal = money_column()
    currency: str = Field(default="GBP", max_length=3)
    submission_deadline: datetime = Field(sa_type=DateTimeUTC(timezone=True), nullable=False)
    status: TenderStatus = enum_column(TenderStatus, index=True)
    published_at: datetime | None = optional_timestamp()
    closed_at: datetime | None = optional_timestamp()
    cancelled_at: datetime | None = optional_timestamp()
    close_reason: str | None = Field(default=None, sa_type=sa.Text)
    cancel_reason: str | None = Field(default=None, sa_type=sa.Text)
    created_by_id: uuid.UUID = Field(foreign_key="user_account.id")
    # The award criteria (CriteriaTreeSchema) and evaluation rules (EvaluationRulesSchema).
    criteria: dict[str, Any] = _json_of(CriteriaTreeSchema)
    evaluation_rules: dict[str, Any] = _json_of(EvaluationRulesSchema)
    criteria_template_id: uuid.UUID | None = Field(
        default=None, foreign_key="weighting_template.id", ondelete="SET NULL"
    )
    # The date whose catalogue values price social value commitments: the publication date.
    measure_values_on: date | None = Field(default=None, nullable=True)
    # Whether evaluators who score no price criterion are kept from seeing bid prices.
    blind_pricing: bool = Field(default=True, sa_column_kwargs={"server_default": sa.true()})
    # Goes up whenever anything the evaluation is computed from changes (submitted scores,
    # moderation, exclusions, evaluators removed); cached results are keyed by it.
    evaluation_version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})

    def evaluation_inputs_changed(self) -> None:
        """Record that the evaluation must be recomputed (cached results are now stale)."""
        self.evaluation_version += 1
        self.touch()
