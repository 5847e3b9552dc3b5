"""Hypothesis strategies for valid canonical reports of both editions, built from the edition definitions."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from nianbao import editions
from nianbao.store.synth import balanced_t3
from nianbao.render.content import single_other_handling, t3_rows

AGENCIES = (
    "示例市示例区示范街道办事处", "平潭综合实验区交通与建设局", "某某县人民政府办公室", "某某市生态环境局",
    "某某区某某镇人民政府", "某某省科学技术厅",
)


@st.composite
def t2_values(draw, edition: editions.Edition, nulls: bool):
    table = edition.table("t2")
    out = {}
    for row in table.rows:
        cells = {}
        for column in table.columns_of(row):
            if column.money:
                value = draw(st.one_of(st.integers(0, 10**7), st.decimals(0, 10**6, places=2).map(float)))
            elif column.signed:
                value = draw(st.integers(-999, 999))
            else:
                value = draw(st.integers(0, 5000))
            if nulls and draw(st.integers(0, 9)) == 0:
                value = None
            cells[column.key] = value
            if column.unit_key:
                # A unit is printed with its amount: a blank amount has none.
                cells[column.unit_key] = None if value is None else draw(st.sampled_from((None, "元", "万元")))
        out[row.key] = cells
    return out


@st.composite
def t3_values(draw, edition: editions.Edition, single: bool, nulls: bool):
    table = edition.table("t3")
    rows = t3_rows(edition, single)
    applicants = editions.T3_APPLICANT_COLUMNS
    small = st.integers(0, 30)
    outcomes = {row.key: {c: draw(small) for c in applicants} for row in rows if row.group is not None}
    carried_over = {c: draw(small) for c in applicants}
    forward = {c: draw(small) for c in applicants}
    balanced = balanced_t3(outcomes, carried_over, forward)
    out = {row.key: balanced[row.key] for row in (table.rows if not single else rows)}
    if single:
        for row in table.rows:
            if row.key not in out:
                out[row.key] = {c.key: None for c in table.columns}
    if nulls:
        for row in out.values():
            for column in list(row):
                if row[column] is not None and draw(st.integers(0, 40)) == 0:
                    row[column] = None
    return out


@st.composite
def t4_values(draw, edition: editions.Edition, nulls: bool):
    table = edition.table("t4")
    out = {}
    for row in table.rows:
        parts = {c.key: draw(st.integers(0, 20)) for c in table.columns if c.key != "total"}
        parts["total"] = sum(parts.values())
        if nulls and draw(st.integers(0, 9)) == 0:
            parts[draw(st.sampled_from(sorted(parts)))] = None
        out[row.key] = {c.key: parts[c.key] for c in table.columns}
    return out


@st.composite
def reports(draw, edition_key: str | None = None, nulls: bool = True):
    edition_key = edition_key or draw(st.sampled_from(sorted(editions.EDITIONS)))
    edition = editions.get(edition_key)
    year = draw(st.integers(2019, 2020) if edition_key == editions.EDITION_2019 else st.integers(2021, 2030))
    single = edition_key == editions.EDITION_2021 and draw(st.integers(0, 4)) == 0
    published = draw(st.one_of(st.none(), st.dates(dt.date(year + 1, 1, 2), dt.date(year + 1, 3, 31)).map(str)))
    data = {
        "edition": edition_key, "year": year, "agency": draw(st.sampled_from(AGENCIES)), "published": published,
        "t2": draw(t2_values(edition, nulls)), "t3": draw(t3_values(edition, single, nulls)),
        "t4": draw(t4_values(edition, nulls)),
    }
    assert single_other_handling(data) == single
    return data
