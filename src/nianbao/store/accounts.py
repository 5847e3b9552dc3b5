"""Who is acting, what they may do and which reports they may see.

`Principal` is the person (or script) behind a request or a command: a name, a role and an
optional region scope.  `scope_filter(stmt, principal)` is the one place that restricts a
SQLAlchemy select of reports to what a principal may see: every listing, report fetch, export
and statistic calls it (docs/web.md, "Accounts and roles").
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from datetime import datetime, timedelta, timezone
from typing import Sequence, TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Select, delete, func, select
from sqlalchemy.orm import Session

from ..errors import NianbaoError
from ..regions import MUNICIPALITIES
from .models import Account, AuditEntry, LoginFailure, StoredReport

ROLE_ADMIN = "admin"
ROLE_REVIEWER = "reviewer"
ROLE_VIEWER = "viewer"
ROLE_LABELS = {ROLE_ADMIN: "管理员", ROLE_REVIEWER: "审核人", ROLE_VIEWER: "只读"}
ROLES = tuple(ROLE_LABELS)
# Who acts without an account (web/accounts.py): the --auth token, the one local user of a server
# without accounts, a visitor not logged in.  No account may take these names.
TOKEN_NAME, LOCAL_NAME, ANONYMOUS_NAME = "令牌", "本机用户", "匿名"

_S = TypeVar("_S", bound=Select)


@dataclass(frozen=True)
class RegionScope:
    """A division and everything inside it, named as the report columns `province`, `city` and
    `county` name it (nianbao.regions fills them).  All None: the whole country."""

    province: str | None = None
    city: str | None = None
    county: str | None = None

    @classmethod
    def parse(cls, text: str | None) -> "RegionScope":
        """`福建省/莆田市/荔城区`, `福建省/莆田市`, `福建省`; a municipality's district may skip the
        repeated city: `北京市/朝阳区` (regions gives a municipality itself as its city)."""
        parts = [part.strip() for part in (text or "").replace("／", "/").split("/") if part.strip()]
        if len(parts) > 3:
            raise ValueError(f"地区最多三级（省/市/县）：{text} / a region has at most three parts")
        if len(parts) == 2 and parts[0] in MUNICIPALITIES and parts[1] != parts[0]:
            parts = [parts[0], parts[0], parts[1]]
        return cls(*parts)

    @property
    def unrestricted(self) -> bool:
        return not (self.province or self.city or self.county)

    def label(self) -> str:
        """As typed on the command line; empty for the whole country."""
        parts = [self.province, self.city, self.county]
        if self.county and self.city == self.province:
            parts = [self.province, self.county]  # 北京市/朝阳区
        return "/".join(part for part in parts if part)

    def contains(self, province: str | None, city: str | None, county: str | None) -> bool:
        """Whether a report placed at (province, city, county) lies inside this scope: every level
        the scope names must match (a report whose region is unknown is outside every scope)."""
        return all(want is None or want == have for want, have in
                   ((self.province, province), (self.city, city), (self.county, county)))


    def within(self, outer: "RegionScope") -> bool:
        """Whether every report this scope holds lies inside `outer` too (the same or narrower)."""
        return outer.contains(self.province, self.city, self.county)


EVERYWHERE = RegionScope()


@dataclass(frozen=True)
class Principal:
    """Who acts.  `authenticated`: named by a login, the token or local single-user use;
    False for an anonymous visitor of a server that has accounts."""

    name: str
    role: str
    scope: RegionScope = EVERYWHERE
    authenticated: bool = True

    @property
    def can_write(self) -> bool:
        """Upload, correct, relink, review."""
        return self.authenticated and self.role in (ROLE_ADMIN, ROLE_REVIEWER)

    @property
    def can_admin(self) -> bool:
        """Manage accounts, delete reports, read the audit log."""
        return self.authenticated and self.role == ROLE_ADMIN

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)


def scope_filter(stmt: _S, principal: Principal | None) -> _S:
    """Restrict a select that reads `reports` (StoredReport) to the reports `principal` may see.

    Call it on every select of reports that serves a request: listings, counts, facets, stats,
    exports and single-report fetches (a report outside the scope then simply is not found, so
    its existence does not leak).  None or an unscoped principal leaves `stmt` unchanged."""
    if principal is None or principal.scope.unrestricted:
        return stmt
    scope = principal.scope
    for column, wanted in ((StoredReport.province, scope.province), (StoredReport.city, scope.city),
                           (StoredReport.county, scope.county)):
        if wanted is not None:
            stmt = stmt.where(column == wanted)
    return stmt


def in_scope(report: StoredReport, principal: Principal | None) -> bool:
    """The same rule as scope_filter for a row already loaded."""
    if principal is None:
        return True
    return principal.scope.contains(report.province, report.city, report.county)


# ------------------------------------------------------------------ accounts
# argon2-cffi's defaults: Argon2id with RFC 9106's second recommended parameters (64 MiB, 3
# passes, 4 lanes).  Measured at about 0.5 s a check on the shared 2-core test machine under a
# load of 8 (a fraction of that on an idle core): once per login, run off the event loop
# (pages.login), and the login throttle bounds how many a client can ask for.
_hasher = PasswordHasher()
MAX_NAME = 100
MIN_PASSWORD = 8


class AccountError(NianbaoError):
    """An account command the store refuses (duplicate name, unknown role, short password …)."""


class WrongPassword(AccountError):
    """The current password given to change it is wrong (callers throttle these as failed logins)."""


class NoSuchAccount(AccountError):
    """No account of that name (or, for an administrator with a region scope, none inside it)."""


class OutsideScope(AccountError):
    """An administrator with a region scope asked for an account reaching beyond it."""


class AccountDisabled(AccountError):
    """The name and password are right but an administrator has disabled the account."""


class LastAdministrator(AccountError):
    """Disabling or removing this administrator, or giving it another role, would leave no active
    administrator whose region holds it: no one could undo the change (keep_an_administrator)."""


DISABLED_MESSAGE = ("账户已停用，请联系管理员", "this account is disabled, ask an administrator")


def principal_of(account: Account) -> Principal:
    return Principal(account.name, account.role, RegionScope(account.province, account.city, account.county))


def _valid_role(role: str) -> str:
    if role not in ROLES:
        names = "、".join(f"{label} {key}" for key, label in ROLE_LABELS.items())
        raise AccountError(f"角色“{role}”无效，可选：{names}", f"unknown role {role!r}")
    return role


def _valid_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"密码至少 {MIN_PASSWORD} 个字符", f"the password needs at least {MIN_PASSWORD} characters")
    return password


def _valid_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > MAX_NAME or not name.isprintable() or "/" in name:
        raise AccountError(f"账户名无效（1–{MAX_NAME} 个可见字符，不含 /）：{name!r}", "invalid account name")
    if name in (TOKEN_NAME, LOCAL_NAME, ANONYMOUS_NAME):
        raise AccountError(f"“{name}”是保留名称，请换一个 / reserved name", "reserved name")
    return name


@cache
def _dummy_hash() -> str:
    """Verified against when the name is unknown, so that an unknown name takes as long as a
    wrong password and the time of an answer does not tell which names exist.  Made at the first
    login, not at import: a hash costs what a check does."""
    return _hasher.hash("nianbao: no such account")


def find_account(session: Session, name: str) -> Account | None:
    return session.scalar(select(Account).where(Account.name == name))


def _existing(session: Session, name: str) -> Account:
    account = find_account(session, name)
    if account is None:
        raise NoSuchAccount(f"没有名为“{name}”的账户", f"no account named {name!r}")
    return account


def any_accounts(session: Session) -> bool:
    return session.scalar(select(func.count()).select_from(Account)) != 0


def list_accounts(session: Session) -> Sequence[Account]:
    return session.scalars(select(Account).order_by(Account.name)).all()


def add_account(session: Session, name: str, password: str, role: str, scope: RegionScope = EVERYWHERE) -> Account:
    """Create an account (the caller commits)."""
    name = _valid_name(name)
    if find_account(session, name) is not None:
        raise AccountError(f"账户“{name}”已存在", f"account {name!r} exists already")
    account = Account(name=name, password_hash=_hasher.hash(_valid_password(password)), role=_valid_role(role),
                      province=scope.province, city=scope.city, county=scope.county)
    session.add(account)
    session.flush()
    return account


def remove_account(session: Session, name: str) -> None:
    """Remove an account (the caller commits, holding the accounts' write lock): never the last
    active administrator (keep_an_administrator)."""
    account = _existing(session, name)
    keep_an_administrator(session, account, "删除", "removed")
    session.delete(account)


def set_password(session: Session, name: str, password: str) -> int:
    """An administrator resets a password: every session of the account is signed out.  Returns
    the account's new session epoch."""
    return _replace_password(_existing(session, name), password)


def change_own_password(session: Session, name: str, current: str, new: str) -> int:
    """A person changes their own password: the current one must be right, the new one valid and
    different (the caller commits and throttles wrong tries, as at login).  Returns the new
    session epoch, which the session that made the change takes on to stay signed in."""
    account = _existing(session, name)
    try:
        _hasher.verify(account.password_hash, current)
    except (VerificationError, InvalidHashError):
        raise WrongPassword("当前密码不正确", "the current password is wrong") from None
    if new == current:
        raise AccountError("新密码不能与当前密码相同", "the new password is the current one")
    return _replace_password(account, new)


def _replace_password(account: Account, password: str) -> int:
    """Set a new password and move the session epoch on: sessions logged in before are stale."""
    account.password_hash = _hasher.hash(_valid_password(password))
    return _end_sessions(account, EPOCH_PASSWORD)


# Why an account's session epoch last moved on (accounts.epoch_reason): what a session signed out
# by it is told (web/accounts.py).
EPOCH_PASSWORD, EPOCH_DISABLED = "password", "disabled"


def _end_sessions(account: Account, reason: str) -> int:
    """Move the session epoch on (every session logged in before is stale) and remember why."""
    account.session_epoch = (account.session_epoch or 0) + 1
    account.epoch_reason = reason
    return account.session_epoch


def session_epoch(session: Session, name: str) -> int | None:
    """The account's current session epoch; None when no such account exists (any more)."""
    return session.scalar(select(Account.session_epoch).where(Account.name == name))


def change_account(session: Session, name: str, role: str | None = None, scope: RegionScope | None = None) -> Account:
    """A new role or region (None: unchanged; the caller commits, holding the accounts' write
    lock): the last active administrator keeps its role and its region, or no narrower one
    (keep_an_administrator): narrowed, the accounts outside its new region would have no one left
    to manage them, itself included."""
    account = _existing(session, name)
    if scope is not None and not principal_of(account).scope.within(scope):
        keep_an_administrator(session, account, "缩小", "given a narrower region",
                              f"的地区为“{scope.label() or '全国'}”")
    if role is not None:
        role = _valid_role(role)
        if role != ROLE_ADMIN:
            keep_an_administrator(session, account, "将", "given another role", f"改为{ROLE_LABELS[role]}")
        account.role = role
    if scope is not None:
        account.province, account.city, account.county = scope.province, scope.city, scope.county
    return account


def verify_login(session: Session, name: str, password: str) -> Principal | None:
    """The account's principal when the password is right; None otherwise (unknown name too).
    AccountDisabled when the password is right but the account disabled: only someone who knows
    the password learns that (a wrong one gets None as for any name)."""
    account = find_account(session, name.strip())
    try:
        _hasher.verify(account.password_hash if account else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return None
    if account is None:
        return None
    if account.disabled_at is not None:
        raise AccountDisabled(*DISABLED_MESSAGE)
    if _hasher.check_needs_rehash(account.password_hash):  # parameters raised since it was set
        account.password_hash = _hasher.hash(password)
    return principal_of(account)


# ------------------------------------------------------------------ disabled accounts
def disable_account(session: Session, name: str, by: str) -> bool:
    """Disable an account (the caller commits): it cannot log in, and every session of it ends at
    its next request; its name, reviews and audit entries stay.  False when it was disabled
    already (nothing changes).  LastAdministrator when no other active administrator whose region
    holds it would remain to enable it again.  The caller holds the accounts' write lock
    (store/account_service.py), so two administrators cannot disable each other at once."""
    account = _existing(session, name)
    if account.disabled_at is not None:
        return False
    keep_an_administrator(session, account, "停用", "disabled")
    account.disabled_at, account.disabled_by = datetime.now(timezone.utc), by[:MAX_NAME]
    # Its sessions end now and stay ended: enabling the account again does not bring them back.
    _end_sessions(account, EPOCH_DISABLED)
    return True


def enable_account(session: Session, name: str) -> bool:
    """Let a disabled account log in again (the caller commits); False when it was in use already."""
    account = _existing(session, name)
    if account.disabled_at is None:
        return False
    account.disabled_at = account.disabled_by = None
    return True


def keep_an_administrator(session: Session, account: Account, verb: str, done_en: str, after: str = "") -> None:
    """LastAdministrator when `account` is an active administrator and no other active
    administrator whose region holds it would remain: the one rule of disabling, removing and
    changing the role of an account, with one message (不能<verb>“name”<after>：…).  A disabled
    administrator manages no one, so it may go."""
    if account.role == ROLE_ADMIN and account.disabled_at is None and not _another_administrator_holds(session, account):
        raise LastAdministrator(f"不能{verb}“{account.name}”{after}：它是最后一个能管理该账户的在用管理员",
                                f"the last active administrator cannot be {done_en}")


def _another_administrator_holds(session: Session, account: Account) -> bool:
    """Whether an active administrator other than `account`, whose region holds it, remains."""
    scope = principal_of(account).scope
    others = session.scalars(select(Account).where(
        Account.role == ROLE_ADMIN, Account.id != account.id, Account.disabled_at.is_(None)))
    return any(scope.within(principal_of(other).scope) for other in others)


# ------------------------------------------------------------------ audit log
# What people read for an action key; keys without a name here are shown as they are.
ACTION_LABELS = {
    "report.upload": "上传报告", "report.correct": "更正单元格", "report.recheck": "重新检查",
    "report.delete": "删除报告", "report.relink": "重新关联",
    "account.add": "添加账户", "account.remove": "删除账户", "account.passwd": "修改密码",
    "account.change": "修改账户", "account.disable": "停用账户", "account.enable": "启用账户",
    "review.verdict": "审核意见", "review.status": "审核状态", "review.assign": "分派",
    "review.bulk_status": "批量审核状态", "review.bulk_assign": "批量分派", "review.bulk_verdict": "批量审核意见",
}


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


def entry_dict(entry: AuditEntry) -> dict:
    at = as_utc(entry.at)
    return {"id": entry.id, "at": at.isoformat() if at else None, "author": entry.author,
            "action": entry.action, "action_label": action_label(entry.action), "target": entry.target,
            "detail": entry.detail}


# The actions recorded while one web request runs (web/accounts.py audit_writes): a write route
# that records nothing itself is then logged for it.  A list, so that records made in a worker
# thread (which runs in a copy of the context) are seen by the request that started it.
_RECORDED: ContextVar[list[str] | None] = ContextVar("nianbao_recorded", default=None)


def watch_records() -> list[str]:
    """Start collecting the actions `record` logs in this context; returns the list they go to."""
    seen: list[str] = []
    _RECORDED.set(seen)
    return seen


def record(session: Session, author: str, action: str, target: str | None = None, detail: str | None = None) -> None:
    """Log one write in the caller's transaction: it is kept exactly when the write is."""
    seen = _RECORDED.get()
    if seen is not None:
        seen.append(action)
    session.add(AuditEntry(author=author[:MAX_NAME], action=action[:40], target=(target or None) and target[:300],
                           detail=detail))


def audit_entries(session: Session, limit: int = 200, offset: int = 0,
                  author: str | None = None, action: str | None = None) -> Sequence[AuditEntry]:
    """Newest first."""
    stmt = select(AuditEntry)
    if author:
        stmt = stmt.where(AuditEntry.author == author)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    return session.scalars(stmt.order_by(AuditEntry.id.desc()).limit(limit).offset(offset)).all()


# ------------------------------------------------------------------ failed logins
def count_failures(session: Session, key: str, since: datetime) -> tuple[int, datetime | None]:
    """How many failures `key` has had since `since`, and the oldest of them."""
    count, oldest = session.execute(
        select(func.count(), func.min(LoginFailure.at)).where(LoginFailure.key == key, LoginFailure.at > since)
    ).one()
    return int(count), as_utc(oldest)


def add_failure(session: Session, key: str, at: datetime, keep: timedelta) -> None:
    """Count one failure and forget every failure older than `keep` (the longest window counted),
    of any key: an address that guessed once and left leaves nothing behind for long."""
    session.add(LoginFailure(key=key[:200], at=at))
    session.execute(delete(LoginFailure).where(LoginFailure.at <= at - keep))


def as_utc(value: datetime | None) -> datetime | None:
    # SQLite gives back naive datetimes (stored as UTC text); PostgreSQL aware ones.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value
