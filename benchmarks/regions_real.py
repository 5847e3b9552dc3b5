"""Region resolution measured on real agency names (nianbao.regions), by name alone.

`benchmarks/data/real_agency_names.tsv` holds the names of bodies that published an annual report
on the web, as printed, with the page each comes from and where the body is, placed by hand from
that page (header of the file: how the list was assembled).  The expected 6-digit code is looked up
in the division list from the hand-placed province / city / county, never from the resolver.

Each name is scored like benchmarks/regions_bulk.py, on province, city, county and code: right,
undecided (a field left empty that is known) or wrong (a value that is not the expected one); the
township is scored apart, where the name carries one.

    python benchmarks/regions_real.py            # summary by kind of body, and every miss
"""

from __future__ import annotations

import csv
import sys
import time
from collections import Counter
from pathlib import Path

from nianbao import regions

sys.path.insert(0, str(Path(__file__).parent))
import regions_bulk as bulk  # noqa: E402

DATA = Path(__file__).parent / "data" / "real_agency_names.tsv"
_GOVERNMENT_ENDINGS = ("人民政府", "行政公署")


def rows() -> list[dict[str, str]]:
    lines = [line for line in DATA.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def code_of(province: str, city: str, county: str) -> str:
    """The code of the hand-placed division, from the division list (not from the resolver)."""
    most_specific = county or city or province
    wanted = (province, city or None, county or None)
    for division in regions.gazetteer().by_name.get(most_specific, []):
        if division.depth > 3:
            continue
        found = regions.of_code(division.code)
        if found is not None and (found.province, found.city, found.county) == wanted:
            return division.code
    raise LookupError(f"{province}/{city}/{county}: not in the division list")


def kind(name: str, township: str) -> str:
    """government / department / township: what the body is, for the summary."""
    if township:
        return "township"
    if name.endswith(_GOVERNMENT_ENDINGS):
        return "government"
    return "department"


def cases() -> list[bulk.Case]:
    out = []
    for row in rows():
        where = bulk._where(row["province"], row["city"] or None, row["county"] or None,
                            code_of(row["province"], row["city"], row["county"]), township=row["township"] or None)
        out.append(bulk.Case(row["name"], where, kind(row["name"], row["township"]), row["note"] == "ambiguous"))
    return out


def township_right(case: bulk.Case) -> bool | None:
    if not case.expected.get("township"):
        return None
    return regions.resolve(case.name).township == case.expected["township"]


def tally(found: list[bulk.Case]) -> dict[str, Counter]:
    out: dict[str, Counter] = {}
    for case in found:
        outcome, fields = bulk.score(case)
        for group in ("all", "ambiguous" if case.ambiguous else case.origin):
            t = out.setdefault(group, Counter())
            t["names"] += 1
            t[outcome] += 1
            # Right, or left undecided where the name alone cannot decide.
            t["correct"] += outcome == "right" or (case.ambiguous and outcome == "undecided")
            towns = township_right(case)
            if towns is not None:
                t["township_scored"] += 1
                t["township_right"] += towns
        if outcome != "right" and not case.ambiguous:
            got = regions.resolve(case.name)
            print(f"{outcome}: {case.name} → {fields}: {[getattr(got, f) for f in fields]}"
                  f"（应为 expected {[case.expected[f] for f in fields]}）")
    return out


def main() -> None:
    started = time.perf_counter()
    found = cases()
    counts = tally(found)
    print(f"{len(found)} names, {time.perf_counter() - started:.1f} s")
    for group, t in counts.items():
        n = t["names"]
        towns = f", township {t['township_right']}/{t['township_scored']}" if t["township_scored"] else ""
        print(f"{group:10} {n:4}: right {t['right']} ({t['right'] / n:.1%}), undecided {t['undecided']}, "
              f"wrong {t['wrong']}, correct {t['correct']} ({t['correct'] / n:.1%}){towns}")


if __name__ == "__main__":
    main()
