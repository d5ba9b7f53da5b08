"""Ranking: totals first, then the tender's declared tie-break order, then the bid id."""

import itertools
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, NamedTuple

from scoring.bids import TieBreak
from scoring.presentation import listing, money, points

# Module constants: looking up an enum member on its class is slow in Python 3.11.
HIGHER_QUALITY = TieBreak.HIGHER_QUALITY
HIGHER_SOCIAL_VALUE = TieBreak.HIGHER_SOCIAL_VALUE
LOWER_PRICE = TieBreak.LOWER_PRICE
EARLIER_SUBMISSION = TieBreak.EARLIER_SUBMISSION


class Standing(NamedTuple):
    """What ranking looks at for one bid."""

    bid_id: str
    supplier_name: str
    total: Decimal
    quality: Decimal  # points in quality groups
    social_value: Decimal  # points in social value, localism and environment groups
    price: Decimal
    submitted_at: datetime


def rank_key(standing: Standing, tie_break: Sequence[TieBreak]) -> tuple[Any, ...]:
    """Sorts best first: higher total, then each tie-break step in order, then the bid id."""
    key: list[Any] = [-standing.total]
    for step in tie_break:
        if step is HIGHER_QUALITY:
            key.append(-standing.quality)
        elif step is HIGHER_SOCIAL_VALUE:
            key.append(-standing.social_value)
        elif step is LOWER_PRICE:
            key.append(standing.price)
        else:
            key.append(standing.submitted_at)
    key.append(standing.bid_id)  # so that the order never depends on the order bids came in
    return tuple(key)


def ranked(standings: Sequence[Standing], tie_break: Sequence[TieBreak]) -> list[int]:
    """Positions of the standings, best first, as `rank_key` orders them.

    Sorting on the totals alone is quick; only runs of exactly equal totals (rare) are then
    put in tie-break order.
    """
    totals = [-standing.total for standing in standings]
    order = sorted(range(len(standings)), key=totals.__getitem__)
    start = 0
    while start < len(order):
        end = start + 1
        while end < len(order) and totals[order[end]] == totals[order[start]]:
            end += 1
        if end - start > 1:
            order[start:end] = sorted(
                order[start:end], key=lambda p: rank_key(standings[p], tie_break)
            )
        start = end
    return order


def best(standings: Iterable[Standing], tie_break: Sequence[TieBreak]) -> Standing | None:
    """The first-ranked standing, without sorting the rest."""
    return min(standings, key=lambda standing: rank_key(standing, tie_break), default=None)


def tie_clusters(order: Sequence[Standing], tolerance: Decimal) -> list[list[Standing]]:
    """Runs of ranked bids whose neighbouring totals differ by no more than the tolerance."""
    clusters: list[list[Standing]] = []
    run = list(order[:1])
    for above, below in itertools.pairwise(order):
        if above.total - below.total <= tolerance:
            run.append(below)
            continue
        if len(run) > 1:
            clusters.append(run)
        run = [below]
    if len(run) > 1:
        clusters.append(run)
    return clusters


def decision(above: Standing, below: Standing, tie_break: Sequence[TieBreak]) -> str:
    """How `above` came to rank above `below`."""
    if above.total != below.total:
        if points(above.total) == points(below.total):
            return "on the unrounded totals"
        return f"on total points ({points(above.total)} vs {points(below.total)})"
    for step in tie_break:
        if step is TieBreak.HIGHER_QUALITY and above.quality != below.quality:
            shown = f"{points(above.quality)} vs {points(below.quality)} points"
            return f"by the tie-break: higher quality ({shown})"
        if step is TieBreak.HIGHER_SOCIAL_VALUE and above.social_value != below.social_value:
            shown = f"{points(above.social_value)} vs {points(below.social_value)} points"
            return f"by the tie-break: higher social value ({shown})"
        if step is TieBreak.LOWER_PRICE and above.price != below.price:
            return f"by the tie-break: lower price ({money(above.price)} vs {money(below.price)})"
        if step is TieBreak.EARLIER_SUBMISSION and above.submitted_at != below.submitted_at:
            shown = f"{above.submitted_at.isoformat()} vs {below.submitted_at.isoformat()}"
            return f"by the tie-break: earlier submission ({shown})"
    return f"by bid id ({above.bid_id} before {below.bid_id}), as nothing else separates them"


def tie_message(
    cluster: Sequence[Standing], tie_break: Sequence[TieBreak], tolerance: Decimal
) -> str:
    """The sentence flagging one set of tied bids and how they were ranked."""
    names = listing([f"{s.supplier_name} ({points(s.total)})" for s in cluster])
    steps = "; ".join(
        f"{above.supplier_name} ranks above {below.supplier_name} "
        f"{decision(above, below, tie_break)}"
        for above, below in itertools.pairwise(cluster)
    )
    return (
        f"{names} have totals within the {points(tolerance)}-point tie tolerance of each "
        f"other. {steps}."
    )
