"""Run the `procurement` command against a throwaway SQLite database.

Commands that should succeed run the installed console script in a subprocess, the honest
test: it reads its settings from the environment once, exactly as when an operator runs it.
Refusals run in-process through click's runner, which is the same code without the second
or two each new interpreter spends importing, and lets the test see any traceback.
"""

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from procurement.cli import main
from procurement.config import Settings, get_settings, normalise_database_url
from procurement.db import create_engine, open_session
from procurement.errors import DomainError
from procurement.services.auth import AuthService, LoginPolicy

PROCUREMENT = Path(sys.executable).parent / "procurement"
# Every variable Settings reads, so that nothing from the developer's shell leaks in.
SETTINGS_VARIABLES = {name.upper() for name in Settings.model_fields}
POLICY = LoginPolicy(attempts=100, window=timedelta(minutes=15))


@dataclass(frozen=True)
class Cli:
    """The `procurement` command, configured for one database and data directory."""

    database_url: str
    data_dir: Path

    def _environment(self) -> dict[str, str | None]:
        unset: dict[str, str | None] = dict.fromkeys(SETTINGS_VARIABLES)
        return unset | {"DATABASE_URL": self.database_url, "DATA_DIR": str(self.data_dir)}

    def succeeds(self, *args: str, stdin: str = "") -> str:
        """Run the installed command, assert it exits 0, and return its output."""
        env = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
        env |= {k: v for k, v in self._environment().items() if v is not None}
        result = subprocess.run(
            [str(PROCUREMENT), *args],
            input=stdin,  # piped, so passwords are read from stdin rather than prompted for
            capture_output=True,
            text=True,
            env=env,
            cwd=self.data_dir,  # away from any .env file in the checkout
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    def refuses(self, *args: str, stdin: str = "") -> str:
        """Run the command in-process, assert it fails cleanly, and return its message."""
        get_settings.cache_clear()  # the command reads settings once per process
        try:
            result = CliRunner().invoke(main, list(args), input=stdin, env=self._environment())
        finally:
            get_settings.cache_clear()
        assert result.exit_code in {1, 2}, result.output
        assert isinstance(result.exception, SystemExit), result.exception
        return result.output

    def signs_in(self, email: str, password: str) -> bool:
        """True when the email and password are accepted by the database the command used."""

        async def check() -> bool:
            engine = create_engine(normalise_database_url(self.database_url))
            try:
                async with open_session(engine) as session:
                    await AuthService(session).authenticate(email, password, POLICY)
                    return True
            except DomainError:
                return False
            finally:
                await engine.dispose()

        return asyncio.run(check())

    def elsewhere(self, data_dir: Path) -> "Cli":
        """The same database with another data directory."""
        data_dir.mkdir(parents=True, exist_ok=True)
        return Cli(self.database_url, data_dir)


def cli_in(directory: Path) -> Cli:
    """A command whose plain `sqlite://` URL and data directory are both in `directory`."""
    return Cli(f"sqlite:///{directory / 'procurement.db'}", directory)


@pytest.fixture
def fresh_cli(tmp_path: Path) -> Cli:
    """The command on a database that does not exist yet."""
    return cli_in(tmp_path)


@dataclass(frozen=True)
class Seeded:
    """A migrated database with the demo seeded, and what the first seeding printed."""

    cli: Cli
    first_output: str


@pytest.fixture(scope="session")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    """One demo database shared by the command tests (each adds only what it names)."""
    cli = cli_in(tmp_path_factory.mktemp("cli-demo"))
    cli.succeeds("db", "upgrade")
    yield Seeded(cli, cli.succeeds("seed-demo"))
