"""Command line.  `app` is made in `common`; each module below registers its commands on it."""

# Imported in the order `nianbao --help` lists the commands.
from . import parse, check, render, store, hand_entry, score, roster, region, agency, review, accounts, web  # noqa: F401,I001  (registers the commands)
from .common import app

__all__ = ["app", "main"]


def main() -> None:  # pragma: no cover - console entry point
    app()
