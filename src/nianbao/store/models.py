"""Tables of the report store (SQLAlchemy 2 declarative models).

One `documents`-level identity, the SHA-256 of the file bytes, ties everything
together: a report row is one parse of one document by one parser version, so a
newer parser adds a row (history) instead of overwriting; corrections hang off the
hash, not off a parse, so no re-parse can lose them.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (
    Boolean, DateTime, Float, ForeignKey, Index, Integer, MetaData, String, Text, UniqueConstraint, text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from .numbers import ExactNumber

# Explicit constraint names so Alembic migrations are identical on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Parse status of a report row.
STATUS_OK = "ok"  # all three tables read
STATUS_PARTIAL = "partial"  # parsed, something missing or unreadable
STATUS_FAILED = "failed"  # the file could not be read at all; `error` says why


def _now() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Agency(Base):
    """A reporting body, identified by its normalised name (see agencies.py)."""

    __tablename__ = "agencies"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)  # normalised full name
    name: Mapped[str] = mapped_column(String(200))  # first name seen, as printed
    level: Mapped[str | None] = mapped_column(String(10))  # 省/市/县/乡镇街道/部门
    province: Mapped[str | None] = mapped_column(String(40))
    city: Mapped[str | None] = mapped_column(String(40))
    county: Mapped[str | None] = mapped_column(String(40))
    # Revision 0005: the division the body is in (nianbao.regions) and its government's level.
    township: Mapped[str | None] = mapped_column(String(40))
    region_code: Mapped[str | None] = mapped_column(String(6))  # 行政区划代码 of the county or above
    gov_level: Mapped[str | None] = mapped_column(String(10))


class StoredReport(Base):
    __tablename__ = "reports"
    __table_args__ = (
        UniqueConstraint("sha256", "parser_version", name="uq_reports_sha256_parser_version"),
        Index("ix_reports_current_year", "current", "year"),
        Index("ix_reports_agency_id_year", "agency_id", "year"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    source: Mapped[str | None] = mapped_column(String(500))  # file name as ingested
    path: Mapped[str | None] = mapped_column(Text)
    size: Mapped[int | None] = mapped_column(Integer)
    parser_version: Mapped[str] = mapped_column(String(40))
    # Only the newest parse of a document is current; older parses stay as history.
    current: Mapped[bool] = mapped_column(Boolean, default=True)
    status: Mapped[str] = mapped_column(String(10))
    error: Mapped[str | None] = mapped_column(Text)
    format: Mapped[str | None] = mapped_column(String(10))
    edition: Mapped[str | None] = mapped_column(String(4))
    edition_reason: Mapped[str | None] = mapped_column(Text)
    year: Mapped[int | None] = mapped_column(Integer)
    agency: Mapped[str | None] = mapped_column(String(200))  # as printed
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    # The name of that agency (the kept one after a merge), kept by the writer, hand entry and
    # merges so the overview sorts by it through one index (revision 0017).
    agency_name: Mapped[str | None] = mapped_column(String(200))
    level: Mapped[str | None] = mapped_column(String(10))
    province: Mapped[str | None] = mapped_column(String(40))
    city: Mapped[str | None] = mapped_column(String(40))
    county: Mapped[str | None] = mapped_column(String(40))
    township: Mapped[str | None] = mapped_column(String(40))  # revision 0005, as the agency's
    region_code: Mapped[str | None] = mapped_column(String(6))
    gov_level: Mapped[str | None] = mapped_column(String(10))
    # One report per agency and year (store/versions.py): NULL on the version that counts; on the
    # others, the id of that version, and `version_kind` says how they differ from it.
    version_of: Mapped[int | None] = mapped_column(Integer)
    version_kind: Mapped[str | None] = mapped_column(String(12))  # twin / superseded
    published: Mapped[str | None] = mapped_column(String(10))
    single_other_handling: Mapped[bool] = mapped_column(Boolean, default=False)
    n_errors: Mapped[int] = mapped_column(Integer, default=0)  # error-level findings
    n_warnings: Mapped[int] = mapped_column(Integer, default=0)  # warning-level findings (info not counted)
    # Cells whose value is the parser's guess (Cell.uncertain) and that no person has corrected
    # (revision 0004; store/reports.py recount_uncertain).  A report with any is not clean.
    n_uncertain: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The report's sections as JSON text (Report.to_dict()["sections"]): the text the
    # cross-year copying rule compares.  NULL on rows ingested before revision 0003.
    sections: Mapped[str | None] = mapped_column(Text)
    ingested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)

    cells: Mapped[list["StoredCell"]] = relationship(back_populates="report", cascade="all, delete-orphan")


class StoredCell(Base):
    """One table cell in long form (canonical key split into table/row/column)."""

    __tablename__ = "cells"
    # No unique index on (report, cell): a report's cells are written in one transaction from
    # one dict, so they cannot repeat, and a text index would slow the millions of inserts.
    __table_args__ = (Index("ix_cells_report_id", "report_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    # "table"/"column" are SQL keywords; short names keep raw SQL (datasette, psql) simple.
    tbl: Mapped[str] = mapped_column(String(4))
    row: Mapped[str] = mapped_column(String(60))
    col: Mapped[str] = mapped_column(String(40))
    # The number as printed: NUMERIC on PostgreSQL, exact (store/numbers.py, revision 0013).
    value: Mapped[int | float | None] = mapped_column(ExactNumber)
    raw: Mapped[str | None] = mapped_column(Text)
    unit: Mapped[str | None] = mapped_column(String(10))
    inferred: Mapped[str | None] = mapped_column(Text)
    uncertain: Mapped[bool] = mapped_column(Boolean, default=False)
    # The other readings the source allows for an uncertain cell, as a JSON list (revision 0004).
    alternatives: Mapped[str | None] = mapped_column(Text)
    # Provenance (offsets, page, grid position) as JSON text: encoded by the parsing worker.
    location: Mapped[str | None] = mapped_column(Text)

    report: Mapped[StoredReport] = relationship(back_populates="cells")


class StoredFinding(Base):
    __tablename__ = "findings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(60))
    severity: Mapped[str] = mapped_column(String(10))
    message: Mapped[str] = mapped_column(Text)
    message_en: Mapped[str | None] = mapped_column(Text)
    cells: Mapped[str | None] = mapped_column(Text)  # JSON list of cell keys
    expected: Mapped[int | float | None] = mapped_column(ExactNumber)
    found: Mapped[int | float | None] = mapped_column(ExactNumber)


class Relink(Base):
    """An agency whose cross-year findings must be recomputed (see store/linking.py).

    Written in the same transaction as the report that makes it due, removed once the
    linking pass has done it: a run killed in between leaves it for the next run."""

    __tablename__ = "relink"
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"), primary_key=True)


class Correction(Base):
    """A value fixed by a person.  Keyed by document hash, so it outlives every re-parse."""

    __tablename__ = "corrections"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    cell: Mapped[str] = mapped_column(String(120))  # canonical path t3.granted.total
    value: Mapped[int | float | None] = mapped_column(ExactNumber)
    author: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)



# ------------------------------------------------------------------ accounts, roles, region scopes, audit log
# (revision 0006; store/accounts.py, docs/web.md "Accounts and roles")
class Account(Base):
    """A named person who logs in to the web app.  The password is kept only as an Argon2 hash."""

    __tablename__ = "accounts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(10))  # admin / reviewer / viewer
    # The region the account sees (store.accounts.RegionScope); all NULL: everywhere.
    province: Mapped[str | None] = mapped_column(String(40))
    city: Mapped[str | None] = mapped_column(String(40))
    county: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    # Session epochs (revision 0016): raised by every password change or reset; a browser
    # session carries the epoch it logged in at and is signed out once the two differ.
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Disabled accounts (revision 0018): since when and by whom; both NULL while the account is in use.
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    disabled_by: Mapped[str | None] = mapped_column(String(100))
    # Why the session epoch last moved on ("password", "disabled"; NULL before revision 0018): what a
    # session signed out by it is told.
    epoch_reason: Mapped[str | None] = mapped_column(String(10))


class AuditEntry(Base):
    """One write: who did what to what, and when."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, index=True)
    author: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str | None] = mapped_column(String(300))
    detail: Mapped[str | None] = mapped_column(Text)


class LoginFailure(Base):
    """A failed login or wrong token, kept in the database so that every worker process of the
    web app counts the same failures (web/security.py LoginThrottle)."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_key_at", "key", "at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200))  # "address:…" or "account:…"
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


# --------------------------------------------------------------------------- review status (revision 0007)
# People's verdicts on findings and the review state of reports (store/review.py).  Both hang
# off the document hash, like corrections: re-checks and re-parses rewrite findings and add
# report rows, and neither may lose a person's work.


class FindingVerdict(Base):
    """A person's verdict on one finding of one document (no row: 待核 pending).

    The finding is named by its rule and its cells (`cells` holds the JSON text the findings
    table holds), never by a findings row id, which every re-check replaces."""

    __tablename__ = "finding_verdicts"
    __table_args__ = (
        UniqueConstraint("key", name="uq_finding_verdicts_key"),
        Index("ix_finding_verdicts_sha256_code", "sha256", "code"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(20))  # review.finding_key(sha256, code, cells)
    sha256: Mapped[str] = mapped_column(String(64))
    code: Mapped[str] = mapped_column(String(60))
    cells: Mapped[str] = mapped_column(Text)
    verdict: Mapped[str] = mapped_column(String(10))  # pending / confirmed / dismissed
    reviewer: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class ReportReview(Base):
    """Where a document's review stands and who has it (no row: 未审, nobody assigned)."""

    __tablename__ = "report_reviews"
    __table_args__ = (Index("ix_report_reviews_assignee", "assignee"),)
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    status: Mapped[str] = mapped_column(String(12), default="unreviewed")  # unreviewed / in_review / reviewed
    status_by: Mapped[str | None] = mapped_column(String(100))
    status_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    assignee: Mapped[str | None] = mapped_column(String(100))
    assigned_by: Mapped[str | None] = mapped_column(String(100))
    assigned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    note: Mapped[str | None] = mapped_column(Text)


# ------------------------------------------------------------------ roster of who must publish
# (revision 0008; store/roster.py, docs/roster.md)
class RosterEntry(Base):
    """A body expected to publish an annual report every year, as imported from a roster file."""

    __tablename__ = "roster_entries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)  # as written in the roster
    level: Mapped[str | None] = mapped_column(String(20))  # 层级 as written (省/市/县/乡镇街道/部门 …)
    region: Mapped[str | None] = mapped_column(String(100))  # 地区, e.g. 江苏省宿迁市沭阳县
    aliases: Mapped[str | None] = mapped_column(Text)  # JSON list of other names of the body
    # "MM-DD" of the year after the report's year; NULL: the statutory deadline (checks/deadline.py).
    deadline: Mapped[str | None] = mapped_column(String(5))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class RosterLink(Base):
    """A report a person linked to a roster entry by hand; it wins over automatic matching.
    Keyed by the document hash (as corrections are), so re-parsing keeps it."""

    __tablename__ = "roster_links"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    # NULL: a person said the report belongs to no roster entry (it leaves the unmatched list).
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("roster_entries.id", ondelete="CASCADE"), index=True)
    author: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


# --- Hand entry (scans): report facts set by a person, with history (revision 0011) ---------


class FactCorrection(Base):
    """The agency, year, publication date or edition of a document, set by a person: what a
    scan the OCR could not read (or a report whose opening names no body) lacks.  Keyed by
    document hash like Correction, so it outlives every re-parse; the latest row of a field is
    in force (copied onto the document's report rows), the earlier ones are its history."""

    __tablename__ = "fact_corrections"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    field: Mapped[str] = mapped_column(String(20))  # agency / year / published / edition
    value: Mapped[str | None] = mapped_column(Text)  # as text; NULL clears the fact
    author: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


# --- Region corrections: an agency's divisions set by a person, with history (revision 0010) ---
class RegionCorrection(Base):
    """One field of an agency's region (province … region_code, level) changed by a person: who,
    when, old → new.  The latest row of a field is in force: copied onto the agency and its
    report rows, and again onto every later parse of its reports (store/region_history.py)."""

    __tablename__ = "region_corrections"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    field: Mapped[str] = mapped_column(String(20))  # province / city / county / township / region_code / level
    old_value: Mapped[str | None] = mapped_column(String(40))
    new_value: Mapped[str | None] = mapped_column(String(40))  # NULL clears the field
    author: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


# --- Volume: indexes of the overview's sorts, kept outcome totals (revision 0009) -----------
# The same indexes as the migration: one per sortable column of the overview on the expression
# web/listing.py sorts by, over the reports that count; and table 三's 总计 cells for /api/stats.

# The reports that count (store/versions.py COUNTED), as each database writes the condition.
_COUNTED_WHERE = {"postgresql": text("current AND version_of IS NULL"), "sqlite": text("current = 1 AND version_of IS NULL")}
_VOLUME_SORTS = {
    "agency": ("coalesce(coalesce(agency_name, agency), '')", "coalesce(year, 0) DESC", "id DESC"),  # revision 0017
    "year": ("coalesce(year, 0)", "id"),
    "region": ("coalesce(coalesce(province, city, county), '')", "id"),
    "level": ("coalesce(level, '')", "id"),
    "edition": ("coalesce(edition, '')", "id"),
    "status": ("coalesce(status, '')", "id"),
    "errors": ("coalesce(n_errors, 0)", "id"),
    "warnings": ("coalesce(n_warnings, 0)", "id"),
    "uncertain": ("coalesce(n_uncertain, 0)", "id"),
    "file": ("coalesce(source, '')", "id"),
}
for _name, _expressions in _VOLUME_SORTS.items():
    Index(f"ix_reports_sort_{_name}", *(text(e) for e in _expressions), _table=Base.metadata.tables["reports"],
          postgresql_where=_COUNTED_WHERE["postgresql"], sqlite_where=_COUNTED_WHERE["sqlite"])
Index("ix_cells_t3_totals", StoredCell.report_id, StoredCell.row, StoredCell.value,
      postgresql_where=text("tbl = 't3' AND col = 'total'"), sqlite_where=text("tbl = 't3' AND col = 'total'"))


class OutcomeTotals(Base):
    """A report's totals of the six outcome groups of table 三 (总计 column), corrections applied;
    NULL where the group has no value.  Kept by store/outcomes.py so /api/stats adds up one row
    per report instead of its cells."""

    __tablename__ = "outcome_totals"
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True)
    granted: Mapped[float | None] = mapped_column(Float)
    partially_granted: Mapped[float | None] = mapped_column(Float)
    withheld: Mapped[float | None] = mapped_column(Float)
    unavailable: Mapped[float | None] = mapped_column(Float)
    declined: Mapped[float | None] = mapped_column(Float)
    other: Mapped[float | None] = mapped_column(Float)


# --- Roster matches: which roster entry a report's agency name matches (revision 0012) -------
class RosterMatch(Base):
    """The roster entry the agency name and place of reports match (store/roster_match.py): found
    once per distinct (agency, province, city, county) by the pairing rule, so the roster's status
    per year is one query instead of matching every report on every request.  NULL columns are
    stored as '' (the join compares them so).  Emptied whenever the roster changes."""

    __tablename__ = "roster_matches"
    __table_args__ = (
        UniqueConstraint("agency", "province", "city", "county", name="uq_roster_matches_agency"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency: Mapped[str] = mapped_column(String(200))
    province: Mapped[str] = mapped_column(String(40))
    city: Mapped[str] = mapped_column(String(40))
    county: Mapped[str] = mapped_column(String(40))
    # NULL: no entry fits, or several do equally (`candidates` names them) — left for a person.
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("roster_entries.id", ondelete="CASCADE"), index=True)
    candidates: Mapped[str | None] = mapped_column(Text)  # JSON list of roster names


# --- Agency merges: agencies split under several names joined into one, with history (revision 0015) ---
class AgencyMerge(Base):
    """One agency joined into another (store/merges.py): by a person or by the automatic pass.

    In force while `undone_at` is NULL: the joined agency's reports are the kept agency's, and the
    writer files new reports of its names there.  `names` (JSON list) are the names its reports
    were printed under when joined: an unmerge gives back the reports of those names."""

    __tablename__ = "agency_merges"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)  # the agency kept
    merged_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)  # the agency joined into it
    names: Mapped[str] = mapped_column(Text)
    reports: Mapped[int] = mapped_column(Integer, default=0)  # report rows moved
    automatic: Mapped[bool] = mapped_column(Boolean, default=False)  # the alias rules' pass, not a person
    author: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    undone_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    undone_by: Mapped[str | None] = mapped_column(String(100))


# --- Stored scores: each report's score by a rubric, per dimension and in total (revision 0014) ---
class StoredScore(Base):
    """A report's score by one rubric (store/stored_scores.py), so rankings and the overview's
    总分 sort are SQL over this table.  Keyed by the rubric's fingerprint (stored_scores.rubric_key):
    a changed rubric finds no rows and scores again.  Rewritten whenever the report's findings or
    their verdicts change.  A failed file has a row without a score, so that the overview sorted
    by score is an inner join walking one of the indexes below (store/listing.py)."""

    __tablename__ = "report_scores"
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True)
    rubric: Mapped[str] = mapped_column(String(16), primary_key=True)
    total: Mapped[float | None] = mapped_column(Float)  # NULL: a failed file, not scored
    dimensions: Mapped[str | None] = mapped_column(Text)  # JSON list of dimension scores, in the rubric's order
    deductions: Mapped[int] = mapped_column(Integer)  # findings that cost points


# The overview's sort by score, lowest and highest first (store/listing.py score_keys: the same
# expressions, so the database walks an index instead of sorting every report).
SCORE_SORTS = {
    "ix_report_scores_sort_up": ("rubric", "(CASE WHEN total IS NULL THEN 1 ELSE 0 END)", "coalesce(total, 0.0)",
                                 "report_id"),
    "ix_report_scores_sort_down": ("rubric", "(CASE WHEN total IS NULL THEN 0 ELSE 1 END)", "coalesce(total, 0.0)",
                                   "report_id"),  # walked backwards
}
for _name, _expressions in SCORE_SORTS.items():
    Index(_name, *(text(e) for e in _expressions), _table=Base.metadata.tables["report_scores"])


# --- Wide CSV fragments: each report's cell columns as the wide CSV prints them (revision 0019) ---
class WideFragment(Base):
    """A report's cell columns as the wide CSV export writes them, kept so that a PostgreSQL export
    reads one text a report instead of printing some two hundred cells (store/export_pg.py).

    Self-validating: `signature` names the state the fragment was printed from (the printing rules
    and column set, `cells_revision`, the document's corrections); an export computes the current
    signature in the same query and uses the fragment only when the two are equal, else prints the
    report and stores it again.  `cells_revision` is moved on by PostgreSQL triggers whenever the
    report's cells are updated, deleted or added to (revision 0019), so no write to `cells` can
    leave a fragment that still matches."""

    __tablename__ = "wide_fragments"
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True)
    cells_revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    signature: Mapped[str | None] = mapped_column(String(32))  # NULL: the cells changed, nothing printed since
    cells: Mapped[str | None] = mapped_column(Text)  # the cell columns' CSV fields, comma-joined
    doubt: Mapped[str | None] = mapped_column(Text)  # the guessed cells' keys as `uncertain_cells` prints them
    doubt_count: Mapped[int | None] = mapped_column(Integer)  # how many (`n_uncertain`)
