"""A tender's timeline: its audit events in order, each with what it changed."""

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from procurement.domain.roles import Permission
from procurement.schemas.audit import AuditEventRead
from procurement.services.audit import AuditFilter, AuditService
from procurement.services.tenders import TenderService
from procurement.web.access import requires
from procurement.web.filters import london_datetime
from procurement.web.rendering import PAGE_SIZE, Req, page_offset, pagination, render
from procurement.web.tenders import Page

# Bookkeeping every record carries; a reader learns nothing from seeing it change.
NOT_SHOWN = frozenset({"id", "organisation_id", "created_at", "updated_at", "version"})
NOT_SET = "Not set"
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_ABSENT = object()


@dataclass(frozen=True)
class Change:
    """One field an event changed, in words."""

    field: str
    before: str
    after: str


@dataclass(frozen=True)
class TimelineEntry:
    """An audit event and the changes it made."""

    event: AuditEventRead
    changes: list[Change]


def _flatten(value: Any, path: str = "") -> dict[str, Any]:
    """Nested records as {dotted path: value}; lists of plain values stay whole."""
    if isinstance(value, dict):
        items = list(value.items())
    elif isinstance(value, list) and any(isinstance(v, dict | list) for v in value):
        items = [(str(i), v) for i, v in enumerate(value)]
    else:
        return {path: value}
    flat: dict[str, Any] = {}
    for key, item in items:
        flat |= _flatten(item, f"{path}.{key}" if path else str(key))
    return flat


def _label(path: str) -> str:
    """`criteria.groups.0.weight` as `Criteria / groups 1 / weight`."""
    words: list[str] = []
    for part in path.split("."):
        if part.isdigit() and words:
            words[-1] += f" {int(part) + 1}"
        else:
            words.append(part.replace("_", " "))
    label = " / ".join(words)
    return label[:1].upper() + label[1:]


def _shown(value: Any) -> str:
    """A stored value as a person reads it."""
    if value is None or value is _ABSENT:
        return NOT_SET
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(map(str, value)) if value else "None"
    if isinstance(value, str) and _TIMESTAMP.match(value):
        try:
            return london_datetime(datetime.fromisoformat(value))
        except ValueError:
            return value
    return str(value) if value != "" else "Blank"


def _empty(value: Any) -> bool:
    return value is _ABSENT or value is None or (isinstance(value, str | list | dict) and not value)


def changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[Change]:
    """The fields whose values differ between the record before and after, in order."""
    old, new = _flatten(before or {}), _flatten(after or {})
    found = []
    for path in dict.fromkeys([*old, *new]):
        was, now = old.get(path, _ABSENT), new.get(path, _ABSENT)
        # Nothing to nothing (a blank field appearing, an empty list giving way to its
        # first items) tells a reader nothing.
        if was == now or (_empty(was) and _empty(now)):
            continue
        if path.rsplit(".", 1)[-1] not in NOT_SHOWN:
            found.append(Change(_label(path), _shown(was), _shown(now)))
    return found


class TimelinePages(Controller):
    """The audit timeline of one tender, for those who may read the audit trail."""

    path = "/tenders"
    include_in_schema = False

    @get("/{tender_id:uuid}/timeline", guards=requires(Permission.READ_AUDIT))
    async def tender_timeline(
        self,
        request: Req,
        tender_id: FromPath[uuid.UUID],
        tenders: NamedDependency[TenderService],
        audit: NamedDependency[AuditService],
        page: Page = 1,
    ) -> Template:
        """Every recorded change to the tender, its criteria and its bids, oldest first."""
        tender = await tenders.get(tender_id)
        events = await audit.list(
            AuditFilter(tender_id=tender_id), limit=PAGE_SIZE, offset=page_offset(page)
        )
        return render(
            request,
            "pages/tenders/timeline.html",
            tender=tender,
            total=events.total,
            entries=[TimelineEntry(e, changes(e.before, e.after)) for e in events.items],
            pagination=pagination(f"/tenders/{tender_id}/timeline", {}, page, events.total),
        )
