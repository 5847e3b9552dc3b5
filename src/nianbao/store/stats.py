"""Corpus statistics: sums and rates by year / province / city / county / level / edition.

The metrics are data (SUMS, RATES) over canonical keys; docs/storage.md prints the
same definitions.  A term is a canonical cell path; `t3[（三）不予公开].total` stands
for every table-三 row of that outcome group (rows come from nianbao.editions); a
leading `-` subtracts.  Rates are ratios of sums over the group (not means of
per-report rates), so a big agency weighs as much as its numbers.  A blank is not a
zero: a report whose figure needs a cell it left blank (or that was not read) is left out
of that figure and counted in `<figure>·空缺未计`.  Reports with error-level findings are
left out of the figures by default and counted in `排除（有错误）`.  Of the reports counted,
those holding values the parser only guessed (reports.n_uncertain > 0) are counted in
`待核对（含推测值）`, shown when there are any: their figures rest partly on guesses.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from numbers import Integral
from functools import lru_cache
from typing import Any, Iterable

from sqlalchemy import Select, case, exists, func, literal, select

from .. import editions
from ..values import exact
from .db import Store
from .export import corrections_of
from . import outcomes
from .models import STATUS_FAILED, Agency, OutcomeTotals, StoredCell, StoredReport
from .versions import COUNTED


@dataclass(frozen=True)
class Metric:
    key: str
    name: str  # Chinese, the column header
    numerator: tuple[str, ...]
    denominator: tuple[str, ...] = ()  # empty: a plain sum
    definition: str = ""

    @property
    def is_rate(self) -> bool:
        return bool(self.denominator)


SUMS: tuple[Metric, ...] = (
    Metric("new_received", "新收申请", ("t3.new_received.total",)),
    Metric("total_handled", "办理总计", ("t3.total_handled.total",)),
    Metric("reviews", "行政复议", ("t4.review.total",)),
    Metric("lawsuits", "行政诉讼", ("t4.litigation_direct.total", "t4.litigation_after_review.total")),
)
RATES: tuple[Metric, ...] = (
    Metric("disclosure_rate", "公开率", ("t3.granted.total", "t3.partially_granted.total"), ("t3.total_handled.total",),
           "（予以公开 + 部分公开）/ 总计"),
    Metric("withheld_rate", "不予公开率", ("t3[（三）不予公开].total",), ("t3.total_handled.total",),
           "不予公开（8 项之和）/ 总计"),
    Metric("unavailable_rate", "无法提供率", ("t3[（四）无法提供].total",), ("t3.total_handled.total",),
           "无法提供（3 项之和）/ 总计"),
    Metric("declined_rate", "不予处理率", ("t3[（五）不予处理].total",), ("t3.total_handled.total",),
           "不予处理（5 项之和）/ 总计"),
    Metric("review_correction_rate", "复议纠错率", ("t4.review.corrected",), ("t4.review.total", "-t4.review.pending"),
           "行政复议 结果纠正 /（总计 − 尚未审结）"),
    Metric("litigation_correction_rate", "诉讼纠错率",
           ("t4.litigation_direct.corrected", "t4.litigation_after_review.corrected"),
           ("t4.litigation_direct.total", "t4.litigation_after_review.total",
            "-t4.litigation_direct.pending", "-t4.litigation_after_review.pending"),
           "行政诉讼（直接起诉 + 复议后起诉）结果纠正 /（总计 − 尚未审结）"),
)
# Indicators comparable across the two editions (editions.COMPARABLE): each report contributes the
# cells of its own edition (a path outside it is absent, not blank).  Asked for by key or name only.
SERIES: tuple[Metric, ...] = tuple(
    Metric(s.key, s.label, tuple(dict.fromkeys(p for paths in s.paths.values() for p in paths)), definition=s.note)
    for s in editions.COMPARABLE
)
METRICS: dict[str, Metric] = {m.key: m for m in SUMS + RATES + SERIES}

# Grouping dimensions: key → (report attribute, Chinese name).  Divisions and levels come from
# nianbao.regions; `city` is the prefecture (a municipality is its own).
DIMENSIONS: dict[str, tuple[str, str]] = {
    "year": ("year", "年度"), "province": ("province", "省"), "city": ("city", "市"), "county": ("county", "县"),
    "township": ("township", "乡镇街道"), "region_code": ("region_code", "行政区划代码"),
    "level": ("level", "层级"), "gov_level": ("gov_level", "政府层级"),
    "edition": ("edition", "格式版本"), "agency": ("agency", "机关"),
}
# Other names a dimension is asked for by.
DIMENSION_ALIASES = {"prefecture": "city", "地市": "city", "地级市": "city", "区县": "county", "code": "region_code"}
COUNT, EXCLUDED, UNCERTAIN = "报告数", "排除（有错误）", "待核对（含推测值）"
YOY = "·同比变化"
BLANK = "·空缺未计"


def find_metric(name: str) -> Metric:
    """By key (disclosure_rate), Chinese name (公开率) or a canonical cell path (summed)."""
    for metric in METRICS.values():
        if name in (metric.key, metric.name):
            return metric
    if name in _all_paths():
        return Metric(name, name, (name,))
    raise KeyError(name)


def find_dimension(name: str) -> str:
    for key, (_, zh) in DIMENSIONS.items():
        if name in (key, zh):
            return key
    return DIMENSION_ALIASES[name]


@lru_cache(maxsize=1)
def _all_paths() -> frozenset[str]:
    return frozenset(path for edition in editions.EDITIONS.values() for path in edition.cell_paths())


@lru_cache(maxsize=None)
def expand(term: str) -> tuple[tuple[str, int], ...]:
    """A term → ((path, sign), …); groups resolved against both editions' table 三."""
    sign = -1 if term.startswith("-") else 1
    term = term.lstrip("-")
    if "[" not in term:
        return ((term, sign),)
    table_key, rest = term.split("[", 1)
    group, column = rest.split("].", 1)
    rows: dict[str, None] = {}
    for edition in editions.EDITIONS.values():
        for row in edition.table(table_key).rows:
            if row.group == group:
                rows[row.key] = None
    return tuple((f"{table_key}.{row}.{column}", sign) for row in rows)


def _terms(metric: Metric) -> tuple[tuple[str, int], ...]:
    return tuple(p for term in metric.numerator + metric.denominator for p in expand(term))


def _side(terms: tuple[str, ...], values: dict[str, float]) -> int | Decimal:
    # Paths outside the report's edition are absent, not blank (see _has_blank).  Fractions as
    # Decimal, so amounts of money add up as a hand sum does (ten 0.1 are 1, not 0.9999999999999999);
    # counts stay ints, exact already, which pandas adds up far faster than Decimal objects.
    return sum(sign * _exact(values.get(path) or 0) for term in terms for path, sign in expand(term))


def _exact(value: float) -> int | Decimal:
    return value if isinstance(value, int) else exact(value)


@lru_cache(maxsize=None)
def _edition_paths(edition: str | None) -> frozenset[str]:
    if edition not in editions.EDITIONS:
        return _all_paths()
    return frozenset(editions.EDITIONS[edition].cell_paths())


def _has_blank(metric: Metric, report: StoredReport, values: dict[str, float]) -> bool:
    """Whether a cell the metric needs, and the report's edition has, is blank or unread."""
    expected = _edition_paths(report.edition)
    return any(path in expected and values.get(path) is None for path, _ in _terms(metric))


# --------------------------------------------------------------------------- data

def _reports(store: Store) -> list[StoredReport]:
    """The reports that count: one version per agency and year (store/versions.py), not failed."""
    with store.session() as session:
        return list(session.scalars(select(StoredReport).where(COUNTED, StoredReport.status != STATUS_FAILED)))


def _values(store: Store, reports: list[StoredReport], paths: set[str]) -> dict[int, dict[str, float | None]]:
    tables = {p.split(".")[0] for p in paths}
    rows = {p.split(".")[1] for p in paths}
    out: dict[int, dict[str, float | None]] = {r.id: {} for r in reports}
    with store.session() as session:
        query = select(StoredCell.report_id, StoredCell.tbl, StoredCell.row, StoredCell.col, StoredCell.value).join(
            StoredReport, StoredReport.id == StoredCell.report_id
        ).where(COUNTED, StoredCell.tbl.in_(tables), StoredCell.row.in_(rows))
        for report_id, tbl, row, col, value in session.execute(query):
            path = f"{tbl}.{row}.{col}"
            if path in paths and report_id in out:
                out[report_id][path] = value
    _apply_corrections(store, reports, out)
    return out


def _apply_corrections(store: Store, reports: list[StoredReport], values: dict[int, dict[str, float | None]]) -> None:
    by_hash = {r.sha256: r.id for r in reports}
    for (sha, path), value in corrections_of(store, list(by_hash)).items():
        values[by_hash[sha]][path] = value


# --------------------------------------------------------------------------- computing

def compute(
    store: Store, by: Iterable[str] = ("year",), metrics: Iterable[str] | None = None,
    include_errors: bool = False, yoy: bool = True,
):
    """A pandas DataFrame: one row per group, columns 报告数, 排除（有错误）, then the metrics."""
    import pandas as pd

    dims = [find_dimension(d) for d in by]
    chosen = [find_metric(m) for m in metrics] if metrics else list(SUMS + RATES)
    reports = _reports(store)
    values = _values(store, reports, {p for m in chosen for p, _ in _terms(m)})
    agencies = _agency_names(store) if "agency" in dims else {}
    records = [_record(r, dims, chosen, values[r.id], include_errors, agencies) for r in reports]
    frame = pd.DataFrame.from_records(records, columns=_record_columns(dims, chosen))
    if frame.empty:  # no reports: the counts are numbers still, so the table is empty, not an error
        frame = frame.astype({c: "int64" for c in frame.columns if c not in dims})
    table = _aggregate(frame, dims, chosen)
    if yoy and "year" in dims:
        table = _add_yoy(table, dims, chosen)
    return table.rename(columns={d: DIMENSIONS[d][1] for d in dims})


def _record_columns(dims: list[str], metrics: list[Metric]) -> list[str]:
    parts = ([f"{m.key}:num" for m in metrics] + [f"{m.key}:den" for m in metrics if m.is_rate]
             + [f"{m.key}:blank" for m in metrics])
    return dims + ["included", "excluded", "uncertain"] + parts


def _agency_names(store: Store) -> dict[int, str]:
    """Agency id → its name.  A report is grouped under its agency, not the name it printed: after a
    merge (store/merges.py) its rows point at the kept agency, so two names of one body are one row."""
    with store.session() as session:
        return dict(session.execute(select(Agency.id, Agency.name)).tuples().all())


def _group_value(report: StoredReport, dim: str, agencies: dict[int, str]) -> Any:
    if dim == "agency" and report.agency_id in agencies:
        return agencies[report.agency_id]
    return getattr(report, DIMENSIONS[dim][0])


def _record(report: StoredReport, dims, metrics, values, include_errors: bool,
            agencies: dict[int, str]) -> dict[str, Any]:
    excluded = bool(report.n_errors) and not include_errors
    record: dict[str, Any] = {d: _group_value(report, d, agencies) or "（未知）" for d in dims}
    record.update(included=0 if excluded else 1, excluded=1 if excluded else 0,
                  uncertain=1 if report.n_uncertain and not excluded else 0)
    for metric in metrics:
        blank = not excluded and _has_blank(metric, report, values)
        counted = not (excluded or blank)
        record[f"{metric.key}:blank"] = int(blank)
        record[f"{metric.key}:num"] = _side(metric.numerator, values) if counted else 0
        if metric.is_rate:
            record[f"{metric.key}:den"] = _side(metric.denominator, values) if counted else 0
    return record


def _aggregate(frame, dims: list[str], metrics: list[Metric]):
    import pandas as pd

    # Not numeric_only: a figure with fractions is a column of Decimal objects, added up exactly.
    grouped = frame.groupby(dims, dropna=False, sort=True).sum().reset_index() if dims else (
        frame.sum().to_frame().T
    )
    out = pd.DataFrame({d: grouped[d] for d in dims})
    out[COUNT] = grouped["included"].astype(int)
    out[EXCLUDED] = grouped["excluded"].astype(int)
    if grouped["uncertain"].any():  # as the blank counts: only where it happens
        out[UNCERTAIN] = grouped["uncertain"].astype(int)
    for metric in metrics:
        blanks = grouped[f"{metric.key}:blank"].astype(int)
        # A group where no report counts for this figure (all excluded, or all blank) has no value:
        # —, never an invented 0, and no change is computed against it.
        counted = (grouped["included"] - blanks) > 0
        # The exact sum as a float prints as the decimal while it has at most 15 significant digits.
        numerator = grouped[f"{metric.key}:num"].astype(float).where(counted)
        if metric.is_rate:
            denominator = grouped[f"{metric.key}:den"].astype(float)
            out[metric.name] = numerator / denominator.where(denominator != 0)
        else:
            out[metric.name] = numerator
        if blanks.any():  # shown only where it happens, to keep the terminal table readable
            out[metric.name + BLANK] = blanks
    return out


def _add_yoy(table, dims: list[str], metrics: list[Metric]):
    """Change against the previous calendar year of the same group (rates: in points)."""
    others = [d for d in dims if d != "year"]
    # In the order the dimensions were asked for: --by year,level lists by year first.
    table = table.sort_values(dims, key=_sort_key).reset_index(drop=True)
    # tolist() gives Python ints; iterrows() would upcast a year to float beside float columns.
    keys = list(zip(*(table[d].tolist() for d in others + ["year"])))
    for metric in metrics:
        value = dict(zip(keys, table[metric.name]))
        previous = [value.get(key[:-1] + (key[-1] - 1,)) if isinstance(key[-1], Integral) else None for key in keys]
        table[metric.name + YOY] = table[metric.name] - [float("nan") if p is None else p for p in previous]
    return table


def _sort_key(column):
    # Unknown years/names are the string （未知）; sort them last without comparing str to int.
    return column.map(lambda v: (1, str(v)) if isinstance(v, str) and v == "（未知）" else (0, v))


# --------------------------------------------------------------------------- in the database
# The web app's figures (/api/stats) as SQL aggregates over the filtered reports: the same
# numbers as loading each report and adding up its cells (tests/test_volume.py compares them),
# in one pass of the database instead of one query per report.

UNKNOWN_REGION = "未知 unknown"


def countable_for_outcomes(reports: Select) -> Select:
    """Of `reports`, those whose outcomes are added up: as `nianbao stats` counts by default, not
    reports whose totals do not add up (any error), nor those without a year or an edition."""
    return reports.where(StoredReport.year.is_not(None), StoredReport.edition.is_not(None),
                         StoredReport.n_errors == 0, StoredReport.status != STATUS_FAILED)  # n_errors is NOT NULL


def outcome_sums(session, reports: Select) -> dict[tuple[int, str, bool], dict[str, float]]:
    """(year, edition, single 其他处理 row) → outcome group column (outcomes.GROUP_COLUMNS) → its
    total over `reports` (a select of StoredReport); every combination of the reports counted is a
    key, groups with no value anywhere are absent.  From each report's kept totals
    (store/outcomes.py) in one pass; a report without them is added up from its cells."""
    chosen = countable_for_outcomes(reports).order_by(None)
    combination = (StoredReport.year, StoredReport.edition, StoredReport.single_other_handling)
    kept = (chosen.with_only_columns(*combination, func.count(), func.count(OutcomeTotals.report_id),
                                     *(func.sum(getattr(OutcomeTotals, c)) for c in outcomes.GROUP_COLUMNS))
            .outerjoin(OutcomeTotals, OutcomeTotals.report_id == StoredReport.id).group_by(*combination))
    out: dict[tuple[int, str, bool], dict[str, float]] = {}
    missing = False
    for year, edition, single, count, with_totals, *totals in session.execute(kept):
        _add_totals(out, (year, edition, bool(single)), totals)
        missing = missing or count > with_totals
    if missing:
        _add_missing(session, chosen, out)
    return out


def _add_missing(session, chosen: Select, out: dict[tuple[int, str, bool], dict[str, float]]) -> None:
    """The reports without kept totals (written by something that did not keep them), added up
    from their cells: slower, and the same numbers."""
    missing = chosen.with_only_columns(
        StoredReport.id, StoredReport.sha256, StoredReport.year, StoredReport.edition,
        StoredReport.single_other_handling,
    ).where(~exists().where(OutcomeTotals.report_id == StoredReport.id)).subquery("missing")
    per_report = outcomes.group_sums(missing).subquery("per_report")
    query = (select(missing.c.year, missing.c.edition, missing.c.single_other_handling,
                    *(func.sum(per_report.c[c]) for c in outcomes.GROUP_COLUMNS))
             .join(per_report, per_report.c.id == missing.c.id)
             .group_by(missing.c.year, missing.c.edition, missing.c.single_other_handling))
    for year, edition, single, *totals in session.execute(query):
        _add_totals(out, (year, edition, bool(single)), totals)


def _add_totals(out: dict[tuple[int, str, bool], dict[str, float]], key: tuple[int, str, bool],
                totals: list[float | None]) -> None:
    combination = out.setdefault(key, {})
    for column, total in zip(outcomes.GROUP_COLUMNS, totals):
        if total is not None:
            combination[column] = combination.get(column, 0) + total


def outcomes_by_year(session, reports: Select) -> dict[str, Any]:
    """Requests by outcome group (表三 （一）…（六）) and year, over `reports` (see outcome_sums)."""
    sums = outcome_sums(session, reports)
    groups: list[str] = []
    by_year: dict[int, dict[str, float]] = {}
    for (year, edition, single), totals in sorted(sums.items(), key=lambda c: (c[0][0], str(c[0][1]), c[0][2])):
        year_totals = by_year.setdefault(year, {})
        for column, group in outcomes.GROUP_COLUMNS.items():
            if (edition, bool(single), column) not in outcomes.group_rows():
                continue  # a group this edition does not print
            if group not in groups:
                groups.append(group)
            if column in totals:
                year_totals[group] = year_totals.get(group, 0) + totals[column]
    return {"outcome_groups": _in_printed_order(groups),
            "outcomes_by_year": [{"year": y, "outcomes": by_year[y]} for y in sorted(by_year)]}


def _in_printed_order(groups: list[str]) -> list[str]:
    """Groups in the order table 三 prints them (both editions print the same six)."""
    order = {row.group or row.label: n for n, row in enumerate(editions.t3_outcome_rows(
        editions.get(editions.EDITION_2021).table("t3")) + (editions.T3_OTHER_HANDLING_2019,))}
    return sorted(groups, key=lambda g: order.get(g, len(order)))


def error_rates(session, reports: Select) -> list[dict[str, Any]]:
    """Per region (the prefecture, else the province, else the county): reports, those with
    errors and those holding guessed cells, and the share with errors."""
    region = func.coalesce(func.nullif(StoredReport.city, ""), func.nullif(StoredReport.province, ""),
                           func.nullif(StoredReport.county, ""), literal(UNKNOWN_REGION)).label("region")
    query = reports.with_only_columns(
        region, func.count(),
        func.sum(case((func.coalesce(StoredReport.n_errors, 0) > 0, 1), else_=0)),
        func.sum(case((func.coalesce(StoredReport.n_uncertain, 0) > 0, 1), else_=0)),
    ).group_by(region).order_by(None)
    rates = []
    for name, count, with_errors, with_uncertain in sorted(session.execute(query).all(), key=lambda r: r[0]):
        rates.append({"region": name, "reports": count, "with_errors": int(with_errors or 0),
                      "with_uncertain": int(with_uncertain or 0),
                      "rate": round(int(with_errors or 0) / count, 3) if count else 0})
    return rates
