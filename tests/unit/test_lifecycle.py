"""The tender lifecycle, checked against a hand-written table of every status and action."""

import itertools

import pytest

from procurement.domain.lifecycle import (
    InvalidTransitionError,
    TenderAction,
    TenderStatus,
    next_status,
)

S, A = TenderStatus, TenderAction

# Written out by hand from the lifecycle rules, not derived from the code under test.
ALLOWED: dict[tuple[TenderStatus, TenderAction], TenderStatus] = {
    (S.DRAFT, A.PUBLISH): S.OPEN,
    (S.OPEN, A.CLOSE): S.CLOSED,
    (S.CLOSED, A.BEGIN_EVALUATION): S.EVALUATING,
    (S.CLOSED, A.AWARD): S.AWARDED,
    (S.EVALUATING, A.AWARD): S.AWARDED,
    (S.DRAFT, A.CANCEL): S.CANCELLED,
    (S.OPEN, A.CANCEL): S.CANCELLED,
    (S.CLOSED, A.CANCEL): S.CANCELLED,
    (S.EVALUATING, A.CANCEL): S.CANCELLED,
}
ALL_PAIRS = list(itertools.product(TenderStatus, TenderAction))
FORBIDDEN = [pair for pair in ALL_PAIRS if pair not in ALLOWED]


def test_the_table_covers_every_status_and_action() -> None:
    assert len(ALLOWED) + len(FORBIDDEN) == len(TenderStatus) * len(TenderAction)


@pytest.mark.parametrize(("current", "action"), list(ALLOWED), ids=str)
def test_allowed_action_moves_to_its_target(current: TenderStatus, action: TenderAction) -> None:
    assert next_status(current, action) is ALLOWED[current, action]


@pytest.mark.parametrize(("current", "action"), FORBIDDEN, ids=str)
def test_forbidden_action_raises_naming_the_current_status(
    current: TenderStatus, action: TenderAction
) -> None:
    with pytest.raises(InvalidTransitionError) as caught:
        next_status(current, action)
    assert caught.value.current is current
    assert caught.value.action is action
    assert f"that is {current.value};" in str(caught.value)


@pytest.mark.parametrize("terminal", [S.AWARDED, S.CANCELLED])
def test_awarded_and_cancelled_tenders_go_nowhere(terminal: TenderStatus) -> None:
    assert not [action for status, action in ALLOWED if status is terminal]
    for action in TenderAction:
        with pytest.raises(InvalidTransitionError):
            next_status(terminal, action)


def test_refusal_says_which_statuses_would_allow_the_action() -> None:
    with pytest.raises(InvalidTransitionError) as caught:
        next_status(S.AWARDED, A.CANCEL)
    assert str(caught.value) == (
        "Cannot cancel a tender that is awarded; it must be closed, draft, evaluating, open"
    )
