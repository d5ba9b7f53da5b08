"""Weighting template shapes: named criteria trees an organisation reuses across tenders."""

import uuid
from datetime import datetime

from pydantic import Field
from sqlmodel import SQLModel

from procurement.schemas.criteria import CriteriaTreeSchema, EvaluationRulesSchema, TreeIssueRead
from procurement.schemas.fields import LongText, Name, Version


class WeightingTemplateCreate(SQLModel):
    """A new template; its tree may be saved incomplete and built up over several edits."""

    name: Name = Field(description="Unique within the organisation, e.g. 'Works over £1m'")
    description: LongText = ""
    tree: CriteriaTreeSchema = Field(default_factory=CriteriaTreeSchema)
    rules: EvaluationRulesSchema = Field(default_factory=EvaluationRulesSchema)


class WeightingTemplateUpdate(SQLModel):
    """A partial change; send the version you read."""

    version: Version
    name: Name | None = None
    description: LongText | None = None
    tree: CriteriaTreeSchema | None = None
    rules: EvaluationRulesSchema | None = None


class WeightingTemplateRead(SQLModel):
    """A template, with what stops its tree being published as it stands."""

    id: uuid.UUID
    name: str
    description: str
    tree: CriteriaTreeSchema
    rules: EvaluationRulesSchema
    issues: list[TreeIssueRead] = Field(
        description="Problems with the tree against the organisation's policy and catalogue"
    )
    created_at: datetime
    updated_at: datetime
    version: int
