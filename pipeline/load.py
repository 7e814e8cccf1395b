"""Stage 5 — load: one processed document into the warehouse, in one transaction.

The stored text is the redacted one (account numbers masked). Loading a document first
removes whatever facts it had, so re-loading is idempotent and a changed file replaces its
facts; a failure rolls the whole document back.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

import duckdb

from models.document import SourceHint
from models.warehouse import FACT_TABLES
from pipeline.process import Processed

# contract family -> (table, [(column, key in the fact dict or callable)])
COMMON = ["act_idx", "idx", "section", "page", "span_start", "span_end", "quote"]
FAMILY_COLUMNS: dict[str, tuple[str, list[str]]] = {
    "parties": ("parties", ["name", "kind", "representative", "representative_role", "redacted"]),
    "amounts": ("amounts", ["value", "currency", "role"]),
    "durations": ("durations", ["months", "days", "start_date", "end_date"]),
    "headcounts": ("headcounts", ["count", "unit", "subject"]),
    "bank_accounts": ("bank_accounts", ["iban_masked", "rib_masked", "bic", "holder",
                                        "checksum_valid", "fingerprint"]),
    "budget_lines": ("budget_lines", ["code_operation", "imputation", "libelle", "ae", "disponible",
                                      "montant", "solde", "nomenclature", "nature_code", "nature_label",
                                      "fonction_code", "fonction_label", "chapitre_code",
                                      "chapitre_label"]),
    "references": ('"references"', ["kind", "identifier", "date"]),
}


def now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


INSERT_CHUNK = 256  # rows per INSERT statement


def _insert(con: duckdb.DuckDBPyConnection, table: str, columns: list[str], rows: list[tuple]) -> None:
    """Multi-row INSERTs: DuckDB's ``executemany`` runs one statement per row (~0.3 ms each,
    most of the load's time), a VALUES list of 256 rows costs about as much as one."""
    if not rows:
        return
    cols = ", ".join(f'"{c}"' for c in columns)
    marks = "(" + ", ".join("?" for _ in columns) + ")"
    for i in range(0, len(rows), INSERT_CHUNK):
        chunk = rows[i:i + INSERT_CHUNK]
        con.execute(f"INSERT INTO {table} ({cols}) VALUES " + ", ".join([marks] * len(chunk)),
                    [v for row in chunk for v in row])


def _common(item: dict[str, Any], idx: int) -> list[Any]:
    span = item.get("span") or [None, None]
    return [item.get("act"), idx, item.get("section"), item.get("page"), span[0], span[1], item.get("text")]


def delete_document(con: duckdb.DuckDBPyConnection, doc_id: str) -> None:
    for t in FACT_TABLES:
        con.execute(f"DELETE FROM {t} WHERE doc_id = ?", [doc_id])
    con.execute("DELETE FROM documents WHERE doc_id = ?", [doc_id])


def _act_rows(p: Processed) -> tuple[list[tuple], list[tuple]]:
    acts, sections = [], []
    for i, (a, seg) in enumerate(zip(p.record["acts"], p.acts + [None] * len(p.record["acts"]))):
        vote = a.get("vote") or {}
        att = a.get("attendance") or {}
        span = a.get("span") or ([seg.start, seg.end] if seg else [None, None])
        acts.append((p.doc.sha256, i, a.get("number"), a.get("body"), a.get("meeting_date"), a.get("title"),
                     a.get("president"), a.get("rapport_number"), a.get("legality_control_date"),
                     a.get("publication_date"), vote.get("for"), vote.get("against"), vote.get("abstention"),
                     vote.get("unanimous"), vote.get("adopted"), att.get("present"), att.get("excused"),
                     att.get("absent"), att.get("represented"),
                     p.doc.page_at(span[0]) if span[0] is not None else None, span[0], span[1]))
    for i, seg in enumerate(p.acts):
        for j, s in enumerate(seg.sections):
            sections.append((p.doc.sha256, i, j, s.kind, p.doc.page_at(s.start), s.start, s.end))
    return acts, sections


ACT_COLUMNS = ["doc_id", "act_idx", "number", "body", "meeting_date", "title", "president", "rapport_number",
               "legality_control_date", "publication_date", "vote_for", "vote_against", "vote_abstention",
               "vote_unanimous", "vote_adopted", "present", "excused", "absent", "represented",
               "page", "span_start", "span_end"]


def load_document(con: duckdb.DuckDBPyConnection, p: Processed, path: str, run_id: str | None = None,
                  hint: SourceHint | None = None, fetched_at: datetime | None = None,
                  file_stat: tuple[float, int] | None = None, fresh: bool = False) -> None:
    """Replace the document's rows (and point ``path`` at it), all in one transaction.
    ``fresh``: the caller knows neither the path nor the document is in the warehouse (a new
    file in a batch triaged by this writer), so there is nothing to delete; DuckDB has no index
    on ``doc_id``, every DELETE scans its table, and the scans grow with the warehouse."""
    rec, doc = p.record, p.doc
    dep = rec.get("departement") or {}
    iss = rec.get("issuer") or {}
    hint = hint or SourceHint()
    con.execute("BEGIN TRANSACTION")
    try:
        if not fresh:
            old = con.execute("SELECT doc_id FROM document_paths WHERE path = ?", [path]).fetchone()
            delete_document(con, doc.sha256)
            con.execute("DELETE FROM document_paths WHERE path = ?", [path])
            if old and old[0] != doc.sha256:
                drop_orphan(con, old[0])
        con.execute(
            "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [doc.sha256, path.rsplit("/", 1)[-1], doc.media_type, doc.n_pages, doc.text_source, doc.encoding,
             dep.get("code"), dep.get("name"), dep.get("evidence"), iss.get("name"), iss.get("kind"),
             hint.source_name, hint.url, _ts(fetched_at), len(doc.text), doc.text, now(), run_id])
        _insert_path(con, path, doc.sha256, file_stat)
        acts, sections = _act_rows(p)
        _insert(con, "acts", ACT_COLUMNS, acts)
        _insert(con, "sections", ["doc_id", "act_idx", "idx", "kind", "page", "span_start", "span_end"], sections)
        for family, (table, cols) in FAMILY_COLUMNS.items():
            rows = [tuple([doc.sha256, *_common(item, i), *[_value(item.get(c)) for c in cols]])
                    for i, item in enumerate(rec.get(family) or [])]
            _insert(con, table, ["doc_id", *COMMON, *cols], rows)
        tables = [(doc.sha256, i, t.get("kind"), t.get("page"), json.dumps(t.get("header"), ensure_ascii=False),
                   json.dumps(t.get("rows"), ensure_ascii=False), *((t.get("span") or [None, None])[:2]))
                  for i, t in enumerate(rec.get("document_tables") or [])]
        _insert(con, "document_tables", ["doc_id", "idx", "kind", "page", "header", "rows", "span_start",
                                         "span_end"], tables)
        conv = rec.get("conventions") or []
        if conv:
            cols = list(conv[0])
            _insert(con, "conventions", ["doc_id", *cols], [(doc.sha256, *[c.get(k) for k in cols]) for c in conv])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def _ts(v: Any) -> datetime | None:
    if isinstance(v, str):
        return datetime.fromisoformat(v).astimezone(timezone.utc).replace(tzinfo=None)
    return v


def _value(v: Any) -> Any:
    return json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else v


def _insert_path(con, path: str, doc_id: str, file_stat: tuple[float, int] | None) -> None:
    mtime, size = file_stat or (None, None)
    con.execute("INSERT OR REPLACE INTO document_paths VALUES (?, ?, ?, ?, ?)", [path, doc_id, mtime, size, now()])


def drop_orphan(con: duckdb.DuckDBPyConnection, doc_id: str) -> None:
    """Delete a document no path points to any more (its file changed)."""
    left = con.execute("SELECT count(*) FROM document_paths WHERE doc_id = ?", [doc_id]).fetchone()[0]
    if not left:
        delete_document(con, doc_id)


def link_path(con: duckdb.DuckDBPyConnection, path: str, doc_id: str, file_stat: tuple[float, int] | None) -> None:
    """The same bytes under another name: one document, one more path."""
    con.execute("BEGIN TRANSACTION")
    try:
        old = con.execute("SELECT doc_id FROM document_paths WHERE path = ?", [path]).fetchone()
        con.execute("DELETE FROM document_paths WHERE path = ?", [path])
        _insert_path(con, path, doc_id, file_stat)
        if old and old[0] != doc_id:
            drop_orphan(con, old[0])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def record_error(con: duckdb.DuckDBPyConnection, run_id: str | None, path: str, sha256: str | None,
                 stage: str, code: str, message: str) -> None:
    con.execute("INSERT INTO ingestion_errors VALUES (?, ?, ?, ?, ?, ?, ?)",
                [run_id, path, sha256, stage, code, message, now()])


def counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    out = {"documents": con.execute("SELECT count(*) FROM documents").fetchone()[0]}
    for t in FACT_TABLES:
        out[t.strip('"')] = con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
    out["errors"] = con.execute("SELECT count(DISTINCT path) FROM ingestion_errors").fetchone()[0]
    return out
