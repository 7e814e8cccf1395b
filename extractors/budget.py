"""Budget imputation tables -> ``budget_lines``; every table of the document -> ``document_tables``.

A budget table is one whose header names an operation code or an imputation and at least one
money column (``AE €``, ``Disponible €``, ``Dépense €`` / ``Proposition €``, ``Solde €``);
the header words are data (``data/budget_columns.json``). The imputation ``6568/93566`` is
decomposed with the official charts of accounts (``data/budget_charts.csv``, derived by
``scripts/derive_charts.py``): nature 6568, functional chapter 9356, function 566 (M52).

The helpers ``table_kind``, ``column_headers``, ``money_cell`` and ``CellLocator`` are shared
with the amounts extractor, which turns the money cells into amounts with quotes and spans.
"""
from __future__ import annotations

import csv
import functools
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from extractors.common import Context, money, parse_decimal, quote
from models.document import Table

PRODUCES = ("budget_lines", "document_tables")

DATA = Path(__file__).parent / "data"
_RULES = json.loads((DATA / "budget_columns.json").read_text(encoding="utf-8"))
COLUMNS: list[tuple[str, list[re.Pattern]]] = [
    (name, [re.compile(p, re.I) for p in pats]) for name, pats in _RULES["columns"]]
KEY_FIELDS = tuple(_RULES["key_fields"])
MONEY_FIELDS = tuple(_RULES["money_fields"])
MONEY_HEADER = re.compile("|".join(_RULES["money_header"]), re.I)
MONEY_CELL = re.compile(_RULES["money_cell"], re.I)
MONEY_CELL_BARE = re.compile(_RULES["money_cell_without_currency"])
CURRENCY = re.compile(r"€|\beuros?\b|\bEUR\b", re.I)
TEXT_HEADER_START = re.compile(_RULES["text_header_start"], re.I)
TEXT_MONEY_COLUMNS = [(f, re.compile(p, re.I)) for f, p in _RULES["text_money_columns"]]
TEXT_CODE, TEXT_IMPUTATION = _RULES["text_code_operation"], _RULES["text_imputation"]
_TEXT_MONEY = r"-?\d{1,3}(?:[ \u00a0\u202f.]\d{3})*,\d{2}"  # printed budget money: 6 019 600,00
IMPUTATION_CELL = re.compile(_RULES["imputation_cell"])
NOMENCLATURES = ("M52", "M57")
_NOMENCLATURE_MENTION = re.compile(r"\b(M52|M57)\b")


# ----------------------------------------------------------------------------- charts
@functools.lru_cache(maxsize=1)
def charts() -> dict[tuple[str, str, str], tuple[str, str]]:
    """(nomenclature, kind, code) -> (label, chapitre) from the derived chart CSV."""
    out: dict[tuple[str, str, str], tuple[str, str]] = {}
    with (DATA / "budget_charts.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            for nomen in row["nomenclature"].split():
                out[(nomen, row["kind"], row["code"])] = (row["label"], row["chapitre"])
    return out


def _label(nomen: str, kind: str, code: str | None) -> str | None:
    hit = charts().get((nomen, kind, code)) if code else None
    return hit[0] if hit else None


def _functional_chapter(nomen: str, code: str) -> str | None:
    """The longest functional chapter (``9356``, ``935``) that prefixes a functional account."""
    for n in range(len(code) - 1, 2, -1):
        if (nomen, "fonction_chapitre", code[:n]) in charts():
            return code[:n]
    return None


def _decompose_in(nomen: str, nature: str | None, func: str | None, chapter: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {"nature_code": nature, "fonction_code": func, "chapitre_code": chapter}
    if func and func[0] == "9" and len(func) >= 4:  # functional account: 93566 = 93 + function 566
        out["chapitre_code"] = chapter or _functional_chapter(nomen, func) or func[:3]
        out["fonction_code"] = func[2:]
    elif not chapter and nature:
        hit = charts().get((nomen, "nature", nature))
        out["chapitre_code"] = (hit[1] or None) if hit else None
    ch = out["chapitre_code"]
    out["nature_label"] = _label(nomen, "nature", nature)
    out["fonction_label"] = _label(nomen, "fonction", out["fonction_code"])
    out["chapitre_label"] = (_label(nomen, "fonction_chapitre", ch) or _label(nomen, "nature_chapitre", ch)
                             or _label(nomen, "nature", ch))
    return out


def decompose(imputation: str | None, prefer: tuple[str, ...] = NOMENCLATURES) -> dict[str, Any]:
    """``6568/93566`` -> nature 6568 (Autres participations), chapter 9356, function 566 (M52).
    Also ``65-6574-025`` (chapter, nature, function) and ``6574/025``."""
    keys = ("nature_code", "nature_label", "fonction_code", "fonction_label", "chapitre_code",
            "chapitre_label", "nomenclature")
    empty = dict.fromkeys(keys)
    parts = re.findall(r"\d+", imputation or "")
    if not parts:
        return empty
    chapter = None
    if len(parts) >= 3 and len(parts[0]) <= 3 < len(parts[1]):
        chapter, parts = parts[0], parts[1:]
    nature, func = parts[0], (parts[1] if len(parts) > 1 else None)
    if func and nature[0] == "9" and func[0] != "9":
        nature, func = func, nature
    best, best_score = None, 0
    for nomen in prefer:
        d = _decompose_in(nomen, nature, func, chapter)
        score = 2 * bool(d["nature_label"]) + 2 * bool(d["fonction_label"]) + bool(d["chapitre_label"])
        if score > best_score:
            best, best_score = {**d, "nomenclature": nomen}, score
    if best is None:
        return {**empty, "nature_code": nature, "fonction_code": func, "chapitre_code": chapter}
    return {k: best.get(k) for k in keys}


def nomenclature_preference(ctx: Context) -> tuple[str, ...]:
    """M52 is the départements' chart, M57 everyone else's (and the départements' since
    2024): an explicit mention wins, then the issuer's kind."""
    m = _NOMENCLATURE_MENTION.search(ctx.text)
    if m:
        first = m.group(1)
    else:
        issuer = ctx.results.get("issuer") or {}
        first = "M52" if issuer.get("kind") in (None, "departement") else "M57"
    return (first,) + tuple(n for n in NOMENCLATURES if n != first)


# ----------------------------------------------------------------------------- tables
def header_fields(header: list[str]) -> list[str | None]:
    """Each header cell -> the budget field it feeds, or None."""
    out: list[str | None] = []
    for cell in header:
        out.append(next((name for name, pats in COLUMNS if any(p.search(cell) for p in pats)), None))
    return out


def is_budget_header(header: list[str]) -> bool:
    fields = set(header_fields(header)) - {None}
    return bool(fields & set(KEY_FIELDS)) and bool(fields & set(MONEY_FIELDS))


def money_cell(cell: str, header_cell: str = "") -> bool:
    """A cell that is one amount: '488 061 €', or '6 019 600,00' under a money header."""
    cell = cell.strip()
    if not cell or not MONEY_CELL.match(cell):
        return False
    if CURRENCY.search(cell):
        return True
    return bool(MONEY_HEADER.search(header_cell)) and bool(MONEY_CELL_BARE.search(cell))


def is_header_row(row: list[str]) -> bool:
    """A header repeated or restarted inside the rows (sub-tables of one ruled grid)."""
    filled = [c for c in row if c.strip()]
    return len(filled) >= 2 and not any(re.search(r"\d", c) for c in filled[1:]) \
        and any(MONEY_HEADER.search(c) or header_fields([c])[0] for c in filled[1:])


def column_headers(table: Table) -> list[tuple[list[str], list[str]]]:
    """Each row with the header in force for it (a header row inside the rows takes over)."""
    header = table.header
    out = []
    for row in table.rows:
        if is_header_row(row):
            header = row
            continue
        out.append((header, row))
    return out


def table_kind(table: Table) -> str:
    if is_budget_header(table.header) or any(is_budget_header(r) for r in table.rows if is_header_row(r)):
        return "budget"
    for header, row in [(table.header, table.header)] + column_headers(table):
        for i, cell in enumerate(row):
            if money_cell(cell, header[i] if i < len(header) and header is not row else ""):
                return "cost"
    return "other"


@functools.lru_cache(maxsize=4096)
def _cell_pattern(cell: str) -> re.Pattern | None:
    """A cell's words, whatever the whitespace between them in the text."""
    if not cell:
        return None
    return re.compile(r"(?<![\w,.])" + r"\s+".join(re.escape(t) for t in cell.split()) + r"(?![\w,])")


class CellLocator:
    """Finds the cells of one table in ``ctx.text``, in reading order: within the table's span
    (tables from text) or its page (tables from PDF)."""

    def __init__(self, ctx: Context, table: Table):
        self.text = ctx.text
        if table.span:
            self.lo, self.hi = table.span
        elif table.page and 0 < table.page <= len(ctx.doc.pages):
            page = ctx.doc.pages[table.page - 1]
            self.lo, self.hi = page.start, page.end
        else:
            self.lo, self.hi = 0, len(ctx.text)
        self.cursor = self.lo
        for cell in table.header:  # the cells follow their header
            if cell.strip() and self.find(cell):
                break

    def find(self, cell: str) -> tuple[int, int] | None:
        pat = _cell_pattern(" ".join(cell.split()))
        if pat is None:
            return None
        m = pat.search(self.text, self.cursor, self.hi) or pat.search(self.text, self.lo, self.hi)
        if not m:
            return None
        self.cursor = m.end()
        return m.start(), m.end()


def _amount(cell: str) -> str | None:
    s = re.sub(r"(€|euros?|EUR|HT|TTC|['’])", "", cell, flags=re.I).strip()
    d = parse_decimal(s.lstrip("+").replace(" ", "")) if s else None
    return money(d) if isinstance(d, Decimal) else None


def _row_quote(loc: CellLocator, row: list[str]) -> dict[str, Any]:
    """The row's verbatim text and span, from its first to its last cell found in the text."""
    hits = [h for h in (loc.find(c) for c in row if c.strip()) if h]
    if not hits:
        return {}
    return quote(loc.text, min(h[0] for h in hits), max(h[1] for h in hits))


def _lines_of(ctx: Context, table: Table, prefer: tuple[str, ...]) -> list[dict[str, Any]]:
    lines = []
    loc = CellLocator(ctx, table)
    header = table.header
    fields = header_fields(header)
    for row in table.rows:
        if is_header_row(row):
            header, fields = row, header_fields(row)
            continue
        if not is_budget_header(header):
            continue
        rec: dict[str, Any] = dict.fromkeys(("code_operation", "imputation", "libelle") + MONEY_FIELDS)
        for field, cell in zip(fields, row):
            if field is None or not cell.strip():
                continue
            if field in MONEY_FIELDS:
                rec[field] = rec[field] or _amount(cell)
            else:
                rec[field] = rec[field] or " ".join(cell.split())
        if rec["imputation"] and not re.search(r"\d", rec["imputation"]):
            rec["imputation"] = None  # 'TOTAL', 'Sous-total': not an account
        if rec["imputation"] and (m := IMPUTATION_CELL.match(rec["imputation"])):
            rec["imputation"] = re.sub(r"\s+", "", m.group("code"))
            rec["libelle"] = rec["libelle"] or m.group("label").strip()
        if not any(rec[f] for f in MONEY_FIELDS) or not any(rec[f] for f in KEY_FIELDS):
            continue  # a total or an empty row
        rec["page"] = table.page
        rec.update(decompose(rec["imputation"], prefer))
        rec.update(_row_quote(loc, row))
        lines.append(rec)
    return lines


def _dedupe_tables(tables: list[Table]) -> list[Table]:
    seen, out = set(), []
    for t in tables:
        key = (t.page, tuple(t.header), tuple(map(tuple, t.rows)))
        if key not in seen:
            seen.add(key)
            out.append(t)
    return out


@functools.lru_cache(maxsize=8)
def _text_row_re(n_money: int) -> re.Pattern:
    return re.compile(rf"(?P<code>{TEXT_CODE})?\s*(?P<imp>{TEXT_IMPUTATION})\s+(?P<lib>[^\d\s][\s\S]{{0,200}}?)\s+"
                      rf"(?P<nums>{_TEXT_MONEY}(?:\s+{_TEXT_MONEY}){{{n_money - 1}}})(?![\d,])")


def text_layout_tables(ctx: Context) -> list[Table]:
    """Budget tables a PDF prints without rules, rebuilt from the text of the pages where no
    budget table was found: the header words in reading order, then the rows
    'code imputation libellé amount...' (the libellé may wrap over lines)."""
    if ctx.doc.media_type != "application/pdf":
        return []
    done = {t.page for t in ctx.doc.tables if table_kind(t) == "budget"}
    out: list[Table] = []
    for m in TEXT_HEADER_START.finditer(ctx.text):
        page = ctx.doc.page_at(m.start())
        if page in done or (out and out[-1].span and m.start() < out[-1].span[1]):
            continue
        window = ctx.text[m.start():m.start() + 300]
        cols = sorted((c.start(), c.end(), f) for f, p in TEXT_MONEY_COLUMNS for c in [p.search(window)] if c)
        if not cols:
            continue
        pos = m.start() + max(e for _, e, _ in cols)
        row_re = _text_row_re(len(cols))
        rows, end = [], pos
        while (r := row_re.search(ctx.text, pos, pos + 400)) and not ctx.text[pos:r.start()].strip():
            rows.append([r.group("code") or "", r.group("imp"), " ".join(r.group("lib").split())]
                        + re.findall(_TEXT_MONEY, r.group("nums")))
            pos = end = r.end()
        if rows:
            header = ["Code Opération", "Imputation Budgétaire", "Libellé Opération"] + [
                " ".join(window[s:e].split()) for s, e, _ in cols]
            out.append(Table(page=page, header=header, rows=rows, span=(m.start(), end), source="pdf-text"))
    return out


def all_tables(ctx: Context) -> list[Table]:
    """The parsed tables (duplicates dropped) and the budget tables rebuilt from PDF text."""
    return _dedupe_tables(ctx.doc.tables) + text_layout_tables(ctx)


def _table_span(ctx: Context, table: Table) -> list[int] | None:
    if table.span:
        return list(table.span)
    loc = CellLocator(ctx, table)
    loc.cursor = loc.lo
    hits = [loc.find(c) for c in table.header + [c for r in table.rows for c in r] if c.strip()]
    hits = [h for h in hits if h]
    return [min(h[0] for h in hits), max(h[1] for h in hits)] if hits else None


def extract(ctx: Context) -> dict[str, Any]:
    prefer = nomenclature_preference(ctx)
    lines: list[dict[str, Any]] = []
    doc_tables: list[dict[str, Any]] = []
    for table in all_tables(ctx):
        kind = table_kind(table)
        if kind == "budget":
            lines.extend(_lines_of(ctx, table, prefer))
        doc_tables.append({"page": table.page, "header": list(table.header),
                           "rows": [list(r) for r in table.rows], "kind": kind,
                           "span": _table_span(ctx, table)})
    return {"budget_lines": lines, "document_tables": doc_tables}
