"""Evaluators declare conflicts of interest before seeing any bid; the lead decides on interests.

The gate: until an evaluator has declared no interest, or the lead has allowed or restricted
them, every bid endpoint answers them 403 declaration_required.
"""

import uuid
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlmodel import col

from procurement.domain.lifecycle import TenderStatus
from procurement.domain.roles import Role
from procurement.models import Tender
from tests.api.conftest import World, error_of, field_errors
from tests.api.evaluation import (
    Judged,
    assign,
    audit_trail,
    declare,
    judged_tender,
    score,
    score_all_and_submit,
)

INTEREST = "My brother-in-law is a director of Acme Lighting Ltd"


async def bid_endpoints(world: World, judged: Judged, actor: str = "evaluator") -> list[int]:
    """Status codes of every bid endpoint an evaluator uses, called as the actor."""
    bid = judged.bids[0]
    responses = [
        await world.get(f"{judged.path}/bids", actor),
        await world.get(f"{judged.path}/bids/{bid.id}", actor),
        await world.get(judged.scores_path(), actor),
        await world.put(judged.scores_path(), actor, {"scores": [score("method", "3")]}),
        await world.post(f"{judged.path}/scores/submit", actor),
    ]
    return [r.status_code for r in responses]


async def refused_with(world: World, judged: Judged, code: str, actor: str = "evaluator") -> None:
    """Assert every bid endpoint refuses the actor with 403 and this code."""
    bid = judged.bids[0]
    for response in [
        await world.get(f"{judged.path}/bids", actor),
        await world.get(f"{judged.path}/bids/{bid.id}", actor),
        await world.get(judged.scores_path(), actor),
        await world.put(judged.scores_path(), actor, {"scores": [score("method", "3")]}),
        await world.post(f"{judged.path}/scores/submit", actor),
    ]:
        error_of(response, 403, code)


async def decide(
    world: World, judged: Judged, assignment: dict[str, Any], **body: Any
) -> httpx.Response:
    """Post the lead's decision on an assignment."""
    path = f"{judged.path}/declarations/{assignment['id']}/decision"
    return await world.post(path, "procurement", {"version": assignment["version"], **body})


class TestTheGate:
    """Nothing of the bids is seen before declaring."""

    async def test_an_unassigned_evaluator_sees_no_bid(self, world: World) -> None:
        judged = await judged_tender(world)
        await refused_with(world, judged, "not_assigned")

    async def test_an_evaluator_who_has_not_declared_sees_no_bid(self, world: World) -> None:
        judged = await judged_tender(world)
        await assign(world, judged)
        await refused_with(world, judged, "declaration_required")

    async def test_declaring_no_interest_opens_the_bids(self, world: World) -> None:
        judged = await judged_tender(world)
        await assign(world, judged)
        declared = await declare(world, judged)
        assert (declared["declaration"], declared["clearance"]) == ("no_interest", "cleared")
        assert declared["declared_at"] is not None
        listed = (await world.get(f"{judged.path}/bids", "evaluator")).json()
        assert listed["total"] == 2
        statuses = await bid_endpoints(world, judged)
        assert statuses[:4] == [200, 200, 200, 200]

    async def test_an_interest_keeps_the_bids_closed_until_the_lead_decides(
        self, world: World
    ) -> None:
        judged = await judged_tender(world)
        await assign(world, judged)
        declared = await declare(world, judged, details=INTEREST)
        assert (declared["clearance"], declared["interest_details"]) == (
            "awaiting_decision",
            INTEREST,
        )
        await refused_with(world, judged, "declaration_required")
        allowed = await decide(world, judged, declared, decision="allow", note="Not material")
        assert allowed.json()["clearance"] == "cleared"
        assert (await world.get(f"{judged.path}/bids", "evaluator")).json()["total"] == 2

    async def test_a_restricted_evaluator_sees_and_scores_only_the_bids_allowed(
        self, world: World
    ) -> None:
        judged = await judged_tender(world)
        await assign(world, judged)
        declared = await declare(world, judged, details=INTEREST)
        rival = str(judged.bids[1].id)
        restricted = await decide(
            world,
            judged,
            declared,
            decision="restrict",
            note="Only the rival",
            allowed_bid_ids=[rival],
        )
        assert restricted.json()["allowed_bid_ids"] == [rival]
        listed = (await world.get(f"{judged.path}/bids", "evaluator")).json()
        assert ([b["id"] for b in listed["items"]], listed["total"]) == ([rival], 1)
        assert (await world.get(f"{judged.path}/bids/{rival}", "evaluator")).status_code == 200
        await refused_with_restricted(world, judged)
        # Only the allowed bid is needed for a complete set.
        body = {"scores": [score("method", "4"), score("team", "6")]}
        assert (await world.put(judged.scores_path(1), "evaluator", body)).status_code == 200
        submitted = await world.post(f"{judged.path}/scores/submit", "evaluator")
        assert submitted.json()["submitted_count"] == 2

    async def test_a_removed_evaluator_sees_nothing_again(self, world: World) -> None:
        judged = await judged_tender(world)
        await assign(world, judged)
        declared = await declare(world, judged, details=INTEREST)
        removed = await decide(world, judged, declared, decision="remove", note="Too close")
        assert removed.json()["clearance"] == "removed"
        await refused_with(world, judged, "evaluator_removed")
        body = {"declaration": "no_interest", "version": removed.json()["version"]}
        error_of(
            await world.post(f"{judged.path}/declarations", "evaluator", body),
            403,
            "evaluator_removed",
        )


async def refused_with_restricted(world: World, judged: Judged) -> None:
    """Assert the supplier's bid (not allowed) is refused with bid_restricted."""
    bid = judged.bids[0]
    for response in [
        await world.get(f"{judged.path}/bids/{bid.id}", "evaluator"),
        await world.get(judged.scores_path(0), "evaluator"),
        await world.put(judged.scores_path(0), "evaluator", {"scores": [score("method", "3")]}),
    ]:
        error_of(response, 403, "bid_restricted")


class TestDeclaring:
    """What a declaration must say, and when it can be made."""

    async def test_an_interest_must_be_described(self, world: World) -> None:
        judged = await judged_tender(world)
        created = await assign(world, judged)
        body = {"declaration": "interest", "interest_details": "   ", "version": created["version"]}
        errors = field_errors(await world.post(f"{judged.path}/declarations", "evaluator", body))
        assert set(errors) == {"interest_details"}

    async def test_only_no_interest_or_interest_can_be_declared(self, world: World) -> None:
        judged = await judged_tender(world)
        await assign(world, judged)
        body = {"declaration": "not_declared", "version": 1}
        errors = field_errors(await world.post(f"{judged.path}/declarations", "evaluator", body))
        assert set(errors) == {"declaration"}

    async def test_a_stale_declaration_is_refused(self, world: World) -> None:
        judged = await judged_tender(world)
        await assign(world, judged)
        await declare(world, judged)
        body = {"declaration": "interest", "interest_details": INTEREST, "version": 1}
        error_of(
            await world.post(f"{judged.path}/declarations", "evaluator", body), 409, "stale_version"
        )

    async def test_declaring_an_interest_again_sends_it_back_to_the_lead(
        self, world: World
    ) -> None:
        judged = await judged_tender(world)
        await assign(world, judged)
        declared = await declare(world, judged, details=INTEREST)
        await decide(world, judged, declared, decision="allow", note="Not material")
        again = await declare(world, judged, details=INTEREST + " and a shareholder")
        assert (again["clearance"], again["decision"], again["decision_note"]) == (
            "awaiting_decision",
            None,
            None,
        )
        trail = await audit_trail(world, again["id"])
        assert [e.action for e in trail] == ["assign", "declare", "decide", "declare"]
        assert (trail[-1].before["decision"], trail[-1].after["decision"]) == ("allow", None)

    async def test_an_unassigned_evaluator_cannot_declare(self, world: World) -> None:
        judged = await judged_tender(world)
        body = {"declaration": "no_interest", "version": 1}
        error_of(
            await world.post(f"{judged.path}/declarations", "evaluator", body), 403, "not_assigned"
        )

    @pytest.mark.parametrize(
        ("status", "code"),
        [(TenderStatus.OPEN, "tender_not_closed"), (TenderStatus.AWARDED, "tender_awarded")],
    )
    async def test_declarations_are_made_while_the_bids_are_evaluated(
        self, world: World, status: TenderStatus, code: str
    ) -> None:
        judged = await judged_tender(world, TenderStatus.OPEN)
        created = await assign(world, judged)
        async with world.sessions() as session:
            await session.execute(
                sa.update(Tender).where(col(Tender.id) == judged.tender.id).values(status=status)
            )
            await session.commit()
        body = {"declaration": "no_interest", "version": created["version"]}
        error_of(await world.post(f"{judged.path}/declarations", "evaluator", body), 409, code)

    async def test_a_declaration_is_fixed_once_the_scores_are_submitted(self, world: World) -> None:
        judged = await judged_tender(world)
        await assign(world, judged)
        declared = await declare(world, judged)
        await score_all_and_submit(world, judged)
        current = (await world.get(f"{judged.path}/declarations", "evaluator")).json()[0]
        assert current["version"] > declared["version"]
        body = {
            "declaration": "interest",
            "interest_details": INTEREST,
            "version": current["version"],
        }
        error_of(
            await world.post(f"{judged.path}/declarations", "evaluator", body),
            409,
            "scores_submitted",
        )

    async def test_an_evaluator_lists_only_their_own_declaration(self, world: World) -> None:
        await world.add_user("second", Role.EVALUATOR)
        judged = await judged_tender(world)
        await assign(world, judged)
        await assign(world, judged, "second")
        await declare(world, judged, "second", details=INTEREST)
        own = (await world.get(f"{judged.path}/declarations", "evaluator")).json()
        assert [(d["user_id"], d["interest_details"]) for d in own] == [
            (str(world.users["evaluator"].id), None)
        ]
        everyone = (await world.get(f"{judged.path}/declarations", "procurement")).json()
        assert {d["interest_details"] for d in everyone} == {None, INTEREST}


class TestDeciding:
    """The lead's decision on a declared interest needs a reason, and bids for a restriction."""

    async def _interest(self, world: World) -> tuple[Judged, dict[str, Any]]:
        judged = await judged_tender(world)
        await assign(world, judged)
        return judged, await declare(world, judged, details=INTEREST)

    async def test_the_note_is_mandatory(self, world: World) -> None:
        judged, declared = await self._interest(world)
        response = await decide(world, judged, declared, decision="allow", note=" ")
        assert set(field_errors(response)) == {"note"}

    @pytest.mark.parametrize("bids", ["none", "foreign", "unknown"])
    async def test_a_restriction_names_bids_of_this_tender(self, world: World, bids: str) -> None:
        judged, declared = await self._interest(world)
        if bids == "foreign":
            elsewhere = await judged_tender(world)
            allowed = [str(elsewhere.bids[0].id)]
        else:
            allowed = [] if bids == "none" else [str(uuid.uuid4())]
        response = await decide(
            world, judged, declared, decision="restrict", note="Part", allowed_bid_ids=allowed
        )
        assert set(field_errors(response)) == {"allowed_bid_ids"}

    async def test_only_a_restriction_names_bids(self, world: World) -> None:
        judged, declared = await self._interest(world)
        response = await decide(
            world,
            judged,
            declared,
            decision="allow",
            note="Fine",
            allowed_bid_ids=[str(judged.bids[0].id)],
        )
        assert set(field_errors(response)) == {"allowed_bid_ids"}

    async def test_no_decision_is_taken_without_a_declared_interest(self, world: World) -> None:
        judged = await judged_tender(world)
        await assign(world, judged)
        declared = await declare(world, judged)
        response = await decide(world, judged, declared, decision="allow", note="Fine")
        error_of(response, 409, "no_interest_declared")

    async def test_a_stale_decision_is_refused(self, world: World) -> None:
        judged, declared = await self._interest(world)
        await decide(world, judged, declared, decision="allow", note="Fine")
        response = await decide(world, judged, declared, decision="remove", note="On reflection")
        error_of(response, 409, "stale_version")

    async def test_a_decision_is_audited_and_changes_the_evaluation_inputs(
        self, world: World
    ) -> None:
        judged, declared = await self._interest(world)
        await decide(world, judged, declared, decision="remove", note="Too close")
        event = (await audit_trail(world, str(declared["id"])))[-1]
        assert (event.action, event.after["decision"], event.after["decision_note"]) == (
            "decide",
            "remove",
            "Too close",
        )
        async with world.sessions() as session:
            tender = await session.get(Tender, judged.tender.id)
            assert tender is not None and tender.evaluation_version == 2
