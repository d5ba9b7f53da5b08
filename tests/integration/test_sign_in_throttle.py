"""Sign-in throttling holds under parallel attempts and cannot lock the real user out; and
checking or hashing a password never stalls the server.

Every test runs on SQLite and PostgreSQL. Password checks are counted where they happen, so
a race that let one extra attempt through would show as one check too many.
"""

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlmodel import col

from procurement.app import create_app
from procurement.config import Settings
from procurement.db import session_factory
from procurement.domain.roles import Role
from procurement.errors import AuthenticationError, RateLimitedError
from procurement.models import SignInThrottle, User
from procurement.models.base import utc_now
from procurement.principal import Principal
from procurement.services import auth
from procurement.services.auth import AuthService, LoginPolicy
from procurement.services.sign_in_throttle import (
    ACCOUNT_FROM_CLIENT_FIRST_DELAY,
    ThrottleScope,
    throttle_keys,
)
from procurement.services.users import set_password
from tests.api.conftest import API, error_of
from tests.conftest import TEST_SECRET
from tests.factories import PASSWORD, make_user
from tests.integration.support import Council

POLICY = LoginPolicy(
    attempts=5,
    window=timedelta(minutes=15),
    client_attempts=20,
    account_attempts=10,
    account_max_delay=timedelta(minutes=1),
)
WRONG = "not the password at all"
EMAIL = "jo.officer@northborough.gov.uk"
ATTACKER = "203.0.113.7"
OWNER = "198.51.100.20"


@pytest.fixture
def password_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The password of every check made, in the order made."""
    checks: list[str] = []
    real = auth._password_matches

    def counted(password_hash: str, password: str) -> bool:
        checks.append(password)
        return real(password_hash, password)

    monkeypatch.setattr(auth, "_password_matches", counted)
    return checks


async def attempt(
    engine: AsyncEngine, email: str, password: str, client: str
) -> Principal | type[Exception]:
    """One sign-in on a session (and connection) of its own: the principal or the error type."""
    async with session_factory(engine)() as session:
        try:
            return await AuthService(session).authenticate(email, password, POLICY, client)
        except (AuthenticationError, RateLimitedError) as error:
            return type(error)


@pytest.mark.parametrize("parallel", [20, 40])
async def test_parallel_wrong_attempts_never_get_more_checks_than_the_limit(
    engine: AsyncEngine, council: Council, password_checks: list[str], parallel: int
) -> None:
    email = council.users[Role.EVALUATOR].email

    outcomes = await asyncio.gather(
        *(attempt(engine, email, WRONG, ATTACKER) for _ in range(parallel))
    )

    assert len(password_checks) == POLICY.attempts
    assert outcomes.count(AuthenticationError) == POLICY.attempts
    assert outcomes.count(RateLimitedError) == parallel - POLICY.attempts


async def test_an_attackers_failures_do_not_stop_the_owner_signing_in_from_elsewhere(
    engine: AsyncEngine, council: Council, password_checks: list[str]
) -> None:
    owner = council.users[Role.EVALUATOR]
    guesses = await asyncio.gather(
        *(attempt(engine, owner.email, WRONG, ATTACKER) for _ in range(30))
    )
    assert guesses.count(RateLimitedError) == 30 - POLICY.attempts
    assert await attempt(engine, owner.email, WRONG, ATTACKER) is RateLimitedError

    signed_in = await attempt(engine, owner.email, PASSWORD, OWNER)

    assert isinstance(signed_in, Principal)
    assert signed_in.user_id == owner.id


async def test_many_emails_from_one_address_are_throttled(
    engine: AsyncEngine, council: Council, password_checks: list[str]
) -> None:
    for n in range(POLICY.client_attempts):
        assert await attempt(engine, f"guess{n}@example.test", WRONG, ATTACKER) is (
            AuthenticationError
        )

    for n in range(POLICY.client_attempts, 30):
        assert await attempt(engine, f"guess{n}@example.test", WRONG, ATTACKER) is (
            RateLimitedError
        )
    assert len(password_checks) == POLICY.client_attempts
    # Another address is not affected.
    colleague = council.users[Role.FINANCE]
    assert isinstance(await attempt(engine, colleague.email, PASSWORD, OWNER), Principal)


async def test_guessing_one_account_from_many_addresses_is_slowed_with_a_low_cap(
    engine: AsyncEngine, session: AsyncSession, council: Council, password_checks: list[str]
) -> None:
    owner = council.users[Role.EVALUATOR]
    for n in range(POLICY.account_attempts):
        assert await attempt(engine, owner.email, WRONG, f"192.0.2.{n}") is AuthenticationError
    assert len(password_checks) == POLICY.account_attempts

    # However many failures pile up, the owner waits no longer than the cap...
    cap = POLICY.account_max_delay
    await set_account_counter(session, owner.email, failures=1000, last_attempt_at=utc_now())
    async with session_factory(engine)() as fresh:
        with pytest.raises(RateLimitedError) as caught:
            await AuthService(fresh).authenticate(owner.email, PASSWORD, POLICY, OWNER)
    assert (
        cap.total_seconds() - 5 <= caught.value.extra["retry_after_seconds"] <= cap.total_seconds()
    )
    assert len(password_checks) == POLICY.account_attempts

    # ...and then signs in.
    await set_account_counter(session, owner.email, failures=1000, last_attempt_at=utc_now() - cap)
    assert isinstance(await attempt(engine, owner.email, PASSWORD, OWNER), Principal)


async def set_account_counter(
    session: AsyncSession,
    email: str,
    scope: ThrottleScope = ThrottleScope.ACCOUNT,
    client: str = OWNER,
    **values: object,
) -> None:
    """Set one of an account's counters (by default the across-addresses one), as if many
    failures had happened."""
    key = throttle_keys(email, client)[scope]
    await session.execute(
        sa.update(SignInThrottle).where(col(SignInThrottle.key) == key).values(**values)
    )
    await session.commit()


async def refused_wait(engine: AsyncEngine, email: str, client: str) -> int:
    """The wait, in seconds, of a sign-in that is refused as too many attempts."""
    async with session_factory(engine)() as session:
        with pytest.raises(RateLimitedError) as caught:
            await AuthService(session).authenticate(email, PASSWORD, POLICY, client)
    assert caught.value.code == "too_many_attempts"
    wait: int = caught.value.extra["retry_after_seconds"]
    return wait


async def test_waits_on_one_account_from_one_address_grow_up_to_the_window(
    engine: AsyncEngine, session: AsyncSession, council: Council
) -> None:
    email = council.users[Role.EVALUATOR].email
    for _ in range(POLICY.attempts):
        assert await attempt(engine, email, WRONG, ATTACKER) is AuthenticationError

    # The first wait is short: a person who mistyped waits half a minute, not the window.
    first = ACCOUNT_FROM_CLIENT_FIRST_DELAY.total_seconds()
    assert first - 5 <= await refused_wait(engine, email, ATTACKER) <= first

    # Each further failure doubles it, but never beyond the window.
    pair = ThrottleScope.ACCOUNT_FROM_CLIENT
    await set_account_counter(session, email, pair, ATTACKER, failures=POLICY.attempts + 2)
    assert 4 * first - 5 <= await refused_wait(engine, email, ATTACKER) <= 4 * first
    await set_account_counter(session, email, pair, ATTACKER, failures=1000)
    window = POLICY.window.total_seconds()
    assert window - 5 <= await refused_wait(engine, email, ATTACKER) <= window

    # Once the wait has passed, the right password signs in.
    await set_account_counter(
        session, email, pair, ATTACKER, last_attempt_at=utc_now() - timedelta(seconds=window)
    )
    assert isinstance(await attempt(engine, email, PASSWORD, ATTACKER), Principal)


async def test_signing_in_gives_back_the_attempt(engine: AsyncEngine, council: Council) -> None:
    email = council.users[Role.EVALUATOR].email
    for _ in range(POLICY.attempts - 1):
        assert await attempt(engine, email, WRONG, OWNER) is AuthenticationError
        assert isinstance(await attempt(engine, email, PASSWORD, OWNER), Principal)
    for _ in range(POLICY.attempts - 1):
        assert await attempt(engine, email, WRONG, OWNER) is AuthenticationError
    assert isinstance(await attempt(engine, email, PASSWORD, OWNER), Principal)


# Over HTTP: the same limits, the client's address from the connection, and Retry-After.


@pytest.fixture
async def client(
    engine: AsyncEngine, any_database_url: str, tmp_path: Path
) -> AsyncIterator[AsyncTestClient[Litestar]]:
    """The whole app on the test database of each backend (`engine` empties it afterwards)."""
    settings = Settings(
        database_url=any_database_url,
        secret_key=TEST_SECRET,
        data_dir=tmp_path,
        login_attempt_limit=POLICY.attempts,
        login_client_attempt_limit=POLICY.client_attempts,
    )
    app: Litestar = create_app(settings)
    async with AsyncTestClient(app=app) as client:
        yield client


@pytest.fixture
async def officer(session: AsyncSession, council: Council) -> User:
    """A user whose email the API accepts (it refuses reserved domains such as .test)."""
    user = await make_user(session, council.organisation, Role.PROCUREMENT, email=EMAIL)
    user.password_hash = council.users[Role.EVALUATOR].password_hash  # the quick hash
    await session.commit()
    return user


async def test_parallel_api_sign_ins_never_get_more_checks_than_the_limit(
    client: AsyncTestClient[Litestar], officer: User, password_checks: list[str]
) -> None:
    body = {"email": officer.email, "password": WRONG}

    responses = await asyncio.gather(
        *(client.post(API + "/auth/token", json=body) for _ in range(20))
    )

    assert len(password_checks) == POLICY.attempts
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [401] * POLICY.attempts + [429] * (20 - POLICY.attempts)
    for response in responses:
        if response.status_code == 429:
            body_ = error_of(response, 429, "too_many_attempts")
            assert response.headers["Retry-After"] == str(body_["extra"]["retry_after_seconds"])
            assert int(response.headers["Retry-After"]) > 0
        else:
            error_of(response, 401, "invalid_credentials")


async def test_thirty_emails_from_one_address_get_a_429_with_retry_after(
    client: AsyncTestClient[Litestar],
) -> None:
    statuses = []
    for n in range(30):
        response = await client.post(
            API + "/auth/token", json={"email": f"guess{n}@northborough.gov.uk", "password": WRONG}
        )
        statuses.append(response.status_code)
    assert statuses == [401] * POLICY.client_attempts + [429] * (30 - POLICY.client_attempts)
    error_of(response, 429, "too_many_attempts")
    assert int(response.headers["Retry-After"]) >= 1


async def test_the_sign_in_page_sends_retry_after_with_its_429(
    client: AsyncTestClient[Litestar], officer: User
) -> None:
    await client.get("/login")
    headers = {"x-csrftoken": client.cookies["procurement_csrf"]}
    form = {"email": officer.email, "password": WRONG}
    for _ in range(POLICY.attempts):
        assert (await client.post("/login", data=form, headers=headers)).status_code == 401

    response = await client.post("/login", data={**form, "password": PASSWORD}, headers=headers)

    assert response.status_code == 429
    assert "Too many failed sign-in attempts for this email" in response.text
    first = ACCOUNT_FROM_CLIENT_FIRST_DELAY.total_seconds()
    assert first - 5 <= int(response.headers["Retry-After"]) <= first


# The slow password work runs in a worker thread, outside any transaction.

SLOW = 0.3  # seconds a stand-in for argon2 takes


async def longest_pause(work: Awaitable[object]) -> float:
    """The longest the event loop stalled, in seconds, while the work ran."""
    pauses: list[float] = []

    async def tick() -> None:
        while True:
            before = time.monotonic()
            await asyncio.sleep(0.01)
            pauses.append(time.monotonic() - before)

    ticker = asyncio.create_task(tick())
    try:
        await work
    finally:
        ticker.cancel()
    return max(pauses)


async def test_checking_a_password_leaves_the_event_loop_and_the_database_free(
    session: AsyncSession, council: Council, monkeypatch: pytest.MonkeyPatch
) -> None:
    in_transaction: list[bool] = []

    def slow_check(password_hash: str, password: str) -> bool:
        in_transaction.append(session.in_transaction())
        time.sleep(SLOW)
        return password == PASSWORD

    monkeypatch.setattr(auth, "_password_matches", slow_check)
    email = council.users[Role.EVALUATOR].email

    pause = await longest_pause(AuthService(session).authenticate(email, PASSWORD, POLICY, OWNER))

    assert pause < SLOW / 2
    assert in_transaction == [False]


async def test_hashing_a_new_password_leaves_the_event_loop_free(
    session: AsyncSession, council: Council, monkeypatch: pytest.MonkeyPatch
) -> None:
    def slow_hash(password: str) -> str:
        time.sleep(SLOW)
        return "argon2-stand-in"

    monkeypatch.setattr(auth, "hash_password", slow_hash)
    email = council.users[Role.EVALUATOR].email

    pause = await longest_pause(set_password(session, email, "a brand new passphrase"))

    assert pause < SLOW / 2
    await session.refresh(council.users[Role.EVALUATOR])
    assert council.users[Role.EVALUATOR].password_hash == "argon2-stand-in"
