"""Items joined in groups by pairs of them (union-find): the rules of a PDF page that meet, the
stretches of a drawn table's lines that no rule parts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

T = TypeVar("T")


def connected(items: list[T], pairs: Iterable[tuple[int, int]]) -> list[list[T]]:
    """`items` in the groups that `pairs` (of their indices) join, each group in the items'
    order, the groups in the order of their first items."""
    parent = list(range(len(items)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in pairs:
        parent[root(b)] = root(a)
    groups: dict[int, list[T]] = {}
    for i, item in enumerate(items):
        groups.setdefault(root(i), []).append(item)
    return list(groups.values())
