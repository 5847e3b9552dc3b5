"""What a parse of an original knows beyond the stored cells, kept beside the original.

The store keeps each cell with its location (offsets into the printed text), and the report's
sections.  A report page also needs the printed text itself (the read-text pane), the tables'
states and the parser's warnings (the re-checks).  Reading the original again gives them, but a
scan is read by OCR, seconds a page: a report page that re-read its scan took longer than a
browser waits.  So the parse that stored a report leaves its *reading* here, one small gzipped
JSON file per document and parser version, and later pages, panes and re-checks load it.

Keyed by the parser version as well as the document's hash: the cells stored by one version
point into that version's text, and another version's rows get their own reading.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from typing import Any

from ..files import write_atomic
from ..model import Report, SectionFound, Warning

# The folder under the originals' folder; other derived files (page images) have theirs.
FOLDER = "readings"
# Bumped when the file's shape changes: a reading of another shape is read afresh, not trusted.
SHAPE = 1


def reading_of(report: Report) -> dict[str, Any]:
    """The parts of a parse the store does not keep, as plain JSON data."""
    return {
        "shape": SHAPE,
        "text": report.printed,
        "tables": dict(report.table_status),
        "warnings": [w.to_dict() for w in report.warnings],
        "sections": [s.to_dict() for s in report.sections],
    }


def report_of(reading: dict[str, Any]) -> Report:
    """A report carrying a reading's parts (no cells: those are the store's)."""
    return Report(
        printed=reading.get("text"),
        table_status=dict(reading.get("tables") or {}),
        warnings=[Warning(w.get("code", ""), w.get("message", ""), w.get("message_en", ""), list(w.get("cells") or ()))
                  for w in reading.get("warnings") or ()],
        sections=[SectionFound.from_dict(s) for s in reading.get("sections") or ()],
    )


def path_for(folder: Path, sha256: str, parser_version: str) -> Path:
    # A version is a package version ("0.9.0", "0.9.0+local"); anything else is made file-safe.
    version = re.sub(r"[^0-9A-Za-z.+-]", "_", parser_version)[:64]
    return folder / FOLDER / f"{sha256}.{version}.json.gz"


def load(folder: Path, sha256: str, parser_version: str) -> Report | None:
    """The stored reading as a report, or None when there is none or it cannot be trusted
    (damaged, another shape): the caller then parses the original again."""
    try:
        reading = json.loads(gzip.decompress(path_for(folder, sha256, parser_version).read_bytes()))
    except (OSError, EOFError, ValueError):
        return None
    if not isinstance(reading, dict) or reading.get("shape") != SHAPE:
        return None
    try:
        return report_of(reading)
    except (AttributeError, TypeError, KeyError):
        return None


def save(folder: Path, sha256: str, parser_version: str, reading: dict[str, Any]) -> None:
    """Write a reading atomically (a concurrent reader never sees half a file).  A folder that
    cannot be written to costs only speed, so it is not an error."""
    path = path_for(folder, sha256, parser_version)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, gzip.compress(json.dumps(reading, ensure_ascii=False).encode("utf-8"), compresslevel=6))
    except OSError:
        pass
