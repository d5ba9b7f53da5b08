"""What every page shares: the signed-in user, the navigation, one-off banners and paging."""

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from litestar import Request
from litestar.background_tasks import BackgroundTask
from litestar.response import Redirect, Template

from procurement.domain.roles import Permission
from procurement.principal import Principal

FLASH_KEY = "flash"
ORGANISATION_KEY = "organisation_name"
PAGE_SIZE = 20

Req = Request[Any, Any, Any]


@dataclass(frozen=True)
class NavItem:
    """A link in the service header."""

    text: str
    href: str
    active: bool


# (text, href, permission needed to see it); None means every signed-in user.
_NAVIGATION: list[tuple[str, str, Permission | None]] = [
    ("Dashboard", "/", None),
    ("Tenders", "/tenders", Permission.READ_TENDERS),
    ("Suppliers", "/suppliers", Permission.READ_SUPPLIERS),
    ("Templates", "/weighting-templates", Permission.READ_TEMPLATES),
    ("Measures", "/measures", Permission.READ_MEASURES),
    ("Capital programme", "/capital-projects", Permission.READ_CAPITAL),
    ("Spend", "/spend/imports", Permission.READ_CAPITAL),
    ("Summaries", "/capital-summaries", Permission.READ_CAPITAL),
]


def current_user(request: Req) -> Principal | None:
    """The signed-in user, or None on open pages (sign-in, errors before authentication)."""
    user = request.scope.get("user")
    return user if isinstance(user, Principal) else None


def _session(request: Req) -> dict[str, Any] | None:
    session = request.scope.get("session")
    return session if isinstance(session, dict) else None


def navigation(request: Req, user: Principal | None) -> list[NavItem]:
    """The header links this user may follow, with the current section marked."""
    if user is None:
        return []
    path = request.url.path
    return [
        NavItem(text, href, path == href if href == "/" else path.startswith(href))
        for text, href, permission in _NAVIGATION
        if permission is None or user.can(permission)
    ]


def flash(request: Req, heading: str, body: str = "") -> None:
    """Show a success banner on the next page rendered for this session."""
    session = _session(request)
    if session is None:
        session = {}
        request.set_session(session)
    session[FLASH_KEY] = {"heading": heading, "body": body}


def _take_flash(request: Req) -> dict[str, str] | None:
    session = _session(request)
    message = session.pop(FLASH_KEY, None) if session else None
    return message if isinstance(message, dict) else None


def render(
    request: Req,
    template: str,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> Template:
    """A page, with the context the layout needs (user, navigation, banner)."""
    user = current_user(request)
    session = _session(request) or {}
    shared = {
        "user": user,
        "organisation_name": session.get(ORGANISATION_KEY, "") if user else "",
        "navigation": navigation(request, user),
        "flash": _take_flash(request),
    }
    return Template(
        template_name=template,
        context={**shared, **context},
        status_code=status_code,
        headers=headers,
    )


def see_other(path: str, background: BackgroundTask | None = None) -> Redirect:
    """Redirect after a successful form post, so a refresh does not post it again; any
    `background` task runs once the redirect is sent."""
    return Redirect(path=path, status_code=303, background=background)


@dataclass(frozen=True)
class PageLink:
    """One numbered link in GOV.UK pagination, or an ellipsis when `number` is None."""

    number: int | None
    href: str
    current: bool = False


@dataclass(frozen=True)
class Pagination:
    """GOV.UK pagination for a list page."""

    previous: str | None
    next: str | None
    items: list[PageLink]


def page_offset(page: int) -> int:
    """The offset of a 1-based page number."""
    return (max(page, 1) - 1) * PAGE_SIZE


def pagination(path: str, query: dict[str, str], page: int, total: int) -> Pagination | None:
    """Links to the other pages of a list, keeping its filters; None when it fits on one page."""
    pages = max(1, -(-total // PAGE_SIZE))
    if pages == 1:
        return None

    def href(number: int) -> str:
        kept = {k: v for k, v in query.items() if v}
        return f"{path}?{urlencode({**kept, 'page': number})}"

    # First, last and the current page's neighbours; gaps become ellipses.
    shown = sorted({1, pages, page - 1, page, page + 1} & set(range(1, pages + 1)))
    items: list[PageLink] = []
    for number in shown:
        if items and items[-1].number is not None and number - items[-1].number > 1:
            items.append(PageLink(None, ""))
        items.append(PageLink(number, href(number), current=number == page))
    return Pagination(
        previous=href(page - 1) if page > 1 else None,
        next=href(page + 1) if page < pages else None,
        items=items,
    )
