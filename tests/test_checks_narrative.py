"""Narrative ↔ tables: what the text states is compared with the right cells, in scope.

Each rule is tested on a real corpus report that keeps it and on the same report minimally
edited to break it; the false alarms seen on real reports are reproduced and must stay quiet.
"""

from __future__ import annotations

import json
import time

import pytest

from nianbao import rules_data
from nianbao.checks import arithmetic, narrative, report_from_json
from nianbao.model import SectionFound
from nianbao.parser import parse

from . import narrative_mutations as mutations
from .checks_helpers import GOLD_BROKEN, SOURCES, errors, gold_json, gold_names, gold_report, parsed, with_text

MISMATCH = "NARRATIVE.MISMATCH"


def _edited(tmp_path, name: str, old: str, new: str):
    """The corpus report with one passage of its text replaced (the passage must be there once)."""
    source = next(p for p in SOURCES if p.name == name)
    text = source.read_bytes().decode("utf-8")
    assert text.count(old) == 1, old
    path = tmp_path / name
    path.write_bytes(text.replace(old, new).encode("utf-8"))
    return parse(path)


def _mismatches(report):
    return [f for f in narrative.check(report) if f.code == MISMATCH]


# ------------------------------------------------------------------ the corpus
def test_corpus_findings_are_the_true_ones():
    """Every narrative finding on the corpus, each judged against the source text."""
    found = {p.name: [(f.cells[0], f.found, f.expected) for f in _mismatches(parsed(p.name))] for p in SOURCES}
    # 平潭农业农村局 2024 prints its table-三 总计 column as 0 although its rows count 3
    # requests, and all three as natural persons; its text says 3 requests, 1 from a legal person.
    assert sorted(found.pop("pingtan-agriculture-2024.txt")) == [
        ("t3.new_received.commercial_enterprise", 1, 0),
        ("t3.new_received.natural_person", 2, 3),
        ("t3.new_received.total", 3, 0),
        ("t3.total_handled.total", 3, 0),
    ]
    assert not any(found.values()), {k: v for k, v in found.items() if v}


def test_every_statement_of_a_consistent_report_agrees():
    # 上海市科委 2024 states received, carried over, every outcome category, carried forward,
    # its review (number before the noun, broken over a line) and its lawsuits (数为 0 件).
    statements = narrative.read(parsed("shanghai-stcsm-2024.md"))
    names = {s.name for s in statements}
    assert {"收到申请数", "上年结转申请数", "予以公开数", "部分公开数", "不予公开数", "无法提供数", "不予处理数",
            "其他处理数", "结转下年度申请数", "行政复议数", "行政诉讼数", "复议诉讼被纠错数"} <= names
    assert not _mismatches(parsed("shanghai-stcsm-2024.md"))


# ------------------------------------------------------------------ numbers as written
@pytest.mark.parametrize("text, value", [("12", 12), ("1,234", 1234), ("两", 2), ("十二", 12), ("一百零五", 105), ("零", 0)])
def test_numbers_in_digits_and_chinese_numerals(text, value):
    assert rules_data.stated_count(text) == value


def test_runs_that_are_no_count_are_not_read():
    assert rules_data.stated_count("十百") is None
    assert rules_data.stated_count("1234567890123") is None  # fused table digits


# The corpus reports below state these figures in agreement with their tables
# (test_corpus_findings_are_the_true_ones); each edit makes one statement contradict them.
EDITS = {
    # Seed 000: "行政复议两件", table 四 prints 2 reviews.
    "Chinese numeral": ("000_05b7538ffe1c510c.txt", "行政复议两件", "行政复议十二件", ["t4.review.total"], 12, 2),
    "number before the noun": (
        "shanghai-stcsm-2024.md", "全年收到政府信息公开申请 34 件", "全年收到 40 件政府信息公开申请",
        ["t3.new_received.total"], 40, 34),
    # 三明 2023 prints "共受理政府信息公开申请\n302\n件，上年结转\n1\n件，办结\n303\n件".
    "line wraps": ("sanming-2023.txt", "件，办结\r\n303\r\n件", "件，办结\r\n300\r\n件", ["t3.total_handled.total"], 300, 303),
    # 莆田统计局 2022: 已主动公开答复数1件 + 同意公开答复数9件 = 予以公开 10.
    "granted in two parts": (
        "putian-statistics-2022.html", "同意公开答复数9件", "同意公开答复数8件", ["t3.granted.total"], 9, 10),
    "outcome group": (
        "shanghai-stcsm-2024.md", "无法提供的 10 件", "无法提供的 12 件",
        ["t3.unavailable_not_held.total", "t3.unavailable_needs_creation.total", "t3.unavailable_unclear_request.total"], 12, 10),
}


@pytest.mark.parametrize("case", sorted(EDITS))
def test_stated_count_contradicts_table(tmp_path, case):
    name, old, new, cells, stated, printed = EDITS[case]
    finding = next(f for f in _mismatches(_edited(tmp_path, name, old, new)) if f.cells == cells)
    assert (finding.found, finding.expected) == (stated, printed)


def test_sentences_cut_printed_tables_and_join_wraps():
    text = "全年收到申请\n12\n件。\n第二十条第（一）项\n信息内容\n规章\n5\n件\n行政许可\n3\n项。共答复1\n2件"
    assert narrative.sentences(text) == ["全年收到申请12件", "共答复1 2件"]
    assert narrative.sentences("一、本年新收政府信息公开申请数量 | 21 | 0\n全年收到申请21件") == ["全年收到申请21件"]


# ------------------------------------------------------------------ outcomes, shares, applicants, 复议/诉讼
def test_share_of_an_outcome(tmp_path):
    # 9 granted of 35 handled (34 received + 2 carried over − 1 carried forward) is 25.7 %.
    kept = _edited(tmp_path, "shanghai-stcsm-2024.md", "同意公开答复 9 件", "同意公开答复 9 件，占25.7%")
    assert not _mismatches(kept)
    broken = _edited(tmp_path, "shanghai-stcsm-2024.md", "同意公开答复 9 件", "同意公开答复 9 件，占52%")
    finding = next(f for f in _mismatches(broken) if f.found == 52)
    assert finding.expected == 25.7 and finding.cells == ["t3.granted.total"]


def test_applicant_split(tmp_path):
    old = "全年收到政府信息公开申请 34 件"
    kept = _edited(tmp_path, "shanghai-stcsm-2024.md", old, old + "，其中自然人申请32件、法人或其他组织申请2件")
    assert not _mismatches(kept)
    swapped = _edited(tmp_path, "shanghai-stcsm-2024.md", old, old + "，其中自然人申请2件、法人或其他组织申请32件")
    assert {f.cells[0] for f in _mismatches(swapped)} == {"t3.new_received.natural_person", "t3.new_received.commercial_enterprise"}


def test_lawsuits_counted_as_direct_suits_only():
    # 三明 2023: "行政诉讼 7 件" = 未经复议直接起诉 7 (and 1 复议后起诉): a way of counting, not an error.
    report = parsed("sanming-2023.txt")
    assert any(s.name == "行政诉讼数" and s.value == 7 for s in narrative.read(report))
    assert not _mismatches(report)


def test_review_result_stated_as_not_corrected():
    report = parsed_copy_stcsm()
    assert not _mismatches(report)
    report.cell("t4.review.upheld").value, report.cell("t4.review.corrected").value = 0, 1
    finding = next(f for f in _mismatches(report) if "t4.review.corrected" in f.cells)
    assert (finding.found, finding.expected) == (0, 1)


def parsed_copy_stcsm():
    return report_from_json(json.loads(json.dumps(parsed("shanghai-stcsm-2024.md").to_dict())))


def test_no_review_stated_as_a_zero(tmp_path):
    # 平潭农业农村局 2024: "未发生因依申请公开印发的行政复议和行政诉讼" states both are zero.
    report = report_from_json(json.loads(json.dumps(parsed("pingtan-agriculture-2024.txt").to_dict())))
    report.cell("t4.review.total").value = 1
    finding = next(f for f in _mismatches(report) if f.cells == ["t4.review.total"])
    assert (finding.found, finding.expected) == (0, 1)


@pytest.mark.parametrize("sentence", [
    "本年收到行政复议申请2件",  # a review application, not a disclosure request
    "答复行政复议申请3件",
    "行政复议结果纠正0件，行政诉讼结果纠正1件",  # each group's own corrected count
    "办理上年结转申请2件",  # 2 carried over, not 35 handled
    "全年共受理政务服务事项申请12000件",
    "未经复议直接提起行政诉讼1件",  # no statement that there was no review
    "全年未发生行政诉讼败诉情况",  # nothing on how many suits
    "无依申请公开信息处理费收费事项",  # a fee statement, not "no requests"
    "全年清理行政规范性文件120件",  # documents reviewed, not issued or in force
])
def test_other_counts_are_not_compared(sentence):
    report = parsed_copy_stcsm()  # 34 received, 2 carried over, 35 handled, one review; one suit corrected below
    report.cell("t4.litigation_direct.corrected").value = 1
    report.cell("t4.litigation_direct.total").value = 1
    report.sections = [SectionFound("一", "overview", "总体情况", 0, len(sentence), sentence)]
    assert not _mismatches(report)


def test_consultations_are_not_requests(tmp_path):
    # 莆田统计局: "通过12345热线等方式办理答复咨询件38件" is not 答复申请 38 件.
    report = parsed("putian-statistics-2022.html")
    assert not any(s.value == 38 for s in narrative.read(report))


# ------------------------------------------------------------------ the false alarms of wrong column or scope
def test_repealed_is_compared_with_the_repealed_column():
    old = "集中公开现行有效行政规范性文件698件"
    kept = with_text("pingtan-2022.txt", old, old + "，本年废止行政规范性文件55件")
    assert not _mismatches(kept)
    broken = with_text("pingtan-2022.txt", old, old + "，本年废止行政规范性文件88件")
    # 88 is the 制发 count: the old rule let any column agree and missed this.
    finding = next(f for f in _mismatches(broken) if f.found == 88)
    assert finding.cells == ["t2.normative_documents.repealed"] and finding.expected == 55


def test_in_force_is_compared_with_the_in_force_column():
    report = with_text("pingtan-2022.txt", "现行有效行政规范性文件698件", "现行有效行政规范性文件700件")
    finding = next(f for f in _mismatches(report) if f.found == 700)
    assert finding.cells == ["t2.normative_documents.in_force"] and finding.expected == 698


def test_website_category_counts_are_not_table_counts():
    # 平潭交建局 2020: "公开类别主要涉及政策规范性文件信息2条、行政许可类信息3条…" (table 二: 3 规范性文件).
    report = parsed("pingtan-transport-2020.txt")
    assert not _mismatches(report)
    assert not [s for s in narrative.read(report) if s.name == "规范性文件数"]


@pytest.mark.parametrize("scope", ["全市", "各部门", "共计25个部门", "各区政府"])
def test_region_wide_sentences_are_not_compared(tmp_path, scope):
    report = _edited(tmp_path, "shanghai-stcsm-2024.md", "全年收到政府信息公开申请 34 件", f"{scope}收到政府信息公开申请 90 件")
    assert not _mismatches(report)


# ------------------------------------------------------------------ mutations
def _goldwith_text(name: str):
    """The report's parsed text with its gold tables (what the report prints, read by hand)."""
    record = parsed(name).to_dict()
    gold = gold_json(name.rsplit(".", 1)[0] + ".json")
    record.update({key: gold[key] for key in ("t2", "t3", "t4", "edition")})
    return report_from_json(json.loads(json.dumps(record)))


@pytest.mark.parametrize("name", ["shanghai-stcsm-2024.md", "sanming-2023.txt", "putian-statistics-2022.html"])
def test_sum_preserving_swaps_are_caught_where_the_text_states_the_figures(name):
    report = _goldwith_text(name)
    stated = 0
    for swap in mutations.swaps(report):
        if not mutations.changes_values(report, swap):
            continue
        undo = mutations.apply(report, swap)
        assert not errors(arithmetic.check(report)), swap  # the arithmetic cannot see it
        undo()
        if mutations.stated(report, swap):
            stated += 1
            assert mutations.caught(report, swap), swap
    assert stated > 0


def test_review_litigation_swap_is_caught_by_the_text():
    report = _goldwith_text("sanming-2023.txt")  # 行政复议 6 件、行政诉讼 7 件
    swap = next(s for s in mutations.swaps(report) if s.kind == mutations.REVIEW_LITIGATION)
    assert mutations.stated(report, swap) and mutations.caught(report, swap)


def _checked(report, path: str) -> bool:
    """The cell is in a relation of its column whose cells are all printed."""
    return any(path in rel.cells and rel.code != "T3.ROW_TOTAL" and all(report.value(c) is not None for c in rel.cells)
               for rel in report.relations)


def _compensating(report, a: str, b: str) -> None:
    report.cell(a).value += 1
    report.cell(b).value -= 1


@pytest.mark.parametrize("name", [n for n in gold_names() if gold_json(n)["source"] not in GOLD_BROKEN])
def test_compensating_changes_are_errors(name):
    """+1 in one applicant column and −1 in another of the same row keeps the row total: the
    column relations still break."""
    report = gold_report(name)
    tested = 0
    for row in ("new_received", "granted", "total_handled"):
        a, b = f"t3.{row}.natural_person", f"t3.{row}.commercial_enterprise"
        if report.value(b) is None or report.value(b) < 1 or not (_checked(report, a) and _checked(report, b)):
            continue
        _compensating(report, b, a)
        assert {a, b} <= {c for f in errors(arithmetic.check(report)) for c in f.cells}, (name, row)
        _compensating(report, a, b)
        tested += 1
    if name in ("sanming-2023.json", "shanghai-stcsm-2024.json"):  # businesses asked there
        assert tested > 0


# ------------------------------------------------------------------ bounded work
@pytest.mark.parametrize("text", ["收到申请" + "1" * 50_000 + "件", "1" * 50_000 + "件申请", "两" * 50_000 + "件行政复议"])
def test_long_runs_of_digits_cost_linear_time(text):
    # A number is tried once per run of digits (was quadratic: 13 s for 20,000 digits).
    report = report_from_json({"edition": "2021", "t2": {}, "t3": {}, "t4": {}})
    report.sections = [SectionFound("一", "overview", "总体情况", 0, len(text), text)]
    started = time.process_time()
    assert narrative.check(report) == []
    assert time.process_time() - started < 2


# ------------------------------------------------------------------ sentences as reports write them
# Against 上海市科委 2024's tables: 34 received (32 natural persons, 2 businesses), 2 carried over,
# 35 handled (9 granted, 2 withheld, 10 unavailable, 14 otherwise), 1 carried forward; one review, upheld.
WRITTEN = [
    ("本机关共收到政府信息公开申请三十四件，上年结转两件", "本机关共收到政府信息公开申请三十五件，上年结转两件"),
    ("本年度共收到34件政府信息公开申请", "本年度共收到43件政府信息公开申请"),
    ("其中自然人申请32件，法人或其他组织申请2件", "其中自然人申请2件，法人或其他组织申请32件"),
    ("全年共办结政府信息公开申请35件", "全年共办结政府信息公开申请36件"),
    ("其中予以公开9件，占25.7%", "其中予以公开9件，占52.7%"),
    ("不予公开2件，无法提供10件，其他处理14件", "不予公开2件，无法提供14件，其他处理10件"),
    ("结转下年度继续办理1件", "结转下年度继续办理3件"),
    ("本年度发生政府信息公开行政复议1起，行政诉讼0起", "本年度发生政府信息公开行政复议0起，行政诉讼1起"),
    ("涉及政府信息公开的行政复议一件，未被纠错", "涉及政府信息公开的行政复议一件，被纠正1件"),
    ("全年未发生政府信息公开行政诉讼", "全年未发生政府信息公开行政复议"),
    ("行政复议1件，结果维持1件", "行政复议1件，尚未审结1件"),
]


@pytest.mark.parametrize("kept, broken", WRITTEN)
def test_sentences_as_reports_write_them(kept, broken):
    report = parsed_copy_stcsm()

    def with_sentence(sentence):
        report.sections = [SectionFound("一", "overview", "总体情况", 0, len(sentence), sentence + "。")]
        return report

    assert narrative.read(with_sentence(kept)), kept
    assert not _mismatches(with_sentence(kept)), kept
    assert _mismatches(with_sentence(broken)), broken


# ------------------------------------------------------------------ the parser's hints
def test_parser_hints_read_the_claims_in_digits_and_numerals():
    """tables.stated_numbers takes hints from the claims of rules_data.CLAIMS."""
    from nianbao.tables import stated_numbers

    assert stated_numbers("2023年共受理政府信息公开申请302件，行政复议6件。") == [
        (("t3.new_received.total",), 302.0), (("t4.review.total",), 6.0)]
    assert stated_numbers("全年共受理政府信息公开申请十二件，行政复议两件。") == [
        (("t3.new_received.total",), 12.0), (("t4.review.total",), 2.0)]
    assert stated_numbers("本年收到行政复议申请2件。") == []  # no disclosure request


def test_each_organisation_column():
    # 三明 2023 received 3 from businesses, 2 from research bodies, 1 from a public-interest body.
    report = report_from_json(json.loads(json.dumps(parsed("sanming-2023.txt").to_dict())))

    def stating(sentence):
        report.sections = [SectionFound("一", "overview", "总体情况", 0, len(sentence), sentence)]
        return _mismatches(report)

    assert not stating("其中商业企业申请3件、科研机构申请2件、社会公益组织申请1件")
    finding = next(iter(stating("其中科研机构申请3件、社会公益组织申请2件")))
    assert finding.cells in (["t3.new_received.research_institution"], ["t3.new_received.social_welfare_org"])
