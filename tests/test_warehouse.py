"""Loading: idempotent re-ingest, changed files, duplicates, failures leave no trace."""
from __future__ import annotations

import shutil

import pytest

from pipeline import load as load_mod
from pipeline.ingest import collect, ingest
from pipeline.load import counts
from tests.conftest import RAW, seed_files


def _copy_seeds(tmp_path):
    for f in seed_files():
        dest = tmp_path / f.parent.name / f.name
        dest.parent.mkdir(exist_ok=True)
        shutil.copy(f, dest)
    return tmp_path


def test_ingest_twice_gives_same_counts(memdb, tmp_path):
    folder = _copy_seeds(tmp_path)
    first = ingest(memdb, collect([folder]))
    c1 = counts(memdb)
    second = ingest(memdb, collect([folder]))
    assert first.new == 5 and first.failed == 0
    assert second.new == 0 and second.skipped == 5
    assert counts(memdb) == c1
    assert c1["documents"] == 5 and c1["acts"] >= 5
    runs = memdb.execute("SELECT n_new, n_skipped, status FROM ingestion_runs ORDER BY started_at").fetchall()
    assert runs == [(5, 0, "completed"), (0, 5, "completed")]


def test_same_bytes_under_two_names_is_one_document(memdb, tmp_path):
    src = RAW / "82" / "82_cp_2022-09-20_accompagnement-global.txt"
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    shutil.copy(src, a)
    shutil.copy(src, b)
    rep = ingest(memdb, collect([a, b]))
    assert (rep.new, rep.duplicate) == (1, 1)
    assert memdb.execute("SELECT count(*) FROM documents").fetchone()[0] == 1
    assert memdb.execute("SELECT count(DISTINCT doc_id), count(*) FROM document_paths").fetchone() == (1, 2)


def test_changed_file_replaces_its_facts(memdb, tmp_path):
    p = tmp_path / "delib.txt"
    shutil.copy(RAW / "62" / "62_cp_2022-07-04_2022-298.txt", p)
    ingest(memdb, collect([p]))
    old = memdb.execute("SELECT doc_id FROM documents").fetchone()[0]
    shutil.copy(RAW / "62" / "62_cp_2022-12-13_2022-553.txt", p)
    rep = ingest(memdb, collect([p]))
    assert rep.changed == 1
    docs = memdb.execute("SELECT doc_id FROM documents").fetchall()
    assert len(docs) == 1 and docs[0][0] != old
    for table in ("acts", "sections", "amounts"):
        assert memdb.execute(f"SELECT count(*) FROM {table} WHERE doc_id = ?", [old]).fetchone()[0] == 0


def test_failing_load_leaves_the_warehouse_as_it_was(memdb, tmp_path, monkeypatch):
    folder = _copy_seeds(tmp_path)
    ingest(memdb, collect([folder / "62"]))
    before = counts(memdb)
    real_insert = load_mod._insert

    def broken_insert(con, table, columns, rows):
        if table == "sections":
            import duckdb
            raise duckdb.ConstraintException("simulated failure in the middle of a load")
        return real_insert(con, table, columns, rows)

    monkeypatch.setattr(load_mod, "_insert", broken_insert)
    rep = ingest(memdb, collect([folder / "13", folder / "82"]))
    assert rep.failed == 2 and rep.new == 0
    after = counts(memdb)
    assert {k: v for k, v in after.items() if k != "errors"} == {k: v for k, v in before.items() if k != "errors"}
    errors = memdb.execute("SELECT stage, code FROM ingestion_errors").fetchall()
    assert errors == [("load", "E010"), ("load", "E010")]


def test_bad_file_is_recorded_and_the_batch_goes_on(memdb, tmp_path):
    folder = _copy_seeds(tmp_path)
    (folder / "62" / "vide.txt").write_bytes(b"")
    (folder / "62" / "faux.pdf").write_text("<html>404</html>")
    rep = ingest(memdb, collect([folder]))
    assert rep.new == 5 and rep.failed == 2
    codes = sorted(r[0] for r in memdb.execute("SELECT code FROM ingestion_errors").fetchall())
    assert codes == ["E001", "E003"]
    # the same bad bytes are not retried on the next run
    again = ingest(memdb, collect([folder]))
    assert again.failed == 0 and again.skipped == 7


def test_stored_text_is_redacted(memdb, tmp_path):
    p = tmp_path / "x.txt"
    shutil.copy(RAW / "62" / "62_cp_2022-12-13_2022-553.txt", p)
    ingest(memdb, collect([p]))
    text = memdb.execute("SELECT text FROM documents").fetchone()[0]
    assert "11264600200" not in text and "RIB :" in text
    assert len(text) == len(p.read_text(encoding="utf-8"))


def test_file_still_being_written_is_left_for_the_next_run(memdb, tmp_path, monkeypatch):
    import pipeline.ingest as ingest_mod
    from pipeline.ingest import FileStillWriting, Item, IngestReport, ingest_one

    p = tmp_path / "en-cours.txt"
    shutil.copy(RAW / "82" / "82_cp_2022-09-20_accompagnement-global.txt", p)
    real_stat = ingest_mod._stat
    calls = {"n": 0}

    def growing(path):  # the size changes between the stat before and after the read
        calls["n"] += 1
        mtime, size = real_stat(path)
        return (mtime, size + calls["n"])

    monkeypatch.setattr(ingest_mod, "_stat", growing)
    rep = ingest(memdb, collect([p]))
    assert (rep.new, rep.skipped, rep.failed) == (0, 1, 0)
    with pytest.raises(FileStillWriting):  # the flow's task lets it surface, to be retried
        ingest_one(memdb, IngestReport(run_id="t"), Item(str(p)))
    monkeypatch.setattr(ingest_mod, "_stat", real_stat)
    assert ingest(memdb, collect([p])).new == 1
