"""Acts cited in the 'Vu ...' clauses and the body."""
from __future__ import annotations

from typing import Any

from extractors.common import Context

PRODUCES = ("references",)


def extract(ctx: Context) -> dict[str, Any]:
    return {"references": []}
