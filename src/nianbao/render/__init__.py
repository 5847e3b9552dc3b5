"""Writing reports: canonical data → the official document (DOCX, HTML, Markdown, text)."""

from __future__ import annotations

from typing import Any

from .content import Document, build

FORMATS = ("docx", "html", "md", "text")


def render(data: dict[str, Any], fmt: str) -> bytes:
    """Render validated canonical data (see nianbao.inputs) to the bytes of one format."""
    document = build(data)
    if fmt == "docx":
        from .docx import render as render_docx

        return render_docx(document)
    if fmt == "html":
        from .html import render as render_html

        return render_html(document).encode("utf-8")
    if fmt == "md":
        from .markdown import render as render_md

        return render_md(document).encode("utf-8")
    if fmt == "text":
        from .text import render as render_text

        return render_text(document).encode("utf-8")
    raise ValueError(f"unknown format {fmt}")


__all__ = ["FORMATS", "Document", "build", "render"]
