"""Criteria tree shapes, as the API and the database hold them, and their engine form."""

from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, Field
from sqlmodel import SQLModel

from procurement.schemas.fields import (
    AS_PLAIN_TEXT,
    DecimalText,
    LongText,
    Name,
    ShortText,
    documented,
    refusing,
)
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

KEY = r"^[a-z0-9][a-z0-9_-]{0,39}$"
MEASURE_CODE = r"^ *[A-Za-z0-9][A-Za-z0-9._-]{0,19} *$"
PERCENT = DecimalText(2, 2, up_to=100)
SCALE_POINTS = DecimalText(3, 2, up_to=1000)
POSITIVE_POINTS = DecimalText(3, 2, positive=True, up_to=1000)
QUANTITY = DecimalText(12, 4, signed=True, up_to=10**12)
POSITIVE_QUANTITY = DecimalText(12, 4, positive=True, up_to=10**12)
TOLERANCE = DecimalText(1, 4, up_to=10)

Key = Annotated[
    str,
    documented(KEY, description="Lower-case letters, digits, - and _, e.g. q1-method"),
    refusing(
        KEY, "Use up to 40 lower-case letters, digits, - and _, starting with a letter or digit"
    ),
    AfterValidator(str.strip),
]
MeasureCode = Annotated[
    str,
    documented(MEASURE_CODE, description="A measure code from the catalogue, e.g. JOB-LOCAL"),
    refusing(MEASURE_CODE, "Use up to 20 letters, digits, '.', '-' and '_'"),
    # Matched before it is upper-cased, so lower case is accepted too.
    AfterValidator(lambda code: code.strip().upper()),
]
Weight = Annotated[
    Decimal,
    PERCENT.documented("25", "Percent, from 0 to 100"),
    PERCENT.check,
    AS_PLAIN_TEXT,
    DecimalText,
]
ScalePoints = Annotated[
    Decimal,
    SCALE_POINTS.documented("3", "From 0 to 1000, to 2 decimal places"),
    SCALE_POINTS.check,
    AS_PLAIN_TEXT,
    DecimalText,
]
PositivePoints = Annotated[
    Decimal,
    POSITIVE_POINTS.documented("5", "Above 0, up to 1000, to 2 decimal places"),
    POSITIVE_POINTS.check,
    AS_PLAIN_TEXT,
    DecimalText,
]
Quantity = Annotated[
    Decimal,
    QUANTITY.documented("62.5", "Up to a million million either way, to 4 decimal places"),
    QUANTITY.check,
    AS_PLAIN_TEXT,
    DecimalText,
]
PositiveQuantity = Annotated[
    Decimal,
    POSITIVE_QUANTITY.documented("12", "Above 0, to 4 decimal places"),
    POSITIVE_QUANTITY.check,
    AS_PLAIN_TEXT,
    DecimalText,
]
Tolerance = Annotated[
    Decimal,
    TOLERANCE.documented("0.01", "From 0 to 10, to 4 decimal places"),
    TOLERANCE.check,
    AS_PLAIN_TEXT,
    DecimalText,
]


class ScaleLevelSchema(SQLModel):
    """A scale point and what it means."""

    value: ScalePoints
    label: Name
    descriptor: LongText = ""


class ScaleSchema(SQLModel):
    """A judgement scale from 0 to `maximum`."""

    maximum: PositivePoints
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
    zero_at_percent_above: PositivePoints | None = None
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

    abnormally_low_percent: Weight = Decimal(20)
    tie_tolerance: Tolerance = Decimal("0.01")
    tie_break: list[TieBreak] = Field(default_factory=lambda: list(DEFAULT_TIE_BREAK), max_length=4)
    spread_threshold: ScalePoints = Decimal(2)

    def to_engine(self) -> EvaluationRules:
        """The engine's frozen form of these rules."""
        return EvaluationRules(
            abnormally_low_percent=self.abnormally_low_percent,
            tie_tolerance=self.tie_tolerance,
            tie_break=tuple(dict.fromkeys(self.tie_break)),
            spread_threshold=self.spread_threshold,
        )
