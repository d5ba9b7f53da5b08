"""`procurement audit verify` checks stored files too: a publication file whose bytes were
changed in the database is named, and the command exits 1."""

import asyncio
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from procurement.models import Publication
from tests.cli.conftest import Cli
from tests.factories import make_organisation
from tests.publication_support import make_publication, sha256_of

FAKE = b"A forged file"


@pytest.fixture
def cli(any_database_url: str, tmp_path: Path) -> Cli:
    """The command on the test database (both backends)."""
    return Cli(any_database_url, tmp_path)


@pytest.fixture
async def publication(cli: Cli, session: AsyncSession) -> Publication:
    """A publication whose records the trail has taken in (`audit baseline`), so that only
    what is done to it afterwards can be found."""
    publication = await make_publication(session, await make_organisation(session))
    cli.succeeds("audit", "baseline")
    return publication


async def test_untouched_publication_files_verify(cli: Cli, publication: Publication) -> None:
    output = cli.succeeds("audit", "verify")

    assert output.startswith("The audit trail is intact:"), output


async def test_a_publication_file_edited_in_the_database_is_named(
    cli: Cli, session: AsyncSession, publication: Publication
) -> None:
    await session.execute(
        sa.text(
            "UPDATE publication_file SET content = :content "
            "WHERE publication_id = :id AND kind = 'csv'"
        ).bindparams(
            sa.bindparam("content", FAKE, type_=sa.LargeBinary()),
            sa.bindparam("id", publication.id, type_=sa.Uuid()),
        )
    )
    await session.commit()
    original = b"The csv file of 2026/27 Q1"
    named = f"csv file of publication {publication.id} ({publication.title}, version 1)"

    # The command runs its own event loop, so it runs beside this test's, in a thread.
    output = await asyncio.to_thread(cli.refuses, "audit", "verify")

    assert output.splitlines()[:2] == [
        f"BROKEN: {named}: its bytes hash to {sha256_of(FAKE)}, "
        f"not the recorded {sha256_of(original)}",
        f"BROKEN: {named}: it is {len(FAKE)} bytes, not the recorded {len(original)}",
    ]
    assert output.splitlines()[2].startswith("2 problems found"), output
