"""Synthetic corpora for tests and benchmarks, built from the editions' definitions.

Values are drawn so that every 勾稽关系 of DOMAIN.md §6 holds (outcome rows sum to
总计, 一+二 = 总计+四, row totals, table-四 totals), starting from the magnitudes of
real reports.  Layouts: pipe-separated rows and one-cell-per-line tab text (both
written here), and HTML / Markdown through nianbao.render when it is available.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any, Iterator

from .. import editions
from .agencies import ABBREVIATIONS

LAYOUTS = ("pipe", "tab", "html", "md")
WEIGHTS = (45, 25, 15, 15)

_PLACES = (
    ("江苏省", "宿迁市", "沭阳县"), ("江苏省", "淮安市", "洪泽区"), ("福建省", "福州市", "闽侯县"),
    ("山东省", "淄博市", "张店区"), ("浙江省", "嘉兴市", "平湖市"), ("广东省", "佛山市", "南海区"),
    ("四川省", "成都市", "双流区"), ("湖北省", "宜昌市", "夷陵区"), ("河南省", "洛阳市", "偃师区"),
    ("安徽省", "芜湖市", "繁昌区"),
)
# Departments by abbreviation, so the same body can be written short one year, long the next.
_DEPARTMENTS = tuple(k for k in ABBREVIATIONS if k.endswith("局"))


def _agencies(rng: random.Random) -> Iterator[tuple[str, str]]:
    """(short name, full name) pairs of varied levels, each body once (places share a
    province, and one body twice in a year would be two versions of one report)."""
    seen: set[str] = set()
    for short, full in _bodies():
        if full not in seen:
            seen.add(full)
            yield short, full


def _bodies() -> Iterator[tuple[str, str]]:
    """(short name, full name) pairs; short == full where there is no short form."""
    for province, city, county in _PLACES:
        yield province + "人民政府", province + "人民政府"
        yield city + "人民政府", city + "人民政府"
        yield city + county + "人民政府", city + county + "人民政府"
        for n in range(1, 4):
            town = f"{county}第{n}街道办事处"
            yield town, town
        for short in _DEPARTMENTS:
            yield county + short, county + ABBREVIATIONS[short]


def _t2(edition: editions.Edition, rng: random.Random) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    table = edition.table("t2")
    for row in table.rows:
        values: dict[str, Any] = {}
        for column in table.columns_of(row):
            if column.money:
                values[column.key] = round(rng.uniform(0, 500), 2) if rng.random() < 0.6 else rng.randint(0, 900)
            elif column.signed:
                values[column.key] = rng.randint(-20, 20)
            else:
                values[column.key] = rng.choice((0, 0, rng.randint(0, 60), rng.randint(0, 2000)))
            if column.unit_key:
                values[column.unit_key] = None
        out[row.key] = values
    return out


def balanced_t3(
    outcomes: dict[str, dict[str, int]], carried_over: dict[str, int], carried_forward: dict[str, int],
) -> dict[str, dict[str, int]]:
    """Table 三 completed from its outcome rows and carry-overs so that every relation
    holds: （七）总计 is the sum of the outcome rows, 一 = （七） + 四 − 二 (四 is raised
    where 一 would go negative), and each row's 总计 is the sum of its applicant columns.
    Shared by the synthetic corpora and the property tests."""
    applicants = editions.T3_APPLICANT_COLUMNS
    handled = {c: sum(row[c] for row in outcomes.values()) for c in applicants}
    forward = {c: max(carried_forward[c], carried_over[c] - handled[c]) for c in applicants}
    derived = {
        "total_handled": handled,
        "carried_over": dict(carried_over),
        "carried_forward": forward,
        "new_received": {c: handled[c] + forward[c] - carried_over[c] for c in applicants},
    }
    out = {key: dict(row) for key, row in {**outcomes, **derived}.items()}
    for row in out.values():
        row["total"] = sum(row[c] for c in applicants)
    return out


def _t3(edition: editions.Edition, rng: random.Random) -> dict[str, dict[str, int]]:
    table = edition.table("t3")
    applicants = editions.T3_APPLICANT_COLUMNS
    scale = rng.choice((0, 3, 20, 150))
    busy = {c: scale if c in applicants[:2] else scale // 10 for c in applicants}
    outcomes = {
        row.key: {c: rng.randint(0, busy[c]) if rng.random() < 0.4 else 0 for c in applicants}
        for row in editions.t3_outcome_rows(table)
    }
    carried_forward = {c: rng.randint(0, max(1, busy[c] // 5)) for c in applicants}
    carried_over = {c: rng.randint(0, max(1, busy[c] // 5)) for c in applicants}
    balanced = balanced_t3(outcomes, carried_over, carried_forward)
    return {row.key: balanced[row.key] for row in table.rows}


def _t4(rng: random.Random) -> dict[str, dict[str, int]]:
    out = {}
    for row in editions.T4.rows:
        parts = [rng.choice((0, 0, 0, rng.randint(0, 12))) for _ in editions.T4_COLUMNS[:-1]]
        values = dict(zip((c.key for c in editions.T4_COLUMNS[:-1]), parts))
        values["total"] = sum(parts)
        out[row.key] = values
    return out


def report_data(rng: random.Random, agency: str, year: int) -> dict[str, Any]:
    """Canonical data (the gold-file form) of one synthetic report."""
    edition = editions.get(editions.EDITION_2019 if year < 2021 else editions.EDITION_2021)
    return {
        "edition": edition.key, "year": year, "agency": agency, "published": f"{year + 1}-01-{rng.randint(10, 28)}",
        "t2": _t2(edition, rng), "t3": _t3(edition, rng), "t4": _t4(rng),
    }


# --------------------------------------------------------------------------- layouts

def _fmt(value: Any) -> str:
    return "" if value is None else str(value)


def _table_lines(data: dict[str, Any]) -> dict[str, list[list[str]]]:
    """Each table as rows of cells, labels from the edition (the example reports' layout)."""
    edition = editions.get(data["edition"])
    t2 = edition.table("t2")
    t2_rows: list[list[str]] = []
    for block in t2.blocks:
        t2_rows.append([block.caption])
        t2_rows.append(["信息内容", *(c.label for c in block.columns)])
        for row in block.rows:
            t2_rows.append([row.label, *(_fmt(data["t2"][row.key][c.key]) for c in block.columns)])
    t3 = edition.table("t3")
    t3_rows = [
        ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况"],
        ["自然人", "法人或其他组织", "总计"],
        [c.label for c in editions.T3_COLUMNS[1:6]],
    ]
    for row in t3.rows:
        label = f"{row.number}{row.label}{row.tail}"
        t3_rows.append([label, *(_fmt(data["t3"][row.key][c.key]) for c in editions.T3_COLUMNS)])
    t4_head = [c.label for c in editions.T4_COLUMNS]
    t4_rows = [
        ["行政复议", "行政诉讼"],
        [*t4_head, "未经复议直接起诉", "复议后起诉"],
        t4_head * 3,
        [_fmt(data["t4"][row.key][c.key]) for row in editions.T4.rows for c in editions.T4_COLUMNS],
    ]
    return {"t2": t2_rows, "t3": t3_rows, "t4": t4_rows}


def _text(data: dict[str, Any], layout: str) -> str:
    tables = _table_lines(data)
    agency, year = data["agency"], data["year"]
    lines = [
        f"{agency}{year}年政府信息公开工作年度报告", "",
        f"本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。",
        "一、总体情况", f"{year}年，本机关认真贯彻落实《条例》，做好政府信息公开工作。", "",
        "二、主动公开政府信息情况", *_rows(tables["t2"], layout),
        "三、收到和处理政府信息公开申请情况", *_rows(tables["t3"], layout),
        "四、政府信息公开行政复议、行政诉讼情况", *_rows(tables["t4"], layout),
        "五、存在的主要问题及改进情况", "（一）存在的主要问题：政策解读形式较为单一。", "（二）改进情况：丰富解读形式。",
        "六、其他需要报告的事项", "本年度未收取信息处理费。", "", agency, _date(data["published"]),
    ]
    return "\n".join(lines) + "\n"


def _rows(rows: list[list[str]], layout: str) -> list[str]:
    if layout == "pipe":
        return [" | ".join(row) + " |" for row in rows]
    out: list[str] = []
    for row in rows:  # Word export: one cell per line, a blank line between rows
        out.extend("\t" + cell for cell in row)
        out.append("")
    return out


def _date(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{year}年{int(month)}月{int(day)}日"


def render_report(data: dict[str, Any], layout: str) -> tuple[bytes, str]:
    """(file bytes, suffix)."""
    if layout in ("html", "md"):
        rendered = _rendered(data, layout)
        if rendered is not None:
            return rendered, "." + layout
        layout = "pipe"
    return _text(data, layout).encode("utf-8"), ".txt"


def _rendered(data: dict[str, Any], layout: str) -> bytes | None:
    try:
        from ..render import render
    except ImportError:
        return None
    try:
        return render(data, layout)
    except Exception:  # noqa: BLE001 — a renderer still in progress must not stop corpus generation
        return None


def generate(
    folder: Path, count: int, seed: int = 6, layouts: tuple[str, ...] = LAYOUTS, agencies: int | None = None,
) -> list[tuple[Path, dict]]:
    """Write `count` reports into `folder` (subfolders of 1,000); returns (path, data) pairs.

    `agencies` limits the pool of bodies, so a small corpus still has several years of each.
    """
    rng = random.Random(seed)
    names = list(_agencies(rng))[:agencies]
    weights = [w for layout, w in zip(LAYOUTS, WEIGHTS) if layout in layouts]
    out = []
    for n in range(count):
        short, full = names[n % len(names)]
        year = 2019 + (n // len(names)) % 6
        agency = short if year % 2 else full  # the same body, abbreviated every other year
        data = report_data(rng, agency, year)
        layout = rng.choices(layouts, weights)[0]
        payload, suffix = render_report(data, layout)
        path = folder / f"{n // 1000:03d}" / f"{n:06d}-{layout}{suffix}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(payload)
        out.append((path, data))
    return out
