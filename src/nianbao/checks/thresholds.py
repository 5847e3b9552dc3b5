"""The calibrated thresholds of the checks, as one value a rules file may override.

Defaults are those of `rules_data` (where each is calibrated and explained); a locality
changes any of them under `thresholds:` in its rules file (checks/config.py validates
each by its `Spec`).  Families that use a threshold take a `Thresholds` argument.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from .. import rules_data as data

SHARE, COUNT, POINTS = "share", "count", "points"  # kinds of value, for validation and messages


@dataclass(frozen=True)
class Spec:
    kind: str  # SHARE: 0 < x <= 1; COUNT: a whole number >= minimum; POINTS: a number >= 0
    meaning: str  # Chinese, for messages and the example file
    minimum: int = 1


SPECS: dict[str, Spec] = {
    "copy_similarity": Spec(SHARE, "与上年报告正文相似度达此比例即提示雷同（COPY.PREVIOUS_YEAR、PROBLEMS.COPIED）"),
    "copy_min_chars": Spec(COUNT, "正文少于此字数不比较雷同（COPY.PREVIOUS_YEAR）"),
    "problems_copy_min_chars": Spec(COUNT, "第五部分少于此字数不与上年比较（PROBLEMS.COPIED）"),
    "problems_min_chars": Spec(COUNT, "第五部分少于此字数视为空（SECTION.PROBLEMS_EMPTY）"),
    "measures_min_specific": Spec(COUNT, "改进措施去掉套话后少于此字数视为无具体措施（PROBLEMS.NO_MEASURES）", minimum=0),
    "narrative_share_tolerance": Spec(POINTS, "正文百分比与统计表相差超过此百分点即不一致（NARRATIVE.MISMATCH）"),
    "unheaded_min_chars": Spec(COUNT, "首个标题前正文达此字数即视为第一部分（SECTION.MISSING）"),
    "period_opening_min_chars": Spec(COUNT, "开头少于此字数不核对统计期限（PERIOD.MISSING）", minimum=0),
    "fee_huge_wan": Spec(POINTS, "收费金额（万元）为不小于此数的整数即疑为以元填报（PLAUS.FEE_UNIT）"),
}


@dataclass(frozen=True)
class Thresholds:
    copy_similarity: float = data.COPY_THRESHOLD
    copy_min_chars: int = data.COPY_MIN_CHARS
    problems_copy_min_chars: int = data.PROBLEMS_COPY_MIN_CHARS
    problems_min_chars: int = data.PROBLEMS_MIN_CHARS
    measures_min_specific: int = data.MEASURES_MIN_SPECIFIC
    narrative_share_tolerance: float = data.SHARE_TOLERANCE
    unheaded_min_chars: int = data.UNHEADED_MIN_CHARS
    period_opening_min_chars: int = data.PERIOD_OPENING_MIN_CHARS
    fee_huge_wan: float = data.FEE_HUGE_WAN


DEFAULT_THRESHOLDS = Thresholds()


def names() -> list[str]:
    """The keys a rules file may set under `thresholds:`, in declaration order."""
    return [f.name for f in fields(Thresholds)]
