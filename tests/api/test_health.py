"""The unauthenticated system endpoints."""

from litestar import Litestar
from litestar.testing import AsyncTestClient


async def test_health_reports_the_database_answers(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


async def test_openapi_is_published_without_login(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    assert "/api/v1/tenders" in response.json()["paths"]
