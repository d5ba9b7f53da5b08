"""Checks a criteria tree is sound before anyone is scored against it."""

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from scoring.criteria import (
    SOCIAL_VALUE_SHARE,
    CriteriaTree,
    Criterion,
    Group,
    GroupKind,
    Method,
    MetricMode,
)

HUNDRED = Decimal(100)


class Severity(StrEnum):
    """An error stops the tree being published; a warning is shown and recorded."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class SocialValuePolicy:
    """The organisation's minimum share for social value + localism + environment."""

    minimum_percent: Decimal = Decimal(10)
    severity: Severity = Severity.ERROR


@dataclass(frozen=True)
class TreeIssue:
    """One problem, located by a path such as `groups` or `groups.quality.criteria`."""

    path: str
    message: str
    severity: Severity = Severity.ERROR


def _percent(value: Decimal) -> str:
    return f"{value.normalize():f}%"


def _weights_sum(path: str, level: str, weights: list[Decimal]) -> list[TreeIssue]:
    total = sum(weights, Decimal(0))
    if total == HUNDRED:
        return []
    return [
        TreeIssue(path, f"{level} weights add up to {_percent(total)}; they must add up to 100%")
    ]


def _criterion_issues(path: str, criterion: Criterion) -> list[TreeIssue]:
    issues = []
    if criterion.weight <= 0:
        issues.append(TreeIssue(f"{path}.weight", "A criterion's weight must be more than 0%"))
    if criterion.method is Method.JUDGEMENT:
        if criterion.scale is None or criterion.scale.maximum <= 0:
            issues.append(TreeIssue(f"{path}.scale", "A judgement criterion needs a scale above 0"))
        elif criterion.minimum_score is not None and not (
            0 <= criterion.minimum_score <= criterion.scale.maximum
        ):
            issues.append(
                TreeIssue(f"{path}.minimum_score", "The minimum score must be on the scale")
            )
    if criterion.method is Method.PRICE_LINEAR and (
        criterion.zero_at_percent_above is None or criterion.zero_at_percent_above <= 0
    ):
        issues.append(
            TreeIssue(
                f"{path}.zero_at_percent_above",
                "Say how far above the lowest price (in %) a price scores nothing",
            )
        )
    linear_metric = criterion.method is Method.METRIC and criterion.metric_mode is MetricMode.LINEAR
    if linear_metric and (
        criterion.floor is None or criterion.target is None or criterion.floor == criterion.target
    ):
        issues.append(
            TreeIssue(
                f"{path}.target", "Linear metric scoring needs a floor and a different target"
            )
        )
    if criterion.method is Method.SOCIAL_VALUE_MEASURES and not criterion.measures:
        issues.append(
            TreeIssue(f"{path}.measures", "Choose at least one social value measure to ask for")
        )
    return issues


def _placement_issues(
    path: str, criterion: Criterion, group: Group, tree: CriteriaTree
) -> list[TreeIssue]:
    """Price per quality point divides the price by the points of the non-price groups: it
    must sit in a price group, and some other group must give quality points."""
    if criterion.method is not Method.PRICE_PER_QUALITY_POINT:
        return []
    if group.kind is not GroupKind.PRICE:
        return [TreeIssue(f"{path}.method", "Price per quality point belongs in a price group")]
    if all(g.kind is GroupKind.PRICE for g in tree.groups):
        return [
            TreeIssue(
                f"{path}.method",
                "Price per quality point needs a group other than price to give quality points",
            )
        ]
    return []


def validate_tree(tree: CriteriaTree, policy: SocialValuePolicy) -> list[TreeIssue]:
    """Every problem with the tree; an empty list means it can be published."""
    issues: list[TreeIssue] = []
    if not tree.groups:
        return [TreeIssue("groups", "Add at least one group of criteria")]
    issues += _weights_sum("groups", "Group", [g.weight for g in tree.groups])
    keys: set[str] = set()
    for group in tree.groups:
        group_path = f"groups.{group.key}"
        if group.weight <= 0:
            issues.append(
                TreeIssue(f"{group_path}.weight", "A group's weight must be more than 0%")
            )
        if not group.criteria:
            issues.append(TreeIssue(f"{group_path}.criteria", f"Add a criterion to '{group.name}'"))
            continue
        issues += _weights_sum(
            f"{group_path}.criteria",
            f"'{group.name}' criteria",
            [c.weight for c in group.criteria],
        )
        for criterion in group.criteria:
            criterion_path = f"{group_path}.criteria.{criterion.key}"
            if criterion.key in keys:
                issues.append(TreeIssue(f"{criterion_path}.key", "Criterion keys must be unique"))
            keys.add(criterion.key)
            issues += _criterion_issues(criterion_path, criterion)
            issues += _placement_issues(criterion_path, criterion, group, tree)
    share = sum((g.weight for g in tree.groups if g.kind in SOCIAL_VALUE_SHARE), Decimal(0))
    if share < policy.minimum_percent:
        issues.append(
            TreeIssue(
                "groups",
                f"Social value, localism and environment together weigh {_percent(share)}; "
                f"the policy minimum is {_percent(policy.minimum_percent)}",
                policy.severity,
            )
        )
    return issues
