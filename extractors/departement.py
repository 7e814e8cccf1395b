"""The issuing collectivity's département (text, else manifest, else inferred) and issuer.

Evidence, in order:
1. text: a header naming the département ("DEPARTEMENT DU PAS-DE-CALAIS", "Conseil
   départemental des Bouches-du-Rhône") near the top, or the ACTES identifier of the act
   ("034-213401722-20140522-...-DE": its first three digits are the département);
2. manifest: ``ctx.hint`` (the sources manifest);
3. inferred: the postal codes of the text, then the départements it names anywhere.
The 101 départements are data (``data/departements.csv``).
"""
from __future__ import annotations

import csv
import functools
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

import regex as re

from extractors.common import Context

PRODUCES = ("departement", "issuer")

DATA = Path(__file__).parent / "data" / "departements.csv"
HEAD_CHARS = 3000  # where a header naming the issuing département is looked for
# "Département du Nord", "Conseil départemental de l'Ain", "Conseil général des Landes"
HEADER = r"\b(?:departement|conseil departemental|conseil general)\s+(?:du|des|de la|de l|de|d)\s+(?P<name>{names})\b"
# any mention of a département with its article, as printed ("de l'Oise"; not "de la somme"),
# for inference only; "Pays de la Loire", "Centre-Val de Loire" are regions
MENTION = r"(?<!Pays\s)(?<!Val\s)\b(?:du|des|de\s+la|de\s+l['’]|de|d['’]|en)\s*(?P<name>{names})\b"
ACTES_ID = r"\b(?P<dep>\d{2}[\dAB])-\d{9}-\d{8}-[\w.-]+-(?:DE|AR|AI|CC|BF|AU)\b"
# "60350 Pierrefonds", "BP 12 - 62018 ARRAS Cedex": a postal code before a capitalized town
POSTAL_CODE = r"(?<![Nn]°\s?)(?<![Nn]°)(?<!\b(?:[Bb]udget|BUDGET|[Aa]nnexe|[Cc]ompte|[Aa]rticle)\s)\b(?P<cp>(?:0[1-9]|[1-8]\d|9[0-5])\d{3}|97[1-6]\d{2})\s+(?=[A-ZÀ-Ý][\w'’-]+)"
# issuer: kind and how its name is printed
ISSUERS: list[tuple[str, str]] = [
    ("epci", r"\b(?:Communaut[ée]\s+(?i:de\s+communes|d['’]agglom[ée]ration|urbaine)|M[ée]tropole|"
             r"Syndicat\s+(?i:mixte|intercommunal))\b(?:\s+(?:du|des|de\s+la|de\s+l['’]|de|d['’])\s*|\s+)"
             r"[A-ZÀ-Ý][\w'’-]*(?:\s+(?:(?:de|du|des|la|le|l['’]|et|d['’])\s*)?[A-ZÀ-Ý][\w'’-]*){0,5}"),
    ("commune", r"\b(?:Ville|Commune|Mairie)\s+(?:de\s+|d['’])\s*[A-ZÀ-Ý][\w'’-]*(?:[ -](?:(?:sur|sous|en|lès|les|le|la|de|du|des|d['’])[ -])?[A-ZÀ-Ý][\w'’-]*){0,4}"),
    ("region", r"\bR[ée]gion\s+[A-ZÀ-Ý][\w'’-]*(?:[ -][A-ZÀ-Ý][\w'’-]*){0,3}"),
]
# which issuer kind a deliberating body belongs to (from the acts extractor)
BODY_KIND = {
    "commission_permanente": None,  # of a département or of a région
    "conseil_departemental": "departement",
    "conseil_regional": "region",
    "conseil_municipal": "commune",
    "conseil_communautaire": "epci",
    "bureau": "epci",
}


def fold(s: str) -> str:
    """Lower case, no accents, hyphens and apostrophes as spaces (offsets are not kept)."""
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c)).casefold()
    return re.sub(r"[\s\-'’]+", " ", s)


@functools.lru_cache(maxsize=1)
def departements() -> dict[str, str]:
    """code -> name of the 101 départements."""
    with DATA.open(encoding="utf-8") as f:
        return {row["code"]: row["name"] for row in csv.DictReader(f)}


@functools.lru_cache(maxsize=1)
def _by_folded_name() -> dict[str, str]:
    return {fold(name): code for code, name in departements().items()}


def _printed(name: str) -> str:
    """A pattern for a département name as printed: hyphens or spaces, either apostrophe."""
    return "".join(r"[-\s]+" if c in "- " else "['’]" if c in "'’" else re.escape(c) for c in name)


@functools.lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern, re.Pattern]:
    folded = "|".join(re.escape(n) for n in sorted(_by_folded_name(), key=len, reverse=True))
    printed = "|".join(_printed(n) for n in sorted(departements().values(), key=len, reverse=True))
    return re.compile(HEADER.format(names=folded)), re.compile(MENTION.format(names=printed))


def _dep(code: str, evidence: str) -> dict[str, str] | None:
    name = departements().get(code)
    return {"code": code, "name": name, "evidence": evidence} if name else None


def _actes_code(raw: str) -> str:
    """'034' -> '34', '02A' -> '2A', '971' -> '971'."""
    return raw[1:] if raw.startswith("0") else raw


def from_text(text: str) -> dict[str, str] | None:
    header, _mention = _patterns()
    m = header.search(fold(text[:HEAD_CHARS]))
    if m:
        return _dep(_by_folded_name()[m.group("name")], "text")
    m = re.search(ACTES_ID, text)
    if m:
        return _dep(_actes_code(m.group("dep")), "text")
    return None


def inferred(text: str) -> dict[str, str] | None:
    """The département most often pointed at by the text's postal codes and by the
    départements it names ("de l'Oise")."""
    votes: Counter = Counter()
    for m in re.finditer(POSTAL_CODE, text):
        cp = m.group("cp")
        votes[cp[:3] if cp.startswith("97") else cp[:2]] += 1
    votes.pop("20", None)  # Corsica: 2A or 2B cannot be told from the postal code
    _header, mention = _patterns()
    votes.update(_by_folded_name()[fold(m.group("name"))] for m in mention.finditer(text))
    if votes:
        return _dep(votes.most_common(1)[0][0], "inferred")
    return None


def _article(text: str, name: str) -> str:
    """The article the text puts before the département's name ("du ", "de l'", ...)."""
    m = re.search(r"\b(du|des|de\s+la|de\s+l['’]|de|d['’])\s*" + _printed(name) + r"\b", text, re.I)
    if not m:
        return "de l'" if fold(name)[0] in "aeiouy" else "de "
    art = " ".join(m.group(1).lower().split()).replace("’", "'")
    return art if art.endswith("'") else art + " "


def issuer(text: str, dep: dict[str, str] | None, bodies: list[str | None]) -> dict[str, str] | None:
    kinds = [BODY_KIND.get(b) for b in bodies if b]
    kind = next((k for k in kinds if k), None)
    if kind is None and "commission_permanente" in bodies:
        kind = "region" if re.search(r"conseil\s+r[ée]gional", text[:HEAD_CHARS], re.I) else "departement"
    if kind == "departement":
        if not dep:
            return None
        return {"name": f"Département {_article(text, dep['name'])}{dep['name']}", "kind": "departement"}
    for k, pattern in ISSUERS:
        if kind and k != kind:
            continue
        m = re.search(pattern, text[:HEAD_CHARS])
        if m:
            return {"name": " ".join(m.group(0).split()), "kind": k}
    return {"name": None, "kind": kind} if kind else None


def extract(ctx: Context) -> dict[str, Any]:
    text = ctx.text
    dep = from_text(text)
    if dep is None and ctx.hint.departement_code:
        code = ctx.hint.departement_code
        dep = {"code": code, "name": ctx.hint.departement_name or departements().get(code), "evidence": "manifest"}
    if dep is None:
        dep = inferred(text)
    bodies = [a.get("body") for a in ctx.results.get("acts") or []]
    return {"departement": dep, "issuer": issuer(text, dep, bodies)}
