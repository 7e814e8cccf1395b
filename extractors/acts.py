"""Act metadata: number, body, meeting date, title, president, votes, attendance, dates.

One entry per act segment (``ctx.acts``). Each act is read in its own span; what minutes state
once at the top (meeting date, president, attendance, body) is read in the preamble before the
first act and applies to each act. Votes and attendance live in ``extractors.acts_votes``.
"""
from __future__ import annotations

from typing import Any

import regex as re

from extractors.acts_votes import attendance, name_line, vote
from extractors.common import DATE_RE, Context, collapse, iso, parse_date
from models.document import ActSegment
from pipeline.segment import ACT_HEADINGS

PRODUCES = ("acts",)

# --- number: as printed after "N°" (spaces dropped), tried in this order in the act's head:
# the headings that cut minutes into acts first, then the headings of a single act
NUMBER_PATTERNS: list[str] = [
    *ACT_HEADINGS,
    r"\(\s*N\s*[°o]\s*(?P<number>[\w]+(?:\s*[-/._]\s*\w+)+)\s*\)",
    r"^[ \t]*D[ée]lib[ée]ration[ \t]+n\s*[°o][ \t]*(?P<number>\w+(?:[ \t]*[-/._][ \t]*\w+)+)",
    r"^[ \t]*DELIBERATION[ \t]+N\s*[°O][ \t]*(?P<number>\w+(?:[ \t]*[-/._][ \t]*\w+)+)",
    r"^[ \t]*[Nn][°o][ \t]*(?P<number>\d{2,4}[ \t]*[-/._][ \t]*\d{1,5}(?:[-/._]\w+)?)[ \t]*$",
]
# --- body: first row whose pattern occurs in the act's head (specific bodies first)
BODIES: list[tuple[str, str]] = [
    ("commission_permanente", r"commission\s+permanente"),
    ("bureau", r"\bbureau\s+(?:communautaire|syndical|métropolitain|metropolitain|de\s+la\s+communauté)|d[ée]lib[ée]ration\s+du\s+bureau"),
    ("conseil_municipal", r"conseil\s+municipal"),
    ("conseil_communautaire", r"conseil\s+(?:communautaire|de\s+(?:la\s+)?communaut[ée]|m[ée]tropolitain|syndical)"),
    ("conseil_regional", r"conseil\s+r[ée]gional"),
    ("conseil_departemental", r"conseil\s+(?:d[ée]partemental|g[ée]n[ée]ral)"),
]
_WEEKDAY = r"(?:(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\s+)?"
# --- meeting date: a meeting word, then the date (first match in the head wins)
MEETING_DATE_PATTERNS: list[str] = [
    r"\bR[ée]union\s+du\s+" + _WEEKDAY + r"(?P<date>" + DATE_RE + ")",
    r"\bS[ée]ance\s+(?:publique\s+|ordinaire\s+|extraordinaire\s+)?du\s+" + _WEEKDAY + r"(?P<date>" + DATE_RE + ")",
    r"^\s*Le\s+" + _WEEKDAY + r"(?P<date>" + DATE_RE + r")\s*,\s*(?:à\s+[^,\n]{1,20},\s*)?les\s+membres",
    r"\b(?:Conseil\s+(?:municipal|communautaire|d[ée]partemental|r[ée]gional|m[ée]tropolitain|syndical)|Commission\s+permanente|Bureau(?:\s+communautaire)?)"
    r"\s+(?:du\s+|en\s+date\s+du\s+|,\s*)?" + _WEEKDAY + r"(?P<date>" + DATE_RE + ")",
    r"\bs[ée]ance\b[^\n]{0,40}\n[^\n]{0,60}\n\s*" + _WEEKDAY + r"(?P<date>" + DATE_RE + ")",
]
# --- president: "PRESIDENCE DE MONSIEUR JEAN-CLAUDE LEROY", "sous la présidence de M. X"
_CIV = r"(?:Monsieur|Madame|MONSIEUR|MADAME|M\.|Mme|Mr)"
_NAME = (r"(?P<name>[A-ZÀ-Ý][\w'’-]*(?:(?:[ \t]+|[ \t]*\n[ \t]*(?=[A-ZÀ-Ý]{2,}\b))"
         r"(?:(?:de|du|des|le|la|De|Du|Le|La|DE|DU|LE)[ \t]+)?[A-ZÀ-Ý][\w'’-]*){1,4})")
PRESIDENT_PATTERNS: list[str] = [
    r"pr[ée]sid[ée]e?\s+par\s+" + _CIV + r"\s+(?:l[ea]\s+(?:Maire|Pr[ée]sident(?:e)?)\s*,?\s*)?" + _NAME,
    r"PR[ÉE]SIDENCE\s+DE\s+" + _CIV + r"\s+(?:L[EA]\s+(?:MAIRE|PR[ÉE]SIDENTE?)\s*,?\s*)?" + _NAME,
    r"pr[ée]sidence\s+de\s+" + _CIV + r"\s+(?:l[ea]\s+(?:Maire|Pr[ée]sident(?:e)?)\s*,?\s*)?" + _NAME,
]
# the member elected to chair the vote of the accounts, the mayor or president withdrawing
# (CGCT L2121-14): "ÉLIT Madame X, adjointe au maire, pour présider la séance pour le vote du
# compte financier unique", "M. X est élu président de séance"; that act is presided by X
ACCOUNTS_CHAIR_PATTERNS: list[str] = [
    r"\b(?i:[ée]lit|d[ée]signe)\s+" + _CIV + r"\s+" + _NAME + r"[^.\n]{0,80}?\s*(?i:pour\s+pr[ée]sider\s+la\s+s[ée]ance)",
    _CIV + r"\s+" + _NAME + r"(?:\s*,[^,\n]{0,60},)?\s+(?i:est\s+[ée]lue?\s+pr[ée]sidente?\s+de\s+(?:la\s+)?s[ée]ance)",
]
ACCOUNTS_ACT = r"(?i:\bcompte\s+(?:administratif|financier\s+unique)\b)"
RAPPORT_PATTERNS: list[str] = [r"\bRAPPORT\s+N\s*°\s*(?P<n>\d+)\b", r"\bRapport\s+n\s*°\s*(?P<n>\d+)\b"]
# --- dates of the legality control (sending to the prefecture) and of publication
LEGALITY_PATTERNS: list[str] = [
    r"Envoi\s+(?:au\s+contr[ôo]le\s+de\s+l[ée]galit[ée]|en\s+Pr[ée]fecture|Pr[ée]fecture)",
    r"Transmis(?:e|sion)?\s+(?:au\s+contr[ôo]le\s+de\s+l[ée]galit[ée]|en\s+pr[ée]fecture|au\s+repr[ée]sentant\s+de\s+l['’][ÉE]tat|à\s+la\s+pr[ée]fecture)",
    r"T[ée]l[ée]transmis(?:e|sion)?(?:\s+en\s+pr[ée]fecture)?",
    r"(?:Re[çc]u|R[ée]ception)\s+(?:en\s+pr[ée]fecture|au\s+contr[ôo]le\s+de\s+l[ée]galit[ée]|par\s+le\s+pr[ée]fet)",
]
PUBLICATION_PATTERNS: list[str] = [
    r"Publi(?:cation|[ée]e?)\s+(?:[ée]lectronique\s+)?(?:le|du)?",
    r"Mise?\s+en\s+ligne\s+le",
    r"Affich(?:[ée]e?|age)\s+(?:le|du)",
]
# these labels open a line (a stamp or footer), possibly after "Date de", "Acte", "Certifié
# exécutoire ..."; in running text ("envoyé à la publication le 16 juillet", "l'avis publié
# le ...") they date something else
DATE_LABEL_LEAD = (r"^[ \t•*\-–]*(?:Date\s+(?:de\s+(?:la\s+)?|d['’]\s*)|Acte\s+|"
                   r"Certifi[ée]\s+ex[ée]cutoire\b[^\n]{0,40}?\b)?")
_DATE_AFTER = r"[^\d\n]{0,12}(?:\n[^\d\n]{0,60}){0,2}?[ \t:]*(?P<date>" + DATE_RE + ")"
# --- where the head of an act (its preamble) ends
HEAD_END = r"^\s*(?:Vu\b|VU\b|Après\s+en\s+avoir\s+délibéré|Considérant|DECIDE|DÉCIDE|Il\s+est\s+convenu)|rapporte\s*:"
# --- title: the object of the act
# "DEL2025-76 : title", "D2025-008- Objet : title", "N° 2024-12 : title", "Délibération n° 2023-12 : title"
TITLE_AFTER_NUMBER = (r"^[ \t]*(?:(?i:D[ée]lib[ée]ration)[ \t]+)?(?:[Nn][°o][ \t]*)?(?:[A-Z]{1,4}[ \t_-]*)?"
                      r"\d{2,4}[ \t]*[-/._][ \t]*\d{1,5}(?!\d)[ \t]*[-–—:]?[ \t]*(?:Objet[ \t]*:)?[ \t]*(?P<title>\S[^\n]*)")
TITLE_OBJET = r"^[ \t]*Objet[ \t]*:[ \t]*(?P<title>\S[^\n]*)"
# "1. Subventions", "6.3 Verger de sauvegarde" (a numbered agenda item or sub-item)
TITLE_AFTER_ITEM = r"^[ \t]*\d{1,2}(?:\.\d{1,2})?[ \t]*[.)°-]?[ \t]+(?P<title>[^\W\d][^\n]*)"
TITLE_STOP = r"^\s*(?:Rapporteur|Rapport\b|Monsieur|Madame|M\.|Mme|Vu\b|VU\b|Le\s+Conseil|La\s+Commission|Expos[ée]|Note\b|Pr[ée]sent|Absent|Excus|\(N|N°)"
# a title line continues on the next one after a word like these
CONTINUATION_END = r"(?:\b(?:de|des|du|la|le|les|à|au|aux|et|ou|pour|en|sur|avec|dans|par|d['’]|l['’]|entre|relative?s?|portant)|[-–—,:'’])\s*$"
# ... or when the printed line is this long (the PDF wrapped it), or the next line starts in
# lower case ("française, du Valois ...")
WRAPPED_LINE_CHARS = 80
CONTINUATION_START = r"^[ \t]*[a-zà-ÿ]"
RAPPORTE = r"^[^\n]*\brapporte\s*:"
DELIBERATION_HEADING = r"^\W*D\s*[ÉE]\s*L\s*I\s*B\s*[ÉE]\s*R\s*A\s*T\s*I\s*O\s*N\s*$"

_NUMBER_RES = [re.compile(p, re.M) for p in NUMBER_PATTERNS]
_BODY_RES = [(b, re.compile(p, re.I)) for b, p in BODIES]
_MEETING_RES = [re.compile(p, re.I | re.M) for p in MEETING_DATE_PATTERNS]
_PRESIDENT_RES = [re.compile(p) for p in PRESIDENT_PATTERNS]
_RAPPORT_RES = [re.compile(p) for p in RAPPORT_PATTERNS]
_ACCOUNTS_CHAIR_RES = [re.compile(p) for p in ACCOUNTS_CHAIR_PATTERNS]
_ACCOUNTS_ACT = re.compile(ACCOUNTS_ACT)
_LEGALITY_RES = [re.compile(DATE_LABEL_LEAD + "(?:" + p + ")" + _DATE_AFTER, re.I | re.M) for p in LEGALITY_PATTERNS]
_PUBLICATION_RES = [re.compile(DATE_LABEL_LEAD + "(?:" + p + ")" + _DATE_AFTER, re.I | re.M) for p in PUBLICATION_PATTERNS]
_HEAD_END = re.compile(HEAD_END, re.M)
_TITLE_AFTER_NUMBER = re.compile(TITLE_AFTER_NUMBER, re.M)
_TITLE_AFTER_ITEM = re.compile(TITLE_AFTER_ITEM, re.M)
_TITLE_OBJET = re.compile(TITLE_OBJET, re.M | re.I)
_TITLE_STOP = re.compile(TITLE_STOP)
_CONTINUATION_END = re.compile(CONTINUATION_END, re.I)
_CONTINUATION_START = re.compile(CONTINUATION_START)
_RAPPORTE = re.compile(RAPPORTE, re.M)
_DELIBERATION_HEADING = re.compile(DELIBERATION_HEADING, re.M)
HEAD_MAX = 20000
# upper-case lines that are headers, not a title
NOT_TITLE = r"^(?:DEPARTEMENT|DÉPARTEMENT|DELIBERATION|DÉLIBÉRATION|RE[UÜ]NION|PR[ÉE]SIDENCE|ENVOI|EXTRAIT|REGISTRE)"
_NOT_TITLE = re.compile(NOT_TITLE)


def _first(res, text: str, group: str) -> str | None:
    for rx in res:
        m = rx.search(text)
        if m:
            return m.group(group)
    return None


def _first_date(res, text: str) -> str | None:
    """The date of the first pattern that gives one (patterns in order of preference)."""
    for rx in res:
        for m in rx.finditer(text):
            d = parse_date(m.group("date"))
            if d:
                return iso(d)
    return None


def _earliest_date(res, text: str) -> str | None:
    """The date standing first in ``text`` among all the patterns' matches."""
    hits = sorted((m.start(), m.group("date")) for rx in res for m in rx.finditer(text))
    for _pos, s in hits:
        d = parse_date(s)
        if d:
            return iso(d)
    return None


def number(head: str) -> str | None:
    n = _first(_NUMBER_RES, head, "number")
    return re.sub(r"\s+", "", n) if n else None


def body(head: str) -> str | None:
    for name, rx in _BODY_RES:
        if rx.search(head):
            return name
    return None


def president(head: str) -> str | None:
    hits = sorted((m.start(), m.group("name")) for rx in _PRESIDENT_RES for m in rx.finditer(head))
    return collapse(hits[0][1]) if hits else None


def accounts_chair(text: str) -> str | None:
    """Who was elected to chair the vote of the accounts, if the text says so."""
    hits = sorted((m.start(), m.group("name")) for rx in _ACCOUNTS_CHAIR_RES for m in rx.finditer(text))
    return collapse(hits[0][1]) if hits else None


def _clean_title(lines: list[str]) -> str | None:
    title = collapse(" ".join(lines).replace("**", " ").replace("__", " "))
    title = title.strip(" -–—:;,")
    return title or None


def _continued_lines(text: str, start: int, first: str, max_lines: int = 4) -> list[str]:
    """``first`` and the lines after ``start`` that continue it (a wrapped heading)."""
    lines = [first]
    line_start = text.rfind("\n", 0, start) + 1
    physical = [text[line_start:].split("\n", 1)[0]]  # the printed lines, number included
    for line in text[start:].split("\n")[1:max_lines]:
        prev = lines[-1]
        if not line.strip() or _TITLE_STOP.match(line):
            break
        if not (_CONTINUATION_END.search(prev) or len(physical[-1].rstrip()) >= WRAPPED_LINE_CHARS
                or _CONTINUATION_START.match(line) or prev.isupper() and line.strip().isupper()):
            break
        lines.append(line)
        physical.append(line)
    return lines


def _paragraph_before(text: str, pos: int, max_lines: int = 6) -> str | None:
    """The lines just above ``pos`` back to a blank line or a "Label : ..." line (the
    printed title above "(N°2022-553)"; PDF text may have no blank line before it)."""
    lines = text[max(0, pos - 1500):pos].rstrip().split("\n")
    picked: list[str] = []
    for line in reversed(lines):
        if not line.strip() or ":" in line or len(picked) >= max_lines:
            break
        picked.insert(0, line)
    return _clean_title(picked)


def _paragraph_after(text: str, pos: int) -> str | None:
    chunk = text[pos:pos + 1500].lstrip("\n")
    lines = []
    for line in chunk.split("\n"):
        if not line.strip() or re.match(r"^\s*[_=*-]{3,}", line):
            if lines:
                break
            continue
        lines.append(line)
    return _clean_title(lines)


def _uppercase_run(head: str) -> str | None:
    """The longest run of consecutive upper-case lines in the head (a printed title); the
    upper-case words opening the next line end it when the title was wrapped."""
    best: list[str] = []
    run: list[str] = []
    for line in head.split("\n")[:40] + [""]:
        s = line.strip().replace("*", "")
        letters = [c for c in s if c.isalpha()]
        if len(letters) >= 8 and s.isupper() and not _NOT_TITLE.match(s):
            run.append(s)
            continue
        if run:
            tail = re.match(r"^(?:[A-ZÀ-Ý][A-ZÀ-Ý'’-]+\b\s*)+(?=\s[A-ZÀ-Ý][a-zà-ÿ])", s)
            if tail:
                run.append(tail.group(0))
        if sum(map(len, run)) > sum(map(len, best)):
            best = run
        run = []
    return _clean_title(best) if best else None


def title(text: str, start: int, head_end: int) -> str | None:
    head = text[start:head_end]
    m = _TITLE_AFTER_NUMBER.match(text, start) or (start > 0 and _TITLE_AFTER_ITEM.match(text, start)) \
        or _TITLE_OBJET.search(head)
    if m:
        abs_start = start + m.start("title") if m.re is _TITLE_OBJET else m.start("title")
        return _clean_title(_continued_lines(text, abs_start, m.group("title")))
    m = re.search(r"^\s*\(\s*N\s*[°o]", head, re.M)
    if m:
        return _paragraph_before(text, start + m.start())
    m = _DELIBERATION_HEADING.search(head)
    if m:
        return _paragraph_after(text, start + m.end())
    m = _RAPPORTE.search(text, start, min(len(text), start + HEAD_MAX))
    if m:
        return _title_before_rapporte(text, m.start())
    return _uppercase_run(head)


def _title_before_rapporte(text: str, pos: int) -> str | None:
    """Lines above "X rapporte :" back to the attendance list that precedes them."""
    lines = text[max(0, pos - 1000):pos].rstrip("\n").split("\n")
    picked: list[str] = []
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i]
        if not line.strip():
            if picked:
                break
            continue
        above = lines[i - 1].rstrip() if i > 0 else ""
        names = name_line(line) and ("," in line or above.endswith(":") or "," in above)
        if line.rstrip().endswith(":") or names or len(picked) >= 4:
            break
        picked.insert(0, line)
    return _clean_title(picked)


def _head_end(text: str, start: int, end: int) -> int:
    m = _HEAD_END.search(text, start, min(end, start + HEAD_MAX))
    return m.start() if m else min(end, start + HEAD_MAX)


def _vote_region(text: str, act: ActSegment) -> str:
    """The deliberation sections of the act (not its annexed conventions, amendments,
    reports), or the whole act when no deliberation heading was found."""
    parts = [text[s.start:s.end] for s in act.sections if s.kind == "deliberation"]
    return "\n".join(parts) if parts else text[act.start:act.end]


def extract(ctx: Context) -> dict[str, Any]:
    text = ctx.text
    acts = ctx.acts or [ActSegment(start=0, end=len(text))]
    preamble = text[:acts[0].start] if acts[0].start > 0 else ""
    pre_head = preamble[:_head_end(preamble, 0, len(preamble))] if preamble else ""
    single = len(acts) == 1
    out = []
    for act in acts:
        he = _head_end(text, act.start, act.end)
        head = text[act.start:he]
        # header facts: the act's own head, else the shared preamble of the minutes
        context_head = pre_head + "\n" + head
        region = text[act.start:act.end]
        dates_region = text if single else region
        out.append({
            "number": number(head) or (number(pre_head) if single else None),
            "body": body(context_head[:HEAD_MAX]),
            "meeting_date": _earliest_date(_MEETING_RES, pre_head) or _earliest_date(_MEETING_RES, head),
            "title": title(text, act.start, he),
            "president": president(pre_head) or president(head),
            "rapport_number": _first(_RAPPORT_RES, region, "n"),
            "legality_control_date": _first_date(_LEGALITY_RES, dates_region),
            "publication_date": _first_date(_PUBLICATION_RES, dates_region),
            "vote": vote(_vote_region(text, act)),
            "attendance": attendance(pre_head) or attendance(head),
            "span": [act.start, act.end],
        })
    chair = accounts_chair(text) if not single else None
    for a in out:
        if chair and a["title"] and _ACCOUNTS_ACT.search(a["title"]):
            a["president"] = chair
    return {"acts": out}
