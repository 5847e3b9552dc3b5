"""`nianbao score`: every report that counts scored by a rubric, ranked by region or level,
optionally written to the evaluation workbook (评估结果).

Exit codes follow cli/common.py: 0 done, 2 the database, the rubric or an option could not be used.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from .common import EXIT_UNREADABLE, app, say
from .store import DB_HELP, served

# What --by accepts: the Chinese word or the English key.
GROUPINGS = {"地区": "region", "region": "region", "层级": "level", "level": "level"}


def score_command(
    db: str = typer.Option("nianbao.db", "--db", help=DB_HELP),
    rubric: Optional[Path] = typer.Option(None, "--rubric", help="评分细则 YAML（默认内置，见 docs/评分细则.yaml）/ scoring rubric"),
    by: str = typer.Option("地区", "--by", help="排名分组：地区 或 层级 / rank within each region or level"),
    year: Optional[int] = typer.Option(None, "--year", help="只评该年度的报告 / only reports on this year"),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="写入评估结果工作簿 .xlsx / write the evaluation workbook"),
    refresh: bool = typer.Option(False, "--refresh", help="先重新计算并保存全部报告的分数 / score every report again first"),
) -> None:
    """按评分细则给报告打分并排名 / Score reports by a rubric and rank them by region or level."""
    from ..scores import RubricError, default_rubric, load_rubric

    grouping = GROUPINGS.get(by.strip())
    if grouping is None:
        say(f"错误：--by 应为 地区 或 层级，而不是 {by!r} / --by must be 地区 (region) or 层级 (level)")
        raise typer.Exit(EXIT_UNREADABLE)
    if output is not None and output.suffix.lower() != ".xlsx":
        say(f"错误：评估结果只能写成 .xlsx 工作簿，而不是 {output.name} / the evaluation workbook is an .xlsx file")
        raise typer.Exit(EXIT_UNREADABLE)
    try:
        chosen = load_rubric(rubric) if rubric else default_rubric()
    except RubricError as exc:
        say(f"错误：{exc.message}")
        raise typer.Exit(EXIT_UNREADABLE) from exc
    with served(db) as service:
        if refresh:
            scored = service.refresh_scores(chosen)
            say(f"已重新计算并保存 {scored} 份报告的分数 / {scored} reports scored again")
        # The printed ranking from the stored scores (through the service, as the web's); the workbook
        # streamed, a batch of reports at a time: neither holds every finding of a large store.
        count, ranking = service.score_ranking(chosen, grouping, year)
        if not ranking:
            say("数据库中没有可评分的报告 / the database holds no reports to score")
        _print_ranking(chosen, ranking, grouping)
        if output is not None:
            _write(output, chosen, service.scored_reports(chosen, year=year, with_cells=True), grouping, count)


def _print_ranking(rubric, ranking, grouping: str) -> None:
    from ..evaluation import GROUP_NAMES
    from ..scores import points

    view = Table(title=rubric.name)
    for header in ("年度", GROUP_NAMES[grouping], "名次", "机关", f"总分/{points(rubric.full_mark)}",
                   *(d.name for d in rubric.dimensions)):
        view.add_column(header)
    for line in ranking:
        view.add_row(str(line.year or "—"), line.group, str(line.rank), line.agency or "—",
                     points(line.total), *(points(score) for score in line.dimensions))
    Console(soft_wrap=True, width=max(120, 16 * (5 + len(rubric.dimensions)))).print(view)


def _write(output: Path, rubric, reports, grouping: str, count: int) -> None:
    from ..evaluation import write_evaluation
    from ..files import write_atomic
    from io import BytesIO

    buffer = BytesIO()
    write_evaluation(buffer, rubric, reports, grouping)
    try:
        write_atomic(output, buffer.getvalue())
    except OSError as exc:
        say(f"错误：无法写入 {output}：{exc.strerror or exc} / cannot write the workbook")
        raise typer.Exit(EXIT_UNREADABLE) from exc
    say(f"已写入评估结果 {output}（{count} 份报告）/ evaluation workbook written")


app.command("score")(score_command)
