"""Corpus storage: ingest reports into SQLite or PostgreSQL, export and analyse them.

    from nianbao.store import open_store, ingest
    with open_store("nianbao.db") as store:
        ingest(store, paths, workers=2)

docs/storage.md describes the schema, the guarantees and the rate definitions.
"""

from .db import Store, open_store
from .ingest import PARSER_VERSION, Summary, ingest

__all__ = ["Store", "open_store", "ingest", "Summary", "PARSER_VERSION"]
