"""GET /tenders/{id}/report.pdf: the whole evaluation on record, DRAFT until the award."""

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from procurement.domain.lifecycle import TenderStatus
from tests.api.conftest import World, error_of
from tests.api.evaluation import Judged, assign, declare, judged_tender, score
from tests.integration.report_support import poppler

RATIONALE = "Clear phasing plan with named supervisors"
INTEREST = "Former colleague of a director at Acme Lighting"
DECISION_NOTE = "The colleague left Acme in 2019; not material"
MODERATION_NOTE = "Agreed at the moderation meeting on the phasing evidence"


@dataclass(frozen=True)
class Report:
    """A report's download name and its text, whitespace runs made single spaces."""

    filename: str
    text: str
    pdf: bytes


def report_of(judged: Judged) -> str:
    """The report path of a tender."""
    return f"{judged.path}/report.pdf"


async def download(world: World, judged: Judged, tmp_path: Path, actor: str) -> Report:
    """Download the report as the actor; assert it is a PDF attachment."""
    response = await world.get(report_of(judged), actor)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    found = re.fullmatch(r'attachment; filename="(.+)"', response.headers["content-disposition"])
    assert found is not None
    # -raw reads in content order, so a table cell's text stays together.
    text = re.sub(r"\s+", " ", poppler("pdftotext", response.content, tmp_path, "-raw"))
    return Report(found[1], text, response.content)


async def evaluated(world: World) -> Judged:
    """A closed tender with two bids, scored by an evaluator who declared an interest the lead
    allowed, and one score moderated."""
    judged = await judged_tender(world)
    await assign(world, judged)
    declared = await declare(world, judged, details=INTEREST)
    decision = {"decision": "allow", "note": DECISION_NOTE, "version": declared["version"]}
    path = f"{judged.path}/declarations/{declared['id']}/decision"
    assert (await world.post(path, "procurement", decision)).status_code == 200
    for index in (0, 1):
        body = {"scores": [score("method", "3", RATIONALE), score("team", "7.5")]}
        assert (await world.put(judged.scores_path(index), "evaluator", body)).status_code == 200
    assert (await world.post(f"{judged.path}/scores/submit", "evaluator")).status_code == 200
    moderation = {
        "bid_id": str(judged.bids[0].id),
        "criterion_key": "method",
        "value": "4",
        "note": MODERATION_NOTE,
    }
    assert (await world.put(f"{judged.path}/moderation", "procurement", moderation)).is_success
    return judged


async def award(world: World, judged: Judged) -> None:
    """Award the tender to the bid ranked first."""
    result = (await world.get(f"{judged.path}/evaluation", "procurement")).json()
    body = {
        "bid_id": result["winner_id"],
        "decision_date": date.today().isoformat(),
        "rationale": "The highest score on the published criteria",
        "justification": "Every flag was reviewed at moderation",
    }
    assert (await world.post(f"{judged.path}/award", "procurement", body)).status_code == 201


async def test_the_report_sets_out_the_whole_evaluation(world: World, tmp_path: Path) -> None:
    judged = await evaluated(world)
    report = await download(world, judged, tmp_path, "procurement")
    safe_reference = judged.tender.reference.lower().replace("/", "-")
    assert report.filename == f"{safe_reference}-evaluation-report.pdf"
    text = report.text
    assert judged.tender.reference in text
    assert judged.tender.title in text
    for criterion in ("Price", "Method", "Team", "Local"):
        assert criterion in text
    for supplier in ("Acme Lighting Ltd", "Borough Builders Ltd"):
        assert supplier in text
    # The engine's sentences, the evaluator's reasons, the consensus and the declaration.
    assert "Moderated score 4.00" in text
    assert "Lowest price £80,000.00 / this bid £95,000.00" in text
    assert RATIONALE in text
    assert MODERATION_NOTE in text
    assert INTEREST in text
    assert DECISION_NOTE in text
    # The appendix: the tender's audit trail.
    assert "Appendix: audit trail" in text
    assert "Submitted 4 scores" in text
    assert "DRAFT" in text
    assert "Not yet awarded" in text


async def test_the_report_is_tagged_and_titled(world: World, tmp_path: Path) -> None:
    judged = await evaluated(world)
    report = await download(world, judged, tmp_path, "admin")
    info = poppler("pdfinfo", report.pdf, tmp_path)
    assert re.search(r"^Tagged:\s+yes$", info, re.MULTILINE)
    assert f"Evaluation report: {judged.tender.reference}" in info


async def test_after_the_award_the_report_is_final_with_the_standstill_date(
    world: World, tmp_path: Path
) -> None:
    judged = await evaluated(world)
    await award(world, judged)
    text = (await download(world, judged, tmp_path, "procurement")).text
    assert "DRAFT" not in text
    assert "Standstill period ends" in text
    assert "The highest score on the published criteria" in text
    assert "Every flag was reviewed at moderation" in text


@pytest.mark.parametrize("actor", ["evaluator", "finance", "supplier"])
async def test_only_officers_and_administrators_get_the_report(world: World, actor: str) -> None:
    judged = await evaluated(world)
    error_of(await world.get(report_of(judged), actor), 403, "role_forbidden")


async def test_there_is_no_report_while_the_bids_are_sealed(world: World) -> None:
    judged = await judged_tender(world, TenderStatus.OPEN)
    error_of(await world.get(report_of(judged), "procurement"), 409, "tender_not_closed")


async def test_another_organisations_tender_has_no_report(world: World) -> None:
    tender = await world.tender(TenderStatus.CLOSED, other=True)
    error_of(await world.get(f"/tenders/{tender.id}/report.pdf", "procurement"), 404, "not_found")
