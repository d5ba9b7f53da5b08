"""What the engine returns: every number with the sentence that explains it."""

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from scoring.criteria import GroupKind, Method


class FlagKind(StrEnum):
    """Something about a bid that an officer must look at."""

    ABNORMALLY_LOW_PRICE = "abnormally_low_price"
    THRESHOLD_FAILED = "threshold_failed"
    EXCLUDED = "excluded"
    EVALUATOR_SPREAD = "evaluator_spread"
    TIE = "tie"


# Flags that take a bid out of the ranking; the others only ask for attention.
DISQUALIFYING = frozenset({FlagKind.EXCLUDED, FlagKind.THRESHOLD_FAILED})


@dataclass(frozen=True)
class Flag:
    """One flag on a bid, with the reason; `criterion_key` says which criterion raised it."""

    kind: FlagKind
    message: str
    criterion_key: str | None = None


@dataclass(frozen=True)
class CriterionScore:
    """One bid's score on one criterion.

    `raw` is the number the method starts from (the price, the moderated or mean score, the
    stated metric, the total proxy value, the price per quality point); `normalised` is the
    share of the criterion's points earned, from 0 to 1; `weighted` is the points earned,
    out of `max_points` (the criterion's share of 100).
    """

    criterion_key: str
    criterion_name: str
    group_key: str
    method: Method
    raw: Decimal | None
    normalised: Decimal
    weighted: Decimal
    max_points: Decimal
    explanation: str
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class GroupScore:
    """One bid's points in one group: the sum of its criteria's weighted points."""

    group_key: str
    name: str
    kind: GroupKind
    points: Decimal
    max_points: Decimal
    explanation: str


@dataclass(frozen=True)
class BidResult:
    """Everything the engine found about one bid. `rank` is None when it is not eligible."""

    bid_id: str
    supplier_name: str
    price: Decimal
    criteria: tuple[CriterionScore, ...]
    groups: tuple[GroupScore, ...]
    total: Decimal
    rank: int | None
    eligible: bool
    flags: tuple[Flag, ...]
    total_explanation: str

    def criterion(self, key: str) -> CriterionScore:
        """This bid's score on the criterion with this key."""
        for score in self.criteria:
            if score.criterion_key == key:
                return score
        raise KeyError(key)

    def group(self, key: str) -> GroupScore:
        """This bid's points in the group with this key."""
        for score in self.groups:
            if score.group_key == key:
                return score
        raise KeyError(key)

    def flags_of(self, kind: FlagKind) -> tuple[Flag, ...]:
        """This bid's flags of one kind."""
        return tuple(flag for flag in self.flags if flag.kind is kind)


@dataclass(frozen=True)
class EvaluationResult:
    """Every bid, ranked ones first in rank order, then the ineligible ones.

    `ties` lists each set of ranked bids whose totals lie within the tie tolerance of each
    other, in rank order.
    """

    bids: tuple[BidResult, ...]
    winner_id: str | None
    ties: tuple[tuple[str, ...], ...] = ()

    def bid(self, bid_id: str) -> BidResult:
        """The result for one bid."""
        for result in self.bids:
            if result.bid_id == bid_id:
                return result
        raise KeyError(bid_id)

    @property
    def winner(self) -> BidResult | None:
        """The first-ranked bid, if any bid is eligible."""
        return self.bid(self.winner_id) if self.winner_id is not None else None


@dataclass(frozen=True)
class WeightInterval:
    """How far one group's weight can move, the others rescaled in proportion, before the
    winner changes. Weights are percentages; `lower` <= `current` <= `upper`.

    `lower_rival_id` / `upper_rival_id` name the bid that would win just beyond each end, or
    None where the end is 0% or 100% and the winner holds all the way.
    """

    group_key: str
    group_name: str
    current: Decimal
    lower: Decimal
    upper: Decimal
    explanation: str
    lower_rival_id: str | None = None
    upper_rival_id: str | None = None


@dataclass(frozen=True)
class RankReversal:
    """Removing one losing bid would hand the award to a different bid."""

    removed_bid_id: str
    removed_supplier_name: str
    new_winner_id: str
    new_winner_name: str
    explanation: str


@dataclass(frozen=True)
class SensitivityResult:
    """How robust the winner is: weight intervals per group, and rank reversals."""

    winner_id: str | None
    intervals: tuple[WeightInterval, ...]
    reversals: tuple[RankReversal, ...]
    explanation: str

    def interval(self, group_key: str) -> WeightInterval:
        """The interval for the group with this key."""
        for interval in self.intervals:
            if interval.group_key == group_key:
                return interval
        raise KeyError(group_key)


# The engine builds tens of thousands of scores per evaluation. A frozen dataclass's __init__
# sets each field through object.__setattr__, which costs more than all the arithmetic, so
# the engine builds these three through their instance dict instead. The objects are the same
# in every way (equality, hashing, repr, immutability); tests hold the two ways equal.
_new = object.__new__
_set = object.__setattr__


def criterion_score(
    criterion_key: str,
    criterion_name: str,
    group_key: str,
    method: Method,
    raw: Decimal | None,
    normalised: Decimal,
    weighted: Decimal,
    max_points: Decimal,
    explanation: str,
    notes: tuple[str, ...],
) -> CriterionScore:
    """The same as `CriterionScore(...)`, built faster."""
    score = _new(CriterionScore)
    _set(
        score,
        "__dict__",
        {
            "criterion_key": criterion_key,
            "criterion_name": criterion_name,
            "group_key": group_key,
            "method": method,
            "raw": raw,
            "normalised": normalised,
            "weighted": weighted,
            "max_points": max_points,
            "explanation": explanation,
            "notes": notes,
        },
    )
    return score


def group_score(
    group_key: str,
    name: str,
    kind: GroupKind,
    points: Decimal,
    max_points: Decimal,
    explanation: str,
) -> GroupScore:
    """The same as `GroupScore(...)`, built faster."""
    score = _new(GroupScore)
    _set(
        score,
        "__dict__",
        {
            "group_key": group_key,
            "name": name,
            "kind": kind,
            "points": points,
            "max_points": max_points,
            "explanation": explanation,
        },
    )
    return score


def bid_result(
    bid_id: str,
    supplier_name: str,
    price: Decimal,
    criteria: tuple[CriterionScore, ...],
    groups: tuple[GroupScore, ...],
    total: Decimal,
    rank: int | None,
    eligible: bool,
    flags: tuple[Flag, ...],
    total_explanation: str,
) -> BidResult:
    """The same as `BidResult(...)`, built faster."""
    result = _new(BidResult)
    _set(
        result,
        "__dict__",
        {
            "bid_id": bid_id,
            "supplier_name": supplier_name,
            "price": price,
            "criteria": criteria,
            "groups": groups,
            "total": total,
            "rank": rank,
            "eligible": eligible,
            "flags": flags,
            "total_explanation": total_explanation,
        },
    )
    return result
