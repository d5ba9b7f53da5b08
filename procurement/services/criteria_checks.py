"""Checks of a criteria tree against the organisation's policy and measure catalogue."""

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from procurement.errors import FieldError, InputError, NotFoundError
from procurement.models import Organisation
from procurement.schemas.criteria import CriteriaTreeSchema, TreeIssueRead
from procurement.services.measures import catalogue_on
from procurement.services.organisations import social_value_policy
from scoring.bids import ProxyValue
from scoring.criteria import Method
from scoring.validation import Severity, SocialValuePolicy, TreeIssue, validate_tree


def weight_totals(tree: CriteriaTreeSchema) -> tuple[Decimal, dict[str, Decimal]]:
    """The sum of the group weights, and of each group's criteria weights by group key."""
    group_total = sum((g.weight for g in tree.groups), Decimal(0))
    criteria_totals: dict[str, Decimal] = {}
    for group in tree.groups:
        subtotal = sum((c.weight for c in group.criteria), Decimal(0))
        criteria_totals[group.key] = criteria_totals.get(group.key, Decimal(0)) + subtotal
    return group_total, criteria_totals


def _duplicate_groups(tree: CriteriaTreeSchema) -> list[TreeIssue]:
    seen: set[str] = set()
    issues = []
    for group in tree.groups:
        if group.key in seen:
            issues.append(TreeIssue(f"groups.{group.key}.key", "Group keys must be unique"))
        seen.add(group.key)
    return issues


def _unknown_measures(tree: CriteriaTreeSchema, known: set[str], on: date) -> list[TreeIssue]:
    issues = []
    for group in tree.groups:
        for criterion in group.criteria:
            if criterion.method is not Method.SOCIAL_VALUE_MEASURES:
                continue
            missing = [code for code in criterion.measures if code not in known]
            if missing:
                issues.append(
                    TreeIssue(
                        f"groups.{group.key}.criteria.{criterion.key}.measures",
                        f"Not in the measure catalogue with a value on {on:%d %B %Y}: "
                        + ", ".join(missing),
                    )
                )
    return issues


@dataclass(frozen=True)
class CheckContext:
    """What a tree is checked against: the policy, and the catalogue as it stands on a date."""

    policy: SocialValuePolicy
    catalogue: dict[str, ProxyValue]
    on: date


async def check_context(
    session: AsyncSession, organisation_id: uuid.UUID, on: date
) -> CheckContext:
    """The organisation's policy and its catalogue on the date."""
    organisation = await session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFoundError("Organisation")
    catalogue = await catalogue_on(session, organisation_id, on)
    return CheckContext(social_value_policy(organisation), catalogue, on)


def tree_issues(tree: CriteriaTreeSchema, context: CheckContext) -> list[TreeIssueRead]:
    """Every problem with the tree: its weights and settings, the social value policy, and
    measures the catalogue has no value for on the context's date."""
    issues = [
        *validate_tree(tree.to_engine(), context.policy),
        *_duplicate_groups(tree),
        *_unknown_measures(tree, set(context.catalogue), context.on),
    ]
    unique = dict.fromkeys((i.path, i.message, i.severity) for i in issues)
    return [
        TreeIssueRead(path=path, message=message, severity=severity.value)
        for path, message, severity in unique
    ]


async def criteria_issues(
    session: AsyncSession, organisation_id: uuid.UUID, tree: CriteriaTreeSchema, on: date
) -> list[TreeIssueRead]:
    """Every problem with the tree, checked against the organisation's policy and catalogue."""
    return tree_issues(tree, await check_context(session, organisation_id, on))


def refuse_invalid(issues: list[TreeIssueRead]) -> None:
    """Raise 422 `criteria_invalid`, one field error per error-severity issue, if there are any."""
    errors = [
        FieldError(f"criteria.{issue.path}", issue.message)
        for issue in issues
        if issue.severity == Severity.ERROR.value
    ]
    if errors:
        noun = "problem" if len(errors) == 1 else "problems"
        refusal = InputError(
            errors,
            detail=f"The award criteria have {len(errors)} {noun} to put right before publishing",
        )
        # An InputError, so forms show each problem, but with a code of its own.
        refusal.code = "criteria_invalid"
        raise refusal
