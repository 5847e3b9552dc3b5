"""Opening a store: a database URL or a plain file path (→ SQLite), migrated on open."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).with_name("migrations")


def database_url(target: str | Path) -> str:
    """`nianbao.db` and `/x/y.db` mean SQLite files; anything with `://` is a SQLAlchemy URL."""
    text = str(target)
    if "://" in text:
        # psycopg 3 is the driver we ship with; plain postgresql:// would ask for psycopg2.
        if text.startswith("postgresql://") or text.startswith("postgres://"):
            text = "postgresql+psycopg://" + text.split("://", 1)[1]
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers (datasette, stats) work while an ingest writes; NORMAL sync is
    # still crash-safe for committed transactions in WAL mode.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_engine(target: str | Path) -> Engine:
    url = database_url(target)
    engine = create_engine(url, future=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def migrate(engine: Engine) -> None:
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


class Store:
    """An open, migrated database."""

    def __init__(self, target: str | Path, *, migrate_on_open: bool = True):
        self.url = database_url(target)
        self.engine = make_engine(target)
        if migrate_on_open:
            migrate(self.engine)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    def session(self) -> Session:
        return self.sessions()

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_store(target: str | Path) -> Store:
    return Store(target)
