"""Parsing: text files, PDFs with a page map and tables, the real PDFs of ../shared."""
from __future__ import annotations

import pytest

from pipeline.errors import ErrorCode, IngestError
from pipeline.parse import parse_file, text_tables
from tests.conftest import RAW


def make_pdf(path, pages: list[list[str]], table: list[list[str]] | None = None):
    """A real PDF (reportlab): one list of lines per page; an optional ruled table on page 1."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas
    from reportlab.platypus import Table, TableStyle

    c = canvas.Canvas(str(path), pagesize=A4)
    for n, lines in enumerate(pages):
        y = 800
        for line in lines:
            c.drawString(50, y, line)
            y -= 16
        if table and n == 0:
            t = Table(table)
            t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, (0, 0, 0))]))
            w, h = t.wrapOn(c, 500, 300)
            t.drawOn(c, 50, y - h - 10)
        c.showPage()
    c.save()


def test_txt_seed_keeps_text_and_finds_tab_table():
    path = RAW / "62" / "62_cp_2022-12-13_2022-553.txt"
    doc = parse_file(path)
    assert doc.text == path.read_text(encoding="utf-8")
    assert doc.media_type == "text/plain" and doc.page_at(10) is None
    budget = [t for t in doc.tables if "Imputation Budgétaire" in t.header]
    assert len(budget) == 2
    assert budget[0].rows[0][:2] == ["C02-566A05", "6568/93566"]
    s, e = budget[0].span
    assert doc.text[s:e].startswith("Code Opération")


@pytest.mark.parametrize("raw, expected", [
    ("a | b | c |\n1 | 2 | 3 |\n", [["a", "b", "c"], ["1", "2", "3"]]),
    ("x\tAE €\ny\t6 019 600,00\n", [["x", "AE €"], ["y", "6 019 600,00"]]),
    ("une ligne | seule\n", []),
])
def test_text_tables(raw, expected):
    tables = text_tables(raw)
    got = [tables[0].header, *tables[0].rows] if tables else []
    assert got == expected


def test_cp1252_text(tmp_path):
    p = tmp_path / "delib.txt"
    p.write_bytes("Délibération du 13 décembre 2022 : 198 000 €".encode("cp1252"))
    doc = parse_file(p)
    assert doc.encoding == "cp1252" and "Délibération" in doc.text and "€" in doc.text


@pytest.mark.parametrize("name, data, code", [
    ("vide.txt", b"", ErrorCode.E001_EMPTY),
    ("blancs.txt", b"  \n\n ", ErrorCode.E001_EMPTY),
    ("page.pdf", b"<html><body>Not found</body></html>", ErrorCode.E003_CORRUPT_PDF),
    ("tronque.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog", ErrorCode.E003_CORRUPT_PDF),
    ("binaire.txt", bytes(range(256)) * 20, ErrorCode.E006_BAD_ENCODING),
    ("tableur.xlsx", b"PK\x03\x04", ErrorCode.E002_UNSUPPORTED_TYPE),
])
def test_bad_input_has_a_stable_code(tmp_path, name, data, code):
    p = tmp_path / name
    p.write_bytes(data)
    with pytest.raises(IngestError) as exc:
        parse_file(p)
    assert exc.value.code == code
    assert exc.value.code.value in str(exc.value)


def test_pdf_page_map_and_ruled_table(tmp_path):
    p = tmp_path / "delib.pdf"
    make_pdf(p, [["DEPARTEMENT DU PAS-DE-CALAIS", "REUNION DU 13 DECEMBRE 2022"],
                 ["Article 2 : une participation de 198 000 euros"]],
             table=[["Code Operation", "Imputation Budgetaire", "AE €"],
                    ["C02-566A05", "6568/93566", "6 019 600,00"]])
    doc = parse_file(p)
    assert doc.n_pages == 2 and doc.media_type == "application/pdf"
    i = doc.text.index("198 000 euros")
    assert doc.page_at(i) == 2 and doc.page_at(doc.text.index("REUNION")) == 1
    assert any(t.rows and t.rows[0][1] == "6568/93566" and t.page == 1 for t in doc.tables)


def test_pdf_without_text_layer(tmp_path):
    from reportlab.pdfgen import canvas

    p = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(p))
    c.rect(10, 10, 100, 100, fill=1)
    c.showPage()
    c.save()
    with pytest.raises(IngestError) as exc:
        parse_file(p)
    assert exc.value.code == ErrorCode.E005_NO_TEXT_LAYER


def test_real_pdfs_parse_into_readable_text(shared_dir):
    pdfs = sorted((shared_dir / "corpus" / "real").glob("*.pdf"))
    assert len(pdfs) >= 10
    for p in pdfs:
        doc = parse_file(p)
        assert doc.n_pages and len(doc.pages) == doc.n_pages
        words = doc.text.split()
        assert len(words) > 50 * doc.n_pages * 0.5, p.name
        # French function words show the text is in reading order, not glyph soup
        lower = doc.text.lower()
        assert sum(lower.count(w) for w in (" de ", " la ", " le ", " des ")) > 20, p.name
