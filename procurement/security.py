"""Authentication for every request: bearer tokens for the API, a session cookie for pages."""

import hashlib
import uuid
from typing import Any

from litestar.config.csrf import CSRFConfig
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.middleware.base import DefineMiddleware
from litestar.middleware.session.client_side import CookieBackendConfig
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from procurement.config import Settings
from procurement.principal import Principal
from procurement.services.auth import AuthService

SESSION_USER_KEY = "user_id"
SESSION_MAX_AGE_SECONDS = 8 * 60 * 60
API_PREFIX = "/api/"
# Paths anyone may read. Everything else needs a signed-in user.
PUBLIC_PATHS = [
    "^/health$",
    "^/schema",
    "^/public(/|$)",  # not /publications...: only the public pages are open
    "^/assets",
    "^/login$",
    "^/api/v1/auth/token$",  # signing in is how a caller gets a token
    "^/favicon.ico$",
]


class PrincipalMiddleware(AbstractAuthenticationMiddleware):
    """Resolves the caller to a Principal; the API accepts only bearer tokens, pages only sessions.

    Keeping the two apart means a browser's cookie can never authorise an API call, so the
    API needs no CSRF protection and pages need no tokens.
    """

    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        sessions: async_sessionmaker[AsyncSession] = connection.app.state.sessionmaker
        async with sessions() as db:
            auth = AuthService(db)
            if connection.scope["path"].startswith(API_PREFIX):
                principal = await _from_bearer(auth, connection.headers.get("authorization", ""))
            else:
                principal = await _from_session(auth, connection)
        if principal is None:
            raise NotAuthorizedException("Sign in first: send 'Authorization: Bearer <token>'")
        return AuthenticationResult(user=principal, auth=None)


async def _from_bearer(auth: AuthService, header: str) -> Principal | None:
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return await auth.principal_from_token(token.strip())


async def _from_session(
    auth: AuthService, connection: ASGIConnection[Any, Any, Any, Any]
) -> Principal | None:
    raw = connection.session.get(SESSION_USER_KEY) if connection.scope.get("session") else None
    if not raw:
        return None
    try:
        user_id = uuid.UUID(str(raw))
    except ValueError:
        return None
    return await auth.principal_from_user_id(user_id)


def authentication_middleware() -> DefineMiddleware:
    """The middleware, with the public paths left open."""
    return DefineMiddleware(PrincipalMiddleware, exclude=PUBLIC_PATHS)


def session_config(settings: Settings) -> CookieBackendConfig:
    """An encrypted, HTTP-only session cookie; no server state, so any worker can read it."""
    key = hashlib.sha256(("session:" + settings.secret_key).encode()).digest()
    return CookieBackendConfig(
        secret=key,
        key="procurement_session",
        max_age=SESSION_MAX_AGE_SECONDS,
        httponly=True,
        secure=settings.secure_cookies,
        samesite="lax",
        exclude=[API_PREFIX],
    )


def csrf_config(settings: Settings) -> CSRFConfig:
    """CSRF protection for form posts; the API is excluded because it ignores cookies."""
    return CSRFConfig(
        secret=hashlib.sha256(("csrf:" + settings.secret_key).encode()).hexdigest(),
        cookie_name="procurement_csrf",
        cookie_secure=settings.secure_cookies,
        cookie_httponly=True,
        header_name="x-csrftoken",
        exclude=[API_PREFIX, "/schema", "/health"],
    )
