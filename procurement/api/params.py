"""Query parameters shared by the list endpoints."""

from dataclasses import dataclass
from typing import Annotated

from litestar.params import QueryParameter

from procurement.schemas.common import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE


@dataclass(frozen=True)
class Paging:
    """Which slice of a list to return."""

    limit: int
    offset: int


def provide_paging(
    limit: Annotated[
        int, QueryParameter(ge=1, le=MAX_PAGE_SIZE, description="Page size")
    ] = DEFAULT_PAGE_SIZE,
    offset: Annotated[int, QueryParameter(ge=0, le=10_000_000, description="Items to skip")] = 0,
) -> Paging:
    """Paging from the `limit` and `offset` query parameters."""
    return Paging(limit=limit, offset=offset)
