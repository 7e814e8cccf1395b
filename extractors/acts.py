"""Act metadata: number, body, meeting date, title, president, votes, attendance, dates."""
from __future__ import annotations

from typing import Any

from extractors.common import Context

PRODUCES = ("acts",)


def extract(ctx: Context) -> dict[str, Any]:
    return {"acts": []}
