"""Fixtures for the service tests: two councils, so that tenant isolation can be checked."""

import pytest
from argon2 import PasswordHasher
from sqlalchemy.ext.asyncio import AsyncSession

from procurement.services import auth
from tests.integration.support import Council, make_council


@pytest.fixture(autouse=True)
def quick_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real argon2id, at its lowest cost."""
    # Production's cost is slow on purpose; these tests check who may sign in, not how long
    # guessing a password takes, and they hash and verify hundreds of times.
    quick = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(auth, "_hasher", quick)
    monkeypatch.setattr(auth, "_DUMMY_HASH", quick.hash("not-a-real-password"))


@pytest.fixture
async def council(session: AsyncSession) -> Council:
    """The caller's council, local to NN8 and the NE area."""
    return await make_council(session, "Test Borough Council", ["NN8", "NE"])


@pytest.fixture
async def other_council(session: AsyncSession) -> Council:
    """A second tenant, which the first must never see into."""
    return await make_council(session, "Other District Council", ["LE1"])
