"""Charts for `nianbao stats --plot`: lines over years when grouped by year, else bars."""

from __future__ import annotations

import warnings
from pathlib import Path

from .stats import BLANK, COUNT, DIMENSIONS, EXCLUDED, UNCERTAIN, YOY

# Fonts that carry CJK glyphs on common systems; matplotlib takes the first it has.
CJK_FONTS = ["Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "SimHei",
             "Microsoft YaHei", "PingFang SC"]
# File names of those fonts, to find one installed after matplotlib built its font cache.
_CJK_FILES = ("notosanscjk", "sourcehansans", "wqy", "simhei", "msyh", "pingfang")
NO_CJK_FONT = ("未找到中文字体，图中汉字会显示为方框；请安装 fonts-noto-cjk 或 fonts-wqy-microhei（Debian/Ubuntu）"
               " / no CJK font found: install fonts-noto-cjk or fonts-wqy-microhei")


def cjk_font() -> str | None:
    """The first CJK font matplotlib can use, registering one the system has but its cache lacks."""
    from matplotlib import font_manager

    known = {f.name for f in font_manager.fontManager.ttflist}
    found = next((name for name in CJK_FONTS if name in known), None)
    if found:
        return found
    for path in font_manager.findSystemFonts():
        if any(part in Path(path).name.lower().replace("-", "").replace("_", "") for part in _CJK_FILES):
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):
                continue
            name = font_manager.FontProperties(fname=path).get_name()
            if name in CJK_FONTS:
                return name
    return None


def plot(table, dims: list[str], target: Path) -> str | None:
    """Draw the chart; returns a note for the user when no CJK font is installed."""
    import matplotlib

    matplotlib.use("Agg")  # no display on servers
    import matplotlib.pyplot as plt

    font = cjk_font()
    plt.rcParams["font.sans-serif"] = ([font] if font else []) + CJK_FONTS + plt.rcParams["font.sans-serif"]
    plt.rcParams["axes.unicode_minus"] = False
    names = [DIMENSIONS[d][1] for d in dims]
    metrics = [c for c in table.columns if c not in names and c not in (COUNT, EXCLUDED, UNCERTAIN)
               and not c.endswith((YOY, BLANK))]
    figure, axes = plt.subplots(len(metrics), 1, figsize=(8, 2.6 * max(1, len(metrics))), squeeze=False)
    year = DIMENSIONS["year"][1]
    for axis, metric in zip(axes[:, 0], metrics):
        _draw(axis, table, names, metric, year)
    with warnings.catch_warnings():
        # Without a CJK font (Debian: fonts-noto-cjk) labels show as boxes; say so once, not per glyph.
        warnings.filterwarnings("ignore", message="Glyph .* missing")
        figure.tight_layout()
        figure.savefig(target)
    plt.close(figure)
    return None if font else NO_CJK_FONT


def _draw(axis, table, names: list[str], metric: str, year: str) -> None:
    others = [n for n in names if n != year]
    if year in names:
        groups = table.groupby(others) if others else [((), table)]
        for key, part in groups:
            axis.plot(part[year].astype(str), part[metric], marker="o", label="/".join(map(str, _tuple(key))) or metric)
        if others:
            axis.legend(fontsize="small")
    else:
        labels = table[names].astype(str).agg("/".join, axis=1) if names else ["全部"]
        axis.bar(list(labels), table[metric])
    axis.set_title(metric)


def _tuple(key) -> tuple:
    return key if isinstance(key, tuple) else (key,)
