"""Durations and periods of conventions."""
from __future__ import annotations

from typing import Any

from extractors.common import Context

PRODUCES = ("durations",)


def extract(ctx: Context) -> dict[str, Any]:
    return {"durations": []}
