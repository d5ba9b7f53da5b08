"""The database rows become the engine's inputs faithfully, in a fixed number of queries."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from procurement.domain.roles import Role
from procurement.models.base import utc_now
from procurement.services.engine_inputs import load_engine_inputs
from procurement.services.evaluation import current_result
from scoring.bids import Commitment
from tests.factories import make_bid, make_measure, make_scores, make_supplier, make_user
from tests.integration.evaluation_support import worked_tender
from tests.integration.support import Council


@contextmanager
def counted_statements(engine: AsyncEngine) -> Iterator[list[str]]:
    """The SQL statements run on the engine inside the block."""
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)


async def test_the_hand_worked_tender_scores_as_worked_by_hand(
    session: AsyncSession, council: Council
) -> None:
    worked = await worked_tender(session, council)
    result = await current_result(session, worked.tender)
    alpha, beta = result.bid(str(worked.alpha.id)), result.bid(str(worked.beta.id))
    assert [b.supplier_name for b in result.bids] == ["Alpha Ltd", "Beta Ltd"]
    assert (alpha.total, alpha.rank, beta.total, beta.rank) == (Decimal(88), 1, Decimal(80), 2)
    assert [alpha.group("price").points, alpha.group("quality").points] == [60, 28]
    assert [beta.group("price").points, beta.group("quality").points] == [48, 32]
    assert beta.criterion("method").explanation.startswith("Moderated score 8.00")
    assert alpha.criterion("method").explanation.startswith("Mean of the 2 evaluators' scores")
    assert alpha.flags == beta.flags == ()  # Beta's wide spread was moderated
    assert result.winner_id == str(worked.alpha.id)


async def test_only_submitted_scores_of_evaluators_still_taking_part_reach_the_engine(
    session: AsyncSession, council: Council
) -> None:
    worked = await worked_tender(session, council)
    inputs = await load_engine_inputs(session, worked.tender)
    by_id = {bid.bid_id: bid for bid in inputs.bids}
    alpha, beta = by_id[str(worked.alpha.id)], by_id[str(worked.beta.id)]
    assert set(by_id) == {str(worked.alpha.id), str(worked.beta.id)}  # not the withdrawn one
    assert sorted(alpha.judgement_scores["method"]) == [Decimal("6.5"), Decimal("7.5")]
    assert sorted(beta.judgement_scores["method"]) == [Decimal(5), Decimal(9)]
    assert (alpha.moderated_scores, beta.moderated_scores) == ({}, {"method": Decimal(8)})
    assert (alpha.is_local, beta.is_local) == (True, False)
    assert (alpha.price, alpha.supplier_name, alpha.submitted_at) == (
        Decimal("10000.00"),
        "Alpha Ltd",
        worked.alpha.received_at,
    )


async def test_answers_commitments_and_exclusions_reach_the_engine_exactly(
    session: AsyncSession, council: Council
) -> None:
    worked = await worked_tender(session, council)
    worked.alpha.metric_answers = {"local-spend": "62.5"}
    worked.alpha.pass_fail_answers = {"insured": True}
    worked.alpha.commitments = [{"measure_code": "JOB-LOCAL", "quantity": "2.5"}]
    worked.beta.excluded_reason = "Submitted by email after the deadline"
    await session.commit()
    inputs = await load_engine_inputs(session, worked.tender)
    by_id = {bid.bid_id: bid for bid in inputs.bids}
    alpha, beta = by_id[str(worked.alpha.id)], by_id[str(worked.beta.id)]
    assert alpha.metric_answers == {"local-spend": Decimal("62.5")}
    assert alpha.pass_fail_answers == {"insured": True}
    assert alpha.commitments == (Commitment("JOB-LOCAL", Decimal("2.5")),)
    assert (alpha.excluded_reason, beta.excluded_reason) == (
        None,
        "Submitted by email after the deadline",
    )


async def test_the_catalogue_is_valued_on_the_tenders_valuation_date(
    session: AsyncSession, council: Council
) -> None:
    worked = await worked_tender(session, council)
    worked.tender.measure_values_on = date(2026, 5, 1)
    await session.commit()
    await make_measure(
        session,
        council.organisation,
        "JOB-LOCAL",
        [("100", date(2025, 4, 1)), ("120", date(2026, 4, 1)), ("150", date(2026, 6, 1))],
    )
    inputs = await load_engine_inputs(session, worked.tender)
    assert inputs.catalogue["JOB-LOCAL"].value_per_unit == Decimal(120)


async def test_loading_takes_the_same_queries_however_many_bids_and_scores(
    engine: AsyncEngine, session: AsyncSession, council: Council
) -> None:
    worked = await worked_tender(session, council)
    with counted_statements(engine) as few:
        await load_engine_inputs(session, worked.tender)
    evaluator = await make_user(session, council.organisation, Role.EVALUATOR)
    for n in range(6):
        supplier = await make_supplier(session, council.organisation, postcode="NE1 4ST")
        bid = await make_bid(session, worked.tender, supplier, council.officer_user, f"{n}1000")
        await make_scores(session, bid, evaluator, {"method": "5"})
    with counted_statements(engine) as many:
        inputs = await load_engine_inputs(session, worked.tender)
    assert len(inputs.bids) == 8
    assert len(many) == len(few) <= 5


async def test_received_time_is_the_submission_time_the_tie_break_uses(
    session: AsyncSession, council: Council
) -> None:
    worked = await worked_tender(session, council)
    worked.beta.received_at = utc_now() - timedelta(hours=1)
    await session.commit()
    inputs = await load_engine_inputs(session, worked.tender)
    assert [bid.bid_id for bid in inputs.bids] == [str(worked.beta.id), str(worked.alpha.id)]
    assert inputs.bids[0].submitted_at == worked.beta.received_at
