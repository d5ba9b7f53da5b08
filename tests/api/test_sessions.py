"""Page sessions end when they should, and every request uses one database connection.

Runs the whole app on both databases: signing out, a password change (API or command line)
and deactivation end a session at once; sessions end after idling and after their lifetime;
the idle clock is written at most once a minute.
"""

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlmodel import col

from procurement.app import create_app
from procurement.config import Settings
from procurement.domain.roles import Role
from procurement.models import Organisation, User, WebSession
from procurement.models.base import utc_now
from procurement.services.users import set_password
from tests.api.conftest import API, error_of
from tests.conftest import TEST_SECRET
from tests.factories import PASSWORD, make_organisation, make_user, token_for

NEW_PASSWORD = "an entirely new passphrase"
IDLE = timedelta(minutes=30)


@pytest.fixture
def app(engine: AsyncEngine, any_database_url: str, tmp_path: Path) -> Litestar:
    """The whole app on the test database of each backend (`engine` empties it afterwards)."""
    settings = Settings(
        database_url=any_database_url,
        secret_key=TEST_SECRET,
        data_dir=tmp_path,
        session_idle_timeout_seconds=int(IDLE.total_seconds()),
    )
    return create_app(settings)


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    """A browser-like client that keeps cookies, and shows redirects rather than following."""
    async with AsyncTestClient(app=app) as client:
        client.follow_redirects = False
        yield client


@pytest.fixture
async def organisation(session: AsyncSession) -> Organisation:
    """The council everyone here works for."""
    return await make_organisation(session)


@pytest.fixture
async def officer(session: AsyncSession, organisation: Organisation) -> User:
    """Someone who signs in to the pages."""
    return await make_user(session, organisation, Role.PROCUREMENT)


async def csrf_headers(client: AsyncTestClient[Litestar]) -> dict[str, str]:
    """The CSRF header a form post needs, after a page has set the CSRF cookie."""
    if "procurement_csrf" not in client.cookies:
        await client.get("/login")
    return {"x-csrftoken": client.cookies["procurement_csrf"]}


async def sign_in(
    client: AsyncTestClient[Litestar], email: str, password: str = PASSWORD
) -> httpx.Response:
    """Post the sign-in form."""
    return await client.post(
        "/login",
        data={"email": email, "password": password, "next": "/tenders"},
        headers=await csrf_headers(client),
    )


async def signed_in(
    client: AsyncTestClient[Litestar], email: str, password: str = PASSWORD
) -> dict[str, str]:
    """Sign in; the session's cookies, to replay later as a thief would."""
    response = await sign_in(client, email, password)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/tenders"
    return dict(client.cookies)


async def opens_pages(client: AsyncTestClient[Litestar], cookies: dict[str, str]) -> bool:
    """True if these cookies open a page; False if they are sent to sign in instead."""
    client.cookies.clear()
    client.cookies.update(cookies)
    response = await client.get("/tenders")
    if response.status_code == 303:
        assert response.headers["location"].startswith("/login"), response.headers
        return False
    assert response.status_code == 200, response.text
    return True


async def move_clock(session: AsyncSession, user: User, **ago: timedelta) -> None:
    """Make the user's sessions look older: `last_seen_at` and/or `expires_at` moved back."""
    values = {column: utc_now() - delta for column, delta in ago.items()}
    await session.execute(
        sa.update(WebSession).where(col(WebSession.user_id) == user.id).values(**values)
    )
    await session.commit()


async def last_seen(session: AsyncSession, user: User) -> Any:
    """When the user's one session was last noted as used."""
    value = await session.scalar(
        sa.select(col(WebSession.last_seen_at)).where(col(WebSession.user_id) == user.id)
    )
    await session.commit()
    return value


async def test_signing_out_ends_the_session_for_its_old_cookie_too(
    client: AsyncTestClient[Litestar], officer: User
) -> None:
    cookies = await signed_in(client, officer.email)
    assert await opens_pages(client, cookies)

    response = await client.post("/logout", headers=await csrf_headers(client))
    assert response.status_code == 303
    assert response.headers["location"] == "/login"

    assert not await opens_pages(client, cookies)


async def test_signing_out_ends_only_that_session(
    client: AsyncTestClient[Litestar], officer: User
) -> None:
    elsewhere = await signed_in(client, officer.email)
    client.cookies.clear()
    here = await signed_in(client, officer.email)

    await client.post("/logout", headers=await csrf_headers(client))

    assert not await opens_pages(client, here)
    assert await opens_pages(client, elsewhere)


async def test_an_administrators_password_reset_ends_the_users_sessions(
    client: AsyncTestClient[Litestar],
    session: AsyncSession,
    organisation: Organisation,
    officer: User,
) -> None:
    admin = await make_user(session, organisation, Role.ADMIN)
    bearer = {"Authorization": f"Bearer {await token_for(session, admin)}"}
    cookies = await signed_in(client, officer.email)

    response = await client.patch(
        f"{API}/users/{officer.id}",
        json={"version": officer.version, "password": NEW_PASSWORD},
        headers=bearer,
    )
    assert response.status_code == 200, response.text

    assert not await opens_pages(client, cookies)
    client.cookies.clear()
    assert await opens_pages(client, await signed_in(client, officer.email, NEW_PASSWORD))


async def test_the_command_lines_password_reset_ends_sessions_and_tokens(
    client: AsyncTestClient[Litestar], session: AsyncSession, officer: User
) -> None:
    token = await token_for(session, officer)
    cookies = await signed_in(client, officer.email)

    await set_password(session, officer.email, NEW_PASSWORD)

    assert not await opens_pages(client, cookies)
    me = await client.get(f"{API}/auth/me", headers={"Authorization": f"Bearer {token}"})
    error_of(me, 401, "not_authenticated")


async def test_deactivating_a_user_ends_their_sessions(
    client: AsyncTestClient[Litestar],
    session: AsyncSession,
    organisation: Organisation,
    officer: User,
) -> None:
    admin = await make_user(session, organisation, Role.ADMIN)
    bearer = {"Authorization": f"Bearer {await token_for(session, admin)}"}
    cookies = await signed_in(client, officer.email)

    response = await client.delete(f"{API}/users/{officer.id}", headers=bearer)
    assert response.status_code == 204

    assert not await opens_pages(client, cookies)
    remaining = await session.scalar(
        sa.select(sa.func.count()).where(col(WebSession.user_id) == officer.id)
    )
    assert remaining == 0


async def test_a_session_ends_after_idling_but_not_while_used(
    client: AsyncTestClient[Litestar], session: AsyncSession, officer: User
) -> None:
    cookies = await signed_in(client, officer.email)
    await move_clock(session, officer, last_seen_at=IDLE - timedelta(minutes=1))
    assert await opens_pages(client, cookies)  # ...which moves the idle clock on

    await move_clock(session, officer, last_seen_at=IDLE - timedelta(minutes=1))
    assert await opens_pages(client, cookies)

    await move_clock(session, officer, last_seen_at=IDLE + timedelta(seconds=1))
    assert not await opens_pages(client, cookies)


async def test_a_session_ends_after_its_lifetime_however_busy(
    client: AsyncTestClient[Litestar], session: AsyncSession, officer: User
) -> None:
    cookies = await signed_in(client, officer.email)
    await move_clock(session, officer, expires_at=timedelta(seconds=1))
    assert not await opens_pages(client, cookies)


async def test_a_session_lasts_eight_hours_at_most(
    client: AsyncTestClient[Litestar], session: AsyncSession, officer: User
) -> None:
    await signed_in(client, officer.email)
    stored = (await session.scalars(sa.select(WebSession))).one()
    assert stored.expires_at - stored.created_at == timedelta(hours=8)
    assert len(stored.token_hash) == 64  # a digest: the cookie's token is not stored


async def test_the_idle_clock_is_written_at_most_once_a_minute(
    client: AsyncTestClient[Litestar], session: AsyncSession, officer: User
) -> None:
    cookies = await signed_in(client, officer.email)
    await move_clock(session, officer, last_seen_at=timedelta(seconds=30))
    recent = await last_seen(session, officer)
    assert await opens_pages(client, cookies)
    assert await last_seen(session, officer) == recent

    await move_clock(session, officer, last_seen_at=timedelta(minutes=2))
    before = utc_now()
    assert await opens_pages(client, cookies)
    assert await last_seen(session, officer) >= before


@pytest.fixture
def checkouts(app: Litestar, client: AsyncTestClient[Litestar]) -> list[object]:
    """Every connection the app's pool hands out from now on."""
    pool = app.state.sessionmaker.kw["bind"].sync_engine.pool
    taken: list[object] = []
    event.listen(pool, "checkout", lambda *_: taken.append(object()))
    return taken


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/auth/me", 200),
        ("GET", "/tenders", 200),
        ("GET", "/suppliers", 200),
        ("DELETE", "/auth/token/current", 204),
    ],
)
async def test_an_api_request_uses_one_database_connection(
    client: AsyncTestClient[Litestar],
    session: AsyncSession,
    organisation: Organisation,
    checkouts: list[object],
    method: str,
    path: str,
    status: int,
) -> None:
    admin = await make_user(session, organisation, Role.ADMIN)
    bearer = {"Authorization": f"Bearer {await token_for(session, admin)}"}
    checkouts.clear()

    response = await client.request(method, API + path, headers=bearer)

    assert response.status_code == status, response.text
    assert len(checkouts) == 1


async def test_a_page_request_uses_one_database_connection(
    client: AsyncTestClient[Litestar], officer: User, checkouts: list[object]
) -> None:
    cookies = await signed_in(client, officer.email)
    checkouts.clear()
    assert await opens_pages(client, cookies)
    assert len(checkouts) == 1
