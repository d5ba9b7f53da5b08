"""Query parameters shared by the list endpoints."""

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from litestar.params import QueryParameter

from procurement.errors import InputError
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


def moment(text: str | None, name: str) -> datetime | None:
    """The time in a query parameter whose pattern Litestar has checked (ISO 8601, with a
    timezone), or a 422 naming the parameter when it is no real time (the 30th of February).

    Read as text and parsed here, because Litestar would also read a number as seconds
    since 1970.
    """
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise InputError.single(name, f"{text} is not a time that exists") from None
