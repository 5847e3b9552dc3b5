"""Definitions the checks need beyond the edition tables, as data.

Rule codes with their severity and meaning (the catalogue docs/checks.md mirrors),
statutory deadlines, the words that tell an agency's level, the narrative claims
the checks compare with the tables, and the stock phrases of a boilerplate
section 五.  Rows and columns are still named only through editions.py: where a
claim needs a cell, it names the canonical row key, and column roles are found
through their official labels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

ERROR, WARNING, INFO = "error", "warning", "info"
# What users read for each severity (CLI, spreadsheets, web).
SEVERITY_NAMES = {ERROR: "错误", WARNING: "警告", INFO: "提示"}


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str
    title: str  # Chinese
    title_en: str
    origin: str  # where the rule comes from


RULES: tuple[Rule, ...] = (
    # -- arithmetic the format defines (codes are those of editions.Relation)
    Rule("T3.IDENTITY", ERROR, "表三每列：一＋二＝（七）总计＋四", "table 三 per column: new + carried over = handled + carried forward", "DOMAIN §6; printed in the official table header"),
    Rule("T3.OUTCOME_TOTAL", ERROR, "表三每列：（七）总计＝各办理结果之和", "table 三 per column: total handled = sum of outcome rows", "DOMAIN §6; format definition"),
    Rule("T3.ROW_TOTAL", ERROR, "表三每行：总计＝六类申请人之和", "table 三 per row: total = sum of the six applicant columns", "DOMAIN §6; format definition"),
    Rule("T4.TOTAL", ERROR, "表四每组：维持＋纠正＋其他＋尚未审结＝总计", "table 四 per group: upheld + corrected + other + pending = total", "DOMAIN §6; format definition"),
    Rule("ARITH.UNVERIFIABLE", WARNING, "勾稽关系含空白单元格，无法核对", "a relation involves blank cells and cannot be verified", "blanks are not zeros"),
    # -- cells
    Rule("CELL.NOT_INTEGER", ERROR, "件数不是整数", "a count is not an integer", "DOMAIN §6"),
    Rule("CELL.NEGATIVE", ERROR, "件数为负数", "a count is negative", "DOMAIN §6 (only 本年增/减 is signed)"),
    Rule("CELL.BLANK", WARNING, "单元格空白、“/”或“无”", "blank, '/' or '无' cells", "DOMAIN §5–6"),
    Rule("CELL.UNCERTAIN", INFO, "解析推测的数值", "values the parser had to guess", "parser provenance (Cell.uncertain)"),
    # -- structure
    Rule("EDITION.OUTDATED", ERROR, "2021 年及以后的报告仍使用 2019 版格式", "a report on 2021 or later in the 2019 edition", "DOMAIN §2; 国办公开办函〔2021〕30号"),
    Rule("EDITION.UNKNOWN", ERROR, "未按任一版国家格式填报统计表", "tables follow neither national edition", "DOMAIN §2"),
    Rule("TABLE.MISSING", ERROR, "统计表缺失", "a table is missing", "DOMAIN §6; 条例 art. 50"),
    Rule("TABLE.UNREADABLE", ERROR, "统计表不可机读（图片或扫描件）", "a table is not machine-readable (image or scan)", "DOMAIN §7"),
    Rule("TABLE.PARTIAL", WARNING, "统计表部分单元格无法读取", "some cells of a table could not be read", "parser table status"),
    Rule("EDITION.PRE_2019", INFO, "2019 年以前的旧格式，不适用现行格式的检查", "a report in the pre-2019 format: the current format's checks do not apply", "国办公开办函〔2019〕60号 (the format from the 2019 reports on)"),
    Rule("LAYOUT.ROW_NOT_PRINTED", WARNING, "未按格式列出统计表的行", "a row of the edition's table is not printed", "国办公开办函〔2019〕60号 / 〔2021〕30号 (table format)"),
    Rule("LAYOUT.OLD_LABEL", WARNING, "统计表仍使用 2019 版行名", "a 2021 table printed with a 2019 row label", "国办公开办函〔2021〕30号"),
    Rule("LAYOUT.SINGLE_OTHER_HANDLING", WARNING, "未按 2021 版格式细分其他处理", "（六）其他处理 printed as one row in a 2021 report", "国办公开办函〔2021〕30号"),
    Rule("SECTION.HEADING_NONSTANDARD", WARNING, "章节标题或编号不符合国家格式", "section headings worded or numbered unlike the format", "国办公开办函〔2019〕60号 / 〔2021〕30号 (report outline)"),
    Rule("SECTION.GOV_ASSESSMENT_MISSING", WARNING, "政府年报未报告工作考核、社会评议和责任追究结果", "a government's report omits assessment, public appraisal and accountability results", "条例 art. 50"),
    Rule("PERIOD.MISSING", WARNING, "未写明统计期限", "the statistics period is not stated", "format template opening (inferred)"),
    Rule("PERIOD.WRONG", ERROR, "统计期限不是报告年度的全年", "the statistics period is not the whole year reported on", "条例 art. 49 (the annual report covers the previous calendar year)"),
    Rule("TEXT.STALE_YEAR", WARNING, "开头出现上一年度，疑沿用上年文字", "the opening names the previous year: text reused from last year", "inferred"),
    Rule("SECTION.MISSING", ERROR, "缺少必备章节", "a required section is missing", "DOMAIN §3; 条例 art. 50"),
    Rule("SECTION.OTHER_MISSING", WARNING, "缺少第六部分“其他需要报告的事项”", "section 六 (other matters) is missing", "DOMAIN §3; see docs/checks.md"),
    Rule("SECTION.PROBLEMS_EMPTY", WARNING, "第五部分（存在的主要问题及改进情况）为空", "section 五 is empty", "DOMAIN §6"),
    Rule("SECTION.PROBLEMS_BOILERPLATE", WARNING, "第五部分为套话，未写明具体问题", "section 五 is boilerplate", "DOMAIN §6"),
    # -- across years
    Rule("CROSS.CARRY_OVER", WARNING, "上年结转与上一年报告的结转下年度不一致", "carried over differs from last year's carried forward", "DOMAIN §6 (inferred)"),
    Rule("CROSS.IN_FORCE", WARNING, "现行有效件数与上一年不衔接", "件数 in force does not follow from last year", "DOMAIN §6 (inferred; amendments make it imperfect)"),
    Rule("CROSS.ITEM_COUNT", WARNING, "上一年项目数量与上年报告不衔接", "last year's item count does not follow from last year's report", "2019 edition: 上一年项目数量 (N) = 上一年项目数量 + 本年增/减 (N−1) (inferred)"),
    Rule("COPY.PREVIOUS_YEAR", WARNING, "报告正文与上一年报告高度雷同", "text largely copied from the previous year's report", "DOMAIN §6"),
    # -- narrative
    Rule("NARRATIVE.MISMATCH", WARNING, "正文数字与统计表不一致", "a number in the text contradicts the tables", "DOMAIN §6 (scope-aware)"),
    # -- content of sections 五 and 六
    Rule("FEE.NOT_STATED", WARNING, "未说明是否收取信息处理费", "the report does not say whether disclosure fees were charged", "国办函〔2020〕109号; 国办公开办函〔2021〕30号 (section 六)"),
    Rule("FEE.CONTRADICTS_TABLE", WARNING, "正文称未收费，但表三有逾期未缴费的申请", "the text says no fee arose, table 三 has requests closed for unpaid fees", "国办函〔2020〕109号 (inferred: a fee notice was sent)"),
    Rule("PROBLEMS.NOT_CONCRETE", WARNING, "第五部分只有套话，未写明具体问题", "section 五 names no concrete problem, only stock phrases", "条例 art. 50; inferred (assessments score it)"),
    Rule("PROBLEMS.NO_MEASURES", WARNING, "第五部分未写明具体改进措施", "section 五 names no concrete measure", "条例 art. 50; inferred (assessments score it)"),
    Rule("PROBLEMS.NO_FOLLOW_UP", INFO, "第五部分未说明上年度问题的整改情况", "section 五 does not say how last year's problems were dealt with", "format heading 存在的主要问题及改进情况 (inferred)"),
    Rule("PROBLEMS.COPIED", WARNING, "第五部分与上一年报告雷同", "section 五 copied from the previous year's report", "inferred (assessments score it); same measure as COPY.PREVIOUS_YEAR"),
    # -- plausibility
    Rule("PLAUS.FEE_UNIT", WARNING, "收费金额单位可疑（应为万元）", "fee amount unit is suspect (should be 万元)", "DOMAIN §6; 2021 format label"),
    Rule("PLAUS.REGULATIONS", WARNING, "无规章制定权的机关填报了规章", "规章 reported by a body without rule-making power", "DOMAIN §6; 立法法 art. 93"),
    Rule("DEADLINE.LATE", WARNING, "发布晚于法定期限", "published after the statutory deadline", "DOMAIN §1; 条例 art. 49"),
    Rule("DEADLINE.DATE_UNKNOWN", INFO, "发布日期不详，未核对发布期限", "publication date unknown: the deadline was not checked", "条例 art. 49"),
)
RULES_BY_CODE = {rule.code: rule for rule in RULES}


def severity(code: str) -> str:
    return RULES_BY_CODE[code].severity


# --------------------------------------------------------------------------- agency levels
# Inferred from the name (DOMAIN §1, §6): the checks need only these coarse levels.
LEVEL_TOWNSHIP = "township"  # 乡镇、街道: local deadlines, no rule-making power
LEVEL_COUNTY_GOVERNMENT = "county_government"
LEVEL_COUNTY_DEPARTMENT = "county_department"
LEVEL_GOVERNMENT = "government"  # a local government (or 管委会) at or above county level
LEVEL_DEPARTMENT = "department"  # a department of a government at or above county level
LEVEL_AREA = "area"  # a 片区 of a special zone (平潭海坛片区, 自贸试验区福州片区): local deadlines
LEVEL_UNKNOWN = None
LEVELS = (LEVEL_TOWNSHIP, LEVEL_AREA, LEVEL_COUNTY_GOVERNMENT, LEVEL_COUNTY_DEPARTMENT, LEVEL_GOVERNMENT, LEVEL_DEPARTMENT)

# A township's own office keeps its level: 某某镇人民政府党政办公室 is not a county department.
TOWNSHIP_NAME = re.compile(r"(街道|镇|乡|苏木)(人民政府|政府|办事处|办)?$|街道办事处|街道工作委员会|(?:镇|乡|苏木)(?:人民)?政府")
AREA_NAME = re.compile(r"片区")
# Special zones whose level the name does not tell (平潭综合实验区 is prefecture-level).
ZONE_NAME = re.compile(r"实验区|新区|开发区|高新区|示范区|自贸区|片区")
# A county-level unit inside a name: 洪泽区, 张店区, 沭阳县, 某某旗, 县级市 cannot be told from 设区的市.
COUNTY_UNIT = re.compile(r"[\u4e00-\u9fff]{1,6}?(?:县|区|旗)(?![\u4e00-\u9fff]*?(?:实验区|新区|开发区|高新区|示范区|片区))")
GOVERNMENT_NAME = re.compile(
    r"(人民政府|管理委员会|管委会)$|^[\u4e00-\u9fff]{2,12}(?:省|市|县|区|旗|自治州|自治区|实验区|新区)$"
)

# 条例 art. 49: (month, day) of the year after the one reported on.
DEADLINES = {
    LEVEL_DEPARTMENT: (1, 31),
    LEVEL_COUNTY_DEPARTMENT: (1, 31),
    LEVEL_GOVERNMENT: (3, 31),
    LEVEL_COUNTY_GOVERNMENT: (3, 31),
    # Townships, street offices and 片区 follow local deadlines: not checked unless a
    # rules file (nianbao check --rules) gives theirs.
}
# Reports on 2018 and before fall under the 2008 条例 (art. 31): every body by 31 March.
OLD_DEADLINE = (3, 31)
LAST_YEAR_UNDER_OLD_REGULATION = 2018
# Only these levels may make 规章 (立法法 art. 93): the checks warn for the levels below.
NO_RULE_MAKING_LEVELS = (LEVEL_TOWNSHIP, LEVEL_AREA, LEVEL_COUNTY_GOVERNMENT, LEVEL_COUNTY_DEPARTMENT)

# --------------------------------------------------------------------------- table 二 roles
# Official labels of the 2021 document columns, to find their keys in editions.py.
LABEL_IN_FORCE = "现行有效件数"
LABEL_ISSUED = "本年制发件数"
LABEL_REPEALED = "本年废止件数"
# The 2019 edition's item-count columns: this year's count is last year's plus the change,
# and is the next report's 上一年项目数量.
LABEL_PREVIOUS_COUNT = "上一年项目数量"
LABEL_CHANGE = "本年增/减"
# The 2021 fee column says its unit in its label.
FEE_UNIT_WAN = "万元"
# An integral 收费金额 at or above this many 万元 (1 billion 元) is most likely in 元.
FEE_HUGE_WAN = 100_000

# --------------------------------------------------------------------------- narrative claims

# The number of a claim: digits (as the parser's hints read them) or, in the text the
# narrative rule reads, also Chinese numerals (两件, 十二件, 一百零五件; read by cn2an).
NUMBER_DIGITS = r"\s*(\d[\d,]*)\s*"
# A number starts where its run of digits (or numerals) starts and takes the whole run
# (possessive): one try per run, so a long run of digits costs linear time, not quadratic.
NUMBER_SPOKEN = r"\s*(?<![\d,零〇一二两三四五六七八九十百千])(\d[\d,]*+|[零〇一二两三四五六七八九十百千]++)\s*"
N = "{N}"  # where a claim's form has its number
# No count of a report runs past this many characters (a longer run is fused table text).
LONGEST_COUNT = 12


def stated_count(text: str) -> int | None:
    """The number a claim states: digits (with thousands separators) or Chinese numerals
    (两, 十二, 一百零五); None for a run that is no count (十百, or fused table digits)."""
    if len(text) > LONGEST_COUNT:
        return None
    if text[0].isdigit():
        return int(text.replace(",", ""))
    import cn2an  # a third of a second to import: only for reports that spell a count out

    try:
        return int(cn2an.cn2an(text, "smart"))
    except ValueError:
        return None


@dataclass(frozen=True)
class Claim:
    """A count stated in the text and the table cells it should equal.

    `forms` are regular expressions with `{N}` where the number stands; a form
    without `{N}` states zero ("未收到政府信息公开申请").  The first form, with digits
    only, is `pattern`: the parser takes hints from it (tables.stated_numbers).
    `alternatives` lists sums of canonical cell paths; the claim agrees when it
    equals any of them (收到申请 often includes the carried-over requests).
    `additive`: several statements of the claim in one sentence add up (予以公开
    is often split into 已主动公开 + 同意公开).  `context`: a word the sentence
    must contain besides (办结 N 件 counts requests only in a sentence on 申请).
    """

    key: str
    name: str  # Chinese
    name_en: str
    forms: tuple[str, ...]
    alternatives: tuple[tuple[str, ...], ...]
    additive: bool = False
    context: str = ""

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        return re.compile(self.forms[0].replace(N, NUMBER_DIGITS))

    @cached_property
    def patterns(self) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(form.replace(N, NUMBER_SPOKEN)) for form in self.forms)


def _t3_rows(*rows: str, column: str = "total") -> tuple[str, ...]:
    return tuple(f"t3.{row}.{column}" for row in rows)


# Before the number, words that are not the number's noun: no clause break, no digit, and
# none of the words of other counts ("收到行政复议申请2件", "办理上年结转申请2件",
# "受理政务服务事项申请12000件" are no count of new disclosure requests).
_NOT_IN_GAP = r"复议|诉讼|结转|上年|事项|服务|许可|审批|办件|业务|投诉|举报|信访|咨询"
_GAP = rf"(?:(?!{_NOT_IN_GAP})[^，。；,;：:\d、])"
_APPLICATION = r"(?:政府信息公开|信息公开|依申请公开)?(?:信息)?申请"
_COUNT_UNIT = r"(?:件|份|个|宗|起|项)"
_NONE = r"(?:未(?!经)|没有|无|暂未|未发生|未出现|未有)"  # not 未经复议直接起诉
# Between a negation and what it denies: not across an outcome ("未发生行政诉讼败诉" says
# nothing of how many suits there were).
_ZERO_GAP = r"(?:(?!败诉|纠错|纠正|撤销|经复议)[^，。；,;\d])"
_NOT_AN_OUTCOME = r"(?![^，。；,;]{0,6}(?:败诉|纠错|纠正|撤销))"

CLAIMS = (
    Claim(
        "received", "收到申请数", "requests received",
        (
            r"(?:新收|收到|受理|接收|共收到|共受理)(?:(?!" + _NOT_IN_GAP + r")[^，。；,;：:\d]){0,8}?(?:政府信息公开|信息公开|依申请公开)?申请" + N + r"(?:件|份|个|宗)",
            r"(?:新收|收到|受理|接收)" + _GAP + r"{0,4}?" + N + _COUNT_UNIT + r"(?:政府信息公开|信息公开|依申请公开)?申请",
            r"(?:新收|收到|受理|接收)" + _GAP + r"{0,4}?依申请公开(?:信息)?" + N + _COUNT_UNIT,
            r"(?:新收|收到|受理|接收)的?申请(?:数量|数)[:：]?" + N + _COUNT_UNIT,
            _NONE + r"依申请公开的?(?:信息|申请)(?![^，。；,;]{0,8}费)",  # not 无依申请公开收费
            # not "未收到因申请引发的行政复议": that zero is table 四's
            _NONE + r"(?:收到|接到|受理)" + _GAP + r"{0,10}?" + _APPLICATION + r"(?![人引提而]|" + _GAP + r"{0,8}?(?:复议|诉讼))",
        ),
        (("t3.new_received.total",), ("t3.new_received.total", "t3.carried_over.total")),
    ),
    Claim(
        "carried_over", "上年结转申请数", "requests carried over",
        (r"上年(?:度)?结转[^，。；,;\d]{0,12}?" + N + r"(?:件|份|个)",),
        (("t3.carried_over.total",),),
    ),
    Claim(
        "carried_forward", "结转下年度申请数", "requests carried forward",
        (
            r"(?:结转|转)(?:至|到)?下一?年度?[^，。；,;\d]{0,10}?" + N + r"(?:件|份|个)",
            N + r"件" + _GAP + r"{0,16}?(?:结转|顺延|转)(?:至|到)?下一?年度",
        ),
        (("t3.carried_forward.total",),),
    ),
    Claim(
        "review", "行政复议数", "administrative reviews",
        (
            r"行政复议(?:案件)?" + N + r"(?:件|起|宗|个)",
            r"行政复议(?:案件)?(?:数|数量)?(?:为|是|共|有)" + N + r"(?:件|起|宗|个)",
            N + r"(?:件|起|宗)" + _GAP + r"{0,16}?行政复\s*议",
            _NONE + _ZERO_GAP + r"{0,24}?(?:申请|提起|引发|发生|的)?行政复议(?!决定)" + _NOT_AN_OUTCOME,
        ),
        (("t4.review.total",),),
    ),
    Claim(
        "litigation", "行政诉讼数", "lawsuits",
        (
            r"(?:行政)?诉讼(?:案件)?" + N + r"(?:件|起|宗|个)",
            r"行政诉讼(?:案件)?(?:数|数量)?(?:为|是|共|有)" + N + r"(?:件|起|宗|个)",
            N + r"(?:件|起|宗)" + _GAP + r"{0,16}?行政诉\s*讼",
            _NONE + _ZERO_GAP + r"{0,30}?行政诉讼" + _NOT_AN_OUTCOME,
        ),
        # Some reports count only the direct suits (未经复议直接起诉) as 行政诉讼.
        (
            ("t4.litigation_direct.total", "t4.litigation_after_review.total"),
            ("t4.litigation_direct.total",),
        ),
    ),
)

# Claims the narrative rule compares besides CLAIMS (the parser takes no hints from these).
_WITHHELD_ROWS = (
    "withheld_state_secret", "withheld_prohibited_by_law", "withheld_three_safeties_one_stability",
    "withheld_third_party_rights", "withheld_internal_affairs", "withheld_process_information",
    "withheld_enforcement_case_file", "withheld_administrative_query",
)
_UNAVAILABLE_ROWS = ("unavailable_not_held", "unavailable_needs_creation", "unavailable_unclear_request")
_DECLINED_ROWS = (
    "declined_petition_complaint", "declined_repeated_request", "declined_publication_request",
    "declined_excessive_requests", "declined_confirmation_request",
)
# （六）其他处理: one row in the 2019 edition, three in 2021; the other is blank by design.
_OTHER_ROWS_2019 = ("other_handling",)
_OTHER_ROWS_2021 = ("other_overdue_correction", "other_unpaid_fee", "other_other")
_ANSWERED = r"(?:答复|办理|处理)?(?:的|数)?"
_T4_GROUPS = ("review", "litigation_direct", "litigation_after_review")
_CORRECTED = tuple(f"t4.{group}.corrected" for group in _T4_GROUPS)
_UPHELD = tuple(f"t4.{group}.upheld" for group in _T4_GROUPS)
_PENDING = tuple(f"t4.{group}.pending" for group in _T4_GROUPS)
_ORG_COLUMNS = ("commercial_enterprise", "research_institution", "social_welfare_org", "legal_service_org", "other_org")

OUTCOME_CLAIMS = (
    Claim(
        "granted", "予以公开数", "granted",
        (
            r"(?<!部分)(?<!及)(?:予以公开|同意公开)" + _ANSWERED + N + r"件",
            r"已主动公开" + _ANSWERED + N + r"件",
        ),
        (_t3_rows("granted"),), additive=True,
    ),
    Claim(
        "granted_or_partially", "予以公开及部分公开数", "granted in full or in part",
        (r"(?:予以公开|同意公开)(?:及|和|与|、)部分公开" + _ANSWERED + N + r"件",),
        (_t3_rows("granted", "partially_granted"),),
    ),
    Claim(
        "partially_granted", "部分公开数", "granted in part",
        (r"(?<![及和与、])部分公开" + _ANSWERED + N + r"件",),
        (_t3_rows("partially_granted"),),
    ),
    Claim("withheld", "不予公开数", "withheld", (r"不予公开" + _ANSWERED + N + r"件",), (_t3_rows(*_WITHHELD_ROWS),)),
    Claim(
        "unavailable", "无法提供数", "unavailable",
        (r"无法提供" + _ANSWERED + N + r"件",), (_t3_rows(*_UNAVAILABLE_ROWS),),
    ),
    Claim("declined", "不予处理数", "declined", (r"不予处理" + _ANSWERED + N + r"件",), (_t3_rows(*_DECLINED_ROWS),)),
    Claim(
        "other_handling", "其他处理数", "otherwise handled",
        (r"其他处理" + _ANSWERED + N + r"件",),
        (_t3_rows(*_OTHER_ROWS_2021), _t3_rows(*_OTHER_ROWS_2019)),
    ),
    Claim(
        "handled", "办结申请数（（七）总计）", "requests handled (total)",
        (
            r"(?:办结|答复|办理完毕|办理)" + _GAP + r"{0,10}?" + _APPLICATION + N + r"件",
            r"(?:办结|已答复)(?:件数)?[:：]?" + N + r"件",
        ),
        (_t3_rows("total_handled"),), context="申请",
    ),
    Claim(
        "natural_person", "自然人申请数", "requests from natural persons",
        (r"自然人(?:提出的?)?(?:申请)?" + N + r"(?:件|份)",),
        (_t3_rows("new_received", column="natural_person"),
         _t3_rows("new_received", "carried_over", column="natural_person"),
         _t3_rows("total_handled", column="natural_person")),
        context="申请",
    ),
    Claim(
        "organisations", "法人或其他组织申请数", "requests from legal persons and other organisations",
        (r"法人(?:或|和|及)?(?:其他组织)?(?:提出的?)?(?:申请)?" + N + r"(?:件|份)",),
        (tuple(f"t3.new_received.{c}" for c in _ORG_COLUMNS),
         tuple(f"t3.{r}.{c}" for r in ("new_received", "carried_over") for c in _ORG_COLUMNS),
         tuple(f"t3.total_handled.{c}" for c in _ORG_COLUMNS)),
        context="申请",
    ),
    *(
        Claim(
            column, f"{label}申请数", f"requests from {column}",
            (label + r"(?:提出的?)?(?:申请)?" + N + r"(?:件|份)",),
            (_t3_rows("new_received", column=column), _t3_rows("new_received", "carried_over", column=column)),
            context="申请",
        )
        for column, label in (("commercial_enterprise", "商业企业"), ("research_institution", "科研机构"),
                              ("social_welfare_org", "社会公益组织"), ("legal_service_org", "法律服务机构"))
    ),
    Claim(
        "corrected", "复议诉讼被纠错数", "reviews and suits corrected",
        (r"(?:被)?(?:纠错|纠正)" + N + r"(?:件|起)",),
        # one group's (行政复议结果纠正1件，行政诉讼结果纠正0件) or all together
        tuple((cell,) for cell in _CORRECTED) + (_CORRECTED,),
        context="复议|诉讼",
    ),
    Claim(
        "none_corrected", "复议诉讼被纠错数", "reviews and suits corrected",
        (r"(?:均|全部|都)(?:获|被|予以)?维持|未被[^，。；,;：:\d、]{0,10}?纠(?:错|正)",),  # 未被复议机关纠错
        (_CORRECTED,),
        context="复议|诉讼",
    ),
    Claim(
        "upheld", "复议诉讼结果维持数", "reviews and suits upheld",
        (r"(?<!均)(?<!全部)(?:结果)?维持(?:原)?(?:行政行为|决定)?" + N + r"(?:件|起)",),
        tuple((cell,) for cell in _UPHELD) + (_UPHELD,),
        context="复议|诉讼",
    ),
    Claim(
        "pending", "复议诉讼尚未审结数", "reviews and suits pending",
        (r"(?:尚未审结|尚在审理|正在审理|未审结|审理中)" + N + r"(?:件|起)",
         N + r"(?:件|起)" + _GAP + r"{0,8}?(?:尚未审结|尚在审理|正在审理|未审结)"),
        tuple((cell,) for cell in _PENDING) + (_PENDING,),
        context="复议|诉讼",
    ),
)
# Every claim the narrative rule compares with the tables.
NARRATIVE_CLAIMS = CLAIMS + OUTCOME_CLAIMS

# A share stated after an outcome count ("不予公开35件，占4.34%"): the count over the
# requests handled (or received), to within this many percentage points (rounding
# and the choice of denominator differ between reports).
SHARE = re.compile(r"^[，,]?\s*(?:占|比例为|占比)\s*(\d+(?:\.\d+)?)\s*[%％]")
SHARE_TOLERANCE = 0.6
SHARE_DENOMINATORS = (("t3.total_handled.total",), ("t3.new_received.total",),
                      ("t3.new_received.total", "t3.carried_over.total"))

# A proactive-disclosure count in the text: a table-二 row label, optionally 信息,
# then the number.  Category counts of a website ("行政许可类信息6条") are not table
# counts, so a 类 right after the label excludes the match; so does 部门 before it
# (a government quoting its departments' 规范性文件).
PROACTIVE_COUNT = r"(?<!部门)(?:{label})(?!类)(?:信息)?" + NUMBER_SPOKEN + r"(?:件|条|项)"
# A sentence listing a website's categories ("公开类别主要涉及政策规范性文件信息2条、
# 行政许可类信息3条") counts items of its categories, not table 二's.
PROACTIVE_CATEGORIES = re.compile(r"类别|类信息|类\d|栏目")
# Verbs before a table-二 label that count something else than the table (清理规范性文件120件
# are the documents reviewed, not those issued or in force): such a statement is not compared.
PROACTIVE_NOT_COUNTED = re.compile(r"清理|审查|审核|备案|修订|修改|解读|梳理|征求|起草|报送|评估|合法性|宣传|培训|转发")
# The verb before a table-二 label tells its column (by official label, as in
# editions.py): 废止 the repealed, 现行有效 the in-force, 制发 the issued.  The first
# verb found in the clause before the label decides, in this order; without one,
# any count column of the row may agree.
PROACTIVE_VERBS = (
    (re.compile(r"废止|废除|失效"), ("本年废止件数",)),
    (re.compile(r"现行有效|有效的"), ("现行有效件数", "对外公开总数量")),
    (re.compile(r"制发|制定|出台|印发|新制作"), ("本年制发件数", "本年新制作数量", "本年新公开数量")),
)
# Sentences quoting a whole region or several bodies: a government's text may give
# region-wide totals while its tables are its own (or the other way round).
REGION_SCOPE = re.compile(
    r"全(?:省|市|区|县|州|旗|镇|乡)|各级|各部门|各单位|各乡镇|各街道|区直|市直|县直|汇总|全系统|政府系统"
    r"|共计?[\d一二三四五六七八九十]+个(?:部门|单位)|各(?:区|县|市)(?:政府|人民政府)"
)
# Sentences about other counts that share the claims' words: hotline calls, petitions,
# proposals, consultations (办理答复咨询件38件 is not 答复申请).
NOT_REQUESTS = re.compile(r"咨询|热线|12345|诉求|信访|建议|提案|留言|来信")
NEGATION_NEAR = re.compile(r"未|没有|无")

# --------------------------------------------------------------------------- section 五
# Section keys (editions.SECTIONS) whose absence is a warning, not an error: section
# 六 is often left out when there is nothing to add (no 信息处理费 charged).
SECTIONS_OPTIONAL_IN_PRACTICE = ("other",)
# Words that show a section-五 text without its heading (lost in conversion).
PROBLEMS_CONTENT = (re.compile(r"主要问题|存在问题|不足"), re.compile(r"改进|整改|措施"))
PROBLEMS_MIN_CHARS = 20
# A section 五 that names no problem at all is boilerplate.
PROBLEM_WORDS = re.compile(r"问题|不足|差距|短板|薄弱|不够|不到位|有待|欠缺|滞后|不强|不高|不及时|不全面|不规范|偏少|较少|单一")
NO_PROBLEM = re.compile(r"^(?:无|暂无|没有|本年度无|本年度未发现|未发现)")

# --------------------------------------------------------------------------- 信息处理费 (section 六)
# 国办函〔2020〕109号 (政府信息公开信息处理费管理办法) applies from 2021: the report says
# whether fees for disclosure requests were charged, in 六 or wherever it puts it.
FEE_FROM_YEAR = 2021
# A statement about the fee.  Not 行政事业性收费 (table 二) nor the table-三 row label
# 收费通知: the words are 处理费, or 收费 right after 信息公开/依申请.
# Also 收取…费用 ("本年度未向申请人收取任何费用").
FEE_STATEMENT = re.compile(r"处理费|(?:信息公开|依申请)[^。；;，,\n]{0,8}收费|收取[^。；;，,\n]{0,6}费用")
# The statement says no fee arose: 未收取/无收取/没有产生/未发生…处理费, 处理费0元.
FEE_NONE = re.compile(
    r"(?:未|无|没有|不)[^。；;，,]{0,6}?(?:收取|产生|发生|收)[^。；;]{0,16}?(?:处理费|收费|费用)"
    r"|(?:处理费|收费)[^。；;，,]{0,4}?(?:为)?\s*0(?:\.0+)?\s*元|(?:处理费|收费)[^。；;，,]{0,6}(?:为零|零元)"
)
FEE_UNPAID_ROW = "t3.other_unpaid_fee.total"  # （六）2. 申请人逾期未按收费通知要求缴纳费用

# --------------------------------------------------------------------------- substance of section 五
# Problems everyone writes: "仍存在一定差距", "存在一些问题和不足", "针对存在的问题".  A section
# 五 whose problem words (PROBLEM_WORDS) all sit inside these names no concrete problem.
# Calibrated on the corpus: 平湖街道 2020 ("仍然有一定的差距" and nothing else) is the one
# report it fires on; every other 五 names a subject with 有待/不够/单一….
PROBLEMS_STOCK = re.compile(
    r"(?:仍然?|还|也|但|同时){0,3}(?:存在|有)着?(?:一定|一些|某些|不少)?的?(?:差距|不足|问题|薄弱环节|短板)"
    r"(?:[和与及、](?:不足|薄弱环节|问题|差距|短板))?"
    r"|针对[^。；;，,]{0,12}(?:问题|不足)|解决[^。；;，,]{0,12}(?:问题|薄弱环节|不足)"
    r"|对照[^。；;，,]{0,20}?(?:差距|不足)|查找[^。；;，,]{0,6}(?:问题|不足)|存在的?(?:主要)?问题"
)
# A problem part that lists or illustrates ("一是…", "（一）…", "如…", "主要表现在…") names its
# problems even in words PROBLEM_WORDS lacks (政策解读形式单调, 信息更新慢).
PROBLEMS_LISTED = re.compile(r"一是|（一）|\(一\)|^1[、.．]|[。：:；;]1[、.．]|如[^何期实果]|主要表现|具体表现|主要是|例如|比如")
# Where the measures begin (改进措施, 下一步, 2024年我局将…).
MEASURES_START = re.compile(
    r"改进措施|整改措施|改进情况|下一步|下阶段|今后|将采取|将重点|将(?:认真|继续|进一步|切实)|\d{4}\s*年[，,]?[^。，,]{0,8}将"
)
# Words of measures that name nothing in particular ("进一步完善工作机制，提高公开质量，
# 推动政府信息公开工作再上新台阶").  What is left of the measures once these and all
# but Chinese characters are taken out is their specific content.
MEASURES_GENERIC = (
    "在今后的工作中", "政府信息公开", "提供有力保障", "再上新台阶", "服务型政府", "有力保障", "落到实处", "法治政府",
    "透明政府", "人民群众", "政务公开", "信息公开", "进一步", "下一步", "继续", "不断", "持续", "切实", "努力", "全面",
    "认真", "着力", "扎实", "积极", "加强", "提高", "提升", "完善", "优化", "推进", "推动", "加大", "深化", "规范", "强化",
    "健全", "建立", "落实", "做好", "抓好", "确保", "公开", "工作", "质量", "水平", "机制", "平台", "力度", "意识", "认识",
    "建设", "制度", "服务", "群众", "公众", "社会", "需求", "我们", "我局", "我区", "我委", "街道", "今后", "以下", "措施",
    "方面", "重点", "各项", "有关", "相关", "改进", "整改", "加以", "采取", "长效", "要求", "部署", "能力", "内容",
    "组织领导", "工作人员", "业务能力", "责任", "领导", "人员",
    "将", "的", "和", "与", "及", "等", "为", "把", "对", "在", "中", "上", "是", "好", "新",
)
# Fewer specific characters than this and the measures are stock phrases.  Calibrated on
# the corpus: 平潭农业农村局 2024 has 0 ("进一步完善工作机制，提高公开质量…"); the other
# reports have 44 (平潭交建局 2020, the tersest real measures) to 222.  Set low in that gap:
# one terse real measure ("开展一次业务培训") keeps 8, "进一步加强组织领导，强化责任落实，
# 提升工作人员业务能力" keeps 0.
MEASURES_MIN_SPECIFIC = 6
# Section 五 against last year's (the same 8-character shingles as COPY.PREVIOUS_YEAR): a
# shorter 五 is compared too, down to this many characters (a 五 of stock phrases only is
# short and alike every year by nature; PROBLEMS.NOT_CONCRETE reports it).
PROBLEMS_COPY_MIN_CHARS = 100
# How last year's problems were dealt with (the 改进情况 of the heading); compared only when
# last year's report is at hand and named concrete problems.
PROBLEMS_FOLLOW_UP = re.compile(
    r"(?:上年|上一年|去年|上年度|上一年度)[^。；;]{0,40}?(?:问题|不足|差距)[^。；;]{0,40}?(?:整改|改进|解决|改善)"
    r"|(?:已|均已|已经)(?:全部)?(?:整改|改进|解决)|整改(?:到位|完成|落实)"
)

# --------------------------------------------------------------------------- copying
COPY_SHINGLE = 8  # characters
# Share of this year's shingles found in last year's text.  Provincial assessments deduct
# from 50 %; the default stays higher so that only near-copies are flagged (a rules file
# may lower it: thresholds.copy_similarity).
COPY_THRESHOLD = 0.7
COPY_MIN_CHARS = 400

# --------------------------------------------------------------------------- canonical keys the rules name
REGULATIONS_ROW = "t2.regulations"  # 规章
CARRY_OVER_ROW = "t3.carried_over"  # 二、上年结转 (year N) …
CARRY_FORWARD_ROW = "t3.carried_forward"  # … equals 四、结转下年度继续办理 (year N−1)
# The first year whose 上年结转 can be compared: 2019 reports follow a 2018 report in the old format.
CARRY_OVER_FROM_YEAR = 2020

# --------------------------------------------------------------------------- report outline
# What each section says, to find it when its heading is worded or numbered otherwise
# (renamed, numbered 1…7, a fee section inserted): a section-like line is matched to a
# section by these words.
SECTION_CONTENT = {
    "overview": re.compile(r"总体情况|概述|概况|基本情况|工作情况"),
    "proactive": re.compile(r"主动公开"),
    "requests": re.compile(r"依申请|收到和处理|申请情况"),
    "review_litigation": re.compile(r"复议|诉讼"),
    "problems": re.compile(r"问题|不足|改进|整改"),
    "other": re.compile(r"其他|其它"),
}
# A heading line: a section numeral (一、 一. or 1、; not 1., which numbers the items inside a
# section) then a short title, alone on its line.
HEADING_LINE = re.compile(r"(?m)^[ \t]*(?:[一二三四五六七八九十]{1,2}[ \t]*[、.．]|\d{1,2}[ \t]*、)[ \t]*([^\n。；;，,]{2,30})[ \t]*$")
# Row labels of the 2019 tables that the 2021 format renamed: (printed old label, 2021 label).
# A 2021 report printing the old one in its table (label, then the row's numbers, not "13 件"
# in a sentence) has not updated its table.
OLD_ROW_LABELS_2021 = (("规范性文件", "行政规范性文件"),)
# Text before the first heading longer than this holds a section whose heading was not found.
UNHEADED_MIN_CHARS = 200
# A pre-2019 report (the 2008 条例 outline and statistics table): words only it prints.
PRE_2019_WORDS = re.compile(r"依申请公开政府信息和不予公开政府信息|政府信息公开的收费及减免|政府信息公开咨询|收取费用及减免")

# 条例 art. 50: a government's report also gives the results of assessment, public
# appraisal and accountability.  Any of the three words shows the report speaks of them.
GOV_ASSESSMENT_WORDS = re.compile(r"考核|社会评议|评议|责任追究|追究")
# Governments of every level, by name: a 人民政府 (not its 办公室/办公厅, which are departments).
GOVERNMENT_BODY = re.compile(r"人民政府$")

# --------------------------------------------------------------------------- statistics period
# 统计期限自2023年1月1日起至2023年12月31日止 (also 从…到, …—…, 为…至…).
# Only the report's own period words: a 统计时间 of website visits is not the report's period.
PERIOD = re.compile(
    r"(?:统计(?:数据)?(?:期限|时限|周期)|数据统计(?:时间|区间|范围))[^0-9。]{0,12}?"
    r"(?P<y1>(?:19|20)\d{2})\s*年\s*(?P<m1>\d{1,2})\s*月\s*(?P<d1>\d{1,2})\s*日"
    r"[^0-9。]{0,8}?(?:(?P<y2>(?:19|20)\d{2})\s*年\s*)?(?P<m2>\d{1,2})\s*月\s*(?P<d2>\d{1,2})\s*日"
)
PERIOD_WORDS = re.compile(r"统计(?:数据)?(?:期限|时限|时间|区间|周期)")
# An opening shorter than this is a title at most (or a reader lost the introduction, as
# the 莆田 HTML page shows): a period missing from it is not held against the report.
PERIOD_OPENING_MIN_CHARS = 50
# The opening naming the report it introduces (现公布2022年政府信息公开工作年度报告): a previous
# year there is stale text.  Comparisons (较2022年度增长) and titles of notices in 《》 are not.
REPORT_TITLE_YEAR = re.compile(r"((?:19|20)\d{2})\s*年\s*度?\s*(?:政府信息公开|政务公开)(?:工作)?\s*(?:年度)?\s*报告")
