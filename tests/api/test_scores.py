"""Evaluators score alone, with a reason for every score, then submit their set for good."""

from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import col

from procurement.domain.lifecycle import TenderStatus
from procurement.domain.roles import Role
from procurement.models import Bid, Score, Tender
from procurement.schemas.bid import BidStatus
from tests.api.conftest import World, error_of, field_errors
from tests.api.evaluation import (
    Judged,
    assign,
    audit_trail,
    cleared,
    declare,
    judged_tender,
    score,
    score_all_and_submit,
)


async def _tender_row(world: World, judged: Judged) -> Tender:
    async with world.sessions() as session:
        tender = await session.get(Tender, judged.tender.id)
        assert tender is not None
        return tender


async def _save(world: World, judged: Judged, *scores: dict[str, Any], bid: int = 0) -> Any:
    return await world.put(judged.scores_path(bid), "evaluator", {"scores": list(scores)})


@pytest.fixture
async def judged(world: World) -> Judged:
    """A closed tender whose evaluator (scoring every group) has declared no interest."""
    judged = await judged_tender(world)
    await cleared(world, judged)
    return judged


class TestSavingDrafts:
    """Drafts are saved all together or not at all."""

    async def test_the_first_draft_begins_the_evaluation(
        self, world: World, judged: Judged
    ) -> None:
        response = await _save(world, judged, score("method", "3"), score("team", "7.25"))
        body = response.json()
        assert response.status_code == 200, body
        assert [(s["criterion_key"], s["value"], s["submitted_at"]) for s in body["scores"]] == [
            ("method", "3.00", None),
            ("team", "7.25", None),
        ]
        assert (await _tender_row(world, judged)).status is TenderStatus.EVALUATING
        [event] = await audit_trail(world, str(judged.bids[0].id))
        assert event.action == "save_draft_scores"
        assert (event.before["tender_status"], event.after["tender_status"]) == (
            "closed",
            "evaluating",
        )
        assert set(event.after["scores"]) == {"method", "team"}

    async def test_a_draft_is_revised_with_the_version_read(
        self, world: World, judged: Judged
    ) -> None:
        first = (await _save(world, judged, score("method", "3"))).json()["scores"][0]
        revised = await _save(world, judged, score("method", "4", "Better", first["version"]))
        assert [(s["value"], s["rationale"], s["version"]) for s in revised.json()["scores"]] == [
            ("4.00", "Better", 2)
        ]
        trail = await audit_trail(world, str(judged.bids[0].id))
        # The trail keeps a digest of each draft, never its value or rationale.
        was, now = trail[-1].before["scores"]["method"], trail[-1].after["scores"]["method"]
        assert (was["version"], now["version"]) == (1, 2)
        assert len(was["contents_sha256"]) == 64
        assert was["contents_sha256"] != now["contents_sha256"]
        assert not {"value", "rationale"} & (set(was) | set(now))

    async def test_a_stale_save_changes_nothing(self, world: World, judged: Judged) -> None:
        first = (await _save(world, judged, score("method", "3"))).json()["scores"][0]
        await _save(world, judged, score("method", "4", version=first["version"]))
        stale = await _save(
            world, judged, score("team", "9"), score("method", "1", version=first["version"])
        )
        error_of(stale, 409, "stale_version")
        unchanged = (await world.get(judged.scores_path(), "evaluator")).json()["scores"]
        assert [(s["criterion_key"], s["value"]) for s in unchanged] == [("method", "4.00")]

    async def test_a_new_score_is_sent_without_a_version(
        self, world: World, judged: Judged
    ) -> None:
        response = await _save(world, judged, score("method", "3", version=4))
        assert set(field_errors(response)) == {"scores.0.version"}

    @pytest.mark.parametrize(
        ("value", "message"),
        [
            ("6", "from 0 to 5"),
            ("2.5", "one of the scale's levels"),
            ("-1", "greater than or equal to 0"),
            ("3.125", "decimal places"),
        ],
    )
    async def test_a_value_must_be_on_the_scale(
        self, world: World, judged: Judged, value: str, message: str
    ) -> None:
        errors = field_errors(
            await _save(world, judged, score("team", "5"), score("method", value))
        )
        assert set(errors) == {"scores.1.value"}
        assert message in errors["scores.1.value"]

    async def test_a_scale_without_levels_takes_any_value_up_to_its_maximum(
        self, world: World, judged: Judged
    ) -> None:
        assert (await _save(world, judged, score("team", "9.99"))).status_code == 200
        errors = field_errors(await _save(world, judged, score("team", "10.01")))
        assert "from 0 to 10" in errors["scores.0.value"]

    async def test_every_score_needs_a_rationale(self, world: World, judged: Judged) -> None:
        errors = field_errors(await _save(world, judged, score("method", "3", rationale="  ")))
        assert set(errors) == {"scores.0.rationale"}

    @pytest.mark.parametrize("key", ["price", "local", "unknown"])
    async def test_only_judgement_criteria_are_scored(
        self, world: World, judged: Judged, key: str
    ) -> None:
        errors = field_errors(await _save(world, judged, score(key, "1")))
        assert set(errors) == {"scores.0.criterion_key"}

    async def test_only_criteria_in_the_evaluators_groups_are_scored(self, world: World) -> None:
        await world.add_user("pricer", Role.EVALUATOR)
        judged = await judged_tender(world)
        await assign(world, judged, "pricer", groups=["price"])
        await declare(world, judged, "pricer")
        body = {"scores": [score("method", "3")]}
        errors = field_errors(await world.put(judged.scores_path(), "pricer", body))
        assert set(errors) == {"scores.0.criterion_key"}

    async def test_a_withdrawn_bid_is_not_scored(self, world: World, judged: Judged) -> None:
        async with world.sessions() as session:
            await session.execute(
                sa.update(Bid)
                .where(col(Bid.id) == judged.bids[0].id)
                .values(status=BidStatus.WITHDRAWN)
            )
            await session.commit()
        error_of(await _save(world, judged, score("method", "3")), 409, "bid_withdrawn")

    @pytest.mark.parametrize(
        ("status", "code"),
        [
            (TenderStatus.OPEN, "tender_not_closed"),
            (TenderStatus.AWARDED, "tender_awarded"),
            (TenderStatus.CANCELLED, "tender_cancelled"),
        ],
    )
    async def test_scores_are_saved_only_while_the_tender_is_evaluated(
        self, world: World, judged: Judged, status: TenderStatus, code: str
    ) -> None:
        async with world.sessions() as session:
            await session.execute(
                sa.update(Tender).where(col(Tender.id) == judged.tender.id).values(status=status)
            )
            await session.commit()
        error_of(await _save(world, judged, score("method", "3")), 409, code)
        error_of(await world.post(f"{judged.path}/scores/submit", "evaluator"), 409, code)

    async def test_an_unknown_bid_is_not_found(self, world: World, judged: Judged) -> None:
        elsewhere = await judged_tender(world)
        path = f"{judged.path}/bids/{elsewhere.bids[0].id}/scores"
        body = {"scores": [score("method", "3")]}
        error_of(await world.put(path, "evaluator", body), 404, "not_found")


class TestSubmitting:
    """A set is submitted complete, once, and then never changes."""

    async def test_an_incomplete_set_names_what_is_missing(
        self, world: World, judged: Judged
    ) -> None:
        await _save(world, judged, score("method", "3"), score("team", "7"))
        response = await world.post(f"{judged.path}/scores/submit", "evaluator")
        missing = error_of(response, 409, "scores_incomplete")["extra"]["missing"]
        assert sorted((m["supplier_name"], m["criterion_key"]) for m in missing) == [
            ("Borough Builders Ltd", "method"),
            ("Borough Builders Ltd", "team"),
        ]

    async def test_a_complete_set_is_submitted_and_fixed(
        self, world: World, judged: Judged
    ) -> None:
        before = (await _tender_row(world, judged)).evaluation_version
        await score_all_and_submit(world, judged)
        async with world.sessions() as session:
            rows = list(await session.scalars(sa.select(Score)))
        assert len(rows) == 4 and all(row.submitted_at is not None for row in rows)
        assert (await _tender_row(world, judged)).evaluation_version == before + 1
        version = rows[0].version
        response = await _save(world, judged, score(rows[0].criterion_key, "1", version=version))
        error_of(response, 409, "scores_submitted")
        error_of(
            await world.post(f"{judged.path}/scores/submit", "evaluator"), 409, "scores_submitted"
        )
        async with world.sessions() as session:
            kept = await session.get(Score, rows[0].id)
            assert kept is not None and kept.value == rows[0].value
        own = (await world.get(f"{judged.path}/evaluators", "evaluator")).json()[0]
        assert own["scores_submitted_at"] is not None

    async def test_a_set_with_nothing_to_score_can_be_submitted(self, world: World) -> None:
        await world.add_user("pricer", Role.EVALUATOR)
        judged = await judged_tender(world)
        await assign(world, judged, "pricer", groups=["price"])
        await declare(world, judged, "pricer")
        response = await world.post(f"{judged.path}/scores/submit", "pricer")
        assert response.json()["submitted_count"] == 0


class TestWhoSeesWhichScores:
    """Nobody sees another's drafts; evaluators see others' scores only after submitting."""

    async def test_evaluators_see_only_their_own_until_they_submit(self, world: World) -> None:
        await world.add_user("second", Role.EVALUATOR)
        judged = await judged_tender(world)
        await cleared(world, judged)
        await cleared(world, judged, "second")
        await _save(world, judged, score("method", "2"))
        second = {"scores": [score("method", "5", "Excellent")]}
        assert (await world.put(judged.scores_path(), "second", second)).status_code == 200

        def seen(body: dict[str, Any]) -> list[tuple[str, str]]:
            return [(s["evaluator_name"], s["value"]) for s in body["scores"]]

        mine = (await world.get(judged.scores_path(), "evaluator")).json()
        first_name = world.users["evaluator"].full_name
        second_name = world.users["second"].full_name
        assert (seen(mine), mine["own_set_submitted"]) == ([(first_name, "2.00")], False)
        assert seen((await world.get(judged.scores_path(), "procurement")).json()) == []

        await score_all_and_submit(world, judged)
        # The other evaluator's draft stays hidden even now.
        own_set = [(first_name, "3.00"), (first_name, "7.50")]
        assert seen((await world.get(judged.scores_path(), "evaluator")).json()) == own_set
        await score_all_and_submit(world, judged, "second")
        after = (await world.get(judged.scores_path(), "evaluator")).json()
        assert sorted(seen(after)) == sorted(
            [*own_set, (second_name, "3.00"), (second_name, "7.50")]
        )
        lead = (await world.get(judged.scores_path(), "procurement")).json()
        assert len(lead["scores"]) == 4

    async def test_the_lead_reads_no_scores_while_the_bids_are_sealed(self, world: World) -> None:
        judged = await judged_tender(world, TenderStatus.OPEN)
        error_of(await world.get(judged.scores_path(), "procurement"), 409, "tender_not_closed")

    async def test_values_are_exact(self, world: World, judged: Judged) -> None:
        await _save(world, judged, score("team", "7.35"))
        async with world.sessions() as session:
            row = await session.scalar(sa.select(Score))
            assert row is not None and row.value == Decimal("7.35")


@pytest.mark.parametrize("body", [{}, {"scores": []}], ids=["no scores", "empty list"])
async def test_a_save_names_missing_scores_as_a_field(
    world: World, judged: Judged, body: dict[str, Any]
) -> None:
    assert set(field_errors(await world.put(judged.scores_path(), "evaluator", body))) == {"scores"}
