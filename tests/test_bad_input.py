"""Bad input, generated here: every file is loaded correctly or explained in ingestion_errors,
and the rest of the batch loads."""
from __future__ import annotations

import shutil

import pytest

from pipeline.ingest import collect, ingest
from pipeline.parse import ocr_available, parse_file
from tests.conftest import RAW, seed_files
from tests.test_parse import make_pdf

FRENCH_LINE = "Le conseil municipal approuve la convention de partenariat avec la commune pour une durée de 12 mois."


def scanned_pdf(path, lines: list[str]):
    """A PDF holding only a picture of text (no text layer), like a scan."""
    from PIL import Image, ImageDraw, ImageFont
    from reportlab.pdfgen import canvas

    img = Image.new("L", (1700, 400), 255)
    draw = ImageDraw.Draw(img)
    try:
        font = ImageFont.truetype("DejaVuSans.ttf", 40)
    except OSError:
        font = ImageFont.load_default(size=40)
    for i, line in enumerate(lines):
        draw.text((40, 40 + i * 70), line, fill=0, font=font)
    png = path.with_suffix(".png")
    img.save(png)
    c = canvas.Canvas(str(path))
    c.drawImage(str(png), 20, 500, width=560, height=132)
    c.showPage()
    c.save()
    png.unlink()


def encrypted_pdf(path):
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), encrypt="secret")
    c.drawString(50, 800, FRENCH_LINE)
    c.showPage()
    c.save()


def no_pages_pdf() -> bytes:
    """A well-formed PDF (with its cross-reference table) whose page tree is empty."""
    objs = [b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[]/Count 0>>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def build_bad_corpus(folder):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vide.txt").write_bytes(b"")
    (folder / "sans-pages.pdf").write_bytes(no_pages_pdf())
    good = folder / "complet.pdf"
    make_pdf(good, [[FRENCH_LINE] * 5])
    (folder / "tronque.pdf").write_bytes(good.read_bytes()[: len(good.read_bytes()) // 3])
    good.unlink()
    encrypted_pdf(folder / "chiffre.pdf")
    scanned_pdf(folder / "scan.pdf", ["DELIBERATION DU CONSEIL MUNICIPAL", "Subvention de 25 000 euros"])
    (folder / "page-web.pdf").write_text("<!DOCTYPE html><html><body>Erreur 404</body></html>")
    (folder / "ancien.txt").write_bytes((FRENCH_LINE + " Réunion du 13 décembre 2022.\n").encode("cp1252") * 10)
    (folder / "binaire.txt").write_bytes(bytes(range(256)) * 64)
    make_pdf(folder / "gros.pdf", [[f"Page {i} : " + FRENCH_LINE] for i in range(300)])
    (folder / "english.txt").write_text(
        "The city council met on Monday and approved the budget of the library for the next year. " * 20)
    shutil.copy(RAW / "82" / "82_cp_2022-09-20_accompagnement-global.txt", folder / "copie-82.txt")
    return folder


# file -> error code, or None when it must load
EXPECTED = {
    "vide.txt": "E001", "sans-pages.pdf": "E001", "tronque.pdf": "E003", "chiffre.pdf": "E004",
    "page-web.pdf": "E003", "binaire.txt": "E006", "english.txt": "E007",
    "ancien.txt": None, "gros.pdf": None, "copie-82.txt": None,
    "scan.pdf": None if ocr_available() else "E005",
}


def test_mixed_batch_loads_every_good_document_and_explains_every_bad_one(memdb, tmp_path):
    sample = tmp_path / "raw"
    shutil.copytree(RAW, sample)
    build_bad_corpus(sample / "bad")
    rep = ingest(memdb, collect([sample]))
    errors = dict(memdb.execute("SELECT regexp_extract(path, '[^/]+$'), code FROM ingestion_errors").fetchall())
    assert errors == {k: v for k, v in EXPECTED.items() if v}
    messages = [m for (m,) in memdb.execute("SELECT message FROM ingestion_errors").fetchall()]
    assert all(len(m) > 20 and m[:4] in {"E001", "E003", "E004", "E005", "E006", "E007"} for m in messages)
    loaded = {r[0] for r in memdb.execute(
        "SELECT regexp_extract(path, '[^/]+$') FROM document_paths").fetchall()}
    assert {f.name for f in seed_files()} <= loaded
    assert {k for k, v in EXPECTED.items() if v is None} <= loaded
    assert rep.duplicate == 1  # copie-82.txt: same bytes as the 82 sample
    pages = memdb.execute("SELECT pages FROM documents WHERE name = 'gros.pdf'").fetchone()[0]
    assert pages == 300


@pytest.mark.skipif(not ocr_available(), reason="ocrmypdf / tesseract-ocr-fra not installed")
def test_scanned_pdf_goes_through_ocr(tmp_path):
    p = tmp_path / "scan.pdf"
    scanned_pdf(p, ["DELIBERATION DU CONSEIL MUNICIPAL", "Subvention de 25 000 euros"])
    doc = parse_file(p)
    assert doc.text_source == "ocr"
    assert "CONSEIL" in doc.text.upper() and "euros" in doc.text


def test_scanned_pdf_without_ocr_is_a_clear_error(tmp_path, monkeypatch):
    from pipeline import parse as parse_mod
    from pipeline.errors import IngestError

    monkeypatch.setattr(parse_mod, "ocr_available", lambda: False)
    p = tmp_path / "scan.pdf"
    scanned_pdf(p, ["DELIBERATION"])
    with pytest.raises(IngestError) as exc:
        parse_file(p)
    assert exc.value.code.value == "E005" and "ocrmypdf" in str(exc.value)
