"""Budget imputation tables: decomposition, tab tables from text, ruled tables from PDF."""
from __future__ import annotations

import json

import pytest

from extractors import budget

HEADER = "Code Opération\tImputation Budgétaire\tLibellé Opération\tAE €\tDisponible €\tProposition €\tSolde €"
ROW = "C02-566A05\t6568/93566\tIndemnisation des organismes référents\t6 019 600,00\t809 236,67\t198 000,00\t611 236,67"


@pytest.mark.parametrize("imputation, prefer, expected", [
    ("6568/93566", ("M52", "M57"), {"nature_code": "6568", "nature_label": "Autres participations",
                                    "fonction_code": "566", "fonction_label": "Dépenses de structure",
                                    "chapitre_code": "9356", "chapitre_label": "Revenu de solidarité active",
                                    "nomenclature": "M52"}),
    ("6568/93561", ("M52", "M57"), {"nature_code": "6568", "fonction_code": "561",
                                    "fonction_label": "Insertion sociale", "chapitre_code": "9356"}),
    ("65-6574-025", ("M57", "M52"), {"nature_code": "6574", "fonction_code": "025", "chapitre_code": "65",
                                     "fonction_label": "Cimetières et pompes funèbres",
                                     "chapitre_label": "Autres charges de gestion courante",
                                     "nomenclature": "M57"}),
    ("6574/024", ("M57", "M52"), {"nature_code": "6574", "fonction_code": "024", "chapitre_code": "65",
                                  "nomenclature": "M57"}),
    ("", ("M52", "M57"), {"nature_code": None, "fonction_code": None, "nomenclature": None}),
])
def test_decompose(imputation, prefer, expected):
    got = budget.decompose(imputation, prefer)
    assert {k: got[k] for k in expected} == expected


def test_tab_table_from_text(ctx):
    text = f"La dépense sera imputée sur le budget départemental comme suit :\n\n{HEADER}\n{ROW}\n\nLa commission a émis un avis."
    out = budget.extract(ctx(text))
    assert len(out["budget_lines"]) == 1
    line = out["budget_lines"][0]
    assert {k: line[k] for k in ("code_operation", "imputation", "libelle", "ae", "disponible", "montant", "solde")} == {
        "code_operation": "C02-566A05", "imputation": "6568/93566",
        "libelle": "Indemnisation des organismes référents", "ae": "6019600.00",
        "disponible": "809236.67", "montant": "198000.00", "solde": "611236.67"}
    assert line["nature_code"] == "6568" and line["fonction_code"] == "566" and line["page"] is None
    [table] = out["document_tables"]
    assert table["kind"] == "budget" and table["header"][3] == "AE €"
    s, e = table["span"]
    assert text[s:e].startswith("Code Opération") and text[s:e].endswith("611 236,67")


def test_depense_column_is_montant_and_absent_keys_are_null(ctx):
    text = ("Code Opération\tImputation Budgétaire\tLibellé Opération\tAE €\tDépense €\n"
            "C02-561G02\t6568/93561\tProjet collectif d'insertion\t420 000,00\t50 000,00\n")
    [line] = budget.extract(ctx(text))["budget_lines"]
    assert line["ae"] == "420000.00" and line["montant"] == "50000.00"
    assert line["disponible"] is None and line["solde"] is None


def test_other_tables_are_listed_not_budget(ctx):
    text = ("Mission CEF | Coût annuel | Coût 3 ans |\n9 ETP hors site | 488 061 € | 1 464 183 € |\n\n"
            "Nom | Adresse |\nPôle Arles | rue X |\n")
    out = budget.extract(ctx(text))
    assert out["budget_lines"] == []
    assert [t["kind"] for t in out["document_tables"]] == ["cost", "other"]


def _budget_pdf(path, ruled: bool = True):
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    header = HEADER.split("\t")
    row = ROW.split("\t")
    table = Table([header, row])
    style = [("FONTSIZE", (0, 0), (-1, -1), 7)]
    if ruled:
        style.append(("GRID", (0, 0), (-1, -1), 0.5, colors.black))
    table.setStyle(TableStyle(style))
    styles = getSampleStyleSheet()
    SimpleDocTemplate(str(path), pagesize=landscape(A4)).build([
        Paragraph("La dépense sera imputée sur le budget départemental comme suit :", styles["Normal"]),
        table,
        Paragraph("Je vous prie de bien vouloir en délibérer.", styles["Normal"]),
    ])


def test_ruled_table_from_pdf(tmp_path):
    pytest.importorskip("reportlab")
    from pipeline.extract import run_extractors
    from pipeline.parse import parse_file
    from pipeline.segment import segment

    pdf = tmp_path / "imputation.pdf"
    _budget_pdf(pdf)
    doc = parse_file(pdf)
    out = run_extractors(doc, segment(doc), only={"budget_lines", "amounts"})
    [line] = out["budget_lines"]
    assert line["page"] == 1 and line["imputation"] == "6568/93566"
    assert (line["ae"], line["disponible"], line["montant"], line["solde"]) == (
        "6019600.00", "809236.67", "198000.00", "611236.67")
    # the cells are amounts too, quoted from the PDF text
    cells = {a["value"]: a for a in out["amounts"]}
    assert set(cells) >= {"6019600.00", "809236.67", "198000.00", "611236.67"}
    for a in out["amounts"]:
        assert doc.text[a["span"][0]:a["span"][1]] == a["text"] and a["page"] == 1


def test_borderless_table_from_pdf_text(tmp_path):
    """No rules, so no table from pdfplumber: the budget line is rebuilt from the text layer."""
    pytest.importorskip("reportlab")
    from pipeline.extract import run_extractors
    from pipeline.parse import parse_file
    from pipeline.segment import segment

    pdf = tmp_path / "borderless.pdf"
    _budget_pdf(pdf, ruled=False)
    doc = parse_file(pdf)
    assert not any(t.source == "pdf" for t in doc.tables)
    out = run_extractors(doc, segment(doc), only={"budget_lines", "amounts"})
    [line] = out["budget_lines"]
    assert (line["code_operation"], line["imputation"], line["libelle"]) == (
        "C02-566A05", "6568/93566", "Indemnisation des organismes référents")
    assert (line["ae"], line["disponible"], line["montant"], line["solde"]) == (
        "6019600.00", "809236.67", "198000.00", "611236.67")
    assert {"6019600.00", "611236.67"} <= {a["value"] for a in out["amounts"]}


def test_seed_texts(shared_dir):
    """Every gold budget line of the seed texts, field for field."""
    from pipeline.extract import run_extractors
    from pipeline.parse import parse_file
    from pipeline.segment import segment

    checked = 0
    for gold_path in sorted((shared_dir / "gold" / "dev").glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        doc = parse_file(shared_dir / "corpus" / "seeds" / (gold_path.stem + ".txt"))
        lines = run_extractors(doc, segment(doc), only={"budget_lines"})["budget_lines"]
        assert len(lines) == len(gold["budget_lines"]), gold_path.stem
        for g in gold["budget_lines"]:
            assert any(all(line.get(k) == v for k, v in g.items()) for line in lines), g
            checked += 1
    assert checked >= 4


def test_chart_csv_has_m52_and_m57():
    charts = budget.charts()
    assert charts[("M52", "nature", "6568")][0] == "Autres participations"
    assert charts[("M52", "fonction_chapitre", "9356")][0] == "Revenu de solidarité active"
    assert ("M57", "fonction", "025") in charts


@pytest.mark.parametrize("table, expected", [
    ("Comptes\tDépenses\tRecettes\nID –2315-041 Immobilisations corporelles en cours\t+ 7 100.00 €\t\n"
     "IR –238-041 Avances versées\t\t+ 7 100.00 €\nTOTAL\t+ 7 100.00 €\t+ 7 100.00 €\n",
     [("2315-041", "Immobilisations corporelles en cours", "7100.00"), ("238-041", "Avances versées", "7100.00")]),
    ("Article\tLibellé\tMontant\n6574\tSubventions aux associations\t12 500,00 €\n",
     [("6574", "Subventions aux associations", "12500.00")]),
])
def test_decision_modificative_tables(ctx, table, expected):
    from extractors import budget

    lines = budget.extract(ctx("Décision modificative n°1 :\n" + table))["budget_lines"]
    assert [(b["imputation"], b["libelle"], b["montant"]) for b in lines] == expected
