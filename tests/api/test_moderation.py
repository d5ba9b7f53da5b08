"""The lead sees every submitted score side by side and records a consensus with a reason;
the evaluators' own scores are never changed."""

from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import col

from procurement.domain.lifecycle import TenderStatus
from procurement.domain.roles import Role
from procurement.models import Score, Tender
from tests.api.conftest import World, error_of, field_errors
from tests.api.evaluation import Judged, audit_trail, cleared, judged_tender, score


async def _submit(world: World, judged: Judged, actor: str, method: str, team: str) -> None:
    for index in (0, 1):
        body = {"scores": [score("method", method, f"{actor} says {method}"), score("team", team)]}
        assert (await world.put(judged.scores_path(index), actor, body)).status_code == 200
    assert (await world.post(f"{judged.path}/scores/submit", actor)).status_code == 200


@pytest.fixture
async def judged(world: World) -> Judged:
    """A tender two evaluators have scored: far apart on `method` (1 and 5), close on `team`."""
    await world.add_user("second", Role.EVALUATOR)
    judged = await judged_tender(world)
    for actor, method, team in [("evaluator", "1", "6"), ("second", "5", "7")]:
        await cleared(world, judged, actor)
        await _submit(world, judged, actor, method, team)
    return judged


def _item(moderation: dict[str, Any], judged: Judged, key: str, bid: int = 0) -> dict[str, Any]:
    bid_id = str(judged.bids[bid].id)
    found: dict[str, Any] = next(
        i for i in moderation["items"] if i["bid_id"] == bid_id and i["criterion_key"] == key
    )
    return found


def _consensus(judged: Judged, **changes: Any) -> dict[str, Any]:
    body = {
        "bid_id": str(judged.bids[0].id),
        "criterion_key": "method",
        "value": "3",
        "note": "Agreed at the moderation meeting",
        "version": None,
    }
    return {**body, **changes}


async def test_the_lead_sees_every_score_the_mean_and_the_spread(
    world: World, judged: Judged
) -> None:
    moderation = (await world.get(f"{judged.path}/moderation", "procurement")).json()
    assert len(moderation["items"]) == 4  # two bids x two judgement criteria
    method = _item(moderation, judged, "method")
    names = {world.users[a].full_name: a for a in ("evaluator", "second")}
    assert sorted(
        (names[s["evaluator_name"]], s["value"], s["rationale"]) for s in method["scores"]
    ) == [
        ("evaluator", "1.00", "evaluator says 1"),
        ("second", "5.00", "second says 5"),
    ]
    assert (method["mean"], method["spread_flagged"], method["consensus"]) == ("3.00", True, None)
    team = _item(moderation, judged, "team")
    assert (team["mean"], team["spread_flagged"], team["scale_maximum"]) == ("6.50", False, "10")


async def test_drafts_are_not_moderated(world: World) -> None:
    judged = await judged_tender(world)
    await cleared(world, judged)
    body = {"scores": [score("method", "2")]}
    assert (await world.put(judged.scores_path(), "evaluator", body)).status_code == 200
    moderation = (await world.get(f"{judged.path}/moderation", "procurement")).json()
    assert _item(moderation, judged, "method")["scores"] == []
    error_of(
        await world.put(f"{judged.path}/moderation", "procurement", _consensus(judged)),
        409,
        "nothing_to_moderate",
    )


async def test_a_consensus_is_recorded_and_the_evaluators_scores_are_kept(
    world: World, judged: Judged
) -> None:
    before = await _scores(world)
    response = await world.put(f"{judged.path}/moderation", "procurement", _consensus(judged))
    consensus = response.json()
    assert response.status_code == 200, consensus
    assert (consensus["value"], consensus["version"]) == ("3.00", 1)
    assert consensus["moderated_by_name"] == world.users["procurement"].full_name
    moderation = (await world.get(f"{judged.path}/moderation", "procurement")).json()
    assert (
        _item(moderation, judged, "method")["consensus"]["note"]
        == "Agreed at the moderation meeting"
    )
    assert moderation["evaluation_version"] > judged.tender.evaluation_version
    assert await _scores(world) == before


async def _scores(world: World) -> list[tuple[str, str, int]]:
    async with world.sessions() as session:
        rows = await session.scalars(sa.select(Score).order_by(col(Score.id)))
        return [(str(r.value), r.rationale, r.version) for r in rows]


async def test_re_moderating_keeps_the_earlier_consensus_in_the_trail(
    world: World, judged: Judged
) -> None:
    path = f"{judged.path}/moderation"
    first = (await world.put(path, "procurement", _consensus(judged))).json()
    revised = await world.put(
        path,
        "procurement",
        _consensus(judged, value="4", note="On review", version=first["version"]),
    )
    assert (revised.json()["value"], revised.json()["version"]) == ("4.00", 2)
    trail = await audit_trail(world, first["id"])
    assert [e.action for e in trail] == ["moderate", "moderate"]
    assert (trail[1].before["value"], trail[1].before["note"]) == (
        "3.00",
        "Agreed at the moderation meeting",
    )
    assert (trail[1].after["value"], trail[1].after["note"]) == ("4.00", "On review")


async def test_a_stale_consensus_is_refused(world: World, judged: Judged) -> None:
    path = f"{judged.path}/moderation"
    first = (await world.put(path, "procurement", _consensus(judged))).json()
    await world.put(path, "procurement", _consensus(judged, version=first["version"]))
    stale = await world.put(path, "procurement", _consensus(judged, value="1", version=1))
    error_of(stale, 409, "stale_version")
    again_new = await world.put(path, "procurement", _consensus(judged, version=None))
    error_of(again_new, 409, "stale_version")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"note": "  "}, "note"),
        ({"value": "2.5"}, "value"),
        ({"value": "9"}, "value"),
        ({"criterion_key": "price"}, "criterion_key"),
        ({"bid_id": "00000000-0000-4000-8000-000000000000"}, "bid_id"),
        ({"version": 3}, "version"),
    ],
    ids=[
        "blank note",
        "between levels",
        "above the scale",
        "not judged",
        "unknown bid",
        "no consensus yet",
    ],
)
async def test_a_consensus_must_be_on_the_scale_with_a_reason(
    world: World, judged: Judged, changes: dict[str, Any], field: str
) -> None:
    response = await world.put(
        f"{judged.path}/moderation", "procurement", _consensus(judged, **changes)
    )
    assert set(field_errors(response)) == {field}


async def test_nothing_is_moderated_after_the_award(world: World, judged: Judged) -> None:
    async with world.sessions() as session:
        await session.execute(
            sa.update(Tender)
            .where(col(Tender.id) == judged.tender.id)
            .values(status=TenderStatus.AWARDED)
        )
        await session.commit()
    response = await world.put(f"{judged.path}/moderation", "procurement", _consensus(judged))
    error_of(response, 409, "tender_awarded")


async def test_moderation_is_shown_only_once_the_bids_are_unsealed(world: World) -> None:
    judged = await judged_tender(world, TenderStatus.OPEN)
    error_of(await world.get(f"{judged.path}/moderation", "procurement"), 409, "tender_not_closed")
