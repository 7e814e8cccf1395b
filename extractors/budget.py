"""Budget imputation tables (and other tables for document_tables)."""
from __future__ import annotations

from typing import Any

from extractors.common import Context

PRODUCES = ("budget_lines",)


def extract(ctx: Context) -> dict[str, Any]:
    return {"budget_lines": []}
