"""Domain exceptions. Services raise these; `procurement.api.errors` maps them to HTTP."""

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class FieldError:
    """One problem with one input field, named by its dotted path."""

    field: str
    message: str


@dataclass
class DomainError(Exception):
    """A rule the request broke. `code` is stable; `detail` is for people."""

    detail: str
    code: str = "domain_error"
    status_code: int = 400
    errors: list[FieldError] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.code}: {self.detail}"


class NotFoundError(DomainError):
    """The thing does not exist, or the caller may not know it exists."""

    def __init__(self, what: str) -> None:
        super().__init__(detail=f"{what} not found", code="not_found", status_code=404)


class ForbiddenError(DomainError):
    """The caller is known but may not do this."""

    def __init__(self, detail: str, code: str = "forbidden") -> None:
        super().__init__(detail=detail, code=code, status_code=403)


class AuthenticationError(DomainError):
    """No valid credentials were given."""

    def __init__(
        self, detail: str = "Authentication required", code: str = "not_authenticated"
    ) -> None:
        super().__init__(detail=detail, code=code, status_code=401)


class ConflictError(DomainError):
    """The request clashes with the current state of the data."""

    def __init__(self, detail: str, code: str, **extra: Any) -> None:
        super().__init__(detail=detail, code=code, status_code=409, extra=extra)


class StaleVersionError(ConflictError):
    """Someone else changed the record since the caller read it."""

    def __init__(self, what: str, current_version: int) -> None:
        super().__init__(
            f"{what} was changed by someone else (now version {current_version}); "
            "reload it and apply your change again",
            code="stale_version",
            current_version=current_version,
        )


class InputError(DomainError):
    """Input that is well-formed but breaks a rule, reported against its fields."""

    def __init__(self, errors: list[FieldError], detail: str = "The input is not valid") -> None:
        super().__init__(detail=detail, code="validation_error", status_code=422, errors=errors)

    @classmethod
    def single(cls, field_name: str, message: str) -> "InputError":
        """An error about one field."""
        return cls([FieldError(field_name, message)], detail=message)


class RateLimitedError(DomainError):
    """Too many attempts; try again later."""

    def __init__(self, detail: str, retry_after_seconds: int) -> None:
        super().__init__(
            detail=detail,
            code="too_many_attempts",
            status_code=429,
            extra={"retry_after_seconds": retry_after_seconds},
        )


class ReportTimeoutError(DomainError):
    """A report took longer to produce than the configured limit."""

    def __init__(self, seconds: float) -> None:
        super().__init__(
            detail=f"The report could not be produced within {seconds:g} seconds; try again later",
            code="report_timeout",
            status_code=503,
        )


class FileIntegrityError(DomainError):
    """A stored file's bytes differ from the SHA-256 recorded for them, so it is not served."""

    def __init__(self, subject: str) -> None:
        super().__init__(
            detail=f"The {subject} does not match the digest recorded when it was stored, so "
            "it is not served; this has been logged",
            code="integrity_error",
            status_code=500,
        )
