"""The Prefect flows: idempotent nightly runs, isolation of a bad document, the deployment."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path


from models.warehouse import connect
from pipeline.load import counts
from tests.conftest import RAW


def _manifest(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    return raw / "sources.toml"


def test_two_flow_runs_same_counts_second_skips(prefect_harness, tmp_path):
    from flows.ingest_flow import run

    manifest, db = _manifest(tmp_path), tmp_path / "w.duckdb"
    ok1, s1 = run(manifest, db, fetch=False)
    con = connect(db, read_only=True)
    c1 = counts(con)
    con.close()
    ok2, s2 = run(manifest, db, fetch=False)
    con = connect(db, read_only=True)
    c2 = counts(con)
    runs = con.execute("SELECT trigger, n_new, n_skipped FROM ingestion_runs ORDER BY started_at").fetchall()
    con.close()
    assert ok1 and ok2
    assert (s1["new"], s2["new"], s2["skipped"]) == (5, 0, 5)
    assert c1 == c2 and c1["documents"] == 5
    assert runs == [("flow", 5, 0), ("flow", 0, 5)]


def test_corrupt_file_is_recorded_and_the_rest_loads(prefect_harness, tmp_path):
    from flows.ingest_flow import run

    manifest, db = _manifest(tmp_path), tmp_path / "w.duckdb"
    (manifest.parent / "62" / "casse.pdf").write_bytes(b"%PDF-1.5\n%\xe2\xe3 truncated")
    ok, summary = run(manifest, db, fetch=False)
    assert not ok and summary["failed"] == 1 and summary["new"] == 5
    con = connect(db, read_only=True)
    err = con.execute("SELECT path, stage, code FROM ingestion_errors").fetchall()
    con.close()
    assert len(err) == 1 and err[0][0].endswith("casse.pdf") and err[0][1:] == ("parse", "E003")


def test_task_results_hold_no_document_text(prefect_harness, tmp_path):
    from flows.ingest_flow import ingest_document

    # the per-document task returns an outcome word, never text
    assert ingest_document.persist_result is False
    assert ingest_document.cache_policy is not None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(url: str, deadline: float) -> None:
    import httpx

    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise TimeoutError(url)


def test_serve_registers_the_nightly_deployment(tmp_path):
    """A real Prefect server on loopback; `delib serve` registers the cron deployment."""
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "home"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "PREFECT_API_URL": api, "PREFECT_LOGGING_LEVEL": "WARNING"}
    prefect = Path(sys.executable).with_name("prefect")
    delib = Path(sys.executable).with_name("delib")
    server = subprocess.Popen([str(prefect), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    served = None
    try:
        _wait_http(api + "/health", time.monotonic() + 90)
        served = subprocess.Popen([str(delib), "serve", "--cron", "30 2 * * *", "--db", str(tmp_path / "w.duckdb"),
                                   "--manifest", str(RAW / "sources.toml")], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        import httpx

        deadline, dep = time.monotonic() + 90, None
        while time.monotonic() < deadline and dep is None:
            r = httpx.get(f"{api}/deployments/name/ingest-sources/nightly", timeout=5)
            if r.status_code == 200:
                dep = r.json()
            else:
                assert served.poll() is None, "delib serve exited"
                time.sleep(1)
        assert dep, "deployment not registered in time"
        sched = dep["schedules"][0]["schedule"]
        assert sched["cron"] == "30 2 * * *" and sched["timezone"] == "Europe/Paris"
        assert dep["parameters"]["fetch"] is True
    finally:
        for p in (served, server):
            if p and p.poll() is None:
                p.terminate()
                try:
                    p.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    p.kill()


def test_serve_without_server_explains(cli, monkeypatch):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: None}):
        res = cli("serve")
    assert res.exit_code == 1
