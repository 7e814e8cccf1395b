"""Stage 4 — normalize: shape the extractors' output as the contract ``deliberation-extract/1``.

Adds to every fact with a span its page and the index of the act it belongs to; fills every
contract key so consumers can rely on the shape.
"""
from __future__ import annotations

from typing import Any

from models.document import ActSegment, ParsedDocument
from pipeline.conventions import summarize

CONTRACT = "deliberation-extract/1"
LIST_FIELDS = ("acts", "parties", "amounts", "durations", "headcounts", "bank_accounts",
               "budget_lines", "references")
ACT_KEYS = ("number", "body", "meeting_date", "title", "president", "rapport_number",
            "legality_control_date", "publication_date", "vote", "attendance", "span")


def act_index(acts: list[ActSegment], offset: int) -> int | None:
    for i, a in enumerate(acts):
        if a.start <= offset < a.end:
            return i
    return None


def section_at(acts: list[ActSegment], offset: int) -> str | None:
    for a in acts:
        for s in a.sections:
            if s.start <= offset < s.end:
                return s.kind
    return None


def to_contract(doc: ParsedDocument, acts: list[ActSegment], results: dict[str, Any]) -> dict[str, Any]:
    record: dict[str, Any] = {
        "contract": CONTRACT,
        "source": {"path": doc.path, "sha256": doc.sha256, "media_type": doc.media_type,
                   "pages": doc.n_pages, "text_source": doc.text_source},
        "departement": results.get("departement"),
        "issuer": results.get("issuer"),
    }
    for f in LIST_FIELDS:
        items = list(results.get(f) or [])
        for item in items:
            span = item.get("span")
            if f != "acts" and span:
                if item.get("page") is None:
                    item["page"] = doc.page_at(span[0])
                item.setdefault("act", act_index(acts, span[0]))
                item.setdefault("section", section_at(acts, span[0]))
        record[f] = items
    # added to the contract: every table of the document (budget, cost, other) with its rows
    record["document_tables"] = list(results.get("document_tables") or [])
    if not record["acts"]:  # no metadata found: still one row per segmented act
        record["acts"] = [{"span": [a.start, a.end]} for a in acts]
    for a in record["acts"]:
        for k in ACT_KEYS:
            a.setdefault(k, None)
    # added to the contract: one summary row per convention or amendment
    record["conventions"] = summarize(record, acts)
    return record
