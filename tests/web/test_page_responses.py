"""How pages answer over HTTP: sign-in redirects, CSRF refusals, and JSON kept for the API."""

import re
from collections.abc import AsyncIterator

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from procurement.config import Settings
from procurement.db import create_engine, open_session
from procurement.domain.roles import Role
from tests.factories import PASSWORD, make_organisation, make_user

Client = AsyncTestClient[Litestar]


@pytest.fixture
async def officer_email(settings: Settings, app: Litestar) -> AsyncIterator[str]:
    """A procurement officer in the app's database."""
    engine = create_engine(settings.database_url)
    async with open_session(engine) as session:
        user = await make_user(session, await make_organisation(session), Role.PROCUREMENT)
    await engine.dispose()
    yield user.email


async def csrf_token(client: Client, path: str = "/login") -> str:
    """The CSRF token a page's forms carry (the matching cookie stays in the client)."""
    page = await client.get(path)
    match = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
    assert match, f"no CSRF token on {path}"
    return match[1]


async def sign_in(client: Client, email: str, next_path: str) -> str:
    """Post the sign-in form; returns where the browser would be sent."""
    response = await client.post(
        "/login",
        data={
            "_csrf_token": await csrf_token(client),
            "email": email,
            "password": PASSWORD,
            "next": next_path,
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    return response.headers["location"]


@pytest.mark.parametrize(
    ("next_path", "destination"),
    [
        ("/tenders?status=open", "/tenders?status=open"),
        ("https://elsewhere.example/", "/"),
        ("//elsewhere.example/", "/"),
        ("/\\elsewhere.example/", "/"),
    ],
)
async def test_signing_in_returns_only_to_pages_on_this_site(
    client: Client, officer_email: str, next_path: str, destination: str
) -> None:
    assert await sign_in(client, officer_email, next_path) == destination


async def test_a_form_posted_without_its_csrf_token_is_refused_with_a_page(
    client: Client, officer_email: str
) -> None:
    await sign_in(client, officer_email, "/")

    response = await client.post("/tenders/new", data={"title": "No token"})

    assert response.status_code == 403
    assert response.headers["content-type"].startswith("text/html")
    assert "The form could not be sent" in response.text


async def test_a_form_posted_after_the_session_ended_goes_to_sign_in(client: Client) -> None:
    response = await client.post(
        "/tenders/new", data={"_csrf_token": await csrf_token(client)}, follow_redirects=False
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/login"


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [("/api/v1/tenders", 401, "not_authenticated"), ("/api/v1/no-such-thing", 404, "not_found")],
)
async def test_api_errors_stay_json(client: Client, path: str, status: int, code: str) -> None:
    response = await client.get(path)

    assert response.status_code == status
    assert response.json()["code"] == code


async def test_a_signed_in_session_cannot_call_the_api(client: Client, officer_email: str) -> None:
    await sign_in(client, officer_email, "/")

    assert (await client.get("/tenders")).status_code == 200
    assert (await client.get("/api/v1/tenders")).status_code == 401
