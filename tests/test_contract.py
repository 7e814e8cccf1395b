"""The JSON that `delib extract --json` prints: contract shape, spans and quotes, for every seed."""
from __future__ import annotations

import json

import pytest

from pipeline.normalize import ACT_KEYS, LIST_FIELDS
from pipeline.process import process_file
from tests.conftest import seed_files

TOP_KEYS = {"contract", "source", "departement", "issuer", *LIST_FIELDS}


@pytest.mark.parametrize("path", seed_files(), ids=lambda p: p.name)
def test_contract_shape_and_quotes(path):
    p = process_file(path)
    rec = json.loads(json.dumps(p.record, ensure_ascii=False))
    assert TOP_KEYS <= set(rec)
    assert rec["contract"] == "deliberation-extract/1"
    assert rec["source"]["sha256"] and rec["source"]["media_type"] == "text/plain"
    assert rec["acts"], "every document has at least one act"
    for act in rec["acts"]:
        assert set(ACT_KEYS) <= set(act)
    text = p.doc.text
    for family in LIST_FIELDS:
        for item in rec[family]:
            if "span" in item and item["span"] and "text" in item:
                s, e = item["span"]
                assert 0 <= s <= e <= len(text)
                assert text[s:e] == item["text"], (family, item)


def test_extract_cli_prints_json_lines(cli):
    files = seed_files()
    res = cli("extract", *files, "--json")
    assert res.exit_code == 0, res.output
    lines = [json.loads(line) for line in res.stdout.splitlines() if line.strip()]
    assert [rec["source"]["path"] for rec in lines] == [str(f) for f in files]


def test_text_cli_prints_redacted_text(cli):
    f = next(p for p in seed_files() if "2022-553" in p.name)
    res = cli("text", f)
    assert res.exit_code == 0
    raw = f.read_text(encoding="utf-8")
    assert len(res.stdout) == len(raw)
    assert "11264600200" in raw and "11264600200" not in res.stdout


def test_extract_real_pdfs_without_error(shared_dir, cli):
    pdfs = sorted((shared_dir / "corpus" / "real").glob("*.pdf"))
    res = cli("extract", *pdfs, "--json")
    assert res.exit_code == 0, res.output
    recs = [json.loads(line) for line in res.stdout.splitlines() if line.strip()]
    assert len(recs) == len(pdfs)
    assert all(r["source"]["pages"] for r in recs)
