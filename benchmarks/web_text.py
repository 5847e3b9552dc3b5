"""What the tools crawlers use to turn a web page into text make of a report, and how well
nianbao reads their output.

    python benchmarks/web_text.py [--corpus ../shared/corpus] [--out web_text] [--files]

Every gold report is written as the suite's web pages (`tests/metamorphic.py`: Word's merged
cells, value cells merged over two rows, table 三 cut in two, cells as Word writes them, a table
of `<p>` lines), each page converted by every tool installed here, and the text parsed and
compared with the gold cell by cell: right, flagged uncertain, or wrong and not flagged (which
must never happen).  The tools are not nianbao's dependencies; one not installed is listed as
skipped: trafilatura (with lxml_html_clean), markdownify, html2text, inscriptis, BeautifulSoup.
Exit status 1 when any cell is wrong and not flagged.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(1, str(ROOT))  # for tests.metamorphic, the rewrites the test suite uses

from nianbao.evaluate import default_corpus, score  # noqa: E402
from tests import metamorphic  # noqa: E402

PAGES = ("html_merged_cells", "html_merged_values", "html_table_split", "html_word_cells", "html_tables", "html_lines")


def _tools() -> dict[str, Callable[[str], str] | str]:
    """Tool name → its page-to-text function, or why it is skipped."""
    def needs(module: str, make: Callable[[], Callable[[str], str]]) -> Callable[[str], str] | str:
        return make() if importlib.util.find_spec(module) else f"{module} is not installed"

    def trafilatura(form: str) -> Callable[[], Callable[[str], str]]:
        def make() -> Callable[[str], str]:
            import trafilatura as tool
            return lambda page: tool.extract(page, include_tables=True, output_format=form, favor_recall=True) or ""
        return make

    def markdownify() -> Callable[[str], str]:
        from markdownify import markdownify as tool
        return tool

    def html2text() -> Callable[[str], str]:
        import html2text as tool
        return tool.html2text

    def inscriptis() -> Callable[[str], str]:
        from inscriptis import get_text
        return get_text

    def beautifulsoup() -> Callable[[str], str]:
        from bs4 import BeautifulSoup
        return lambda page: BeautifulSoup(page, "html.parser").get_text("\n")

    return {
        "trafilatura-txt": needs("trafilatura", trafilatura("txt")),
        "trafilatura-md": needs("trafilatura", trafilatura("markdown")),
        "markdownify": needs("markdownify", markdownify),
        "html2text": needs("html2text", html2text),
        "inscriptis": needs("inscriptis", inscriptis),
        "bs4-get-text": needs("bs4", beautifulsoup),
    }


def _page_text(page: bytes) -> str:
    for encoding in ("utf-8", "gb18030"):
        try:
            return page.decode(encoding)
        except UnicodeDecodeError:
            continue
    return page.decode("utf-8", "replace")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=default_corpus())
    parser.add_argument("--out", type=Path, default=Path("web_text"))
    parser.add_argument("--files", action="store_true", help="a line per converted file")
    args = parser.parse_args()

    pages = []
    for source, gold in metamorphic.text_pairs(args.corpus):
        for name in PAGES:
            page = metamorphic.BY_NAME[name].rewrite(source.read_text(encoding="utf-8"), gold)
            if isinstance(page, bytes):
                pages.append((f"{source.stem}.{name}", _page_text(page), gold))
    args.out.mkdir(parents=True, exist_ok=True)
    wrong_anywhere = False
    print(f"{'tool':18} {'files':>5} {'cells':>6} {'right':>8} {'flagged':>8} {'wrong':>6}")
    for tool, convert in _tools().items():
        if isinstance(convert, str):
            print(f"{tool:18} skipped: {convert}")
            continue
        files = cells = right = flagged = wrong = 0
        for name, page, gold in pages:
            path = args.out / f"{name}.{tool}.txt"
            path.write_text(convert(page), encoding="utf-8")
            result = score(path, gold)
            files, cells, right, flagged = files + 1, cells + result.cells, right + result.right, flagged + result.flagged
            wrong += len(result.wrong)
            if args.files or result.wrong:
                print(f"  {path.name}: {result.right}/{result.cells} right, {result.flagged} flagged, {result.wrong[:3]}")
        wrong_anywhere |= wrong > 0
        print(f"{tool:18} {files:5d} {cells:6d} {right / max(cells, 1):8.2%} {flagged:8d} {wrong:6d}")
    return 1 if wrong_anywhere else 0


if __name__ == "__main__":
    sys.exit(main())
