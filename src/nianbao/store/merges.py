"""Agencies split under several names joined into one, afterwards, with history (table `agency_merges`).

The writer places a report's agency when it stores it (store/ingest.py `agency_id_of`: the name key,
then the region alias rule of store/aliases.py).  A store filled before a rule improved, or a body
whose names no rule joins (a person knows that 洪泽区政府 and 淮安市洪泽区人民政府 are one), keeps
two agencies for one body.  Here they are joined:

- **merge** (a person, or the automatic pass): every report row of the joined agency moves to the
  kept one and takes its region, so stats, exports and filters see one agency; the versions of one
  report per agency and year (store/versions.py) are recomputed for the years moved, and the kept
  agency is relinked (store/linking.py) so its years pair across the old split.  The joined agency's
  row stays (its name, region and corrections), and the writer files new reports of it under the
  kept agency (`kept_agency`), with the kept agency's region (`region_of`) as the moved ones.
- **unmerge**: the reports under the kept agency printed under the names the joined one had go back
  to it, with its own region; versions and links recomputed on both.  Those names are the ones it
  had when it was joined, and every later spelling the writer placed on it (by name key or alias
  rule) and filed under the kept agency (`record_name`): a new spelling follows the agency the
  rules place it on, not the one it happens to be filed under while merged.
- **the automatic pass** (`relink_aliases`) applies today's rules to the stored agencies: two
  agencies whose names now give one key (agencies.normalise), or one identity (store/aliases.py:
  the same division read from the name and decided, and the same kind of body), are joined into
  the oldest.  A region a person corrected, or stored from the text, that disagrees with the name's
  keeps the agency out: a guess never merges; so does an unmerge: a person parted them.

Each merge is one history row (who, when, which names, how many reports); an unmerge marks it undone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterable, cast

from sqlalchemy import Table, delete, select, update

from .. import regions
from .agencies import normalise as agency_key
from .aliases import identity
from .batching import batched
from .carry_over import carry_over
from .db import Store, advisory_lock, write_lock
from .linking import link, queue
from .models import Agency, AgencyMerge, Relink, StoredReport
from .versions import assign

_AGENCIES = cast(Table, Agency.__table__)
_REPORTS = cast(Table, StoredReport.__table__)
_MERGES = cast(Table, AgencyMerge.__table__)
_RELINK = cast(Table, Relink.__table__)
_LOCK = "nianbao agency merges"
# What a report row copies of its agency's region: one body, one place in stats and filters.
REGION_COLUMNS = ("level", "province", "city", "county", "township", "region_code", "gov_level")
# A chain of merges (B into A, then A into C) is followed this deep at most: a loop in a damaged
# database ends instead of hanging the writer.
_LONGEST_CHAIN = 32
_IN_FORCE = _MERGES.c.undone_at.is_(None)
AUTOMATIC_NOTE = "按现行别名规则合并 / joined by the alias rules"


class MergeRefused(ValueError):
    """A merge or unmerge that cannot be done; the message (Chinese first) says why."""


@dataclass(frozen=True)
class Merged:
    """One merge done: `merged` joined into `kept`."""

    kept_id: int
    kept_name: str
    merged_id: int
    merged_name: str
    names: tuple[str, ...]
    reports: int


@dataclass
class Plan:
    """What the automatic pass joins: kept agency id → the ids joined into it, and every agency's name."""

    groups: dict[int, list[int]] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)


# ------------------------------------------------------------------ following merges
def kept_agency(connection, agency_id: int) -> int:
    """The agency `agency_id`'s reports are filed under: itself, or the one it is merged into."""
    seen = {agency_id}
    for _ in range(_LONGEST_CHAIN):
        into = connection.scalar(select(_MERGES.c.agency_id).where(_MERGES.c.merged_id == agency_id, _IN_FORCE))
        if into is None or into in seen:
            return agency_id
        seen.add(into)
        agency_id = into
    return agency_id


def record_name(connection, joined_id: int, name: str) -> None:
    """A report printed under `name`, a name of agency `joined_id` (by key or alias rule), was filed
    under the agency it is joined into: the name is recorded on each merge in force along the chain,
    so an unmerge gives its reports back with the names the joined agency had when it was joined."""
    key = agency_key(name)
    agency_id = joined_id
    for _ in range(_LONGEST_CHAIN):
        row = _merge_in_force(connection, agency_id)
        if row is None:
            return
        names = json.loads(row.names)
        if key not in {agency_key(known) for known in names}:
            connection.execute(update(_MERGES).where(_MERGES.c.id == row.id).values(
                names=json.dumps(sorted({*names, name}), ensure_ascii=False)))
        agency_id = row.agency_id


def region_of(connection, agency_id: int) -> dict[str, Any]:
    """The region columns a report filed under the agency copies (REGION_COLUMNS)."""
    agency = _agency(connection, agency_id)
    return {column: getattr(agency, column) for column in REGION_COLUMNS}


def agency_name(connection, agency_id: int) -> str:
    """The name a report filed under the agency is labelled and sorted by (reports.agency_name)."""
    return _agency(connection, agency_id).name


def _merge_in_force(connection, merged_id: int):
    return connection.execute(
        select(_MERGES).where(_MERGES.c.merged_id == merged_id, _IN_FORCE).order_by(_MERGES.c.id.desc())
    ).first()


# ------------------------------------------------------------------ merge / unmerge
def merge(store: Store, kept_id: int, merged_id: int, author: str = "", note: str = "",
          automatic: bool = False) -> Merged:
    """Join agency `merged_id` into `kept_id` (module docstring); relinks the kept agency."""
    with store.engine.begin() as connection:
        write_lock(connection, _LOCK)
        done = _merge(connection, kept_id, merged_id, author, note, automatic)
    link(store, [done.kept_id])
    return done


def _merge(connection, kept_id: int, merged_id: int, author: str, note: str, automatic: bool) -> Merged:
    kept_id = kept_agency(connection, kept_id)
    kept, joined = _agency(connection, kept_id), _agency(connection, merged_id)
    if kept_id == merged_id:
        raise MergeRefused(f"“{joined.name}”与“{kept.name}”已是同一机关 / already one agency")
    if _merge_in_force(connection, merged_id) is not None:
        into = _agency(connection, kept_agency(connection, merged_id))
        raise MergeRefused(f"“{joined.name}”已并入“{into.name}”（编号 {into.id}）/ already merged into agency {into.id}")
    _lock_agencies(connection, [kept_id, merged_id])
    moved = connection.execute(select(_REPORTS.c.agency, _REPORTS.c.year, _REPORTS.c.sha256).where(
        _REPORTS.c.agency_id == merged_id)).all()
    names = tuple(sorted({joined.name, *(row.agency for row in moved if row.agency)}))
    connection.execute(update(_REPORTS).where(_REPORTS.c.agency_id == merged_id).values(
        agency_id=kept_id, agency_name=kept.name, **region_of(connection, kept_id)))
    connection.execute(_MERGES.insert().values(
        agency_id=kept_id, merged_id=merged_id, names=json.dumps(list(names), ensure_ascii=False),
        reports=len(moved), automatic=automatic, author=author.strip() or None, note=note.strip() or None,
        created_at=_now()))
    _after_move(connection, [kept_id], [merged_id], moved)
    return Merged(kept_id, kept.name, merged_id, joined.name, names, len(moved))


def unmerge(store: Store, merged_id: int, author: str = "") -> Merged:
    """Undo the merge in force of agency `merged_id`: its reports go back to it (module docstring)."""
    with store.engine.begin() as connection:
        write_lock(connection, _LOCK)
        done = _unmerge(connection, merged_id, author)
    link(store, [done.kept_id, done.merged_id])
    return done


def _unmerge(connection, merged_id: int, author: str) -> Merged:
    joined = _agency(connection, merged_id)
    row = _merge_in_force(connection, merged_id)
    if row is None:
        raise MergeRefused(f"“{joined.name}”没有并入其他机关 / agency {merged_id} is not merged")
    holder_id = kept_agency(connection, row.agency_id)  # where its reports are now (a later merge moves them on)
    _lock_agencies(connection, [holder_id, merged_id])
    names = tuple(json.loads(row.names))
    keys = {agency_key(name) for name in names}
    rows = connection.execute(select(_REPORTS.c.id, _REPORTS.c.agency, _REPORTS.c.year, _REPORTS.c.sha256).where(
        _REPORTS.c.agency_id == holder_id)).all()
    back = [r for r in rows if r.agency and agency_key(r.agency) in keys]
    for ids in batched([r.id for r in back], 500):
        connection.execute(update(_REPORTS).where(_REPORTS.c.id.in_(ids)).values(
            agency_id=merged_id, agency_name=joined.name, **{c: getattr(joined, c) for c in REGION_COLUMNS}))
    connection.execute(update(_MERGES).where(_MERGES.c.id == row.id).values(
        undone_at=_now(), undone_by=author.strip() or None))
    _after_move(connection, [holder_id, merged_id], [], back)
    kept = _agency(connection, holder_id)
    return Merged(holder_id, kept.name, merged_id, joined.name, names, len(back))


def _after_move(connection, agencies: list[int], emptied: list[int], moved: list[Any]) -> None:
    """Versions recomputed for the years of the reports moved, people's verdicts carried to the
    version that counts (as the writer does for a republished file); the agencies queued for the
    linking pass."""
    assign(connection, [(agency_id, year) for agency_id in agencies for year in {row.year for row in moved}])
    for sha256 in sorted({row.sha256 for row in moved}):
        carry_over(connection, sha256)
    if emptied:  # an agency without reports has nothing to link
        connection.execute(delete(_RELINK).where(_RELINK.c.agency_id.in_(emptied)))
    queue(connection, agencies)


def _lock_agencies(connection, agency_ids: Iterable[int]) -> None:
    # The writer's lock of an agency (store/ingest.py): a file of it written meanwhile waits, so
    # the versions computed here are not decided twice at once.
    for agency_id in sorted(set(agency_ids)):
        advisory_lock(connection, f"nianbao agency {agency_id}")


def _agency(connection, agency_id: int):
    row = connection.execute(select(_AGENCIES).where(_AGENCIES.c.id == agency_id)).first()
    if row is None:
        raise LookupError(f"未找到机关编号 {agency_id} / no such agency")
    return row


def _now() -> datetime:
    return datetime.now(timezone.utc)


# ------------------------------------------------------------------ the automatic pass
def plan(store: Store) -> Plan:
    """Which stored agencies today's rules join (module docstring), not yet joined."""
    with store.engine.connect() as connection:
        # Agencies joined already, and those a person parted again (an unmerge wins over the rules).
        left_out = set(connection.scalars(select(_MERGES.c.merged_id)))
        rows = [r for r in connection.execute(select(_AGENCIES).order_by(_AGENCIES.c.id)) if r.id not in left_out]
    out = Plan(names={row.id: row.name for row in rows})
    first_of: dict[tuple, int] = {}  # a key or an identity → the first agency that has it
    parent: dict[int, int] = {}  # union-find over agency ids; the oldest of a group is its root
    for row in rows:
        for mark in _marks(row):
            if mark in first_of:
                _join(parent, first_of[mark], row.id)
            else:
                first_of[mark] = row.id
    for row in rows:
        root = _root(parent, row.id)
        if root != row.id:
            out.groups.setdefault(root, []).append(row.id)
    return out


def _root(parent: dict[int, int], agency_id: int) -> int:
    while parent.get(agency_id, agency_id) != agency_id:
        agency_id = parent[agency_id]
    return agency_id


def _join(parent: dict[int, int], one: int, other: int) -> None:
    roots = sorted({_root(parent, one), _root(parent, other)})
    for later in roots[1:]:
        parent[later] = roots[0]


def _marks(row) -> list[tuple]:
    """What identifies the agency under today's rules: its name key, and its identity when decided."""
    marks: list[tuple] = [("key", agency_key(row.name))]
    region = regions.resolve(row.name).as_dict()
    body = identity(row.name, region)
    stored = (row.region_code, row.township or "")
    # Nothing stored may disagree with the name: a region a person set, or one read from the text.
    if body is not None and (row.region_code is None or stored == body[:2]):
        marks.append(("identity", *body))
    return marks


def relink_aliases(store: Store, author: str = "", dry_run: bool = False) -> list[Merged]:
    """Apply today's alias rules to the stored agencies and join those that are one body."""
    found = plan(store)
    done: list[Merged] = []
    for kept_id, joined in sorted(found.groups.items()):
        for merged_id in joined:
            if dry_run:
                done.append(Merged(kept_id, found.names[kept_id], merged_id, found.names[merged_id], (), 0))
                continue
            with store.engine.begin() as connection:  # one transaction per merge, as a person's
                write_lock(connection, _LOCK)
                done.append(_merge(connection, kept_id, merged_id, author, AUTOMATIC_NOTE, automatic=True))
    if done and not dry_run:
        link(store, sorted({one.kept_id for one in done}))
    return done


# ------------------------------------------------------------------ history
def history(store: Store, agency_id: int) -> list[dict[str, Any]]:
    """Every merge the agency took part in (kept or joined), oldest first."""
    with store.engine.connect() as connection:
        rows = connection.execute(select(_MERGES).where(
            (_MERGES.c.agency_id == agency_id) | (_MERGES.c.merged_id == agency_id)).order_by(_MERGES.c.id)).all()
        ids = {r.agency_id for r in rows} | {r.merged_id for r in rows}
        names = dict(connection.execute(select(_AGENCIES.c.id, _AGENCIES.c.name).where(_AGENCIES.c.id.in_(ids))).all())
    return [{
        "id": row.id, "kept_id": row.agency_id, "kept_name": names.get(row.agency_id),
        "merged_id": row.merged_id, "merged_name": names.get(row.merged_id), "names": json.loads(row.names),
        "reports": row.reports, "automatic": bool(row.automatic), "author": row.author, "note": row.note,
        "at": _iso(row.created_at), "undone_at": _iso(row.undone_at), "undone_by": row.undone_by,
        "in_force": row.undone_at is None,
    } for row in rows]


def merged_into(store: Store, agency_id: int) -> tuple[int, str] | None:
    """The agency `agency_id` is joined into, as (id, name); None when it stands alone.
    LookupError when there is no such agency."""
    with store.engine.connect() as connection:
        _agency(connection, agency_id)
        kept_id = kept_agency(connection, agency_id)
        return None if kept_id == agency_id else (kept_id, _agency(connection, kept_id).name)


def places(store: Store, agency_ids: Iterable[int]) -> list[tuple[str | None, str | None, str | None]]:
    """(province, city, county) of each agency named: what a person's region scope is checked against."""
    with store.engine.connect() as connection:
        rows = connection.execute(select(_AGENCIES.c.province, _AGENCIES.c.city, _AGENCIES.c.county).where(
            _AGENCIES.c.id.in_(sorted(set(agency_ids))))).all()
    return [(row.province, row.city, row.county) for row in rows]


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None
