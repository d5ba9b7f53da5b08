"""What the catalogue and template list pages share: a search box and numbered pages."""

from typing import Annotated, Any

from litestar.params import QueryParameter
from litestar.response import Template

from procurement.schemas.common import Page
from procurement.web.rendering import Req, pagination, render

# The query parameters of a list page. The page number is read from `page`, a name the
# handlers keep for their page context.
Search = Annotated[str, QueryParameter(max_length=200)]
PageNumber = Annotated[int, QueryParameter(ge=1, le=100_000, name="page")]


def list_page(
    request: Req, template: str, found: Page[Any], q: str, number: int, **context: Any
) -> Template:
    """A page of a searchable list, with links to its other pages."""
    links = pagination(request.url.path, {"q": q}, number, found.total)
    return render(request, template, found=found, q=q, pagination=links, **context)
