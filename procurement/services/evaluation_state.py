"""When a tender's evaluation records may be read and changed: the one place that says so."""

from procurement.domain.lifecycle import TenderStatus
from procurement.errors import ConflictError
from procurement.models import Tender

# Bids are unsealed and can be evaluated from closing until the award.
EVALUABLE = frozenset({TenderStatus.CLOSED, TenderStatus.EVALUATING})


def require_evaluation_open(tender: Tender) -> None:
    """Refuse a change to scores, moderation, declarations, exclusions or the award unless
    the tender is closed or being evaluated. After the award they are read-only for good."""
    if tender.status in EVALUABLE:
        return
    if tender.status is TenderStatus.AWARDED:
        raise ConflictError(
            "The tender has been awarded; its evaluation can no longer be changed",
            code="tender_awarded",
            current_status=tender.status.value,
        )
    if tender.status is TenderStatus.CANCELLED:
        raise ConflictError(
            "The tender was cancelled; it is not being evaluated",
            code="tender_cancelled",
            current_status=tender.status.value,
        )
    raise ConflictError(
        f"Bids are evaluated once the tender has closed; this one is {tender.status.value}",
        code="tender_not_closed",
        current_status=tender.status.value,
    )


def require_evaluation_readable(tender: Tender) -> None:
    """Refuse to show evaluation results before the bids are unsealed."""
    if tender.closed_at is None:
        raise ConflictError(
            f"Bids are sealed until the tender closes; this one is {tender.status.value}",
            code="tender_not_closed",
            current_status=tender.status.value,
        )
