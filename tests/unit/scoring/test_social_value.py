"""Social value measures: commitments valued at the catalogue's proxy values."""

from decimal import Decimal

from scoring.criteria import CriteriaTree, GroupKind, Method, SocialValueMode
from tests.unit.scoring.builders import D, bid, catalogue, criterion, group, normalised, run, tree

PROXIES = catalogue(JOB_LOCAL=25_000, APPRENTICE_WEEK=200, TREE=50)


def social(mode: SocialValueMode = SocialValueMode.RELATIVE) -> CriteriaTree:
    return tree(
        group(
            "sv",
            GroupKind.SOCIAL_VALUE,
            100,
            criterion(
                "c",
                Method.SOCIAL_VALUE_MEASURES,
                measures=("JOB-LOCAL", "APPRENTICE-WEEK"),
                social_value_mode=mode,
            ),
        )
    )


def test_commitments_are_valued_at_the_proxy_value_and_scored_against_the_best_bid() -> None:
    # A: 2 local jobs x £25,000 + 50 apprentice weeks x £200 = £60,000
    # B: 3 local jobs x £25,000 = £75,000 (the best); A scores 60,000 / 75,000 = 0.8
    result = run(
        social(),
        bid("a", commitments=[("JOB-LOCAL", 2), ("APPRENTICE-WEEK", 50)]),
        bid("b", commitments=[("JOB-LOCAL", 3)]),
        proxies=PROXIES,
    )
    assert normalised(result) == {"b": 1, "a": D("0.8")}
    score = result.bid("a").criterion("c")
    assert score.raw == 60_000
    assert score.explanation == (
        "Social value JOB-LOCAL 2.00 x £25,000.00 + APPRENTICE-WEEK 50.00 x £200.00 = "
        "£60,000.00; best bid £75,000.00: 60,000.00 / 75,000.00 x 100.00 = 80.00 points."
    )


def test_a_claim_for_a_measure_the_tender_did_not_ask_for_is_ignored_and_noted() -> None:
    result = run(
        social(),
        bid("a", commitments=[("JOB-LOCAL", 1), ("TREE", 1_000)]),
        proxies=PROXIES,
    )
    score = result.bid("a").criterion("c")
    assert score.raw == 25_000
    assert score.notes == ("Claim for measure TREE ignored: the tender did not ask for it",)


def test_a_measure_missing_from_the_catalogue_is_ignored_and_noted() -> None:
    result = run(
        social(),
        bid("a", commitments=[("JOB-LOCAL", 1), ("APPRENTICE-WEEK", 10)]),
        proxies=catalogue(JOB_LOCAL=25_000),
    )
    score = result.bid("a").criterion("c")
    assert score.raw == 25_000
    assert score.notes == ("Claim for measure APPRENTICE-WEEK ignored: it has no proxy value",)


def test_social_value_per_pound_rewards_value_for_the_price() -> None:
    # A: £50,000 of social value on a £1,000,000 price = 0.05 per £1
    # B: £25,000 on £250,000 = 0.10 per £1 (the best); A scores 0.05 / 0.10 = 0.5
    result = run(
        social(SocialValueMode.PER_POUND),
        bid("a", 1_000_000, commitments=[("JOB-LOCAL", 2)]),
        bid("b", 250_000, commitments=[("JOB-LOCAL", 1)]),
        proxies=PROXIES,
    )
    assert normalised(result) == {"b": 1, "a": D("0.5")}
    assert result.bid("a").criterion("c").explanation == (
        "Social value JOB-LOCAL 2.00 x £25,000.00 = £50,000.00; / price £1,000,000.00 = "
        "0.0500 per £1; best bid 0.1000 per £1: 0.0500 / 0.1000 x 100.00 = 50.00 points."
    )


def test_nobody_earns_marks_when_no_eligible_bid_commits_anything() -> None:
    result = run(social(), bid("a"), bid("b", commitments=[("TREE", 5)]), proxies=PROXIES)
    assert normalised(result) == {"a": Decimal(0), "b": Decimal(0)}
    assert result.bid("a").criterion("c").explanation == (
        "No social value committed to the measures asked for: 0.00 points."
    )


def test_each_criterion_counts_only_its_own_measures_and_claims_are_noted_once() -> None:
    criteria = tree(
        group(
            "sv",
            GroupKind.SOCIAL_VALUE,
            100,
            criterion("jobs", Method.SOCIAL_VALUE_MEASURES, 50, measures=("JOB-LOCAL",)),
            criterion("skills", Method.SOCIAL_VALUE_MEASURES, 50, measures=("APPRENTICE-WEEK",)),
        )
    )
    result = run(
        criteria,
        bid("a", commitments=[("JOB-LOCAL", 1), ("APPRENTICE-WEEK", 10), ("TREE", 3)]),
        proxies=PROXIES,
    )
    a = result.bid("a")
    assert (a.criterion("jobs").raw, a.criterion("skills").raw) == (D(25_000), D(2_000))
    assert a.criterion("jobs").notes == (
        "Claim for measure TREE ignored: the tender did not ask for it",
    )
    assert a.criterion("skills").notes == ()
