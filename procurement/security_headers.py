"""Security headers on every response: pages, the API, errors, static files and the API docs.

Pages load scripts and styles only from this site (no inline script or style at all), may not
be framed, and tell browsers not to guess content types or leak addresses to other sites.
The headers are added as the response starts, after routing and error handling, so a 404,
a 405 or a 500 gets them as well. A response that sets its own Content-Security-Policy (a
published HTML file, say) keeps it.
"""

from collections.abc import Mapping

from litestar.datastructures import MutableScopeHeaders
from litestar.types import BeforeMessageSendHookHandler, Message, Scope

from procurement.config import Environment, Settings

# The service's own pages, scripts, styles, images and fonts all come from this site. Images
# may also be data: URLs (the page icon is an empty one).
_SITE_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
# The interactive API documentation (Scalar at /schema, Swagger UI at /schema/swagger) is
# rendered by Litestar, loads its viewer from a CDN and starts it with an inline script and
# inline styles. It shows only the public API description, so it gets what it needs.
DOCS_CDN = "https://cdn.jsdelivr.net"
_DOCS_POLICY = {
    **_SITE_POLICY,
    "script-src": f"'self' 'unsafe-inline' {DOCS_CDN}",
    "style-src": f"'self' 'unsafe-inline' {DOCS_CDN}",
    "img-src": f"'self' data: {DOCS_CDN}",
    "font-src": f"'self' data: {DOCS_CDN} https://fonts.scalar.com",
}
DOCS_PREFIX = "/schema"
# In production the service is reached over HTTPS only (in development it runs on plain
# http://127.0.0.1, where these would stop it loading its own files or opening in a tab).
_PRODUCTION_DIRECTIVES = {"upgrade-insecure-requests": ""}
_PRODUCTION_HEADERS = {
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"


def content_security_policy(directives: Mapping[str, str]) -> str:
    """A Content-Security-Policy header value from its directives."""
    return "; ".join(f"{name} {value}".strip() for name, value in directives.items())


def _is_docs_page(path: str, headers: MutableScopeHeaders) -> bool:
    in_docs = path == DOCS_PREFIX or path.startswith(DOCS_PREFIX + "/")
    return in_docs and headers.get("content-type", "").startswith("text/html")


def security_headers(settings: Settings) -> BeforeMessageSendHookHandler:
    """A hook adding the security headers to the start of every HTTP response."""
    production = settings.environment is Environment.PRODUCTION
    extra_directives = _PRODUCTION_DIRECTIVES if production else {}
    site_policy = content_security_policy({**_SITE_POLICY, **extra_directives})
    docs_policy = content_security_policy({**_DOCS_POLICY, **extra_directives})
    fixed = {
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        # Addresses (which name tenders and bids) are never sent to other sites.
        "Referrer-Policy": "same-origin",
        **(_PRODUCTION_HEADERS if production else {}),
        **({"Strict-Transport-Security": HSTS} if settings.secure_cookies else {}),
    }

    def add_headers(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        headers = MutableScopeHeaders.from_message(message)
        if "content-security-policy" not in headers:
            docs = _is_docs_page(scope["path"], headers)
            headers["Content-Security-Policy"] = docs_policy if docs else site_policy
        for name, value in fixed.items():
            headers[name] = value

    return add_headers
