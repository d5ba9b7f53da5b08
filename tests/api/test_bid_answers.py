"""Bids answer exactly what the tender's criteria ask, and keep the numbers exactly as sent."""

from datetime import date
from typing import Any

import pytest

from procurement.domain.lifecycle import TenderStatus
from procurement.models import Tender
from tests.api.conftest import World, error_of, field_errors
from tests.factories import asking_everything, make_measure

ANSWERS: dict[str, Any] = {
    "metric_answers": {"local-spend": "62.50"},
    "pass_fail_answers": {"insured": True},
    "quality_responses": {"method": "Phased, with the building open throughout."},
    "commitments": [{"measure_code": "job-local", "quantity": "2.5"}],
}


def bid_body(price: str = "95000.00", **changes: Any) -> dict[str, Any]:
    """A bid answering every question of `asking_everything`, with any part replaced."""
    return {"price": price, **ANSWERS, **changes}


@pytest.fixture
async def tender(world: World) -> Tender:
    """An open tender asking for every kind of answer, with JOB-LOCAL and VOL-HOUR catalogued."""
    async with world.sessions() as session:
        for code, value in [("JOB-LOCAL", "36480.00"), ("VOL-HOUR", "17.00")]:
            await make_measure(session, world.organisation, code, [(value, date(2025, 4, 1))])
    return await world.tender(TenderStatus.OPEN, criteria=asking_everything())


def bids_of(tender: Tender) -> str:
    """The bids path of a tender."""
    return f"/tenders/{tender.id}/bids"


async def test_a_supplier_is_told_exactly_what_to_answer(world: World, tender: Tender) -> None:
    response = await world.get(f"/tenders/{tender.id}/criteria/requirements", "supplier")
    assert response.status_code == 200
    asked = response.json()
    assert [(q["key"], q["unit"], q["direction"]) for q in asked["metric_questions"]] == [
        ("local-spend", "%", "higher_is_better")
    ]
    assert [(q["key"], q["question"]) for q in asked["pass_fail_questions"]] == [
        ("insured", "Are you insured?")
    ]
    [quality] = asked["quality_questions"]
    assert (quality["key"], quality["scale_maximum"], len(quality["levels"])) == ("method", "5", 2)
    assert [(m["code"], m["unit"], m["value_per_unit"]) for m in asked["measures"]] == [
        ("JOB-LOCAL", "hour", "36480.00")
    ]


async def test_answers_are_kept_exactly_and_shown_to_their_supplier(
    world: World, tender: Tender
) -> None:
    created = await world.create(bids_of(tender), "supplier", bid_body())
    for bid in [
        created,
        (await world.get(f"{bids_of(tender)}/{created['id']}", "supplier")).json(),
    ]:
        assert bid["metric_answers"] == {"local-spend": "62.50"}
        assert bid["pass_fail_answers"] == {"insured": True}
        assert bid["quality_responses"] == ANSWERS["quality_responses"]
        assert bid["commitments"] == [{"measure_code": "JOB-LOCAL", "quantity": "2.5"}]


async def test_sealed_receipts_show_no_answers(world: World, tender: Tender) -> None:
    await world.create(bids_of(tender), "supplier", bid_body())
    [receipt] = (await world.get(bids_of(tender), "procurement")).json()["items"]
    assert not {"metric_answers", "commitments", "quality_responses"} & set(receipt)


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"metric_answers": {}}, {"metric_answers.local-spend"}),
        ({"pass_fail_answers": {}}, {"pass_fail_answers.insured"}),
        ({"quality_responses": {"method": "   "}}, {"quality_responses.method"}),
        (
            {key: {} for key in ("metric_answers", "pass_fail_answers", "quality_responses")},
            {"metric_answers.local-spend", "pass_fail_answers.insured", "quality_responses.method"},
        ),
        (
            {"metric_answers": {"local-spend": "1", "carbon": "2"}, "pass_fail_answers": {
                "insured": True, "local-spend": False}},
            {"metric_answers.carbon", "pass_fail_answers.local-spend"},
        ),
        ({"commitments": [{"measure_code": "NOPE", "quantity": "1"}]},
         {"commitments.0.measure_code"}),
        ({"commitments": [{"measure_code": "JOB-LOCAL", "quantity": "1"}] * 2},
         {"commitments.1.measure_code"}),
    ],
    ids=["metric missing", "pass/fail missing", "quality blank", "all missing",
         "unasked questions", "unknown measure", "measure twice"],
)  # fmt: skip
async def test_a_bid_that_does_not_answer_the_tender_is_refused_naming_each_answer(
    world: World, tender: Tender, changes: dict[str, Any], fields: set[str]
) -> None:
    response = await world.post(bids_of(tender), "supplier", bid_body(**changes))
    assert set(field_errors(response)) == fields
    assert (await world.get(bids_of(tender), "supplier")).json()["total"] == 0


@pytest.mark.parametrize(
    ("commitment", "field"),
    [
        ({"measure_code": "JOB-LOCAL", "quantity": "0"}, "commitments.0.quantity"),
        ({"measure_code": "JOB-LOCAL", "quantity": "1.00001"}, "commitments.0.quantity"),
        ({"measure_code": "job local", "quantity": "1"}, "commitments.0.measure_code"),
    ],
    ids=["nothing", "too precise", "bad code"],
)
async def test_a_malformed_commitment_is_refused(
    world: World, tender: Tender, commitment: dict[str, str], field: str
) -> None:
    response = await world.post(bids_of(tender), "supplier", bid_body(commitments=[commitment]))
    assert set(field_errors(response)) == {field}


async def test_a_commitment_the_tender_did_not_ask_for_is_accepted(
    world: World, tender: Tender
) -> None:
    offered = [
        {"measure_code": "JOB-LOCAL", "quantity": "1"},
        {"measure_code": "VOL-HOUR", "quantity": "40"},  # catalogued, but not asked for
    ]
    bid = await world.create(bids_of(tender), "supplier", bid_body(commitments=offered))
    assert [c["measure_code"] for c in bid["commitments"]] == ["JOB-LOCAL", "VOL-HOUR"]


async def test_a_replacement_is_checked_and_replaces_the_answers(
    world: World, tender: Tender
) -> None:
    bid = await world.create(bids_of(tender), "supplier", bid_body())
    path = f"{bids_of(tender)}/{bid['id']}"
    refused = await world.put(path, "supplier", {**bid_body(metric_answers={}), "version": 1})
    assert set(field_errors(refused)) == {"metric_answers.local-spend"}
    changed = bid_body(metric_answers={"local-spend": "70"}, commitments=[])
    replaced = await world.put(path, "supplier", {**changed, "version": 1})
    assert replaced.status_code == 200
    assert (replaced.json()["metric_answers"], replaced.json()["commitments"]) == (
        {"local-spend": "70"},
        [],
    )


async def test_an_officer_records_a_bid_with_its_answers(world: World, tender: Tender) -> None:
    body = bid_body(supplier_id=str(world.rival.id))
    recorded = await world.create(bids_of(tender), "procurement", body)
    assert (recorded["channel"], recorded["metric_answers"]) == (
        "recorded",
        {"local-spend": "62.50"},
    )
    missing = bid_body(supplier_id=str(world.supplier.id), quality_responses={})
    assert set(field_errors(await world.post(bids_of(tender), "procurement", missing))) == {
        "quality_responses.method"
    }


async def test_a_tender_asking_only_the_price_takes_a_price_alone(world: World) -> None:
    plain = await world.tender(TenderStatus.OPEN)
    assert (await world.post(bids_of(plain), "supplier", {"price": "1.00"})).status_code == 201
    error_of(
        await world.post(bids_of(plain), "rival", {"price": "1.00", **ANSWERS}),
        422,
        "validation_error",
    )
