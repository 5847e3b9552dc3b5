"""Helpers for tests of the web app through its test client."""

from __future__ import annotations

import re

_CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')


def csrf_token(client, path: str = "/login") -> str:
    """The CSRF token a page of the app hands its forms (the session's, so any page serves)."""
    found = _CSRF.search(client.get(path).text)
    assert found, f"no CSRF token on {path}"
    return found.group(1)
