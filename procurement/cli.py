"""The `procurement` command: serve, migrate, seed the demo, and manage users and tokens."""

import asyncio
import signal
import sys
import uuid
from collections.abc import Awaitable, Callable
from contextlib import ExitStack
from datetime import timedelta
from pathlib import Path
from types import FrameType
from typing import TypeVar

import click
import sqlalchemy as sa
from pydantic import TypeAdapter, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from procurement.config import get_settings
from procurement.db import create_engine, open_session
from procurement.domain.roles import Role
from procurement.errors import DomainError
from procurement.migrate import upgrade_database
from procurement.models import AuditCheckpoint, Organisation, Tender, User
from procurement.schemas.audit_witness import ChainPoint, WitnessFile
from procurement.schemas.organisation import OrganisationBase
from procurement.schemas.spend import SpendImportRead
from procurement.schemas.user import UserCreate
from procurement.services.assessment_summaries import summary_batch
from procurement.services.audit_checkpoints import take_checkpoints, witnessed_findings
from procurement.services.audit_rows import record_baseline
from procurement.services.audit_verify import run_checks, trail_size
from procurement.services.auth import AuthService
from procurement.services.integrity import IntegrityFinding
from procurement.services.organisations import create_organisation
from procurement.services.reports import evaluation_report
from procurement.services.spend_import import SpendRowsError, check_size, import_spend
from procurement.services.users import create_user, set_password

T = TypeVar("T")
_CHAIN_POINTS = TypeAdapter(list[ChainPoint])
# Demo passwords are random per install; they are kept beside the database so that every
# `make run` can print them again. The file lives in the git-ignored data directory.
DEMO_LOGINS_FILE = "demo-logins.txt"


def _run(work: Callable[..., Awaitable[T]]) -> T:
    """Run an async use case against the configured database."""

    async def main() -> T:
        engine = create_engine(get_settings().database_url)
        try:
            async with open_session(engine) as session:
                return await work(session)
        finally:
            await engine.dispose()

    try:
        return asyncio.run(main())
    except DomainError as error:
        messages = "; ".join(f"{e.field}: {e.message}" for e in error.errors) or error.detail
        raise click.ClickException(messages) from error


def _validation_messages(error: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(map(str, e['loc'])) or 'input'}: {e['msg']}" for e in error.errors()
    )


@click.group()
def main() -> None:
    """Procurement social-value scoring service."""


@main.command()
@click.option("--host", default=None, help="Defaults to HOST from the settings.")
@click.option("--port", type=int, default=None, help="Defaults to PORT from the settings.")
@click.option("--workers", type=int, default=1, show_default=True, help="Worker processes.")
def serve(host: str | None, port: int | None, workers: int) -> None:
    """Serve the web UI and API."""
    import uvicorn

    settings = get_settings()
    host, port = host or settings.host, port or settings.port
    # uvicorn shuts the app down on SIGTERM, then raises the signal again with the handler
    # found here. Python's default would end the process without its exit hooks: logs would
    # be lost and multiprocessing would report the report pool's semaphores as leaked.
    signal.signal(signal.SIGTERM, _exit_after_shutdown)
    click.echo(f"Serving on http://{host}:{port}  (API docs at /schema)")
    uvicorn.run(
        "procurement.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        log_level="info",
    )


def _exit_after_shutdown(_signum: int, _frame: FrameType | None) -> None:
    sys.exit(0)


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Migrate the database to the latest schema."""
    upgrade_database(get_settings().database_url)
    click.echo("Database is up to date.")


@main.command("seed-demo")
def seed_demo_command() -> None:
    """Seed the demo council on an empty database and print its logins."""
    from procurement.demo import seed_demo

    logins_file = get_settings().data_dir / DEMO_LOGINS_FILE
    logins = _run(seed_demo)
    if logins is not None:
        lines = [
            f"  {login.role.value:<12} {login.email:<48} {login.password}   ({login.note})"
            for login in logins
        ]
        logins_file.parent.mkdir(parents=True, exist_ok=True)
        logins_file.write_text("\n".join(lines) + "\n")
        logins_file.chmod(0o600)
    if logins_file.exists():
        click.echo("\nDemo logins (demo data only; these accounts exist nowhere else):")
        click.echo(logins_file.read_text())
    else:
        click.echo("The database already has data, so no demo was seeded.")


@main.group()
def users() -> None:
    """User accounts."""


def _read_password(prompt: bool) -> str:
    if sys.stdin.isatty() and prompt:
        return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))
    return sys.stdin.readline().rstrip("\n")


@users.command("create")
@click.option("--email", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--name", "full_name", default=None, help="Full name; defaults to the email.")
@click.option("--supplier-id", default=None, help="For the supplier role: the supplier's id.")
@click.option("--organisation-id", default=None, help="Needed only when there are several.")
def users_create(
    email: str,
    role: str,
    full_name: str | None,
    supplier_id: str | None,
    organisation_id: str | None,
) -> None:
    """Create a user. The password is prompted for, or read from stdin."""
    password = _read_password(prompt=True)
    try:
        data = UserCreate(
            email=email,
            full_name=full_name or email,
            role=Role(role),
            supplier_id=uuid.UUID(supplier_id) if supplier_id else None,
            password=password,
        )
    except ValidationError as error:
        raise click.ClickException(
            "; ".join(
                f"{'.'.join(map(str, e['loc'])) or 'input'}: {e['msg']}" for e in error.errors()
            )
        ) from error

    async def work(session: AsyncSession) -> User:
        organisation = await _one_organisation(session, organisation_id)
        return await create_user(session, organisation, data)

    user = _run(work)
    click.echo(f"Created {user.role.value} user {user.email} ({user.id})")


@users.command("set-password")
@click.option("--email", required=True)
def users_set_password(email: str) -> None:
    """Set a user's password. It is prompted for, or read from stdin."""
    password = _read_password(prompt=True)
    _run(lambda session: set_password(session, email, password))
    click.echo(f"Password set for {email}; their sessions were ended and API tokens were revoked")


async def _one_organisation(session: AsyncSession, organisation_id: str | None) -> uuid.UUID:
    ids = list((await session.scalars(sa.select(col(Organisation.id)))).all())
    if organisation_id:
        match = [i for i in ids if str(i) == organisation_id]
        if not match:
            raise click.ClickException(f"No organisation {organisation_id}")
        return match[0]
    if len(ids) != 1:
        raise click.ClickException(
            "Pass --organisation-id"
            if ids
            else "No organisation yet: run `procurement seed-demo` or create one"
        )
    return ids[0]


@main.group()
def organisations() -> None:
    """Organisations (councils) on this deployment."""


@organisations.command("create")
@click.option("--name", required=True, help="The council's name.")
@click.option(
    "--local-area",
    default="",
    help="Comma-separated postcode areas or districts that count as local, e.g. NN8,NN9,NE.",
)
def organisations_create(name: str, local_area: str) -> None:
    """Create an organisation, e.g. the first one on a new deployment."""
    try:
        data = OrganisationBase(
            name=name, local_area=[code for code in local_area.split(",") if code.strip()]
        )
    except ValidationError as error:
        raise click.ClickException(_validation_messages(error)) from error
    organisation = _run(lambda session: create_organisation(session, data))
    click.echo(f"Created organisation {organisation.name} ({organisation.id})")
    click.echo("Next: procurement users create --email E --role admin")


@main.group()
def tokens() -> None:
    """API bearer tokens."""


@tokens.command("create")
@click.option("--email", required=True, help="The user the token acts for.")
@click.option("--name", default="cli", show_default=True, help="A label for the token.")
@click.option("--days", type=click.IntRange(1, 366), default=None, help="Lifetime in days.")
def tokens_create(email: str, name: str, days: int | None) -> None:
    """Issue a bearer token for a user and print it once."""
    lifetime = timedelta(days=days or get_settings().token_lifetime_days)

    async def work(session: AsyncSession) -> str:
        user = await session.scalar(sa.select(User).where(col(User.email) == email.lower()))
        if user is None or not user.is_active:
            raise click.ClickException(f"No active user with email {email}")
        return (await AuthService(session).issue_token(user.id, name, lifetime)).token

    click.echo(_run(work))


def _counted(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


@main.group()
def audit() -> None:
    """The tamper-evident audit trail."""


def _witnessed_points(files: tuple[Path, ...]) -> list[tuple[str, list[ChainPoint]]]:
    """The chain heads recorded in saved checkpoint files, by file name."""
    points = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        try:
            try:
                found = WitnessFile.model_validate_json(text).checkpoints
            except ValidationError:
                found = _CHAIN_POINTS.validate_json(text)
        except ValidationError as error:
            raise click.BadParameter(
                f"{path.name} is neither the JSON of /public/audit/checkpoints nor a list of "
                f"{{organisation_id, position, hash}}: {_validation_messages(error)}",
                param_hint="--checkpoint",
            ) from error
        points.append((path.name, found))
    return points


@audit.command("verify")
@click.option(
    "--checkpoint",
    "checkpoint_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A saved copy of /public/audit/checkpoints (or a list of {organisation_id, position, "
    "hash}): the chain must still pass through every head it records. May be repeated.",
)
def audit_verify(checkpoint_files: tuple[Path, ...]) -> None:
    """Check the audit chains, every audited record against the trail, stored checkpoints and
    stored files; exit 1 on any finding."""
    witnessed = _witnessed_points(checkpoint_files)
    secret_key = get_settings().secret_key

    async def work(session: AsyncSession) -> tuple[list[IntegrityFinding], int, int]:
        findings = await run_checks(session, secret_key)
        for source, points in witnessed:
            findings += await witnessed_findings(session, points, source)
        return findings, *await trail_size(session)

    findings, chains, events = _run(work)
    checked = f"{_counted(chains, 'chain')} and {_counted(events, 'event')} checked"
    if not findings:
        click.echo(f"The audit trail is intact: {checked}.")
        return
    for found in findings:
        click.echo(f"BROKEN: {found.subject}: {found.problem}")
    broken = sum(found.check == "chain" for found in findings)  # one per broken chain
    click.echo(
        f"{_counted(len(findings), 'problem')} found ({broken} of {chains} chains are broken); "
        f"{checked}."
    )
    sys.exit(1)


@audit.command("baseline")
def audit_baseline() -> None:
    """Record the state of audited records the trail has never recorded (those made before it
    recorded row states), then sign a checkpoint. Run once after upgrading."""
    secret_key = get_settings().secret_key

    async def work(session: AsyncSession) -> tuple[dict[uuid.UUID, int], int]:
        recorded = await record_baseline(session)
        return recorded, len(await take_checkpoints(session, secret_key))

    recorded, checkpoints = _run(work)
    if not recorded:
        click.echo("Every audited record is already on the trail; no baseline was needed.")
    for organisation_id, rows in sorted(recorded.items(), key=lambda item: str(item[0])):
        click.echo(f"Recorded {_counted(rows, 'record')} for organisation {organisation_id}.")
    click.echo(f"Signed {_counted(checkpoints, 'checkpoint')}.")


@audit.command("checkpoint")
def audit_checkpoint() -> None:
    """Sign and store the head of every chain that has moved since its last checkpoint (for
    cron); they are published at /public/audit/checkpoints."""
    secret_key = get_settings().secret_key

    async def work(session: AsyncSession) -> list[AuditCheckpoint]:
        return await take_checkpoints(session, secret_key)

    for checkpoint in _run(work):
        click.echo(
            f"Checkpoint {checkpoint.id}: organisation {checkpoint.organisation_id}, event "
            f"{checkpoint.position}, hash {checkpoint.hash}"
        )


async def _tender_by_reference(
    session: AsyncSession, reference: str, organisation_id: str | None
) -> Tender:
    """The tender with this reference; with several organisations using it, the one named."""
    statement = sa.select(Tender).where(col(Tender.reference) == reference)
    if organisation_id:
        try:
            statement = statement.where(col(Tender.organisation_id) == uuid.UUID(organisation_id))
        except ValueError:
            raise click.ClickException(f"No organisation {organisation_id}") from None
    found = list(await session.scalars(statement))
    if not found:
        raise click.ClickException(f"No tender with reference {reference}")
    if len(found) > 1:
        raise click.ClickException(
            f"Several organisations have a tender {reference}: pass --organisation-id"
        )
    return found[0]


@main.command("report")
@click.argument("reference")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="The PDF file to write.",
)
@click.option("--organisation-id", default=None, help="Needed when several use the reference.")
def report(reference: str, output: Path, organisation_id: str | None) -> None:
    """Write a closed tender's evaluation report (PDF) to a file."""

    async def work(session: AsyncSession) -> bytes:
        tender = await _tender_by_reference(session, reference, organisation_id)
        return (await evaluation_report(session, tender, get_settings()))[1]

    pdf = _run(work)
    output.write_bytes(pdf)
    click.echo(f"Evaluation report for {reference} written to {output.resolve()}")


@main.command("summaries")
@click.argument("reference")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(file_okay=False, writable=True, path_type=Path),
    help="The directory to write the PDFs into; made if missing.",
)
@click.option("--organisation-id", default=None, help="Needed when several use the reference.")
def summaries(reference: str, output: Path, organisation_id: str | None) -> None:
    """Write every bid's assessment summary (one PDF per bid) into a directory."""
    settings = get_settings()
    output.mkdir(parents=True, exist_ok=True)

    async def work(session: AsyncSession) -> list[str]:
        tender = await _tender_by_reference(session, reference, organisation_id)
        batch = await summary_batch(session, tender)
        names = []
        with click.progressbar(
            length=len(batch.bid_ids), label="Rendering assessment summaries", show_pos=True
        ) as bar:
            for bid_id in batch.bid_ids:
                name, pdf = await batch.render(bid_id, settings)
                (output / name).write_bytes(pdf)
                names.append(name)
                bar.update(1)
        return names

    names = _run(work)
    click.echo(f"{len(names)} assessment summaries for {reference} written to {output.resolve()}:")
    for name in names:
        click.echo(f"  {name}")


@main.group()
def spend() -> None:
    """Spend actuals against capital schemes."""


class _ImportBars:
    """Progress bars on the terminal for the two steps of an import: checking, then saving."""

    def __init__(self) -> None:
        self._bars = ExitStack()
        self._label = ""
        self._move: Callable[[int], None] = lambda _: None
        self._position = 0

    async def checked(self, done: int, total: int) -> None:
        """Move the checking bar on."""
        self._advance("Checking rows", done, total)

    async def stored(self, done: int, total: int) -> None:
        """Move the saving bar on."""
        self._advance("Saving new payments", done, total)

    def _advance(self, label: str, done: int, total: int) -> None:
        if label != self._label:
            self.close()
            bar = click.progressbar(length=total, label=label, show_pos=True)
            self._label, self._move, self._position = label, self._bars.enter_context(bar).update, 0
        self._move(done - self._position)
        self._position = done

    def close(self) -> None:
        """Finish the bar on show, so that what follows starts on a line of its own."""
        self._bars.close()


@spend.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--organisation-id",
    "--organisation",
    "organisation_id",
    default=None,
    help="Needed only when there are several.",
)
def spend_import(file: Path, organisation_id: str | None) -> None:
    """Import a "spend over £500" CSV file: every row, or none if any row has a problem.

    The file is UTF-8 with a header row naming Date, Service area, Beneficiary, Purpose,
    Amount, Transaction number and Project code. Payments already stored unchanged are left
    alone, so importing a file again changes nothing.
    """
    try:
        check_size(file.stat().st_size)
    except DomainError as error:
        raise click.ClickException(error.detail) from error
    content = file.read_bytes()

    async def work(session: AsyncSession) -> SpendImportRead | SpendRowsError:
        organisation = await _one_organisation(session, organisation_id)
        bars = _ImportBars()
        try:
            return await import_spend(session, organisation, None, file.name, content, bars)
        except SpendRowsError as refused:
            return refused
        finally:
            bars.close()

    outcome = _run(work)
    if isinstance(outcome, SpendRowsError):
        click.echo(f"{outcome.detail}.", err=True)
        for problem in outcome.problems:
            click.echo(f"  Row {problem.row}, {problem.field}: {problem.message}", err=True)
        unlisted = outcome.problem_count - len(outcome.problems)
        if unlisted:
            click.echo(f"  ... and {_counted(unlisted, 'more problem')}", err=True)
        sys.exit(1)
    added, unchanged = outcome.rows_added, outcome.rows_unchanged
    click.echo(
        f"Imported {outcome.file_name}: {added:,} new payment{'' if added == 1 else 's'} added, "
        f"{unchanged:,} already stored and unchanged (import {outcome.id})."
    )
