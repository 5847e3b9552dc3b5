"""One agency under the names a region writes it by: 洪泽区政府 (one year) and 淮安市洪泽区人民政府
(another) are one body, so they get one agency id, and its years pair for the cross-year checks
and count once per year (store/versions.py).

The name key of agencies.py joins abbreviations (发改局 = 发展和改革局) but not a parent region
written in front.  Here a body is identified by where its name places it (nianbao.regions: the
6-digit code, and the township, whose code is its county's) and by its *kind*: what the name says
after the places (人民政府, 发展和改革局, 办事处), abbreviations written out and 政府 read as 人民政府.
Only a region read from the name itself (not guessed from the text alone) and decided (one
candidate) identifies a body: a guess must never merge two agencies.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, cast

from sqlalchemy import Table, select

from .. import regions
from .agencies import normalise
from .models import Agency

_AGENCIES = cast(Table, Agency.__table__)
_FROM_NAME = ("name", "name+text")  # regions.Region.source values that come from the name
# What a government's own name adds after its place, read as one kind.
_GOVERNMENT = {"政府": "人民政府"}


@lru_cache(maxsize=65536)
def kind(name: str) -> str | None:
    """What `name` says after the places it starts with, or None when it names no place."""
    full = regions.compact(normalise(name))
    chain, rest_at = regions.read_chain(full)
    if not chain:
        return None
    rest = full[rest_at:]
    return _GOVERNMENT.get(rest, rest) or "人民政府"  # a bare place name (洪泽区) is its government


def identity(name: str, region: dict[str, Any]) -> tuple[str, str, str] | None:
    """(code, township, kind) of a body its name places in one division, else None."""
    code = region.get("code")
    if not code or region.get("source") not in _FROM_NAME or int(region.get("candidates") or 1) > 1:
        return None
    body = kind(name)
    return None if body is None else (str(code), region.get("township") or "", body)


def alias_of(connection, name: str, region: dict[str, Any]) -> int | None:
    """The id of a stored agency that is the same body as `name` under another name, or None."""
    mine = identity(name, region)
    if mine is None:
        return None
    code, township, body = mine
    township_is = _AGENCIES.c.township == township if township else _AGENCIES.c.township.is_(None)
    rows = connection.execute(
        select(_AGENCIES.c.id, _AGENCIES.c.name).where(
            _AGENCIES.c.region_code == code, township_is,
        ).order_by(_AGENCIES.c.id)
    ).all()
    return next((row.id for row in rows if kind(row.name) == body), None)
