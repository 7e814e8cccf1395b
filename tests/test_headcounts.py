"""Headcounts of staff: ETP, postes, personnes; never beneficiaries, elected members or structures."""
from __future__ import annotations

import pytest

from extractors import headcounts


def facts(ctx, text):
    return sorted({(h["count"], h["unit"]) for h in headcounts.extract(ctx(text))["headcounts"]})


@pytest.mark.parametrize("text, expected", [
    ("Pour cette mission, 9.5 ETP sont mobilisés.", [("9.5", "ETP")]),
    ("0,5 ETP de chargé de projet pour l'animation de l'équipe.", [("0.5", "ETP")]),
    ("Un ETP de conseiller Pôle emploi à dominante entreprise est affecté à cette mission.", [("1", "ETP")]),
    ("9 ETP de CEF : 18 conseillers Pôle emploi à mi-temps au sein des pôles d'insertion ;",
     [("18", "personne"), ("9", "ETP")]),
    ("Le Département finance quatre postes de conseillers dédiés aux métiers de l'autonomie.", [("4", "poste")]),
    ("Une offre de service dédiée sera portée par 4 conseillers.", [("4", "personne")]),
    ("Pôle emploi dédie 39 conseillers exclusivement chargés de l'accompagnement global.", [("39", "personne")]),
    ("la rémunération de 2 équivalents temps plein", [("2", "ETP")]),
    ("Attaché : Création d'un poste\nRédacteur : Suppression de trente et un postes", [("1", "poste"), ("31", "poste")]),
    ("Création de quatorze emplois non permanents du 13 mai au 31 octobre 2014", [("14", "poste")]),
    ("Comme chaque année, 3 animateurs sont recrutés pour les vacances.", [("3", "personne")]),
    ("2 agents sont recrutés pour l'été et 5 agents pour la rentrée.", [("2", "personne"), ("5", "personne")]),
    ("L'association compte 6 salariés et plus de 60 adhérents.", [("6", "personne")]),
    ("Le recrutement de 2 personnes à temps plein est autorisé.", [("2", "personne")]),
])
def test_headcounts(ctx, text, expected):
    assert facts(ctx, text) == expected


@pytest.mark.parametrize("text", [
    "Il s'agira d'accompagner a minima 500 demandeurs d'emploi.",              # beneficiaries
    "Le bilan dénombre 2 260 personnes accompagnées conjointement de 2014 à 2021.",
    "Plus de 100 personnes ont participé aux deux premières vagues.",
    "Chacun de ces conseillers prend en charge un portefeuille de 70 à 100 demandeurs d'emploi.",
    "Le réseau compte 3 agences réparties sur 4 territoires.",                  # structures
    "Le conseil municipal compte 27 conseillers municipaux en exercice.",       # elected members
    "Un conseiller Pôle emploi sera en charge du repérage.",                    # an article, not a count
    "La collectivité souhaite une logique « un poste => un agent ».",
    "Collectivités employant de 16 à 30 agents affiliés à la CNRACL.",          # a range
    "Aménager les postes de travail de façon optimale.",
    "Le nombre de personnes en détachement ne peut excéder 6 personnes affectées à la direction.",  # a ceiling
])
def test_not_headcounts(ctx, text):
    assert facts(ctx, text) == []


def test_item_shape(ctx):
    text = "Il est proposé de financer quatre postes de conseillers dédiés aux métiers de l'autonomie, au sein de Pôle emploi."
    [h] = headcounts.extract(ctx(text))["headcounts"]
    assert h["subject"] == "conseillers dédiés aux métiers de l'autonomie"
    assert h["text"] == "quatre postes de conseillers dédiés aux métiers de l'autonomie"
    assert text[h["span"][0]:h["span"][1]] == h["text"]


SEEDS = ["13_cp_2017-12-15_convention-cooperation", "62_cd_2023-03-27_2023-139", "62_cp_2022-07-04_2022-298",
         "62_cp_2022-12-13_2022-553", "82_cp_2022-09-20_accompagnement-global"]


@pytest.mark.parametrize("stem", SEEDS)
def test_seed_headcounts(shared_dir, stem):
    """Every gold headcount is found, and nothing outside gold and its tolerated extras."""
    import json
    from decimal import Decimal

    from pipeline.parse import parse_file
    from pipeline.redact import redact

    gold = json.loads((shared_dir / "gold" / "dev" / f"{stem}.json").read_text(encoding="utf-8"))
    pairs = lambda items: {(Decimal(h["count"]), h["unit"]) for h in items}  # noqa: E731
    text = redact(parse_file(shared_dir / "corpus" / "seeds" / f"{stem}.txt").text)
    found = pairs(headcounts.find_headcounts(text))
    assert pairs(gold["headcounts"]) <= found <= pairs(gold["headcounts"] + gold.get("headcounts_optional", []))
