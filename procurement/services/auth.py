"""Sign-in, password hashing, page sessions and bearer tokens."""

import asyncio
import hashlib
import logging
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from procurement.config import Settings
from procurement.errors import AuthenticationError
from procurement.models import ApiToken, User, WebSession
from procurement.models.base import utc_now
from procurement.principal import Principal
from procurement.services.sign_in_throttle import (
    ACCOUNT_FROM_CLIENT_FIRST_DELAY,
    FIRST_DELAY,
    ThrottleRule,
    ThrottleScope,
    reserve_attempt,
    settle_success,
    throttle_keys,
)

logger = logging.getLogger(__name__)

_hasher = PasswordHasher()
# Verifying against this keeps a failed login for an unknown email as slow as a wrong password,
# so response times do not reveal which emails have accounts.
_DUMMY_HASH = _hasher.hash("not-a-real-password")
TOKEN_PREFIX = "pst_"  # noqa: S105  (marks our tokens for secret scanners)
# Sign-ins made without a network (the command line, scripts) share this client address.
LOCAL_CLIENT = "local"
# The idle clock of a session moves on at most this often, so most requests write nothing.
LAST_SEEN_RESOLUTION = timedelta(minutes=1)


def hash_password(password: str) -> str:
    """An argon2id hash of the password (slow on purpose: call it off the event loop)."""
    return _hasher.hash(password)


async def hash_password_in_thread(password: str) -> str:
    """An argon2id hash of the password, computed in a worker thread."""
    return await asyncio.to_thread(hash_password, password)


def _password_matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def hash_token(token: str) -> str:
    """The stored form of a bearer token or session token."""
    return hashlib.sha256(token.encode()).hexdigest()


def principal_for(user: User) -> Principal:
    """The request identity for a user row."""
    return Principal(
        user_id=user.id,
        organisation_id=user.organisation_id,
        email=user.email,
        full_name=user.full_name,
        role=user.role,
        supplier_id=user.supplier_id,
    )


# Columns rather than the User entity, so that resolving a caller never puts a user row into
# the request's session, where a later read of that row would see this copy.
_PRINCIPAL_COLUMNS: tuple[sa.ColumnElement[Any] | sa.orm.Mapped[Any], ...] = (
    col(User.id).label("user_id"),
    col(User.organisation_id),
    col(User.email),
    col(User.full_name),
    col(User.role),
    col(User.supplier_id),
)


def _principal(row: sa.Row[Any]) -> Principal:
    return Principal(
        user_id=row.user_id,
        organisation_id=row.organisation_id,
        email=row.email,
        full_name=row.full_name,
        role=row.role,
        supplier_id=row.supplier_id,
    )


@dataclass(frozen=True)
class IssuedToken:
    """A new bearer token; the secret is shown once and never stored."""

    token: str
    expires_at: datetime


@dataclass(frozen=True)
class LoginPolicy:
    """How failed sign-ins are throttled (see services/sign_in_throttle.py)."""

    attempts: int  # free failures for one account from one address, then growing waits
    window: timedelta  # how long failures are remembered
    client_attempts: int = 20  # free failures from one address across accounts
    account_attempts: int = 10  # free failures for one account across addresses
    account_max_delay: timedelta = timedelta(minutes=1)

    @classmethod
    def from_settings(cls, settings: Settings) -> "LoginPolicy":
        """The limits configured in the settings (the API and the sign-in page share them)."""
        return cls(
            attempts=settings.login_attempt_limit,
            window=timedelta(seconds=settings.login_attempt_window_seconds),
            client_attempts=settings.login_client_attempt_limit,
            account_attempts=settings.login_account_attempt_limit,
            account_max_delay=timedelta(seconds=settings.login_account_max_delay_seconds),
        )

    def rules(self) -> dict[ThrottleScope, ThrottleRule]:
        """The rule for each throttled scope."""
        return {
            ThrottleScope.ACCOUNT_FROM_CLIENT: ThrottleRule(
                self.attempts, ACCOUNT_FROM_CLIENT_FIRST_DELAY, self.window
            ),
            ThrottleScope.CLIENT: ThrottleRule(self.client_attempts, FIRST_DELAY, self.window),
            ThrottleScope.ACCOUNT: ThrottleRule(
                self.account_attempts, FIRST_DELAY, self.account_max_delay
            ),
        }


@dataclass(frozen=True)
class SessionPolicy:
    """How long a page session lasts: at most `lifetime`, and `idle_timeout` without use."""

    lifetime: timedelta
    idle_timeout: timedelta

    @classmethod
    def from_settings(cls, settings: Settings) -> "SessionPolicy":
        """The limits configured in the settings."""
        return cls(
            lifetime=timedelta(seconds=settings.session_lifetime_seconds),
            idle_timeout=timedelta(seconds=settings.session_idle_timeout_seconds),
        )


async def end_sessions(session: AsyncSession, user_id: uuid.UUID) -> None:
    """End every page session of the user at once; the caller commits."""
    await session.execute(sa.delete(WebSession).where(col(WebSession.user_id) == user_id))


class AuthService:
    """Checks credentials and resolves page sessions and bearer tokens to a Principal."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def authenticate(
        self, email: str, password: str, policy: LoginPolicy, client: str = LOCAL_CLIENT
    ) -> Principal:
        """Check an email and password sent from a client address; raise 401, or 429 to wait.

        The attempt is reserved first and that transaction committed, so the slow password
        check holds no lock (nor SQLite's write lock) and runs off the event loop.
        """
        email = email.strip().lower()
        keys = throttle_keys(email, client)
        await reserve_attempt(self.session, keys, policy.rules(), policy.window, utc_now())
        account = (
            await self.session.execute(
                sa.select(*_PRINCIPAL_COLUMNS, col(User.password_hash), col(User.is_active)).where(
                    col(User.email) == email
                )
            )
        ).first()
        await self.session.commit()
        stored_hash = account.password_hash if account else _DUMMY_HASH
        matches = await asyncio.to_thread(_password_matches, stored_hash, password)
        if not matches or account is None or not account.is_active:
            raise AuthenticationError(
                "The email or password is not right", code="invalid_credentials"
            )
        await settle_success(self.session, keys)
        await self.session.commit()
        return _principal(account)

    async def issue_token(self, user_id: uuid.UUID, name: str, lifetime: timedelta) -> IssuedToken:
        """Create a bearer token for a user."""
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        expires_at = utc_now() + lifetime
        self.session.add(
            ApiToken(
                user_id=user_id, name=name, token_hash=hash_token(token), expires_at=expires_at
            )
        )
        await self.session.commit()
        return IssuedToken(token=token, expires_at=expires_at)

    async def principal_from_token(self, token: str) -> Principal | None:
        """The active user a live bearer token belongs to, if any."""
        row = (
            await self.session.execute(
                sa.select(*_PRINCIPAL_COLUMNS)
                .join(ApiToken, col(ApiToken.user_id) == col(User.id))
                .where(
                    col(ApiToken.token_hash) == hash_token(token),
                    col(ApiToken.revoked_at).is_(None),
                    col(ApiToken.expires_at) > utc_now(),
                    col(User.is_active).is_(True),
                )
            )
        ).first()
        return _principal(row) if row else None

    async def revoke_token(self, token: str) -> None:
        """Make a bearer token unusable (sign-out from the API)."""
        await self.session.execute(
            sa.update(ApiToken)
            .where(col(ApiToken.token_hash) == hash_token(token))
            .values(revoked_at=utc_now())
        )
        await self.session.commit()

    async def start_session(self, user_id: uuid.UUID, policy: SessionPolicy) -> str:
        """Begin a page session for a user; the token is for the cookie and is not stored."""
        token = secrets.token_urlsafe(32)
        now = utc_now()
        # Tidy away this user's sessions that have ended anyway, so the table stays small.
        await self.session.execute(
            sa.delete(WebSession).where(
                col(WebSession.user_id) == user_id,
                sa.or_(
                    col(WebSession.expires_at) <= now,
                    col(WebSession.last_seen_at) <= now - policy.idle_timeout,
                ),
            )
        )
        self.session.add(
            WebSession(
                user_id=user_id,
                token_hash=hash_token(token),
                created_at=now,
                last_seen_at=now,
                expires_at=now + policy.lifetime,
            )
        )
        await self.session.commit()
        return token

    async def principal_from_session(self, token: str, policy: SessionPolicy) -> Principal | None:
        """The active user of a live page session, if any; notes that the session was used."""
        now = utc_now()
        token_hash = hash_token(token)
        row = (
            await self.session.execute(
                sa.select(*_PRINCIPAL_COLUMNS, col(WebSession.last_seen_at))
                .join(WebSession, col(WebSession.user_id) == col(User.id))
                .where(
                    col(WebSession.token_hash) == token_hash,
                    col(WebSession.expires_at) > now,
                    col(WebSession.last_seen_at) > now - policy.idle_timeout,
                    col(User.is_active).is_(True),
                )
            )
        ).first()
        if row is None:
            return None
        if now - row.last_seen_at >= LAST_SEEN_RESOLUTION:
            await self._note_seen(token_hash, now)
        return _principal(row)

    async def _note_seen(self, token_hash: str, now: datetime) -> None:
        # One small write, at most once a minute per session. If the database is busy the
        # request goes on regardless: the next request tries again, long before the idle
        # timeout could end the session.
        try:
            await self.session.execute(
                sa.update(WebSession)
                .where(
                    col(WebSession.token_hash) == token_hash,
                    col(WebSession.last_seen_at) < now - LAST_SEEN_RESOLUTION,
                )
                .values(last_seen_at=now)
            )
            await self.session.commit()
        except sa.exc.DBAPIError:
            await self.session.rollback()
            logger.warning("Could not note a session's use; the next request will", exc_info=True)

    async def end_session(self, token: str) -> None:
        """End one page session (sign-out)."""
        await self.session.execute(
            sa.delete(WebSession).where(col(WebSession.token_hash) == hash_token(token))
        )
        await self.session.commit()
