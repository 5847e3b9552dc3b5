"""Integer path and query values bounded by what the database can hold.

An id beyond the column's range would reach the driver and fail there (SQLite: OverflowError
from 2**63; PostgreSQL: integer out of range from 2**31): 500 instead of "no such report".
Bounded here, such a value is a 422 naming the parameter; an id in range that does not
exist stays a 404.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query
from pydantic import Field

# Primary keys are SQLAlchemy `Integer`: 32-bit on PostgreSQL, the narrower of our databases.
MAX_ROW_ID = 2**31 - 1
# A correction is a count or an amount: beyond 2**53 a float no longer holds every integer exactly.
MAX_EXACT_VALUE = 2**53

ReportId = Annotated[int, Path(ge=1, le=MAX_ROW_ID, description="报告编号 / report id")]
AgencyId = Annotated[int, Path(ge=1, le=MAX_ROW_ID, description="机关编号 / agency id")]
PageNumber = Annotated[int, Path(ge=1, le=MAX_ROW_ID, description="页码（从 1 起）/ page number, from 1")]
Offset = Annotated[int, Query(ge=0, le=MAX_ROW_ID, description="跳过的条数 / rows to skip")]
# A cell value a person types (correction, fill-in form): finite, and exact as a float.
CellValue = Annotated[float, Field(ge=-MAX_EXACT_VALUE, le=MAX_EXACT_VALUE, allow_inf_nan=False)]
