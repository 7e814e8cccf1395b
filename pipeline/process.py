"""One document through the stages: parse -> segment -> extract -> normalize.

``process_file`` is what ``delib extract``, ``delib ingest`` and the Prefect tasks all call.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from models.document import ActSegment, ParsedDocument, SourceHint
from pipeline.extract import run_extractors
from pipeline.normalize import to_contract
from pipeline.parse import parse_file
from pipeline.redact import redact
from pipeline.segment import segment


@dataclass
class Processed:
    doc: ParsedDocument  # its ``text`` is the REDACTED text: safe to store and print
    acts: list[ActSegment]
    record: dict[str, Any]  # the contract JSON


def process_parsed(doc: ParsedDocument, hint: SourceHint | None = None) -> Processed:
    acts = segment(doc)
    masked = redact(doc.text)
    results = run_extractors(doc, acts, hint, masked=masked)
    doc.text = masked  # from here on, only the masked text exists
    record = to_contract(doc, acts, results)
    return Processed(doc=doc, acts=acts, record=record)


def process_file(path: str | Path, hint: SourceHint | None = None, data: bytes | None = None) -> Processed:
    return process_parsed(parse_file(path, data), hint)


def document_text(path: str | Path) -> str:
    """The text every span refers to, account numbers masked (same length as the raw text)."""
    return redact(parse_file(path).text)
