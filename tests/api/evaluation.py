"""What the evaluation API tests share: a closed tender with judgement criteria and two bids,
and calls that assign evaluators, declare and score through the API."""

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import col

from procurement.domain.lifecycle import TenderStatus
from procurement.models import AuditEvent, Bid, Tender
from tests.api.conftest import World
from tests.factories import judged_on_two_scales


@dataclass
class Judged:
    """A closed tender with judgement criteria and the supplier's and the rival's bids."""

    tender: Tender
    bids: list[Bid]

    @property
    def path(self) -> str:
        """The tender's API path."""
        return f"/tenders/{self.tender.id}"

    def scores_path(self, index: int = 0) -> str:
        """The scores path of one of the bids."""
        return f"{self.path}/bids/{self.bids[index].id}/scores"


async def judged_tender(world: World, status: TenderStatus = TenderStatus.CLOSED) -> Judged:
    """A tender with two judgement criteria and two bids, in the given status."""
    tender = await world.tender(status, criteria=judged_on_two_scales())
    bids = [await world.bid(tender, world.supplier), await world.bid(tender, world.rival, "80000")]
    return Judged(tender, bids)


async def assign(
    world: World, judged: Judged, actor: str = "evaluator", groups: list[str] | None = None
) -> dict[str, Any]:
    """Assign the actor's user to the tender as an evaluator; return the assignment."""
    body = {"user_id": str(world.users[actor].id), "group_keys": groups or []}
    return await world.create(f"{judged.path}/evaluators", "procurement", body)


async def declare(
    world: World, judged: Judged, actor: str = "evaluator", details: str | None = None
) -> dict[str, Any]:
    """Declare for the actor (an interest when details are given); return the assignment."""
    own = (await world.get(f"{judged.path}/declarations", actor)).json()[0]
    body = {
        "declaration": "interest" if details else "no_interest",
        "interest_details": details,
        "version": own["version"],
    }
    response = await world.post(f"{judged.path}/declarations", actor, body)
    assert response.status_code == 200, response.text
    declared: dict[str, Any] = response.json()
    return declared


async def cleared(world: World, judged: Judged, actor: str = "evaluator") -> dict[str, Any]:
    """Assign the actor and declare no interest for them."""
    await assign(world, judged, actor)
    return await declare(world, judged, actor)


def score(
    key: str, value: str, rationale: str = "Well evidenced", version: int | None = None
) -> dict[str, Any]:
    """One score as the save takes it."""
    return {"criterion_key": key, "value": value, "rationale": rationale, "version": version}


@dataclass(frozen=True)
class Change:
    """An audit event as the tests read it: what was done, and the state before and after."""

    action: str
    before: dict[str, Any]  # empty when the entity was made
    after: dict[str, Any]  # empty when the entity was removed


async def audit_trail(world: World, entity_id: str) -> list[Change]:
    """The audit events about one entity, oldest first."""
    async with world.sessions() as session:
        rows = await session.scalars(
            sa.select(AuditEvent)
            .where(col(AuditEvent.entity_id) == entity_id)
            .order_by(col(AuditEvent.position))
        )
        return [Change(row.action, row.before or {}, row.after or {}) for row in rows]


async def score_all_and_submit(world: World, judged: Judged, actor: str = "evaluator") -> None:
    """Score (or re-score) both bids on both judgement criteria as the actor; submit the set."""
    for index in (0, 1):
        saved = (await world.get(judged.scores_path(index), actor)).json()["scores"]
        versions = {s["criterion_key"]: s["version"] for s in saved}
        body = {
            "scores": [
                score("method", "3", version=versions.get("method")),
                score("team", "7.5", version=versions.get("team")),
            ]
        }
        assert (await world.put(judged.scores_path(index), actor, body)).status_code == 200
    assert (await world.post(f"{judged.path}/scores/submit", actor)).status_code == 200
