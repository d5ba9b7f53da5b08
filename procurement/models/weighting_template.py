"""Weighting templates: named criteria trees an organisation copies into its tenders."""

import uuid
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field

from procurement.models.base import Entity


class WeightingTemplate(Entity, table=True):
    """A reusable criteria tree and evaluation rules, such as "Works over £1m"."""

    __tablename__ = "weighting_template"
    __table_args__ = (
        sa.UniqueConstraint("organisation_id", "name", name="uq_weighting_template_name"),
    )

    organisation_id: uuid.UUID = Field(foreign_key="organisation.id", index=True)
    name: str = Field(max_length=200)
    description: str = Field(default="", sa_type=sa.Text)
    # CriteriaTreeSchema and EvaluationRulesSchema, dumped as JSON (Decimals as strings).
    tree: dict[str, Any] = Field(sa_type=sa.JSON, nullable=False)
    rules: dict[str, Any] = Field(sa_type=sa.JSON, nullable=False)
