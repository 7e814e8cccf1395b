"""Stage 3 — extract: run every registered extractor over a parsed, segmented document."""
from __future__ import annotations

from typing import Any

import extractors
from extractors.common import Context
from models.document import ActSegment, ParsedDocument, SourceHint
from pipeline.errors import ErrorCode, IngestError
from pipeline.redact import redact


def run_extractors(doc: ParsedDocument, acts: list[ActSegment], hint: SourceHint | None = None,
                   only: set[str] | None = None, masked: str | None = None) -> dict[str, Any]:
    """Contract fields -> values. ``doc.text`` must be the raw text; the extractors other than
    bank accounts see it with account numbers masked (``masked``, computed when not given)."""
    ctx = Context(doc=doc, text=redact(doc.text) if masked is None else masked, raw_text=doc.text,
                  acts=acts, hint=hint or SourceHint())
    for module in extractors.REGISTRY:
        if only and not (set(module.PRODUCES) & only):
            continue
        name = module.__name__.rsplit(".", 1)[-1]
        try:
            out = module.extract(ctx)
        except IngestError:
            raise
        except Exception as e:  # an extractor bug: recorded with its name, never swallowed
            raise IngestError(ErrorCode.E009_EXTRACTION_FAILED, f"{name}: {type(e).__name__}: {e}",
                              stage="extract") from e
        missing = set(module.PRODUCES) - set(out)
        if missing:
            raise IngestError(ErrorCode.E009_EXTRACTION_FAILED, f"{name} did not produce {missing}",
                              stage="extract")
        ctx.results.update(out)
    return ctx.results
