"""The issuing collectivity's département (text, else manifest, else inferred) and issuer."""
from __future__ import annotations

from typing import Any

from extractors.common import Context

PRODUCES = ("departement", "issuer")


def extract(ctx: Context) -> dict[str, Any]:
    return {"departement": None, "issuer": None}
