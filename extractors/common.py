"""Helpers shared by every extractor: facts with quotes and spans, French numbers and dates.

Number words go through text2num (``text_to_num``) and date strings through dateparser:
libraries that already know French, rather than hand-written tables.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from models.document import ActSegment, ParsedDocument, SourceHint

FRENCH_MONTHS = {
    "janvier": 1, "janv": 1, "février": 2, "fevrier": 2, "févr": 2, "fevr": 2, "fév": 2, "mars": 3,
    "avril": 4, "avr": 4, "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "août": 8, "aout": 8,
    "septembre": 9, "sept": 9, "octobre": 10, "oct": 10, "novembre": 11, "nov": 11,
    "décembre": 12, "decembre": 12, "déc": 12, "dec": 12,
}
MONTH_RE = (r"(?:janvier|janv\.?|f[ée]vrier|f[ée]vr?\.?|mars|avril|avr\.?|mai|juin|juillet|juil\.?|"
            r"ao[uû]t|septembre|sept\.?|octobre|oct\.?|novembre|nov\.?|d[ée]cembre|d[ée]c\.?)")
# "1er janvier 2023", "1^{er} janvier 2023", "13 DÉCEMBRE 2022", "01/07/2021", "28/05/90"
DATE_RE = (r"(?:(?:\d{1,2}(?:\s*(?:\^\{er\}|er|ᵉʳ))?\s+" + MONTH_RE + r"\s+\d{4})"
           r"|(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})))")


@dataclass
class Context:
    """What every extractor receives. ``text`` has account numbers masked (same length as
    ``raw_text``); only the bank-account extractor may read ``raw_text``."""

    doc: ParsedDocument
    text: str
    raw_text: str
    acts: list[ActSegment] = field(default_factory=list)
    hint: SourceHint = field(default_factory=SourceHint)
    results: dict[str, Any] = field(default_factory=dict)  # outputs of earlier extractors


def quote(text: str, start: int, end: int, **fields: Any) -> dict[str, Any]:
    """A fact dict carrying its verbatim quote and ``[start, end)`` span."""
    # trim surrounding whitespace so the quote and span agree
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return {**fields, "text": text[start:end], "span": [start, end]}


def collapse(s: str) -> str:
    return " ".join(s.split())


def parse_decimal(s: str) -> Decimal | None:
    """'6 019 600,00' -> 6019600.00 ; '341 011.5' -> 341011.5 ; '1.464.183' -> 1464183."""
    s = re.sub(r"[\s\u202f\xa0]", "", s.strip())
    if "," in s and "." in s:
        dec_sep = "," if s.rfind(",") > s.rfind(".") else "."
        s = s.replace("." if dec_sep == "," else ",", "").replace(",", ".")
    elif s.count(",") > 1:
        s = s.replace(",", "")
    elif "," in s:
        s = s.replace(",", ".")
    elif s.count(".") > 1 or re.fullmatch(r"\d{1,3}\.\d{3}", s):
        s = s.replace(".", "")
    try:
        return Decimal(s)
    except InvalidOperation:
        return None


def money(d: Decimal) -> str:
    return str(d.quantize(Decimal("0.01")))


def count_str(d: Decimal | int | float) -> str:
    d = Decimal(str(d)).normalize()
    s = format(d, "f")
    return s


@functools.lru_cache(maxsize=256)
def number_word(word: str) -> int | None:
    """French number words ('trois', 'quatre', 'vingt-deux', 'un') via text2num."""
    from text_to_num import text2num

    w = word.strip().lower()
    if w in ("un", "une"):
        return 1
    try:
        return int(text2num(w, "fr"))
    except ValueError:
        return None


@functools.lru_cache(maxsize=4096)
def parse_date(s: str) -> date | None:
    """A French date string ('1er janvier 2023', '01/07/2021', 'jeudi 22 mai 2014') -> date."""
    s = collapse(s.replace("^{er}", "er").replace("ᵉʳ", "er"))
    m = re.search(r"(\d{1,2})\s*(?:er)?\s+(" + MONTH_RE + r")\s+(\d{4})", s, re.I)
    if m:
        key = m.group(2).lower().rstrip(".")
        month = FRENCH_MONTHS.get(key) or FRENCH_MONTHS.get(key[:4]) or FRENCH_MONTHS.get(key[:3])
        if month:
            try:
                return date(int(m.group(3)), month, int(m.group(1)))
            except ValueError:
                return None
    import dateparser

    dt = dateparser.parse(s, languages=["fr"], settings={
        "DATE_ORDER": "DMY", "REQUIRE_PARTS": ["day", "month", "year"], "PREFER_DAY_OF_MONTH": "first"})
    return dt.date() if dt else None


def iso(d: date | None) -> str | None:
    return d.isoformat() if d else None

