"""The nightly ingestion flow: every source of the manifest, one subflow per département,
one task per document (parse -> extract -> load).

Tasks pass paths and counts, never document text (it holds account numbers), and their
results are not persisted. The warehouse has one writer: this flow's process.

With ``workers > 1`` (``delib run --workers N``) the CPU-bound half (parse + extract) of every
document runs in a pool of worker processes shared by the whole run, while the load stays in
this flow's process, the single writer: ``load_documents_task`` receives paths (one, or
``--load-batch`` of them: a Prefect task costs ~0.05-0.25 s, about a load or more) and
picks the processed results up from this process's memory, so no text crosses Prefect. Each
document is still loaded in its own transaction.
(prefect-dask's ``DaskTaskRunner`` would spread the same split over machines; the load would
still need one writer, see the README's Performance section.)
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
from pipeline.errors import ErrorCode
from pipeline.fetch import fetch_source
from pipeline.ingest import (FileStillWriting, IngestReport, finish_run, ingest_one, is_transient, make_item,
                             make_pool, process_batch, settle, start_run)
from pipeline.load import record_error
from pipeline.sources import Source, load_manifest

_CONNECTIONS: dict[str, duckdb.DuckDBPyConnection] = {}
_REPORTS: dict[str, IngestReport] = {}
_POOLS: dict[str, object] = {}  # run_id -> ProcessPoolExecutor (workers > 1)
_PENDING: dict[tuple[str, str], tuple] = {}  # (run_id, path) -> (item, kind, processed, error)
_SETTLED: dict[tuple[str, str], str] = {}  # (run_id, path) -> outcome, within one load task


def _retry_transient(task, task_run, state) -> bool:
    """Retry only transient failures (a locked database, a file still being written)."""
    try:
        state.result()
    except Exception as e:  # inspecting the failure, re-raised by Prefect if not retried
        return is_transient(e) or isinstance(e, (FileStillWriting, FileNotFoundError, PermissionError))
    return False


@task(retries=3, retry_delay_seconds=2, retry_condition_fn=_retry_transient,
      cache_policy=NONE, persist_result=False, log_prints=False)
def ingest_document(db: str, run_id: str, path: str, source_name: str | None = None) -> str:
    """Parse, extract and load one file; returns its outcome (new/changed/skipped/duplicate/failed)."""
    con = _CONNECTIONS[db]
    rep = _REPORTS[run_id]
    src = _SOURCES.get(source_name)
    item = make_item(path, src.hint() if src else SourceHint())
    return ingest_one(con, rep, item)


@task(retries=3, retry_delay_seconds=2, retry_condition_fn=_retry_transient,
      cache_policy=NONE, persist_result=False, log_prints=False)
def load_documents_task(db: str, run_id: str, paths: list[str]) -> list[str]:
    """Load documents parsed and extracted by worker processes (or record their errors), each
    in its own transaction; returns their outcomes. A retry skips those already settled."""
    for path in paths:
        key = (run_id, path)
        if key not in _SETTLED:
            item, kind, processed, error = _PENDING[key]
            _SETTLED[key] = settle(_CONNECTIONS[db], _REPORTS[run_id], item, kind, processed, error)
            _PENDING.pop(key, None)
    return [_SETTLED.pop((run_id, p)) for p in paths]


def _deferred_loads(db: str, run_id: str, batch: int):
    """(settle_fn, flush) for ``process_batch``: results wait in this process's memory and are
    loaded by one ``load_documents_task`` per ``batch`` documents."""
    waiting: list[str] = []

    def flush() -> list[tuple[str, str]]:
        paths = list(waiting)
        waiting.clear()
        if not paths:
            return []
        try:
            return list(zip(paths, load_documents_task(db, run_id, paths)))
        finally:
            for p in paths:
                _PENDING.pop((run_id, p), None)
                _SETTLED.pop((run_id, p), None)

    def settle_fn(con, rep, item, kind, processed, error) -> None:
        _PENDING[(run_id, item.path)] = (item, kind, processed, error)
        waiting.append(item.path)
        if len(waiting) >= batch:
            _FLUSHED.extend(flush())
        return None

    def flush_all() -> list[tuple[str, str]]:
        out = _FLUSHED + flush()
        _FLUSHED.clear()
        return out

    _FLUSHED: list[tuple[str, str]] = []
    return settle_fn, flush_all


@task(retries=1, retry_delay_seconds=5, cache_policy=NONE, persist_result=False)
def fetch_new_documents(db: str, run_id: str, source_name: str) -> dict[str, int]:
    """Download what is new from a web source; failures are recorded, the rest goes on."""
    con, rep = _CONNECTIONS[db], _REPORTS[run_id]
    outcomes: dict[str, int] = {}
    for r in fetch_source(_SOURCES[source_name]):
        outcomes[r.status] = outcomes.get(r.status, 0) + 1
        if r.status == "failed":
            record_error(con, run_id, r.url, None, "fetch", ErrorCode.E012_FETCH_FAILED.value,
                         f"E012: {r.url}: {r.error}")
            rep.failed += 1
            rep.errors.append((r.url, "fetch", ErrorCode.E012_FETCH_FAILED.value, r.error or ""))
    return outcomes


_SOURCES: dict[str | None, Source] = {}


@flow(name="ingest-departement", persist_result=False)
def ingest_departement(db: str, run_id: str, source_name: str, fetch: bool = True,
                       load_batch: int = 1) -> dict[str, int]:
    src = _SOURCES[source_name]
    if fetch and (src.index_url or src.urls):
        fetch_new_documents(db, run_id, source_name)
    outcomes: dict[str, int] = {}
    pool = _POOLS.get(run_id)
    if pool is None:
        for f in src.files():
            out = ingest_document(db, run_id, str(f), source_name)
            outcomes[out] = outcomes.get(out, 0) + 1
        return outcomes
    items = [make_item(f, src.hint()) for f in src.files()]
    settle_fn, flush = _deferred_loads(db, run_id, max(load_batch, 1))
    for _, out in process_batch(_CONNECTIONS[db], _REPORTS[run_id], items, pool=pool,
                                settle_fn=settle_fn, flush=flush):
        outcomes[out] = outcomes.get(out, 0) + 1
    return outcomes


@flow(name="ingest-sources", persist_result=False)
def ingest_sources(manifest: str = "data/raw/sources.toml", db: str = "data/curated/warehouse.duckdb",
                   fetch: bool = True, workers: int = 1, load_batch: int = 1):
    """Ingest every source of the manifest into the warehouse; one subflow per département.
    ``workers > 1``: parse + extract in that many worker processes, the load stays here, one
    task per ``load_batch`` documents (each still its own transaction)."""
    sources = load_manifest(manifest)
    _SOURCES.clear()
    _SOURCES.update({s.name: s for s in sources})
    con = connect(db, wait=30)
    _CONNECTIONS[db] = con
    run_id = start_run(con, "flow")
    rep = _REPORTS[run_id] = IngestReport(run_id=run_id)
    if workers > 1:
        _POOLS[run_id] = make_pool(workers)
    try:
        for s in sources:
            ingest_departement(db, run_id, s.name, fetch, load_batch)
        finish_run(con, rep)
    finally:
        pool = _POOLS.pop(run_id, None)
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        _CONNECTIONS.pop(db, None)
        _REPORTS.pop(run_id, None)
        con.close()
    summary = {"run_id": run_id, "new": rep.new, "changed": rep.changed, "skipped": rep.skipped,
               "duplicate": rep.duplicate, "failed": rep.failed}
    msg = ", ".join(f"{v} {k}" for k, v in summary.items() if k != "run_id")
    if rep.failed:
        return Failed(message=f"{rep.failed} document(s) failed: {msg}", data=summary)
    return Completed(message=msg, data=summary)


def run(manifest: str | Path, db: str | Path, fetch: bool = True, workers: int = 1,
        load_batch: int = 1) -> tuple[bool, dict]:
    """Run the flow in this process; returns (all loaded, summary)."""
    state = ingest_sources(str(manifest), str(db), fetch, workers, load_batch, return_state=True)
    summary = state.result(raise_on_failure=False)
    if isinstance(summary, BaseException):
        raise summary
    return state.is_completed(), summary
