"""Charts for `nianbao stats --plot`: lines over years when grouped by year, else bars."""

from __future__ import annotations

import warnings
from pathlib import Path

from .stats import BLANK, COUNT, DIMENSIONS, EXCLUDED, UNCERTAIN, YOY

# Fonts that carry CJK glyphs on common systems; matplotlib takes the first it has.
CJK_FONTS = ["Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "SimHei", "Microsoft YaHei", "PingFang SC"]


def plot(table, dims: list[str], target: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")  # no display on servers
    import matplotlib.pyplot as plt

    plt.rcParams["font.sans-serif"] = CJK_FONTS + plt.rcParams["font.sans-serif"]
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
