"""Real processes on one warehouse: a second writer waits (--wait) or fails fast with a clear
message; readers (`delib query`) open, query and close, so they delay a writer only while
they run. DuckDB allows one read-write process or many read-only ones per file."""
from __future__ import annotations

import contextlib
import os
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from models.warehouse import connect
from tests.conftest import RAW, ROOT

DELIB = Path(sys.executable).with_name("delib")
HOLD_SECONDS = 4.0
READY_TIMEOUT = 60.0
RUN_TIMEOUT = 180.0
# a process that opens the warehouse, says "ready", keeps the connection HOLD seconds, closes
HOLDER = """
import sys, time
from models.warehouse import connect
con = connect(sys.argv[1], read_only=sys.argv[2] == "ro")
con.execute("SELECT count(*) FROM documents").fetchone()
print("ready", flush=True)
time.sleep(float(sys.argv[3]))
con.close()
"""
IN_USE = "in use by another process"


@contextlib.contextmanager
def holder(db: Path, mode: str, seconds: float = HOLD_SECONDS):
    """A real process holding a ``mode`` ("rw" | "ro") connection; yields the time it was ready."""
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(db), mode, str(seconds)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        ready, _, _ = select.select([proc.stdout], [], [], READY_TIMEOUT)
        assert ready and proc.stdout.readline().strip() == "ready", proc.stderr.read()
        yield time.monotonic()
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)


def delib(*args) -> tuple[subprocess.CompletedProcess, float]:
    """Run ``delib`` in its own process; the result and how long it took."""
    t0 = time.monotonic()
    res = subprocess.run([str(DELIB), *map(str, args)], cwd=ROOT, capture_output=True, text=True,
                         timeout=RUN_TIMEOUT, env={**os.environ, "COLUMNS": "300"})
    return res, time.monotonic() - t0


@pytest.fixture
def warehouse(tmp_path) -> Path:
    """A warehouse with one document, and a folder of new documents to ingest into it."""
    db = tmp_path / "w.duckdb"
    con = connect(db)
    from pipeline.ingest import collect, ingest

    ingest(con, collect([RAW / "82"]))
    con.close()
    shutil.copytree(RAW / "62", tmp_path / "new")
    return db


def test_second_writer_fails_fast_with_a_clear_message(warehouse):
    with holder(warehouse, "rw", seconds=RUN_TIMEOUT):
        res, elapsed = delib("ingest", warehouse.parent / "new", "--db", warehouse, "-q")
        assert res.returncode == 1
        assert IN_USE in " ".join(res.stderr.split()) and "Traceback" not in res.stderr
        assert elapsed < RUN_TIMEOUT / 2  # did not wait for the holder
        res, _ = delib("audit", "--db", warehouse)
        assert res.returncode == 1
        assert IN_USE in " ".join(res.stderr.split()) and "Traceback" not in res.stderr


def test_second_writer_waits_for_the_lock(warehouse):
    with holder(warehouse, "rw") as ready_at:
        res, _ = delib("ingest", warehouse.parent / "new", "--db", warehouse, "-q", "--wait", RUN_TIMEOUT)
        assert time.monotonic() - ready_at >= HOLD_SECONDS  # it could only load once the holder closed
    assert res.returncode == 0, res.stderr
    con = connect(warehouse, read_only=True)
    assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 4
    con.close()


def test_readers_share_the_file_and_delay_a_writer_only_while_they_run(warehouse):
    with holder(warehouse, "ro") as ready_at:
        res, _ = delib("query", "SELECT count(*) AS n FROM documents", "--db", warehouse, "--format", "csv")
        assert res.returncode == 0 and res.stdout.split() == ["n", "1"]  # two readers at once
        res, _ = delib("ingest", warehouse.parent / "new", "--db", warehouse, "-q", "--wait", RUN_TIMEOUT)
        waited = time.monotonic() - ready_at
    assert res.returncode == 0, res.stderr
    assert HOLD_SECONDS <= waited < HOLD_SECONDS + RUN_TIMEOUT / 2


def test_query_closes_its_connection(cli, warehouse):
    """After `delib query` returns, successful or not, a writer opens at once (same process:
    DuckDB refuses a read-write connection while a read-only one is open on the file)."""
    for sql in ("SELECT count(*) FROM documents", "SELECT * FROM no_such_table"):
        cli("query", sql, "--db", warehouse)
        connect(warehouse).close()
