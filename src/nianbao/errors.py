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


# A native library out of memory says so in its own words (onnxruntime: "std::bad_alloc",
# "Failed to allocate memory"): the person is told the file needed too much memory.
_OUT_OF_MEMORY_WORDS = ("bad_alloc", "failed to allocate", "out of memory")
# An internal error's own text is cut to its first line and this many characters: a native
# library's message may carry its whole stack, which is no message for a person.
_INTERNAL_DETAIL_CHARS = 160


def internal_error_message(exc: BaseException) -> str:
    """What a person is told when parsing a file failed by a fault of ours or of a library:
    one line, no traceback."""
    detail = (str(exc).strip().splitlines() or [""])[0][:_INTERNAL_DETAIL_CHARS]
    if any(word in str(exc).lower() for word in _OUT_OF_MEMORY_WORDS):
        return f"解析失败（内存不足：{type(exc).__name__}）/ out of memory while parsing"
    return f"解析失败（内部错误 {type(exc).__name__}: {detail}）/ internal error"
