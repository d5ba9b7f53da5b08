"""A whole tender worked by hand: five groups, seven criteria, three bids.

The tree (criterion points = group weight x criterion weight / 100):

    Price 40%         price_relative                            40 points
    Quality 30%       method statement, judgement 0-5, 60%       18 points
                      delivery plan, judgement 0-10, 40%         12 points
    Social value 20%  measures JOB-LOCAL (£25,000), APP-WEEK (£200), relative   20 points
    Localism 5%       local supplier, 50%                        2.5 points
                      % local spend, relative (higher), 50%      2.5 points
    Environment 5%    tCO2e, linear from floor 100 to target 20  5 points

The bids and the arithmetic:

                        A                        B                        C
    price               £100,000                 £80,000 (lowest)         £120,000
      40 x 80/price     32.00                    40.00                    26.6667
    method statement    4, 4, 5: mean 4.3333     moderated 3              5, 5: mean 5
      18 x v/5          15.60                    10.80                    18.00
    delivery plan       moderated 8              6, 7: mean 6.5           9
      12 x v/10         9.60                     7.80                     10.80
    social value        2 jobs + 100 weeks       1 job (+ 10 TREE,        4 jobs
                        = £70,000                ignored) = £25,000       = £100,000 (best)
      20 x S/100,000    14.00                    5.00                     20.00
    local supplier      yes: 2.50                no: 0.00                 yes: 2.50
    % local spend       60: 2.5 x 60/80 = 1.875  30: 0.9375               80 (best): 2.50
    tCO2e               50: (50-100)/(20-100)    20: at the target        120: short of the
                        = 0.625 x 5 = 3.125      = 5.00                   floor = 0.00

    total               78.70                    69.5375                  80.4667

C wins, then A, then B. B's price is (110,000 - 80,000) / 110,000 = 27.27% below the mean of
the other two bids, more than the default 20%, so it is flagged as abnormally low.
"""

from scoring.criteria import GroupKind, Method, MetricDirection, MetricMode, Scale
from scoring.results import FlagKind
from tests.unit.scoring.builders import (
    FIVE_POINT,
    D,
    bid,
    catalogue,
    criterion,
    group,
    run,
    shown,
    tree,
)

TENDER = tree(
    group("price", GroupKind.PRICE, 40, criterion("price", Method.PRICE_RELATIVE)),
    group(
        "quality",
        GroupKind.QUALITY,
        30,
        criterion("method", Method.JUDGEMENT, 60, scale=FIVE_POINT),
        criterion("delivery", Method.JUDGEMENT, 40, scale=Scale(D(10))),
    ),
    group(
        "social",
        GroupKind.SOCIAL_VALUE,
        20,
        criterion("sv", Method.SOCIAL_VALUE_MEASURES, measures=("JOB-LOCAL", "APP-WEEK")),
        name="Social value",
    ),
    group(
        "local",
        GroupKind.LOCALISM,
        5,
        criterion("local", Method.LOCAL_SUPPLIER, 50),
        criterion("spend", Method.METRIC, 50, unit="%"),
        name="Localism",
    ),
    group(
        "environment",
        GroupKind.ENVIRONMENT,
        5,
        criterion(
            "carbon",
            Method.METRIC,
            direction=MetricDirection.LOWER_IS_BETTER,
            metric_mode=MetricMode.LINEAR,
            floor=D(100),
            target=D(20),
            unit="tCO2e",
        ),
    ),
)

BIDS = (
    bid(
        "a",
        100_000,
        judgement={"method": [4, 4, 5]},
        moderated={"delivery": 8},
        commitments=[("JOB-LOCAL", 2), ("APP-WEEK", 100)],
        local=True,
        answers={"spend": 60, "carbon": 50},
    ),
    bid(
        "b",
        80_000,
        judgement={"delivery": [6, 7]},
        moderated={"method": 3},
        commitments=[("JOB-LOCAL", 1), ("TREE", 10)],
        answers={"spend": 30, "carbon": 20},
    ),
    bid(
        "c",
        120_000,
        judgement={"method": [5, 5], "delivery": [9]},
        commitments=[("JOB-LOCAL", 4)],
        local=True,
        answers={"spend": 80, "carbon": 120},
    ),
)

RESULT = run(TENDER, *BIDS, proxies=catalogue(JOB_LOCAL=25_000, APP_WEEK=200))


def test_every_criterion_scores_as_worked_by_hand() -> None:
    expected = {
        "a": {"price": "32", "method": "15.6", "delivery": "9.6", "sv": "14",
              "local": "2.5", "spend": "1.875", "carbon": "3.125"},
        "b": {"price": "40", "method": "10.8", "delivery": "7.8", "sv": "5",
              "local": "0", "spend": "0.9375", "carbon": "5"},
        "c": {"price": "26.6667", "method": "18", "delivery": "10.8", "sv": "20",
              "local": "2.5", "spend": "2.5", "carbon": "0"},
    }  # fmt: skip
    for result in RESULT.bids:
        got = {s.criterion_key: shown(s.weighted, "0.0001") for s in result.criteria}
        assert got == {k: shown(D(v), "0.0001") for k, v in expected[result.bid_id].items()}


def test_group_points_and_totals_add_up_as_worked_by_hand() -> None:
    a = RESULT.bid("a")
    assert [g.points for g in a.groups] == [32, D("25.2"), 14, D("4.375"), D("3.125")]
    assert a.total == D("78.7")
    assert RESULT.bid("b").total == D("69.5375")
    assert shown(RESULT.bid("c").total, "0.0001") == D("80.4667")
    assert [(b.bid_id, b.rank) for b in RESULT.bids] == [("c", 1), ("a", 2), ("b", 3)]
    assert RESULT.winner_id == "c"


def test_the_explanations_show_the_arithmetic() -> None:
    a = RESULT.bid("a")
    assert a.criterion("method").explanation == (
        "Mean of the 3 evaluators' scores 4.33 / scale maximum 5.00 x 18.00 = 15.60 points."
    )
    assert a.criterion("carbon").explanation == (
        "Stated 50.00 tCO2e; floor 100.00, target 20.00: (50.00 - 100.00) / (20.00 - 100.00) "
        "x 5.00 = 3.13 points."
    )
    assert a.group("quality").explanation == "Quality: 15.60 + 9.60 = 25.20 of 30.00 points."
    # Each part is rounded on its own (4.375 -> 4.38, 3.125 -> 3.13), the total once:
    # the parts shown add up to 78.71, the total is 78.70.
    assert a.total_explanation == (
        "Total 78.70 out of 100: Price 32.00 + Quality 25.20 + Social value 14.00 + "
        "Localism 4.38 + Environment 3.13."
    )
    assert RESULT.bid("c").criterion("carbon").explanation == (
        "Stated 120.00 tCO2e, at or short of the floor 100.00: 0.00 points."
    )


def test_the_flags_and_notes_are_those_worked_by_hand() -> None:
    b = RESULT.bid("b")
    assert [f.message for f in b.flags] == [
        "Price £80,000.00 is 27.27% below the mean £110,000.00 of the other 2 eligible bids, "
        "more than the 20.00% threshold: ask the supplier to explain it."
    ]
    assert b.flags[0].kind is FlagKind.ABNORMALLY_LOW_PRICE
    assert b.criterion("sv").notes == (
        "Claim for measure TREE ignored: the tender did not ask for it",
    )
    assert RESULT.bid("a").flags == RESULT.bid("c").flags == ()
    assert RESULT.ties == ()
