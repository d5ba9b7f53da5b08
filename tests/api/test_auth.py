"""Bearer tokens: who gets one, what a bad one gets, and which endpoints need one."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlmodel import col

from procurement.config import Settings
from procurement.domain.roles import Role
from procurement.models import User
from procurement.services.sign_in_throttle import ACCOUNT_FROM_CLIENT_FIRST_DELAY
from tests.api.conftest import (
    API,
    Operation,
    World,
    api_operations,
    concrete,
    error_of,
    field_errors,
)
from tests.factories import PASSWORD

# The only API operation anyone may call without a token: getting one.
OPEN_OPERATIONS = {"createToken"}
PROTECTED = [op for op in api_operations() if op.id not in OPEN_OPERATIONS]
EMAIL = "Jo.Officer@northborough.gov.uk"


async def sign_in(world: World, email: str = EMAIL, password: str = PASSWORD) -> int:
    """POST the credentials to the token endpoint; the status code."""
    response = await world.post("/auth/token", None, {"email": email, "password": password})
    return response.status_code


@pytest.fixture
async def officer(world: World) -> User:
    """A procurement officer with a real-looking email address, able to sign in."""
    return await world.add_user("officer", Role.PROCUREMENT, email=EMAIL.lower())


async def dead_credentials(world: World) -> dict[str, dict[str, str]]:
    """Authorization headers that must all be refused, by what is wrong with them."""
    user = world.users["finance"]
    revoked = await world.token(user.id, timedelta(hours=1))
    revoke = await world.client.delete(
        API + "/auth/token/current", headers={"Authorization": f"Bearer {revoked}"}
    )
    assert revoke.status_code == 204
    expired = await world.token(user.id, timedelta(seconds=-1))
    leaver = await world.add_user("leaver", Role.EVALUATOR)
    async with world.sessions() as session:
        # Deactivated behind the API's back, so the token itself is never revoked.
        await session.execute(
            sa.update(User).where(col(User.id) == leaver.id).values(is_active=False)
        )
        await session.commit()
    return {
        "missing": {},
        "not bearer": {"Authorization": f"Basic {world.tokens['admin']}"},
        "empty bearer": {"Authorization": "Bearer "},
        "unknown": {"Authorization": "Bearer pst_not-a-token-we-issued"},
        "revoked": {"Authorization": f"Bearer {revoked}"},
        "expired": {"Authorization": f"Bearer {expired}"},
        "inactive user": world.auth("leaver"),
    }


@pytest.mark.parametrize("operation", PROTECTED, ids=[op.id for op in PROTECTED])
async def test_every_protected_operation_refuses_a_missing_or_dead_token(
    world: World, operation: Operation
) -> None:
    path = API + concrete(operation.path)
    for problem, headers in (await dead_credentials(world)).items():
        response = await world.client.request(operation.method, path, headers=headers)
        assert response.status_code == 401, (problem, response.text)
        assert response.json()["code"] == "not_authenticated", problem


def test_every_api_operation_except_sign_in_is_protected() -> None:
    # Guards the list above: new endpoints are covered without anyone editing it.
    assert {op.id for op in api_operations()} >= OPEN_OPERATIONS
    assert {"getCurrentUser", "createTender", "submitBid"} <= {op.id for op in PROTECTED}


@pytest.mark.parametrize("path", ["/health", "/schema/openapi.json", "/schema"])
async def test_system_endpoints_need_no_token(client: AsyncTestClient[Litestar], path: str) -> None:
    response = await client.get(path)
    assert response.status_code == 200


async def test_openapi_documents_which_operations_need_a_token(
    client: AsyncTestClient[Litestar],
) -> None:
    schema = (await client.get("/schema/openapi.json")).json()
    assert schema["security"] == [{"bearer": []}]
    assert schema["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    operations = {
        operation["operationId"]: operation
        for item in schema["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict) and "operationId" in operation
    }
    for open_operation in [*OPEN_OPERATIONS, "health"]:
        assert operations[open_operation]["security"] == [{}], open_operation
    for operation in PROTECTED:
        assert "security" not in operations[operation.id], operation.id


async def test_signing_in_issues_a_working_bearer_token(
    world: World, officer: User, settings: Settings
) -> None:
    response = await world.post("/auth/token", None, {"email": EMAIL, "password": PASSWORD})
    assert response.status_code == 201
    issued = response.json()
    assert issued["token"].startswith("pst_")
    assert issued["token_type"] == "bearer"
    lifetime = datetime.fromisoformat(issued["expires_at"]) - datetime.now(UTC)
    assert abs(lifetime - timedelta(days=settings.token_lifetime_days)) < timedelta(minutes=1)
    me = await world.client.get(
        API + "/auth/me", headers={"Authorization": f"Bearer {issued['token']}"}
    )
    assert me.status_code == 200
    assert me.json()["id"] == str(officer.id)


async def test_email_is_matched_whatever_its_case(world: World, officer: User) -> None:
    assert await sign_in(world, EMAIL.upper()) == 201


@pytest.mark.parametrize(
    ("email", "password"),
    [(EMAIL, "not the password at all"), ("nobody@northborough.gov.uk", PASSWORD)],
    ids=["wrong password", "unknown email"],
)
async def test_bad_credentials_get_one_indistinguishable_refusal(
    world: World, officer: User, email: str, password: str
) -> None:
    response = await world.post("/auth/token", None, {"email": email, "password": password})
    body = error_of(response, 401, "invalid_credentials")
    assert body["detail"] == "The email or password is not right"


async def test_a_deactivated_user_cannot_sign_in(world: World, officer: User) -> None:
    deactivate = await world.delete(f"/users/{officer.id}", "admin")
    assert deactivate.status_code == 204
    response = await world.post("/auth/token", None, {"email": EMAIL, "password": PASSWORD})
    error_of(response, 401, "invalid_credentials")


async def test_sign_in_needs_an_email_and_a_password(world: World) -> None:
    response = await world.post("/auth/token", None, {"email": "not an email"})
    assert set(field_errors(response)) == {"email", "password"}


async def test_repeated_failures_slow_down_that_email_only(
    world: World, officer: User, settings: Settings
) -> None:
    other = "someone.else@northborough.gov.uk"
    await world.add_user("colleague", Role.FINANCE, email=other)
    for _ in range(settings.login_attempt_limit):
        assert await sign_in(world, password="guess") == 401
    # Even the right password is refused until the first wait has passed.
    response = await world.post("/auth/token", None, {"email": EMAIL, "password": PASSWORD})
    body = error_of(response, 429, "too_many_attempts")
    first_wait = int(ACCOUNT_FROM_CLIENT_FIRST_DELAY.total_seconds())
    assert response.headers["Retry-After"] == str(body["extra"]["retry_after_seconds"])
    assert first_wait - 5 <= body["extra"]["retry_after_seconds"] <= first_wait
    assert await sign_in(world, other) == 201


async def test_signing_out_revokes_only_the_token_used(world: World) -> None:
    spare = await world.token(world.users["admin"].id, timedelta(hours=1))
    response = await world.delete("/auth/token/current", "admin")
    assert response.status_code == 204
    error_of(await world.get("/auth/me", "admin"), 401, "not_authenticated")
    still = await world.client.get(API + "/auth/me", headers={"Authorization": f"Bearer {spare}"})
    assert still.status_code == 200


@pytest.mark.parametrize("actor", ["admin", "procurement", "evaluator", "finance", "supplier"])
async def test_me_describes_the_signed_in_user_without_secrets(world: World, actor: str) -> None:
    user = world.users[actor]
    response = await world.get("/auth/me", actor)
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == str(user.id)
    assert body["email"] == user.email
    assert body["role"] == user.role.value
    assert body["organisation_id"] == str(world.organisation.id)
    assert body["supplier_id"] == (str(world.supplier.id) if actor == "supplier" else None)
    assert not {"password", "password_hash"} & set(body)
