"""`delib audit`: finds every account number that validates, wherever the pipeline writes,
names its place and never prints it; a full ingest of the sample and the real PDFs leaks none."""
from __future__ import annotations

import duckdb
import pytest

from pipeline.audit import audit, find_valid_accounts
from tests.conftest import RAW

SEED_WITH_ACCOUNT = RAW / "62" / "62_cp_2022-12-13_2022-553.txt"
REAL_PDFS = "corpus/real"


def seed_account() -> str:
    """The compact IBAN printed in the sample deliberation (read at test time, never hard-coded)."""
    from extractors.bank_accounts import find_accounts, normalize

    for occ in find_accounts(SEED_WITH_ACCOUNT.read_text(encoding="utf-8")):
        account, valid = normalize(occ)
        if valid and occ.kind == "iban":
            return account
    raise AssertionError(f"no valid IBAN in {SEED_WITH_ACCOUNT}")


def printed(compact: str, sep: str = " ") -> str:
    return sep.join(compact[i:i + 4] for i in range(0, len(compact), 4))


def assert_not_raw(findings: list[str], compact: str) -> None:
    """No finding holds the number, nor its account part, in any layout."""
    for f in findings:
        squeezed = "".join(ch for ch in f if ch.isalnum())
        assert compact not in squeezed and compact[4:] not in squeezed and compact[14:25] not in squeezed, f


def ingest_into(db, paths) -> None:
    from models.warehouse import connect
    from pipeline.ingest import collect, ingest
    from pipeline.sources import load_manifest

    con = connect(db)
    try:
        rep = ingest(con, collect(paths, load_manifest(RAW / "sources.toml")))
    finally:
        con.close()
    assert rep.failed == 0, rep.errors


@pytest.mark.parametrize("layout", [
    lambda c: "IBAN : " + printed(c),
    lambda c: "iban " + printed(c).lower(),
    lambda c: "IBAN:" + c,
    lambda c: printed(c, "-"),
    lambda c: printed(c[:12]) + "\n" + printed(c[12:]),
    lambda c: '{"note": "IBAN :\\n' + printed(c[:12]) + "\\n" + printed(c[12:], "\\u00a0") + '"}',
    lambda c: "RIB : " + " ".join([c[4:9], c[9:14], c[14:25], c[25:]]),
    lambda c: "RIB | " + " | ".join([c[4:9], c[9:14], c[14:25], c[25:]]) + " |",
    lambda c: "clé " + c[4:9] + "\u00a0" + c[9:14] + "\u202f" + c[14:25] + "\n" + c[25:],
])
def test_detector_reads_every_layout_and_masks(layout):
    compact = seed_account()
    hits = find_valid_accounts(layout(compact))
    assert len(hits) == 1
    assert hits[0].kind == ("RIB" if "RIB" in layout("") or "clé" in layout("") else "IBAN")
    assert_not_raw([h.masked for h in hits], compact)


def test_detector_ignores_numbers_that_do_not_validate():
    compact = seed_account()
    wrong_iban = compact[:-1] + str((int(compact[-1]) + 1) % 10)
    wrong_key = " ".join([compact[4:9], compact[9:14], compact[14:25], wrong_iban[25:]])
    masked = "IBAN " + printed(compact[:4] + "*" * (len(compact) - 7) + compact[-3:])
    for text in (printed(wrong_iban), wrong_key, masked, compact[4:] + "9"):
        assert find_valid_accounts(text) == [], text


def test_full_ingest_leaks_nothing(shared_dir, tmp_path):
    from models.warehouse import connect
    from pipeline.export import export

    db = tmp_path / "w.duckdb"
    ingest_into(db, [RAW, shared_dir / REAL_PDFS])
    con = connect(db, read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM bank_accounts").fetchone()[0] >= 1  # there was one to mask
        export(con, "parquet", tmp_path / "exports")
    finally:
        con.close()
    assert audit(db, home=tmp_path / "prefect") == []


def test_planted_account_is_found_in_a_table_and_a_file(cli, tmp_path, monkeypatch):
    compact = seed_account()
    db = tmp_path / "w.duckdb"
    ingest_into(db, [RAW / "82"])
    con = duckdb.connect(str(db))
    con.execute("UPDATE documents SET text = text || ? ", ["\nIBAN : " + printed(compact)])
    doc_id = con.execute("SELECT doc_id FROM documents").fetchone()[0]
    con.close()
    leak = tmp_path / "exports" / "[bold]2022" / "leak.csv"  # printed as is, not as rich markup
    leak.parent.mkdir(parents=True)
    leak.write_bytes(("id;rib\n1;" + printed(compact[:12]) + "\r\n" + printed(compact[12:]) + "\n").encode("utf-8"))
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect"))
    monkeypatch.setenv("COLUMNS", "400")

    findings = audit(db)
    assert len(findings) == 2, findings
    assert any(f.startswith(f"{db}:documents.text doc_id={doc_id} offset ") for f in findings)
    assert any(f.startswith(f"{leak} offset 9: IBAN ") for f in findings)
    assert_not_raw(findings, compact)

    res = cli("audit", "--db", db)
    assert res.exit_code == 1
    assert "documents.text" in res.output and "[bold]2022/leak.csv" in res.output
    assert_not_raw([res.output], compact)


def test_audit_of_a_clean_warehouse_exits_0(cli, tmp_path, monkeypatch):
    db = tmp_path / "w.duckdb"
    ingest_into(db, [RAW / "62"])  # holds an account number: masked
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect"))
    res = cli("audit", "--db", db)
    assert res.exit_code == 0, res.output


def test_wal_parquet_gzip_prefect_home_and_extra_paths_are_scanned(tmp_path, monkeypatch):
    import gzip

    compact = seed_account()
    db = tmp_path / "w.duckdb"
    con = duckdb.connect(str(db))
    con.execute("PRAGMA disable_checkpoint_on_shutdown")  # the row stays in the WAL
    con.execute("CREATE TABLE notes (id INTEGER, body VARCHAR)")
    con.execute("INSERT INTO notes VALUES (1, ?)", [printed(compact)])
    con.execute(f"COPY (SELECT 'virement ' || body AS label FROM notes) TO '{tmp_path / 'x.parquet'}'")
    con.close()
    assert db.with_name("w.duckdb.wal").exists()
    home = tmp_path / "prefect"
    (home / "logs").mkdir(parents=True)
    (home / "logs" / "run.log.gz").write_bytes(gzip.compress(f"IBAN {compact}".encode()))
    monkeypatch.setenv("PREFECT_HOME", str(home))

    findings = audit(db, extra=[tmp_path / "x.parquet"])
    places = sorted(f.split(" offset ")[0].split(" row ")[0] for f in findings)
    assert places == sorted([f"{db}:notes.body", f"{db}.wal", f"{home / 'logs' / 'run.log.gz'} (decompressed)",
                             f"{tmp_path / 'x.parquet'}.label"]), findings
    assert_not_raw(findings, compact)
