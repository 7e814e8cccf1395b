"""Contracting parties of the convention(s) and their representatives.

1. Party blocks: "Entre ... d'une part, Et ... d'autre part", "Il est convenu entre, - X, - Y",
   "LA PRESENTE CONVENTION EST CONCLUE ENTRE : ..." up to "Vu", "Ce qui suit", "Préambule"...
   Each block is split into party mentions; a mention gives the name (its head, cut before
   "représenté par", the address...) and the representative ("représenté par son Président,
   Monsieur Jean-Claude LEROY"). Placeholders ("Xxxxxxx XXXXXX") flag ``redacted``.
2. Without any block (a deliberation approving a convention), the partners named in the
   decision ("convention ... à conclure avec Pôle Emploi", "subvention à l'association X")
   plus the issuing collectivity.

Names are classified with a gazetteer of public bodies (``data/parties_public_bodies.json``).
The statistical NER (spaCy ``fr_core_news_md`` with an EntityRuler fed by the gazetteer) is
only a fallback, run on short party mentions the rules cannot read.
"""
from __future__ import annotations

import functools
import json
import unicodedata
from pathlib import Path
from typing import Any

import regex as re

from extractors.common import Context, collapse, quote

PRODUCES = ("parties",)

GAZETTEER_PATH = Path(__file__).parent / "data" / "parties_public_bodies.json"
SPACY_MODEL = "fr_core_news_md"
SPACY_UNUSED_PIPES = ["parser", "lemmatizer", "morphologizer", "attribute_ruler", "senter"]

# where a block of parties opens (the block starts after the last opener before its closer)
BLOCK_OPENERS = [
    r"(?m)^[ \t*\-–•]*Entre\b[ \t]*:?",
    r"\bEntre\s+d['’]une\s+part\s*,?",
    r"\bENTRE\s*:",
    r"\bENTRE\s+LES\s+SOUSSIGN[ÉE]S\s*:?",
    r"(?i)\b(?:convenu|conclue?|pass[ée]e?|[ée]tablie?)\s+entre\s*(?:les\s+soussign[ée]s)?\s*[,:]?",
]
# where it closes
BLOCK_CLOSERS = [
    r"\bIl\s+(?:est|a\s+été)\s+(?:convenu|arrêté|exposé|décidé|préalablement)",
    r"\b(?:[Cc]e\s+qui\s+suit|CE\s+QUI\s+SUIT)",
    r"\b(?:Vu|VU)\b",
    r"\b(?:Pr[ée]ambule|PR[ÉE]AMBULE)\b",
    r"(?m)^\s*(?:Article|ARTICLE)\s+(?:1|premier|PREMIER|I)\b",
    r"\bEXPOS[ÉE]\b",
]
BLOCK_MAX = 3000
# a real block names its parties with one of these
BLOCK_MARKERS = r"(?i)repr[ée]sent[ée]|d['’](?:une|autre)\s+part|ci-apr[èe]s|dont\s+le\s+si[èe]ge"
# what separates two parties inside a block
PARTY_SEPARATORS = (r"d['’](?:une|autre)\s+part\b[\s,;:.]*"
                    r"|(?:(?<=^)|(?<=\n)|(?<=[,;.]))[ \t]*Et\b[\s,:]*"
                    r"|(?:(?<=^)|(?<=\n))[ \t]*[-–•&][ \t]+")
# where a party's name ends inside its mention
NAME_END = (r"[,;:]|\s+(?:repr[ée]sent[ée]e?s?|dont\b|sise?\b|situ[ée]e?\b|domicili[ée]e?s?|ayant\b|"
            r"agissant|dûment|pris\s+en\s+la\s+personne|ci-apr[èe]s|[Cc]i-apr[èe]s|en\s+sa\s+qualit[ée]|"
            r"immatricul|SIRE[NT]|n°|institution|[ée]tablissement\s+public)|\n\s*\n|\(\s*ci")
DETERMINER = r"(?i:(?:(?:les|le|la|son|sa|ses|leur)\b|l['’])\s*)"
REPRESENTED = r"(?i)repr[ée]sent[ée]e?s?\s+(?:par|en\s+la\s+personne\s+de)\s+"
REPRESENTATIVE_END = (r"\s*,?\s*(?:dûment|domicili|agissant|habilit|autoris|en\s+vertu|en\s+application|"
                      r"conform[ée]ment|ci-apr[èe]s|[Cc]i-apr[èe]s|ayant|en\s+cette\s+qualit)|;|\n\s*\n")
CIVILITY = r"(?:Monsieur|Madame|Mademoiselle|M\.|Mme|Mlle|MM\.)"
PERSON = (r"[A-ZÀ-Ý][a-zà-ÿ]+(?:[-' ][A-ZÀ-Ý][a-zà-ÿ]+)*\s+(?:(?:de|du|le|van|von|d['’])\s*)?"
          r"[A-ZÀ-Ý][A-ZÀ-Ý'’-]+(?:[ -][A-ZÀ-Ý][A-ZÀ-Ý'’-]+)*\b")
CIVIL_PERSON = CIVILITY + r"\s+([A-ZÀ-Ý][\w'’-]+(?:\s+[A-ZÀ-Ý][\w'’-]+){0,3})"
# placeholders of anonymised names: "Xxxxxxx XXXXXX", "XXXX XXXXX"
REDACTED = r"\bX[xX]+(?:[- ]X[xX]+)*\s+X{2,}(?:[- ]X{2,})*\b"
# first word of a representative's role
ROLE_HEADS = ["président", "présidente", "directeur", "directrice", "maire", "préfet", "préfète",
              "adjoint", "adjointe", "vice-président", "vice-présidente", "secrétaire", "délégué",
              "déléguée", "conseiller", "conseillère", "administrateur", "administratrice", "gérant",
              "gérante", "trésorier", "trésorière", "chef", "responsable", "recteur", "rectrice",
              "commandant", "co-président", "co-présidente", "sous-préfet", "sous-préfète"]
# the continuation of a body's name: "Département" + " du Pas-de-Calais", "Agence de l'Eau" + " Seine Normandie"
CONTINUATION = (r"(?:(?:[ \t]*\n?[ \t]*(?i:(?:et\s+)?(?:de\s+la|de\s+l['’]|du|des|de|d['’]|sur|en|lès))(?<=['’]|\b(?=\W))\s*|[ \t]+)"
                r"(?:[A-ZÀ-Ý][\w'’-]*|\d{2,3}\b)|[ \t]*\([A-ZÀ-Ý0-9][\w .'’-]{0,40}\))*")
# free text (no block): a convention or signature followed by its partners
FREE_TEXT_LINKS = [
    # the nearest agreement word names the partners: "l'avenant permet ... sous réserve d'un
    # accord entre SNCF et ENEDIS" links the accord, not the avenant
    r"(?i)\b(?:conventions?|avenants?|contrats?|protocoles?|accords?-cadres?)\b"
    r"(?:(?!\b(?:accords?|conventions?|avenants?|contrats?|protocoles?|march[ée]s?)\b)[^.;«»]){0,160}?"
    r"\b(?P<link>avec|entre)\s+",
    r"(?i)\b(?:signer|conclure|passer)\b[^.;«»]{0,120}?\b(?P<link>avec)\s+",
    r"\b[Ss]ubventions?\b(?:(?!\b(?:qui|que|et|pour|dont|sur)\b)[^.;«»]){0,60}?\b(?P<link>à)\s+(?=(?:l['’]|la\s+|le\s+)?(?:[Aa]ssociation\b|[A-ZÀ-Ý]))",
    r"(?i)\battribuer\s+(?P<link>à)\s+(?=l['’]association\b)",
    # "Attribué à Initiative Oise Est une subvention de fonctionnement"
    r"(?i:\battribu\w*\s+)(?P<link>à)\s+(?=(?i:l['’]|la\s+|le\s+)?[A-ZÀ-Ý])"
    r"(?=[^.;«»\n]{0,80}?\b(?i:une|la|les|des)\s+(?i:subventions?|aides?)\b)",
    # a partnership: "le partenariat avec l'Espace X", "convention de partenariat pour Paroles, festival ...";
    # not an action led "en partenariat avec" others
    r"(?i:\b(?:le|un|ce|du|au)\s+partenariat\s+)(?P<link>avec)\s+",
    r"(?i:\b(?:conventions?|contrats?|accords?)\s+(?:-?\s*cadres?\s+)?de\s+partenariat\s+)(?P<link>pour)\s+(?=[A-ZÀ-Ý])",
    # joining a body's contract or purchasing group: "adhésion au contrat d'assurance des risques
    # statutaires du Centre de Gestion de l'Oise", "adhérer au groupement de commandes coordonné par X"
    r"(?i:\badh[ée](?:sion|rer|re)\s+(?:au|à\s+la|à\s+l['’]|aux)\s*(?:contrats?|conventions?|groupements?|"
    r"accords?-cadres?|march[ée]s?)\b)(?:[^.;«»\n]|\n(?!\s*\n)){0,120}?"
    r"(?:\b(?P<link>du|de\s+la|des|par)\s+|\b(?P<link>de\s+l['’])\s*)(?=[A-ZÀ-Ý])",
    # a mandate given to a body: "donner mandat au Centre de Gestion pour ..."
    r"(?i:\bmandat\s+)(?P<link>au|à\s+la|à\s+l['’])\s*(?=[A-ZÀ-Ý])",
    # a loan guarantee: the borrower ("garantie ... des emprunts que la SERM va contracter",
    # "garantie accordée à X", "prêt souscrit par X") and the lender ("... contracter auprès de Y")
    r"(?i:\bgarantie\b[^.;«»]{0,160}?\b(?:emprunts?|pr[êe]ts?)\s+)(?P<link>que)\s+",
    r"(?i:\bgarantie\s+(?:\w+\s+){0,3}?accord[ée]e?s?\s+)(?P<link>à)\s+(?=(?i:l['’]|la\s+|le\s+)?[A-ZÀ-Ý])",
    r"(?i:\b(?:emprunts?|pr[êe]ts?)\b[^.;«»]{0,120}?\b(?:souscri|contract)\w*\s+)(?P<link>par)\s+(?=(?i:l['’]|la\s+|le\s+)?[A-ZÀ-Ý])",
    r"(?i:\b(?:emprunts?|pr[êe]ts?|contrats?)\b(?:(?!\b(?:subventions?|aides?|sollicit\w*|demandes?)\b)[^.;«»]){0,200}?"
    r"\b(?:souscri|contract|conclu)\w*\b[^.;«»:]{0,80}?\b)(?P<link>aupr[èe]s\s+(?:de\s+la|de\s+l['’]|du|des|de))\s*"
    r"(?=(?i:l['’]|la\s+|le\s+)?[A-ZÀ-Ý])",
    # a public contract awarded: "attribuer le marché ... à la société X"
    r"(?i:\battribu\w*\s+(?:le|les|ce|ces)\s+(?:march[ée]s?|lots?)\b[^.;«»\n]{0,150}?\s)(?P<link>à)\s+"
    r"(?=(?i:l['’]|la\s+|le\s+)?(?i:(?:soci[ée]t[ée]|entreprise|groupement|cabinet)\s+)?[A-ZÀ-Ý])",
]
# a list of partners after a colon: "contracter auprès de :\n- la Banque Postale ...,\n- du Crédit Agricole"
LIST_LINKS = [
    r"(?i:\b(?:emprunts?|pr[êe]ts?|contrats?)\b[^.;«»]{0,200}?\b(?:souscri|contract|conclu)\w*\s+aupr[èe]s\s+(?:de|des))\s*:",
]
LIST_ITEM = r"[ \t]*\n[ \t]*[-–•▪o][ \t]+(?:(?i:de\s+la|de\s+l['’]|du|des|de)\s*)?"
# a public contract's lots awarded: "attribuer les lots n° 1, n° 2 : o Lot n° 1 – Dommages aux biens – GROUPAMA PVL"
LOT_AWARD = r"(?i:\battribu\w*\s+(?:les|le)\s+lots?\b)"
LOT_LINE = (r"(?m)^[ \t]*[o•▪\-–]?[ \t]*(?i:lot)\s*n[°o]?\s*\d+\s*[-–][^\n]*?[-–][ \t]+"
            r"(?P<name>[A-Z0-9][^\n]*?)[ \t]*$")
LOT_NOT_AWARDED = r"(?i)infructueux|sans\s+suite|aucune\s+offre|pas\s+de\s+r[ée]ponse"
# a clause starting with these cites a past act: its partners are not parties
CITATION_CLAUSE = r"[\s\-–•]*(?:Vu|VU)\b"
# where a clause begins: sentence end, blank line, or a line opening a bullet or a new clause
CLAUSE_CUTS = r"[.;]|\n\s*\n|\n(?=[ \t]*(?:[-•–]|Vu\b|VU\b|Consid[ée]rant\b|CONSID[ÉE]RANT\b))"
# lower-case legal forms that may open a partner's name: "la société MEDIAKIOSK"
LEGAL_FORMS = r"(?:association|soci[ée]t[ée]|entreprise|SCI|SAS|SARL|SA|SEM|SPL|cabinet|groupement)\s+"
# where the issuing collectivity signs
ISSUER_MENTIONS = [r"(?i)au\s+nom\s+et\s+pour\s+le\s+compte\s+(?:du|de\s+la|de\s+l['’])\s*"]
ACRONYM_SKIP = {"de", "des", "du", "la", "le", "les", "l", "d", "et", "pour", "en", "à", "a", "aux", "au"}
# the issuer, when no signature names it: the first collectivity named with its place in the heading
ISSUER_ENTRIES = ("departement", "region", "commune", "epci")
ISSUER_HEADING = 3000
ISSUER_KINDS = {"departement": "departement", "region": "region", "commune": "commune", "epci": "autre"}

_OPENERS = [re.compile(p) for p in BLOCK_OPENERS]
_CLOSERS = re.compile("|".join(f"(?:{p})" for p in BLOCK_CLOSERS))
_SEP_RE = re.compile(PARTY_SEPARATORS)
_NAME_END_RE = re.compile(NAME_END)
_REP_RE = re.compile(REPRESENTED)
_REP_END_RE = re.compile(REPRESENTATIVE_END)
_PERSON_RE = re.compile(rf"(?:{CIVILITY}\s+)?(?P<p>{PERSON})")
_CIVIL_PERSON_RE = re.compile(CIVIL_PERSON)
_REDACTED_RE = re.compile(rf"(?:{CIVILITY}\s+)?{REDACTED}")
_CONT_RE = re.compile(CONTINUATION)
_LINK_RES = [re.compile(p) for p in FREE_TEXT_LINKS]
_LIST_LINK_RES = [re.compile(p) for p in LIST_LINKS]
_LIST_ITEM_RE = re.compile(LIST_ITEM)
_LOT_AWARD_RE = re.compile(LOT_AWARD)
_ACRONYM_TAIL_RE = re.compile(r"(?P<words>(?:[ \t]*\n?[ \t]*[\w'’-]+){1,4}?)[ \t]*\n?[ \t]*"
                              r"\(\s*(?P<acr>[A-ZÀ-Ý](?:\.?[A-ZÀ-Ý]){1,7}\.?)\s*\)")
_LOT_LINE_RE = re.compile(LOT_LINE)
_CITATION_RE = re.compile(CITATION_CLAUSE)
_CLAUSE_CUT_RE = re.compile(CLAUSE_CUTS)


def fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", s)
    return " ".join("".join(c for c in s if not unicodedata.combining(c)).replace("’", "'").casefold().split())


@functools.lru_cache(maxsize=1)
def gazetteer() -> list[dict[str, Any]]:
    entries = json.loads(GAZETTEER_PATH.read_text(encoding="utf-8"))["entries"]
    for e in entries:
        alts = [re.sub(r"\\ ", r"\\s+", re.escape(n)).replace("'", "['’]") for n in e["names"]]
        alts += e.get("regex", [])
        e["head"] = re.compile(r"(?:" + "|".join(sorted(alts, key=len, reverse=True)) + r")(?![\w])",
                               re.I if not e.get("case") else 0)
    return entries


def classify(name: str) -> dict[str, Any] | None:
    """The gazetteer entry whose head opens ``name`` (or, failing that, appears in it)."""
    for e in gazetteer():
        if e["head"].match(name):
            return e
    for e in gazetteer():
        if not e.get("place") and e["head"].search(name):
            return e
    return None


@functools.lru_cache(maxsize=1)
def nlp():
    """The French pipeline, loaded once, with an EntityRuler of the gazetteer before the NER."""
    import spacy

    model = spacy.load(SPACY_MODEL, exclude=SPACY_UNUSED_PIPES)
    ruler = model.add_pipe("entity_ruler", before="ner",
                           config={"phrase_matcher_attr": "LOWER", "overwrite_ents": True})
    ruler.add_patterns([{"label": "ORG", "pattern": n, "id": e["id"]}
                        for e in gazetteer() for n in e["names"]])
    return model


def ner_org(snippet: str) -> tuple[int, int] | None:
    """Offsets of the organisation opening ``snippet`` according to the ruler + NER."""
    for ent in nlp()(snippet).ents:
        if ent.label_ in ("ORG", "MISC", "LOC") and ent.start_char <= 4:
            return ent.start_char, ent.end_char
    return None


def ner_person(snippet: str) -> str | None:
    for ent in nlp()(snippet).ents:
        if ent.label_ == "PER" and not re.fullmatch(CIVILITY, ent.text):
            return ent.text
    return None


def find_blocks(text: str) -> list[tuple[int, int]]:
    """[start, end) of each party block."""
    by_closer: dict[int, int] = {}
    for rx in _OPENERS:
        for m in rx.finditer(text):
            c = _CLOSERS.search(text, m.end(), min(len(text), m.end() + BLOCK_MAX))
            if c and c.start() > m.end():
                by_closer[c.start()] = max(by_closer.get(c.start(), -1), m.end())
    blocks = [(s, e) for e, s in sorted(by_closer.items()) if re.search(BLOCK_MARKERS, text[s:e])]
    return blocks


def parse_representative(rep: str) -> dict[str, Any]:
    """'son Président, Monsieur Jean-Claude LEROY' -> person, role; placeholders -> redacted."""
    rep = rep[:300]
    end = _REP_END_RE.search(rep)
    rep = rep[:end.start()] if end else rep
    spans, person, redacted = [], None, False
    for m in _REDACTED_RE.finditer(rep):
        spans.append((m.start(), m.end()))
        redacted = True
    if not redacted:
        m = _PERSON_RE.search(rep) or _CIVIL_PERSON_RE.search(rep)
        if m:
            person = collapse(m.group(1) if m.re is _CIVIL_PERSON_RE else m.group("p"))
            spans.append((m.start(), m.end()))
        elif re.search(CIVILITY + r"\s+[A-ZÀ-Ý]", rep):
            person = ner_person(rep)
            if person:
                spans.append((rep.find(person), rep.find(person) + len(person)))
    rest = rep
    for s, e in sorted(spans, reverse=True):
        rest = rest[:s] + "," + rest[e:]
    rest = re.sub(CIVILITY + r"(?=\s*,)", "", rest)
    roles = []
    for piece in re.split(r"[,;]", rest):
        piece = collapse(re.sub(rf"^\s*(?:et\s+)?{DETERMINER}?", "", piece)).rstrip(" .").removesuffix(" et")
        if piece and piece.split()[0].casefold() in ROLE_HEADS:
            roles.append(piece)
    return {"representative": person, "representative_role": " et ".join(roles) or None,
            "redacted": redacted}


def name_at(text: str, pos: int, end: int) -> tuple[int, int] | None:
    """The body named at ``pos`` (after its article): gazetteer head or capitalised phrase,
    extended by its continuation; None when a lower-case word stands there ("les parties")."""
    m = re.match(rf"\s*(?:{DETERMINER})?", text[pos:end])
    start = pos + m.end()
    window = text[start:end]
    head = next((h for e in gazetteer() if (h := e["head"].match(window))), None)
    if head is None:
        head = re.match(rf"(?:(?i:{LEGAL_FORMS}))?(?:{DETERMINER})?[A-ZÀ-Ý0-9][\w'’-]*", window)
    if head is None:
        return None
    cont = _CONT_RE.match(window, head.end())
    stop = start + cont.end()
    # a name the text abbreviates right after it: "Société d'Equipement de la région Montpelliéraine (SERM)"
    tail = _ACRONYM_TAIL_RE.match(text, stop, end)
    if tail and acronym(text[start:tail.end("words")]) == tail["acr"].replace(".", ""):
        stop = tail.end()
    return start, stop


def party(text: str, s: int, e: int, **rep: Any) -> dict[str, Any] | None:
    name = collapse(text[s:e].replace("*", "")).strip(" .,:;–-«»\"")
    entry = classify(name)
    if re.match(rf"{CIVILITY}\s|{PERSON}$", name):  # a person, not a body
        return None
    if not name or len(name) > 150 or not (name[0].isupper() or name[0].isdigit()
                                           or re.match(f"(?i:{LEGAL_FORMS})[A-ZÀ-Ý0-9«\"]", name)):
        return None
    kind = entry["kind"] if entry else ("association" if re.search(r"(?i)\bassociation\b", name) else "autre")
    redacted = rep.pop("redacted", False) or bool(re.search(REDACTED, name))
    return quote(text, s, e, name=name, kind=kind, representative=rep.get("representative"),
                 representative_role=rep.get("representative_role"), redacted=redacted)


def block_parties(text: str, start: int, end: int) -> list[dict[str, Any]]:
    out = []
    cuts = [start] + [p for m in _SEP_RE.finditer(text, start, end) for p in (m.start(), m.end())] + [end]
    for s, e in zip(cuts[::2], cuts[1::2]):
        seg = text[s:e]
        if not seg.strip():
            continue
        lead = re.match(rf"[\s*«»\"“”]*(?:{DETERMINER})?[\s*]*", seg).end()
        stop = _NAME_END_RE.search(seg, lead)
        ns, ne = s + lead, s + (stop.start() if stop else len(seg))
        rep_m = _REP_RE.search(seg)
        rep = parse_representative(seg[rep_m.end():]) if rep_m else {}
        if not re.search(r"[A-Za-zÀ-ÿ]", text[ns:ne]) or len(text[ns:ne]) > 150:
            found = ner_org(seg[:200])
            if not found:
                continue
            ns, ne = s + found[0], s + found[1]
        p = party(text, ns, ne, **rep)
        if p:
            out.append(p)
    return out


def clause_start(text: str, pos: int) -> int:
    """Where the clause holding ``pos`` begins (sentence end, blank line, bullet, new 'Vu')."""
    last = None
    for last in _CLAUSE_CUT_RE.finditer(text, max(0, pos - 600), pos):
        pass
    return last.end() if last else 0


def free_text_parties(text: str) -> list[dict[str, Any]]:
    out = []
    for rx in _LINK_RES:
        for m in rx.finditer(text):
            if _CITATION_RE.match(text, clause_start(text, m.start())):
                continue
            stop = re.compile(r"[.;\n]\s*\n|[.;]").search(text, m.end())
            end = stop.start() if stop else len(text)
            span = name_at(text, m.end(), end)
            if span is None:
                continue
            p = party(text, *span)
            while p:  # "entre X et Y", "avec X et Y", "entre X, Y et Z"
                out.append(p)
                nxt = re.match(r"\s*(?:,\s*(?:et\s+)?|et\s+|&\s+)", text[span[1]:end])
                span = nxt and name_at(text, span[1] + nxt.end(), end)
                p = span and party(text, *span)
    for rx in _LIST_LINK_RES:
        for m in rx.finditer(text):
            if _CITATION_RE.match(text, clause_start(text, m.start())):
                continue
            pos = m.end()
            while item := _LIST_ITEM_RE.match(text, pos):
                stop = re.compile(r"[,.;:\n]").search(text, item.end())
                end = stop.start() if stop else len(text)
                span = name_at(text, item.end(), end)
                p = span and party(text, *span)
                if not p:
                    break
                out.append(p)
                pos = text.find("\n", span[1]) if "\n" in text[span[1]:] else len(text)
    for m in _LOT_AWARD_RE.finditer(text):
        if _CITATION_RE.match(text, clause_start(text, m.start())):
            continue
        pos = text.find("\n", m.end())
        while pos >= 0 and (line := _LOT_LINE_RE.match(text, pos + 1)):
            s, e = line.span("name")
            e = s + len(re.split(r"\s*\(", text[s:e])[0])
            if not re.search(LOT_NOT_AWARDED, text[s:e]) and (p := party(text, s, e)):
                out.append(p)
            pos = line.end()
    return out


def issuer_party(ctx: Context) -> dict[str, Any] | None:
    issuer = ctx.results.get("issuer") or {}
    text = ctx.text
    for pat in ISSUER_MENTIONS:
        for m in re.finditer(pat, text):
            span = name_at(text, m.end(), min(len(text), m.end() + 120))
            p = span and party(text, *span)
            if p:
                if issuer.get("name") and fold(p["name"]) in fold(issuer["name"]):
                    p["name"] = issuer["name"]
                return p
    for m in re.finditer(r"(?<![\w'’])(?=[A-ZÀ-Ý])", text[:ISSUER_HEADING]):
        e = next((e for e in gazetteer() if e["id"] in ISSUER_ENTRIES and e["head"].match(text, m.start())), None)
        span = e and name_at(text, m.start(), min(len(text), m.start() + 150))
        if span and span[1] - span[0] > e["head"].match(text, m.start()).end() - m.start():
            return party(text, *span)
    if issuer.get("name"):
        return {"name": issuer["name"], "kind": ISSUER_KINDS.get(issuer.get("kind"), "autre"),
                "representative": None, "representative_role": None, "redacted": False,
                "text": None, "span": None}
    return None


def acronym(name: str) -> str:
    """'Centre des monuments nationaux' -> 'CMN'."""
    return "".join(w[0] for w in re.findall(r"[\w]+", name) if w.casefold() not in ACRONYM_SKIP).upper()


ACRONYM_MAX = 8


def expand_acronym(text: str, name: str) -> str | None:
    """'VNF' -> 'Voies Navigables de France' when the text defines it: '... Voies Navigables de
    France (VNF)'; the words right before the brackets whose initials spell the acronym."""
    if not (name.isupper() and name.isalpha() and 2 <= len(name) <= ACRONYM_MAX):
        return None
    for m in re.finditer(rf"\(\s*{re.escape(name)}\s*\)", text):
        words = list(re.finditer(r"[\w'’-]+", text[max(0, m.start() - 150):m.start()]))
        base = max(0, m.start() - 150)
        for k in range(len(words) - 1, -1, -1):
            cand = text[base + words[k].start():m.start()].strip()
            if "\n\n" in cand:
                break
            if cand[:1].isupper() and acronym(cand) == name:
                return collapse(cand)
    return None


def same_party(a: dict[str, Any], b: dict[str, Any]) -> bool:
    fa, fb = (fold(re.sub(f"^(?i:{LEGAL_FORMS})", "", x["name"])) for x in (a, b))
    if fa.startswith(fb) or fb.startswith(fa):
        return True
    if a["name"].isupper() and acronym(b["name"]) == a["name"] or b["name"].isupper() and acronym(a["name"]) == b["name"]:
        return True
    ea, eb = classify(a["name"]), classify(b["name"])
    return bool(ea and eb and ea["id"] == eb["id"] and not ea.get("place"))


def merge(parties: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One entry per body: the first mention, completed by the later ones' representatives."""
    out: list[dict[str, Any]] = []
    for p in parties:
        twin = next((q for q in out if same_party(p, q)), None)
        if twin is None:
            out.append(p)
            continue
        if len(p["name"]) > len(twin["name"]) and fold(p["name"]).startswith(fold(twin["name"])):
            twin.update(name=p["name"], kind=p["kind"], text=p["text"], span=p["span"])
        for k in ("representative", "representative_role"):
            twin[k] = twin[k] or p[k]
        twin["redacted"] = twin["redacted"] or p["redacted"]
    return out


def extract(ctx: Context) -> dict[str, Any]:
    text = ctx.text
    found = [p for s, e in find_blocks(text) for p in block_parties(text, s, e)]
    if not found:
        found = free_text_parties(text)
        if found and (issuer := issuer_party(ctx)):
            found.insert(0, issuer)
    parties = merge(found)
    for p in parties:
        full = expand_acronym(text, p["name"])
        if full and not any(q is not p and same_party({"name": full}, q) for q in parties):
            p["name"] = full
    return {"parties": parties if len(parties) > 1 else []}  # a convention binds two parties at least
