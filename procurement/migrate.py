"""Run Alembic migrations from code, for the CLI, `make run` and the tests."""

from alembic import command
from alembic.config import Config

from procurement.config import normalise_database_url


def alembic_config(database_url: str) -> Config:
    """An Alembic config for the packaged migrations and the given database."""
    config = Config()
    config.set_main_option("script_location", "procurement:migrations")
    config.set_main_option("sqlalchemy.url", normalise_database_url(database_url))
    return config


def upgrade_database(database_url: str) -> None:
    """Bring the database to the latest schema."""
    command.upgrade(alembic_config(database_url), "head")
