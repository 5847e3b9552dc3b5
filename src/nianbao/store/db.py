"""Opening a store: a database URL or a plain file path (→ SQLite), migrated on open."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, make_url
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
