"""The inspection season's operations of the service layer: scores, the roster of who must
publish, agencies' regions and merges, and review.  `ReportService` (store/service.py) takes them
from `InspectionOperations`, so the web app and `nianbao score|roster|region|agency|review` make
the same calls on the same service and neither door hands the database to a store module itself.

Each method is one operation, and thin: the logic stays in its store module (stored_scores.py,
scoring.py, roster.py, region_history.py, merges.py, review.py); here it is bound to this
service's database.  The store modules' refusals pass through unchanged (LookupError for what is
not there, review.ReviewError, review.ConcurrentChange, merges.MergeRefused,
region_history.BadRegion, roster.RosterError): each door says them its own way.
"""

from __future__ import annotations

from typing import Any, Iterable, Iterator, Mapping, Sequence

from . import merges, region_history, review, roster, stored_scores
from .accounts import Principal
from .region_history import Change
from .db import Store
from .roster_file import RosterRow
from .scoring import ScoredReport, iter_scored
from ..scores import Rubric

BULK_ACTIONS = ("status", "assign", "verdict")


class InspectionOperations:
    """Scores, roster, regions, merges and review over `self.store` (see the module's docstring)."""

    store: Store

    # ------------------------------------------------------------------ scores
    def fill_scores(self, rubric: Rubric) -> int:
        """Score the listed reports `rubric` has not scored yet (before a list sorted by score)."""
        return stored_scores.fill_listed(self.store, rubric)

    def refresh_scores(self, rubric: Rubric) -> int:
        """Every report that counts scored again by `rubric`; how many."""
        return stored_scores.refresh_all(self.store, rubric)

    def score_totals(self, rubric: Rubric, report_ids: Sequence[int]) -> dict[int, float]:
        return stored_scores.totals(self.store, rubric, report_ids)

    def score_ranking(self, rubric: Rubric, by: str, year: int | None = None, principal: Principal | None = None,
                      offset: int = 0, limit: int | None = None) -> tuple[int, list[stored_scores.RankedScore]]:
        """How many reports the ranking holds, and its lines from `offset` (stored_scores.ranking)."""
        return stored_scores.ranking(self.store, rubric, by, year, principal, offset, limit)

    def scored_reports(self, rubric: Rubric, *, year: int | None = None, with_cells: bool = False,
                       principal: Principal | None = None) -> Iterator[ScoredReport]:
        """Every report that counts, scored, a batch at a time (what the evaluation workbook streams)."""
        return iter_scored(self.store, rubric, year=year, with_cells=with_cells, principal=principal)

    # ------------------------------------------------------------------ roster
    def import_roster(self, rows: Sequence[RosterRow], *, replace: bool = False, author: str | None = None,
                      source: str | None = None) -> roster.ImportSummary:
        return roster.import_roster(self.store, rows, replace=replace, author=author, source=source)

    def roster_years(self) -> list[int]:
        """The years of stored reports, newest first (the roster's year menu and default)."""
        return roster.years(self.store)

    def roster_entries(self, principal: Principal | None = None) -> list[roster.Entry]:
        return roster.entries(self.store, principal)

    def roster_year(self, year: int, principal: Principal | None = None,
                    ) -> tuple[list[roster.EntryStatus], list[roster.Unmatched]]:
        """Every entry's status for `year`, and the reports no entry matches."""
        return roster.year_view(self.store, year, principal)

    def roster_unmatched(self, year: int | None = None, principal: Principal | None = None) -> list[roster.Unmatched]:
        return roster.unmatched(self.store, year, principal)

    def roster_link(self, report_id: int, name: str | None, author: str | None = None) -> str:
        """A person's link of a report to a roster entry (None: on no entry); the message to show."""
        return roster.link(self.store, report_id, name, author)

    def roster_unlink(self, report_id: int, author: str | None = None) -> str:
        return roster.unlink(self.store, report_id, author)

    # ------------------------------------------------------------------ agencies: regions and merges
    def find_agency(self, agency: str) -> tuple[int, str]:
        """(id, name) of the agency named by its id or name; LookupError when there is none."""
        return region_history.find_agency(self.store, agency)

    def agency_region(self, agency_id: int) -> dict[str, Any] | None:
        """The agency's region as stored now; None for no such agency."""
        return region_history.current(self.store, agency_id)

    def region_history(self, agency_id: int) -> list[dict[str, Any]]:
        return region_history.history(self.store, agency_id)

    def correct_region(self, agency_id: int, changes: Mapping[str, Any], author: str = "",
                       note: str = "") -> list[Change]:
        """A person's correction of the agency's region (kept through re-parsing); the fields changed."""
        return region_history.correct_region(self.store, agency_id, changes, author, note)

    def merged_into(self, agency_id: int) -> tuple[int, str] | None:
        """(id, name) of the agency this one is joined into, if any; LookupError for no such agency."""
        return merges.merged_into(self.store, agency_id)

    def merge_history(self, agency_id: int) -> list[dict[str, Any]]:
        return merges.history(self.store, agency_id)

    def agency_places(self, agency_ids: Iterable[int]) -> list[tuple[str | None, str | None, str | None]]:
        """(province, city, county) of each agency: whose region scope holds them."""
        return merges.places(self.store, agency_ids)

    def merge_agencies(self, kept_id: int, merged_id: int, author: str = "", note: str = "") -> merges.Merged:
        return merges.merge(self.store, kept_id, merged_id, author, note)

    def unmerge_agency(self, merged_id: int, author: str = "") -> merges.Merged:
        return merges.unmerge(self.store, merged_id, author)

    def relink_aliases(self, author: str = "", dry_run: bool = False) -> list[merges.Merged]:
        """Join the agencies today's alias rules make one (only listed with `dry_run`)."""
        return merges.relink_aliases(self.store, author, dry_run=dry_run)

    # ------------------------------------------------------------------ review: what is read
    # Each call is one session of review.reviewing (writes: one transaction, committed at its end).
    def review_findings(self, report_id: int, principal: Principal | None = None) -> list[dict[str, Any]]:
        """The report's findings with their verdicts and keys."""
        with review.reviewing(self.store, write=False) as session:
            return review.findings_with_verdicts(session, report_id, principal)

    def review_state(self, report_id: int, principal: Principal | None = None) -> dict[str, Any]:
        """The report's review state, with the account names it may be assigned to."""
        with review.reviewing(self.store, write=False) as session:
            return {**review.report_review(session, report_id, principal),
                    "assignable": review.assignable(session, report_id)}

    def review_states(self, hashes: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Review status and assignee of each document."""
        with review.reviewing(self.store, write=False) as session:
            return review.reviews_of(session, hashes)

    def review_queue(self, reviewer: str, limit: int | None = 100,
                     principal: Principal | None = None) -> list[dict[str, Any]]:
        """我的待审: reports assigned to `reviewer` not yet 已审, most errors first."""
        with review.reviewing(self.store, write=False) as session:
            return review.my_queue(session, reviewer, limit, principal)

    def verdicts_by_finding(self, hashes: Iterable[str]) -> dict[tuple[str, str, tuple[str, ...]], tuple[str, bool]]:
        with review.reviewing(self.store, write=False) as session:
            return review.verdicts_by_finding(session, hashes)

    def review_list(self, selection: review.Selection, limit: int | None = 100, offset: int = 0,
                    most_errors_first: bool = False) -> list[dict[str, Any]]:
        with review.reviewing(self.store, write=False) as session:
            return review.review_list(session, selection, limit, offset, most_errors_first)

    def review_count(self, selection: review.Selection) -> int:
        with review.reviewing(self.store, write=False) as session:
            return review.review_count(session, selection)

    def review_findings_list(self, selection: review.Selection, rule: str | None = None, verdict: str | None = None,
                             limit: int | None = 200) -> list[dict[str, Any]]:
        """Findings of the selection's reports (of one rule, with one verdict, if given)."""
        with review.reviewing(self.store, write=False) as session:
            return review.findings_list(session, selection, rule=rule, verdict=verdict, limit=limit)

    def assignable(self, report_id: int | None = None) -> list[str]:
        """Account names a report (any report, without `report_id`) may be assigned to."""
        with review.reviewing(self.store, write=False) as session:
            return review.assignable(session, report_id)

    # ------------------------------------------------------------------ review: what people change
    def set_verdict(self, finding: str | int, verdict: str, reviewer: str, note: str | None = None, *,
                    report_id: int | None = None, principal: Principal | None = None) -> dict[str, Any]:
        """A person's verdict on one finding (by row id or key); the finding as listed."""
        with review.reviewing(self.store, write=True) as session:
            return review.set_verdict(session, finding, verdict, reviewer, note, report_id=report_id,
                                      principal=principal)

    def review_report(self, report_id: int, by: str, *, status: str | None = None, note: str | None = None,
                      assignee: str | None = None, principal: Principal | None = None) -> dict[str, Any]:
        """Set a report's review status (`status`; None leaves it), assign it (`assignee`; "" takes
        the assignment back, None leaves it), or both in one transaction; the review state after."""
        with review.reviewing(self.store, write=True) as session:
            state: dict[str, Any] = {}
            if assignee is not None:
                state = review.assign(session, report_id, assignee, by, principal)
            if status is not None:
                state = review.set_status(session, report_id, status, by, note, principal)
            return state

    def assign_reports(self, report_ids: Sequence[int], assignee: str | None, by: str,
                       principal: Principal | None = None) -> list[dict[str, Any]]:
        """Assign every report given (None or "": take the assignment back), all or none."""
        with review.reviewing(self.store, write=True) as session:
            return [review.assign(session, report_id, assignee, by, principal) for report_id in report_ids]

    def bulk_review(self, selection: review.Selection, action: str, value: str | None, by: str,
                    note: str | None = None, *, rule: str | None = None, severity: str | None = None) -> int:
        """One of BULK_ACTIONS over the selection's reports: set their status to `value`, assign
        them to `value`, or give their findings (of `rule`, of `severity`) the verdict `value`;
        how many reports (status, assign) or findings (verdict) it touched."""
        if action not in BULK_ACTIONS:
            raise review.ReviewError(f"未知批量操作“{action}” / unknown bulk action")
        with review.reviewing(self.store, write=True) as session:
            if action == "status":
                return review.bulk_status(session, selection, value or "", by, note)
            if action == "assign":
                return review.bulk_assign(session, selection, value, by)
            return review.bulk_verdict(session, selection, value or "", by, note, rule=rule, severity=severity)
