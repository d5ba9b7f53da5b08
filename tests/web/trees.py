"""Criteria trees for the browser tests, written as the database stores them."""

from typing import Any


def criterion(key: str, name: str, weight: str, method: str, **settings: Any) -> dict[str, Any]:
    """A criterion as the tree stores it."""
    return {"key": key, "name": name, "weight": weight, "method": method, **settings}


def group(key: str, kind: str, weight: str, *criteria: dict[str, Any]) -> dict[str, Any]:
    """A group as the tree stores it, named after its kind."""
    name = kind.replace("_", " ").capitalize()
    return {"key": key, "name": name, "kind": kind, "weight": weight, "criteria": list(criteria)}


METHOD_STATEMENT = criterion(
    "method",
    "Method statement",
    "100",
    "judgement",
    question="How will you keep the library open during the works?",
    scale={"maximum": "10"},
    minimum_score="4",
)

# Price, a quality question and social value commitments: what a works template asks.
WORKS_OVER_1M = {
    "groups": [
        group("price", "price", "60", criterion("price", "Price", "100", "price_relative")),
        group("quality", "quality", "30", METHOD_STATEMENT),
        group(
            "social",
            "social_value",
            "10",
            criterion("jobs", "Local jobs", "100", "social_value_measures", measures=["JOB01"]),
        ),
    ]
}

# A tree that asks bidders one question of every kind.
ASKS_EVERYTHING = {
    "groups": [
        group("price", "price", "50", criterion("price", "Price", "100", "price_relative")),
        group("quality", "quality", "20", METHOD_STATEMENT),
        group(
            "social",
            "social_value",
            "20",
            criterion(
                "local-spend",
                "Local spend",
                "50",
                "metric",
                question="What share of the contract's spend will go to firms in the borough?",
                unit="%",
            ),
            criterion(
                "commitments",
                "Commitments",
                "50",
                "social_value_measures",
                measures=["JOB01", "ENV02"],
            ),
        ),
        group(
            "compliance",
            "other",
            "10",
            criterion(
                "insurance",
                "Insurance",
                "100",
                "pass_fail",
                question="Do you hold public liability insurance of at least £5m?",
            ),
        ),
    ]
}
