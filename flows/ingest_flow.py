"""The nightly ingestion flow: every source of the manifest, one subflow per département,
one task per document (parse -> extract -> load).

Tasks pass paths and counts, never document text (it holds account numbers), and their
results are not persisted. The warehouse has one writer: this flow's process.
"""
from __future__ import annotations

import flows  # noqa: F401  (sets Prefect's environment first)

from pathlib import Path

import duckdb
from prefect import flow, task
from prefect.cache_policies import NONE
from prefect.states import Completed, Failed

from models.document import SourceHint
from models.warehouse import connect
from pipeline.ingest import IngestReport, Item, finish_run, ingest_one, is_transient, start_run
from pipeline.sources import Source, load_manifest

_CONNECTIONS: dict[str, duckdb.DuckDBPyConnection] = {}
_REPORTS: dict[str, IngestReport] = {}


def _retry_transient(task, task_run, state) -> bool:
    """Retry only transient failures (a locked database, a file still being written)."""
    try:
        state.result()
    except Exception as e:  # inspecting the failure, re-raised by Prefect if not retried
        return is_transient(e) or isinstance(e, (FileNotFoundError, PermissionError))
    return False


@task(retries=3, retry_delay_seconds=2, retry_condition_fn=_retry_transient,
      cache_policy=NONE, persist_result=False, log_prints=False)
def ingest_document(db: str, run_id: str, path: str, source_name: str | None = None) -> str:
    """Parse, extract and load one file; returns its outcome (new/changed/skipped/duplicate/failed)."""
    con = _CONNECTIONS[db]
    rep = _REPORTS[run_id]
    src = _SOURCES.get(source_name)
    item = Item(path, src.hint() if src else SourceHint())
    return ingest_one(con, rep, item)


_SOURCES: dict[str | None, Source] = {}


@flow(name="ingest-departement", persist_result=False)
def ingest_departement(db: str, run_id: str, source_name: str, fetch: bool = True) -> dict[str, int]:
    src = _SOURCES[source_name]
    if fetch and (src.index_url or src.urls):
        from flows.fetch import fetch_source

        fetch_source(src)
    outcomes: dict[str, int] = {}
    for f in src.files():
        out = ingest_document(db, run_id, str(f), source_name)
        outcomes[out] = outcomes.get(out, 0) + 1
    return outcomes


@flow(name="ingest-sources", persist_result=False)
def ingest_sources(manifest: str = "data/raw/sources.toml", db: str = "data/curated/warehouse.duckdb",
                   fetch: bool = True):
    """Ingest every source of the manifest into the warehouse; one subflow per département."""
    sources = load_manifest(manifest)
    _SOURCES.clear()
    _SOURCES.update({s.name: s for s in sources})
    con = connect(db, wait=30)
    _CONNECTIONS[db] = con
    run_id = start_run(con, "flow")
    rep = _REPORTS[run_id] = IngestReport(run_id=run_id)
    try:
        for s in sources:
            ingest_departement(db, run_id, s.name, fetch)
        finish_run(con, rep)
    finally:
        _CONNECTIONS.pop(db, None)
        _REPORTS.pop(run_id, None)
        con.close()
    summary = {"run_id": run_id, "new": rep.new, "changed": rep.changed, "skipped": rep.skipped,
               "duplicate": rep.duplicate, "failed": rep.failed}
    msg = ", ".join(f"{v} {k}" for k, v in summary.items() if k != "run_id")
    if rep.failed:
        return Failed(message=f"{rep.failed} document(s) failed: {msg}", data=summary)
    return Completed(message=msg, data=summary)


def run(manifest: str | Path, db: str | Path, fetch: bool = True) -> tuple[bool, dict]:
    """Run the flow in this process; returns (all loaded, summary)."""
    state = ingest_sources(str(manifest), str(db), fetch, return_state=True)
    summary = state.result(raise_on_failure=False)
    if isinstance(summary, BaseException):
        raise summary
    return state.is_completed(), summary
