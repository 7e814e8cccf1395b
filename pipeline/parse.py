"""Stage 1 — parse: a file's bytes to ``ParsedDocument`` (text, page map, tables).

* ``.txt``: UTF-8, else cp1252; tab- or pipe-separated blocks become tables.
* ``.pdf``: pypdfium2 reads the text layer (fast); pdfplumber's layout analysis runs only on
  pages that carry vector paths (ruled tables), to recover their cells.
Offsets in every later stage refer to ``ParsedDocument.text``.
"""
from __future__ import annotations

import hashlib
import logging
import re
from pathlib import Path

from models.document import Page, ParsedDocument, Table
from pipeline.errors import ErrorCode, IngestError

log = logging.getLogger(__name__)

PAGE_SEPARATOR = "\n\n"
MIN_PATHS_FOR_TABLES = 4  # a page with fewer vector paths has no ruled table
MAX_BYTES = 200 * 1024 * 1024
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def parse_file(path: str | Path, data: bytes | None = None) -> ParsedDocument:
    """Parse one file. Raises ``IngestError`` with a stable code on bad input."""
    path = Path(path)
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as e:
            raise IngestError(ErrorCode.E011_UNREADABLE, str(e)) from e
    if not data.strip():
        raise IngestError(ErrorCode.E001_EMPTY, f"{len(data)} bytes")
    if len(data) > MAX_BYTES:
        raise IngestError(ErrorCode.E008_TOO_LARGE, f"{len(data)} bytes > {MAX_BYTES}")
    digest = sha256_bytes(data)
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return parse_pdf(path, data, digest)
    if suffix in (".txt", ".text"):
        return parse_text(path, data, digest)
    raise IngestError(ErrorCode.E002_UNSUPPORTED_TYPE, suffix or "no extension")


# ----------------------------------------------------------------------------- text
def decode_text(data: bytes) -> tuple[str, str]:
    for enc in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if len(_CONTROL.findall(text)) > max(3, len(text) // 1000):
            raise IngestError(ErrorCode.E006_BAD_ENCODING, "control characters: binary data?")
        return text, ("utf-8" if enc == "utf-8-sig" else enc)
    raise IngestError(ErrorCode.E006_BAD_ENCODING)


def normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_text(path: Path, data: bytes, digest: str) -> ParsedDocument:
    text, enc = decode_text(data)
    text = normalize_newlines(text)
    if not text.strip():
        raise IngestError(ErrorCode.E001_EMPTY, "only whitespace")
    return ParsedDocument(
        path=str(path), sha256=digest, media_type="text/plain", text=text,
        tables=text_tables(text), n_pages=None, text_source="text", encoding=enc,
    )


_TAB_ROW = re.compile(r"^[^\n]*\t[^\n]*$", re.M)


def _split_row(line: str) -> list[str]:
    if "\t" in line:
        cells = line.split("\t")
    else:
        cells = line.strip().strip("|").split("|")
    return [" ".join(c.split()) for c in cells]


def text_tables(text: str) -> list[Table]:
    """Blocks of consecutive lines separated by tabs (>=1) or pipes (>=2) become tables."""
    tables: list[Table] = []
    block: list[tuple[int, int, str]] = []

    def flush():
        if len(block) >= 2:
            rows = [_split_row(line) for _, _, line in block]
            tables.append(Table(page=None, header=rows[0], rows=rows[1:],
                                span=(block[0][0], block[-1][1]), source="text"))
        block.clear()

    pos = 0
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        is_row = "\t" in line.strip("\t ") or line.count("|") >= 2
        if is_row:
            block.append((start, end, line))
        else:
            flush()
    flush()
    return tables


# ----------------------------------------------------------------------------- pdf
def parse_pdf(path: Path, data: bytes, digest: str) -> ParsedDocument:
    import pypdfium2 as pdfium

    if not data.lstrip()[:1024].find(b"%PDF") >= 0:
        raise IngestError(ErrorCode.E003_CORRUPT_PDF, "no %PDF header (HTML or other content?)")
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        if "password" in str(e).lower():
            raise IngestError(ErrorCode.E004_ENCRYPTED_PDF, str(e)) from e
        raise IngestError(ErrorCode.E003_CORRUPT_PDF, str(e)) from e
    try:
        n = len(pdf)
        if n == 0:
            raise IngestError(ErrorCode.E001_EMPTY, "the PDF has no pages")
        parts: list[str] = []
        pages: list[Page] = []
        table_pages: list[int] = []
        pos = 0
        for i in range(n):
            page = pdf[i]
            textpage = page.get_textpage()
            t = normalize_newlines(textpage.get_text_bounded()).replace("\x00", "")
            t = t.replace("\ufffe", "-").replace("\x02", "-")
            textpage.close()
            paths = sum(1 for o in page.get_objects() if o.type == pdfium.raw.FPDF_PAGEOBJ_PATH)
            if paths >= MIN_PATHS_FOR_TABLES:
                table_pages.append(i)
            page.close()
            if i:
                parts.append(PAGE_SEPARATOR)
                pos += len(PAGE_SEPARATOR)
            pages.append(Page(number=i + 1, start=pos, end=pos + len(t)))
            parts.append(t)
            pos += len(t)
    finally:
        pdf.close()
    text = "".join(parts)
    if not text.strip():
        raise IngestError(ErrorCode.E005_NO_TEXT_LAYER, f"{n} page(s) without text")
    tables = pdf_tables(data, table_pages) if table_pages else []
    return ParsedDocument(
        path=str(path), sha256=digest, media_type="application/pdf", text=text,
        pages=pages, tables=tables, n_pages=n, text_source="pdf-text-layer",
    )


def _cell(c) -> str:
    return " ".join(str(c).split()) if c is not None else ""


def pdf_tables(data: bytes, page_indexes: list[int]) -> list[Table]:
    """Ruled tables of the given pages, through pdfplumber (cells wrapped over lines joined)."""
    import io

    import pdfplumber

    out: list[Table] = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for i in page_indexes:
            page = pdf.pages[i]
            for tbl in page.find_tables():
                rows = [[_cell(c) for c in row] for row in tbl.extract()]
                rows = [r for r in rows if any(r)]
                if len(rows) >= 2:
                    out.append(Table(page=i + 1, header=rows[0], rows=rows[1:], source="pdf"))
            page.close()
    return out
