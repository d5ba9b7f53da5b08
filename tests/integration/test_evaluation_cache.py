"""The evaluation is computed once per input version and kept in the database, so every
worker serves the same result and none recomputes it needlessly."""

import asyncio
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from procurement.db import create_engine, session_factory
from procurement.models import EvaluationResultCache, Tender
from procurement.principal import Principal
from procurement.schemas.evaluation import BidExclusion, EvaluationRead
from procurement.services import evaluation as evaluation_module
from procurement.services.evaluation import EvaluationService
from procurement.services.exclusions import ExclusionService
from scoring.engine import evaluate
from scoring.results import FlagKind
from tests.factories import make_moderation
from tests.integration.evaluation_support import WorkedTender, worked_tender
from tests.integration.support import Council

RACERS = 6


def count_engine_runs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the engine's runs: one entry per call of `evaluate` from the service."""
    runs: list[int] = []

    def counted(*args: Any) -> Any:
        runs.append(1)
        return evaluate(*args)

    monkeypatch.setattr(evaluation_module, "evaluate", counted)
    return runs


async def read_in_new_session(engine: AsyncEngine, actor: Principal, tender: Tender) -> Any:
    """Read the evaluation as a separate request (its own session) would."""
    async with session_factory(engine)() as session:
        return await EvaluationService(session, actor).read(tender.id)


@pytest.fixture
async def worked(session: AsyncSession, council: Council) -> WorkedTender:
    """The hand-worked tender, with the setup session's transaction closed."""
    worked = await worked_tender(session, council)
    await session.close()  # SQLite: the setup session must not hold the write lock
    return worked


async def test_the_second_read_serves_the_stored_result_without_running_the_engine(
    engine: AsyncEngine, council: Council, worked: WorkedTender, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs = count_engine_runs(monkeypatch)
    first = await read_in_new_session(engine, council.officer, worked.tender)
    second = await read_in_new_session(engine, council.officer, worked.tender)
    assert len(runs) == 1
    assert second == first
    assert (second.input_version, second.computed_at) == (1, first.computed_at)


async def test_moderation_that_bumps_the_input_version_is_recomputed(
    engine: AsyncEngine, council: Council, worked: WorkedTender, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs = count_engine_runs(monkeypatch)
    before = await read_in_new_session(engine, council.officer, worked.tender)
    async with session_factory(engine)() as session:
        alpha = await session.merge(worked.alpha)
        await make_moderation(session, alpha, "method", "2", council.officer_user)
        tender = await session.get_one(Tender, worked.tender.id)
        tender.evaluation_inputs_changed()
        await session.commit()
    after = await read_in_new_session(engine, council.officer, worked.tender)
    assert len(runs) == 2
    assert (before.input_version, after.input_version) == (1, 2)
    assert after.computed_at > before.computed_at
    # Alpha's quality falls to 2 / 10 x 40 = 8.00: 68.00 in all, behind Beta's 80.00.
    assert [(b.supplier_name, b.total) for b in after.bids] == [
        ("Beta Ltd", 80),
        ("Alpha Ltd", 68),
    ]


async def test_an_exclusion_is_recomputed_with_the_bid_excluded_for_its_reason(
    engine: AsyncEngine, council: Council, worked: WorkedTender
) -> None:
    await read_in_new_session(engine, council.officer, worked.tender)
    async with session_factory(engine)() as session:
        await ExclusionService(session, council.officer).exclude(
            worked.tender.id, worked.alpha.id, BidExclusion(reason="Failed the credit check")
        )
    after = await read_in_new_session(engine, council.officer, worked.tender)
    alpha = next(b for b in after.bids if b.bid_id == worked.alpha.id)
    assert (after.input_version, after.winner_id) == (2, worked.beta.id)
    assert (alpha.rank, alpha.eligible) == (None, False)
    assert [(f.kind, f.message) for f in alpha.flags] == [
        (FlagKind.EXCLUDED, "Excluded: Failed the credit check")
    ]


async def test_two_app_instances_on_one_database_agree(
    any_database_url: str, council: Council, worked: WorkedTender, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs = count_engine_runs(monkeypatch)
    instances = [create_engine(any_database_url) for _ in range(2)]
    try:
        first = await read_in_new_session(instances[0], council.officer, worked.tender)
        second = await read_in_new_session(instances[1], council.admin, worked.tender)
    finally:
        for instance in instances:
            await instance.dispose()
    assert second == first
    assert len(runs) == 1


async def test_workers_racing_to_store_the_same_version_all_succeed_and_one_row_is_kept(
    any_database_url: str, engine: AsyncEngine, council: Council, worked: WorkedTender
) -> None:
    workers = [create_engine(any_database_url) for _ in range(RACERS)]
    try:
        reads: list[EvaluationRead] = await asyncio.gather(
            *(read_in_new_session(w, council.officer, worked.tender) for w in workers)
        )
    finally:
        for worker in workers:
            await worker.dispose()
    assert {(r.input_version, r.winner_id) for r in reads} == {(1, worked.alpha.id)}
    assert len({tuple(b.total for b in r.bids) for r in reads}) == 1
    async with session_factory(engine)() as session:
        rows = (await session.scalars(sa.select(EvaluationResultCache))).all()
    assert [(row.tender_id, row.input_version) for row in rows] == [(worked.tender.id, 1)]


async def test_an_older_result_never_replaces_a_newer_one(
    engine: AsyncEngine, council: Council, worked: WorkedTender
) -> None:
    async with session_factory(engine)() as session:
        tender = await session.get_one(Tender, worked.tender.id)
        tender.evaluation_inputs_changed()
        await session.commit()
    newer = await read_in_new_session(engine, council.officer, worked.tender)
    # A worker still holding the tender as it was at version 1 computes and tries to store.
    async with session_factory(engine)() as session:
        stale = await session.get_one(Tender, worked.tender.id)
        stale.evaluation_version = 1
        await evaluation_module.current_evaluation(session, stale)
        session.expunge(stale)  # the stale version is never written back
        await session.commit()
    async with session_factory(engine)() as session:
        row = await session.get_one(EvaluationResultCache, worked.tender.id)
    assert (row.input_version, row.computed_at) == (2, newer.computed_at)
