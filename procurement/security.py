"""Authentication for every request: bearer tokens for the API, a session cookie for pages."""

import hashlib
from typing import Any

from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig, SQLAlchemyInitPlugin
from litestar.config.csrf import CSRFConfig
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.middleware.base import DefineMiddleware
from litestar.middleware.session.client_side import CookieBackendConfig
from sqlalchemy.ext.asyncio import AsyncSession

from procurement.config import Settings
from procurement.principal import Principal
from procurement.services.auth import LOCAL_CLIENT, AuthService, SessionPolicy

# The encrypted cookie carries only this random token; the session itself is a database row,
# so signing out, a password change or deactivation ends it at once.
SESSION_TOKEN_KEY = "session_token"  # noqa: S105  (a key in the cookie, not a secret)
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


def request_db_session(connection: ASGIConnection[Any, Any, Any, Any]) -> AsyncSession:
    """The request's database session: the very one handlers get as `db_session`.

    advanced-alchemy keeps it in the connection scope and closes it when the response starts,
    so authentication and the handler share one connection and one transaction.
    """
    plugin = connection.app.plugins.get(SQLAlchemyInitPlugin)
    config = plugin.config[0]
    if not isinstance(config, SQLAlchemyAsyncConfig):  # the app configures only async access
        raise TypeError("The database is configured for async access only")
    return config.provide_session(connection.app.state, connection.scope)


def client_address(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """The caller's network address as the server sees it (behind a proxy, see operations.md)."""
    return connection.client.host if connection.client else LOCAL_CLIENT


class PrincipalMiddleware(AbstractAuthenticationMiddleware):
    """Resolves the caller to a Principal; the API accepts only bearer tokens, pages only sessions.

    Keeping the two apart means a browser's cookie can never authorise an API call, so the
    API needs no CSRF protection and pages need no tokens.
    """

    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        auth = AuthService(request_db_session(connection))
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


def session_token(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    """The page session token the cookie carries, if any."""
    raw = connection.session.get(SESSION_TOKEN_KEY) if connection.scope.get("session") else None
    return raw if isinstance(raw, str) and raw else None


async def _from_session(
    auth: AuthService, connection: ASGIConnection[Any, Any, Any, Any]
) -> Principal | None:
    token = session_token(connection)
    if token is None:
        return None
    settings: Settings = connection.app.state.settings
    return await auth.principal_from_session(token, SessionPolicy.from_settings(settings))


def authentication_middleware() -> DefineMiddleware:
    """The middleware, with the public paths left open."""
    return DefineMiddleware(PrincipalMiddleware, exclude=PUBLIC_PATHS)


def session_config(settings: Settings) -> CookieBackendConfig:
    """An encrypted, HTTP-only cookie holding the session token (and one-off banners)."""
    key = hashlib.sha256(("session:" + settings.secret_key).encode()).digest()
    return CookieBackendConfig(
        secret=key,
        key="procurement_session",
        max_age=settings.session_lifetime_seconds,
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
