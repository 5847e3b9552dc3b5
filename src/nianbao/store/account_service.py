"""Accounts and the audit log as one service for both doors: the web app's login, its account pages
and API, and `nianbao user …` / `nianbao audit` call the same methods, each one transaction, so
neither door opens a database session for accounts itself (tests/test_service_doors.py holds them
to it).  The rules live in store/accounts.py (functions over a session); this module gives each
operation its transaction, its region check and its audit entry, written in the same transaction as
the change it records.

`within` is the region of the administrator asking: an account outside it is not found (the same
NoSuchAccount as a name that does not exist, so a scope does not reveal what lies outside it), and
no account may be given a wider region.  The command line manages every account (EVERYWHERE).
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Iterable, Iterator

from sqlalchemy.orm import Session

from . import accounts as rules
from . import login_failures
from .accounts import EPOCH_DISABLED, EPOCH_PASSWORD, EVERYWHERE, ROLE_LABELS, Principal, RegionScope
from .db import Store, write_lock
from .models import Account

# Taken by every change that a rule over several accounts guards (the last active administrator:
# disabling, removing, changing a role): two administrators disabling or removing each other at
# once cannot both succeed.
ACCOUNTS_LOCK = "nianbao accounts"
# Why a session's login no longer holds, beside EPOCH_PASSWORD and EPOCH_DISABLED: the account is gone.
ENDED_REMOVED = "removed"
RESET_NOTE = "管理员重设 / reset by an administrator"
OWN_CHANGE_NOTE = "本人修改 / changed by the account's owner"


@dataclass(frozen=True)
class AccountSummary:
    """One account as the account lists show it (never its password hash)."""

    name: str
    role: str
    scope: RegionScope
    created_at: datetime | None
    disabled_at: datetime | None
    disabled_by: str | None

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)

    @property
    def disabled(self) -> bool:
        return self.disabled_at is not None


@dataclass(frozen=True)
class SessionCheck:
    """Whether a browser session's login still holds: the account as it is now, or why it ended
    (ENDED_REMOVED, EPOCH_PASSWORD, EPOCH_DISABLED)."""

    principal: Principal | None
    ended: str | None = None


def describe(role: str, scope: RegionScope) -> str:
    """An account's role and region as the audit log notes them."""
    return f"{ROLE_LABELS.get(role, role)}，{scope.label() or '全部地区'}"


def _summary(account: Account) -> AccountSummary:
    return AccountSummary(account.name, account.role, rules.principal_of(account).scope,
                          rules.as_utc(account.created_at), rules.as_utc(account.disabled_at), account.disabled_by)


class AccountService:
    """The accounts of one store (see the module's docstring)."""

    def __init__(self, store: Store):
        self.store = store

    @contextmanager
    def _change(self, *, locked: bool = False) -> Iterator[Session]:
        """One transaction, committed when the block ends; `locked`: the accounts' write lock first."""
        with self.store.session() as session, session.begin():
            if locked:
                write_lock(session.connection(), ACCOUNTS_LOCK)
            yield session

    # ------------------------------------------------------------------ who acts
    def any(self) -> bool:
        """Whether named accounts exist (then visitors log in, and writes need an account or the token)."""
        with self.store.session() as session:
            return rules.any_accounts(session)

    def exists(self, name: str) -> bool:
        with self.store.session() as session:
            return rules.find_account(session, name) is not None

    def session_check(self, name: str, epoch: int) -> SessionCheck:
        """The account a session logged in as at session epoch `epoch`, as it is now; or why that
        login ended: removed, disabled, or its epoch moved on since (a password change, a disabling)."""
        with self.store.session() as session:
            account = rules.find_account(session, name)
            if account is None:
                return SessionCheck(None, ENDED_REMOVED)
            if account.disabled_at is not None:
                return SessionCheck(None, EPOCH_DISABLED)
            if (account.session_epoch or 0) != epoch:
                return SessionCheck(None, account.epoch_reason or EPOCH_PASSWORD)
            return SessionCheck(rules.principal_of(account))

    def log_in(self, name: str, password: str) -> tuple[Principal, int] | None:
        """The account's principal and its session epoch when the password is right, read in the
        transaction that checked it (a change committed in between cannot leave the new session on
        the old epoch); None otherwise.  AccountDisabled for a disabled account's right password."""
        with self._change() as session:
            principal = rules.verify_login(session, name, password)
            if principal is None:
                return None
            return principal, rules.session_epoch(session, principal.name) or 0

    def change_own_password(self, name: str, current: str, new: str) -> int:
        """A person changes their own password (WrongPassword for a wrong current one: callers
        throttle it as a failed login); audited.  Returns the new session epoch, which the session
        that made the change takes on to stay signed in."""
        with self._change() as session:
            epoch = rules.change_own_password(session, name, current, new)
            rules.record(session, name, "account.passwd", name, OWN_CHANGE_NOTE)
        return epoch

    # ------------------------------------------------------------------ administration
    def listed(self, within: RegionScope = EVERYWHERE) -> list[AccountSummary]:
        """The accounts inside `within`, by name."""
        with self.store.session() as session:
            return [summary for summary in map(_summary, rules.list_accounts(session)) if summary.scope.within(within)]

    def add(self, name: str, password: str, role: str, scope: RegionScope = EVERYWHERE, *, author: str,
            within: RegionScope = EVERYWHERE) -> Principal:
        if not scope.within(within):
            raise rules.OutsideScope(f"只能添加本地区（{within.label()}）以内的账户", "only accounts inside your region")
        with self._change() as session:
            principal = rules.principal_of(rules.add_account(session, name, password, role, scope))
            rules.record(session, author, "account.add", principal.name, describe(principal.role, scope))
        return principal

    def remove(self, name: str, *, author: str, within: RegionScope = EVERYWHERE) -> None:
        """Remove an account: its sessions end at their next request.  Never the last active
        administrator (LastAdministrator)."""
        with self._change(locked=True) as session:
            self._managed(session, name, within)
            rules.remove_account(session, name)
            rules.record(session, author, "account.remove", name)

    def reset_password(self, name: str, password: str, *, author: str, within: RegionScope = EVERYWHERE) -> int:
        """An administrator sets a new password: every session of the account is signed out.
        Returns the new session epoch (the administrator's own session takes it when it reset its own)."""
        with self._change() as session:
            self._managed(session, name, within)
            epoch = rules.set_password(session, name, password)
            rules.record(session, author, "account.passwd", name, RESET_NOTE)
        return epoch

    def change(self, name: str, *, role: str | None = None, scope: RegionScope | None = None, author: str,
               within: RegionScope = EVERYWHERE) -> Principal:
        """A new role or region (None: unchanged); takes effect at the account's next request.  The
        last active administrator keeps its role (LastAdministrator)."""
        if scope is not None and not scope.within(within):
            raise rules.OutsideScope(f"只能设为本地区（{within.label()}）以内的地区", "only a region inside yours")
        with self._change(locked=True) as session:
            self._managed(session, name, within)
            principal = rules.principal_of(rules.change_account(session, name, role, scope))
            rules.record(session, author, "account.change", name, describe(principal.role, principal.scope))
        return principal

    def disable(self, name: str, *, author: str, within: RegionScope = EVERYWHERE) -> bool:
        """Disable an account (store/accounts.py disable_account): it cannot log in and its sessions
        end at once.  Audited; False, and nothing recorded, when it was disabled already."""
        with self._change(locked=True) as session:
            self._managed(session, name, within)
            changed = rules.disable_account(session, name, author)
            if changed:
                rules.record(session, author, "account.disable", name)
        return changed

    def enable(self, name: str, *, author: str, within: RegionScope = EVERYWHERE) -> bool:
        """Let a disabled account log in again (its old sessions stay ended).  Audited; False, and
        nothing recorded, when it was in use already."""
        with self._change(locked=True) as session:
            self._managed(session, name, within)
            changed = rules.enable_account(session, name)
            if changed:
                rules.record(session, author, "account.enable", name)
        return changed

    @staticmethod
    def _managed(session: Session, name: str, within: RegionScope) -> None:
        """NoSuchAccount unless the account exists inside `within` (one outside is "not found")."""
        account = rules.find_account(session, name)
        if account is None or not rules.principal_of(account).scope.within(within):
            raise rules.NoSuchAccount(f"没有名为“{name}”的账户", f"no account named {name!r}")

    # ------------------------------------------------------------------ failed logins (the login throttle's)
    def failures_since(self, windows: Iterable[tuple[str, datetime]]) -> list[tuple[int, datetime | None]]:
        """Per (key, since): how many failed logins were counted under the key since then, and the oldest."""
        return login_failures.failures_since(self.store, windows)

    def record_failure(self, keys: Iterable[str], at: datetime, keep: timedelta) -> None:
        """One failed login counted under every key; failures older than `keep` are forgotten."""
        login_failures.record_failure(self.store, keys, at, keep)

    # ------------------------------------------------------------------ audit log
    def record(self, author: str, action: str, target: str | None = None, detail: str | None = None) -> None:
        """Log a write that recorded nothing itself, in a transaction of its own."""
        with self._change() as session:
            rules.record(session, author, action, target, detail)

    def audit_log(self, limit: int = 200, offset: int = 0, *, author: str | None = None,
                  action: str | None = None) -> list[dict[str, Any]]:
        """Entries newest first, as dictionaries (store/accounts.py entry_dict)."""
        with self.store.session() as session:
            return [rules.entry_dict(entry) for entry in rules.audit_entries(session, limit, offset, author, action)]
