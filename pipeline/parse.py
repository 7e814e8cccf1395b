"""Stage 1 — parse: a file's bytes to ``ParsedDocument`` (text, page map, tables).

* ``.txt``: UTF-8, else cp1252; tab- or pipe-separated blocks become tables.
* ``.pdf``: pypdfium2 reads the text layer (fast); on pages that carry vector paths, ruled
  tables are rebuilt from the same PDFium page (``pipeline.pdf_tables``: pdfplumber's grid
  and cell rules on PDFium's paths and characters, ~5x cheaper than pdfminer's layout
  analysis); pdfplumber itself runs only on pages PDFium's reading fails on. A PDF without a
  text layer (scanned) goes through ocrmypdf when it is installed, else is an E005 error.
Offsets in every later stage refer to ``ParsedDocument.text``.
"""
from __future__ import annotations

import functools
import hashlib
import logging
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from models.document import Page, ParsedDocument, Table
from pipeline.errors import ErrorCode, IngestError

log = logging.getLogger(__name__)

PAGE_SEPARATOR = "\n\n"
MIN_PATHS_FOR_TABLES = 4  # a page with fewer vector paths has no ruled table
MAX_BYTES = 200 * 1024 * 1024
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


# Language check: the share of French function words among the words of the text.
FRENCH_FUNCTION_WORDS = frozenset(
    "de la le les des du et à au aux en un une pour par sur dans est que qui ne pas ce cette son sa ses "
    "il elle ils nous vous leur avec été être a".split())
MIN_WORDS_FOR_LANGUAGE = 80
MIN_FRENCH_SHARE = 0.04
_WORD = re.compile(r"[^\W\d_]+")


def looks_french(text: str) -> bool:
    words = _WORD.findall(text[:200_000].lower())
    if len(words) < MIN_WORDS_FOR_LANGUAGE:
        return True  # too short to tell: let it through
    share = sum(w in FRENCH_FUNCTION_WORDS for w in words) / len(words)
    return share >= MIN_FRENCH_SHARE


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
        doc = parse_pdf(path, data, digest)
    elif suffix in (".txt", ".text"):
        doc = parse_text(path, data, digest)
    else:
        raise IngestError(ErrorCode.E002_UNSUPPORTED_TYPE, suffix or "no extension")
    if not looks_french(doc.text):
        raise IngestError(ErrorCode.E007_NOT_FRENCH, "too few French words")
    return doc


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
    if data.lstrip()[:1024].find(b"%PDF") < 0:
        raise IngestError(ErrorCode.E003_CORRUPT_PDF, "no %PDF header (HTML or other content?)")
    text, pages, tables, fallback = read_pdf(data)
    source = "pdf-text-layer"
    if not text.strip():
        if not ocr_available():
            raise IngestError(ErrorCode.E005_NO_TEXT_LAYER,
                              f"{len(pages)} page(s) without text; install ocrmypdf and tesseract-ocr-fra to OCR them")
        data = ocr_pdf(data)
        text, pages, tables, fallback = read_pdf(data)
        source = "ocr"
        if not text.strip():
            raise IngestError(ErrorCode.E005_NO_TEXT_LAYER, "OCR found no text")
    if fallback:  # pages whose grid PDFium could not read: pdfplumber's layout analysis
        tables = sorted(tables + pdf_tables(data, fallback), key=lambda t: t.page or 0)
    return ParsedDocument(
        path=str(path), sha256=digest, media_type="application/pdf", text=text,
        pages=pages, tables=tables, n_pages=len(pages), text_source=source,
    )


def _open_pdf(data: bytes):
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        # PDFium's error code is process-global state: judge from the bytes, not its message
        if b"/Encrypt" in data:
            raise IngestError(ErrorCode.E004_ENCRYPTED_PDF, "a password is needed to open it") from e
        if re.search(rb"/Count\s*0\b", data) and not re.search(rb"/Type\s*/Page\b", data):
            raise IngestError(ErrorCode.E001_EMPTY, "the PDF has no pages") from e
        raise IngestError(ErrorCode.E003_CORRUPT_PDF, str(e)) from e


def _page_text(textpage) -> str:
    t = normalize_newlines(textpage.get_text_bounded()).replace("\x00", "")
    return t.replace("\ufffe", "-").replace("\x02", "-")


def read_pdf(data: bytes, tables: bool = True) -> tuple[str, list[Page], list[Table], list[int]]:
    """One pass of PDFium over the document: (text, page map, ruled tables, indexes of the pages
    whose tables PDFium could not read and pdfplumber must). Tables are looked for on pages
    with at least ``MIN_PATHS_FOR_TABLES`` vector paths, from the same page objects the text
    comes from (``pipeline.pdf_tables``: pdfplumber's grid and cell rules on PDFium's paths
    and characters)."""
    from pipeline import pdf_tables as pt

    pdf = _open_pdf(data)
    try:
        n = len(pdf)
        if n == 0:
            raise IngestError(ErrorCode.E001_EMPTY, "the PDF has no pages")
        parts: list[str] = []
        pages: list[Page] = []
        found: list[Table] = []
        fallback: list[int] = []
        pos = 0
        for i in range(n):
            page = pdf[i]
            textpage = page.get_textpage()
            t = _page_text(textpage)
            if not tables:
                if pt.count_paths(page) >= MIN_PATHS_FOR_TABLES:
                    fallback.append(i)  # all left to pdfplumber
            elif t.strip() and pt.count_paths(page) >= MIN_PATHS_FOR_TABLES:
                try:
                    grid = pt.page_tables(page, textpage)
                except Exception:  # a page PDFium reads oddly: pdfplumber will try
                    log.debug("pdfium tables failed on page %d", i + 1, exc_info=True)
                    grid = None
                if grid is None:
                    fallback.append(i)
                else:
                    found.extend(_tables_of(i, grid))
            textpage.close()
            page.close()
            if i:
                parts.append(PAGE_SEPARATOR)
                pos += len(PAGE_SEPARATOR)
            pages.append(Page(number=i + 1, start=pos, end=pos + len(t)))
            parts.append(t)
            pos += len(t)
    finally:
        pdf.close()
    return "".join(parts), pages, found, fallback


def _tables_of(page_index: int, grid: list[list[list[str | None]]]) -> list[Table]:
    out = []
    for extracted in grid:
        rows = [[_cell(c) for c in row] for row in extracted]
        rows = [r for r in rows if any(r)]
        if len(rows) >= 2:
            out.append(Table(page=page_index + 1, header=rows[0], rows=rows[1:], source="pdf"))
    return out


def pdf_text(data: bytes) -> tuple[str, list[Page], list[int]]:
    """The text layer through pypdfium2: (text, page map, indexes of pages with vector paths)."""
    text, pages, _, table_pages = read_pdf(data, tables=False)
    return text, pages, table_pages


@functools.lru_cache(maxsize=1)
def ocr_available() -> bool:
    """ocrmypdf and Tesseract's French data are installed (Debian: ocrmypdf tesseract-ocr-fra)."""
    if not (shutil.which("ocrmypdf") and shutil.which("tesseract")):
        return False
    langs = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30)
    return "fra" in langs.stdout.split()


def ocr_pdf(data: bytes, timeout: float = 600) -> bytes:
    """A copy of the PDF with a text layer added by ocrmypdf (French)."""
    with tempfile.TemporaryDirectory(prefix="delib-ocr-") as d:
        src, out = Path(d) / "in.pdf", Path(d) / "out.pdf"
        src.write_bytes(data)
        try:
            r = subprocess.run(["ocrmypdf", "-l", "fra", "--force-ocr", "--quiet", "--output-type", "pdf",
                                str(src), str(out)], capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as e:
            raise IngestError(ErrorCode.E005_NO_TEXT_LAYER, f"OCR timed out after {timeout:.0f} s") from e
        if r.returncode != 0 or not out.exists():
            raise IngestError(ErrorCode.E005_NO_TEXT_LAYER, f"OCR failed: {r.stderr.strip()[-300:]}")
        return out.read_bytes()


def _cell(c) -> str:
    return " ".join(str(c).split()) if c is not None else ""


def pdf_tables(data: bytes, page_indexes: list[int]) -> list[Table]:
    """Ruled tables of the given pages, through pdfplumber (cells wrapped over lines joined):
    the reference ``pipeline.pdf_tables`` reproduces, and its fallback."""
    import io

    import pdfplumber

    out: list[Table] = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for i in page_indexes:
            page = pdf.pages[i]
            out.extend(_tables_of(i, [tbl.extract() for tbl in page.find_tables()]))
            page.close()
    return out
