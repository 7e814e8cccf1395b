"""Shared fixtures: the project's paths, the shared corpus (skipped when absent), an
extraction context built from a French string, an in-memory DuckDB warehouse and a CLI runner."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
SHARED = ROOT.parent / "shared"


def seed_files() -> list[Path]:
    return sorted(p for p in RAW.rglob("*.txt"))


@pytest.fixture
def shared_dir() -> Path:
    if not (SHARED / "corpus").is_dir():
        pytest.skip("../shared is absent")
    return SHARED


def make_context(text: str, hint=None):
    """An extraction Context over a plain French string (what every extractor receives)."""
    from extractors.common import Context
    from models.document import ParsedDocument, SourceHint
    from pipeline.parse import sha256_bytes, text_tables
    from pipeline.redact import redact
    from pipeline.segment import segment

    doc = ParsedDocument(path="inline.txt", sha256=sha256_bytes(text.encode()), media_type="text/plain",
                         text=text, tables=text_tables(text))
    return Context(doc=doc, text=redact(text), raw_text=text, acts=segment(doc),
                   hint=hint or SourceHint())


@pytest.fixture
def ctx():
    return make_context


@pytest.fixture
def memdb():
    """An in-memory DuckDB warehouse with the project's schema."""
    from models.warehouse import connect

    con = connect(":memory:")
    yield con
    con.close()


@pytest.fixture
def cli():
    from typer.testing import CliRunner

    from pipeline.cli import app

    runner = CliRunner()
    return lambda *args: runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="session")
def prefect_harness(tmp_path_factory):
    """One temporary Prefect API for the whole test run (its start is slow)."""
    import os

    home = tmp_path_factory.mktemp("prefect-home")
    os.environ["PREFECT_HOME"] = str(home)
    os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield home
