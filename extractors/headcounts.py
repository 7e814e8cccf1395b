"""Headcounts of staff: ETP, postes, personnes."""
from __future__ import annotations

from typing import Any

from extractors.common import Context

PRODUCES = ("headcounts",)


def extract(ctx: Context) -> dict[str, Any]:
    return {"headcounts": []}
