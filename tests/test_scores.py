"""The extractors against the hand-made gold of the seeds (../shared/gold/dev), scored by the
shared scorer, on the seed texts and on the same seeds rendered as PDFs. A regression below
the targets fails here."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from pipeline.cli import json_line
from pipeline.process import process_file

FAMILY_TARGET = 0.95
OVERALL_TARGET = 0.97
FAMILIES = ["departement", "act", "parties", "amounts", "durations", "headcounts", "bank_accounts",
            "budget_lines", "references"]


def _score(shared, folder: str, tmp_path) -> dict:
    from pipeline.sources import HintIndex, load_manifest
    from tests.conftest import RAW

    hints = HintIndex(load_manifest(RAW / "sources.toml"))
    files = sorted((shared / "corpus" / folder).glob("*.*"))
    pred = tmp_path / f"{folder}.jsonl"
    with pred.open("w", encoding="utf-8") as out:
        for f in files:
            out.write(json_line(process_file(f, hints.hint(f)).record))
    res = subprocess.run([sys.executable, str(shared / "eval" / "score.py"), "--gold", str(shared / "gold" / "dev"),
                          "--pred", str(pred), "--docs", str(shared / "corpus" / "seeds"), "--json"],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-2000:]
    return json.loads(res.stdout)


@pytest.mark.parametrize("folder", ["seeds", "seeds-pdf"])
def test_seed_scores_meet_targets(shared_dir, tmp_path, folder):
    result = _score(shared_dir, folder, tmp_path)
    fams = result["families"]
    low = {f: fams[f]["f1"] for f in FAMILIES if fams[f]["f1"] < FAMILY_TARGET}
    assert not low, f"families below {FAMILY_TARGET}: {low}; details: {result['details']}"
    assert fams["bank_accounts"]["f1"] == 1.0
    assert result["overall_f1"] >= OVERALL_TARGET
    assert result["leaks"] == [] and result["missing_documents"] == []
    if folder == "seeds":  # the scorer checks quotes against the .txt sources
        assert result["quotes_valid"] == 1.0
