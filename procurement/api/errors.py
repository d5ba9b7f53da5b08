"""One place that turns exceptions into JSON error bodies with a stable `code`."""

import logging
from typing import Any

from litestar import MediaType, Request, Response
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.openapi.datastructures import ResponseSpec
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from litestar.types import ExceptionHandlersMap

from procurement.errors import DomainError, FieldError
from procurement.schemas.common import ErrorBody, FieldErrorBody

logger = logging.getLogger(__name__)

_HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "too_many_attempts",
    503: "service_unavailable",
}


def _documented(description: str) -> ResponseSpec:
    return ResponseSpec(data_container=ErrorBody, description=description)


ERROR_RESPONSES: dict[int, ResponseSpec] = {
    400: _documented("The request could not be read"),
    401: _documented("No valid bearer token"),
    403: _documented("Your role, or the state of the record, does not allow this"),
    404: _documented("No such record in your organisation"),
    409: _documented("Wrong state, a clash, or a stale version"),
    422: _documented("Field-level validation errors"),
}
RATE_LIMITED_RESPONSE = _documented("Too many failed attempts; see Retry-After")
REPORT_TIMEOUT_RESPONSE = _documented("The report took too long to produce (`report_timeout`)")
INTEGRITY_ERROR_RESPONSE = _documented(
    "The stored file does not match its recorded SHA-256, so it is not served (`integrity_error`)"
)


def error_body(error: DomainError) -> ErrorBody:
    """The JSON body for a domain error."""
    return ErrorBody(
        code=error.code,
        detail=error.detail,
        errors=[FieldErrorBody(field=e.field, message=e.message) for e in error.errors],
        extra=error.extra,
    )


def _json(
    body: ErrorBody, status_code: int, headers: dict[str, str] | None = None
) -> Response[Any]:
    return Response(
        content=body.model_dump(mode="json"),
        status_code=status_code,
        media_type=MediaType.JSON,
        headers=headers,
    )


def field_errors_from_validation(exc: ValidationException) -> list[FieldError]:
    """Field errors from Litestar's request validation, with dotted field paths."""
    extra = exc.extra if isinstance(exc.extra, list) else []
    errors = []
    for item in extra:
        if isinstance(item, dict):
            field = str(item.get("key") or item.get("source") or "body")
            message = str(item.get("message", "Invalid value")).removeprefix("Value error, ")
            if field == "data" and item.get("source") == "body":  # no body was sent at all
                field, message = "body", "Send the request body as a JSON object"
            errors.append(FieldError(field=field, message=message))
    return errors


def handle_domain_error(_request: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    """A domain error as JSON."""
    headers = None
    if "retry_after_seconds" in exc.extra:
        headers = {"Retry-After": str(exc.extra["retry_after_seconds"])}
    return _json(error_body(exc), exc.status_code, headers)


def handle_validation_error(
    _request: Request[Any, Any, Any], exc: ValidationException
) -> Response[Any]:
    """Request validation failures become 422 with a message per field."""
    errors = field_errors_from_validation(exc)
    if not errors:  # the body was not JSON at all, or could not be decoded
        return _json(ErrorBody(code="bad_request", detail=str(exc.detail)), 400)
    body = ErrorBody(
        code="validation_error",
        detail="The input is not valid",
        errors=[FieldErrorBody(field=e.field, message=e.message) for e in errors],
    )
    return _json(body, 422)


def handle_http_error(_request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    """Framework errors (unknown route, wrong method, missing auth) in the same JSON shape."""
    status = exc.status_code
    code = _HTTP_CODES.get(status, "http_error")
    if isinstance(exc, NotAuthorizedException):
        code = "not_authenticated"
    elif isinstance(exc, PermissionDeniedException):
        code = "forbidden"
    elif isinstance(exc, NotFoundException):
        code = "not_found"
    return _json(ErrorBody(code=code, detail=str(exc.detail)), status, exc.headers)


def handle_unexpected_error(_request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """A bug: log it with its traceback, tell the caller nothing internal."""
    logger.exception("Unhandled error", exc_info=exc)
    body = ErrorBody(code="internal_error", detail="Something went wrong; it has been logged")
    return _json(body, HTTP_500_INTERNAL_SERVER_ERROR)


API_EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    DomainError: handle_domain_error,
    ValidationException: handle_validation_error,
    HTTPException: handle_http_error,
    Exception: handle_unexpected_error,
}
