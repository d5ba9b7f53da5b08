"""`procurement audit verify`: exit 0 on an intact trail, 1 naming the first broken event;
and the demo, seeded and then brought under the trail, verifies."""

import asyncio
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from procurement.domain.roles import Role
from procurement.models import AuditChainHead, AuditEvent, Organisation, Tender
from procurement.services.auth import principal_for
from procurement.services.tenders import TenderService
from tests.cli.conftest import Cli, Seeded
from tests.factories import make_organisation, make_tender, make_user
from tests.integration.support import tender_data


@pytest.fixture
def cli(any_database_url: str, tmp_path: Path) -> Cli:
    """The command on the test database (both backends)."""
    return Cli(any_database_url, tmp_path)


async def _council_with_tenders(session: AsyncSession, name: str, tenders: int) -> Organisation:
    """A council whose officer has created some tenders, one audit event each."""
    organisation = await make_organisation(session, name)
    officer = principal_for(await make_user(session, organisation, Role.PROCUREMENT))
    for n in range(tenders):
        await TenderService(session, officer).create(tender_data(f"NB-2026-{n:03d}"))
    return organisation


async def _event_id(session: AsyncSession, organisation: Organisation, position: int) -> int:
    event_id = await session.scalar(
        sa.select(col(AuditEvent.id)).where(
            col(AuditEvent.organisation_id) == organisation.id,
            col(AuditEvent.position) == position,
        )
    )
    assert event_id is not None
    return event_id


async def _tamper(session: AsyncSession, statement: str, event_id: int) -> None:
    """Change the trail with plain SQL, as someone with database access could."""
    await session.execute(sa.text(statement), {"id": event_id})
    await session.commit()


async def _refused(cli: Cli) -> str:
    # The command runs its own event loop, so it runs beside this test's, in a thread.
    return await asyncio.to_thread(cli.refuses, "audit", "verify")


async def test_an_intact_trail_verifies_and_says_how_much_was_checked(
    cli: Cli, session: AsyncSession
) -> None:
    await _council_with_tenders(session, "Northborough Council", 3)
    await _council_with_tenders(session, "Southborough Council", 1)
    await session.commit()

    output = cli.succeeds("audit", "verify")

    assert output == "The audit trail is intact: 2 chains and 4 events checked.\n"


async def test_an_event_edited_in_the_database_fails_verification_and_is_named(
    cli: Cli, session: AsyncSession
) -> None:
    council = await _council_with_tenders(session, "Northborough Council", 3)
    edited = await _event_id(session, council, 2)
    await _tamper(session, "UPDATE audit_event SET summary = 'Nothing' WHERE id = :id", edited)

    output = await _refused(cli)

    assert output.splitlines() == [
        f"BROKEN: Northborough Council ({council.id}), event 2 (id {edited}): "
        "hash does not match its contents",
        "1 problem found (1 of 1 chains are broken); 1 chain and 3 events checked.",
    ]


async def test_a_deleted_event_fails_verification_naming_the_gap(
    cli: Cli, session: AsyncSession
) -> None:
    council = await _council_with_tenders(session, "Northborough Council", 3)
    after_gap = await _event_id(session, council, 3)
    await _tamper(
        session, "DELETE FROM audit_event WHERE id = :id", await _event_id(session, council, 2)
    )

    output = await _refused(cli)

    assert f"event 3 (id {after_gap}): event 2 is missing" in output
    # The tender the deleted event recorded is no longer vouched for by the trail.
    assert f"is not on the trail of Northborough Council ({council.id})" in output


async def test_only_the_broken_chain_is_reported(cli: Cli, session: AsyncSession) -> None:
    intact = await _council_with_tenders(session, "Northborough Council", 2)
    broken = await _council_with_tenders(session, "Southborough Council", 2)
    first = await _event_id(session, broken, 1)
    await _tamper(session, "UPDATE audit_event SET previous_hash = hash WHERE id = :id", first)

    output = await _refused(cli)

    assert f"BROKEN: Southborough Council ({broken.id}), event 1 (id {first}): " in output
    assert "previous hash does not match the start of the chain" in output
    assert str(intact.id) not in output
    assert "1 of 2 chains are broken" in output


def test_the_seeded_demo_verifies_intact(seeded: Seeded) -> None:
    output = seeded.cli.succeeds("audit", "verify")

    assert output.startswith("The audit trail is intact: 1 chain and ")


async def test_a_baseline_brings_records_made_without_events_under_the_trail(
    cli: Cli, session: AsyncSession
) -> None:
    council = await _council_with_tenders(session, "Northborough Council", 1)
    officer = await make_user(session, council, Role.PROCUREMENT)
    older = await make_tender(session, council, officer)  # stored directly: no event
    changed = await make_tender(session, council, officer)
    assert f"tender:{older.id}: is not on the trail of Northborough Council" in await _refused(cli)

    output = await asyncio.to_thread(cli.succeeds, "audit", "baseline")

    assert output.splitlines() == [
        f"Recorded 2 records for organisation {council.id}.",
        "Signed 1 checkpoint.",
    ]
    assert cli.succeeds("audit", "verify").startswith("The audit trail is intact")
    # A record changed after its baseline is named, and a second baseline does not vouch for it.
    await session.execute(
        sa.update(Tender).where(col(Tender.id) == changed.id).values(title="Something else")
    )
    await session.commit()
    again = await asyncio.to_thread(cli.succeeds, "audit", "baseline")
    assert again.splitlines() == [
        "Every audited record is already on the trail; no baseline was needed.",
        "Signed 0 checkpoints.",
    ]
    refused = await _refused(cli)
    assert f"BROKEN: tender:{changed.id}: differs from the state recorded at event 2 " in refused


async def test_checkpoints_are_signed_for_chains_that_moved(
    cli: Cli, session: AsyncSession
) -> None:
    council = await _council_with_tenders(session, "Northborough Council", 2)
    head = await session.get(AuditChainHead, council.id)
    assert head is not None
    position, hash_ = head.position, head.hash
    await session.commit()

    output = await asyncio.to_thread(cli.succeeds, "audit", "checkpoint")

    [line] = output.splitlines()
    assert line.startswith("Checkpoint ")
    assert line.endswith(f": organisation {council.id}, event {position}, hash {hash_}")
    assert await asyncio.to_thread(cli.succeeds, "audit", "checkpoint") == ""  # nothing moved
