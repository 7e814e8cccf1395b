"""Contracting parties of the convention(s) and their representatives."""
from __future__ import annotations

from typing import Any

from extractors.common import Context

PRODUCES = ("parties",)


def extract(ctx: Context) -> dict[str, Any]:
    return {"parties": []}
