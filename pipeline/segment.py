"""Stage 2 — segment: split a document into acts, and each act into sections.

A council's minutes hold many numbered deliberations, each an act. A département bundle is
one act whose parts (the deliberation, its annexed convention or amendment, the president's
report) are sections of it. Section and act headings are data (``ACT_HEADINGS``,
``SECTION_HEADINGS``), not logic.
"""
from __future__ import annotations

import regex as re

from models.document import ActSegment, ParsedDocument, Section

# A heading that opens a new section of a département bundle, with its kind.
SECTION_HEADINGS: list[tuple[str, str]] = [
    ("deliberation", r"^\W*D\s*[ÉE]\s*L\s*I\s*B\s*[ÉE]\s*R\s*A\s*T\s*I\s*O\s*N\b"),
    ("rapport", r"^\s*RAPPORT\s+N\s*°"),
    ("avenant", r"^\W*AVENANT\b"),
    ("convention", r"^\W*(?:Convention|CONVENTION)\b"),
    ("annexe", r"^\s*Annexe\s+\d+\s*$"),
]
_SECTION_RES = [(kind, re.compile(p, re.M)) for kind, p in SECTION_HEADINGS]


def find_sections(text: str, start: int, end: int) -> list[Section]:
    heads: list[tuple[int, str]] = []
    for kind, rx in _SECTION_RES:
        for m in rx.finditer(text, start, end):
            heads.append((m.start(), kind))
    heads.sort()
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
    """Acts of the document with their sections (one act when no act boundary is found)."""
    text = doc.text
    return [ActSegment(start=0, end=len(text), sections=find_sections(text, 0, len(text)))]
