"""The states an evaluation moves through: declarations, conflict decisions and scores."""

from enum import StrEnum


class Declaration(StrEnum):
    """What an assigned evaluator has declared about conflicts of interest."""

    NOT_DECLARED = "not_declared"
    NO_INTEREST = "no_interest"
    INTEREST = "interest"


class ConflictDecision(StrEnum):
    """The lead's decision on a declared interest."""

    ALLOW = "allow"  # the interest does not stop the evaluator
    RESTRICT = "restrict"  # the evaluator may see and score only the bids named
    REMOVE = "remove"  # the evaluator takes no further part; their scores do not count
