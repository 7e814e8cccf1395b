"""The benchmark runs end to end on a tiny corpus and writes its figures (no timing asserted)."""
from __future__ import annotations

import json


def test_bench_smoke(prefect_harness, shared_dir, tmp_path):
    from pipeline.bench import main

    out = tmp_path / "bench.json"
    result = main(["--copies", "3", "--workers", "2", "--noop-docs", "30", "--only", "62_cp_2022-12-13*",
                   "--flow-load-batch", "1,2", "--no-pdfplumber", "--out", str(out)])
    saved = json.loads(out.read_text(encoding="utf-8"))
    assert saved == json.loads(json.dumps(result))
    assert {"machine", "targets", "corpus", "profile", "ingest", "best_workers", "flow", "noop", "queries",
            "summary"} <= set(saved)
    assert saved["corpus"]["documents"] == 6 and saved["corpus"]["pdf_pages"] > 0
    [run] = saved["ingest"]
    assert run["workers"] == 2 and run["new"] == 6 and run["failed"] == 0
    assert {"wall_s", "run_s", "docs_per_s", "pdf_pages_per_s", "peak_rss_mib"} <= set(run)
    assert [f["new"] for f in saved["flow_runs"]] == [6, 6] and saved["flow"]["failed"] == 0
    assert saved["noop"]["rerun"]["skipped"] == 30 and saved["noop"]["rerun"]["new"] == 0
    assert set(saved["queries"]) == {"v_departement_summary", "v_conventions_by_departement"}
    assert {"pdf_pages_per_s", "noop_rerun_s", "peak_rss_gib", "meets"} <= set(saved["summary"])
