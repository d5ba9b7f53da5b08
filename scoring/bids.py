"""What the engine needs to know about each bid, and the rules of the evaluation."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum


@dataclass(frozen=True)
class Commitment:
    """A quantified social value promise: so many units of a catalogue measure."""

    measure_code: str
    quantity: Decimal


@dataclass(frozen=True)
class BidInput:
    """One bid as the engine sees it. Maps are keyed by criterion key.

    `judgement_scores` holds, per criterion, each evaluator's score on the criterion's scale,
    one per evaluator; who gave which score does not change the result.
    """

    bid_id: str
    supplier_name: str
    price: Decimal
    submitted_at: datetime
    is_local: bool = False
    metric_answers: Mapping[str, Decimal] = field(default_factory=dict)
    commitments: tuple[Commitment, ...] = ()
    judgement_scores: Mapping[str, tuple[Decimal, ...]] = field(default_factory=dict)
    moderated_scores: Mapping[str, Decimal] = field(default_factory=dict)
    pass_fail_answers: Mapping[str, bool] = field(default_factory=dict)
    excluded_reason: str | None = None


@dataclass(frozen=True)
class ProxyValue:
    """A catalogue measure's value in pounds per unit, as in force for this tender."""

    code: str
    description: str
    unit: str
    value_per_unit: Decimal


class TieBreak(StrEnum):
    """One step of the tender's declared tie-break order."""

    HIGHER_QUALITY = "higher_quality"
    HIGHER_SOCIAL_VALUE = "higher_social_value"
    LOWER_PRICE = "lower_price"
    EARLIER_SUBMISSION = "earlier_submission"


DEFAULT_TIE_BREAK = (
    TieBreak.HIGHER_QUALITY,
    TieBreak.HIGHER_SOCIAL_VALUE,
    TieBreak.LOWER_PRICE,
    TieBreak.EARLIER_SUBMISSION,
)


@dataclass(frozen=True)
class EvaluationRules:
    """The tender's evaluation settings; the defaults are the service's recommended ones."""

    abnormally_low_percent: Decimal = Decimal(20)
    tie_tolerance: Decimal = Decimal("0.01")
    tie_break: tuple[TieBreak, ...] = DEFAULT_TIE_BREAK
    spread_threshold: Decimal = Decimal(2)
