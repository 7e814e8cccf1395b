"""Leak audit (``delib audit``): look everywhere the pipeline writes for an IBAN or a French
RIB that *validates* (IBAN mod-97 and national format, RIB key), and report each one by its
place with the number masked. The raw number is never returned nor printed.

Places: every text-bearing column (VARCHAR, JSON, and lists/structs of them) of every table
of the warehouse, including ``documents.text``; the warehouse's WAL; the exports and logs
folders; the Prefect home (``PREFECT_HOME``, default ``./.prefect``); and any extra file or
folder given. DuckDB and Parquet files are compressed, so they are *queried*; gzip files are
decompressed; every other file is scanned as bytes decoded latin-1 (one character per byte,
so offsets are byte offsets), with the UTF-8 encodings of the no-break spaces counted as
separators.

The detector is deliberately independent of (and more tolerant than) the one redaction uses:
groups may be separated by spaces, tabs, no-break spaces, hyphens, dots, pipes, line breaks or
their JSON escapes (``\\n``, ``\\u00a0``), in upper or lower case. A candidate must start and
end on a group boundary; only a number whose checksum validates is a finding.
"""
from __future__ import annotations

import gzip
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

import duckdb

from extractors.bank_accounts import Occurrence, _iban_length, mask_iban, mask_rib, normalize
from models.warehouse import connect

# one separator between two groups of an account number: whitespace, punctuation printed
# between groups, no-break spaces (as text, or as UTF-8 bytes read latin-1) and JSON escapes
SEPARATOR = (r"(?:[ \t\r\n\-.|]|\xa0|\u202f|\xc2\xa0|\xe2\x80\xaf|&nbsp;"
             r"|\\[nrt]|\\u00[aA]0|\\u202[fF])")
MAX_SEPARATORS = 6  # between two groups ("30076 | 02352" is three)
GROUP = r"[A-Za-z0-9]+"
# a run of groups; leading separators belong to it, so that "\\nFR76" starts with "FR76", not "nFR76"
RUN_RE = re.compile(rf"(?<![A-Za-z0-9]){SEPARATOR}*{GROUP}(?:{SEPARATOR}{{1,{MAX_SEPARATORS}}}{GROUP})*")
TOKEN_RE = re.compile(rf"{SEPARATOR}|({GROUP})")  # separators first: "\\n6023" is "\\n" + "6023"
MIN_ACCOUNT_CHARS = 15  # the shortest IBAN (Norway)
RIB_LENGTH = 23  # bank 5 + branch 5 + account 11 + key 2
RIB_COMPACT_RE = re.compile(r"\d{10}[0-9A-Z]{11}\d{2}")
MIN_DIGITS_IN_RIB_ACCOUNT = 5
IBAN_HEAD_RE = re.compile(r"[A-Z]{2}\d{2}")
UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")  # keeps offsets

DUCKDB_MAGIC = (8, b"DUCK")  # offset, bytes
PARQUET_MAGIC = b"PAR1"
GZIP_MAGIC = b"\x1f\x8b"
CHUNK_BYTES = 8 << 20
OVERLAP_BYTES = 1024  # longer than any account number with its separators
TEXT_TYPE_RE = re.compile(r"VARCHAR|JSON")
ROW_KEYS = ("doc_id", "path", "run_id")  # what names a warehouse row, in order of preference

DEFAULT_EXPORTS = Path("data/curated/exports")
DEFAULT_LOGS = (Path("logs"), Path("data/curated/logs"))
DEFAULT_PREFECT_HOME = Path(".prefect")


@dataclass(frozen=True)
class Hit:
    start: int  # offset of the number in the scanned text
    kind: str  # "IBAN" | "RIB"
    masked: str


def _masked_if_valid(kind: str, compact: str) -> str | None:
    """The masked number when its checksum validates (the bank-account extractor's rules)."""
    _, valid = normalize(Occurrence(kind, 0, 0, compact, []))
    if not valid:
        return None
    return mask_iban(compact) if kind == "iban" else mask_rib(compact)


def _run_hits(run: str, base: int) -> Iterator[Hit]:
    groups = [m for m in TOKEN_RE.finditer(run) if m.group(1)]
    compact = "".join(g.group() for g in groups).translate(UPPER)
    if len(compact) < MIN_ACCOUNT_CHARS:
        return
    starts, pos = [], 0
    for g in groups:
        starts.append(pos)
        pos += len(g.group())
    boundaries = set(starts) | {pos}
    iban_end = 0  # a French IBAN holds a RIB on group boundaries: reported once, as the IBAN
    for g, c in zip(groups, starts):
        head = compact[c:c + 4]
        length = _iban_length(head[:2]) if IBAN_HEAD_RE.fullmatch(head) else None
        if length and c + length in boundaries and (masked := _masked_if_valid("iban", compact[c:c + length])):
            yield Hit(base + g.start(), "IBAN", masked)
            iban_end = c + length
            continue
        rib = compact[c:c + RIB_LENGTH]
        if (c >= iban_end and c + RIB_LENGTH in boundaries and RIB_COMPACT_RE.fullmatch(rib)
                and sum(ch.isdigit() for ch in rib[10:21]) >= MIN_DIGITS_IN_RIB_ACCOUNT
                and (masked := _masked_if_valid("rib", rib))):
            yield Hit(base + g.start(), "RIB", masked)


def find_valid_accounts(text: str) -> list[Hit]:
    """Every IBAN or RIB in ``text`` whose checksum validates, masked, with its offset."""
    hits = []
    for m in RUN_RE.finditer(text):
        if m.end() - m.start() >= MIN_ACCOUNT_CHARS:
            hits.extend(_run_hits(m.group(), m.start()))
    return hits


def _finding(place: str, hit: Hit) -> str:
    return f"{place}: {hit.kind} {hit.masked}"


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _scan_relation(con: duckdb.DuckDBPyConnection, relation: str, label: str,
                   columns: list[tuple[str, str]]) -> list[str]:
    """Findings in the text-bearing ``columns`` (name, type) of one table or Parquet file."""
    names = [c for c, _ in columns]
    text_cols = [c for c, t in columns if TEXT_TYPE_RE.search(t.upper())]
    if not text_cols:
        return []
    key = next((k for k in ROW_KEYS if k in names), None)
    key_sql = _quote_ident(key) if key else "row_number() OVER ()"
    select = ", ".join(f"CAST({_quote_ident(c)} AS VARCHAR)" for c in text_cols)
    findings = []
    for row in con.execute(f"SELECT {key_sql}, {select} FROM {relation}").fetchall():
        for col, value in zip(text_cols, row[1:]):
            if value is None:
                continue
            for hit in find_valid_accounts(value):
                row_name = f"{key}={row[0]}" if key else f"row {row[0]}"
                findings.append(_finding(f"{label}.{col} {row_name} offset {hit.start}", hit))
    return findings


def scan_duckdb(path: Path, label: str | None = None, wait: float = 0.0) -> list[str]:
    """Query every text-bearing column of every table of a DuckDB file (read-only, closed at once)."""
    con = connect(path, read_only=True, wait=wait)
    try:
        tables = con.execute("SELECT database_name, schema_name, table_name FROM duckdb_tables() "
                             "WHERE NOT internal ORDER BY ALL").fetchall()
        findings = []
        for db, schema, table in tables:
            columns = con.execute("SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = ? "
                                  "AND schema_name = ? AND table_name = ? ORDER BY column_index",
                                  [db, schema, table]).fetchall()
            relation = ".".join(_quote_ident(p) for p in (db, schema, table))
            name = table if schema == "main" else f"{schema}.{table}"
            findings += _scan_relation(con, relation, f"{label or path}:{name}", columns)
        return findings
    finally:
        con.close()


def scan_parquet(path: Path) -> list[str]:
    con = duckdb.connect(":memory:")
    try:
        relation = f"read_parquet('{str(path).replace(chr(39), chr(39) * 2)}')"
        columns = [(c, str(t)) for c, t, *_ in con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()]
        return _scan_relation(con, relation, str(path), columns)
    finally:
        con.close()


def _scan_stream(stream, label: str) -> list[str]:
    """Scan a byte stream chunk by chunk (overlapping, so no number is cut in two)."""
    findings, seen, consumed, tail = [], set(), 0, b""
    while chunk := stream.read(CHUNK_BYTES):
        data = tail + chunk
        origin = consumed - len(tail)
        for hit in find_valid_accounts(data.decode("latin-1")):
            offset = origin + hit.start
            if offset not in seen:
                seen.add(offset)
                findings.append(_finding(f"{label} offset {offset}", hit))
        consumed += len(chunk)
        tail = data[-OVERLAP_BYTES:]
    return findings


def scan_file(path: Path, wait: float = 0.0) -> list[str]:
    """One file: queried when it is a DuckDB or Parquet file, else scanned as bytes."""
    with open(path, "rb") as f:
        head = f.read(16)
    offset, magic = DUCKDB_MAGIC
    if head[offset:offset + len(magic)] == magic:
        return scan_duckdb(path, wait=wait)
    if head.startswith(PARQUET_MAGIC):
        return scan_parquet(path)
    if head.startswith(GZIP_MAGIC):
        with gzip.open(path, "rb") as f:
            return _scan_stream(f, f"{path} (decompressed)")
    with open(path, "rb") as f:
        return _scan_stream(f, str(path))


def _files(paths: Iterable[Path]) -> list[Path]:
    """The files under ``paths`` (folders walked), each once, the warehouse file excluded."""
    out: dict[Path, None] = {}
    for p in paths:
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file():
                    out.setdefault(f.resolve(), None)
        elif p.is_file():
            out.setdefault(p.resolve(), None)
    return list(out)


def prefect_home() -> Path:
    return Path(os.environ.get("PREFECT_HOME") or DEFAULT_PREFECT_HOME).expanduser()


def default_places(db_path: Path) -> list[Path]:
    """Where the pipeline writes besides the warehouse: its WAL, exports, logs, Prefect home."""
    return [db_path.with_name(db_path.name + ".wal"), db_path.parent / "exports", DEFAULT_EXPORTS,
            db_path.parent / "logs", *DEFAULT_LOGS, prefect_home()]


def audit(db_path: str | Path, extra: Iterable[str | Path] = (), home: str | Path | None = None,
          wait: float = 0.0) -> list[str]:
    """Findings (masked account numbers with their place); empty when nothing leaks.

    ``home`` replaces the Prefect home (default ``PREFECT_HOME`` or ``./.prefect``). Raises
    ``WarehouseLocked`` when a DuckDB file stays locked by a writer for ``wait`` seconds."""
    db_path = Path(db_path)
    findings = scan_duckdb(db_path, wait=wait) if db_path.is_file() else []
    places = default_places(db_path)
    if home is not None:
        places[-1] = Path(home)
    skip = db_path.resolve() if db_path.is_file() else None
    for f in _files([*places, *map(Path, extra)]):
        if f != skip:
            findings += scan_file(f, wait)
    return findings
