"""Amounts in euros: values, negatives (not amounts), roles, quotes, and the seed texts."""
from __future__ import annotations

import json

import pytest

from extractors import amounts, budget


def run(ctx, text: str) -> list[dict]:
    c = ctx(text)
    c.results.update(budget.extract(c))
    return amounts.extract(c)["amounts"]


def values(ctx, text: str) -> list[str]:
    return [a["value"] for a in run(ctx, text)]


@pytest.mark.parametrize("text, value", [
    ("Le versement s'élève à 341 011.5 €.", "341011.50"),
    ("un emprunt de 2,5 M€ auprès de la banque", "2500000.00"),
    ("une participation financière d'un montant de 198 000 euros pour", "198000.00"),
    ("une participation de 25 000 euros", "25000.00"),
    ("Montant maximum 2.500.000,00 EUR", "2500000.00"),
    ("une subvention de 3 273,31 €.", "3273.31"),
    ("Charges : +20’000 € au compte", "20000.00"),
    ("Mouvement de -8’355,59€ du compte", "-8355.59"),
    ("un budget global entre 100 et 120 K€.", "120000.00"),
    ("un financement de 5 millions d'euros", "5000000.00"),
    ("une aide de deux cent mille euros", "200000.00"),
    ("un reste dû (quatre mille sept cent trois euros)", "4703.00"),
    ("le montant de la subvention s'élève à 100 000, 00 € au budget", "100000.00"),
    ("Le montant annuel de 682 023\n€.", "682023.00"),
    ("Chapitre 20 675 000.00 € 168 750.00 €", "675000.00"),
    ("Fixé à 0,05032 € / m3 la contre-valeur", "0.05032"),
    ("le tarif est fixé par l'agence de l'eau à 0.148 €/m3 ;", "0.148"),
    ("une redevance de 0,34 €/m3", "0.34"),
])
def test_value(ctx, text, value):
    assert value in values(ctx, text)


@pytest.mark.parametrize("text", [
    "47 % de sorties positives, soit un taux de 2,5 %",
    "Tél. : 03 21 21 62 62",
    "conformément aux articles 5, 6 et 10 de la convention n°2021-04462",
    "une surface de 1 200 m² et 4 200 courriers",
    "Courriers 4 200 (nombre estimé) x 0,59 centimes",
    "le compte FR76 **** **** **** **** **** 085",
    "le 30 septembre 2021 à 10 h 30, 59650 Villeneuve d'Ascq",
])
def test_not_an_amount(ctx, text):
    assert values(ctx, text) == []


@pytest.mark.parametrize("text, value", [
    ("à hauteur de 26 \n927,85 € HT.", "26927.85"),
    ("soit 3 111 \n000,11 €,", "3111000.11"),
])
def test_pdf_line_wrap_inside_a_number(ctx, text, value):
    c = ctx(text)
    c.doc.media_type = "application/pdf"
    vals = [a["value"] for a in amounts.extract(c)["amounts"]]
    assert vals == [value]


def test_chapter_number_is_not_thousands(ctx):
    vals = values(ctx, "Chapitre 20 675 000.00 € 168 750.00 €")
    assert "20675000.00" not in vals and vals == ["675000.00", "168750.00"]


@pytest.mark.parametrize("text, role", [
    ("Le Département attribue une subvention de 40 000 € à l'association.", "subsidy"),
    ("Coût 1 ETP conseiller hors site annuel : 54 229 €", "unit_cost"),
    ("pour la durée de 3 ans s'élève à 2 046 069 € (682 023 € annuel)", "total_cost"),
    ("Le solde, soit 341 011.5 €, versé au terme de l'exercice", "balance"),
    ("Terrasses : 3€ par m² et par mois", "unit_cost"),
    ("Le coût total de l'opération est de 400 000 € HT.", "total_cost"),
])
def test_role_from_context(ctx, text, role):
    assert run(ctx, text)[0]["role"] == role


def test_annual_after_amount(ctx):
    items = run(ctx, "s'élève à 2 046 069 € (682 023 € annuel) se répartissant")
    assert {a["value"]: a["role"] for a in items} == {"2046069.00": "total_cost", "682023.00": "annual_cost"}


def test_cost_table_roles_from_headers(ctx):
    text = ("Mission CEF | Coût annuel | Coût 3 ans |\n"
            "9 ETP hors site | 488 061 € | 1 464 183 € |\n"
            "Total | 525 499 € | 1 576 497 € |\n")
    roles = {a["value"]: a["role"] for a in run(ctx, text)}
    assert roles == {"488061.00": "annual_cost", "1464183.00": "total_cost",
                     "525499.00": "annual_cost", "1576497.00": "total_cost"}


def test_budget_table_cells_are_amounts_with_quotes(ctx):
    text = ("La dépense est imputée comme suit :\n"
            "Code Opération\tImputation Budgétaire\tLibellé Opération\tAE €\tDisponible €\tProposition €\tSolde €\n"
            "C02-566A05\t6568/93566\tIndemnisation\t6 019 600,00\t809 236,67\t198 000,00\t611 236,67\n")
    items = run(ctx, text)
    got = {a["value"]: a["role"] for a in items}
    assert got == {"6019600.00": "commitment_authorization", "809236.67": "available",
                   "198000.00": "proposed", "611236.67": "balance"}
    for a in items:
        s, e = a["span"]
        assert text[s:e] == a["text"] and a["currency"] == "EUR"


def test_values_are_decimal_strings(ctx):
    for a in run(ctx, "une subvention de 1 500 € et 2,5 M€"):
        assert isinstance(a["value"], str) and a["value"].count(".") == 1 and len(a["value"].split(".")[1]) == 2


def test_seed_texts(shared_dir):
    """The seed texts: every gold amount found, nothing else, every quote verbatim."""
    from pipeline.extract import run_extractors
    from pipeline.parse import parse_file
    from pipeline.segment import segment

    for gold_path in sorted((shared_dir / "gold" / "dev").glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        doc = parse_file(shared_dir / "corpus" / "seeds" / (gold_path.stem + ".txt"))
        got = run_extractors(doc, segment(doc), only={"amounts", "budget_lines"})["amounts"]
        vals = {a["value"] for a in got}
        assert set(gold["amounts"]) <= vals, gold_path.stem
        assert vals - set(gold["amounts"]) - set(gold.get("amounts_optional", [])) == set(), gold_path.stem
        for a in got:
            assert doc.text[a["span"][0]:a["span"][1]] == a["text"]


def test_seed_in_data_raw(ctx):
    from tests.conftest import seed_files

    path = next((p for p in seed_files() if p.name == "62_cp_2022-12-13_2022-553.txt"), None)
    if path is None:
        pytest.skip("seed not in data/raw")
    items = run(ctx, path.read_text(encoding="utf-8"))
    vals = {a["value"] for a in items}
    assert vals == {"198000.00", "6019600.00", "809236.67", "611236.67"}
    assert any(a["role"] == "subsidy" and a["value"] == "198000.00" for a in items)
