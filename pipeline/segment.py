"""Stage 2 — segment: split a document into acts, and each act into sections.

A council's minutes hold many numbered deliberations, each an act: an act starts at its
numbered heading ("DEL2025-76 : ...", "D2025-008- Objet : ...", "Délibération n° 2023-12 :")
and runs to the next one. A département bundle is one act whose parts (the deliberation, its
annexed convention or amendment, the president's report) are sections of it. Act and section
headings are data (``ACT_HEADINGS``, ``SECTION_HEADINGS``), not logic.
"""
from __future__ import annotations

import regex as re

from models.document import ActSegment, ParsedDocument, Section

# A numbered heading that opens one deliberation of a council's minutes. Group "number" is
# the act number as printed. A document is cut into acts only when two or more are found.
ACT_HEADINGS: list[str] = [
    # EPCI style: "DEL2025-76 : Aides directes ...", "DEL 2025-85 : ...", "DCM_2024_012 - ..."
    r"^[ \t]*(?:N°[ \t]*)?(?P<number>(?:DEL|[A-Z]{1,4}[_-]?)[ \t]*(?!(?:19|20)\d\d[-/](?:19|20)\d\d)\d{4}[-/._]\d{1,4})(?!\d)[ \t]*[:\-–—]",
    # "N° 2024-12 : Vote des taux", "N°2024/045 - ..." (a period "2023-2025" is not a number)
    r"^[ \t]*N[°o][ \t]*(?!(?:19|20)\d\d[-/](?:19|20)\d\d)(?P<number>\d{2,4}[-/._]\d{1,5})(?!\d)[ \t]*[:\-–—]",
    # commune style: "D2025-008- Objet : ...", "DCM 2024-12 - Objet : ..."
    r"^[ \t]*(?P<number>[A-Z]{1,4}[ \t]*\d{4}[-/._]\d{1,4})[ \t]*[-–—:]?[ \t]*Objet[ \t]*:",
    # "Délibération n° 2023-12 : ...", "DELIBERATION N°12/2024 - ..."
    # ... or the number alone on its line, the object following ("Objet : ...")
    r"^[ \t]*D[ée]lib[ée]ration[ \t]+n[°o][ \t]*(?P<number>[\w]+(?:[ \t]*[-/._][ \t]*\w+)+)[ \t]*(?:[:\-–—]|$)",
    r"^[ \t]*D[ÉE]LIB[ÉE]RATION[ \t]+N[°O][ \t]*(?P<number>[\w]+(?:[ \t]*[-/._][ \t]*\w+)+)[ \t]*(?:[:\-–—]|$)",
]
_ACT_RES = [re.compile(p, re.M) for p in ACT_HEADINGS]

# A heading that opens a new section of a département bundle, with its kind.
SECTION_HEADINGS: list[tuple[str, str]] = [
    ("deliberation", r"^\W*D\s*[ÉE]\s*L\s*I\s*B\s*[ÉE]\s*R\s*A\s*T\s*I\s*O\s*N\b"),
    ("rapport", r"^\s*RAPPORT\s+N\s*°"),
    ("avenant", r"^\W*AVENANT\b"),
    ("convention", r"^\W*(?:Convention|CONVENTION)\b"),
    ("annexe", r"^\s*(?:Annexe|ANNEXE)\s+(?:\d+|[IVX]+)\s*$"),
]
_SECTION_RES = [(kind, re.compile(p, re.M)) for kind, p in SECTION_HEADINGS]
# Where a deliberation's recitals or decision begin: a convention/avenant heading between a
# deliberation heading and this point is the deliberation's title ("AVENANT À LA CONVENTION
# ..."), not an annexed document.
DECISION_START = r"^\W*(?:Vu\b|VU\b|Considérant|DECIDE|DÉCIDE|Après\s+en\s+avoir\s+délibéré)"
_DECISION_START = re.compile(DECISION_START, re.M)


def act_headings(text: str) -> list[tuple[int, str]]:
    """(offset, number as printed) of every numbered act heading, in document order."""
    found: dict[int, str] = {}
    for rx in _ACT_RES:
        for m in rx.finditer(text):
            start = m.start() + len(m.group(0)) - len(m.group(0).lstrip())
            found.setdefault(start, m.group("number"))
    # an agenda listing the headings before the acts: keep the last heading of each number
    last: dict[str, int] = {}
    for pos, number in sorted(found.items()):
        last[re.sub(r"\s+", "", number).upper()] = pos
    return sorted((pos, found[pos]) for pos in last.values())


# The heading of an annexed convention or amendment is a short line ("AVENANT", "Convention
# constitutive"); a longer line starting with those words is an act's title repeated (e.g. in
# the president's report: "AVENANT À LA CONVENTION ENTRE LE DÉPARTEMENT ET ... RELATIVE ...").
MAX_DOCUMENT_HEADING_CHARS = 80


def _line_at(text: str, pos: int) -> str:
    end = text.find("\n", pos + 1)
    return text[pos:end if end >= 0 else len(text)].strip()


def _drop_title_headings(text: str, heads: list[tuple[int, str]], end: int) -> list[tuple[int, str]]:
    kept: list[tuple[int, str]] = []
    in_head_until = -1
    for pos, kind in heads:
        if kind == "deliberation":
            m = _DECISION_START.search(text, pos, end)
            in_head_until = m.start() if m else -1
        elif kind in ("convention", "avenant") and (
                pos < in_head_until or len(_line_at(text, pos)) > MAX_DOCUMENT_HEADING_CHARS):
            continue
        kept.append((pos, kind))
    return kept


# Minutes without act numbers: the numbered items of the agenda ("Ordre du jour") are found
# again, in order, as the headings of the deliberations ("1. Subventions associatives").
AGENDA_HEADING = r"^[^\S\n]*Ordre\s+du\s+jour\b[^\n]*$"
AGENDA_ITEM = r"^[^\S\n]*(?P<n>\d{1,2})[^\S\n]*[.)°-]?[^\S\n]+(?P<title>[^\W\d][^\n]*)$"
_AGENDA_HEADING = re.compile(AGENDA_HEADING, re.M | re.I)
_AGENDA_ITEM = re.compile(AGENDA_ITEM, re.M)


def _words(s: str, n: int = 2) -> list[str]:
    return re.findall(r"\w+", s.casefold())[:n]


def agenda_headings(text: str) -> list[int]:
    """Offsets of the deliberations announced by a numbered agenda, when at least two of
    them are found again after it."""
    return [pos for pos, _n in _agenda_items(text)]


# An agenda item may hold numbered sub-items ("6 Questions diverses" ... "6.3 Verger de
# sauvegarde"); when one of them records a vote it is a deliberation of its own, and the item
# is cut at each sub-item heading. VOTE_MARK tells that a text records a vote.
SUB_ITEM = r"^[^\S\n]*{n}\.(?P<m>\d{{1,2}})(?![.,]?\d)[.)]?[^\S\n]+[^\W\d][^\n]*$"
VOTE_MARK = r"\bvote\s*:|\b\d+\s+pour\b|\bpour\s*:\s*\d|[àa]\s+l['’]unanimit[ée]|\badopt[ée]e?\b"
_VOTE_MARK = re.compile(VOTE_MARK, re.I)


def sub_item_headings(text: str, n: str, start: int, end: int) -> list[int]:
    """Offsets of the sub-items "n.1", "n.2", ... of agenda item ``n`` between start and end,
    numbered in order, when one of them records a vote (else none)."""
    found: list[int] = []
    for h in re.finditer(SUB_ITEM.format(n=re.escape(n)), text[:end], re.M, pos=start):
        if h.group("m") == str(len(found) + 1):
            found.append(h.start() + len(h.group(0)) - len(h.group(0).lstrip()))
    bounds = found + [end]
    if not any(_VOTE_MARK.search(text, bounds[i], bounds[i + 1]) for i in range(len(found))):
        return []
    return found


def _agenda_items(text: str) -> list[tuple[int, str]]:
    """(offset, item number) of the deliberations announced by a numbered agenda."""
    m = _AGENDA_HEADING.search(text)
    if not m:
        return []
    items: list[tuple[str, list[str]]] = []
    pos = m.end()
    for it in _AGENDA_ITEM.finditer(text, m.end()):
        gap = text[pos:it.start()]
        if items and gap.count("\n") > 3:
            break  # the agenda list is over
        if it.group("n") == str(len(items) + 1):
            items.append((it.group("n"), _words(it.group("title"))))
            pos = it.end()
        elif items:
            break
    if len(items) < 2:
        return []
    found: list[tuple[int, str]] = []
    cursor = pos
    for n, words in items:
        for h in _AGENDA_ITEM.finditer(text, cursor):
            if h.group("n") == n and _words(h.group("title")) == words:
                found.append((h.start() + len(h.group(0)) - len(h.group(0).lstrip()), n))
                cursor = h.end()
                break
    return found if len(found) >= 2 else []


def find_sections(text: str, start: int, end: int) -> list[Section]:
    heads: list[tuple[int, str]] = []
    for kind, rx in _SECTION_RES:
        for m in rx.finditer(text, start, end):
            heads.append((m.start(), kind))
    heads.sort()
    heads = _drop_title_headings(text, heads, end)
    # keep the first heading of a run of the same kind
    kept: list[tuple[int, str]] = []
    for pos, kind in heads:
        if kept and kept[-1][1] == kind:
            continue
        kept.append((pos, kind))
    if not kept or kept[0][0] > start:
        kept.insert(0, (start, "deliberation" if not kept else "other"))
    sections = []
    for i, (pos, kind) in enumerate(kept):
        stop = kept[i + 1][0] if i + 1 < len(kept) else end
        if stop > pos:
            sections.append(Section(kind=kind, start=pos, end=stop))
    return sections


def segment(doc: ParsedDocument) -> list[ActSegment]:
    """Acts of the document with their sections (one act when no act boundary is found).

    With several numbered headings, each act runs from its heading to the next; the preamble
    before the first heading (attendance, meeting date) is shared and belongs to no act."""
    text = doc.text
    heads = act_headings(text)
    if len(heads) < 2:
        items = _agenda_items(text)
        heads = []
        for i, (pos, n) in enumerate(items):
            stop = items[i + 1][0] if i + 1 < len(items) else len(text)
            heads += [(pos, "")] + [(sub, "") for sub in sub_item_headings(text, n, pos, stop)]
    if len(heads) < 2:
        return [ActSegment(start=0, end=len(text), sections=find_sections(text, 0, len(text)))]
    acts = []
    for i, (pos, _number) in enumerate(heads):
        stop = heads[i + 1][0] if i + 1 < len(heads) else len(text)
        acts.append(ActSegment(start=pos, end=stop, sections=[Section(kind="deliberation", start=pos, end=stop)]))
    return acts
