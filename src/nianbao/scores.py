"""Scores: an assessment rubric (YAML) applied to a report's findings, and rankings.

A rubric names dimensions (时效性, 格式规范, 数据准确, 内容完整 in the example
docs/评分细则.yaml), each with a full mark, a deduction per finding rule (rule codes of
rules_data.RULES) and a cap on what the dimension can lose.  Everything here is a pure
function of the rubric, the findings and the reviewers' verdicts:

    load_rubric(path) / default_rubric()       -> Rubric (RubricError names line and key)
    score_report(rubric, findings, verdicts)   -> ReportScore, with every deduction and why
    rank(entries, group, total)                -> competition ranking within each group

Verdicts are those of the review workflow: a dismissed (驳回) finding never deducts, a
confirmed (确认) one deducts in full.  A finding that rests on a value the parser only
guessed (its message asks to 请核对原文, checks/doubt.py) deducts only the rubric's
`doubtful` share until a person confirms it: the parser may be wrong, not the report.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from operator import itemgetter
from typing import Any, Callable, Hashable, Iterable, Mapping, NamedTuple, Protocol, Sequence, TypeVar

import yaml

from .checks.doubt import CHECK_SOURCE
from .errors import NianbaoError
from .rules_data import RULES_BY_CODE

PENDING, CONFIRMED, DISMISSED = "pending", "confirmed", "dismissed"
VERDICT_NAMES = {PENDING: "待核", CONFIRMED: "确认", DISMISSED: "驳回"}
_VERDICT_KEYS = {**{key: key for key in VERDICT_NAMES}, **{name: key for key, name in VERDICT_NAMES.items()}}

DEFAULT_RUBRIC = "rubric.yaml"  # in this package; docs/评分细则.yaml is the same file

Path_ = tuple[str | int, ...]  # where a value sits in the YAML: ("dimensions", 1, "deductions", "T3.IDENTITY")


class RubricError(NianbaoError):
    """A rubric file that cannot be read or says something the scoring cannot use."""


# --------------------------------------------------------------------------- the rubric


DAY, WEEK = "day", "week"
PERIOD_DAYS = {DAY: 1, WEEK: 7}
PERIOD_NAMES = {DAY: "天", WEEK: "周"}
# Rules whose findings say how many days late a report is: only these may deduct per day or week.
GRADED_BY_DAYS = {"DEADLINE.LATE"}


@dataclass(frozen=True)
class RuleDeduction:
    each: float  # points per finding, or per day or week late when `per` is given
    max: float | None = None  # at most this much for the rule in one report
    per: str | None = None  # "day" / "week": graded by how late (a started week counts whole)

    def describe(self) -> str:
        if self.per == WEEK:
            text = f"每逾期一周扣 {points(self.each)} 分（不足一周按一周计）"
        elif self.per == DAY:
            text = f"每逾期一天扣 {points(self.each)} 分"
        else:
            text = f"每处扣 {points(self.each)} 分"
        return text + (f"，该项最多扣 {points(self.max)} 分" if self.max is not None else "")

    def periods(self, days: int) -> int:
        """Days or started weeks in `days` late."""
        return -(-days // PERIOD_DAYS[self.per or DAY])


@dataclass(frozen=True)
class Dimension:
    key: str
    name: str
    full_mark: float
    cap: float  # the most the dimension can lose (≤ full_mark)
    deductions: Mapping[str, RuleDeduction]


@dataclass(frozen=True)
class Rubric:
    name: str
    dimensions: tuple[Dimension, ...]
    doubtful: float = 0.0  # share of a deduction a guessed-value finding costs before it is confirmed
    source: str | None = None

    @property
    def full_mark(self) -> float:
        return sum(d.full_mark for d in self.dimensions)


def default_rubric() -> Rubric:
    text = resources.files("nianbao").joinpath(DEFAULT_RUBRIC).read_text(encoding="utf-8")
    return rubric_from_text(text, "默认评分细则")


def load_rubric(path: Path) -> Rubric:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise RubricError(f"无法读取评分细则 {path}：{exc.strerror or exc}", f"cannot read the rubric: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise RubricError(f"评分细则 {path} 不是 UTF-8 文本", "the rubric is not UTF-8 text") from exc
    return rubric_from_text(text, str(path))


def rubric_from_text(text: str, source: str) -> Rubric:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"第 {mark.line + 1} 行" if mark is not None else ""
        raise RubricError(f"评分细则 {source} {line}不是有效的 YAML", f"the rubric is not valid YAML ({getattr(exc, 'problem', None) or exc})") from exc
    lines: dict[Path_, int] = {}
    if root is not None:
        _index_lines(root, (), lines, source)
    content = yaml.safe_load(text)
    return _Reader(source, lines).rubric(content if content is not None else {})


def _index_lines(node: yaml.Node, path: Path_, lines: dict[Path_, int], source: str) -> None:
    """The line of every key and item, so that a mistake is reported where it was written.
    A key written twice is refused here: YAML would silently keep the last."""
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in seen:
                where = key_path(path + (key,))
                raise RubricError(f"评分细则 {source} 第 {key_node.start_mark.line + 1} 行：{where} 重复出现",
                                  f"{where} is given twice")
            seen.add(key)
            lines[path + (key,)] = key_node.start_mark.line + 1
            _index_lines(value_node, path + (key,), lines, source)
            lines[path + (key,)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _index_lines(item, path + (i,), lines, source)


def key_path(path: Path_) -> str:
    """dimensions[1].deductions.T3.IDENTITY"""
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")


_TOP_KEYS = {"name", "doubtful", "dimensions"}
_DIMENSION_KEYS = {"key", "name", "full_mark", "cap", "deductions"}
_RULE_KEYS = {"each", "max", "per_day", "per_week"}
_PER_KEYS = {"per_day": DAY, "per_week": WEEK}


@dataclass
class _Reader:
    """Validation of a parsed rubric: every mistake names its line and key."""

    source: str
    lines: dict[Path_, int] = field(default_factory=dict)

    def fail(self, path: Path_, zh: str, en: str) -> RubricError:
        where = key_path(path) or "（文件）"
        probe = path
        while probe and probe not in self.lines:
            probe = probe[:-1]
        line = self.lines.get(probe)
        at = f"第 {line} 行 " if line else ""
        return RubricError(f"评分细则 {self.source} {at}{where}：{zh}", f"{where}: {en}")

    def mapping(self, value: Any, path: Path_, allowed: set[str]) -> dict:
        if not isinstance(value, dict):
            raise self.fail(path, "应为“键: 值”的映射", "must be a mapping")
        for key in value:
            if key not in allowed:
                raise self.fail(path + (str(key),), f"未知的键（可用：{'、'.join(sorted(allowed))}）", "unknown key")
        return value

    def number(self, value: Any, path: Path_, *, low: float = 0, high: float = math.inf) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise self.fail(path, f"应为数字，而不是 {value!r}", f"must be a number, not {value!r}")
        if not low <= value <= high:
            bound = f"不小于 {points(low)}" + (f"、不大于 {points(high)}" if math.isfinite(high) else "")
            raise self.fail(path, f"应为{bound} 的数，而不是 {points(value)}",
                            f"must be between {low} and {high}, not {value}")
        return float(value)

    def text(self, value: Any, path: Path_) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(path, "应为文字，不能为空", "must be non-empty text")
        return value.strip()

    def rubric(self, content: Any) -> Rubric:
        self.mapping(content, (), _TOP_KEYS)
        doubtful = self.number(content.get("doubtful", 0), ("doubtful",), high=1)
        raw_dimensions = content.get("dimensions")
        if not isinstance(raw_dimensions, list) or not raw_dimensions:
            raise self.fail(("dimensions",), "应为至少含一个维度的列表", "must be a non-empty list of dimensions")
        dimensions = tuple(self.dimension(item, ("dimensions", i)) for i, item in enumerate(raw_dimensions))
        self.distinct(dimensions)
        name = self.text(content.get("name", "评分细则"), ("name",))
        return Rubric(name, dimensions, doubtful, self.source)

    def dimension(self, item: Any, path: Path_) -> Dimension:
        self.mapping(item, path, _DIMENSION_KEYS)
        for required in ("key", "name", "full_mark"):
            if required not in item:
                raise self.fail(path, f"缺少 {required}", f"{required} is missing")
        full_mark = self.number(item["full_mark"], path + ("full_mark",))
        if full_mark <= 0:
            raise self.fail(path + ("full_mark",), "满分应大于 0", "the full mark must be above 0")
        cap = self.number(item.get("cap", full_mark), path + ("cap",), high=full_mark)
        raw_rules = item.get("deductions") or {}
        self.mapping(raw_rules, path + ("deductions",), set(raw_rules) if isinstance(raw_rules, dict) else set())
        rules = {str(code): self.rule(code, spec, path + ("deductions", str(code))) for code, spec in raw_rules.items()}
        return Dimension(self.text(item["key"], path + ("key",)), self.text(item["name"], path + ("name",)),
                         full_mark, cap, rules)

    def rule(self, code: Any, spec: Any, path: Path_) -> RuleDeduction:
        if code not in RULES_BY_CODE:
            raise self.fail(path, "不是已知的问题规则代码（见 docs/checks.md）", "not a known rule code")
        if not isinstance(spec, dict):
            return RuleDeduction(self.number(spec, path))
        self.mapping(spec, path, _RULE_KEYS)
        cap = self.number(spec["max"], path + ("max",)) if spec.get("max") is not None else None
        graded = [key for key in _PER_KEYS if key in spec]
        if graded:
            return self.graded_rule(code, spec, path, graded, cap)
        if "each" not in spec:
            raise self.fail(path, "缺少 each（每处扣分）", "each is missing")
        return RuleDeduction(self.number(spec["each"], path + ("each",)), cap)

    def graded_rule(self, code: str, spec: dict, path: Path_, graded: list[str], cap: float | None) -> RuleDeduction:
        """Points per day or week late: `{per_day: 0.5, max: 10}`, `{per_week: 2, max: 10}`."""
        key = graded[0]
        if code not in GRADED_BY_DAYS:
            raise self.fail(path + (key,), f"只有 {'、'.join(sorted(GRADED_BY_DAYS))} 可按逾期天数扣分",
                            "only a rule that counts days late can deduct per day or week")
        if len(graded) > 1 or "each" in spec:
            raise self.fail(path + (key,), "per_day、per_week 与 each 只能写一个", "give one of each, per_day, per_week")
        if cap is None:
            raise self.fail(path, "按逾期天数扣分须写上限 max", "a deduction per day or week needs its cap (max)")
        return RuleDeduction(self.number(spec[key], path + (key,)), cap, _PER_KEYS[key])

    def distinct(self, dimensions: tuple[Dimension, ...]) -> None:
        """A key or a rule in two dimensions would count one finding twice."""
        keys: dict[str, int] = {}
        owner: dict[str, int] = {}
        for i, dimension in enumerate(dimensions):
            if dimension.key in keys:
                raise self.fail(("dimensions", i, "key"), f"与第 {keys[dimension.key] + 1} 个维度重复",
                                "the same key as another dimension")
            keys[dimension.key] = i
            for code in dimension.deductions:
                if code in owner:
                    raise self.fail(("dimensions", i, "deductions", code),
                                    f"已在维度“{dimensions[owner[code]].name}”中扣分，同一规则只能属于一个维度",
                                    "the rule already deducts in another dimension")
                owner[code] = i


# --------------------------------------------------------------------------- scoring


class FindingLike(Protocol):
    """A checks.Finding, a stored finding: what scoring reads of it."""

    @property
    def code(self) -> str: ...

    @property
    def severity(self) -> str: ...

    @property
    def message(self) -> str: ...


@dataclass(frozen=True)
class Item:
    """One finding as scored: what it cost and why."""

    finding: Any
    verdict: str
    points: float
    reason: str


@dataclass(frozen=True)
class DimensionScore:
    dimension: Dimension
    items: tuple[Item, ...]

    @property
    def deducted(self) -> float:
        return sum(item.points for item in self.items)

    @property
    def score(self) -> float:
        return self.dimension.full_mark - self.deducted


@dataclass(frozen=True)
class ReportScore:
    dimensions: tuple[DimensionScore, ...]
    unscored: tuple[Any, ...]  # findings no rule of the rubric deducts for

    @property
    def total(self) -> float:
        return sum(d.score for d in self.dimensions)

    @property
    def full_mark(self) -> float:
        return sum(d.dimension.full_mark for d in self.dimensions)


def verdict_key(verdict: str | None) -> str:
    """pending / confirmed / dismissed, from the key or its Chinese name; none given is pending."""
    if verdict is None:
        return PENDING
    try:
        return _VERDICT_KEYS[verdict.strip()]
    except KeyError:
        raise ValueError(f"未知的审核结论 {verdict!r}（可用：待核、确认、驳回）") from None


def is_doubtful(finding: FindingLike) -> bool:
    """The finding rests on a value the parser guessed (checks/doubt.py marks its message)."""
    return CHECK_SOURCE in (finding.message or "")


def score_report(rubric: Rubric, findings: Sequence[FindingLike], verdicts: Sequence[str | None] | None = None) -> ReportScore:
    """The report's score: `verdicts[i]` is the review verdict of `findings[i]` (None: pending)."""
    keys = [verdict_key(v) for v in verdicts] if verdicts is not None else [PENDING] * len(findings)
    if len(keys) != len(findings):
        raise ValueError("verdicts and findings differ in length")
    dimensions = tuple(_score_dimension(rubric, d, findings, keys) for d in rubric.dimensions)
    scored = {code for d in rubric.dimensions for code in d.deductions}
    return ReportScore(dimensions, tuple(f for f in findings if f.code not in scored))


def _score_dimension(rubric: Rubric, dimension: Dimension, findings: Sequence[FindingLike], verdicts: list[str]) -> DimensionScore:
    items = []
    lost = 0.0
    per_rule: dict[str, float] = {}
    for finding, verdict in zip(findings, verdicts):
        rule = dimension.deductions.get(finding.code)
        if rule is None:
            continue
        nominal, reason = _nominal(rubric, rule, finding, verdict)
        cost = nominal
        if rule.max is not None and per_rule.get(finding.code, 0.0) + cost > rule.max:
            cost = max(0.0, rule.max - per_rule.get(finding.code, 0.0))
            reason += f"；该项已达上限 {points(rule.max)} 分"
        if lost + cost > dimension.cap:
            cost = max(0.0, dimension.cap - lost)
            reason += f"；本维度已达扣分上限 {points(dimension.cap)} 分"
        per_rule[finding.code] = per_rule.get(finding.code, 0.0) + cost
        lost += cost
        items.append(Item(finding, verdict, cost, reason))
    return DimensionScore(dimension, tuple(items))


def _nominal(rubric: Rubric, rule: RuleDeduction, finding: FindingLike, verdict: str) -> tuple[float, str]:
    """What the finding costs before the caps, and the reason in words."""
    if verdict == DISMISSED:
        return 0.0, "审核驳回，不扣分"
    each, reason = _graded(rule, finding) if rule.per else (rule.each, rule.describe())
    if verdict != CONFIRMED and is_doubtful(finding):
        if rubric.doubtful == 0:
            return 0.0, "依据解析推测值（请核对原文），确认前不扣分"
        return each * rubric.doubtful, f"依据解析推测值（请核对原文），确认前按 {points(rubric.doubtful * 100)}% 扣分"
    return each, reason


def _graded(rule: RuleDeduction, finding: FindingLike) -> tuple[float, str]:
    """Points for how late the report is, before the caps."""
    days = days_late(finding)
    if days is None:
        return rule.each, f"逾期天数不详，按一{PERIOD_NAMES[rule.per or DAY]}计；{rule.describe()}"
    return rule.each * rule.periods(days), f"逾期 {days} 天；{rule.describe()}"


# How checks/deadline.py words a late report: "发布日期 2024-05-10 晚于发布期限 2024-03-31（…）".
# The dates are read back rather than stored apart so that findings stored before this grading
# are graded too; tests/test_scores.py holds the two wordings together.
_LATE_DATES = re.compile(r"发布日期 (\d{4}-\d{2}-\d{2}) 晚于发布期限 (\d{4}-\d{2}-\d{2})")


def days_late(finding: FindingLike) -> int | None:
    """Days between the deadline and the publication a DEADLINE.LATE finding names."""
    found = _LATE_DATES.search(finding.message or "")
    if found is None:
        return None
    try:
        published, deadline = (dt.date.fromisoformat(text) for text in found.groups())
    except ValueError:
        return None
    days = (published - deadline).days
    return days if days > 0 else None


def points(value: float | None) -> str:
    """3, 2.5, 0.25: no trailing zeros."""
    if value is None:
        return ""
    return f"{value:.2f}".rstrip("0").rstrip(".")


# --------------------------------------------------------------------------- rankings

T = TypeVar("T")


class Ranked(NamedTuple):
    """A tuple, not a dataclass: a ranking at volume makes 100,000 of them per request."""

    group: Hashable
    rank: int  # 1 for the best; equal totals share a rank (1, 2, 2, 4)
    entry: Any


def rank(entries: Iterable[T], group: Callable[[T], Hashable], total: Callable[[T], float]) -> list[Ranked]:
    """Competition ranking by total within each group, groups in their sorted order (entries
    of equal totals in their given order)."""
    groups: dict[Hashable, list[tuple[float, T]]] = {}
    for entry in entries:
        groups.setdefault(group(entry), []).append((total(entry), entry))
    out: list[Ranked] = []
    for key in sorted(groups, key=_sortable):
        ordered = sorted(groups[key], key=itemgetter(0), reverse=True)
        previous: float | None = None
        place = 0
        for i, (value, entry) in enumerate(ordered, start=1):
            if value != previous:
                place, previous = i, value
            out.append(Ranked(key, place, entry))
    return out


def _sortable(key: Hashable) -> tuple:
    parts = key if isinstance(key, tuple) else (key,)
    return tuple((part is None, str(part) if part is not None else "") for part in parts)


def region_name(province: str | None, city: str | None, county: str | None) -> str:
    """The most specific division of a report, written out: 福建省福州市鼓楼区 (a municipality once)."""
    parts: list[str] = []
    for part in (province, city, county):
        if part and (not parts or parts[-1] != part):
            parts.append(part)
    return "".join(parts) or "（地区不详）"
