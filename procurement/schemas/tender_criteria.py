"""A tender's award criteria, the running sums while they are edited, and what bids must answer."""

import uuid

from pydantic import Field
from sqlmodel import SQLModel

from procurement.schemas.criteria import (
    CriteriaTreeSchema,
    EvaluationRulesSchema,
    ScaleLevelSchema,
    TreeIssueRead,
)
from procurement.schemas.fields import DecimalString, Version
from scoring.criteria import MetricDirection


class TenderCriteriaRead(SQLModel):
    """A tender's criteria tree and evaluation rules."""

    tree: CriteriaTreeSchema
    rules: EvaluationRulesSchema
    issues: list[TreeIssueRead] = Field(
        description="Problems with the tree; any of severity 'error' stops publication"
    )
    frozen: bool = Field(description="True once the tender is published: no more edits")
    template_id: uuid.UUID | None = Field(description="The template the tree was copied from")
    version: int = Field(description="The tender's version; send it back to edit")


class TenderCriteriaUpdate(SQLModel):
    """The whole tree (and, optionally, the rules) of a draft tender; send the version you read."""

    tree: CriteriaTreeSchema
    rules: EvaluationRulesSchema | None = Field(
        default=None, description="Leave out to keep the current rules"
    )
    version: Version


class CopyTemplate(SQLModel):
    """Which template to copy into a draft tender, replacing its criteria and rules."""

    template_id: uuid.UUID
    version: Version


class CriteriaCheckRequest(SQLModel):
    """A tree to check without saving it."""

    tree: CriteriaTreeSchema


class CriteriaCheck(SQLModel):
    """What is wrong with a tree, and the sum of the weights at each level."""

    issues: list[TreeIssueRead]
    group_total: DecimalString = Field(description="The sum of the group weights (must be 100)")
    criteria_totals: dict[str, DecimalString] = Field(
        description="Per group key, the sum of its criteria's weights (each must be 100)"
    )


class MetricQuestion(SQLModel):
    """A number the bid must state, e.g. the % of spend with local suppliers."""

    key: str
    name: str
    question: str
    unit: str
    direction: MetricDirection


class PassFailQuestion(SQLModel):
    """A yes/no question; a 'no' excludes the bid."""

    key: str
    name: str
    question: str


class QualityQuestion(SQLModel):
    """A question answered in writing and scored by evaluators on a scale."""

    key: str
    name: str
    question: str
    scale_maximum: DecimalString | None = Field(description="Null until the criterion has a scale")
    levels: list[ScaleLevelSchema]


class RequestedMeasure(SQLModel):
    """A catalogue measure the tender asks bidders to commit to, at its value for the tender."""

    code: str
    description: str
    unit: str
    value_per_unit: DecimalString | None = Field(
        description="Pounds per unit in force for the tender; null if the catalogue has none"
    )


class BidRequirements(SQLModel):
    """Everything a bid for the tender must (or may) answer, from its criteria."""

    metric_questions: list[MetricQuestion]
    pass_fail_questions: list[PassFailQuestion]
    quality_questions: list[QualityQuestion]
    measures: list[RequestedMeasure]
