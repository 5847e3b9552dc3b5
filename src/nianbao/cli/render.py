"""`nianbao render` and `nianbao template`: from the numbers to the official document.

Exit codes: 0 written; 1 not written because the checks found errors (use --force);
2 input that cannot be used (malformed, unknown keys, missing tables, bad counts).
Nothing is written unless everything succeeded, and then atomically.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from .. import editions
from ..rules_data import SEVERITY_NAMES
from ..checks import check, report_from_json
from .common import EXIT_OK, EXIT_PARTIAL, EXIT_UNREADABLE, app, stderr
from ..errors import NianbaoError
from ..inputs import load
from ..render import build, render
from ..render.complete import completeness
from ..render.content import Heading, Paragraph

EXIT_FINDINGS = EXIT_PARTIAL


class RenderFormat(str, Enum):
    docx = "docx"
    html = "html"
    md = "md"
    text = "text"


class EditionChoice(str, Enum):
    e2019 = "2019"
    e2021 = "2021"


_SUFFIX = {"docx": ".docx", "html": ".html", "md": ".md", "text": ".txt"}
_FORMAT_OF_SUFFIX = {".docx": "docx", ".html": "html", ".htm": "html", ".md": "md", ".markdown": "md", ".txt": "text"}


def say(message: str) -> None:
    stderr.print(message, markup=False, highlight=False)


def _sections_for_checks(data: dict) -> list[dict]:
    """The rendered section texts, so the narrative and section-五 checks see what will be printed."""
    document = build(data)
    sections, current = [], None
    for block in document.blocks:
        if isinstance(block, Heading):
            number = block.text.split("、", 1)[0]
            section = next(s for s in editions.SECTIONS if s.number == number)
            current = {"number": number, "key": section.key, "heading": block.text, "text": ""}
            sections.append(current)
        elif isinstance(block, Paragraph) and current is not None and not block.placeholder:
            current["text"] += block.text + "\n"
    return sections


def run_checks(data: dict) -> list:
    return check(report_from_json({**data, "sections": _sections_for_checks(data)}))


def render_command(
    source: Path = typer.Argument(..., help="填报表 .xlsx、标准 JSON 或 YAML / the fill-in workbook, canonical JSON or YAML"),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="输出文件（默认与输入同名）/ output file"),
    to: Optional[RenderFormat] = typer.Option(None, "--to", "-t", help="docx | html | md | text（默认按输出文件扩展名，否则 docx）"),
    force: bool = typer.Option(False, "--force", help="即使检查发现错误也生成 / write even if the checks find errors"),
) -> None:
    """生成报告：按国家格式输出 DOCX/HTML/Markdown/文本 / Render the report in the official format."""
    fmt = to.value if to else _FORMAT_OF_SUFFIX.get(output.suffix.lower(), "docx") if output else "docx"
    if output is None:
        output = Path(source.stem + _SUFFIX[fmt])
    try:
        data = load(source)
    except NianbaoError as exc:
        say(f"错误：{exc.message}")
        raise typer.Exit(EXIT_UNREADABLE)
    findings = [f for f in run_checks(data) if f.severity in ("error", "warning")]
    errors = [f for f in findings if f.severity == "error"]
    for finding in findings:
        say(f"{SEVERITY_NAMES[finding.severity]} {finding.code}：{finding.message}")
    gaps = completeness(data)  # the rule the web fill-in form applies too
    if not gaps.complete:
        say(f"{SEVERITY_NAMES['error']}：{gaps.messages()[0]}")
    if (errors or not gaps.complete) and not force:
        problems = "、".join(([f"检查发现 {len(errors)} 个错误"] if errors else [])
                            + ([f"{'、'.join(gaps.blank_tables)}未填写"] if not gaps.complete else []))
        say(f"未生成：{problems}，请改正数据后重试，或使用 --force 强制生成 "
            f"/ not written: fix the data or use --force")
        raise typer.Exit(EXIT_FINDINGS)
    missing = [s for s in editions.SECTIONS if s.key in ("overview", "problems", "other")
               and not (data.get("sections") or {}).get(s.key, "").strip()]
    if missing:
        say("提示：以下部分未提供文字，已写入待填写的占位说明：" + "、".join(f"{s.number}、{s.title}" for s in missing)
             + " / placeholder text written for sections without text")
    from ..files import write_atomic

    try:
        content = render(data, fmt)
        write_atomic(output, content)
    except OSError as exc:
        say(f"错误：无法写入 {output}：{exc.strerror or exc} / cannot write")
        raise typer.Exit(EXIT_UNREADABLE)
    forced = errors or not gaps.complete
    say(f"已生成 {output}" + ("（数据有错误或未填完整，已按 --force 生成）" if forced else "") + f" / written {output}")
    raise typer.Exit(EXIT_OK)


def template_command(
    edition: EditionChoice = typer.Option(EditionChoice.e2021, "--edition", "-e", help="格式版本 2019 | 2021"),
    output: Path = typer.Option(Path("填报表.xlsx"), "-o", "--output", help="输出的 .xlsx 文件 / output workbook"),
    source: Optional[Path] = typer.Option(None, "--from", help="用已有数据预填（标准 JSON/YAML/填报表）/ pre-fill from data"),
) -> None:
    """生成填报表：三张统计表按国家格式排版，总计为公式，含勾稽检查与输入校验 / Write the fill-in workbook."""
    from ..workbook import write_template  # openpyxl: loaded by the commands that write workbooks

    data = None
    if source is not None:
        try:
            data = load(source)
        except NianbaoError as exc:
            say(f"错误：{exc.message}")
            raise typer.Exit(EXIT_UNREADABLE)
        if data["edition"] != edition.value:
            say(f"错误：预填数据为 {data['edition']} 年版格式，与 --edition {edition.value} 不一致 / edition mismatch")
            raise typer.Exit(EXIT_UNREADABLE)
    try:
        write_template(edition.value, output, data)
    except OSError as exc:
        say(f"错误：无法写入 {output}：{exc.strerror or exc} / cannot write")
        raise typer.Exit(EXIT_UNREADABLE)
    say(f"已生成填报表 {output}（{edition.value} 年版格式）/ written {output}")


app.command("render")(render_command)
app.command("template")(template_command)

__all__ = ["render_command", "template_command", "run_checks"]
