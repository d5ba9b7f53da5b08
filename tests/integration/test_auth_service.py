"""AuthService: sign-in with a rate limit on failures, and bearer tokens."""

from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from procurement.domain.roles import Role
from procurement.errors import AuthenticationError, RateLimitedError
from procurement.models import SignInThrottle, User
from procurement.models.base import utc_now
from procurement.services.auth import (
    LOCAL_CLIENT,
    TOKEN_PREFIX,
    AuthService,
    SessionPolicy,
    hash_token,
)
from procurement.services.sign_in_throttle import ACCOUNT_FROM_CLIENT_FIRST_DELAY, throttle_keys
from tests.factories import PASSWORD
from tests.integration.support import POLICY, Council

WRONG = "not the password at all"
SESSIONS = SessionPolicy(lifetime=timedelta(hours=8), idle_timeout=timedelta(minutes=30))


def _evaluator(council: Council) -> User:
    return council.users[Role.EVALUATOR]


async def _fail(auth: AuthService, email: str, times: int) -> None:
    for _ in range(times):
        with pytest.raises(AuthenticationError, match=r"^invalid_credentials:"):
            await auth.authenticate(email, WRONG, POLICY)


@pytest.mark.parametrize("typed", ["{email}", "  {upper}  "])
async def test_the_right_password_signs_in_whatever_the_email_case(
    session: AsyncSession, council: Council, typed: str
) -> None:
    user = _evaluator(council)
    email = typed.format(email=user.email, upper=user.email.upper())
    principal = await AuthService(session).authenticate(email, PASSWORD, POLICY)
    assert principal == council.as_role(Role.EVALUATOR)


@pytest.mark.parametrize("email", ["{email}", "nobody@example.com"])
async def test_a_wrong_password_or_unknown_email_is_the_same_refusal(
    session: AsyncSession, council: Council, email: str
) -> None:
    with pytest.raises(AuthenticationError) as caught:
        await AuthService(session).authenticate(
            email.format(email=_evaluator(council).email), WRONG, POLICY
        )
    assert (caught.value.code, caught.value.detail) == (
        "invalid_credentials",
        "The email or password is not right",
    )


async def test_an_inactive_user_cannot_sign_in_even_with_the_right_password(
    session: AsyncSession, council: Council
) -> None:
    user = _evaluator(council)
    user.is_active = False
    await session.commit()
    with pytest.raises(AuthenticationError, match=r"^invalid_credentials:"):
        await AuthService(session).authenticate(user.email, PASSWORD, POLICY)


async def test_too_many_failures_make_the_email_wait_even_for_the_right_password(
    session: AsyncSession, council: Council
) -> None:
    auth = AuthService(session)
    email = _evaluator(council).email
    await _fail(auth, email, POLICY.attempts)
    with pytest.raises(RateLimitedError) as caught:
        await auth.authenticate(email, PASSWORD, POLICY)
    assert caught.value.extra == {
        "retry_after_seconds": ACCOUNT_FROM_CLIENT_FIRST_DELAY.total_seconds()
    }
    other = council.users[Role.FINANCE]
    assert (await auth.authenticate(other.email, PASSWORD, POLICY)).user_id == other.id


async def test_failures_older_than_the_window_and_successes_do_not_count(
    session: AsyncSession, council: Council
) -> None:
    email = _evaluator(council).email
    long_ago = utc_now() - POLICY.window - timedelta(seconds=1)
    session.add_all(
        SignInThrottle(key=key, failures=POLICY.attempts, last_attempt_at=long_ago)
        for key in throttle_keys(email, LOCAL_CLIENT).values()
    )
    await session.commit()
    auth = AuthService(session)
    for _ in range(POLICY.attempts):
        assert (await auth.authenticate(email, PASSWORD, POLICY)).email == email
    principal = await AuthService(session).authenticate(email, PASSWORD, POLICY)
    assert principal.email == email


async def test_an_issued_token_resolves_to_its_user_and_is_stored_only_hashed(
    session: AsyncSession, council: Council
) -> None:
    auth = AuthService(session)
    issued = await auth.issue_token(_evaluator(council).id, "laptop", timedelta(hours=1))
    assert issued.token.startswith(TOKEN_PREFIX)
    assert timedelta(minutes=59) < issued.expires_at - utc_now() <= timedelta(hours=1)
    assert await auth.principal_from_token(issued.token) == council.as_role(Role.EVALUATOR)
    assert await auth.principal_from_token(hash_token(issued.token)) is None
    assert await auth.principal_from_token(issued.token + "x") is None


async def _issue(
    session: AsyncSession, council: Council, lifetime: timedelta = timedelta(hours=1)
) -> tuple[AuthService, str]:
    """A token for the evaluator, and the service to resolve it with."""
    auth = AuthService(session)
    issued = await auth.issue_token(_evaluator(council).id, "laptop", lifetime)
    return auth, issued.token


async def test_an_expired_token_does_not_resolve(session: AsyncSession, council: Council) -> None:
    auth, token = await _issue(session, council, timedelta(seconds=-1))
    assert await auth.principal_from_token(token) is None


async def test_a_revoked_token_does_not_resolve_and_others_still_do(
    session: AsyncSession, council: Council
) -> None:
    auth, revoked = await _issue(session, council)
    _, kept = await _issue(session, council)
    await auth.revoke_token(revoked)
    assert await auth.principal_from_token(revoked) is None
    assert await auth.principal_from_token(kept) is not None


async def test_an_inactive_users_tokens_and_sessions_do_not_resolve(
    session: AsyncSession, council: Council
) -> None:
    auth, token = await _issue(session, council)
    user = _evaluator(council)
    page_session = await auth.start_session(user.id, SESSIONS)
    assert await auth.principal_from_session(page_session, SESSIONS) is not None
    user.is_active = False
    await session.commit()
    assert await auth.principal_from_token(token) is None
    assert await auth.principal_from_session(page_session, SESSIONS) is None
