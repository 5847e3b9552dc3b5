"""Passwords never printed: database URLs in messages, the CLI's and the web app's.

`postgresql://user:secret@host/db` is shown as `postgresql://user:***@host/db`.  A message
that quotes the URL (an unparsable URL, a driver error) is masked as a whole: every
`scheme://user:password@` in it, and the password itself wherever else it appears.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

MASK = "***"
_CREDENTIALS = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.\-]*://[^\s/:@]*:)(?P<password>[^\s@/]*)@")


def _password(target: str) -> str | None:
    match = _CREDENTIALS.search(target)
    if match is None:
        try:
            return urlsplit(target).password
        except ValueError:
            return None
    return match.group("password") or None


def mask_url(target: str) -> str:
    """A database target fit to print: the password replaced by ***."""
    return _CREDENTIALS.sub(lambda m: f"{m.group('head')}{MASK}@", str(target))


def redact(text: str, target: str | None) -> str:
    """`text` with the password of `target` (a database URL) masked wherever it appears."""
    text = mask_url(text)
    password = _password(str(target)) if target else None
    for form in {password, unquote(password)} if password else ():
        if len(form) >= 3:  # a one- or two-letter password would mask unrelated words
            text = text.replace(form, MASK)
    return text
