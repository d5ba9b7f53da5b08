"""The audit witness on each database: every audited record is proved against the state the
trail last recorded for it, and signed checkpoints catch a chain that was re-hashed or cut
short. Each tampering is done with plain SQL, as someone with database access could, on a
database that reached its state through the services; `procurement audit verify` and
`GET /api/v1/audit/verify` must both name it."""

import asyncio
import itertools
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlmodel import col

from procurement.app import create_app
from procurement.config import Settings
from procurement.db import session_factory
from procurement.domain.roles import Role
from procurement.models import (
    AuditChainHead,
    AuditCheckpoint,
    AuditEvent,
    Award,
    ModeratedScore,
    Publication,
    Score,
)
from procurement.services.audit import event_hash
from procurement.services.audit_checkpoints import keep_checkpointing, take_checkpoints
from procurement.services.audit_rows import recorded_states
from procurement.services.audit_verify import run_checks
from procurement.services.integrity import IntegrityFinding
from procurement.services.tenders import TenderService
from tests.cli.conftest import Cli
from tests.conftest import TEST_SECRET
from tests.factories import make_tender, token_for
from tests.integration.audit_journey import Journey, journey
from tests.integration.support import Council, make_council, tender_data

ORGANISATION = "Northborough Council"


@pytest.fixture
def settings(any_database_url: str, tmp_path: Path) -> Settings:
    """The service's settings on the test database (both backends)."""
    return Settings(database_url=any_database_url, secret_key=TEST_SECRET, data_dir=tmp_path)


@pytest.fixture
def cli(any_database_url: str, tmp_path: Path) -> Cli:
    """The command on the test database, with the same secret key as the service."""
    (tmp_path / "secret_key").write_text(TEST_SECRET)  # the development key file it reads
    return Cli(any_database_url, tmp_path)


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[AsyncTestClient[Litestar]]:
    """The application on the test database."""
    async with AsyncTestClient(app=create_app(settings)) as client:
        yield client


@dataclass(frozen=True)
class Verified:
    """What the command and the API said about the database."""

    output: str
    api: dict[str, Any]


async def _verified(
    session: AsyncSession, cli: Cli, client: AsyncTestClient[Litestar], story: Journey
) -> Verified:
    """Run `procurement audit verify` (it must fail) and the API as the council's admin."""
    admin = story.council.users[Role.ADMIN]
    token = await token_for(session, admin)
    output = await asyncio.to_thread(cli.refuses, "audit", "verify")
    response = await client.get(
        "/api/v1/audit/verify", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.text
    api: dict[str, Any] = response.json()
    assert api["intact"] is False
    return Verified(output, api)


def _named(verified: Verified, subject: str, problem: str) -> None:
    """Assert the command and the API both name the subject with the problem."""
    assert f"BROKEN: {subject}: {problem}" in verified.output
    found = [f for f in verified.api["findings"] if f["subject"] == subject]
    assert found, verified.api
    assert found[0]["problem"].startswith(problem)


async def _tamper(session: AsyncSession, statement: str, **values: object) -> None:
    """Change the database with plain SQL, as someone with database access could."""
    sql = sa.text(statement)
    if "id" in values:  # each database spells a UUID its own way
        sql = sql.bindparams(sa.bindparam("id", type_=sa.Uuid()))
    await session.execute(sql, values)
    await session.commit()


async def _publication_names_the_chain_head(
    session: AsyncSession, client: AsyncTestClient[Litestar], story: Journey
) -> None:
    """The publication recorded the head before its own event, in its page, its JSON file and
    the feed; and a checkpoint of the head after its event was signed at once."""
    organisation_id = story.council.organisation.id
    published = await _one(
        session,
        sa.select(AuditEvent)
        .where(col(AuditEvent.entity_type) == "publication")
        .execution_options(populate_existing=True),
    )
    before = await _one(
        session,
        sa.select(col(AuditEvent.hash)).where(
            col(AuditEvent.organisation_id) == organisation_id,
            col(AuditEvent.position) == published.position - 1,
        ),
    )
    head = {
        "organisation_id": str(organisation_id),
        "position": published.position - 1,
        "hash": before,
    }
    publication = await session.get(Publication, story.publication_id)
    assert publication is not None
    assert publication.snapshot["audit_chain"] == head
    checkpoints = list(await session.scalars(sa.select(AuditCheckpoint)))
    assert [(c.position, c.hash) for c in checkpoints] == [(published.position, published.hash)]
    path = f"/public/publications/{story.publication_id}"
    assert (await client.get(f"{path}.json")).json()["audit_chain"] == head
    page = (await client.get(path)).text
    assert f"had reached event {head['position']}, whose SHA-256 hash was" in page
    assert str(before) in page
    feed = (await client.get("/public/publications.atom")).text
    assert f"audit trail stood at event {head['position']}, hash {before}" in feed


async def _one(session: AsyncSession, statement: sa.Select[Any]) -> Any:
    return (await session.execute(statement)).scalar_one()


async def test_a_whole_journey_verifies_intact_with_every_record_on_the_trail(
    session: AsyncSession, settings: Settings, cli: Cli, client: AsyncTestClient[Litestar]
) -> None:
    story = await journey(session, settings)
    await _publication_names_the_chain_head(session, client, story)

    assert await run_checks(session, TEST_SECRET) == []
    recorded = {key.split(":")[0] for key in await recorded_states(session)}
    assert recorded == {
        "tender",
        "bid",
        "evaluator_assignment",
        "score",
        "moderated_score",
        "award",
        "capital_project",
        "publication",
    }
    token = await token_for(session, story.council.users[Role.ADMIN])  # commits
    output = await asyncio.to_thread(cli.succeeds, "audit", "verify")
    assert output.startswith("The audit trail is intact: 1 chain and ")
    response = await client.get(
        "/api/v1/audit/verify", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"intact": True, "findings": [], "elsewhere": 0}


async def test_records_changed_or_deleted_with_sql_are_each_named(
    session: AsyncSession, cli: Cli, client: AsyncTestClient[Litestar]
) -> None:
    story = await journey(session)
    score = await _one(  # scored 4, so that 100 (1.00 as stored) is a change
        session,
        sa.select(col(Score.id)).where(
            col(Score.bid_id) == story.winner_id, col(Score.criterion_key) == "method"
        ),
    )
    award = await _one(session, sa.select(col(Award.id)))
    moderated = await _one(session, sa.select(col(ModeratedScore.id)))
    changes = {
        f"score:{score}": "UPDATE score SET value = 100 WHERE id = :id",
        f"bid:{story.winner_id}": "UPDATE bid SET price = 100 WHERE id = :id",
        f"award:{award}": "UPDATE award SET rationale = 'Cheapest' WHERE id = :id",
        f"tender:{story.tender_id}": "UPDATE tender SET criteria = '{}' WHERE id = :id",
        f"bid:{story.excluded_id}": "UPDATE bid SET excluded_reason = NULL WHERE id = :id",
        f"capital_project:{story.project_id}": "UPDATE project_funding SET amount = 1 "
        "WHERE project_id = :id",
    }
    for key, statement in changes.items():
        await _tamper(session, statement, id=uuid.UUID(key.split(":")[1]))
    await _tamper(session, "DELETE FROM moderated_score")

    verified = await _verified(session, cli, client, story)

    for key in changes:
        _named(verified, key, "differs from the state recorded at event ")
    _named(verified, f"moderated_score:{moderated}", "deleted, but the trail last recorded it at")
    assert f"of {ORGANISATION} ({story.council.organisation.id})" in verified.output
    assert len(verified.api["findings"]) == len(changes) + 1
    assert "7 problems found (0 of 1 chains are broken)" in verified.output


async def test_a_changed_published_file_is_named_to_its_own_administrator(
    session: AsyncSession, cli: Cli, client: AsyncTestClient[Litestar], settings: Settings
) -> None:
    story = await journey(session, settings)
    publication = await session.get(Publication, story.publication_id)
    assert publication is not None
    await _tamper(
        session,
        "UPDATE publication_file SET content = :forged WHERE publication_id = :id AND kind = 'csv'",
        forged=b"code,name\r\n",
        id=publication.id,
    )

    verified = await _verified(session, cli, client, story)

    subject = f"csv file of publication {publication.id} ({publication.title}, version 1)"
    _named(verified, subject, "its bytes hash to ")
    assert verified.api["elsewhere"] == 0


async def _last_event(session: AsyncSession, organisation_id: uuid.UUID) -> AuditEvent:
    found: AuditEvent = await _one(
        session,
        sa.select(AuditEvent)
        .where(col(AuditEvent.organisation_id) == organisation_id)
        .order_by(col(AuditEvent.position).desc())
        .limit(1),
    )
    return found


async def _cut_back(session: AsyncSession, organisation_id: uuid.UUID, events: int) -> int:
    """Delete the chain's last events and move its head back to the one before: the chain
    itself still proves. Returns the position of the new head."""
    last = (await _last_event(session, organisation_id)).position
    keep = last - events
    kept = await _one(
        session,
        sa.select(col(AuditEvent.hash)).where(
            col(AuditEvent.organisation_id) == organisation_id, col(AuditEvent.position) == keep
        ),
    )
    await session.execute(
        sa.delete(AuditEvent).where(
            col(AuditEvent.organisation_id) == organisation_id, col(AuditEvent.position) > keep
        )
    )
    await session.execute(
        sa.update(AuditChainHead)
        .where(col(AuditChainHead.organisation_id) == organisation_id)
        .values(position=keep, hash=kept)
    )
    await session.commit()
    session.expunge_all()
    return keep


async def test_a_deleted_final_event_with_its_head_moved_back_is_caught_by_its_records(
    session: AsyncSession, cli: Cli, client: AsyncTestClient[Litestar]
) -> None:
    story = await journey(session)  # the scheme is made last
    organisation_id = story.council.organisation.id
    await _cut_back(session, organisation_id, 1)

    verified = await _verified(session, cli, client, story)

    _named(
        verified,
        f"capital_project:{story.project_id}",
        f"is not on the trail of {ORGANISATION} ({organisation_id})",
    )
    assert "(0 of 1 chains are broken)" in verified.output


async def _rehash_from(session: AsyncSession, organisation_id: uuid.UUID, position: int) -> None:
    """Rewrite the chain from an edited event on with the project's own hash, as a forger who
    read the code would, so that the chain proves itself again."""
    events = list(
        await session.scalars(
            sa.select(AuditEvent)
            .where(col(AuditEvent.organisation_id) == organisation_id)
            .order_by(col(AuditEvent.position))
        )
    )
    for previous, event in itertools.pairwise(events):
        if event.position == position:
            event.summary = "Nothing happened"
        if event.position >= position:
            event.previous_hash = previous.hash
            event.hash = event_hash(event)
    head = await session.get(AuditChainHead, organisation_id)
    assert head is not None
    head.hash = events[-1].hash
    await session.commit()


async def _saved_checkpoints(client: AsyncTestClient[Litestar], path: Path) -> Path:
    """The public checkpoint list, saved as anyone could."""
    response = await client.get("/public/audit/checkpoints")
    assert response.status_code == 200, response.text
    await asyncio.to_thread(path.write_text, response.text)
    return path


async def test_a_rehashed_chain_is_caught_by_its_checkpoints(
    session: AsyncSession, cli: Cli, client: AsyncTestClient[Litestar], tmp_path: Path
) -> None:
    story = await journey(session, capital=False)
    organisation_id = story.council.organisation.id
    [checkpoint] = await take_checkpoints(session, TEST_SECRET)
    saved = await _saved_checkpoints(client, tmp_path / "checkpoints.json")
    await _rehash_from(session, organisation_id, 3)
    session.expunge_all()

    verified = await _verified(session, cli, client, story)
    subject = (
        f"checkpoint {checkpoint.id} of organisation {organisation_id}, event {checkpoint.position}"
    )
    _named(verified, subject, f"event {checkpoint.position} now has hash ")

    # Even with the stored checkpoints gone too, the copy kept outside the database tells.
    await _tamper(session, "DELETE FROM audit_checkpoint")
    assert await run_checks(session, TEST_SECRET) == []
    await session.rollback()
    output = await asyncio.to_thread(cli.refuses, "audit", "verify", "--checkpoint", str(saved))
    assert (
        f"BROKEN: checkpoints.json: organisation {organisation_id}, event {checkpoint.position}: "
        f"event {checkpoint.position} now has hash "
    ) in output
    assert f"not {checkpoint.hash} as witnessed" in output


async def test_a_truncated_chain_is_caught_by_a_saved_list_of_heads(
    session: AsyncSession, cli: Cli, tmp_path: Path
) -> None:
    story = await journey(session, capital=False)
    organisation_id = story.council.organisation.id
    head = await session.get(AuditChainHead, organisation_id)
    assert head is not None
    position, witnessed = head.position, head.hash
    saved = tmp_path / "heads.json"
    saved.write_text(
        json.dumps(
            [{"organisation_id": str(organisation_id), "position": position, "hash": witnessed}]
        )
    )
    await session.rollback()  # the command waits for no transaction of this test
    intact = await asyncio.to_thread(cli.succeeds, "audit", "verify", "--checkpoint", str(saved))
    assert intact.startswith("The audit trail is intact")
    await _cut_back(session, organisation_id, 2)

    output = await asyncio.to_thread(cli.refuses, "audit", "verify", "--checkpoint", str(saved))

    assert (
        f"BROKEN: heads.json: organisation {organisation_id}, event {position}: "
        f"the chain no longer has event {position}"
    ) in output


async def test_a_checkpoint_file_that_is_not_one_is_refused(cli: Cli, tmp_path: Path) -> None:
    saved = tmp_path / "heads.json"
    saved.write_text('[{"organisation_id": "nobody", "position": 0}]')

    output = await asyncio.to_thread(cli.refuses, "audit", "verify", "--checkpoint", str(saved))

    assert "heads.json is neither the JSON of /public/audit/checkpoints nor a list" in output


async def test_the_public_checkpoints_need_no_sign_in_and_their_signatures_verify(
    session: AsyncSession, client: AsyncTestClient[Litestar]
) -> None:
    council = await make_council(session, ORGANISATION)
    await _a_tender(session, council)
    taken = await take_checkpoints(session, TEST_SECRET)
    assert await take_checkpoints(session, TEST_SECRET) == []  # nothing has moved since

    response = await client.get("/public/audit/checkpoints")

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["algorithm"] == "Ed25519"
    key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(body["public_key"]))
    [listed] = body["checkpoints"]
    assert (listed["organisation"], listed["position"]) == (ORGANISATION, taken[0].position)
    # The signed bytes, made as `signed_message` describes.
    message = json.dumps(
        {k: listed[k] for k in ("hash", "organisation_id", "position", "taken_at")},
        sort_keys=True,
        separators=(",", ":"),
    )
    key.verify(bytes.fromhex(listed["signature"]), message.encode())


async def _a_tender(session: AsyncSession, council: Council) -> None:
    await TenderService(session, council.officer).create(tender_data("NB-2026-009"))


async def test_a_forged_stored_checkpoint_is_named(
    session: AsyncSession, any_database_url: str
) -> None:
    council = await make_council(session, ORGANISATION)
    await _a_tender(session, council)
    [checkpoint] = await take_checkpoints(session, TEST_SECRET)
    await _tamper(session, "UPDATE audit_checkpoint SET signature = :forged", forged="ab" * 64)

    findings = await run_checks(session, TEST_SECRET)

    assert findings == [
        IntegrityFinding(
            "checkpoint",
            f"checkpoint {checkpoint.id} of organisation {council.organisation.id}, event 1",
            "the signature is not valid",
            council.organisation.id,
        )
    ]


async def test_non_administrators_may_not_verify(
    session: AsyncSession, client: AsyncTestClient[Litestar]
) -> None:
    council = await make_council(session, ORGANISATION)
    token = await token_for(session, council.users[Role.PROCUREMENT])

    response = await client.get(
        "/api/v1/audit/verify", headers={"Authorization": f"Bearer {token}"}
    )

    assert response.status_code == 403, response.text
    assert response.json()["code"] == "role_forbidden"


async def test_the_api_shows_findings_of_other_organisations_only_as_a_count(
    session: AsyncSession, client: AsyncTestClient[Litestar]
) -> None:
    council = await make_council(session, ORGANISATION)
    other = await make_council(session, "Southborough Council")
    await make_tender(session, other.organisation, other.officer_user)  # not on the trail
    token = await token_for(session, council.users[Role.ADMIN])

    response = await client.get(
        "/api/v1/audit/verify", headers={"Authorization": f"Bearer {token}"}
    )

    assert response.status_code == 200, response.text
    assert response.json() == {"intact": False, "findings": [], "elsewhere": 1}


async def test_the_service_signs_moved_chains_in_the_background_and_stops_cleanly(
    session: AsyncSession, engine: AsyncEngine, settings: Settings
) -> None:
    council = await make_council(session, ORGANISATION)
    await _a_tender(session, council)
    await session.commit()
    task = asyncio.create_task(
        keep_checkpointing(session_factory(engine), TEST_SECRET, timedelta(milliseconds=20))
    )
    try:
        for _ in range(200):
            await asyncio.sleep(0.05)
            taken = await session.scalar(sa.select(sa.func.count()).select_from(AuditCheckpoint))
            await session.rollback()
            if taken:
                break
    finally:
        task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert taken == 1  # the chain moved once; no more are taken until it moves again

    async with AsyncTestClient(app=create_app(settings)) as client:
        running = client.app.state.checkpointing
        assert not running.done()
    assert running.cancelled()
