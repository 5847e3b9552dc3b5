"""Local rules: publication deadlines per level and locality, and thresholds, read from YAML.

The defaults are those of `rules_data` (条例 art. 49 deadlines, the copying threshold).
A locality overrides them with a file given to `nianbao check --rules 本地规则.yaml`;
`docs/本地规则.yaml` shows every key:

    deadlines:                 # level -> "MM-DD" of the year after the one reported on; null: not checked
      township: "03-31"
    thresholds:                # any of checks/thresholds.py (SPECS), e.g.
      copy_similarity: 0.5     # share of text found in last year's report (0 < x <= 1)
      measures_min_specific: 6 # section 五: characters of specific measures
    localities:                # the first whose name the agency's name contains wins
      - name: 平潭综合实验区
        deadlines:
          area: "01-31"

Every mistake in the file is refused with a message naming the key (`RulesFileError`,
exit code 2): a rule that silently does nothing would let an inspector believe it ran.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping

import yaml

from .. import rules_data as data
from ..errors import NianbaoError
from .agency import LEVEL_NAMES
from .thresholds import COUNT, DEFAULT_THRESHOLDS, SHARE, SPECS, Thresholds

MonthDay = tuple[int, int]

_TOP_KEYS = {"deadlines", "thresholds", "localities"}
_MONTH_DAY = re.compile(r"^(\d{1,2})-(\d{1,2})$")


class RulesFileError(NianbaoError):
    """A rules file that cannot be read or says something the checks cannot use."""


@dataclass(frozen=True)
class Locality:
    name: str  # a place or body name the agency's name contains
    deadlines: Mapping[str, MonthDay | None]


@dataclass(frozen=True)
class RuleConfig:
    deadlines: Mapping[str, MonthDay | None] = field(default_factory=lambda: dict(data.DEADLINES))
    thresholds: Thresholds = DEFAULT_THRESHOLDS
    localities: tuple[Locality, ...] = ()
    source: str | None = None  # the rules file, for messages

    @property
    def copy_threshold(self) -> float:
        return self.thresholds.copy_similarity

    def deadline(self, agency: str | None, level: str | None) -> MonthDay | None:
        """(month, day) by which the body must publish, or None when no deadline is checked."""
        if level is None:
            return None
        for locality in self.localities:
            if agency and locality.name in agency and level in locality.deadlines:
                return locality.deadlines[level]
        return self.deadlines.get(level)


DEFAULT = RuleConfig()


def load(path: Path) -> RuleConfig:
    """The rules of a YAML file over the defaults; RulesFileError on any mistake."""
    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RulesFileError(f"无法读取规则文件 {path}：{exc.strerror or exc}", f"cannot read the rules file: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise RulesFileError(f"规则文件 {path} 不是 UTF-8 文本", "the rules file is not UTF-8 text") from exc
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f"第 {where.line + 1} 行" if where is not None else ""
        raise RulesFileError(f"规则文件 {path} {line}不是有效的 YAML", f"the rules file is not valid YAML ({exc})") from exc
    return from_mapping(content if content is not None else {}, str(path))


def from_mapping(content: Any, source: str | None = None) -> RuleConfig:
    _expect_mapping(content, "规则文件", "the rules file")
    _no_unknown_keys(content, _TOP_KEYS, "")
    deadlines = dict(DEFAULT.deadlines)
    deadlines.update(_deadlines(content.get("deadlines", {}), "deadlines"))
    thresholds = _thresholds(content.get("thresholds", {}))
    return RuleConfig(deadlines, thresholds, _localities(content.get("localities", [])), source)


def _thresholds(value: Any) -> Thresholds:
    _expect_mapping(value, "thresholds", "thresholds")
    _no_unknown_keys(value, set(SPECS), "thresholds.")
    given: dict[str, Any] = {key: _threshold(value[key], f"thresholds.{key}") for key in value}
    return replace(DEFAULT_THRESHOLDS, **given)


def _threshold(value: Any, where: str) -> float | int:
    spec = SPECS[where.split(".", 1)[1]]
    if spec.kind == SHARE:
        return _share(value, where)
    if spec.kind == COUNT:
        return _count(value, where, spec.minimum)
    return _points(value, where)


def _localities(value: Any) -> tuple[Locality, ...]:
    if not isinstance(value, list):
        raise RulesFileError("localities 应为列表（每项含 name 与 deadlines）", "localities must be a list")
    out = []
    for i, item in enumerate(value):
        where = f"localities[{i}]"
        _expect_mapping(item, where, where)
        _no_unknown_keys(item, {"name", "deadlines"}, f"{where}.")
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            raise RulesFileError(f"{where}.name 应为地名或机关名称（文字）", f"{where}.name must be a place or body name")
        out.append(Locality(name.strip(), _deadlines(item.get("deadlines", {}), f"{where}.deadlines")))
    return tuple(out)


def _deadlines(value: Any, where: str) -> dict[str, MonthDay | None]:
    _expect_mapping(value, where, where)
    out: dict[str, MonthDay | None] = {}
    for level, when in value.items():
        if level not in LEVEL_NAMES:
            known = "、".join(f"{key}（{name}）" for key, name in LEVEL_NAMES.items())
            raise RulesFileError(f"{where} 中的未知层级 {level!r}，可用：{known}", f"unknown level {level!r} in {where}")
        out[level] = _month_day(when, f"{where}.{level}")
    return out


def _month_day(value: Any, where: str) -> MonthDay | None:
    if value is None:
        return None  # this level's deadline is not checked
    match = _MONTH_DAY.match(str(value).strip())
    month_day = (int(match.group(1)), int(match.group(2))) if match else None
    if month_day is None or not _is_date(*month_day):
        raise RulesFileError(
            f"{where} 应为“月-日”（如 \"03-31\"）或 null（不核对），而不是 {value!r}",
            f"{where} must be \"MM-DD\" or null, not {value!r}",
        )
    return month_day


def _is_date(month: int, day: int) -> bool:
    try:
        dt.date(2001, month, day)  # a year with no 29 February: a deadline must exist every year
    except ValueError:
        return False
    return True


def _share(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 1:
        raise RulesFileError(f"{where} 应为 0 到 1 之间的小数（如 0.5 表示 50%），而不是 {value!r}",
                             f"{where} must be a number in (0, 1], not {value!r}")
    return float(value)


def _is_number(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, (int, float)) and math.isfinite(value)


def _count(value: Any, where: str, minimum: int) -> int:
    if not _is_number(value) or value != int(value) or value < minimum:
        raise RulesFileError(f"{where} 应为不小于 {minimum} 的整数（字数或个数），而不是 {value!r}",
                             f"{where} must be a whole number >= {minimum}, not {value!r}")
    return int(value)


def _points(value: Any, where: str) -> float:
    if not _is_number(value) or value < 0:
        raise RulesFileError(f"{where} 应为不小于 0 的数，而不是 {value!r}", f"{where} must be a number >= 0, not {value!r}")
    return float(value)


def _expect_mapping(value: Any, where_zh: str, where_en: str) -> None:
    if not isinstance(value, dict):
        raise RulesFileError(f"{where_zh} 应为“键: 值”的映射", f"{where_en} must be a mapping of keys to values")


def _no_unknown_keys(value: dict, allowed: set[str], prefix: str) -> None:
    unknown = sorted(str(key) for key in value if key not in allowed)
    if unknown:
        raise RulesFileError(
            f"规则文件中的未知键 {', '.join(prefix + k for k in unknown)}（可用：{', '.join(sorted(prefix + k for k in allowed))}）",
            f"unknown key(s) {', '.join(prefix + k for k in unknown)}",
        )
