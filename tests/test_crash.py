"""A real SIGKILL in the middle of `delib ingest`: the warehouse still opens, holds no
half-loaded document, and the next run completes and marks the killed run 'crashed'."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path


from models.warehouse import FACT_TABLES, connect
from tests.conftest import ROOT, seed_files

N_DOCUMENTS = 30
KILL_AFTER_COMMITS = 4  # WAL growths seen: the run row, then documents
START_TIMEOUT = 120.0  # seconds for the child to load spaCy and commit its first documents
POLL_SECONDS = 0.02
DELIB = Path(sys.executable).with_name("delib")


def many_documents(folder: Path, n: int) -> list[Path]:
    """``n`` distinct deliberations: the samples, each copy made unique by a trailing line."""
    folder.mkdir()
    seeds = seed_files()
    out = []
    for i in range(n):
        seed = seeds[i % len(seeds)]
        p = folder / f"{seed.stem}_copie{i:03d}.txt"
        p.write_text(seed.read_text(encoding="utf-8") + f"\n\nCopie de travail n° {i}\n", encoding="utf-8")
        out.append(p)
    return out


def wait_for_commits(proc: subprocess.Popen, wal: Path, commits: int, timeout: float) -> int:
    """Poll the WAL until it has grown ``commits`` times; the number of growths seen."""
    sizes, deadline = {0}, time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            sizes.add(wal.stat().st_size)
        except FileNotFoundError:
            pass
        if len(sizes) > commits:
            break
        time.sleep(POLL_SECONDS)
    return len(sizes) - 1


def half_loaded(con) -> dict[str, int]:
    """Rows that betray a partial load (all must be 0)."""
    checks = {
        "documents without acts": "SELECT count(*) FROM documents d WHERE NOT EXISTS "
                                  "(SELECT 1 FROM acts a WHERE a.doc_id = d.doc_id)",
        "documents without a path": "SELECT count(*) FROM documents d WHERE NOT EXISTS "
                                    "(SELECT 1 FROM document_paths p WHERE p.doc_id = d.doc_id)",
    }
    for t in (*FACT_TABLES, "document_paths"):
        checks[f"{t} rows without document"] = (f"SELECT count(*) FROM {t} f WHERE NOT EXISTS "
                                                f"(SELECT 1 FROM documents d WHERE d.doc_id = f.doc_id)")
    return {name: con.execute(sql).fetchone()[0] for name, sql in checks.items()}


def test_sigkill_during_ingest_leaves_a_consistent_warehouse(tmp_path):
    from pipeline.ingest import collect, ingest

    folder = tmp_path / "many"
    many_documents(folder, N_DOCUMENTS)
    db = tmp_path / "w.duckdb"
    connect(db).close()  # schema applied and checkpointed: the WAL grows only with the run's commits
    wal = db.with_name(db.name + ".wal")

    proc = subprocess.Popen([str(DELIB), "ingest", str(folder), "--db", str(db), "-q"], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        seen = wait_for_commits(proc, wal, KILL_AFTER_COMMITS, START_TIMEOUT)
        still_running = proc.poll() is None
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    assert still_running, f"the ingest ended before the kill: {proc.stderr.read().decode()[-2000:]}"
    assert seen >= KILL_AFTER_COMMITS
    assert proc.returncode == -signal.SIGKILL

    reader = connect(db, read_only=True)  # analysts can query before the next run
    loaded = reader.execute("SELECT count(*) FROM documents").fetchone()[0]
    reader.close()
    con = connect(db)  # opens: the WAL is replayed up to the last whole commit
    try:
        assert 0 < loaded < N_DOCUMENTS
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == loaded
        assert not any(half_loaded(con).values()), half_loaded(con)
        assert con.execute("SELECT status FROM ingestion_runs").fetchall() == [("running",)]

        rep = ingest(con, collect([folder]))
        assert rep.failed == 0 and rep.new == N_DOCUMENTS - loaded and rep.skipped == loaded
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == N_DOCUMENTS
        assert not any(half_loaded(con).values()), half_loaded(con)
        runs = con.execute("SELECT status FROM ingestion_runs ORDER BY started_at").fetchall()
        assert runs == [("crashed",), ("completed",)]
    finally:
        con.close()
