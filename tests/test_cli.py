"""`delib ingest` and `delib query`: exit codes and read-only queries."""
from __future__ import annotations

import shutil

from tests.conftest import RAW


def test_ingest_exit_codes_and_query(cli, tmp_path):
    db = tmp_path / "w.duckdb"
    good = tmp_path / "good"
    shutil.copytree(RAW / "82", good)
    assert cli("ingest", good, "--db", db, "-q").exit_code == 0
    (good / "casse.pdf").write_bytes(b"%PDF-1.7 truncated")
    assert cli("ingest", good, "--db", db, "-q").exit_code == 2
    assert cli("ingest", tmp_path / "absent", "--db", db).exit_code == 1
    res = cli("query", "SELECT count(*) AS n FROM documents", "--db", db, "--format", "csv")
    assert res.exit_code == 0 and res.stdout.split() == ["n", "1"]
    res = cli("query", "DELETE FROM documents", "--db", db)
    assert res.exit_code == 1  # read-only
    res = cli("query", "SELECT code FROM ingestion_errors", "--db", db, "--format", "csv")
    assert res.stdout.split() == ["code", "E003"]


def test_query_without_warehouse_is_a_usage_error(cli, tmp_path):
    assert cli("query", "SELECT 1", "--db", tmp_path / "none.duckdb").exit_code == 1


def test_ingest_default_reads_the_manifest(cli, tmp_path, monkeypatch):
    shutil.copytree(RAW, tmp_path / "data" / "raw")
    monkeypatch.chdir(tmp_path)
    res = cli("ingest", "-q")
    assert res.exit_code == 0, res.output
    res = cli("query", "SELECT departement_code, count(*) FROM documents GROUP BY 1 ORDER BY 1", "--format", "csv")
    assert res.stdout.splitlines()[1:] == ["13,1", "62,3", "82,1"]
