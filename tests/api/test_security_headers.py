"""Every response carries the security headers: pages, the API, errors, static files and the
API documentation, with more of them in production and over HTTPS."""

from collections.abc import AsyncIterator

import httpx
import pytest
from litestar import Litestar, get
from litestar.testing import AsyncTestClient

from procurement.app import create_app
from procurement.config import Environment, Settings
from tests.api.conftest import API, World

SITE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
ALWAYS = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}
ONLY_IN_PRODUCTION = ("cross-origin-opener-policy", "cross-origin-resource-policy")


def assert_hardened(response: httpx.Response, policy: str = SITE_POLICY) -> None:
    """The response has the policy and the headers every environment sends, and no more."""
    assert response.headers["content-security-policy"] == policy
    assert {name: response.headers.get(name) for name in ALWAYS} == ALWAYS
    assert "strict-transport-security" not in response.headers  # SECURE_COOKIES is off
    assert not any(name in response.headers for name in ONLY_IN_PRODUCTION)


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/login", 200),
        ("GET", "/public/awards", 200),
        ("GET", "/health", 200),
        ("GET", "/assets/app.css", 200),
        ("GET", "/assets/govuk/images/favicon.svg", 200),
        ("GET", "/schema/openapi.json", 200),
        ("GET", API + "/tenders", 401),
        ("GET", "/no-such-page", 404),
        ("GET", API + "/no-such-thing", 404),
        ("PUT", API + "/tenders", 405),
        ("POST", API + "/auth/token", 400),  # no body at all: it is not JSON
    ],
)
async def test_every_kind_of_response_has_the_headers(
    world: World, method: str, path: str, status: int
) -> None:
    response = await world.client.request(method, path, content=b"{")
    assert response.status_code == status
    assert_hardened(response)


async def test_a_signed_in_api_response_has_the_headers(world: World) -> None:
    response = await world.get("/tenders", "procurement")
    assert response.status_code == 200
    assert_hardened(response)


@pytest.mark.parametrize("path", ["/schema", "/schema/swagger"])
async def test_the_api_documentation_may_load_its_viewer(world: World, path: str) -> None:
    # Litestar's viewers come from a CDN and start with an inline script; they still render.
    response = await world.client.get(path)
    assert response.status_code == 200
    assert '<script src="https://cdn.jsdelivr.net/npm/' in response.text
    policy = response.headers["content-security-policy"]
    assert "script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net;" in policy
    assert "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net;" in policy
    assert "frame-ancestors 'none'" in policy
    assert {name: response.headers.get(name) for name in ALWAYS} == ALWAYS


@pytest.fixture
async def failing(settings: Settings) -> AsyncIterator[AsyncTestClient[Litestar]]:
    """A client for an app with one more page, which fails."""

    @get("/public/fails", include_in_schema=False)  # public: no sign-in first
    async def fails() -> None:
        raise RuntimeError("a bug")

    app = create_app(settings)
    app.register(fails)
    async with AsyncTestClient(app=app) as client:
        yield client


async def test_a_server_error_has_the_headers(failing: AsyncTestClient[Litestar]) -> None:
    response = await failing.get("/public/fails")
    assert response.status_code == 500
    assert_hardened(response)


@pytest.mark.parametrize(
    ("environment", "secure_cookies"),
    [
        (Environment.PRODUCTION, True),
        (Environment.PRODUCTION, False),
        (Environment.DEVELOPMENT, True),
    ],
)
async def test_production_and_https_add_headers(
    settings: Settings, environment: Environment, secure_cookies: bool
) -> None:
    changed = settings.model_copy(
        update={"environment": environment, "secure_cookies": secure_cookies}
    )
    async with AsyncTestClient(app=create_app(changed)) as client:
        response = await client.get("/login")
    production = environment is Environment.PRODUCTION
    policy = response.headers["content-security-policy"]
    assert policy.startswith(SITE_POLICY)
    assert policy.endswith("; upgrade-insecure-requests") is production
    assert {name: response.headers.get(name) for name in ALWAYS} == ALWAYS
    assert response.headers.get("cross-origin-opener-policy") == (
        "same-origin" if production else None
    )
    assert response.headers.get("cross-origin-resource-policy") == (
        "same-origin" if production else None
    )
    assert response.headers.get("strict-transport-security") == (
        "max-age=31536000; includeSubDomains" if secure_cookies else None
    )
