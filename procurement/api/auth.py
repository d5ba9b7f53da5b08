"""Bearer tokens: exchange an email and password for a token, or revoke one."""

from datetime import datetime, timedelta
from typing import Any

from litestar import Controller, Request, delete, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from procurement.api.errors import ERROR_RESPONSES, RATE_LIMITED_RESPONSE
from procurement.config import Settings
from procurement.models import User
from procurement.principal import Principal
from procurement.schemas.fields import Email, ShortName
from procurement.schemas.user import UserRead
from procurement.security import client_address
from procurement.services.auth import AuthService, LoginPolicy


class TokenRequest(BaseModel):
    """Credentials to exchange for a bearer token."""

    email: Email
    password: str = Field(min_length=1, max_length=200)
    name: ShortName = Field(default="api", description="A label for the token")


class TokenIssued(BaseModel):
    """A bearer token; store it now, it is not shown again."""

    token: str
    token_type: str = "bearer"  # noqa: S105  (the OAuth token type, not a secret)
    expires_at: datetime


def login_policy(settings: NamedDependency[Settings]) -> LoginPolicy:
    """The configured limit on failed sign-ins."""
    return LoginPolicy.from_settings(settings)


class AuthController(Controller):
    """Token issue and revocation."""

    path = "/api/v1/auth"
    tags = ["authentication"]

    @post(
        "/token",
        operation_id="createToken",
        responses={**ERROR_RESPONSES, 429: RATE_LIMITED_RESPONSE},
        security=[{}],  # an empty list would inherit the global bearer requirement
    )
    async def create_token(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        settings: NamedDependency[Settings],
        data: JSONBody[TokenRequest],
    ) -> TokenIssued:
        """Sign in with email and password; failed attempts are throttled (429, Retry-After)."""
        auth = AuthService(db_session)
        principal = await auth.authenticate(
            data.email, data.password, login_policy(settings), client_address(request)
        )
        lifetime = timedelta(days=settings.token_lifetime_days)
        issued = await auth.issue_token(principal.user_id, data.name, lifetime)
        return TokenIssued(token=issued.token, expires_at=issued.expires_at)

    @delete("/token/current", operation_id="revokeCurrentToken", responses=ERROR_RESPONSES)
    async def revoke_token(
        self, db_session: NamedDependency[AsyncSession], request: Request[Principal, Any, Any]
    ) -> None:
        """Revoke the token this request was made with (sign out)."""
        _, _, token = request.headers.get("authorization", "").partition(" ")
        await AuthService(db_session).revoke_token(token.strip())

    @get("/me", operation_id="getCurrentUser", responses=ERROR_RESPONSES)
    async def me(
        self, db_session: NamedDependency[AsyncSession], actor: NamedDependency[Principal]
    ) -> UserRead:
        """The signed-in user."""
        user = await db_session.get(User, actor.user_id)
        return UserRead.model_validate(user, from_attributes=True)
