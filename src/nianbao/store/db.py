"""Opening a store: a database URL or a plain file path (→ SQLite), migrated on open.

Several processes may open and write one store at once (two `nianbao ingest` runs, the web app
beside an ingest).  `write_lock` is how a transaction that reads and then writes makes its
reading hold until it commits: migrations take it for the whole schema, the ingest writer for
one file, the linking pass for its agencies (docs/storage.md, "Concurrent writers").
"""

from __future__ import annotations

import hashlib
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, make_url, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from ..errors import NianbaoError

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
    # First: switching to WAL needs a lock too, and a second process opening the file at the
    # same moment must wait for it rather than fail with "database is locked".
    cursor.execute("PRAGMA busy_timeout=30000")
    # WAL lets readers (datasette, stats) work while an ingest writes; NORMAL sync is
    # still crash-safe for committed transactions in WAL mode.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
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


MIGRATION_LOCK = "nianbao schema"


def write_lock(connection: Connection, name: str) -> None:
    """Make the caller's transaction (just begun, nothing run in it yet) the only writer that
    takes lock `name` until it ends; another process taking it waits.

    SQLite has one write lock for the whole file: BEGIN IMMEDIATE takes it now rather than at
    the first write, so what the transaction reads first cannot change before it writes (and
    a deferred transaction's stale snapshot cannot fail its first write).  PostgreSQL: a
    transaction-scoped advisory lock on `name`; row locks and constraints do the rest."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        advisory_lock(connection, name)


def advisory_lock(connection: Connection, name: str) -> None:
    """Another lock for a transaction begun with `write_lock`, held until it ends.  PostgreSQL
    only: on SQLite that transaction holds the file's one write lock already."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock_key(name)})


def lock_key(name: str) -> int:
    """A lock name as PostgreSQL's 64-bit advisory lock key."""
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "big", signed=True)


def migrate(engine: Engine) -> None:
    """Upgrade to the newest schema, one process at a time: a second process opening a new
    database waits, then finds the schema made (no "table already exists", no duplicate
    alembic_version).  One transaction: SQLite and PostgreSQL both roll DDL back."""
    config = alembic_config()
    if _at_head(engine, config):
        return  # the usual case, checked without the lock: a read-only database opens too
    with engine.begin() as connection:
        write_lock(connection, MIGRATION_LOCK)
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def _at_head(engine: Engine, config: Config) -> bool:
    with engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    return current == set(ScriptDirectory.from_config(config).get_heads())


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

    @contextmanager
    def use(self, *, write: bool) -> Iterator[Session]:
        """A session; with `write`, one transaction, committed when the block ends (rolled back
        if it raises).  The CLI's commands and the web app's handlers open theirs this way."""
        with self.session() as session:
            if write:
                with session.begin():
                    yield session
            else:
                yield session

    def answers(self) -> bool:
        """One trivial statement on a pooled connection: the database accepts connections and
        answers (the web app's health check; a monitor wants yes or no, not the driver's error)."""
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except (SQLAlchemyError, OSError):
            return False
        return True

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class StoreNotFound(NianbaoError):
    """A command that reads a database was given a SQLite file that does not exist."""


def sqlite_file(target: str | Path) -> Path | None:
    """The file behind a SQLite target (`nianbao.db`, `sqlite:///x.db`); None for other databases and memory."""
    url = make_url(database_url(target))
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def open_store(target: str | Path, *, create: bool = True) -> Store:
    """Open (and migrate) a store.  With `create=False` a SQLite file that does not exist is an
    error and is not created: reading commands must not leave an empty database behind a typo."""
    if not create:
        path = sqlite_file(target)
        if path is not None and not path.exists():
            raise StoreNotFound(f"找不到数据库文件 {target}（请检查路径，或先用 nianbao ingest 建库）",
                                f"database file not found: {target} (check the path, or create it with nianbao ingest)")
    return Store(target)
