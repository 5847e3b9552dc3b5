"""Errors that carry a message for the person who gave us the file."""

from __future__ import annotations


class NianbaoError(Exception):
    """Base class; `message` is Chinese first, English after a slash."""

    exit_code = 2

    def __init__(self, message_zh: str, message_en: str = "") -> None:
        self.message_zh = message_zh
        self.message_en = message_en
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return f"{self.message_zh} / {self.message_en}" if self.message_en else self.message_zh


class UnreadableInput(NianbaoError):
    """The bytes cannot be read as a report at all (empty, binary junk, corrupt, encrypted)."""


class MissingDependency(NianbaoError):
    """A reader needs an external program or library that is not installed."""
