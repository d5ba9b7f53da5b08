"""Form handling: read posted fields, validate them with the API schemas, and turn every
problem into the GOV.UK error summary and field messages."""

import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from litestar import Request
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from procurement.errors import ConflictError, DomainError, InputError
from procurement.web.filters import LONDON, to_london

ModelT = TypeVar("ModelT", bound=BaseModel)
ResultT = TypeVar("ResultT")

CSRF_FIELD = "_csrf_token"


@dataclass(frozen=True)
class ErrorItem:
    """One line of the error summary: a message, and the field it belongs to if any."""

    message: str
    field: str | None = None
    href: str | None = None


@dataclass
class Form:
    """What a form shows: the values as typed, and the errors to point out."""

    values: Mapping[str, Any] = field(default_factory=dict)
    errors: list[ErrorItem] = field(default_factory=list)

    def value(self, name: str, default: Any = "") -> Any:
        """The value to put back in a field."""
        return self.values.get(name, default)

    def error(self, name: str) -> str | None:
        """The message to show beside a field, if it has one."""
        return next((e.message for e in self.errors if e.field == name), None)


@dataclass(frozen=True)
class FieldSpec:
    """How a schema field appears on a form: its label in messages and the element to link to."""

    label: str
    required: str = ""
    anchor: str = ""


class FormSpec:
    """The fields of one form, in page order, for messages and error summary links."""

    def __init__(self, **fields: FieldSpec) -> None:
        self.fields = fields

    def item(self, name: str | None, message: str) -> ErrorItem:
        """An error about a field, linking to it; or about the whole form (hidden fields too)."""
        spec = self.fields.get(name) if name else None
        if name is None or spec is None:
            return ErrorItem(message)
        return ErrorItem(message, name, f"#{spec.anchor or name}")

    def _message(self, name: str, error: ErrorDetails) -> str:
        spec = self.fields.get(name, FieldSpec(label=name.replace("_", " ").capitalize()))
        kind = error["type"]
        context = error.get("ctx", {})
        if kind in {"missing", "string_too_short"} and spec.required:
            return spec.required
        if kind in {"decimal_parsing", "decimal_type", "int_parsing", "int_type"}:
            return f"{spec.label} must be a number"
        if kind == "greater_than":
            return f"{spec.label} must be more than {context.get('gt', 0)}"
        if kind == "decimal_max_places":
            return f"{spec.label} can have no more than 2 decimal places (pence)"
        if kind == "decimal_max_digits":
            return f"{spec.label} is too large"
        if kind == "string_too_long":
            return f"{spec.label} must be {context.get('max_length')} characters or fewer"
        if kind == "too_long":
            return f"{spec.label}: give no more than {context.get('max_length')}"
        return str(error["msg"]).removeprefix("Value error, ")

    def errors_from(self, exc: ValidationError) -> list[ErrorItem]:
        """GOV.UK messages for a schema's validation errors."""
        errors = []
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else None
            errors.append(self.item(name, self._message(name or "", error)))
        return errors

    def validate(
        self,
        schema: type[ModelT],
        data: Mapping[str, Any],
        earlier: Iterable[ErrorItem] = (),
        ignore: Iterable[str] = (),
    ) -> tuple[ModelT | None, list[ErrorItem]]:
        """The schema built from `data`, or the errors (after any found while parsing fields).

        Fields in `ignore` failed to parse and were left out of `data`; the schema's own
        complaint about them ("missing") is dropped in favour of the earlier, clearer one.
        """
        errors = list(earlier)
        skipped = set(ignore)
        try:
            model = schema.model_validate(data)
        except ValidationError as exc:
            errors += [e for e in self.errors_from(exc) if e.field not in skipped]
            return None, self.ordered(errors)
        if errors:
            return None, self.ordered(errors)
        return model, []

    def from_domain(
        self, exc: DomainError, by_code: Mapping[str, str] | None = None
    ) -> list[ErrorItem]:
        """Errors for a rule the service refused: per field when it names one, else for the form.

        `by_code` ties an error code (such as `deadline_not_reached`) to the field that fixes it.
        """
        if exc.errors:
            return self.ordered(self.item(e.field.split(".")[0], e.message) for e in exc.errors)
        return [self.item((by_code or {}).get(exc.code), exc.detail)]

    def ordered(self, errors: Iterable[ErrorItem]) -> list[ErrorItem]:
        """One error per field, in the order the fields appear on the page (form errors first)."""
        order = {name: i for i, name in enumerate(self.fields)}
        seen: set[str | None] = set()
        unique = []
        for error in errors:
            if error.field is None or error.field not in seen:
                seen.add(error.field)
                unique.append(error)
        return sorted(unique, key=lambda e: -1 if e.field is None else order.get(e.field, 0))


@dataclass(frozen=True)
class Outcome(Generic[ResultT]):
    """What came of a form post: the service's result, or the errors to show and their status."""

    result: ResultT | None = None
    errors: list[ErrorItem] = field(default_factory=list)
    status_code: int = 200


async def perform(
    spec: FormSpec,
    action: Callable[[], Awaitable[ResultT]],
    by_code: Mapping[str, str] | None = None,
) -> Outcome[ResultT]:
    """Call a service, turning the refusals a person can fix into errors on the form.

    Input and conflict errors (a rule, a stale version, a wrong state) go back to the form;
    anything else, such as a role that may not act, reaches the error page instead.
    """
    try:
        return Outcome(result=await action())
    except ValidationError as exc:  # a hidden field such as `version` was tampered with
        return Outcome(errors=spec.ordered(spec.errors_from(exc)), status_code=422)
    except (InputError, ConflictError) as exc:
        return Outcome(errors=spec.from_domain(exc, by_code), status_code=exc.status_code)


async def attempt(
    spec: FormSpec,
    schema: type[ModelT],
    data: Mapping[str, Any],
    action: Callable[[ModelT], Awaitable[ResultT]],
    *,
    earlier: Iterable[ErrorItem] = (),
    ignore: Iterable[str] = (),
    by_code: Mapping[str, str] | None = None,
) -> Outcome[ResultT]:
    """Validate a form with its schema, then hand the result to a service (see `perform`)."""
    model, errors = spec.validate(schema, data, earlier, ignore)
    if model is None:
        return Outcome(errors=errors, status_code=422)
    return await perform(spec, lambda: action(model), by_code)


async def read_form(request: Request[Any, Any, Any]) -> dict[str, str]:
    """The posted fields as trimmed text (first value of each), without the CSRF token."""
    posted = await request.form()
    return {
        name: value.strip()
        for name, value in posted.items()
        if isinstance(value, str) and name != CSRF_FIELD
    }


def whole_number(text: str | None) -> int | str | None:
    """A whole number from a form field, as the schemas take it (JSON numbers, not text);
    anything else is passed on as it is, for the schema to refuse."""
    return int(text) if text and text.isascii() and text.isdigit() else text


def present(values: Mapping[str, str], *names: str) -> dict[str, str]:
    """The named fields that were filled in; blank ones are left out, so schemas say missing."""
    return {name: values[name] for name in names if values.get(name)}


def money_text(raw: str) -> str:
    """An amount as typed (`£1,250.50`) reduced to what a Decimal reads (`1250.50`)."""
    return re.sub(r"[£,\s]", "", raw)


def split_codes(raw: str) -> list[str]:
    """Codes separated by commas or new lines."""
    return [code.strip() for code in re.split(r"[,\n]", raw) if code.strip()]


def is_checked(values: Mapping[str, str], name: str) -> bool:
    """Whether a checkbox was ticked."""
    return name in values


_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})$")
DATE_PARTS = ("day", "month", "year")


@dataclass(frozen=True)
class LondonDateTime:
    """A GOV.UK date input (day, month, year) and a 24-hour time, in UK local time."""

    name: str
    label: str

    @property
    def time_name(self) -> str:
        """The name (and id) of the time field."""
        return f"{self.name}_time"

    def part(self, part: str) -> str:
        """The name (and id) of one part of the date."""
        return f"{self.name}-{part}"

    def values_for(self, moment: datetime) -> dict[str, str]:
        """Form values that show a stored UTC moment in UK local time."""
        local = to_london(moment)
        return {
            self.part("day"): str(local.day),
            self.part("month"): str(local.month),
            self.part("year"): str(local.year),
            self.time_name: f"{local:%H:%M}",
        }

    def parse(self, values: Mapping[str, str]) -> tuple[datetime | None, list[ErrorItem]]:
        """The moment in UTC, or errors for the date and the time."""
        date, errors = self._date(values)
        time, time_errors = self._time(values.get(self.time_name, ""))
        errors += time_errors
        if date is None or time is None:
            return None, errors
        local = datetime(date.year, date.month, date.day, time[0], time[1], tzinfo=LONDON)
        return local.astimezone(UTC), []

    def _error(self, message: str, part: str = "day") -> ErrorItem:
        return ErrorItem(message, self.name, f"#{self.part(part)}")

    def _date(self, values: Mapping[str, str]) -> tuple[datetime | None, list[ErrorItem]]:
        parts = {p: values.get(self.part(p), "") for p in DATE_PARTS}
        missing = [p for p in DATE_PARTS if not parts[p]]
        if len(missing) == len(DATE_PARTS):
            return None, [self._error(f"Enter the {self.label.lower()}")]
        if missing:
            words = " and a ".join(missing)
            return None, [self._error(f"{self.label} must include a {words}", missing[0])]
        if not all(parts[p].isdigit() for p in DATE_PARTS):
            return None, [self._error(f"{self.label} must be a real date")]
        if len(parts["year"]) != 4:
            return None, [self._error("Year must include 4 numbers", "year")]
        try:
            date = datetime(int(parts["year"]), int(parts["month"]), int(parts["day"]))
        except ValueError:
            return None, [self._error(f"{self.label} must be a real date")]
        return date, []

    def _time(self, raw: str) -> tuple[tuple[int, int] | None, list[ErrorItem]]:
        href = f"#{self.time_name}"
        if not raw:
            return None, [ErrorItem("Enter the time, like 17:00", self.time_name, href)]
        match = _TIME.match(raw)
        if match is None or int(match[1]) > 23 or int(match[2]) > 59:
            message = "Enter the time using the 24-hour clock, like 09:30 or 17:00"
            return None, [ErrorItem(message, self.time_name, href)]
        return (int(match[1]), int(match[2])), []
