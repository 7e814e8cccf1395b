"""``delib``: a thin command line over the pipeline library (as sqlite-utils' cli.py).

Exit status of ``ingest``: 0 all documents loaded, 2 some recorded as errors, 1 usage or
environment error.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from pipeline.errors import IngestError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="French deliberations (PDF/text) to a DuckDB warehouse.")
err = Console(stderr=True)
DEFAULT_DB = Path("data/curated/warehouse.duckdb")
DEFAULT_MANIFEST = Path("data/raw/sources.toml")


def _hint(path: Path, manifest: Path):
    from pipeline.sources import ManifestError, load_manifest, hint_for_name

    try:
        sources = load_manifest(manifest) if manifest.exists() else []
    except ManifestError as e:
        err.print(f"[yellow]warning:[/] {e}")
        sources = []
    return hint_for_name(path, sources)


@app.command()
def text(path: Path = typer.Argument(..., exists=True, dir_okay=False, help="a .pdf or .txt file")):
    """Print the document text that all character spans refer to (account numbers masked)."""
    from pipeline.process import document_text

    try:
        sys.stdout.write(document_text(path))
    except IngestError as e:
        err.print(f"[red]{path}[/]: {e}")
        raise typer.Exit(2)


@app.command()
def extract(
    paths: list[Path] = typer.Argument(..., exists=True, dir_okay=False),
    as_json: bool = typer.Option(True, "--json/--no-json", help="print JSON Lines (the contract)"),
    manifest: Path = typer.Option(DEFAULT_MANIFEST, help="sources manifest for département hints"),
):
    """Print one JSON object per document (contract deliberation-extract/1)."""
    from pipeline.process import process_file

    status = 0
    for p in paths:
        try:
            rec = process_file(p, _hint(p, manifest)).record
        except IngestError as e:
            err.print(f"[red]{p}[/]: {e}")
            status = 2
            continue
        if as_json:
            sys.stdout.write(json.dumps(rec, ensure_ascii=False) + "\n")
        else:
            acts = rec["acts"]
            sys.stdout.write(f"{p}: {len(acts)} act(s), {len(rec['amounts'])} amount(s), "
                             f"{len(rec['parties'])} part(y|ies)\n")
    raise typer.Exit(status)


def main():  # pragma: no cover
    app()
