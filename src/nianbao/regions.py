"""Administrative divisions of a reporting body: province, prefecture, county, township and the
6-digit 行政区划代码, with the body's level, resolved from its name and its report's text.

The division list is the one `jionlp` ships (`dictionary/china_location.zip`: provinces, prefectures
and counties with their codes, townships and 街道 by name, updated with the 民政部 list; Apache-2.0),
with its list of renamed and merged divisions (`china_location_change.txt`) and its telephone area
codes.  Only the data files are read: jionlp itself (and its tokeniser) is never imported.

How a body is placed (docs/regions.md):
1. **The name**, read as a chain of place names from its start: 淄博市张店区…, 张店区人民政府科苑街道…,
   洪泽区人民政府, 站南街道.  Each name must lie inside the one before it.  A special zone whose
   territory is one division (平潭综合实验区 = 平潭县) is a place name too (`ZONES`).
2. **The text**, when the name leaves several divisions (鼓楼区, 平湖街道) or none: the places its
   opening and contact lines name (地址 …, 现将…区…), the telephone area code (0517 → 淮安) and the
   邮编's first two digits (province).  The candidate the most evidence points at wins; a tie keeps
   only what the candidates share (the province, say) and is marked ambiguous.
3. **The level** from what the name says after its places: nothing, 人民政府, 办事处, 管委会 … → the
   government of the most specific place (省/市/县/乡镇街道); anything else (…局, …办公厅, 科委) → 部门,
   with `gov_level` the level of the government it belongs to.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import re
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.util import find_spec
from itertools import compress
from pathlib import Path

import platformdirs

MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
LEVEL_PROVINCE, LEVEL_CITY, LEVEL_COUNTY, LEVEL_TOWN, LEVEL_DEPARTMENT = "省", "市", "县", "乡镇街道", "部门"
# Depth in the division tree → the level of that division's government.
_GOVERNMENT_LEVEL = {1: LEVEL_PROVINCE, 2: LEVEL_CITY, 3: LEVEL_COUNTY, 4: LEVEL_TOWN}

# Special zones run by a 管理委员会 whose territory is one division of the code list, with the level of
# their government (平潭综合实验区 is prefecture-level: the checks' rules_data.ZONE_NAME treats it so).
ZONES: dict[str, tuple[str, str]] = {
    "平潭综合实验区": ("350128", LEVEL_CITY),
}

# What a government's own name adds after its place: the body itself, not one of its departments.
_GOVERNMENT_WORDS = ("人民政府", "政府", "街道办事处", "办事处", "管理委员会", "管委会", "行政公署", "工作委员会")
_TOWN_BODY = re.compile(r"(?:镇|乡|街道|苏木)(?:人民政府|政府|办事处)?$")
# Between two place names of a chain: 张店区人民政府科苑街道办事处.
_CONNECTORS = ("人民政府", "政府")
# What a county's full name adds to its short name (郧阳 → 郧阳区), for a branch named by the short one
# (or by the full one: 杭州市公安局滨江区分局).
_COUNTY_SUFFIXES = ("", "区", "县", "市", "旗")

# The first two digits of a 邮编 → province code (the 邮政编码 plan of China Post).
POSTCODE_PROVINCES: dict[str, str] = {
    **dict.fromkeys(("10",), "110000"), **dict.fromkeys(("30",), "120000"),
    **dict.fromkeys(("05", "06", "07"), "130000"), **dict.fromkeys(("03", "04"), "140000"),
    **dict.fromkeys(("01", "02"), "150000"), **dict.fromkeys(("11", "12"), "210000"),
    **dict.fromkeys(("13",), "220000"), **dict.fromkeys(("15", "16"), "230000"),
    **dict.fromkeys(("20",), "310000"), **dict.fromkeys(("21", "22"), "320000"),
    **dict.fromkeys(("31", "32"), "330000"), **dict.fromkeys(("23", "24"), "340000"),
    **dict.fromkeys(("35", "36"), "350000"), **dict.fromkeys(("33", "34"), "360000"),
    **dict.fromkeys(("25", "26", "27"), "370000"), **dict.fromkeys(("45", "46", "47"), "410000"),
    **dict.fromkeys(("43", "44"), "420000"), **dict.fromkeys(("41", "42"), "430000"),
    **dict.fromkeys(("51", "52"), "440000"), **dict.fromkeys(("53", "54"), "450000"),
    **dict.fromkeys(("57",), "460000"), **dict.fromkeys(("40",), "500000"),
    **dict.fromkeys(("61", "62", "63", "64"), "510000"), **dict.fromkeys(("55", "56"), "520000"),
    **dict.fromkeys(("65", "66", "67"), "530000"), **dict.fromkeys(("85", "86"), "540000"),
    **dict.fromkeys(("71", "72"), "610000"), **dict.fromkeys(("73", "74"), "620000"),
    **dict.fromkeys(("81",), "630000"), **dict.fromkeys(("75",), "640000"),
    **dict.fromkeys(("83", "84"), "650000"),
}

# Codes of Taiwan (71), Hong Kong (81) and Macao (82) in the list: no 政府信息公开 annual reports there.
_OUTSIDE_THE_REGULATION = ("71", "81", "82")
# County entries of the list that stand for "no county" (the towns of 东莞市 or 中山市 lie directly under it).
_PLACEHOLDERS = frozenset(("市直辖行政区划",))

# Township entries of the list that are not a place name (a county's 街道 or 社区 placeholder, an
# economic zone's), which would otherwise match the words of any text.
_NOT_TOWNS = frozenset(("", "街道", "社区", "镇", "乡", "办事处", "开发区"))
_NOT_TOWN_PREFIXES = ("街道", "社区")

# An ethnic township is written without its peoples as often as with them (杨柳白族彝族乡, signed
# 隆阳区杨柳乡人民政府): the list's name is indexed under both.  The 55 peoples by name, longest first.
_PEOPLES = sorted((
    "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白", "土家", "哈尼",
    "哈萨克", "傣", "黎", "傈僳", "佤", "畲", "高山", "拉祜", "水", "东乡", "纳西", "景颇", "柯尔克孜", "土",
    "达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米", "塔吉克", "怒", "乌孜别克",
    "俄罗斯", "鄂温克", "德昂", "保安", "裕固", "京", "塔塔尔", "独龙", "鄂伦春", "赫哲", "门巴", "珞巴", "基诺",
), key=len, reverse=True)
# At least two characters before the peoples: a one-character stem would be a word, not a place.
_ETHNIC_TOWN = re.compile(r"^(.{2,}?)(?:(?:%s)族)+(乡|镇)$" % "|".join(_PEOPLES))

# Area codes the shipped list gets wrong (it gives 0431 to 吉林市; 0432 is 吉林市, 0431 长春).
PHONE_FIXES = {"0431": "长春"}

# Evidence weights.  A place named in an address or a contact line is the body's own; one named in
# the opening may be its superior (区委、区政府) or a neighbour; a telephone area code is the
# prefecture's; a 邮编 tells the province only.
_WEIGHT_ADDRESS, _WEIGHT_OPENING, _WEIGHT_PHONE, _WEIGHT_POSTCODE = 3, 1, 2, 1
# How much of the text is the opening, where a report says whose it is.
_OPENING = 1500
_ADDRESS_WORDS = ("地址", "地点", "位于")
_ADDRESS = re.compile(r"(?:%s)\s*[:：]?\s*([^；;，,。（()）\n]{2,60})" % "|".join(_ADDRESS_WORDS))
_PHONE = re.compile(r"(0(?<!\d0)\d{2,3})\s*[-－—]\s*\d{7,8}(?!\d)")  # the 0 first: the engine skips to it
_POSTCODE = re.compile(r"邮(?:政)?编(?:码)?\s*[:：]?\s*(\d{6})(?!\d)")


@dataclass(frozen=True)
class Division:
    code: str  # 6 digits
    name: str  # full name: 淮安市
    short: str  # 淮安
    depth: int  # 1 province, 2 prefecture, 3 county, 4 township (code = its county's)
    parent: "Division | None" = field(default=None, compare=False, repr=False)

    def chain(self) -> list["Division"]:
        out: list[Division] = []
        node: Division | None = self
        while node is not None:
            out.append(node)
            node = node.parent
        return out[::-1]

    def within(self, other: "Division") -> bool:
        return any(d is other for d in self.chain())


@dataclass
class Region:
    """Where a body is.  Empty fields: not known.  `candidates` > 1: the evidence could not decide."""

    province: str | None = None
    city: str | None = None  # the prefecture (地级), or the municipality itself
    county: str | None = None
    township: str | None = None
    code: str | None = None  # 6-digit code of the most specific division above the township
    level: str | None = None  # 省 / 市 / 县 / 乡镇街道 / 部门
    gov_level: str | None = None  # the level of the government the body is or belongs to
    source: str | None = None  # name / name+text / text
    candidates: int = 0

    def as_dict(self) -> dict[str, str]:
        """As `Report.region`: only the fields known, as text."""
        out = {k: v for k, v in self.__dict__.items() if v not in (None, "") and k != "candidates"}
        if self.candidates > 1:
            out["candidates"] = str(self.candidates)
        return out


# --------------------------------------------------------------------------------- the data


class Gazetteer:
    """The division tree, indexed by name."""

    def __init__(self) -> None:
        self.by_code: dict[str, Division] = {}
        self.by_name: dict[str, list[Division]] = {}
        self.phone: dict[str, str] = {}  # area code → prefecture short name
        self.by_id: dict[int, Division] = {}
        # The lengths of the names beginning with each two characters, longest first: at
        # most positions of a text no name begins, and one lookup says so (trying every
        # length there made region resolution a quarter of a report's parse time).
        self._sizes: dict[str, list[int]] = {}
        # The same two characters, each as one number (`_pair_code`): `mentioned` tests every
        # position of a text against these without making a string of each pair.
        self._pair_codes: set[int] = set()

    def __getstate__(self) -> dict:
        # `by_id` is keyed by object identity, which a pickled copy does not keep.
        return {k: v for k, v in self.__dict__.items() if k != "by_id"}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.by_id = {id(d): d for found in self.by_name.values() for d in found}
        self.by_id.update((id(d), d) for d in self.by_code.values())

    def add(self, division: Division, *names: str) -> None:
        if division.depth < 4:
            self.by_code.setdefault(division.code, division)
        self.by_id[id(division)] = division  # mentioned() counts by id
        for n, name in enumerate(names):
            if len(name) < 2 or name in names[:n]:
                continue
            self.by_name.setdefault(name, []).append(division)
            sizes = self._sizes.setdefault(name[:2], [])
            self._pair_codes.add(_pair_code(name[:2]))
            if len(name) not in sizes:
                sizes.append(len(name))
                sizes.sort(reverse=True)

    def prefix(self, text: str, start: int = 0) -> tuple[str, list[Division]] | None:
        """The longest place name at text[start:], with its divisions."""
        for size in self._sizes.get(text[start:start + 2], ()):
            found = self.by_name.get(text[start:start + size]) if start + size <= len(text) else None
            if found:
                return text[start:start + size], found
        return None

    def mentioned(self, text: str) -> Counter:
        """Divisions named in `text` (longest names first, no overlaps), by id → count.  This
        runs over a report's opening: the positions where a name may begin (its first two
        characters open one) are found by C-level iteration, and only those few (a few dozen
        in 1,500 characters) are looked at in Python."""
        counts: Counter = Counter()
        sizes, by_name, end = self._sizes, self.by_name, len(text)
        i = 0
        for start in _pair_starts(text, self._pair_codes):
            if start < i:  # inside a name already counted
                continue
            for size in sizes[text[start:start + 2]]:
                found = by_name.get(text[start:start + size]) if start + size <= end else None
                if found:
                    for d in found:
                        counts[id(d)] += 1
                    i = start + size
                    break
        return counts


def _pair_code(pair: str) -> int:
    """Two characters as one number: their UTF-32 code units read as one 64-bit integer."""
    return memoryview(pair.encode("utf-32-le")).cast("Q")[0]


def _pair_starts(text: str, codes: set[int]) -> list[int]:
    """The positions of `text` where two characters whose `_pair_code` is in `codes` begin, in
    order.  The text's UTF-32 bytes read as 64-bit integers are its pairs at even positions;
    read from the fourth byte, at odd ones.  Numbers are cheaper to make and hash than
    two-character strings (half the time of this test)."""
    raw = memoryview(text.encode("utf-32-le"))
    n = len(text)
    even = raw[: 8 * (n // 2)].cast("Q")
    odd = raw[4: 4 + 8 * ((n - 1) // 2)].cast("Q") if n > 1 else ()
    return sorted([*compress(range(0, n, 2), map(codes.__contains__, even)),
                   *compress(range(1, n, 2), map(codes.__contains__, odd))])


def _data_dir() -> Path:
    spec = find_spec("jionlp")  # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("需要 jionlp 的行政区划数据 / the jionlp package (division data) is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "dictionary"


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """Loaded once per process: from the user's cache when this build of it is there (a
    fifth of the time), else read from the data files (more than half a second: the file
    also lists 600,000 villages) and cached for the next process."""
    folder = _data_dir()
    cached = _cache_file(folder)
    try:
        loaded = _unpickle(cached.read_bytes())
        if isinstance(loaded, Gazetteer):
            return loaded
    except Exception:  # absent, unreadable, truncated or from another build: rebuild
        pass
    g = _build_gazetteer(folder)
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(pickle.dumps(g, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(partial, cached)  # whole or absent, whatever runs beside us
    except OSError:
        pass  # a read-only home: every process reads the data files, nothing else changes
    return g


def _unpickle(data: bytes) -> object:
    """Without the cycle collector, which would walk the 50,000 new objects again and
    again while they are made (a quarter of the load's time) and could free none of them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return pickle.loads(data)
    finally:
        if enabled:
            gc.enable()


def _cache_file(folder: Path) -> Path:
    """Named by what the cached tree is built from: the data files and this module's code."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for name in ("china_location.zip", "china_location_change.txt", "landline_phone_area_code.txt"):
        stat = (folder / name).stat()
        digest.update(f"{name}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    root = os.environ.get("NIANBAO_CACHE_DIR") or platformdirs.user_cache_dir("nianbao")
    return Path(root) / f"gazetteer-{digest.hexdigest()[:16]}.pickle"


def _build_gazetteer(folder: Path) -> Gazetteer:
    g = Gazetteer()
    with zipfile.ZipFile(folder / "china_location.zip") as archive:
        text = archive.read(archive.namelist()[0]).decode("utf-8")
    _read_tree(g, text)
    _read_changes(g, (folder / "china_location_change.txt").read_text("utf-8"))
    _read_zones(g)
    for line in (folder / "landline_phone_area_code.txt").read_text("utf-8").splitlines():
        code, _, place = line.strip().partition(" ")
        if place:
            g.phone[code] = place.split("/")[-1]
    g.phone.update(PHONE_FIXES)
    return g


def _read_tree(g: Gazetteer, text: str) -> None:
    stack: list[Division] = []
    for line in text.splitlines():
        if line.startswith("\t\t\t\t"):
            continue  # villages: nine lines in ten, dropped before any other work
        depth = len(line) - len(line.lstrip("\t")) + 1
        parts = line.strip().split("\t")
        if depth == 4:
            county = stack[2] if len(stack) > 2 else None
            if county is None:
                continue
            name = parts[0]
            # Some towns are listed under their county's name (济源市下冶镇): index both.
            bare = name[len(county.name):] if name.startswith(county.name) else name
            if bare in _NOT_TOWNS or bare.startswith(_NOT_TOWN_PREFIXES):
                continue
            g.add(Division(county.code, name, name, 4, county), name, bare, *_without_peoples(bare))
            continue
        name, code, short = (parts + ["", ""])[:3]
        parent = stack[depth - 2] if depth > 1 else None
        if depth == 2 and parent is not None and parent.name == name:
            division = parent  # a municipality is its own prefecture
        elif depth == 2 and name.startswith(("省直辖", "自治区直辖")):
            division = Division(code, "", "", 2, parent)  # counties governed by the province directly
        else:
            division = Division(code, name, short, depth, parent)
            # Short names (淮安, 上海) only for provinces and prefectures: county ones clash with words.
            g.add(division, name, *((short,) if depth <= 2 else ()))
        del stack[depth - 1:]
        stack.append(division)


def _without_peoples(town: str) -> tuple[str, ...]:
    """杨柳白族彝族乡 → (杨柳乡,); a township whose name names no people → ()."""
    match = _ETHNIC_TOWN.match(town)
    return (match.group(1) + match.group(2),) if match else ()


def _read_changes(g: Gazetteer, text: str) -> None:
    """Old names of renamed or merged divisions (襄樊市 → 襄阳市, 江干区 → 上城区) point to the new ones."""
    for line in text.splitlines():
        old, _, new = line.strip().partition("=>")
        old_parts, new_parts = old.split("\t")[2:], new.split("\t")
        old_names = old_parts[0::2]
        target = _find_chain(g, [n for n in new_parts if n])
        if target is not None and old_names and old_names[-1] not in g.by_name:
            g.add(target, old_names[-1])


def _find_chain(g: Gazetteer, names: list[str]) -> Division | None:
    found = [d for d in g.by_name.get(names[-1], []) if d.depth < 4]
    found = [d for d in found if all(any(a.name == n for a in d.chain()) for n in names)]
    return found[0] if len(found) == 1 else None


def _read_zones(g: Gazetteer) -> None:
    for name, (code, _level) in ZONES.items():
        division = g.by_code.get(code)
        if division is not None:
            g.add(division, name)


# --------------------------------------------------------------------------------- resolving


def compact(name: str) -> str:
    """`name` in NFKC form without whitespace (str.split's whitespace is the pattern \\s's)."""
    return "".join(unicodedata.normalize("NFKC", name).split())


def read_chain(name: str, g: Gazetteer | None = None) -> tuple[list[list[Division]], int]:
    """The place names at the start of `name`, each as the divisions it can be (inside the one
    before), and where the rest of the name starts."""
    g = g or gazetteer()
    chain: list[list[Division]] = []
    i = 0
    while i < len(name):
        hit = g.prefix(name, i)
        if hit is None:
            connector = next((c for c in _CONNECTORS if name.startswith(c, i)), None)
            if connector and chain and g.prefix(name, i + len(connector)):
                i += len(connector)
                continue
            break
        options = hit[1]
        if chain:
            inside = [d for d in options if any(d.within(p) and d is not p for p in chain[-1])]
            if not inside:
                break
            chain[-1] = [p for p in chain[-1] if any(d.within(p) for d in inside)]
            options = inside
        chain.append(options)
        i += len(hit[0])
    return chain, i


def _evidence(text: str, candidates: list[Division], g: Gazetteer) -> dict[int, int]:
    """Score of each candidate: places, area codes and postcodes of the text that lie above it."""
    scores = {id(c): 0 for c in candidates}
    if not text:
        return scores
    weighted: Counter = Counter()
    for match in _addresses(text):
        for key, n in g.mentioned(compact(match.group(1))).items():
            weighted[key] += n * _WEIGHT_ADDRESS
    for key, n in g.mentioned(compact(text[:_OPENING])).items():
        weighted[key] += n * _WEIGHT_OPENING
    phones = {g.phone.get(m.group(1)) for m in _PHONE.finditer(text)} - {None}
    provinces = {POSTCODE_PROVINCES.get(m.group(1)[:2]) for m in _POSTCODE.finditer(text)} - {None}
    for c in candidates:
        ancestors = [a for a in c.chain() if a is not c or c.depth == 4]
        scores[id(c)] += sum(weighted[id(a)] for a in ancestors)
        if any(a.short in phones or a.name in phones for a in c.chain() if a.depth == 2):
            scores[id(c)] += _WEIGHT_PHONE
        if c.chain()[0].code in provinces:
            scores[id(c)] += _WEIGHT_POSTCODE
    return scores


def _addresses(text: str) -> list[re.Match[str]]:
    """`_ADDRESS.finditer(text)`, tried only where one of its words is: the pattern scanned the
    whole report for them at several times the cost of finding the words themselves."""
    starts = sorted(i for word in _ADDRESS_WORDS for i in _occurrences(text, word))
    found: list[re.Match[str]] = []
    for start in starts:
        if found and start < found[-1].end():
            continue
        match = _ADDRESS.match(text, start)
        if match:
            found.append(match)
    return found


def _occurrences(text: str, word: str) -> list[int]:
    found, i = [], text.find(word)
    while i >= 0:
        found.append(i)
        i = text.find(word, i + 1)
    return found


def _best(candidates: list[Division], text: str, g: Gazetteer) -> tuple[list[Division], bool]:
    """The candidates the text points at most; whether the text decided."""
    if len(candidates) <= 1:
        return candidates, False
    scores = _evidence(text, candidates, g)
    top = max(scores.values())
    best = [c for c in candidates if scores[id(c)] == top]
    return best, top > 0 and len(best) < len(candidates)


def _from_text(text: str, g: Gazetteer) -> list[Division]:
    """For a name without a place (县乡村振兴局): the most specific divisions an address line names,
    as a chain (淄博市张店区新村西路…); else the county or prefecture the opening names most often."""
    for match in _addresses(text):
        chain, _ = read_chain(compact(match.group(1)), g)
        if chain:
            return chain[-1]
    counts = g.mentioned(compact(text[:_OPENING]))
    named = {k: g.by_id[k] for k in counts if g.by_id[k].depth in (2, 3)}
    if not named:
        return []
    deepest = max(d.depth for d in named.values())
    top = max(counts[k] for k, d in named.items() if d.depth == deepest)
    return [d for k, d in named.items() if d.depth == deepest and counts[k] == top]


def _shared(candidates: list[Division]) -> Division | None:
    """The most specific division every candidate lies in (None: not even the province)."""
    chains = [c.chain() for c in candidates]
    shared = None
    for level in zip(*chains):
        if all(d is level[0] for d in level):
            shared = level[0]
        else:
            break
    return shared


def _under_the_regulation(candidates: list[Division]) -> list[Division]:
    """Divisions of Taiwan, Hong Kong and Macao dropped when the name also fits one elsewhere:
    the 条例 does not apply there, and their district names (东区, 北区, 连江县) would otherwise
    leave a mainland body undecided."""
    mainland = [d for d in candidates if not d.chain()[0].code.startswith(_OUTSIDE_THE_REGULATION)]
    return mainland or candidates


def resolve(agency: str | None, text: str = "") -> Region:
    """Where the body named `agency` is, helped by its report's `text`."""
    if not agency:
        return Region()
    g = gazetteer()
    name = compact(agency)
    chain, rest_at = read_chain(name, g)
    branch = _branch_county(name[rest_at:], chain[-1], g) if chain else None
    if branch is not None:
        chain.append([branch])
    source = "name"
    candidates = _under_the_regulation(chain[-1]) if chain else []
    if not candidates:
        candidates, source = _from_text(text, g), "text"
    best, decided = _best(candidates, text, g)
    if decided and source == "name":
        source = "name+text"
    place = best[0] if len(best) == 1 else _shared(best)
    region = _region(place) if place is not None else Region()
    region.source = source if place is not None else None
    region.candidates = len(best)
    region.level, region.gov_level = _levels(name, name[rest_at:], best[0] if best else None)
    return region


def _branch_county(rest: str, places: list[Division], g: Gazetteer) -> Division | None:
    """The county of a prefecture department's branch named by the county's short name:
    十堰市生态环境局郧阳分局 is in 郧阳区.  Only a county inside the places read before, and only
    one: a short name alone is read nowhere else (it clashes with words)."""
    if not rest.endswith("分局"):
        return None
    head = rest[: -len("分局")]
    for size in (4, 3, 2):
        short = head[-size:]
        if len(head) <= size:
            continue
        found = [d for suffix in _COUNTY_SUFFIXES for d in g.by_name.get(short + suffix, [])
                 if d.depth == 3 and any(d.within(p) and d is not p for p in places)]
        if len(found) == 1:
            return found[0]
    return None


def of_code(code: str) -> Region | None:
    """The region of the division with this 6-digit code (county or above), or None if unknown."""
    place = gazetteer().by_code.get(code)
    return _region(place) if place is not None else None


def _region(place: Division) -> Region:
    region = Region()
    for d in place.chain():
        if d.depth == 1:
            region.province = d.name
        elif d.depth == 2:
            region.city = d.name or None
        elif d.depth == 3:
            region.county = d.name if d.name not in _PLACEHOLDERS else None
        else:
            region.township = d.name
    if region.city is None and region.province in MUNICIPALITIES:
        region.city = region.province  # a municipality is its own prefecture
    region.code = place.code
    return region


def _levels(name: str, rest: str, place: Division | None) -> tuple[str | None, str | None]:
    if place is None:
        return None, None
    zone = next((level for z, (_, level) in ZONES.items() if name.startswith(z)), None)
    government = zone or _GOVERNMENT_LEVEL[place.depth]
    if place.depth == 2 and not place.name:
        government = LEVEL_COUNTY
    # A county-level city directly under a province (济源市) and municipalities' districts are 县.
    if rest in ("", *_GOVERNMENT_WORDS):
        return government, government
    # A township the list does not know, inside the place named (…县第1街道办事处, a new 镇).
    if _TOWN_BODY.search(rest):
        return LEVEL_TOWN, LEVEL_TOWN
    return LEVEL_DEPARTMENT, government
