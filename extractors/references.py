"""Acts cited in the 'Vu ...' clauses and the body: numbered délibérations, lois, décrets,
arrêtés and conventions, with their date when printed next to them.

An act is a reference only when its number is printed ("la loi n°2008-1249 du 1er décembre
2008"); unnumbered acts ("la délibération du 29 juillet 2021") are skipped, and so are the
document's own numbers (its acts, its registry heading). Code articles are never references.
The French vocabulary is data: ``KIND_WORDS``, ``NUMBER_MARK``, ``SKIP_BEFORE``.
"""
from __future__ import annotations

from typing import Any

import regex as re

from extractors.common import DATE_RE, Context, iso, parse_date, quote

PRODUCES = ("references",)

# word that names the act -> contract kind
KIND_WORDS: dict[str, str] = {
    r"d[ée]lib[ée]rations?": "deliberation",
    r"lois?": "loi",
    r"d[ée]crets?": "decret",
    r"arr[êe]t[ée]s?": "arrete",
    r"conventions?": "convention",
}
# "n°", "n °", "nº", "N°", "no", "numéro"
NUMBER_MARK = r"(?:n\s?[°º˚]|no\.?(?=\s*\d)|num[ée]ro)"
# what may stand between the act word and its number: qualifiers, dates, bodies, but no
# sentence end, no blank line, no quote, no other act word (the nearest one names the number)
GAP = r"(?:(?!\b(?:{words})\b|\bVu\b)(?:[^.;:«»\"\n]|\n(?!\s*\n))){{0,120}}?"
# an identifier as printed: "2021-257", "90/437", "DEL2025-73", "CB 24-07", "IC/2025/162",
# "2023.01989", "2014 / 171"; a hyphen may end a PDF line ("84-\n53")
IDENT = (r"(?:[A-Z]{1,6}[ ]?)?\d[\dA-Za-z]*(?:[ ]?[/.\-_][ \t]*\n?[ \t]*[\dA-Za-z]*\d[\dA-Za-z]*)*"
         r"|[A-Z]{1,6}[/\-]\d[\dA-Za-z]*(?:[/.\-_][\dA-Za-z]+)*")
# another number of the same act word: "n°21982510025 & n°22198210026", "n° 1 et 2"
MORE = rf"\s*(?:,|&|et)\s*(?:{NUMBER_MARK}\s*)?(?P<id>{IDENT})"
# text just before the act word that shows it is the document itself, not a citation
SKIP_BEFORE = [r"registre\s+des\s+$", r"extrait\s+(?:du\s+registre\s+)?des\s+$", r"pr[ée]sente\s+$"]
# a word that, once in the gap, means the number belongs to something else
GAP_STOPS = r"\b(?:articles?|code|avenant|annexe|page|dossier|rapport|lots?|march[ée]s?)\b"

_KIND_RE = "|".join(f"(?P<k{i}>{w})" for i, w in enumerate(KIND_WORDS))
_KINDS = list(KIND_WORDS.values())
_REF_RE = re.compile(
    rf"\b(?:{_KIND_RE})\b(?P<gap>{GAP.format(words='|'.join(KIND_WORDS))})\b{NUMBER_MARK}\s*(?P<id>{IDENT})", re.I | re.V1)
# an act word followed directly by its number, without "n°": "la loi 84-53 du 26 janvier 1984",
# "la délibération DEL2025-22 en date du ..." (two parts only: a date is never printed so)
# "convention 2015-2017", "loi 2014-2020": a period of years, not a number
YEAR_RANGE = r"(?:19|20)\d\d[-/](?:19|20)\d\d(?!\d)"
BARE_IDENT = r"(?!" + YEAR_RANGE + r")(?:(?-i:[A-Z]{1,5})\d{2,4}|\d{2,4})[-/.]\d{1,6}(?![-/.]?\d)"
_BARE_RE = re.compile(rf"\b(?:{_KIND_RE})[ \t]+(?P<gap>)(?P<id>{BARE_IDENT})", re.I | re.V1)
_MORE_RE = re.compile(MORE)
_DATE_AFTER_RE = re.compile(rf"^[^.;«»\"\n]{{0,60}}?(?P<d>{DATE_RE})", re.I)
_DATE_RE = re.compile(DATE_RE, re.I)
_SKIP_RE = [re.compile(p, re.I) for p in SKIP_BEFORE]
_GAP_STOP_RE = re.compile(GAP_STOPS, re.I)


def clean_identifier(raw: str) -> str:
    """The identifier as printed, minus line breaks and blanks around its separators."""
    ident = re.sub(r"\s*([/.\-_])\s*", r"\1", raw.strip())
    return ident.rstrip("./-_")


def own_numbers(ctx: Context) -> set[str]:
    """Numbers of the document's own acts (from the acts extractor and "(N°2022-298)" headings)."""
    nums = {clean_identifier(a.get("number") or "") for a in ctx.results.get("acts") or []}
    for m in re.finditer(r"^\s*\(\s*N\s*°\s*(" + IDENT + r")\s*\)", ctx.text, re.M):
        nums.add(clean_identifier(m.group(1)))
    return {n for n in nums if n}


def _kind(m: re.Match) -> str:
    return next(_KINDS[i] for i in range(len(_KINDS)) if m.group(f"k{i}"))


def _date_near(text: str, m: re.Match, end: int) -> str | None:
    """The date printed in the gap ("délibération du 23 novembre 2023, N°2023-125") or just after."""
    d = _DATE_RE.search(m.group("gap"))
    if not d:
        d = _DATE_AFTER_RE.search(text[end:end + 100])
        d = d and d.group("d")
    else:
        d = d.group(0)
    return iso(parse_date(d)) if d else None


def find_references(text: str, exclude: set[str] = frozenset()) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    matches = sorted([*_REF_RE.finditer(text), *_BARE_RE.finditer(text)], key=lambda m: m.start())
    for m in matches:
        before = text[max(0, m.start() - 40):m.start()]
        if any(rx.search(before) for rx in _SKIP_RE) or _GAP_STOP_RE.search(m.group("gap")):
            continue
        kind = _kind(m)
        ids = [(m.start("id"), m.end("id"))]
        pos = m.end()
        while (more := _MORE_RE.match(text, pos)) is not None:
            ids.append((more.start("id"), more.end("id")))
            pos = more.end()
        for s, e in ids:
            ident = clean_identifier(text[s:e])
            if not re.search(r"\d", ident) or ident in exclude or (kind, ident) in seen:
                continue
            seen.add((kind, ident))
            out.append(quote(text, m.start(), e, kind=kind, identifier=ident,
                             date=_date_near(text, m, e)))
    return out


def extract(ctx: Context) -> dict[str, Any]:
    return {"references": find_references(ctx.text, own_numbers(ctx))}
