"""What ``delib`` prints: progress bars, the run report and the warehouse counts."""
from __future__ import annotations

import contextlib
import csv
import json
import sys
from typing import Callable, Iterator

import duckdb
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from pipeline.load import counts


@contextlib.contextmanager
def progress_bar(total: int, disable: bool = False) -> Iterator[Callable[[str], None]]:
    with Progress(TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  TextColumn("{task.fields[name]}"), console=Console(stderr=True),
                  disable=disable or not sys.stderr.isatty(), transient=True) as prog:
        task = prog.add_task("ingest", total=total, name="")

        def advance(path: str) -> None:
            prog.update(task, advance=1, name=path.rsplit("/", 1)[-1][:40])

        yield advance


def print_counts(con: duckdb.DuckDBPyConnection, console: Console) -> None:
    t = Table(title="warehouse")
    t.add_column("table")
    t.add_column("rows", justify="right")
    for k, v in counts(con).items():
        t.add_row(k, str(v))
    console.print(t)


def print_report(con: duckdb.DuckDBPyConnection, rep, console: Console) -> None:
    console.print(f"run {rep.run_id}: {rep.new} new, {rep.changed} changed, {rep.skipped} unchanged, "
                  f"{rep.duplicate} duplicate, {rep.failed} failed")
    print_counts(con, console)
    if rep.errors:
        t = Table(title="errors")
        for c in ("file", "stage", "code", "message"):
            t.add_column(c)
        for path, stage, code, msg in rep.errors:
            t.add_row(path, stage, code, msg)
        console.print(t)


def _plain(v):
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    return str(v)  # Decimal, date, timestamp: as printed by DuckDB, never through float


def print_rows(columns: list[str], rows: list[tuple], fmt: str = "table") -> None:
    if fmt == "csv":
        w = csv.writer(sys.stdout, lineterminator="\n")
        w.writerow(columns)
        w.writerows([["" if v is None else _plain(v) for v in r] for r in rows])
    elif fmt == "json":
        for r in rows:
            sys.stdout.write(json.dumps(dict(zip(columns, map(_plain, r))), ensure_ascii=False) + "\n")
    else:
        t = Table(show_lines=False)
        for c in columns:
            t.add_column(str(c), overflow="fold")
        for r in rows:
            t.add_row(*["" if v is None else str(v) for v in r])
        Console().print(t)
