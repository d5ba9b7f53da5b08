"""Throttling of failed sign-ins by account, by client address, and by the two together.

Each subject has a counter row. An attempt is reserved (counted as a failure) in the same
transaction that checks the limit, with the rows locked, before the password is checked; a
success gives the reservation back. So parallel attempts, in any number of worker processes,
can never get more password checks than the limit allows.

- One account from one address: a few free tries, then waits that start at half a minute and
  double up to the window. This is the guesser's own rate.
- One address across accounts: more free tries, then delays that double up to the window, so
  trying many emails from one address is slowed down too.
- One account across addresses: free tries, then doubling delays with a low cap, so that a
  guesser spread over many addresses stays slow while the real user, from an address of
  their own, waits at most the cap: they are never locked out.
"""

import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from procurement.errors import RateLimitedError
from procurement.models import SignInThrottle

# The first wait once a subject's free tries are used up; each further failure doubles it.
FIRST_DELAY = timedelta(seconds=1)
# One account from one address starts longer: that is one guesser's own rate, and a person
# who mistyped five times can wait half a minute. It still doubles only up to the window,
# so nobody, the account holder included, is ever locked out for longer.
ACCOUNT_FROM_CLIENT_FIRST_DELAY = timedelta(seconds=30)
_MAX_DOUBLINGS = 24  # 2**24 seconds is far beyond any cap; keeps the arithmetic bounded


class ThrottleScope(StrEnum):
    """What a counter counts the failures of."""

    ACCOUNT_FROM_CLIENT = "account_client"
    CLIENT = "client"
    ACCOUNT = "account"


_REFUSALS = {
    ThrottleScope.ACCOUNT_FROM_CLIENT: "Too many failed sign-in attempts for this email.",
    ThrottleScope.ACCOUNT: "Too many failed sign-in attempts for this email.",
    ThrottleScope.CLIENT: "Too many failed sign-in attempts from your network.",
}


@dataclass(frozen=True)
class ThrottleRule:
    """Failures allowed freely, then a wait after each further one that doubles up to a cap."""

    free: int
    first_delay: timedelta
    max_delay: timedelta

    def delay_after(self, failures: int) -> timedelta:
        """How long after the last attempt the next may start, with this many failures."""
        if failures < self.free:
            return timedelta(0)
        doublings = min(failures - self.free, _MAX_DOUBLINGS)
        delay: timedelta = self.first_delay * 2**doublings
        return min(delay, self.max_delay)


def wait_before_next(
    rule: ThrottleRule, failures: int, last_attempt_at: datetime, window: timedelta, now: datetime
) -> timedelta:
    """How long until a subject may try again; failures older than the window are forgotten."""
    if now - last_attempt_at >= window:
        return timedelta(0)
    return max(last_attempt_at + rule.delay_after(failures) - now, timedelta(0))


def throttle_keys(email: str, client: str) -> dict[ThrottleScope, str]:
    """The counter key of each scope for an attempt: the scope and a digest of its subject."""
    subjects = {
        ThrottleScope.ACCOUNT_FROM_CLIENT: f"{email}\n{client}",
        ThrottleScope.CLIENT: client,
        ThrottleScope.ACCOUNT: email,
    }
    return {
        scope: f"{scope.value}:{hashlib.sha256(subject.encode()).hexdigest()}"
        for scope, subject in subjects.items()
    }


async def reserve_attempt(
    session: AsyncSession,
    keys: Mapping[ThrottleScope, str],
    rules: Mapping[ThrottleScope, ThrottleRule],
    window: timedelta,
    now: datetime,
) -> None:
    """Count an attempt as a failure now, or raise 429 if any of its subjects must wait.

    The caller commits. The counters are created if missing, then locked (FOR UPDATE on
    PostgreSQL; SQLite serialises write transactions) before they are read, so two attempts
    can never both see the last free try.
    """
    ordered = sorted(keys.values())  # one lock order for every attempt: no deadlocks
    dialect = (await session.connection()).dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    await session.execute(
        insert(SignInThrottle)
        .values([{"key": key, "failures": 0, "last_attempt_at": now} for key in ordered])
        .on_conflict_do_nothing()
    )
    counters = {
        row.key: row
        for row in await session.scalars(
            sa.select(SignInThrottle)
            .where(col(SignInThrottle.key).in_(ordered))
            .order_by(col(SignInThrottle.key))
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    }
    waits = {
        scope: wait_before_next(
            rules[scope], counters[key].failures, counters[key].last_attempt_at, window, now
        )
        for scope, key in keys.items()
    }
    scope, wait = max(waits.items(), key=lambda item: item[1])
    if wait > timedelta(0):
        # Commit (no more than the empty counters just made) rather than roll back: a
        # rollback would expire every row the caller's session holds.
        await session.commit()
        raise RateLimitedError(
            f"{_REFUSALS[scope]} Try again later.",
            retry_after_seconds=math.ceil(wait.total_seconds()),
        )
    for counter in counters.values():
        forgotten = now - counter.last_attempt_at >= window
        counter.failures = 1 if forgotten else counter.failures + 1
        counter.last_attempt_at = now


async def settle_success(session: AsyncSession, keys: Mapping[ThrottleScope, str]) -> None:
    """Give back a successful attempt's reservation; the caller commits.

    The account's own address starts afresh; the address and account counters keep other
    failures, so signing in to an account of one's own does not reset a guesser's count.
    """
    await session.execute(
        sa.delete(SignInThrottle).where(
            col(SignInThrottle.key) == keys[ThrottleScope.ACCOUNT_FROM_CLIENT]
        )
    )
    await session.execute(
        sa.update(SignInThrottle)
        .where(
            col(SignInThrottle.key).in_([keys[ThrottleScope.CLIENT], keys[ThrottleScope.ACCOUNT]]),
            col(SignInThrottle.failures) > 0,
        )
        .values(failures=col(SignInThrottle.failures) - 1)
    )
