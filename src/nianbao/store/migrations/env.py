"""Alembic environment: the package's own metadata, and the connection the store opened.

Migrations run programmatically from `nianbao.store.db.open_store`, which passes its
connection in `config.attributes["connection"]`; the `alembic` command line works too
when given `-x url=...`.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from nianbao.store.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things; batch mode copies tables instead.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no database URL: pass -x url=… or set sqlalchemy.url")
    with create_engine(url).connect() as connection:
        _run(connection)


run_migrations_online()
