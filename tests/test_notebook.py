"""The analysts' notebook runs top to bottom (headless) on a warehouse built from the sample,
and is committed without outputs."""
from __future__ import annotations

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from tests.conftest import RAW, ROOT

NOTEBOOK = ROOT / "notebooks" / "compare_departements.ipynb"


def test_notebook_is_committed_without_outputs():
    nbformat = pytest.importorskip("nbformat")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)


def test_notebook_runs_on_the_sample(tmp_path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    db = tmp_path / "w.duckdb"
    res = CliRunner().invoke(app, ["ingest", str(RAW), "--manifest", str(RAW / "sources.toml"),
                                   "--db", str(db), "-q"])
    assert res.exit_code == 0, res.output
    monkeypatch.setenv("DELIB_DB", str(db))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    text = "\n".join(o.get("text", "") + o.get("data", {}).get("text/plain", "")
                     for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert f"warehouse: {db}" in text
    assert "56835.25" in text and "49500.00" in text      # cost per ETP-year, 13 and 62
    assert "ETP in the table: 12.0" in text
    images = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if "image/png" in o.get("data", {})]
    assert len(images) == 2
