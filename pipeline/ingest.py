"""Ingest a batch of files into the warehouse: the function behind ``delib ingest`` and the
Prefect flow.

For each file: unchanged (same path, size and mtime, or same sha256) -> skipped cheaply; the
same bytes under another name -> one more path to the same document; else parse, segment,
extract, normalize (in worker processes when ``workers > 1``) and load, one transaction per
document in this single writer process. A bad document is recorded in ``ingestion_errors``
with its stage and a stable code; the batch goes on.
"""
from __future__ import annotations

import logging
import os
import uuid
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

import duckdb

from models.document import SourceHint
from pipeline.errors import ErrorCode, IngestError
from pipeline.load import link_path, load_document, now, record_error
from pipeline.parse import sha256_bytes
from pipeline.process import Processed, process_file
from pipeline.sources import SUFFIXES, HintIndex, Source

log = logging.getLogger(__name__)


@dataclass
class Item:
    path: str
    hint: SourceHint = field(default_factory=SourceHint)
    url: str | None = None
    fetched_at: object | None = None
    sha256: str | None = None  # set by triage


@dataclass
class IngestReport:
    run_id: str
    new: int = 0
    changed: int = 0
    skipped: int = 0
    duplicate: int = 0
    failed: int = 0
    errors: list[tuple[str, str, str, str]] = field(default_factory=list)  # path, stage, code, message

    @property
    def status(self) -> str:
        return "completed_with_errors" if self.failed else "completed"

    @property
    def total(self) -> int:
        return self.new + self.changed + self.skipped + self.duplicate + self.failed


def make_item(path: str | Path, hint: SourceHint | None = None) -> Item:
    """An item with its manifest hint and, for a downloaded file, its URL and fetch date."""
    from pipeline.fetch import url_for

    url, fetched_at = url_for(path)
    return Item(str(path), hint or SourceHint(), url, fetched_at)


class _Hints:
    """Manifest hints (``sources.HintIndex``) and ``fetch.url_for`` for many files: each
    source's files are listed and each folder's fetch state read once, not once per file
    (10 000 files: seconds saved)."""

    def __init__(self, sources: list[Source]):
        self.index = HintIndex(sources)
        self.states: dict[Path, dict[str, tuple[str, str | None]]] = {}

    def hint(self, f: Path) -> SourceHint:
        return self.index.hint(f)

    def fetched(self, f: Path) -> tuple[str | None, str | None]:
        from pipeline.fetch import load_state

        if f.parent not in self.states:
            self.states[f.parent] = {e.get("path"): (url, e.get("fetched_at"))
                                     for url, e in load_state(f.parent).items()}
        return self.states[f.parent].get(f.name, (None, None))

    def item(self, f: Path, hint: SourceHint | None = None) -> Item:
        url, fetched_at = self.fetched(f)
        return Item(str(f), hint or self.hint(f), url, fetched_at)


def collect(paths: Iterable[str | Path], sources: list[Source] | None = None) -> list[Item]:
    """Files under the given paths (folders are walked), each with its manifest hint."""
    hints = _Hints(sources or [])
    items: list[Item] = []
    for p in paths:
        p = Path(p)
        files = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES) if p.is_dir() else [p]
        items.extend(hints.item(f) for f in files)
    return items


def collect_sources(sources: list[Source]) -> list[Item]:
    hints = _Hints([])
    return [hints.item(f, s.hint()) for s in sources for f in s.files()]


def _stat(path: str) -> tuple[float, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime, st.st_size)


def _work(item: Item) -> tuple[Item, Processed | None, tuple[str, str, str] | None]:
    """Parse + extract one file (runs in a worker process). Returns the result or the error."""
    try:
        return item, process_file(item.path, item.hint), None
    except IngestError as e:
        return item, None, (e.stage, e.code.value, e.message)
    except Exception as e:  # a bug in a library or ours: recorded with its type, the batch goes on
        log.exception("unexpected failure on %s", item.path)
        return item, None, ("extract", ErrorCode.E009_EXTRACTION_FAILED.value,
                            f"{ErrorCode.E009_EXTRACTION_FAILED.value}: unexpected {type(e).__name__}: {e}")


def start_run(con: duckdb.DuckDBPyConnection, trigger: str) -> str:
    """A new ``ingestion_runs`` row. Runs left 'running' were killed: this process holds the
    write lock, so no other run can be alive. They are marked 'crashed'."""
    con.execute("UPDATE ingestion_runs SET status = 'crashed' WHERE status = 'running'")
    run_id = uuid.uuid4().hex[:12]
    con.execute("INSERT INTO ingestion_runs (run_id, started_at, trigger, status) VALUES (?, ?, ?, 'running')",
                [run_id, now(), trigger])
    return run_id


def finish_run(con: duckdb.DuckDBPyConnection, rep: IngestReport) -> None:
    con.execute("UPDATE ingestion_runs SET finished_at = ?, status = ?, n_new = ?, n_changed = ?, "
                "n_skipped = ?, n_duplicate = ?, n_failed = ? WHERE run_id = ?",
                [now(), rep.status, rep.new, rep.changed, rep.skipped, rep.duplicate, rep.failed, rep.run_id])


TO_PROCESS = ("new", "changed")


_NOT_FETCHED = object()


def known_paths(con: duckdb.DuckDBPyConnection, paths: list[str], chunk: int = 50_000) -> dict[str, tuple]:
    """``document_paths`` rows (doc_id, mtime, size) of the given paths, in a few queries."""
    out: dict[str, tuple] = {}
    for i in range(0, len(paths), chunk):
        rows = con.execute("SELECT path, doc_id, mtime, size FROM document_paths WHERE path IN "
                           "(SELECT unnest(?::VARCHAR[]))", [paths[i:i + chunk]]).fetchall()
        out.update((r[0], r[1:]) for r in rows)
    return out


def triage(con: duckdb.DuckDBPyConnection, item: Item, rep: IngestReport, retry_failed: bool,
           row: tuple | None | object = _NOT_FETCHED) -> str:
    """'new' or 'changed' (to process), else the outcome already counted in ``rep``:
    'skipped' (unchanged), 'duplicate' (same bytes under another name) or 'failed'.
    An unchanged file costs one stat (its ``document_paths`` row may be given, see
    ``known_paths``); the bytes are read and hashed only when size or mtime changed."""
    st = _stat(item.path)
    if row is _NOT_FETCHED:
        row = con.execute("SELECT doc_id, mtime, size FROM document_paths WHERE path = ?", [item.path]).fetchone()
    if row and st and row[1] == st[0] and row[2] == st[1]:
        rep.skipped += 1
        return "skipped"
    try:
        data = Path(item.path).read_bytes()
    except OSError as e:
        _fail(con, rep, item.path, None, "read", ErrorCode.E011_UNREADABLE.value, f"E011: {e}")
        return "failed"
    after = _stat(item.path)
    if st and (after != st or len(data) != st[1]):
        raise FileStillWriting(f"{item.path} changed while it was read (still being written?)")
    digest = item.sha256 = sha256_bytes(data)
    if row and row[0] == digest:
        link_path(con, item.path, digest, st)  # touched, same bytes: refresh the stat
        rep.skipped += 1
        return "skipped"
    known = con.execute("SELECT 1 FROM documents WHERE doc_id = ?", [digest]).fetchone()
    if known:
        link_path(con, item.path, digest, st)
        rep.duplicate += 1
        return "duplicate"
    if not retry_failed and con.execute(
            "SELECT 1 FROM ingestion_errors WHERE sha256 = ? AND stage IN ('parse', 'extract') LIMIT 1",
            [digest]).fetchone():
        rep.skipped += 1  # failed before for the same bytes; --retry-failed to try again
        return "skipped"
    return "changed" if row else "new"


def _fail(con, rep: IngestReport, path: str, sha: str | None, stage: str, code: str, message: str) -> None:
    record_error(con, rep.run_id, path, sha, stage, code, message)
    rep.failed += 1
    rep.errors.append((path, stage, code, message))
    log.warning("%s: %s", path, message)


def settle(con: duckdb.DuckDBPyConnection, rep: IngestReport, item: Item, kind: str,
           processed: Processed | None, error: tuple[str, str, str] | None) -> str:
    """Load a processed document, or record its error. Returns the outcome counted in ``rep``."""
    if error:
        stage, code, message = error
        _fail(con, rep, item.path, _sha(item.path), stage, code, message)
        return "failed"
    try:
        load_document(con, processed, item.path, rep.run_id, item.hint, item.fetched_at, _stat(item.path),
                      fresh=kind == "new")
    except duckdb.Error as e:
        if is_transient(e):
            raise
        _fail(con, rep, item.path, processed.doc.sha256, "load", ErrorCode.E010_LOAD_FAILED.value,
              f"E010: {type(e).__name__}: {e}")
        return "failed"
    setattr(rep, kind, getattr(rep, kind) + 1)
    return kind


class FileStillWriting(OSError):
    """The file changed while it was read (still being written): try again later."""


def is_transient(e: BaseException) -> bool:
    """Errors worth a retry: a locked database, a conflict between writers."""
    msg = str(e).lower()
    return isinstance(e, duckdb.Error) and any(w in msg for w in ("lock", "conflict"))


def ingest_one(con: duckdb.DuckDBPyConnection, rep: IngestReport, item: Item, retry_failed: bool = False) -> str:
    """Triage, process and load one file in this process. Returns its outcome."""
    kind = triage(con, item, rep, retry_failed)
    if kind not in TO_PROCESS:
        return kind
    _, processed, error = _work(item)
    return settle(con, rep, item, kind, processed, error)


Settle = Callable[[duckdb.DuckDBPyConnection, IngestReport, Item, str, "Processed | None",
                   "tuple[str, str, str] | None"], str]


def ingest(con: duckdb.DuckDBPyConnection, items: list[Item], trigger: str = "cli", workers: int = 1,
           retry_failed: bool = False, on_progress: Callable[[str], None] | None = None) -> IngestReport:
    rep = IngestReport(run_id=start_run(con, trigger))
    for path, _ in process_batch(con, rep, items, workers, retry_failed):
        if on_progress:
            on_progress(path)
    finish_run(con, rep)
    return rep


def process_batch(con: duckdb.DuckDBPyConnection, rep: IngestReport, items: list[Item], workers: int = 1,
                  retry_failed: bool = False, settle_fn: Settle | None = None,
                  pool: ProcessPoolExecutor | None = None,
                  flush: Callable[[], Iterable[tuple[str, str]]] | None = None) -> Iterator[tuple[str, str]]:
    """Triage, process and load a batch; yields (path, outcome) as each file is settled.
    Parse + extract run in ``workers`` processes (or the given pool); ``settle_fn`` (default
    ``settle``) loads each result in this process, the single writer. A ``settle_fn`` may
    defer (return None): ``flush`` then settles what it holds, before the duplicates within
    the batch are linked."""
    settle_fn = settle_fn or settle
    todo: list[tuple[Item, str]] = []
    planned: dict[str, Item] = {}
    same_bytes: list[Item] = []  # the same bytes twice in this batch: processed once
    rows = known_paths(con, [it.path for it in items])
    for item in items:
        try:
            kind = triage(con, item, rep, retry_failed, rows.get(item.path))
        except FileStillWriting as e:
            log.warning("%s; left for the next run", e)
            rep.skipped += 1
            kind = "skipped"
        if kind in TO_PROCESS and item.sha256 in planned:
            same_bytes.append(item)
        elif kind in TO_PROCESS:
            planned[item.sha256] = item
            todo.append((item, kind))
        else:
            yield item.path, kind
    kinds = {it.path: kind for it, kind in todo}
    for item, processed, error in _run(todo, workers, pool):
        out = settle_fn(con, rep, item, kinds[item.path], processed, error)
        if out is not None:
            yield item.path, out
    if flush:
        yield from flush()
    for item in same_bytes:
        if con.execute("SELECT 1 FROM documents WHERE doc_id = ?", [item.sha256]).fetchone():
            link_path(con, item.path, item.sha256, _stat(item.path))
            rep.duplicate += 1
            yield item.path, "duplicate"
        else:
            first = planned[item.sha256]
            _fail(con, rep, item.path, item.sha256, "parse", ErrorCode.E013_SAME_AS_FAILED.value,
                  f"E013: same bytes as {first.path}, which failed")
            yield item.path, "failed"


def _sha(path: str) -> str | None:
    try:
        return sha256_bytes(Path(path).read_bytes())
    except OSError:
        return None


def make_pool(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=workers)


def _run(todo: list[tuple[Item, str]], workers: int, pool: ProcessPoolExecutor | None = None):
    """(item, processed, error) in the order of ``todo``: here, or in worker processes."""
    items = [it for it, _ in todo]
    if (pool is None and workers <= 1) or len(items) < 2:
        for it in items:
            yield _work(it)
        return
    if pool is not None:
        yield from pool.map(_work, items, chunksize=2)
        return
    with make_pool(workers) as own:
        yield from own.map(_work, items, chunksize=2)
