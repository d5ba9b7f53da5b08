"""Importing spend actuals: a "spend over £500" CSV file read, every row checked, and the
payments stored all together or not at all.

The layout is the Local Government Transparency Code's, plus a column naming the capital
scheme: date, service area, beneficiary, purpose, amount, transaction number and project code,
under a header row (see COLUMNS for the names each may go by; other columns are ignored).

An import runs in three steps, so that a 50,000-row file takes seconds and nothing
half-imported is ever visible:

1. `open_import` reads the file (size, encoding, columns, overlong values) and records the
   import, as running, or as failed with the reason, which it raises.
2. `PendingImport.run` loads the organisation's scheme codes and the stored payments with the
   file's transaction numbers, in bulk, and ends that transaction. It checks the rows in
   Python, committing how many are done in short transactions of their own (the page that
   shows progress reads them), and collects every problem.
3. Only if no row has a problem are the new payments inserted, by core executemany in
   batches, with the import's outcome and its audit event, in one transaction. A payment
   stored already with the same values is left alone ("unchanged"), so importing a file
   again changes nothing.
"""

import csv
import hashlib
import io
import logging
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any, NamedTuple, Protocol, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlmodel import SQLModel, col

from procurement.errors import DomainError, FieldError, NotFoundError
from procurement.models import CapitalProject, SpendImport, SpendTransaction, User
from procurement.models.base import utc_now
from procurement.models.spend import ImportStatus
from procurement.principal import Principal
from procurement.schemas.spend import ImportProblem, SpendImportRead, SpendImportSummary
from procurement.services.audit import actor_name, record

logger = logging.getLogger(__name__)
ShapeT = TypeVar("ShapeT", bound=SpendImportSummary)

MAX_FILE_BYTES = 50 * 1024 * 1024
# A request may be a little larger: a form's boundaries and part headers surround the file.
MAX_REQUEST_BYTES = MAX_FILE_BYTES + 64 * 1024
# A longer value is not a value but a broken file: an unclosed quote swallows the rest of it.
MAX_FIELD_CHARS = 1_000
MAX_LISTED_PROBLEMS = 1_000
CHECK_BATCH = 2_500  # rows checked between progress commits (and turns of the event loop)
LOOKUP_BATCH = 2_000  # transaction numbers per IN (...) query on SQLite, well under its limit
INSERT_BATCH = 5_000  # rows per executemany
DEFAULT_FILE_NAME = "spend.csv"
MAX_FILE_NAME = 255
MAX_MONEY_DIGITS = 13  # whole pounds; with the pence, the 15 digits other amounts allow


def _table(model: type[SQLModel]) -> sa.Table:
    table = sa.inspect(model, raiseerr=True).local_table
    assert isinstance(table, sa.Table)
    return table


_TRANSACTIONS = _table(SpendTransaction)
_IMPORTS = _table(SpendImport)


def _length(column: sa.Column[Any]) -> int:
    length = getattr(column.type, "length", None)
    assert isinstance(length, int), column
    return length


@dataclass(frozen=True)
class Column:
    """A column of the spend file: its name in problems, its label, the header names it may go
    by (compared in lower case, with punctuation and spacing ignored) and what it holds."""

    field: str
    label: str
    names: tuple[str, ...]
    hint: str
    max_length: int | None = None


COLUMNS = (
    Column(
        "date",
        "Date",
        ("date", "payment date", "transaction date", "date paid"),
        "The day it was paid: DD/MM/YYYY, such as 01/04/2026, or YYYY-MM-DD",
    ),
    Column(
        "service_area",
        "Service area",
        ("service area", "department", "expense area", "directorate"),
        "The department or service area that made the payment",
        _length(_TRANSACTIONS.c.service_area),
    ),
    Column(
        "beneficiary",
        "Beneficiary",
        ("beneficiary", "supplier name", "supplier", "payee"),
        "Who was paid",
        _length(_TRANSACTIONS.c.beneficiary),
    ),
    Column(
        "purpose",
        "Purpose",
        ("purpose", "purpose of expenditure", "expense type", "description"),
        "What the payment was for",
        _length(_TRANSACTIONS.c.purpose),
    ),
    Column(
        "amount",
        "Amount",
        ("amount", "net amount", "amount paid", "value"),
        "Pounds, such as 1234.56 or £1,234.56: more than zero, at most 2 decimal places",
    ),
    Column(
        "transaction_number",
        "Transaction number",
        ("transaction number", "transaction no", "transaction id", "transaction reference"),
        "The finance system's number for the payment, different for every payment",
        _length(_TRANSACTIONS.c.transaction_number),
    ),
    Column(
        "project_code",
        "Project code",
        ("project code", "scheme code", "capital project code", "project"),
        "The code of the capital scheme the payment is for, in any case",
        _length(_table(CapitalProject).c.code),
    ),
)
# What each `field` of a problem is called on a page.
FIELD_LABELS = {c.field: c.label for c in COLUMNS} | {"row": "Whole row", "file": "Whole file"}
_BY_NAME = {name: column for column in COLUMNS for name in column.names}
_POSITION = {column.field: index for index, column in enumerate(COLUMNS)}
_TEXT_COLUMNS = [(i, c) for i, c in enumerate(COLUMNS) if c.max_length is not None]
_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_MONEY = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?")


def header_key(name: str) -> str:
    """A header name as it is matched: "Net Amount (£)" -> "net amount"."""
    return " ".join(re.findall(r"[a-z0-9]+", name.casefold()))


def _quoted(text: str) -> str:
    return f'"{text}"'


def _either(names: list[str]) -> str:
    """ "A", "A or B", "A, B or C"."""
    return " or ".join(filter(None, [", ".join(names[:-1]), names[-1]]))


def _counted(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


class SpendFileError(DomainError):
    """The file as a whole cannot be imported: it is empty, too big, not UTF-8 text, lacks
    columns or holds an overlong value. Nothing in it was imported."""

    def __init__(self, code: str, detail: str, status_code: int = 422, **extra: Any) -> None:
        super().__init__(detail=detail, code=code, status_code=status_code, extra=extra)


class SpendRowsError(DomainError):
    """Rows of the file have problems, so none of it was imported; lists them all (up to
    MAX_LISTED_PROBLEMS) by row number."""

    def __init__(
        self, import_id: uuid.UUID, checked: "CheckedRows", rows_total: int, file_name: str
    ) -> None:
        self.problems = checked.problems
        self.problem_count = checked.problem_count
        self.bad_rows = len(checked.bad_rows)
        super().__init__(
            detail=(
                f"{_counted(self.bad_rows, 'row')} of the {rows_total:,} in {file_name} "
                f"{'has a problem' if self.bad_rows == 1 else 'have problems'}, so nothing "
                "was imported"
            ),
            code="spend_import_invalid",
            status_code=422,
            errors=[FieldError(f"rows.{p.row}.{p.field}", p.message) for p in checked.problems],
            extra={
                "import_id": str(import_id),
                "rows_total": rows_total,
                "bad_rows": self.bad_rows,
                "problems": self.problem_count,
                "problems_listed": len(checked.problems),
            },
        )


def check_size(size: int) -> None:
    """Refuse a file over MAX_FILE_BYTES (413)."""
    if size > MAX_FILE_BYTES:
        raise SpendFileError(
            "spend_file_too_large",
            f"The file is {size / 1024 / 1024:.1f} MB; the most that can be imported at once "
            f"is {MAX_FILE_BYTES // 1024 // 1024} MB. Split it into smaller files.",
            status_code=413,
        )


def clean_file_name(raw: str | None) -> str:
    """The name to record for an uploaded file: its last path part, printable, not too long."""
    name = PureWindowsPath(PurePosixPath(raw or "").name).name
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name[:MAX_FILE_NAME] or DEFAULT_FILE_NAME


def _decode(content: bytes) -> str:
    """The file as text: UTF-8, with or without the byte order mark spreadsheets write.

    Other encodings are refused rather than guessed: any bytes at all read as Windows-1252,
    so a guess would import a UTF-16 or Latin-9 file as nonsense without a word of warning,
    and spend data is published.
    """
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SpendFileError(
            "spend_file_encoding",
            'The file is saved as UTF-16 ("Unicode text"). Save it as "CSV UTF-8 (comma '
            'delimited)" and import it again.',
        )
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content.count(b"\n", 0, error.start) + 1
        raise SpendFileError(
            "spend_file_encoding",
            f"The file is not UTF-8 text: byte 0x{content[error.start]:02X} on line {line} "
            'cannot be read. Save it as "CSV UTF-8 (comma delimited)" and import it again.',
            line=line,
        ) from None


def _columns(header: list[str]) -> tuple[int, ...]:
    """Where each of COLUMNS is in the header, or the columns error naming what is wrong."""
    found: dict[str, list[str]] = {}
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        column = _BY_NAME.get(header_key(name))
        if column is not None:
            found.setdefault(column.field, []).append(name.strip())
            positions.setdefault(column.field, index)
    missing = [c.label for c in COLUMNS if c.field not in found]
    doubled = {c.label: found[c.field] for c in COLUMNS if len(found.get(c.field, [])) > 1}
    if not missing and not doubled:
        return tuple(positions[c.field] for c in COLUMNS)
    problems = []
    if missing:
        problems.append(f"The header row has no {_either(missing)} column")
        if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
            problems.append("Separate the columns with commas, not semicolons or tabs")
    problems += [
        f"{' and '.join(map(_quoted, names))} both give the {label.lower()}: keep one"
        for label, names in doubled.items()
    ]
    accepted = {c.label: list(c.names) for c in COLUMNS}
    raise SpendFileError(
        "spend_columns_invalid",
        ". ".join(problems)
        + ". The first row must name the columns: "
        + ", ".join(c.label for c in COLUMNS)
        + ".",
        missing=missing,
        duplicated=doubled,
        found=[name[:100] for name in header[:50]],
        accepted=accepted,
    )


def _too_long(row: int, header: list[str], record: list[str]) -> SpendFileError:
    index, value = max(enumerate(record), key=lambda cell: len(cell[1]))
    where = f'"{header[index][:100]}"' if index < len(header) else f"number {index + 1}"
    return SpendFileError(
        "spend_field_too_long",
        f"Row {row:,} has a value of {len(value):,} characters in column {where}; no value may "
        f'be longer than {MAX_FIELD_CHARS:,}. A double quote (") that is never closed makes '
        "the rest of the file one value: check that row.",
        row=row,
    )


@dataclass(frozen=True)
class SpendSheet:
    """A spend file read into rows: where each column is, and every row that has a value."""

    file_name: str
    sha256: str
    width: int  # the number of columns the header names
    columns: tuple[int, ...]  # the position of each of COLUMNS in a row
    rows: list[tuple[int, list[str]]]  # (row number as a spreadsheet shows it, its cells)

    def values(self, record: list[str]) -> list[str]:
        """A row's values in the order of COLUMNS, trimmed; blank where the row is short."""
        size = len(record)
        return [record[i].strip() if i < size else "" for i in self.columns]

    def transaction_numbers(self) -> list[str]:
        """Every transaction number the file gives, once each, in order."""
        at = self.columns[_POSITION["transaction_number"]]
        return sorted({r[at].strip() for _, r in self.rows if len(r) > at and r[at].strip()})


def read_sheet(file_name: str, content: bytes) -> SpendSheet:
    """Read a spend file into rows, or raise SpendFileError saying why it cannot be."""
    check_size(len(content))
    if not content:
        raise SpendFileError("spend_file_empty", "The file is empty (0 bytes)")
    text = _decode(content)
    # newline="" leaves line ends to the csv module, which keeps them inside quoted values.
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] = []
    rows: list[tuple[int, list[str]]] = []
    number = 0
    try:
        for number, record in enumerate(reader, start=1):
            if record and max(map(len, record)) > MAX_FIELD_CHARS:
                raise _too_long(number, header or record, record)
            if number == 1:
                header = record
            elif any(cell.strip() for cell in record):  # spreadsheets leave blank rows at the end
                rows.append((number, record))
    except csv.Error as error:  # only a value past the csv module's own limit, in practice
        raise SpendFileError(
            "spend_field_too_long",
            f'Row {number + 1:,} cannot be read ({error}). A double quote (") that is never '
            "closed makes the rest of the file one value: check that row.",
            row=number + 1,
        ) from None
    columns = _columns(header)
    if not rows:
        raise SpendFileError(
            "spend_file_no_rows", "The file has a header row but no payments under it"
        )
    return SpendSheet(file_name, hashlib.sha256(content).hexdigest(), len(header), columns, rows)


def parse_date(text: str) -> date:
    """A date written DD/MM/YYYY (or D/M/YYYY) or YYYY-MM-DD; ValueError says what is wrong."""
    found = _DMY.fullmatch(text)
    if found is not None:
        day, month, year = map(int, found.groups())
    elif (found := _ISO.fullmatch(text)) is not None:
        year, month, day = map(int, found.groups())
    else:
        raise ValueError(f'Date "{text}" is not written DD/MM/YYYY or YYYY-MM-DD')
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f'Date "{text}" is not a real date') from None


def parse_amount(text: str) -> Decimal:
    """An amount in pounds such as 1234.56, 1,234.56 or £1,234.56, more than zero and with no
    more than 2 decimal places; ValueError says what is wrong."""
    bare = text.removeprefix("£").strip()
    if bare.startswith(("-", "(")):
        raise ValueError(f'Amount "{text}" is negative; refunds and credit notes are not imported')
    found = _MONEY.fullmatch(bare)
    if found is None:
        raise ValueError(f'Amount "{text}" is not a sum of money, such as 1234.56 or £1,234.56')
    pounds, pence = found[1].replace(",", ""), found[2] or "0"
    if len(pence) > 2:
        raise ValueError(f'Amount "{text}" has more than 2 decimal places')
    if len(pounds.lstrip("0")) > MAX_MONEY_DIGITS:
        raise ValueError(f'Amount "{text}" is too large')
    amount = Decimal(f"{pounds}.{pence}").quantize(Decimal("0.01"))
    if not amount:
        raise ValueError(f'Amount "{text}" is zero; give the sum paid')
    return amount


class Payment(NamedTuple):
    """A payment's values, compared with the stored payment of the same transaction number."""

    project_id: uuid.UUID
    paid_on: date
    service_area: str
    beneficiary: str
    purpose: str
    amount: Decimal


_PAYMENT_LABELS = {
    "project_id": "project code",
    "paid_on": "date",
    "service_area": "service area",
    "beneficiary": "beneficiary",
    "purpose": "purpose",
    "amount": "amount",
}


def _text_problem(column: Column, value: str) -> str | None:
    if not value:
        return f"Enter the {column.label.lower()}"
    if column.max_length is not None and len(value) > column.max_length:
        return f"{column.label} is longer than {column.max_length:,} characters"
    if "\x00" in value:
        return f"{column.label} contains the NUL character (code 0), which cannot be stored"
    return None


@dataclass
class CheckedRows:
    """What checking the rows found: the payments to add, those already stored, every problem."""

    projects: dict[str, uuid.UUID]  # scheme code (upper case) -> id
    stored: dict[str, Payment]  # transaction number -> the payment stored under it
    sheet: SpendSheet
    new: list[tuple[str, Payment]] = field(default_factory=list)  # (number, payment)
    unchanged: int = 0
    problems: list[ImportProblem] = field(default_factory=list)
    problem_count: int = 0
    bad_rows: set[int] = field(default_factory=set)
    _seen: dict[str, int] = field(default_factory=dict)  # transaction number -> first row
    _dates: dict[str, date | str] = field(default_factory=dict)  # text -> date or problem

    def _problem(self, row: int, name: str, message: str) -> None:
        self.problem_count += 1
        self.bad_rows.add(row)
        if len(self.problems) < MAX_LISTED_PROBLEMS:
            self.problems.append(ImportProblem(row=row, field=name, message=message))

    def _date(self, text: str) -> date | str:
        # A file has a few hundred dates among thousands of rows: parse each once.
        known = self._dates.get(text)
        if known is None:
            if not text:
                known = "Enter the date"
            else:
                try:
                    known = parse_date(text)
                except ValueError as error:
                    known = str(error)
            self._dates[text] = known
        return known

    def check(self, row: int, record: list[str]) -> None:
        """Check one row; a good one joins the new or the unchanged payments."""
        sheet = self.sheet
        if len(record) > sheet.width and any(cell.strip() for cell in record[sheet.width :]):
            # Its values have most likely shifted, so checking them would only add noise.
            self._problem(
                row,
                "row",
                f"The row has {len(record)} values but the header names {sheet.width} columns: "
                "put a value with a comma in it, such as 1,234.56, in double quotes",
            )
            return
        cells = sheet.values(record)
        date_text, service_area, beneficiary, purpose, amount_text, number, code = cells
        earlier = self.problem_count
        paid_on = self._date(date_text)
        if isinstance(paid_on, str):
            self._problem(row, "date", paid_on)
        for index, column in _TEXT_COLUMNS:
            message = _text_problem(column, cells[index])
            if message is not None:
                self._problem(row, column.field, message)
        amount = Decimal(0)
        if not amount_text:
            self._problem(row, "amount", "Enter the amount")
        else:
            try:
                amount = parse_amount(amount_text)
            except ValueError as error:
                self._problem(row, "amount", str(error))
        if number:
            first = self._seen.setdefault(number, row)
            if first != row:
                message = f'Transaction number "{number}" is also on row {first}'
                self._problem(row, "transaction_number", message)
        project_id = self.projects.get(code.upper())
        if code and project_id is None:
            self._problem(row, "project_code", f'No capital project has the code "{code}"')
        if self.problem_count != earlier or project_id is None or isinstance(paid_on, str):
            return
        payment = Payment(project_id, paid_on, service_area, beneficiary, purpose, amount)
        stored = self.stored.get(number)
        if stored is None:
            self.new.append((number, payment))
        elif stored == payment:
            self.unchanged += 1
        else:
            differ = [
                _PAYMENT_LABELS[name]
                for name, mine, theirs in zip(Payment._fields, payment, stored, strict=True)
                if mine != theirs
            ]
            self._problem(
                row,
                "transaction_number",
                f'Transaction number "{number}" is already stored with a different '
                f"{' and '.join(differ)}; a stored payment cannot be changed by an import",
            )


class Progress(Protocol):
    """Someone in this process following an import, such as a progress bar on the terminal."""

    async def checked(self, done: int, total: int) -> None:
        """`done` of the `total` rows have been checked (and that count committed)."""

    async def stored(self, done: int, total: int) -> None:
        """`done` of the `total` new payments have been written (not yet committed)."""


class Unwatched:
    """Progress no one in this process follows (the checked count is stored all the same)."""

    async def checked(self, done: int, total: int) -> None:
        """Nothing to show."""

    async def stored(self, done: int, total: int) -> None:
        """Nothing to show."""


def _engine(session: AsyncSession) -> AsyncEngine:
    bind = session.bind
    if not isinstance(bind, AsyncEngine):
        raise TypeError("A spend import needs a session on an engine, to commit its progress")
    return bind


async def _set_progress(engine: AsyncEngine, import_id: uuid.UUID, done: int) -> None:
    """Store how many rows are checked, in a transaction of its own: the import's own
    transaction is not open yet, and the rows it will write must not show before it ends."""
    async with engine.begin() as connection:
        await connection.execute(
            sa.update(_IMPORTS).where(_IMPORTS.c.id == import_id).values(rows_done=done)
        )


async def _project_codes(session: AsyncSession, organisation_id: uuid.UUID) -> dict[str, uuid.UUID]:
    found = await session.execute(
        sa.select(col(CapitalProject.code), col(CapitalProject.id)).where(
            col(CapitalProject.organisation_id) == organisation_id
        )
    )
    return {code.upper(): project_id for code, project_id in found.tuples()}


async def _stored_payments(
    session: AsyncSession, organisation_id: uuid.UUID, numbers: Sequence[str]
) -> dict[str, Payment]:
    """The stored payments with any of these transaction numbers, looked up in bulk."""
    t = _TRANSACTIONS.c
    wanted = sa.select(
        t.transaction_number,
        t.project_id,
        t.paid_on,
        t.service_area,
        t.beneficiary,
        t.purpose,
        t.amount,
    ).where(t.organisation_id == organisation_id)
    if _engine(session).dialect.name == "postgresql":
        # Joined to the numbers as one array: PostgreSQL caches a generic plan for a statement
        # run again and again, and in one a long IN (...) list of parameters is compared item
        # by item with every row, which took minutes for a 50,000-row file.
        given = sa.func.unnest(sa.literal(list(numbers), postgresql.ARRAY(sa.String)))
        listed = given.table_valued("number").render_derived()
        statements = [
            wanted.join_from(_TRANSACTIONS, listed, listed.c.number == t.transaction_number)
        ]
    else:
        statements = [
            wanted.where(t.transaction_number.in_(numbers[start : start + LOOKUP_BATCH]))
            for start in range(0, len(numbers), LOOKUP_BATCH)
        ]
    stored: dict[str, Payment] = {}
    for statement in statements:
        found = await session.execute(statement)
        stored.update((row[0], Payment(*row[1:])) for row in found.tuples())
    return stored


def _problem_rows(problems: list[ImportProblem], count: int, bad_rows: int) -> list[dict[str, Any]]:
    listed = [p.model_dump() for p in problems]
    if count > len(problems):
        summary = (
            f"There are {_counted(count, 'problem')} in {_counted(bad_rows, 'row')}; "
            f"the first {len(problems):,} are listed"
        )
        listed.insert(0, {"row": None, "field": "file", "message": summary})
    return listed


async def _refuse(
    session: AsyncSession,
    actor: Principal | None,
    row: SpendImport,
    problems: list[dict[str, Any]],
    reason: str,
) -> None:
    """Record the import as failed, with its audit event, and commit."""
    row.status = ImportStatus.FAILED
    row.errors = problems
    row.finished_at = utc_now()
    session.add(row)
    await record(
        session,
        actor,
        organisation_id=row.organisation_id,
        entity_type="spend_import",
        entity_id=row.id,
        action="import_refused",
        summary=f"Spend file {row.file_name} was not imported: {reason}",
        after={"file_name": row.file_name, "sha256": row.sha256, "rows_total": row.rows_total},
    )
    await session.commit()


@dataclass(frozen=True)
class PendingImport:
    """A spend file read and recorded as running, to be checked and stored by `run`."""

    import_id: uuid.UUID
    organisation_id: uuid.UUID
    actor: Principal | None
    sheet: SpendSheet

    async def run(self, session: AsyncSession, progress: Progress | None = None) -> SpendImportRead:
        """Check every row and store the new payments, or store nothing and raise
        SpendRowsError listing every problem."""
        watcher = progress or Unwatched()
        sheet = self.sheet
        numbers = sheet.transaction_numbers()
        checked = CheckedRows(
            projects=await _project_codes(session, self.organisation_id),
            stored=await _stored_payments(session, self.organisation_id, numbers),
            sheet=sheet,
        )
        await session.commit()  # SQLite: release the lock these reads took, for the progress
        engine = _engine(session)
        total = len(sheet.rows)
        for start in range(0, total, CHECK_BATCH):
            for number, cells in sheet.rows[start : start + CHECK_BATCH]:
                checked.check(number, cells)
            done = min(start + CHECK_BATCH, total)
            await _set_progress(engine, self.import_id, done)
            await watcher.checked(done, total)
        row = await session.get(SpendImport, self.import_id, populate_existing=True)
        assert row is not None
        if checked.problem_count:
            listed = _problem_rows(checked.problems, checked.problem_count, len(checked.bad_rows))
            reason = f"{_counted(len(checked.bad_rows), 'row')} with problems"
            await _refuse(session, self.actor, row, listed, reason)
            raise SpendRowsError(self.import_id, checked, total, sheet.file_name)
        await self._store(session, row, checked, watcher)
        return await load_import(session, self.organisation_id, self.import_id)

    async def _store(
        self, session: AsyncSession, row: SpendImport, checked: CheckedRows, watcher: Progress
    ) -> None:
        """Insert the new payments and mark the import done, in one transaction."""
        try:
            for start in range(0, len(checked.new), INSERT_BATCH):
                # Rows for the insert are made a batch at a time: a dict per payment for the
                # whole file would double the memory an import takes.
                batch = [
                    {
                        "id": uuid.uuid4(),
                        "organisation_id": self.organisation_id,
                        "import_id": self.import_id,
                        "transaction_number": number,
                        **payment._asdict(),
                    }
                    for number, payment in checked.new[start : start + INSERT_BATCH]
                ]
                await session.execute(sa.insert(_TRANSACTIONS), batch)
                await watcher.stored(start + len(batch), len(checked.new))
            row.status = ImportStatus.SUCCEEDED
            row.rows_added = len(checked.new)
            row.rows_unchanged = checked.unchanged
            row.finished_at = utc_now()
            session.add(row)
            await record(
                session,
                self.actor,
                organisation_id=self.organisation_id,
                entity_type="spend_import",
                entity_id=row.id,
                action="import",
                summary=(
                    f"Imported spend file {row.file_name}: "
                    f"{_counted(row.rows_added, 'payment')} added, {row.rows_unchanged:,} "
                    "unchanged"
                ),
                after={
                    "file_name": row.file_name,
                    "sha256": row.sha256,
                    "rows_total": row.rows_total,
                    "rows_added": row.rows_added,
                    "rows_unchanged": row.rows_unchanged,
                },
            )
            await session.commit()
        except IntegrityError:
            # Another import stored some of these numbers (or a scheme went) after they were
            # looked up: the unique key and foreign keys caught it; nothing of this one stayed.
            await session.rollback()
            message = (
                "The stored payments changed while the file was being imported (another "
                "import stored some of its transaction numbers); import the file again"
            )
            fresh = await session.get(SpendImport, self.import_id, populate_existing=True)
            assert fresh is not None
            problem = {"row": None, "field": "file", "message": message}
            await _refuse(session, self.actor, fresh, [problem], "the stored payments changed")
            raise SpendFileError(
                "spend_import_conflict", message, status_code=409, import_id=str(self.import_id)
            ) from None


async def open_import(
    session: AsyncSession,
    organisation_id: uuid.UUID,
    actor: Principal | None,
    file_name: str | None,
    content: bytes,
) -> PendingImport:
    """Read the file and record the import as running; or record why the file cannot be
    imported at all, and raise that SpendFileError (with the import's id)."""
    name = clean_file_name(file_name)
    row = SpendImport(
        organisation_id=organisation_id,
        file_name=name,
        sha256=hashlib.sha256(content).hexdigest(),
        status=ImportStatus.RUNNING,
        created_by_id=None if actor is None else actor.user_id,
    )
    try:
        sheet = read_sheet(name, content)
    except SpendFileError as error:
        problem = {"row": None, "field": "file", "message": error.detail}
        await _refuse(session, actor, row, [problem], error.detail)
        error.extra["import_id"] = str(row.id)
        raise
    row.rows_total = len(sheet.rows)
    session.add(row)
    await session.commit()
    return PendingImport(row.id, organisation_id, actor, sheet)


async def import_spend(
    session: AsyncSession,
    organisation_id: uuid.UUID,
    actor: Principal | None,
    file_name: str | None,
    content: bytes,
    progress: Progress | None = None,
) -> SpendImportRead:
    """Import a spend file from start to end (see the module's description)."""
    pending = await open_import(session, organisation_id, actor, file_name, content)
    return await pending.run(session, progress)


def percent_done(row: SpendImport) -> int:
    """How far an import has got, as a whole percentage of its rows checked."""
    if row.status is not ImportStatus.RUNNING:
        return 100
    return row.rows_done * 100 // row.rows_total if row.rows_total else 0


def import_read(row: SpendImport, created_by_name: str | None, shape: type[ShapeT]) -> ShapeT:
    """The API shape of an import: in full, or the summary a list shows."""
    return shape.model_validate(
        {
            **row.model_dump(include=set(shape.model_fields)),
            "percent_done": percent_done(row),
            "created_by_name": created_by_name or actor_name(None),
        }
    )


def imports_query(organisation_id: uuid.UUID) -> sa.Select[tuple[SpendImport, str]]:
    """The organisation's imports, newest first, with the name of who made each (None for
    the command line: the join is an outer one)."""
    return (
        sa.select(SpendImport, col(User.full_name))
        .outerjoin(User, col(User.id) == col(SpendImport.created_by_id))
        .where(col(SpendImport.organisation_id) == organisation_id)
        .order_by(col(SpendImport.created_at).desc(), col(SpendImport.id))
    )


async def load_import(
    session: AsyncSession, organisation_id: uuid.UUID, import_id: uuid.UUID
) -> SpendImportRead:
    """One import of the organisation, read afresh (its progress moves on elsewhere)."""
    found = await session.execute(
        imports_query(organisation_id)
        .where(col(SpendImport.id) == import_id)
        .execution_options(populate_existing=True)
    )
    row = found.first()
    if row is None:
        raise NotFoundError("Spend import")
    return import_read(row[0], row[1], SpendImportRead)


async def run_in_background(
    sessions: async_sessionmaker[AsyncSession], pending: PendingImport
) -> None:
    """Run an import after the page that started it has gone; a failure is recorded on the
    import (the page polling it shows it), never raised."""
    try:
        async with sessions() as session:
            await pending.run(session)
    except DomainError:
        pass  # recorded on the import already, for the page to show
    except Exception:
        logger.exception("Spend import %s stopped", pending.import_id)
        async with sessions() as session:
            row = await session.get(SpendImport, pending.import_id)
            if row is not None and row.status is ImportStatus.RUNNING:
                problem = {
                    "row": None,
                    "field": "file",
                    "message": "The import stopped because of a fault in the service, which "
                    "has been logged. Nothing was imported; try again later.",
                }
                await _refuse(session, pending.actor, row, [problem], "a fault in the service")
