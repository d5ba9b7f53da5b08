"""Sign-in, password hashing, rate limiting of failed logins, and bearer tokens."""

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from procurement.config import Settings
from procurement.errors import AuthenticationError, RateLimitedError
from procurement.models import ApiToken, LoginAttempt, User
from procurement.models.base import utc_now
from procurement.principal import Principal

_hasher = PasswordHasher()
# Verifying against this keeps a failed login for an unknown email as slow as a wrong password,
# so response times do not reveal which emails have accounts.
_DUMMY_HASH = _hasher.hash("not-a-real-password")
TOKEN_PREFIX = "pst_"  # noqa: S105  (marks our tokens for secret scanners)


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    return _hasher.hash(password)


def _password_matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def hash_token(token: str) -> str:
    """The stored form of a bearer token."""
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


@dataclass(frozen=True)
class IssuedToken:
    """A new bearer token; the secret is shown once and never stored."""

    token: str
    expires_at: datetime


@dataclass(frozen=True)
class LoginPolicy:
    """How many failed logins an email may have within a window."""

    attempts: int
    window: timedelta

    @classmethod
    def from_settings(cls, settings: Settings) -> "LoginPolicy":
        """The limit configured in the settings (the API and the sign-in page share it)."""
        return cls(
            attempts=settings.login_attempt_limit,
            window=timedelta(seconds=settings.login_attempt_window_seconds),
        )


class AuthService:
    """Checks credentials and resolves sessions and tokens to a Principal."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def authenticate(self, email: str, password: str, policy: LoginPolicy) -> Principal:
        """Check an email and password, counting failures; raise 401 or 429."""
        email = email.strip().lower()
        since = utc_now() - policy.window
        failures = await self.session.scalar(
            sa.select(sa.func.count())
            .select_from(LoginAttempt)
            .where(
                col(LoginAttempt.email) == email,
                col(LoginAttempt.attempted_at) >= since,
                col(LoginAttempt.succeeded).is_(False),
            )
        )
        if (failures or 0) >= policy.attempts:
            raise RateLimitedError(
                "Too many failed sign-in attempts for this email. Try again later.",
                retry_after_seconds=int(policy.window.total_seconds()),
            )
        user = await self.session.scalar(sa.select(User).where(col(User.email) == email))
        ok = _password_matches(user.password_hash if user else _DUMMY_HASH, password)
        succeeded = bool(ok and user is not None and user.is_active)
        self.session.add(LoginAttempt(email=email, succeeded=succeeded))
        await self.session.commit()
        if not succeeded or user is None:
            raise AuthenticationError(
                "The email or password is not right", code="invalid_credentials"
            )
        return principal_for(user)

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
        user = await self.session.scalar(
            sa.select(User)
            .join(ApiToken, col(ApiToken.user_id) == col(User.id))
            .where(
                col(ApiToken.token_hash) == hash_token(token),
                col(ApiToken.revoked_at).is_(None),
                col(ApiToken.expires_at) > utc_now(),
                col(User.is_active).is_(True),
            )
        )
        return principal_for(user) if user else None

    async def principal_from_user_id(self, user_id: uuid.UUID) -> Principal | None:
        """The active user a web session belongs to, if any."""
        user = await self.session.get(User, user_id)
        return principal_for(user) if user and user.is_active else None

    async def revoke_token(self, token: str) -> None:
        """Make a bearer token unusable (sign-out from the API)."""
        await self.session.execute(
            sa.update(ApiToken)
            .where(col(ApiToken.token_hash) == hash_token(token))
            .values(revoked_at=utc_now())
        )
        await self.session.commit()
