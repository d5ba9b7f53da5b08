"""Errors on pages: sign-in redirects and friendly GOV.UK-styled error pages.

The API keeps its JSON errors; `pages_or_api` puts a path check in front of each API handler so
that one exception map serves both.
"""

import logging
from collections.abc import Callable
from typing import Any

from litestar import Response
from litestar.exceptions import HTTPException, NotAuthorizedException, PermissionDeniedException
from litestar.response import Redirect
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from litestar.types import ExceptionHandlersMap

from procurement.errors import DomainError
from procurement.web.rendering import Req, render

logger = logging.getLogger(__name__)

# Paths that answer in JSON even when something goes wrong.
NON_PAGE_PREFIXES = ("/api/", "/schema", "/health")
CSRF_FAILURE = "CSRF token verification failed"

# status -> (heading, what to tell the person)
_PAGES: dict[int, tuple[str, str]] = {
    400: ("There is a problem with the request", "Check the web address and try again."),
    403: ("You cannot do this", "Your role does not allow this."),
    404: (
        "Page not found",
        "If you typed the web address, check it is correct. "
        "If you pasted the web address, check you copied the entire address.",
    ),
    405: ("There is a problem with the request", "This page cannot be used that way."),
    409: ("This could not be done", "The record has changed. Go back and try again."),
    413: ("The file is too big", "Upload a smaller file, or split it into several."),
    415: ("There is a problem with the request", "Upload the file as a form or as CSV."),
    422: ("There is a problem with the request", "Check what you entered and try again."),
    429: ("Too many attempts", "Wait a while, then try again."),
    500: ("Sorry, there is a problem with the service", "Try again later."),
    503: ("Sorry, the service is busy", "Try again later."),
}


def is_page(request: Req) -> bool:
    """True for web pages, false for the API, its schema and the health check."""
    return not request.url.path.startswith(NON_PAGE_PREFIXES)


def sign_in_redirect(request: Req) -> Redirect:
    """Send someone who is not signed in to the sign-in page, then back to where they were."""
    if request.method not in {"GET", "HEAD"}:
        return Redirect(path="/login", status_code=303)
    wanted = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return Redirect(path="/login", query_params={"next": wanted}, status_code=303)


def _status_and_message(exc: Exception) -> tuple[int, str | None]:
    if isinstance(exc, DomainError):
        return exc.status_code, exc.detail  # written for people, and safe to show
    if isinstance(exc, PermissionDeniedException) and exc.detail == CSRF_FAILURE:
        return 403, (
            "The form could not be sent, because the page was open too long or cookies are "
            "blocked. Go back, reload the page and try again."
        )
    if isinstance(exc, HTTPException):
        return exc.status_code, None
    return HTTP_500_INTERNAL_SERVER_ERROR, None


def page_error(request: Req, exc: Exception) -> Response[Any]:
    """The response for an error on a page."""
    if isinstance(exc, NotAuthorizedException) or (
        isinstance(exc, DomainError) and exc.status_code == 401
    ):
        return sign_in_redirect(request)
    status, message = _status_and_message(exc)
    if status >= HTTP_500_INTERNAL_SERVER_ERROR and not isinstance(exc, DomainError):
        logger.exception("Unhandled error on a page", exc_info=exc)
    heading, default = _PAGES.get(status, _PAGES[500 if status >= 500 else 400])
    return render(
        request,
        "pages/error.html",
        status_code=status,
        heading=heading,
        message=message or default,
    )


Handler = Callable[[Req, Any], Response[Any]]


def _dispatch(api_handler: Handler) -> Handler:
    def handle(request: Req, exc: Exception) -> Response[Any]:
        if is_page(request):
            return page_error(request, exc)
        return api_handler(request, exc)

    return handle


def pages_or_api(api_handlers: ExceptionHandlersMap) -> ExceptionHandlersMap:
    """The API's exception handlers, answering page requests with pages instead."""
    return {key: _dispatch(handler) for key, handler in api_handlers.items()}
