"""Mask account numbers in a text, keeping its length so that every span stays valid.

Only the redacted text is ever stored, printed or logged.
"""
from __future__ import annotations

from extractors.bank_accounts import find_account_spans

MASK = "*"


def redact(text: str) -> str:
    spans = find_account_spans(text)
    if not spans:
        return text
    chars = list(text)
    for start, end in spans:
        for i in range(start, end):
            if chars[i].isalnum():
                chars[i] = MASK
    return "".join(chars)
