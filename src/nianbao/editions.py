"""The two national editions of the annual-report format, as data.

This module is the single place where sections, tables, rows, columns, their
official labels, the label variants seen in real reports and the consistency
rules (勾稽关系) are written down.  The parser, the checks, the renderer, storage
and web forms all read these definitions; no other module lists rows or columns.

Keys are the public data contract of DOMAIN.md §4.
"""

from __future__ import annotations

import os

from dataclasses import dataclass, field
from functools import cached_property
from typing import Iterator

EDITION_2019 = "2019"
EDITION_2021 = "2021"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    variants: tuple[str, ...] = ()
    signed: bool = False  # 本年增/减 may be negative
    money: bool = False  # may carry decimals and a unit suffix
    # Canonical key that carries the printed unit of a money column (the 2019 format
    # names no unit for 采购总金额, so reports write 元 or 万元 or nothing).
    unit_key: str | None = None
    # The merged header printed above this column and its neighbours (法人或其他组织).
    group: str | None = None


# Rows and sections are singletons defined once below: comparing and hashing them
# by identity keeps them cheap as cache keys on the parser's hot path.
@dataclass(frozen=True, eq=False)
class Row:
    key: str
    label: str
    # The number printed before the label ("一、", "（二）", "3."), as it appears in
    # the official form. Used to strip the number off the end of a preceding value
    # run when cells are fused ("00000002.其他法律…").
    number: str = ""
    # Words printed after the distinctive part of the label that a converter may
    # break or drop ("（区分处理的，只计这一情形，不计其他情形）").
    tail: str = ""
    variants: tuple[str, ...] = ()
    # The merged label printed beside or above this row and its neighbours: for
    # table 三 outcome rows their outcome group ("（三）不予公开"), for table 四 the
    # 行政诉讼 header over its two lawsuit rows.
    group: str | None = None
    # The columns of this row when they differ from the table's (table 二 blocks).
    columns: tuple[Column, ...] | None = None

    @property
    def labels(self) -> tuple[str, ...]:
        return (self.label, *self.variants)


@dataclass(frozen=True)
class Block:
    """A captioned block of table 二 (第二十条第（一）项 …) with its own columns."""

    caption: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Table:
    key: str  # "t2" / "t3" / "t4"
    number: str  # 二 / 三 / 四 as printed in the section heading
    title: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    blocks: tuple[Block, ...] = ()
    # Words the official table prints that key no value (layout only), by role:
    # "item" (table 二's 信息内容), "identity_note", "applicants", "outcomes" (table 三).
    headers: tuple[tuple[str, str], ...] = ()

    def header(self, role: str) -> str:
        return dict(self.headers)[role]

    def columns_of(self, row: Row) -> tuple[Column, ...]:
        return row.columns if row.columns is not None else self.columns

    def row(self, key: str) -> Row:
        for row in self.rows:
            if row.key == key:
                return row
        raise KeyError(f"{self.key}.{key}")

    def cell_paths(self) -> Iterator[str]:
        for row in self.rows:
            for column in self.columns_of(row):
                yield f"{self.key}.{row.key}.{column.key}"


@dataclass(frozen=True, eq=False)
class Section:
    number: str  # 一 … 六
    key: str
    title: str
    variants: tuple[str, ...] = ()
    required: bool = True


@dataclass(frozen=True)
class Relation:
    """One linear equation over cells: sum(left) == sum(right).

    `code` is the stable finding code; `subject` names the column, row or group the
    equation is about, in Chinese, for messages.
    """

    code: str
    subject: str
    left: tuple[str, ...]
    right: tuple[str, ...]
    # left + right, made once: the solver and the checks ask for it in their inner loops.
    cells: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "cells", self.left + self.right)


@dataclass(frozen=True)
class Edition:
    key: str
    notice: str
    title: str
    sections: tuple[Section, ...]
    tables: tuple[Table, ...]
    # Header texts that only this edition prints; used to detect the edition.
    signatures: tuple[str, ...] = field(default=())

    def table(self, key: str) -> Table:
        for table in self.tables:
            if table.key == key:
                return table
        raise KeyError(key)

    def cell_paths(self) -> Iterator[str]:
        for table in self.tables:
            yield from table.cell_paths()

    @cached_property
    def relations(self) -> tuple[Relation, ...]:
        return tuple(_relations(self, single_other_handling=False))

    @cached_property
    def relations_single_other_handling(self) -> tuple[Relation, ...]:
        """Relations for a 2021 report that prints （六）其他处理 as one row (the 2019 layout)."""
        return tuple(_relations(self, single_other_handling=True))


# --------------------------------------------------------------------------- sections

# Words a report may print between a heading's number and its title, whatever the section:
# "五、政府信息公开工作存在的主要问题及整改措施", "三、本机关收到和处理政府信息公开申请情况".
HEADING_LEADS = ("政府信息公开工作", "本机关", "本单位", "本年度")

SECTIONS = (
    Section("一", "overview", "总体情况", ("总体概述", "概述", "基本情况")),
    Section("二", "proactive", "主动公开政府信息情况", ("主动公开信息情况", "主动公开情况")),
    Section(
        "三", "requests", "收到和处理政府信息公开申请情况",
        ("收到和处理政府信息公开申请的情况", "依申请公开政府信息情况"),
    ),
    Section(
        "四", "review_litigation", "政府信息公开行政复议、行政诉讼情况",
        (
            "因政府信息公开工作被申请行政复议和提起行政诉讼情况",
            "因政府信息公开申请行政复议、提起行政诉讼的情况",
            "政府信息公开行政复议和行政诉讼情况",
            "政府信息公开行政复议及行政诉讼情况",
            "政府信息公开行政复议与行政诉讼情况",
            "政府信息公开行政法复议、行政诉讼情况",
            "行政复议、行政诉讼情况",
        ),
    ),
    Section(
        "五", "problems", "存在的主要问题及改进情况",
        (
            "存在的主要问题及改进措施",
            "存在的主要问题及整改措施",
            "存在的主要问题和改进情况",
            "存在的问题及改进措施",
            "存在的主要问题及改进",
        ),
    ),
    Section("六", "other", "其他需要报告的事项", ("其他需要报告事项",)),
)

# --------------------------------------------------------------------------- table 二

_T2_2019_DOCS = (
    Column("new_made", "本年新制作数量", ("本年新制作",)),
    Column("new_published", "本年新公开数量", ("本年新公开",)),
    Column("total_published", "对外公开总数量"),
)
_T2_2019_ITEMS = (
    Column("previous_year", "上一年项目数量"),
    Column("change", "本年增/减", ("本年增减",), signed=True),
    Column("decisions", "处理决定数量"),
)
_T2_2019_FEES = _T2_2019_ITEMS[:2]
_T2_2019_PROCUREMENT = (
    Column("projects", "采购项目数量"),
    Column("amount", "采购总金额", money=True, unit_key="amount_unit"),
)

_T2_2021_DOCS = (
    Column("issued", "本年制发件数"),
    Column("repealed", "本年废止件数", ("本年废止件",)),
    Column("in_force", "现行有效件数"),
)
_T2_2021_DECISIONS = (Column("decisions", "本年处理决定数量"),)
_T2_2021_FEES = (Column("amount", "本年收费金额（单位：万元）", ("本年收费金额",), money=True),)


def _block(caption: str, columns: tuple[Column, ...], *rows: tuple[str, str, tuple[str, ...]]) -> Block:
    return Block(caption, columns, tuple(Row(key, label, variants=variants, columns=columns) for key, label, variants in rows))


T2_2019_BLOCKS = (
    _block(
        "第二十条第（一）项", _T2_2019_DOCS,
        ("regulations", "规章", ()),
        ("normative_documents", "规范性文件", ("行政规范性文件",)),
    ),
    _block(
        "第二十条第（五）项", _T2_2019_ITEMS,
        ("administrative_licensing", "行政许可", ()),
        ("other_administrative_services", "其他对外管理服务事项", ()),
    ),
    _block(
        "第二十条第（六）项", _T2_2019_ITEMS,
        ("administrative_penalty", "行政处罚", ()),
        ("administrative_coercion", "行政强制", ()),
    ),
    _block("第二十条第（八）项", _T2_2019_FEES, ("administrative_fees", "行政事业性收费", ())),
    _block("第二十条第（九）项", _T2_2019_PROCUREMENT, ("centralized_procurement", "政府集中采购", ())),
)

T2_2021_BLOCKS = (
    _block(
        "第二十条第（一）项", _T2_2021_DOCS,
        ("regulations", "规章", ()),
        ("normative_documents", "行政规范性文件", ("规范性文件",)),
    ),
    _block("第二十条第（五）项", _T2_2021_DECISIONS, ("administrative_licensing", "行政许可", ())),
    _block(
        "第二十条第（六）项", _T2_2021_DECISIONS,
        ("administrative_penalty", "行政处罚", ()),
        ("administrative_coercion", "行政强制", ()),
    ),
    _block("第二十条第（八）项", _T2_2021_FEES, ("administrative_fees", "行政事业性收费", ())),
)


def _t2(blocks: tuple[Block, ...]) -> Table:
    return Table(
        "t2", "二", "主动公开政府信息情况", columns=(),
        rows=tuple(row for block in blocks for row in block.rows), blocks=blocks,
        headers=(("item", "信息内容"),),
    )


# --------------------------------------------------------------------------- table 三

_ORGANISATIONS = "法人或其他组织"
T3_COLUMNS = (
    Column("natural_person", "自然人"),
    Column("commercial_enterprise", "商业企业", group=_ORGANISATIONS),
    Column("research_institution", "科研机构", group=_ORGANISATIONS),
    Column("social_welfare_org", "社会公益组织", group=_ORGANISATIONS),
    Column("legal_service_org", "法律服务机构", group=_ORGANISATIONS),
    Column("other_org", "其他", group=_ORGANISATIONS),
    Column("total", "总计"),
)
T3_APPLICANT_COLUMNS = tuple(c.key for c in T3_COLUMNS if c.key != "total")

_WITHHELD = "（三）不予公开"
_UNAVAILABLE = "（四）无法提供"
_DECLINED = "（五）不予处理"
_OTHER = "（六）其他处理"

_T3_HEAD = (
    Row("new_received", "本年新收政府信息公开申请数量", "一、"),
    Row("carried_over", "上年结转政府信息公开申请数量", "二、"),
)
_T3_OUTCOMES_COMMON = (
    Row("granted", "予以公开", "（一）", group="（一）予以公开"),
    Row("partially_granted", "部分公开", "（二）", tail="（区分处理的，只计这一情形，不计其他情形）", group="（二）部分公开"),
    Row("withheld_state_secret", "属于国家秘密", "1.", group=_WITHHELD),
    Row("withheld_prohibited_by_law", "其他法律行政法规禁止公开", "2.", variants=("其他法律行政止公开", "其他法律法规禁止公开"), group=_WITHHELD),
    Row("withheld_three_safeties_one_stability", "危及“三安全一稳定”", "3.", variants=("危及三安全一稳定", '危及"三安全一稳定"'), group=_WITHHELD),
    Row("withheld_third_party_rights", "保护第三方合法权益", "4.", group=_WITHHELD),
    Row("withheld_internal_affairs", "属于三类内部事务信息", "5.", group=_WITHHELD),
    Row("withheld_process_information", "属于四类过程性信息", "6.", group=_WITHHELD),
    Row("withheld_enforcement_case_file", "属于行政执法案卷", "7.", group=_WITHHELD),
    Row("withheld_administrative_query", "属于行政查询事项", "8.", group=_WITHHELD),
    Row("unavailable_not_held", "本机关不掌握相关政府信息", "1.", group=_UNAVAILABLE),
    Row("unavailable_needs_creation", "没有现成信息需要另行制作", "2.", group=_UNAVAILABLE),
    Row("unavailable_unclear_request", "补正后申请内容仍不明确", "3.", group=_UNAVAILABLE),
    Row("declined_petition_complaint", "信访举报投诉类申请", "1.", group=_DECLINED),
    Row("declined_repeated_request", "重复申请", "2.", group=_DECLINED),
    Row("declined_publication_request", "要求提供公开出版物", "3.", group=_DECLINED),
    Row("declined_excessive_requests", "无正当理由大量反复申请", "4.", group=_DECLINED),
    Row("declined_confirmation_request", "要求行政机关确认或重新出具已获取信息", "5.", group=_DECLINED),
)
T3_OTHER_HANDLING_2019 = Row("other_handling", "其他处理", "（六）", group=_OTHER)
T3_OTHER_HANDLING_2021 = (
    Row(
        "other_overdue_correction", "申请人无正当理由逾期不补正", "1.",
        tail="、行政机关不再处理其政府信息公开申请", group=_OTHER,
    ),
    Row(
        "other_unpaid_fee", "申请人逾期未按收费通知要求缴纳费用", "2.",
        tail="、行政机关不再处理其政府信息公开申请", group=_OTHER,
    ),
    Row("other_other", "其他", "3.", group=_OTHER),
)
_T3_TAIL = (
    Row("total_handled", "总计", "（七）"),
    Row("carried_forward", "结转下年度继续办理", "四、"),
)


_T3_HEADERS = (
    ("identity_note", "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"),
    ("applicants", "申请人情况"),
    ("outcomes", "三、本年度办理结果"),
)


def _t3(other_rows: tuple[Row, ...]) -> Table:
    return Table(
        "t3", "三", "收到和处理政府信息公开申请情况", T3_COLUMNS,
        _T3_HEAD + _T3_OUTCOMES_COMMON + other_rows + _T3_TAIL, headers=_T3_HEADERS,
    )


# --------------------------------------------------------------------------- table 四

T4_COLUMNS = (
    Column("upheld", "结果维持"),
    Column("corrected", "结果纠正"),
    Column("other", "其他结果"),
    Column("pending", "尚未审结"),
    Column("total", "总计"),
)
T4 = Table(
    "t4", "四", "政府信息公开行政复议、行政诉讼情况", T4_COLUMNS,
    (
        Row("review", "行政复议"),
        Row("litigation_direct", "未经复议直接起诉", group="行政诉讼"),
        Row("litigation_after_review", "复议后起诉", group="行政诉讼"),
    ),
)

# --------------------------------------------------------------------------- editions

EDITIONS: dict[str, Edition] = {
    EDITION_2019: Edition(
        EDITION_2019, "国办公开办函〔2019〕60号", "中华人民共和国政府信息公开工作年度报告格式（试行）",
        SECTIONS, (_t2(T2_2019_BLOCKS), _t3((T3_OTHER_HANDLING_2019,)), T4),
        signatures=("本年新制作数量", "本年新公开数量", "对外公开总数量", "第二十条第（九）项", "上一年项目数量", "采购项目数量"),
    ),
    EDITION_2021: Edition(
        EDITION_2021, "国办公开办函〔2021〕30号", "中华人民共和国政府信息公开工作年度报告格式",
        SECTIONS, (_t2(T2_2021_BLOCKS), _t3(T3_OTHER_HANDLING_2021), T4),
        signatures=("本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", "本年收费金额", "逾期不补正", "逾期未按收费通知"),
    ),
}
TABLE_KEYS = ("t2", "t3", "t4")
# What every edition's table-二 captions open with (第二十条第), whichever block they name: a
# block's caption however numbered.
T2_CAPTION_OPENING = os.path.commonprefix(
    [block.caption for edition in EDITIONS.values() for block in edition.table("t2").blocks]).rstrip("（(")
# The caption of each edition's first table-二 block (第二十条第（一）项): where table 二 is printed as
# one table, Word's 重复标题行 prints this one again atop a page.
T2_FIRST_CAPTIONS = frozenset(edition.table("t2").blocks[0].caption for edition in EDITIONS.values())


def get(edition: str) -> Edition:
    return EDITIONS[edition]


# --------------------------------------------------------------------------- rules (DOMAIN.md §6)

def t3_outcome_rows(table: Table, single_other_handling: bool = False) -> tuple[Row, ...]:
    rows = tuple(row for row in table.rows if row.group is not None)
    if single_other_handling:
        rows = tuple(row for row in rows if row.group != _OTHER) + (T3_OTHER_HANDLING_2019,)
    return rows


def _relations(edition: Edition, single_other_handling: bool) -> Iterator[Relation]:
    t3 = edition.table("t3")
    outcomes = t3_outcome_rows(t3, single_other_handling)
    for column in T3_COLUMNS:
        c = column.key
        yield Relation(
            "T3.IDENTITY", f"{column.label}列",
            (f"t3.new_received.{c}", f"t3.carried_over.{c}"),
            (f"t3.total_handled.{c}", f"t3.carried_forward.{c}"),
        )
        yield Relation(
            "T3.OUTCOME_TOTAL", f"{column.label}列",
            tuple(f"t3.{row.key}.{c}" for row in outcomes),
            (f"t3.total_handled.{c}",),
        )
    extra_rows = tuple(row for row in outcomes if row not in t3.rows)
    for row in t3.rows + extra_rows:
        yield Relation(
            "T3.ROW_TOTAL", f"{row.number}{row.label}行",
            tuple(f"t3.{row.key}.{c}" for c in T3_APPLICANT_COLUMNS),
            (f"t3.{row.key}.total",),
        )
    for row in T4.rows:
        yield Relation(
            "T4.TOTAL", f"{row.label}",
            tuple(f"t4.{row.key}.{c}" for c in ("upheld", "corrected", "other", "pending")),
            (f"t4.{row.key}.total",),
        )


# --------------------------------------------------------------------------- series across editions

@dataclass(frozen=True)
class Series:
    """An indicator comparable across the two editions: the cells that give it in each (summed)."""

    key: str
    label: str  # Chinese
    paths: dict[str, tuple[str, ...]]  # edition → cell paths
    note: str = ""


# Indicators a 2019-edition and a 2021-edition report both give, with their keys in each; table 三's
# rows other than （六）其他处理 and all of table 四 have the same keys and meaning in both and need no
# entry.  Used by `nianbao stats` (docs/storage.md); NOT_COMPARABLE says what has no counterpart.
COMPARABLE: tuple[Series, ...] = (
    Series("regulations_issued", "规章·本年制发",
           {EDITION_2019: ("t2.regulations.new_made",), EDITION_2021: ("t2.regulations.issued",)},
           "2019 本年新制作数量 = 2021 本年制发件数"),
    Series("normative_documents_issued", "规范性文件·本年制发",
           {EDITION_2019: ("t2.normative_documents.new_made",), EDITION_2021: ("t2.normative_documents.issued",)},
           "2019 本年新制作数量 = 2021 本年制发件数"),
    Series("licensing_decisions", "行政许可·处理决定",
           {e: ("t2.administrative_licensing.decisions",) for e in (EDITION_2019, EDITION_2021)},
           "2019 处理决定数量 = 2021 本年处理决定数量"),
    Series("penalty_decisions", "行政处罚·处理决定",
           {e: ("t2.administrative_penalty.decisions",) for e in (EDITION_2019, EDITION_2021)}),
    Series("coercion_decisions", "行政强制·处理决定",
           {e: ("t2.administrative_coercion.decisions",) for e in (EDITION_2019, EDITION_2021)}),
    Series("other_handling", "其他处理·总计",
           {EDITION_2019: ("t3.other_handling.total",),
            EDITION_2021: ("t3.other_overdue_correction.total", "t3.other_unpaid_fee.total", "t3.other_other.total")},
           "2021 splits （六）其他处理 into three rows; their sum is the 2019 row"),
)
NOT_COMPARABLE: dict[str, str] = {
    "t2.*.total_published": "2019 对外公开总数量 counts documents made public, 2021 现行有效件数 (in_force) those in force",
    "t2.*.new_published": "2019 本年新公开数量: no 2021 counterpart",
    "t2.*.repealed": "2021 本年废止件数: no 2019 counterpart",
    "t2.*.previous_year / change": "2019 项目数量 of licensing, penalty, coercion, fees: 2021 counts decisions only",
    "t2.other_administrative_services": "2019 only (其他对外管理服务事项)",
    "t2.administrative_fees": "2019 项目数量, 2021 收费金额 (万元): different quantities",
    "t2.centralized_procurement": "2019 only (政府集中采购)",
}
