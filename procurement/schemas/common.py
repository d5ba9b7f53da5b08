"""Shapes shared by every resource: pages of results and error bodies."""

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


class Page(BaseModel, Generic[T]):
    """One page of a list, with the total number of matching items."""

    items: list[T]
    total: int
    limit: int
    offset: int


class FieldErrorBody(BaseModel):
    """A problem with one input field."""

    field: str
    message: str


class ErrorBody(BaseModel):
    """Every error response: a stable `code`, a human `detail`, and field errors if any."""

    code: str = Field(examples=["validation_error"])
    detail: str
    errors: list[FieldErrorBody] = Field(default_factory=list)
    extra: dict[str, Any] = Field(default_factory=dict)
