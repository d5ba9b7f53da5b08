"""The tender lifecycle: draft -> open -> closed -> evaluating -> awarded, or cancelled."""

from enum import StrEnum


class TenderStatus(StrEnum):
    """Where a tender is in its life."""

    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    EVALUATING = "evaluating"
    AWARDED = "awarded"
    CANCELLED = "cancelled"


class TenderAction(StrEnum):
    """Things an officer can do to move a tender along."""

    PUBLISH = "publish"
    CLOSE = "close"
    BEGIN_EVALUATION = "begin_evaluation"
    AWARD = "award"
    CANCEL = "cancel"


_TRANSITIONS: dict[TenderAction, tuple[frozenset[TenderStatus], TenderStatus]] = {
    TenderAction.PUBLISH: (frozenset({TenderStatus.DRAFT}), TenderStatus.OPEN),
    TenderAction.CLOSE: (frozenset({TenderStatus.OPEN}), TenderStatus.CLOSED),
    TenderAction.BEGIN_EVALUATION: (frozenset({TenderStatus.CLOSED}), TenderStatus.EVALUATING),
    # A tender with nothing for evaluators to score can be awarded straight from closed.
    TenderAction.AWARD: (
        frozenset({TenderStatus.CLOSED, TenderStatus.EVALUATING}),
        TenderStatus.AWARDED,
    ),
    TenderAction.CANCEL: (
        frozenset(
            {TenderStatus.DRAFT, TenderStatus.OPEN, TenderStatus.CLOSED, TenderStatus.EVALUATING}
        ),
        TenderStatus.CANCELLED,
    ),
}


class InvalidTransitionError(Exception):
    """The action is not allowed from the tender's current status."""

    def __init__(self, action: TenderAction, current: TenderStatus) -> None:
        self.action = action
        self.current = current
        allowed = ", ".join(sorted(s.value for s in _TRANSITIONS[action][0]))
        super().__init__(
            f"Cannot {action.value.replace('_', ' ')} a tender that is {current.value}; "
            f"it must be {allowed}"
        )


def next_status(current: TenderStatus, action: TenderAction) -> TenderStatus:
    """The status after `action`, or InvalidTransitionError naming the current status."""
    allowed_from, target = _TRANSITIONS[action]
    if current not in allowed_from:
        raise InvalidTransitionError(action, current)
    return target
