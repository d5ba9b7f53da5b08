"""`procurement db upgrade`: builds the schema from nothing, and is safe to run again."""

import sqlite3

from procurement.migrate import upgrade_database
from tests.cli.conftest import Cli


def _tables(cli: Cli) -> set[str]:
    database = cli.data_dir / "procurement.db"
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {name for (name,) in rows}


def test_upgrade_builds_the_schema_and_can_be_repeated(fresh_cli: Cli) -> None:
    assert "Database is up to date." in fresh_cli.succeeds("db", "upgrade")
    assert {"alembic_version", "organisation", "user_account", "tender", "bid"} <= _tables(
        fresh_cli
    )
    # A development install also gets its own secret key, kept in the data directory.
    assert len((fresh_cli.data_dir / "secret_key").read_text().strip()) >= 32
    assert "Database is up to date." in fresh_cli.succeeds("db", "upgrade")


def test_creating_a_user_before_any_organisation_says_how_to_start(fresh_cli: Cli) -> None:
    upgrade_database(f"sqlite:///{fresh_cli.data_dir / 'procurement.db'}")
    error = fresh_cli.refuses(
        "users",
        "create",
        "--email",
        "first@council.example.com",
        "--role",
        "admin",
        stdin="a long enough password\n",
    )
    assert "No organisation yet" in error


def test_a_new_deployment_starts_with_an_organisation_then_its_first_admin(
    fresh_cli: Cli,
) -> None:
    fresh_cli.succeeds("db", "upgrade")
    created = fresh_cli.succeeds(
        "organisations", "create", "--name", "Northborough Council", "--local-area", "nn8, ne29"
    )
    assert created.startswith("Created organisation Northborough Council (")
    fresh_cli.succeeds(
        "users",
        "create",
        "--email",
        "first@council.example.com",
        "--role",
        "admin",
        stdin="a long enough password\n",
    )
    assert fresh_cli.signs_in("first@council.example.com", "a long enough password")
    with sqlite3.connect(fresh_cli.data_dir / "procurement.db") as connection:
        (local_area,) = connection.execute("SELECT local_area FROM organisation").fetchone()
    assert local_area == '["NN8", "NE29"]'


def test_an_organisation_with_a_bad_local_area_is_refused(fresh_cli: Cli) -> None:
    upgrade_database(f"sqlite:///{fresh_cli.data_dir / 'procurement.db'}")
    error = fresh_cli.refuses("organisations", "create", "--name", "X", "--local-area", "8NN")
    assert "local_area.0" in error
    assert "not a postcode area" in error
