"""Plain dataclasses passed between the pipeline stages.

parse -> ``ParsedDocument``; segment -> ``ActSegment``/``Section``; extract -> contract dicts.
Every character offset refers to ``ParsedDocument.text`` (what ``delib text`` prints).
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field


@dataclass
class Page:
    number: int  # 1-based
    start: int
    end: int


@dataclass
class Table:
    """A table found in the document: from a PDF (pdfplumber) or tab/pipe separated text."""

    page: int | None
    header: list[str]
    rows: list[list[str]]
    span: tuple[int, int] | None = None  # where the table text stands, when known
    source: str = "text"  # "text" | "pdf"


@dataclass
class ParsedDocument:
    path: str
    sha256: str
    media_type: str  # "application/pdf" | "text/plain"
    text: str
    pages: list[Page] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    n_pages: int | None = None
    text_source: str = "text"  # "text" | "pdf-text-layer" | "ocr"
    encoding: str | None = None

    def page_at(self, offset: int) -> int | None:
        """The 1-based page holding character ``offset``, or None for plain text."""
        if not self.pages:
            return None
        starts = [p.start for p in self.pages]
        i = bisect.bisect_right(starts, offset) - 1
        return self.pages[max(i, 0)].number


@dataclass
class Section:
    kind: str  # "deliberation" | "convention" | "avenant" | "rapport" | "annexe" | "other"
    start: int
    end: int


@dataclass
class ActSegment:
    start: int
    end: int
    sections: list[Section] = field(default_factory=list)


@dataclass
class SourceHint:
    """What the sources manifest says about a file (used when the text is silent)."""

    departement_code: str | None = None
    departement_name: str | None = None
    source_name: str | None = None
    url: str | None = None
