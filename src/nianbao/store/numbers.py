"""The column type of a stored value: the number as printed, exactly (docs/storage.md "Exact decimals").

PostgreSQL keeps it as NUMERIC, an exact decimal, so its own sums (`sum(value)` in SQL) are exact.
SQLite has no decimal type (a NUMERIC column stores a fraction as a binary double all the same),
so there it stays a double: a value has at most 15 significant digits, which a double holds
exactly enough that `values.exact` gives the printed decimal back.  Python code sees the parser's
types on both (ints for whole numbers, floats otherwise) and adds money up with `values.exact`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Float, Numeric
from sqlalchemy.types import TypeDecorator

from ..values import exact, plain


class ExactNumber(TypeDecorator):
    """NUMERIC (unconstrained: any scale, as printed) on PostgreSQL, FLOAT on SQLite."""

    impl = Numeric
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(Float())
        return dialect.type_descriptor(Numeric(asdecimal=True))

    def process_bind_param(self, value: Any, dialect) -> Any:
        if value is None or isinstance(value, bool):
            return value
        number = exact(value)
        # SQLite's driver takes no Decimal; the float it is given prints back as the decimal.
        return plain(number) if dialect.name == "sqlite" else number

    def process_result_value(self, value: Any, dialect) -> int | float | None:
        if value is None:
            return None
        return plain(value if isinstance(value, Decimal) else exact(value))
