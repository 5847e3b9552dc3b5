"""Property: a crawled page that glues every cell of a consistent table together
is parsed back with every value right or flagged uncertain — never a silent wrong value."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nianbao
from nianbao import editions
from nianbao.store.synth import balanced_t3

T3 = editions.get("2021").table("t3")
OUTCOMES = editions.t3_outcome_rows(T3)
APPLICANTS = editions.T3_APPLICANT_COLUMNS


@st.composite
def consistent_t3(draw):
    """Table 三 values that satisfy every relation of the edition."""
    small = st.integers(0, 40) | st.just(0)
    outcomes = {row.key: {c: draw(small) if c in ("natural_person", "commercial_enterprise") else 0 for c in APPLICANTS} for row in OUTCOMES}
    carried_over = {c: draw(st.integers(0, 3)) for c in APPLICANTS}
    forward = {c: draw(st.integers(0, 3)) for c in APPLICANTS}
    return balanced_t3(outcomes, carried_over, forward)


def crawled_page(t3: dict, spaces: list[bool]) -> str:
    """The statistics part the way crawlers flatten it: labels and digits glued."""
    parts = ["平潭示例局2022年政府信息公开工作年度报告 一、总体情况 文字。二、主动公开政府信息情况",
             "第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数规章000行政规范性文件000",
             "第二十条第（五）项信息内容本年处理决定数量行政许可0第二十条第（六）项信息内容本年处理决定数量行政处罚0行政强制0",
             "第二十条第（八）项信息内容本年收费金额（单位：万元）行政事业性收费0",
             "三、收到和处理政府信息公开申请情况（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）申请人情况"]
    for i, row in enumerate(T3.rows):
        digits = [str(t3[row.key][c.key]) for c in T3.columns]
        parts.append(f"{row.number}{row.label}{row.tail}" + (" ".join(digits) if spaces[i % len(spaces)] else "".join(digits)))
    parts.append("四、政府信息公开行政复议、行政诉讼情况行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计" + "0" * 15)
    parts.append("五、存在的主要问题及改进情况 文字。六、其他需要报告的事项 无。")
    return "".join(parts)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(consistent_t3(), st.lists(st.booleans(), min_size=1, max_size=5))
def test_fused_table_is_right_or_flagged(t3, spaces):
    report = nianbao.parse_bytes(crawled_page(t3, spaces).encode("utf-8"), "crawl.txt")
    assert report.edition == "2021"
    for row in T3.rows:
        for column in T3.columns:
            path = f"t3.{row.key}.{column.key}"
            cell = report.cell(path)
            assert cell is not None, path
            assert cell.value == t3[row.key][column.key] or cell.uncertain, (path, cell, t3[row.key])
