"""Criteria tree shapes, as the API and the database hold them, and their engine form."""

from decimal import Decimal
from typing import Annotated, Any

from pydantic import Field, StringConstraints
from sqlmodel import SQLModel

from procurement.schemas.fields import LongText, Name
from scoring.bids import DEFAULT_TIE_BREAK, EvaluationRules, TieBreak
from scoring.criteria import (
    CriteriaTree,
    Criterion,
    Group,
    GroupKind,
    Method,
    MetricDirection,
    MetricMode,
    Scale,
    ScaleLevel,
    SocialValueMode,
)


def _num(**constraints: Any) -> Any:
    """A Decimal field's constraints, documented as a number or a numeric string.

    Requests may send either; responses always carry decimals as strings, so they stay exact.
    """
    return Field(json_schema_extra={"type": ["number", "string"]}, **constraints)


Key = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$"),
    Field(description="Lower-case letters, digits, - and _, e.g. q1-method"),
]
MeasureCode = Annotated[
    str,
    # The pattern is checked before the upper-casing, so it admits lower case too.
    StringConstraints(
        strip_whitespace=True, to_upper=True, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$"
    ),
    Field(description="A measure code from the catalogue, e.g. JOB-LOCAL"),
]
Weight = Annotated[
    Decimal, _num(ge=0, le=100, max_digits=5, decimal_places=2, description="Percent")
]
ScalePoints = Annotated[Decimal, _num(ge=0, le=1000, max_digits=6, decimal_places=2)]
Quantity = Annotated[Decimal, _num(ge=-(10**12), le=10**12, max_digits=18, decimal_places=4)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)]


class ScaleLevelSchema(SQLModel):
    """A scale point and what it means."""

    value: ScalePoints
    label: Name
    descriptor: LongText = ""


class ScaleSchema(SQLModel):
    """A judgement scale from 0 to `maximum`."""

    maximum: Annotated[Decimal, _num(gt=0, le=1000, max_digits=6, decimal_places=2)]
    levels: list[ScaleLevelSchema] = Field(default_factory=list, max_length=101)


class CriterionSchema(SQLModel):
    """A criterion and its method settings (see scoring.criteria.Criterion)."""

    key: Key
    name: Name
    weight: Weight
    method: Method
    question: LongText = ""
    scale: ScaleSchema | None = None
    minimum_score: ScalePoints | None = None
    zero_at_percent_above: Annotated[Decimal, _num(gt=0, le=1000, decimal_places=2)] | None = None
    direction: MetricDirection = MetricDirection.HIGHER_IS_BETTER
    metric_mode: MetricMode = MetricMode.RELATIVE
    floor: Quantity | None = None
    target: Quantity | None = None
    unit: ShortText = ""
    measures: list[MeasureCode] = Field(default_factory=list, max_length=100)
    social_value_mode: SocialValueMode = SocialValueMode.RELATIVE


class GroupSchema(SQLModel):
    """A weighted group of criteria."""

    key: Key
    name: Name
    kind: GroupKind
    weight: Weight
    criteria: list[CriterionSchema] = Field(default_factory=list, max_length=100)


class CriteriaTreeSchema(SQLModel):
    """The whole tree. It may be saved while incomplete; publishing needs it valid."""

    groups: list[GroupSchema] = Field(default_factory=list, max_length=20)

    def to_engine(self) -> CriteriaTree:
        """The engine's frozen form of this tree."""
        return CriteriaTree(
            groups=tuple(
                Group(
                    key=g.key,
                    name=g.name,
                    kind=g.kind,
                    weight=g.weight,
                    criteria=tuple(_criterion(c) for c in g.criteria),
                )
                for g in self.groups
            )
        )


def _criterion(c: CriterionSchema) -> Criterion:
    scale = None
    if c.scale is not None:
        scale = Scale(
            maximum=c.scale.maximum,
            levels=tuple(ScaleLevel(lv.value, lv.label, lv.descriptor) for lv in c.scale.levels),
        )
    return Criterion(
        key=c.key,
        name=c.name,
        weight=c.weight,
        method=c.method,
        question=c.question,
        scale=scale,
        minimum_score=c.minimum_score,
        zero_at_percent_above=c.zero_at_percent_above,
        direction=c.direction,
        metric_mode=c.metric_mode,
        floor=c.floor,
        target=c.target,
        unit=c.unit,
        measures=tuple(c.measures),
        social_value_mode=c.social_value_mode,
    )


class TreeIssueRead(SQLModel):
    """A problem with a tree, located by its path (e.g. `groups.quality.criteria`)."""

    path: str
    message: str
    severity: str


class EvaluationRulesSchema(SQLModel):
    """A tender's evaluation settings."""

    abnormally_low_percent: Annotated[Decimal, _num(ge=0, le=100, decimal_places=2)] = Decimal(20)
    tie_tolerance: Annotated[Decimal, _num(ge=0, le=10, decimal_places=4)] = Decimal("0.01")
    tie_break: list[TieBreak] = Field(default_factory=lambda: list(DEFAULT_TIE_BREAK), max_length=4)
    spread_threshold: Annotated[Decimal, _num(ge=0, le=1000, decimal_places=2)] = Decimal(2)

    def to_engine(self) -> EvaluationRules:
        """The engine's frozen form of these rules."""
        return EvaluationRules(
            abnormally_low_percent=self.abnormally_low_percent,
            tie_tolerance=self.tie_tolerance,
            tie_break=tuple(dict.fromkeys(self.tie_break)),
            spread_threshold=self.spread_threshold,
        )
