"""Tree validation: weights add up at every level, settings fit their method, policy minimum."""

import pytest
from hypothesis import given, settings

from scoring.criteria import CriteriaTree, Criterion, GroupKind, Method, MetricMode, Scale
from scoring.validation import Severity, SocialValuePolicy, TreeIssue, validate_tree
from tests.unit.scoring.builders import FIVE_POINT, D, criterion, group, tree
from tests.unit.scoring.strategies import trees

POLICY = SocialValuePolicy()


def sound(price: str = "60", quality: str = "30", social: str = "10") -> CriteriaTree:
    return tree(
        group("price", GroupKind.PRICE, price, criterion("price", Method.PRICE_RELATIVE)),
        group(
            "quality",
            GroupKind.QUALITY,
            quality,
            criterion("method", Method.JUDGEMENT, 70, scale=FIVE_POINT),
            criterion("team", Method.JUDGEMENT, 30, scale=FIVE_POINT),
        ),
        group(
            "social",
            GroupKind.SOCIAL_VALUE,
            social,
            criterion("local", Method.LOCAL_SUPPLIER),
            name="Social value",
        ),
    )


def test_a_sound_tree_has_no_issues() -> None:
    assert validate_tree(sound(), POLICY) == []


@settings(max_examples=40, deadline=None)
@given(trees())
def test_generated_trees_add_up_to_100_at_every_level(criteria: CriteriaTree) -> None:
    assert sum(g.weight for g in criteria.groups) == 100
    for g in criteria.groups:
        assert sum(c.weight for c in g.criteria) == 100
    assert all(
        i.path != "groups" or "Social value" in i.message for i in validate_tree(criteria, POLICY)
    )


def test_group_weights_that_do_not_add_up_name_the_level_and_the_actual_sum() -> None:
    assert validate_tree(sound(price="55"), POLICY) == [
        TreeIssue("groups", "Group weights add up to 95%; they must add up to 100%")
    ]


def test_criteria_weights_that_do_not_add_up_name_the_group_and_the_actual_sum() -> None:
    criteria = tree(
        group(
            "quality",
            GroupKind.QUALITY,
            90,
            criterion("a", Method.JUDGEMENT, "70.5", scale=FIVE_POINT),
            criterion("b", Method.JUDGEMENT, 30, scale=FIVE_POINT),
        ),
        group("social", GroupKind.SOCIAL_VALUE, 10, criterion("l", Method.LOCAL_SUPPLIER)),
    )
    assert validate_tree(criteria, POLICY) == [
        TreeIssue(
            "groups.quality.criteria",
            "'Quality' criteria weights add up to 100.5%; they must add up to 100%",
        )
    ]


@pytest.mark.parametrize(
    ("severity", "minimum"),
    [(Severity.ERROR, "10"), (Severity.WARNING, "10"), (Severity.ERROR, "15")],
)
def test_a_social_value_share_below_the_policy_minimum_is_an_error_or_a_warning(
    severity: Severity, minimum: str
) -> None:
    policy = SocialValuePolicy(D(minimum), severity)
    issues = validate_tree(sound(price="65", quality="30", social="5"), policy)
    assert issues == [
        TreeIssue(
            "groups",
            "Social value, localism and environment together weigh 5%; the policy minimum "
            f"is {minimum}%",
            severity,
        )
    ]


def test_localism_and_environment_count_towards_the_social_value_share() -> None:
    criteria = tree(
        group("price", GroupKind.PRICE, 90, criterion("price", Method.PRICE_RELATIVE)),
        group("local", GroupKind.LOCALISM, 6, criterion("l", Method.LOCAL_SUPPLIER)),
        group("env", GroupKind.ENVIRONMENT, 4, criterion("e", Method.METRIC)),
    )
    assert validate_tree(criteria, POLICY) == []


@pytest.mark.parametrize(
    ("bad", "path", "message"),
    [
        (
            criterion("c", Method.JUDGEMENT),
            "groups.g.criteria.c.scale",
            "A judgement criterion needs a scale above 0",
        ),
        (
            criterion("c", Method.JUDGEMENT, scale=FIVE_POINT, minimum_score=D(6)),
            "groups.g.criteria.c.minimum_score",
            "The minimum score must be on the scale",
        ),
        (
            criterion("c", Method.PRICE_LINEAR),
            "groups.g.criteria.c.zero_at_percent_above",
            "Say how far above the lowest price (in %) a price scores nothing",
        ),
        (
            criterion("c", Method.METRIC, metric_mode=MetricMode.LINEAR, floor=D(1), target=D(1)),
            "groups.g.criteria.c.target",
            "Linear metric scoring needs a floor and a different target",
        ),
        (
            criterion("c", Method.SOCIAL_VALUE_MEASURES),
            "groups.g.criteria.c.measures",
            "Choose at least one social value measure to ask for",
        ),
        (
            criterion("c", Method.PRICE_PER_QUALITY_POINT),
            "groups.g.criteria.c.method",
            "Price per quality point belongs in a price group",
        ),
    ],
)
def test_a_criterion_without_the_settings_its_method_needs_is_reported(
    bad: Criterion, path: str, message: str
) -> None:
    criteria = tree(
        group("g", GroupKind.QUALITY, 90, bad),
        group("social", GroupKind.SOCIAL_VALUE, 10, criterion("l", Method.LOCAL_SUPPLIER)),
    )
    assert validate_tree(criteria, POLICY) == [TreeIssue(path, message)]


def test_price_per_quality_point_needs_quality_points_to_divide_by() -> None:
    criteria = tree(
        group("p", GroupKind.PRICE, 100, criterion("c", Method.PRICE_PER_QUALITY_POINT))
    )
    issues = validate_tree(criteria, SocialValuePolicy(D(0)))
    assert [i.path for i in issues] == ["groups.p.criteria.c.method"]


def test_an_empty_tree_and_an_empty_group_are_reported() -> None:
    assert validate_tree(tree(), POLICY) == [
        TreeIssue("groups", "Add at least one group of criteria")
    ]
    criteria = tree(group("social", GroupKind.SOCIAL_VALUE, 100))
    assert validate_tree(criteria, POLICY) == [
        TreeIssue("groups.social.criteria", "Add a criterion to 'Social'")
    ]


def test_duplicate_keys_and_zero_weights_are_reported() -> None:
    criteria = tree(
        group(
            "social",
            GroupKind.SOCIAL_VALUE,
            100,
            criterion("l", Method.LOCAL_SUPPLIER, 100),
            criterion("l", Method.LOCAL_SUPPLIER, 0),
        )
    )
    assert [i.path for i in validate_tree(criteria, POLICY)] == [
        "groups.social.criteria.l.key",
        "groups.social.criteria.l.weight",
    ]


def test_a_scale_without_levels_is_enough() -> None:
    criteria = sound()
    assert criteria.groups[1].criteria[0].scale == Scale(D(5))
    assert validate_tree(criteria, POLICY) == []
