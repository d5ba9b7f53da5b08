"""The Alembic migrations build the schema the models expect, on every backend."""

from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel


async def test_migrated_schema_has_every_model_table_and_column(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        tables = await connection.run_sync(
            lambda sync: {
                name: {c["name"] for c in inspect(sync).get_columns(name)}
                for name in inspect(sync).get_table_names()
            }
        )
    for table in SQLModel.metadata.sorted_tables:
        assert table.name in tables, f"migration does not create {table.name}"
        assert {c.name for c in table.columns} == tables[table.name], table.name
