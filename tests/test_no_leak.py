"""No unmasked account number anywhere: the warehouse file, its WAL, the Prefect home, after
ingesting the seeds through the flow."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

from tests.conftest import RAW

ACCOUNT_LINE = re.compile(r"(?:RIB|Compte|IBAN)\s*:\s*([0-9A-Z][0-9A-Z \-]{15,40}\d)")


def raw_accounts() -> list[str]:
    """The account numbers printed in the sample (read from the raw inputs at test time)."""
    found = []
    for f in RAW.rglob("*.txt"):
        for m in ACCOUNT_LINE.finditer(f.read_text(encoding="utf-8")):
            digits = re.sub(r"\D", "", m.group(1))
            if len(digits) >= 20:
                found.append(digits)
    return found


def needles(digits: str) -> list[bytes]:
    """The account part (11 digits of the RIB) as printed or contiguous, in the encodings used."""
    core = digits[-13:-2] if len(digits) >= 23 else digits
    return [core.encode(), core.encode("utf-16-le")]


def test_seeds_leave_no_account_number_on_disk(prefect_harness, tmp_path):
    from flows.ingest_flow import run

    accounts = raw_accounts()
    assert len(accounts) >= 3  # RIB + IBAN of 62-553, RIB of 13
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    curated = tmp_path / "curated"
    ok, _ = run(raw / "sources.toml", curated / "warehouse.duckdb", fetch=False)
    assert ok
    places = [p for root in (curated, Path(prefect_harness)) for p in root.rglob("*") if p.is_file()]
    assert any(p.name == "warehouse.duckdb" for p in places)
    for p in places:
        data = p.read_bytes()
        for acc in accounts:
            for n in needles(acc):
                assert n not in data, f"account number found in {p}"
