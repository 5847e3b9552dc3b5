"""Failed logins counted per key (an address, an account) for the web app's login throttle
(web/security.py `LoginThrottle`): the throttle decides the limits, this module reads and writes the
`login_failures` rows (store/accounts.py `count_failures`, `add_failure`), each call one transaction,
so several app instances on one database share the counts."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Iterable

from .accounts import add_failure, count_failures
from .db import Store


def failures_since(store: Store, windows: Iterable[tuple[str, datetime]]) -> list[tuple[int, datetime | None]]:
    """For each (key, since): how many failures the key has had since then, and the oldest of them."""
    with store.session() as session:
        return [count_failures(session, key, since) for key, since in windows]


def record_failure(store: Store, keys: Iterable[str], at: datetime, keep: timedelta) -> None:
    """One failure for each key (each counted once), and failures older than `keep` forgotten."""
    with store.session() as session, session.begin():
        for key in dict.fromkeys(keys):
            add_failure(session, key, at, keep)
