"""Amounts in euros with their role."""
from __future__ import annotations

from typing import Any

from extractors.common import Context

PRODUCES = ("amounts",)


def extract(ctx: Context) -> dict[str, Any]:
    return {"amounts": []}
