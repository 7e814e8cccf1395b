"""References: numbered acts cited in 'Vu' clauses and the body, as (kind, identifier, date)."""
from __future__ import annotations

from pathlib import Path

import pytest

from extractors import references

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"


def refs(ctx, text):
    return {(r["kind"], r["identifier"], r["date"]) for r in references.extract(ctx(text))["references"]}


@pytest.mark.parametrize("text, expected", [
    ("Vu la loi n°2020-1379 du 14 novembre 2020 modifiée ;", {("loi", "2020-1379", "2020-11-14")}),
    ("Vu la délibération n°2021-257 du Conseil départemental en date du 01/07/2021 « Délégation » ;",
     {("deliberation", "2021-257", "2021-07-01")}),
    ("Vu le décret n° 2009-404 du 15 avril 2009,", {("decret", "2009-404", "2009-04-15")}),
    ("selon le décret n° 90/437 du 28/05/90 modifié.", {("decret", "90/437", "1990-05-28")}),
    ("Vu la délibération du 23 novembre 2023, N°2023-125 approuvant la signature",
     {("deliberation", "2023-125", "2023-11-23")}),
    ("Vu l’arrêté préfectoral n°IC/2025/162 ordonnant l’ouverture d’une enquête",
     {("arrete", "IC/2025/162", None)}),
    ("Vu la délibération n° CB 24-07 du 2 juillet 2024 du conseil d’administration",
     {("deliberation", "CB 24-07", "2024-07-02")}),
    ("à la convention de partenariat n°2021-04462 entre le Département et Pôle emploi",
     {("convention", "2021-04462", None)}),
    # a long qualifier between the act word and its number
    ("Considérant le projet de convention d’occupation temporaire du domaine public fluvial- prise et rejet \n"
     "d’eau ouvrages hydrauliques n°21982510026 tel qu’annexé", {("convention", "21982510026", None)}),
    ("Approuvé les projets de conventions VNF n°21982510025 & n°22198210026,",
     {("convention", "21982510025", None), ("convention", "22198210026", None)}),
    ("de l’article 26 de la Loi n°84-\n53 du 26 janvier 1984", {("loi", "84-53", "1984-01-26")}),
    # a number printed without "n°" right after the act word
    ("Vu la délibération DEL2025-22 en date du 10 avril 2025,", {("deliberation", "DEL2025-22", "2025-04-10")}),
    ("en application de la loi 84-53 du 26 janvier 1984 modifiée", {("loi", "84-53", "1984-01-26")}),
    ("Suite à la convention de partenariat 2023-2025, il est proposé", set()),
    # the nearest act word names the number
    ("Vu l'arrêté du 15 janvier 2007 portant application du décret n° 2006-1658 du 21 décembre 2006",
     {("decret", "2006-1658", "2006-12-21")}),
    # unnumbered acts, code articles, avenants and decisions are not references
    ("Vu la délibération du conseil départemental du 29 juillet 2021 portant délégation", set()),
    ("Vu le Code Général des Collectivités Territoriales et notamment ses articles L.3121-14 ;", set()),
    ("« Avenant n°4 à la convention d'engagement dans la stratégie nationale »", set()),
    ("VU La décision n°2019-01 du 3 janvier 2019 du directeur général", set()),
    # the document's own number
    ("Extrait du registre des délibérations du Conseil Municipal n° 2014 / 171", set()),
    ("(N°2022-298)\n\nVu la délibération n°2022-298 du Conseil", set()),
])
def test_references(ctx, text, expected):
    assert refs(ctx, text) == expected


def test_quote_and_span(ctx):
    text = "Vu la loi n° 2008-1249 du 1er décembre 2008 généralisant le RSA"
    (r,) = references.extract(ctx(text))["references"]
    assert text[r["span"][0]:r["span"][1]] == r["text"] == "loi n° 2008-1249"


def test_seed_text_references(ctx):
    text = (RAW / "62" / "62_cp_2022-07-04_2022-298.txt").read_text(encoding="utf-8")
    got = {(r["kind"], r["identifier"]) for r in references.extract(ctx(text))["references"]}
    assert ("convention", "2021-04462") in got
    assert ("loi", "2020-1379") in got
    assert {i for k, i in got if k == "deliberation"} == {
        "2021-257", "2021-364", "2018-607", "2017-230", "2021-407", "2021-250", "2019-524"}


def test_shared_real_minutes(ctx, shared_dir):
    from pipeline.parse import parse_file

    text = parse_file(shared_dir / "corpus" / "real" / "cclo_2025-11-13_cr-conseil-communautaire.pdf").text
    got = {(r["kind"], r["identifier"]) for r in references.extract(ctx(text))["references"]}
    assert {("loi", "2015-991"), ("arrete", "IC/2025/162"), ("deliberation", "DEL2025-73"),
            ("decret", "86-552")} <= got
