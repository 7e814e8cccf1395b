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

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_show_locals=False,
                  help="French deliberations (PDF/text) to a DuckDB warehouse.")
err = Console(stderr=True)
DEFAULT_DB = Path("data/curated/warehouse.duckdb")
DEFAULT_MANIFEST = Path("data/raw/sources.toml")


def _hints(manifest: Path):
    """The manifest's hints (an empty index, with a warning, when it cannot be read)."""
    from pipeline.sources import HintIndex, ManifestError, load_manifest

    try:
        sources = load_manifest(manifest) if manifest.exists() else []
    except ManifestError as e:
        err.print(f"[yellow]warning:[/] {e}")
        sources = []
    return HintIndex(sources)


# characters str.splitlines() treats as line breaks although JSON leaves them raw
_LINE_BREAKERS = {"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"}


def json_line(obj) -> str:
    """One JSON object on one line, whatever line splitter reads it."""
    s = json.dumps(obj, ensure_ascii=False)
    for ch, esc in _LINE_BREAKERS.items():
        s = s.replace(ch, esc)
    return s + "\n"


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

    hints = _hints(manifest)
    status = 0
    for p in paths:
        try:
            rec = process_file(p, hints.hint(p)).record
        except IngestError as e:
            err.print(f"[red]{p}[/]: {e}")
            status = 2
            continue
        if as_json:
            sys.stdout.write(json_line(rec))
        else:
            acts = rec["acts"]
            sys.stdout.write(f"{p}: {len(acts)} act(s), {len(rec['amounts'])} amount(s), "
                             f"{len(rec['parties'])} part(y|ies)\n")
    raise typer.Exit(status)


def _connect(db: Path, read_only: bool = False, wait: float = 0.0):
    from models.warehouse import WarehouseLocked, connect

    try:
        return connect(db, read_only=read_only, wait=wait)
    except (WarehouseLocked, FileNotFoundError) as e:
        err.print(f"[red]error:[/] {e}")
        raise typer.Exit(1)


@app.command()
def ingest(
    paths: Optional[list[Path]] = typer.Argument(None, help="files or folders (default: the sources manifest)"),
    db: Path = typer.Option(DEFAULT_DB, "--db", help="the DuckDB warehouse file"),
    manifest: Path = typer.Option(DEFAULT_MANIFEST, help="sources manifest (département of each folder)"),
    workers: int = typer.Option(1, min=1, help="worker processes for parse + extract"),
    wait: float = typer.Option(0.0, help="seconds to wait for another ingest's lock"),
    retry_failed: bool = typer.Option(False, help="process again files that failed before"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="no progress bar"),
):
    """Load files or folders into the warehouse. Exit 0: all loaded; 2: some recorded as errors."""
    from pipeline.ingest import collect, collect_sources
    from pipeline.sources import ManifestError, load_manifest
    from pipeline.summary import print_report, progress_bar

    try:
        sources = load_manifest(manifest) if (manifest.exists() or not paths) else []
    except ManifestError as e:
        err.print(f"[red]error:[/] {e}")
        raise typer.Exit(1)
    if paths:
        missing = [p for p in paths if not p.exists()]
        if missing:
            err.print(f"[red]error:[/] no such file or folder: {', '.join(map(str, missing))}")
            raise typer.Exit(1)
        items = collect(paths, sources)
    else:
        items = collect_sources(sources)
    con = _connect(db, wait=wait)
    try:
        from pipeline.ingest import ingest as run_ingest

        with progress_bar(len(items), disable=quiet) as advance:
            rep = run_ingest(con, items, trigger="cli", workers=workers, retry_failed=retry_failed,
                             on_progress=advance)
        print_report(con, rep, err if quiet else Console())
    finally:
        con.close()
    raise typer.Exit(2 if rep.failed else 0)


@app.command()
def query(
    sql: str = typer.Argument(..., help="SQL to run (read-only)"),
    db: Path = typer.Option(DEFAULT_DB, "--db"),
    fmt: str = typer.Option("table", "--format", help="table | csv | json"),
    wait: float = typer.Option(0.0, help="seconds to wait while an ingest holds the warehouse"),
):
    """Run SQL on the warehouse (read-only) and print the result."""
    import duckdb

    from pipeline.summary import print_rows

    con = _connect(db, read_only=True, wait=wait)
    try:
        cur = con.execute(sql)
        columns = [d[0] for d in cur.description or []]
        rows = cur.fetchall()
    except duckdb.Error as e:
        err.print(f"[red]error:[/] {e}")
        raise typer.Exit(1)
    finally:
        con.close()
    print_rows(columns, rows, fmt)


@app.command()
def summary(db: Path = typer.Option(DEFAULT_DB, "--db")):
    """Counts of documents, acts, facts per family and errors."""
    from pipeline.summary import print_counts

    con = _connect(db, read_only=True)
    try:
        print_counts(con, Console())
    finally:
        con.close()


@app.command()
def run(
    db: Path = typer.Option(DEFAULT_DB, "--db"),
    manifest: Path = typer.Option(DEFAULT_MANIFEST, help="sources manifest"),
    fetch: bool = typer.Option(True, help="download what is new from web sources first"),
    workers: int = typer.Option(1, min=1, help="worker processes for parse + extract (the load stays in the flow)"),
    load_batch: int = typer.Option(1, min=1, help="with --workers: documents per load task (each its own transaction)"),
):
    """Run the ingestion flow (Prefect) over every source of the manifest, then print the counts."""
    from flows.ingest_flow import run as run_flow
    from pipeline.summary import print_counts

    ok, summary = run_flow(manifest, db, fetch, workers, load_batch)
    console = Console()
    console.print("flow run: " + ", ".join(f"{v} {k}" for k, v in summary.items() if k != "run_id"))
    con = _connect(db, read_only=True)
    try:
        print_counts(con, console)
    finally:
        con.close()
    raise typer.Exit(0 if ok else 2)


@app.command()
def serve(
    cron: str = typer.Option("0 2 * * *", help="cron schedule of the nightly run"),
    timezone: str = typer.Option("Europe/Paris", help="time zone of the schedule"),
    name: str = typer.Option("nightly", help="deployment name"),
    db: Path = typer.Option(DEFAULT_DB, "--db"),
    manifest: Path = typer.Option(DEFAULT_MANIFEST, help="sources manifest"),
):
    """Serve the ingestion flow as a scheduled deployment (needs a Prefect server: see README)."""
    from flows.deploy import serve_nightly

    try:
        serve_nightly(name=name, cron=cron, timezone=timezone, db=str(db.resolve()),
                      manifest=str(manifest.resolve()))
    except RuntimeError as e:
        err.print(f"[red]error:[/] {e}")
        raise typer.Exit(1)


@app.command()
def export(
    fmt: str = typer.Option(..., "--format", help="parquet | scdl-deliberations | scdl-subventions"),
    out: Path = typer.Option(..., "--out", help="output folder"),
    db: Path = typer.Option(DEFAULT_DB, "--db"),
):
    """Export the warehouse: Parquet (one file per table) or the SCDL open-data CSV files."""
    from pipeline.export import ExportError, export as run_export

    con = _connect(db, read_only=True)
    try:
        report = run_export(con, fmt, out)
    except ExportError as e:
        err.print(f"[red]error:[/] {e}")
        raise typer.Exit(1)
    finally:
        con.close()
    Console().print(report.summary())
    raise typer.Exit(2 if report.rejected else 0)


@app.command()
def audit(
    db: Path = typer.Option(DEFAULT_DB, "--db"),
    paths: Optional[list[Path]] = typer.Option(None, "--path", help="more files or folders to scan"),
):
    """Scan the warehouse, stored text, exports, logs and the Prefect home for account numbers
    that validate (IBAN or RIB). Exit 1 when one is found."""
    from rich.markup import escape

    from models.warehouse import WarehouseLocked
    from pipeline.audit import audit as run_audit

    try:
        findings = run_audit(db, extra=paths or [])
    except WarehouseLocked as e:
        err.print(f"[red]error:[/] {escape(str(e))}")
        raise typer.Exit(1)
    for f in findings:
        err.print(f"[red]LEAK[/] {escape(f)}")
    if findings:
        raise typer.Exit(1)
    Console().print("no account number found")


def main():  # pragma: no cover
    app()
