"""Amounts in euros with their role.

Three sources, one item each ``{"value","currency","text","span","page","role"}``:

* the text: a number followed by a euro mark (``198 000 euros``, ``341 011.5 €``,
  ``2,5 M€``, ``-8’355,59€``, ``2.500.000,00 EUR``);
* amounts written in words (``deux cent mille euros``), read by text2num;
* the money cells of tables (``6 019 600,00`` under ``AE €``), located in the text.

A number without a euro mark outside a money column is not an amount: percentages, rates,
surfaces, article or account numbers, phone numbers, centimes. The role comes from the column
header for a cell, else from the words right after and before the amount; the French
keywords are data (``data/amounts_rules.json``).
"""
from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from extractors import budget
from extractors.common import Context, money, number_word, parse_decimal

PRODUCES = ("amounts",)

_RULES = json.loads((Path(__file__).parent / "data" / "amounts_rules.json").read_text(encoding="utf-8"))
MULTIPLIERS: dict[str, Decimal] = {k: Decimal(v) for k, v in _RULES["multipliers"].items()}
CODE_BEFORE = re.compile(_RULES["code_before"], re.I)
CONTEXT_CHARS: int = _RULES["context_chars"]
CLAUSE_BREAK = re.compile(_RULES["clause_break"])


def _compile_roles(rows: list) -> list[tuple[str, re.Pattern]]:
    return [(role, re.compile(p if isinstance(p, str) else "|".join(p), re.I)) for role, p in rows]


AFTER_ROLES = _compile_roles(_RULES["after_roles"])
CONTEXT_ROLES = _compile_roles(_RULES["context_roles"])
HEADER_ROLES = _compile_roles(_RULES["header_roles"])
ROW_ROLES = _compile_roles(_RULES["row_roles"])
SUBSIDY_TABLE = re.compile("|".join(_RULES["subsidy_table_header"]), re.I)

_SEP = r"[ \u00a0\u202f.'’]"
_GAP = r"[ \t\u00a0\u202f]*\n?[ \t\u00a0\u202f]*"


def number_re(sep: str) -> str:
    """A number: grouped thousands ('6 019 600', '2.500.000', '20’000') or plain digits
    (no leading zero), then decimals; ``sep`` separates the thousands."""
    return (r"(?<![\d.,’'/-])(?P<sign>-)?(?P<num>[1-9]\d{0,2}(?:" + sep + r"\d{3})+(?:,\s?\d{2}(?!\d)|[.,]\d{1,2})?"
            r"|0(?:[.,]\d{1,6})?|[1-9]\d*(?:,\s?\d{2}(?!\d)|[.,]\d{1,2})?)(?![\d])")


NUMBER = number_re(_SEP)
CURRENCY = (r"(?:(?P<mult>milliards?|millions?|Mds?|M|[kK])" + _GAP + r"(?:d['’]\s*)?)?"
            r"(?:€|euros?\b|EUR\b)")
AMOUNT_RE = re.compile(NUMBER + _GAP + CURRENCY)
# PDF text layers wrap lines anywhere, even between the thousands of one number ('550\n000 €')
# ('26 \n927,85 € HT': a space may stay before the line break)
_WRAP = r"[ \t\u00a0\u202f]*\n"
AMOUNT_RE_WRAPPED = re.compile(number_re(r"(?:" + _SEP + r"|" + _WRAP + r")") + _GAP + CURRENCY)
# unit prices below one euro keep up to six decimals ('0,05032 € / m3'); a leading 0 is no thousands group
SMALL_PRICE = re.compile(r"0[.,](\d{1,6})")

_WORD = (r"(?:z[ée]ro|une?|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|"
         r"quinze|seize|vingts?|trente|quarante|cinquante|soixante|cents?|mille|millions?|milliards?)")
WORDS_RE = re.compile(r"(?<![\w-])(?P<words>" + _WORD + r"(?:(?:[\s-]+|\s+et\s+|-et-)" + _WORD + r")*)"
                      r"\s+(?:d['’]\s*)?euros?\b", re.I)


def parse_words(words: str) -> Decimal | None:
    """'deux cent mille' -> 200000 (French number words, through text2num)."""
    n = number_word(" ".join(words.split()))
    return Decimal(n) if n is not None else None


def _number(num: str) -> Decimal | None:
    small = SMALL_PRICE.fullmatch(num)
    if small:
        return Decimal("0." + small.group(1))
    return parse_decimal(re.sub(r"['’\n]", "", num).replace(", ", ","))


def _money(value: Decimal) -> str:
    """'198000.00'; a unit price with more than two decimals keeps them ('0.05032')."""
    if value.as_tuple().exponent < -2 and value != value.quantize(Decimal("0.01")):
        return format(value.normalize(), "f")
    return money(value)


def _value(m: re.Match) -> Decimal | None:
    d = _number(m.group("num"))
    if d is None:
        return None
    mult = m.group("mult")
    if mult:
        d *= MULTIPLIERS.get(mult.lower(), Decimal(1))
    return -d if m.group("sign") else d


def role_from_context(text: str, start: int, end: int, floor: int = 0) -> str:
    """Role of an amount at [start, end): words right after it, then the clause before it
    (back to the previous amount or sentence break)."""
    after = text[end:end + 40]
    for role, pat in AFTER_ROLES:
        if pat.search(after):
            return role
    lo = max(floor, start - CONTEXT_CHARS)
    before = text[lo:start]
    breaks = list(CLAUSE_BREAK.finditer(before))
    if breaks:
        before = before[breaks[-1].end():]
    for role, pat in CONTEXT_ROLES:
        if pat.search(before):
            return role
    return "other"


def role_from_header(header_cell: str, row_label: str, header: list[str]) -> str | None:
    for role, pat in ROW_ROLES:
        if pat.search(row_label):
            return role
    for role, pat in HEADER_ROLES:
        if pat.search(header_cell):
            return role
    if any(SUBSIDY_TABLE.search(h) for h in header):
        return "subsidy"
    return None


def _item(ctx: Context, value: Decimal, start: int, end: int, role: str) -> dict[str, Any]:
    text = ctx.text
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return {"value": _money(value), "currency": "EUR", "text": text[start:end], "span": [start, end],
            "page": ctx.doc.page_at(start), "role": role}


def _cell_value(cell: str) -> Decimal | None:
    m = AMOUNT_RE.search(cell)
    if m:
        return _value(m)
    m = re.search(NUMBER, cell)
    if not m:
        return None
    d = _number(m.group("num"))
    return -d if d is not None and m.group("sign") else d


def table_amounts(ctx: Context) -> list[dict[str, Any]]:
    """Money cells of every table, located in the text, with the role of their column."""
    out = []
    for table in budget.all_tables(ctx):
        loc = budget.CellLocator(ctx, table)
        for header, row in budget.column_headers(table):
            label = row[0] if row else ""
            for i, cell in enumerate(row):
                head = header[i] if i < len(header) else ""
                if not budget.money_cell(cell, head):
                    continue
                value, span = _cell_value(cell), loc.find(cell)
                if value is None or span is None:
                    continue
                role = role_from_header(head, label, header) or role_from_context(ctx.text, *span)
                out.append(_item(ctx, value, span[0], span[1], role))
    return out


def text_amounts(ctx: Context) -> list[dict[str, Any]]:
    text = ctx.text
    out = []
    prev_end = 0
    pattern = AMOUNT_RE_WRAPPED if ctx.doc.media_type == "application/pdf" else AMOUNT_RE
    for m in pattern.finditer(text):
        start = m.start("sign") if m.group("sign") else m.start("num")
        num = m.group("num")
        head = re.match(r"\d{1,3}(?:" + _SEP + r"|" + _WRAP + r")", num)
        if head and CODE_BEFORE.search(text[max(0, start - 20):start]):
            # 'Chapitre 20 675 000.00 €': the first group is the chapter, not thousands
            start += head.end()
            rest = re.match(NUMBER, text[start:m.end()])
            d = _number(rest.group("num")) if rest else None
            value = d * MULTIPLIERS.get((m.group("mult") or "").lower(), Decimal(1)) if d is not None else None
        else:
            value = _value(m)
        if value is None:
            continue
        out.append(_item(ctx, value, start, m.end(), role_from_context(text, start, m.end(), prev_end)))
        prev_end = m.end()
    for m in WORDS_RE.finditer(text):
        value = parse_words(m.group("words"))
        if value is not None and value > 0:
            out.append(_item(ctx, value, m.start(), m.end(), role_from_context(text, m.start(), m.end())))
    return out


def extract(ctx: Context) -> dict[str, Any]:
    cells = table_amounts(ctx)
    taken = [tuple(a["span"]) for a in cells]

    def overlaps(span: list[int]) -> bool:
        return any(s < span[1] and span[0] < e for s, e in taken)

    items = cells + [a for a in text_amounts(ctx) if not overlaps(a["span"])]
    seen: set[tuple[int, int]] = set()
    unique = []
    for a in sorted(items, key=lambda a: a["span"]):
        key = tuple(a["span"])
        if key not in seen:
            seen.add(key)
            unique.append(a)
    return {"amounts": unique}
