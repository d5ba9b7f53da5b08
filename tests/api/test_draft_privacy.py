"""An evaluator's draft scores are seen by nobody else until the set is submitted: not in the
audit trail, the timeline, the scores, the moderation, the evaluation or the reports."""

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from procurement.domain.roles import Role
from tests.api.conftest import World
from tests.api.evaluation import Judged, cleared, judged_tender, score, score_all_and_submit
from tests.api.test_evaluation_report import download
from tests.integration.report_support import poppler
from tests.web.test_page_responses import sign_in

# The first evaluator submits 3 for method and 7.5 for team on both bids, "Well evidenced";
# the second has only drafts, on the first bid, that would move every figure if they counted.
SUBMITTED_RATIONALE = "Well evidenced"
DRAFT_RATIONALE = "Unconvinced by the phasing plan, to discuss"
DRAFT_METHOD, DRAFT_TEAM = "5", "1.25"


@pytest.fixture
async def drafted(world: World) -> Judged:
    """A tender one evaluator has submitted and a second has only drafted."""
    judged = await judged_tender(world)
    await cleared(world, judged)
    await score_all_and_submit(world, judged)
    await world.add_user("drafter", Role.EVALUATOR)
    await cleared(world, judged, "drafter")
    body = {"scores": [score("method", DRAFT_METHOD, DRAFT_RATIONALE), score("team", DRAFT_TEAM)]}
    saved = await world.put(judged.scores_path(0), "drafter", body)
    assert saved.status_code == 200, saved.text
    return judged


async def _body(world: World, path: str, actor: str = "procurement") -> Any:
    response = await world.get(path, actor)
    assert response.status_code == 200, response.text
    return response.json()


def _draft_free(text: str) -> None:
    assert DRAFT_RATIONALE not in text


@pytest.mark.parametrize("reader", ["admin", "procurement"])
async def test_the_trail_records_the_draft_save_with_digests_only(
    world: World, drafted: Judged, reader: str
) -> None:
    trail = await world.get("/audit", reader, tender_id=str(drafted.tender.id))

    assert trail.status_code == 200, trail.text
    _draft_free(trail.text)
    drafts = [
        e
        for e in trail.json()["items"]
        if e["action"] == "save_draft_scores" and e["actor_id"] == str(world.users["drafter"].id)
    ]
    assert len(drafts) == 1
    saved = drafts[0]["after"]["scores"]
    assert set(saved) == {"method", "team"}
    assert {key for s in saved.values() for key in s} == {
        "id",
        "bid_id",
        "evaluator_id",
        "criterion_key",
        "version",
        "contents_sha256",
    }


async def test_the_timeline_page_shows_no_draft(world: World, drafted: Judged) -> None:
    await sign_in(world.client, world.users["procurement"].email, "/")

    page = await world.client.get(f"/tenders/{drafted.tender.id}/timeline")

    assert page.status_code == 200
    assert "Saved draft scores for method, team" in page.text
    _draft_free(page.text)


async def test_only_the_author_reads_the_drafts_among_the_scores(
    world: World, drafted: Judged
) -> None:
    path = drafted.scores_path(0)
    drafter = world.users["drafter"].id

    for reader in ("procurement", "admin", "evaluator"):
        scores = (await _body(world, path, reader))["scores"]
        assert {s["evaluator_id"] for s in scores} == {str(world.users["evaluator"].id)}, reader
        _draft_free(str(scores))
    own = (await _body(world, path, "drafter"))["scores"]
    assert [(s["evaluator_id"], s["rationale"]) for s in own if s["criterion_key"] == "method"] == [
        (str(drafter), DRAFT_RATIONALE)
    ]


async def test_the_moderation_and_the_evaluation_count_only_submitted_scores(
    world: World, drafted: Judged
) -> None:
    moderation = await _body(world, f"{drafted.path}/moderation")
    evaluation = await _body(world, f"{drafted.path}/evaluation")

    _draft_free(str(moderation))
    items = {
        (i["bid_id"], i["criterion_key"]): i
        for i in moderation["items"]
        if i["bid_id"] == str(drafted.bids[0].id)
    }
    assert {key: (len(i["scores"]), Decimal(i["mean"])) for key, i in items.items()} == {
        (str(drafted.bids[0].id), "method"): (1, Decimal("3")),
        (str(drafted.bids[0].id), "team"): (1, Decimal("7.5")),
    }
    first = next(b for b in evaluation["bids"] if b["bid_id"] == str(drafted.bids[0].id))
    raw = {c["criterion_key"]: Decimal(c["raw"]) for c in first["criteria"] if c["raw"]}
    assert (raw["method"], raw["team"]) == (Decimal("3"), Decimal("7.5"))


async def test_the_evaluation_report_and_assessment_summary_show_no_draft(
    world: World, drafted: Judged, tmp_path: Path
) -> None:
    evaluation = await _body(world, f"{drafted.path}/evaluation")
    first = next(b for b in evaluation["bids"] if b["bid_id"] == str(drafted.bids[0].id))
    total = f"{Decimal(first['total']):.2f}"  # of the submitted scores only, as shown above

    report = await download(world, drafted, tmp_path, "procurement")
    summary = await world.get(
        f"{drafted.path}/bids/{drafted.bids[0].id}/assessment-summary.pdf", "procurement"
    )

    assert SUBMITTED_RATIONALE in report.text  # submitted rationales are reported
    _draft_free(report.text)
    assert total in report.text
    assert summary.status_code == 200, summary.text
    summary_text = " ".join(poppler("pdftotext", summary.content, tmp_path, "-raw").split())
    _draft_free(summary_text)
    assert total in summary_text
