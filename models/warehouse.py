"""Open the DuckDB warehouse and apply the schema (``schema.sql``) and views (``views.sql``)."""
from __future__ import annotations

import time
from importlib import resources
from pathlib import Path

import duckdb

FACT_TABLES = ("acts", "sections", "parties", "amounts", "durations", "headcounts",
               "bank_accounts", "budget_lines", "document_tables", '"references"', "conventions")


class WarehouseLocked(RuntimeError):
    """Another process holds the warehouse for writing."""


def _sql(name: str) -> str:
    return resources.files("models").joinpath(name).read_text(encoding="utf-8")


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(_sql("schema.sql"))
    views = resources.files("models").joinpath("views.sql")
    if views.is_file():
        con.execute(views.read_text(encoding="utf-8"))


def connect(path: str | Path = ":memory:", read_only: bool = False, wait: float = 0.0) -> duckdb.DuckDBPyConnection:
    """A connection with the schema applied. A writer waits up to ``wait`` seconds for the
    lock held by another process, then raises ``WarehouseLocked`` with a clear message."""
    if str(path) != ":memory:":
        p = Path(path)
        if read_only and not p.exists():
            raise FileNotFoundError(f"no warehouse at {p}: run `delib ingest` first")
        p.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            break
        except duckdb.IOException as e:
            if "lock" not in str(e).lower():
                raise
            if time.monotonic() >= deadline:
                raise WarehouseLocked(
                    f"the warehouse {path} is in use by another process (an ingest is running?); "
                    f"retry later or pass --wait SECONDS") from e
            time.sleep(0.5)
    if not read_only:
        apply_schema(con)
    return con
