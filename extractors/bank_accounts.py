"""Bank accounts (IBAN / French RIB): found, validated, masked, fingerprinted.

Also gives the pipeline ``find_account_spans`` so that account numbers are masked in the
text before any other extractor, store or log sees it.
"""
from __future__ import annotations

import re
from typing import Any

from extractors.common import Context

PRODUCES = ("bank_accounts",)

# baseline detectors (replaced by the full extractor)
IBAN_RE = re.compile(r"\bFR\d{2}(?:[ \-]?[0-9A-Z]{1,4}){5,7}\b")
RIB_RE = re.compile(r"\b\d{5}[\s\-]{0,3}\d{5}[\s\-]{0,3}[0-9A-Z]{11}[\s\-]{0,3}\d{2}\b")


def find_account_spans(text: str) -> list[tuple[int, int]]:
    spans = [m.span() for m in IBAN_RE.finditer(text)] + [m.span() for m in RIB_RE.finditer(text)]
    return sorted(spans)


def extract(ctx: Context) -> dict[str, Any]:
    return {"bank_accounts": []}
