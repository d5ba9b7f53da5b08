"""The award criteria tree: groups of weighted criteria, each scored by one method."""

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum


class GroupKind(StrEnum):
    """What a group of criteria measures; users name groups freely, the kind says what it is."""

    PRICE = "price"
    QUALITY = "quality"
    SOCIAL_VALUE = "social_value"
    LOCALISM = "localism"
    ENVIRONMENT = "environment"
    OTHER = "other"


# The groups that together make up the social value share the policy minimum applies to.
SOCIAL_VALUE_SHARE = frozenset({GroupKind.SOCIAL_VALUE, GroupKind.LOCALISM, GroupKind.ENVIRONMENT})


class Method(StrEnum):
    """How a criterion turns a bid into a score."""

    PRICE_RELATIVE = "price_relative"
    PRICE_LINEAR = "price_linear"
    PRICE_PER_QUALITY_POINT = "price_per_quality_point"
    JUDGEMENT = "judgement"
    METRIC = "metric"
    SOCIAL_VALUE_MEASURES = "social_value_measures"
    LOCAL_SUPPLIER = "local_supplier"
    PASS_FAIL = "pass_fail"  # noqa: S105  (a method name, not a password)


class MetricDirection(StrEnum):
    """Whether a bigger stated number is better (% local spend) or worse (tonnes of waste)."""

    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"


class MetricMode(StrEnum):
    """How a stated number is scored: against the best bid, or along a floor-to-target line."""

    RELATIVE = "relative"
    LINEAR = "linear"


class SocialValueMode(StrEnum):
    """How a bid's total proxy value is scored: against the best bid, or per pound of price."""

    RELATIVE = "relative"
    PER_POUND = "per_pound"


@dataclass(frozen=True)
class ScaleLevel:
    """One point on a judgement scale, with the descriptor evaluators score against."""

    value: Decimal
    label: str
    descriptor: str = ""


@dataclass(frozen=True)
class Scale:
    """A judgement scale from 0 to `maximum`, optionally with described levels."""

    maximum: Decimal
    levels: tuple[ScaleLevel, ...] = ()


@dataclass(frozen=True)
class Criterion:
    """One thing bids are scored on, with its weight as a percentage of its group.

    Only the fields its method uses matter:
    - price_linear: `zero_at_percent_above`;
    - judgement: `scale`, and optionally `minimum_score` (below it the bid fails the threshold);
    - metric: `direction`, `metric_mode`, and for linear scoring `floor` and `target`; `unit`;
    - social_value_measures: `measures` (the catalogue codes the tender asks for) and
      `social_value_mode`.
    """

    key: str
    name: str
    weight: Decimal
    method: Method
    question: str = ""
    scale: Scale | None = None
    minimum_score: Decimal | None = None
    zero_at_percent_above: Decimal | None = None
    direction: MetricDirection = MetricDirection.HIGHER_IS_BETTER
    metric_mode: MetricMode = MetricMode.RELATIVE
    floor: Decimal | None = None
    target: Decimal | None = None
    unit: str = ""
    measures: tuple[str, ...] = ()
    social_value_mode: SocialValueMode = SocialValueMode.RELATIVE


@dataclass(frozen=True)
class Group:
    """A weighted group of criteria, e.g. "Social value, 20%"."""

    key: str
    name: str
    kind: GroupKind
    weight: Decimal
    criteria: tuple[Criterion, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class CriteriaTree:
    """The whole award criteria tree: group weights sum to 100, and so do each group's criteria."""

    groups: tuple[Group, ...]

    def criteria(self) -> tuple[tuple[Group, Criterion], ...]:
        """Every criterion with the group it sits in, in tree order."""
        return tuple((group, criterion) for group in self.groups for criterion in group.criteria)
