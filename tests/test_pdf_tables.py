"""Ruled tables read from PDFium (pipeline.pdf_tables) match pdfplumber's, and pdfplumber
still takes over the pages PDFium's reading fails on."""
from __future__ import annotations

import io

import pytest

from pipeline import parse
from pipeline.parse import _cell, parse_file
from tests.test_parse import make_pdf

ROWS = [["Code Operation", "Imputation Budgetaire", "Libelle", "AE €"],
        ["C02-566A05", "6568/93566", "Indemnisation des organismes", "6 019 600,00"],
        ["C02-566A06", "6568/93567", "Autre ligne", "198 000,00"]]


def _plumber(data: bytes, page: int) -> list[list[list[str]]]:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [[[_cell(c) for c in row] for row in t.extract()] for t in pdf.pages[page].find_tables()]


def _pdfium(data: bytes, page: int) -> list[list[list[str]]]:
    import pypdfium2 as pdfium

    from pipeline.pdf_tables import page_tables

    pdf = pdfium.PdfDocument(data)
    try:
        p = pdf[page]
        return [[[_cell(c) for c in row] for row in t] for t in page_tables(p, p.get_textpage())]
    finally:
        pdf.close()


def test_grid_table_like_pdfplumber(tmp_path):
    pytest.importorskip("reportlab")
    p = tmp_path / "grid.pdf"
    make_pdf(p, [["DEPARTEMENT DU PAS-DE-CALAIS", "Article 1 : la dépense est imputée comme suit"]], table=ROWS)
    data = p.read_bytes()
    mine = _pdfium(data, 0)
    assert mine == [ROWS]
    assert mine == _plumber(data, 0)


def test_parse_uses_pdfium_tables_without_pdfplumber(tmp_path, monkeypatch):
    pytest.importorskip("reportlab")
    p = tmp_path / "grid.pdf"
    make_pdf(p, [["Délibération de la commission permanente"]], table=ROWS)
    monkeypatch.setattr(parse, "pdf_tables", lambda *a: pytest.fail("pdfplumber should not run"))
    doc = parse_file(p)
    [t] = [t for t in doc.tables if t.source == "pdf"]
    assert t.page == 1 and t.header == ROWS[0] and t.rows == ROWS[1:]


def test_pdfplumber_fallback_when_pdfium_cannot_read_the_grid(tmp_path, monkeypatch):
    pytest.importorskip("reportlab")
    from pipeline import pdf_tables

    p = tmp_path / "grid.pdf"
    make_pdf(p, [["Délibération de la commission permanente"]], table=ROWS)
    monkeypatch.setattr(pdf_tables, "page_tables", lambda page, textpage: None)
    doc = parse_file(p)
    [t] = [t for t in doc.tables if t.source == "pdf"]
    assert t.header == ROWS[0] and t.rows == ROWS[1:]


def test_real_pdf_tables_match_pdfplumber(shared_dir):
    """Same tables, rows and cells as pdfplumber on a real deliberation (whitespace aside)."""
    data = (shared_dir / "corpus" / "real" / "mtp_2014-121_attributions-subventions-2014.pdf").read_bytes()
    for page in (1, 2):
        mine, ref = _pdfium(data, page), _plumber(data, page)
        assert len(mine) == len(ref) and mine
        assert mine == ref
