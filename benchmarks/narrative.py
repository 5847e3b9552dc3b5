"""How much of the reports' text the narrative check reads, and which sum-preserving swaps it catches.

    python benchmarks/narrative.py [--corpus ../shared/corpus] [--list]

Coverage: every sentence of every corpus report's section text (tables cut out, line
wraps joined, as `checks.narrative.sentences` reads them) that states a count (a number
or Chinese numeral with 件/条/份/起/项/宗, or 未收到/无…申请/复议/诉讼) in the tables'
vocabulary (申请, 复议, 诉讼, 办结, 结转, the outcome categories, the table-二 rows) is
*table-related*.  A sentence listing a website's categories (类别, 类信息) counts
the website's items, not the tables' (counted apart).  It is *matched* when the narrative rule compares a count of it with the
tables; *scoped out* when it speaks of a whole region or several bodies (全区…), which the
rule skips on purpose.  "before" replays the previous matcher (first form of each claim,
digits only, lines not joined; region sentences skipped for governments only).
`--list` prints the unmatched sentences.

Swaps: on each report with gold values, the parsed report's text with the gold tables;
(reports whose printed arithmetic holds) every swap of two outcome rows, of 行政复议 with 未经复议直接起诉, and of two applicant
columns keeps every sum of the format.  For each swap that changes a value: arithmetic
errors (must be none), whether the text states a changed figure, and whether the
narrative rule reports it.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(1, str(ROOT))  # tests.narrative_mutations: the swaps the tests use

from nianbao import editions  # noqa: E402
from nianbao import rules_data as data  # noqa: E402
from nianbao.checks import agency, arithmetic, narrative, report_from_json  # noqa: E402
from nianbao.evaluate import default_corpus  # noqa: E402
from nianbao.parser import parse  # noqa: E402
from tests import narrative_mutations as mutations  # noqa: E402

TABLE_WORDS = re.compile(
    r"申请|复议|诉讼|办结|结转|予以公开|部分公开|不予公开|无法提供|不予处理|其他处理|规章|规范性文件|行政许可|行政处罚|行政强制"
)
COUNT = re.compile(r"(?:\d+|[一二两三四五六七八九十百千]+)\s*(?:件|条|份|起|项|宗)|(?:未|没有|无|暂未)[^，。；,;]{0,20}(?:申请|复议|诉讼)")
ARITHMETIC = {"T3.IDENTITY", "T3.OUTCOME_TOTAL", "T3.ROW_TOTAL", "T4.TOTAL"}


def reports(corpus: Path) -> list[tuple[str, object]]:
    sources = sorted(p for folder in ("seeds", "dev") for p in (corpus / folder).iterdir())
    return [(p.name, parse(p)) for p in sources]


# --------------------------------------------------------------------------- coverage
def table_related(sentence: str) -> bool:
    return bool(TABLE_WORDS.search(sentence) and COUNT.search(sentence))


def matched_before(report, raw: str) -> bool:
    """The previous matcher: CLAIMS' first forms and table-二 labels, digits only, per line."""
    if agency.is_government(agency.level(report.agency)) and any(data.REGION_SCOPE.search(line) for line in raw.split("\n")):
        return False
    table = editions.get(report.edition).table("t2")
    labels = [re.compile(data.PROACTIVE_COUNT.replace(data.NUMBER_SPOKEN, data.NUMBER_DIGITS).format(
        label="|".join(re.escape(x) for x in row.labels))) for row in table.rows]
    patterns = [claim.pattern for claim in data.CLAIMS] + labels
    return any(p.search(line) for line in raw.split("\n") for p in patterns)


def coverage(named_reports, listing: bool) -> None:
    counts: Counter[str] = Counter()
    for name, report in named_reports:
        if not report.sections or report.edition is None:
            continue
        for section in report.sections:
            for raw in narrative.raw_sentences(section.text):
                sentence = narrative.join_lines(raw)
                if not sentence or not table_related(sentence):
                    continue
                counts["related"] += 1
                if data.REGION_SCOPE.search(sentence):
                    counts["scoped out"] += 1
                    continue
                if data.PROACTIVE_CATEGORIES.search(sentence):
                    counts["category lists"] += 1
                    continue
                counts["before"] += matched_before(report, raw)
                now = bool(narrative._claims(sentence) + narrative._proactive(report, sentence))
                counts["after"] += now
                if listing and not now:
                    print(f"  unmatched  {name}: {sentence[:110]}")
    own = counts["related"] - counts["scoped out"] - counts["category lists"]
    print(f"table-related sentences {counts['related']}, scoped out (region-wide) {counts['scoped out']}, "
          f"website category lists {counts['category lists']}, "
          f"own {own}: matched before {counts['before']} ({counts['before'] / max(own, 1):.0%}), "
          f"after {counts['after']} ({counts['after'] / max(own, 1):.0%})")


# --------------------------------------------------------------------------- swaps
def with_gold_tables(report, gold: dict):
    record = report.to_dict()
    record.update({key: gold[key] for key in ("t2", "t3", "t4", "edition")})
    return report_from_json(json.loads(json.dumps(record)))


def swapping(named_reports, corpus: Path) -> int:
    totals: Counter[tuple[str, str]] = Counter()
    broken = 0
    for name, parsed in named_reports:
        gold_path = corpus / "gold" / (Path(name).stem + ".json")
        if not gold_path.exists():
            continue
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        if gold.get("edition") is None or not parsed.sections:
            continue
        report = with_gold_tables(parsed, gold)
        if any(f.code in ARITHMETIC for f in arithmetic.check(report)):
            continue  # its printed arithmetic is already wrong: a swap only moves the error
        for swap in mutations.swaps(report):
            if not mutations.changes_values(report, swap):
                continue
            totals[(swap.kind, "swaps")] += 1
            undo = mutations.apply(report, swap)
            new_errors = {(f.code, tuple(f.cells)) for f in arithmetic.check(report) if f.code in ARITHMETIC}
            undo()
            broken += bool(new_errors)
            stated = mutations.stated(report, swap)
            caught = mutations.caught(report, swap)
            totals[(swap.kind, "stated")] += stated
            totals[(swap.kind, "caught")] += caught
            totals[(swap.kind, "stated and caught")] += stated and caught
    for kind in (mutations.OUTCOME_ROWS, mutations.REVIEW_LITIGATION, mutations.APPLICANT_COLUMNS):
        swaps, stated, caught = (totals[(kind, k)] for k in ("swaps", "stated", "caught"))
        print(f"{kind:18s} swaps {swaps:5d}  text states a changed figure {stated:5d}  "
              f"caught {caught:5d} (of stated: {totals[(kind, 'stated and caught')]}/{stated})")
    print(f"swaps that broke an arithmetic relation: {broken} (must be 0)")
    missed = sum(totals[(k, "stated")] - totals[(k, "stated and caught")] for k, _ in list(totals))
    return 1 if broken or missed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=default_corpus())
    parser.add_argument("--list", action="store_true", help="print the unmatched table-related sentences")
    args = parser.parse_args()
    named_reports = reports(args.corpus)
    coverage(named_reports, args.list)
    return swapping(named_reports, args.corpus)


if __name__ == "__main__":
    sys.exit(main())
