"""Durations and periods: one item per period, dates and number words normalised."""
from __future__ import annotations

import pytest

from extractors import durations


def facts(ctx, text):
    return [(d["months"], d["start_date"], d["end_date"], d.get("days"))
            for d in durations.extract(ctx(text))["durations"]]


@pytest.mark.parametrize("text, expected", [
    ("La présente convention est conclue pour une durée de 12 mois à compter du 1er janvier 2023.",
     [(12, "2023-01-01", "2023-12-31", None)]),
    ("Le recrutement est prévu à compter du 1^{er} janvier 2023 pour une durée de 24 mois.",
     [(24, "2023-01-01", "2024-12-31", None)]),
    ("Déployée sur la période du 1er octobre 2021 au 31 décembre 2022, cette action comprend quatre vagues.",
     [(15, "2021-10-01", "2022-12-31", None)]),
    ("La présente convention est conclue pour trois ans. Elle prend effet le 1er janvier 2018 et "
     "prendra fin le 31 décembre 2020.",
     [(36, "2018-01-01", "2020-12-31", None)]),
    ("Il convient de renouveler la convention pour la période 2022-2024.",
     [(36, "2022-01-01", "2024-12-31", None)]),
    ("La présente convention prend effet à compter de sa signature jusqu'au 30 juin 2024.",
     [(None, None, "2024-06-30", None)]),
    ("La durée de cette convention est de quatre ans à compter du 1er janvier 2023 jusqu'au 31 décembre 2026.",
     [(48, "2023-01-01", "2026-12-31", None)]),
    ("Durée du contrat : 4 ans (date effet au 1er janvier 2026)",
     [(48, "2026-01-01", "2029-12-31", None)]),
    ("Le marché est conclu pour une durée d'un an reconductible trois fois.",
     [(12, None, None, None)]),
    ("Les conventions sont établies pour une durée de 10 ans.", [(120, None, None, None)]),
    ("Le bail est consenti pour une durée de 90 jours à compter du 1er juillet 2024.",
     [(None, "2024-07-01", None, 90)]),
    ("Création de quatorze emplois non permanents du 13 mai au 31 octobre 2014",
     [(None, "2014-05-13", "2014-10-31", None)]),
    ("Le contrat arrive à échéance le 31 décembre 2025. La SNCF propose de prolonger de 2 ans la "
     "convention, soit jusqu'au 31 décembre 2027.",
     [(None, None, "2025-12-31", None), (24, "2026-01-01", "2027-12-31", None)]),
    # a date stated in a sentence about something else starts nothing
    ("Un marché arrivant à terme au 31 décembre 2025, il faut en lancer un nouveau à compter du "
     "1er janvier 2026.", [(None, None, "2025-12-31", None)]),
])
def test_periods(ctx, text, expected):
    assert facts(ctx, text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Cette délibération vise à pérenniser pour 2026 (convention d'un an) les ateliers.", [(12, None, None)]),
    ("Un partenariat est proposé avec l'Espace Jean Legendre pour l'année 2026.",
     [(12, "2026-01-01", "2026-12-31")]),
    ("Un bail de neuf ans est consenti à la société.", [(108, None, None)]),
])
def test_agreement_terms(ctx, text, expected):
    got = [(d["months"], d["start_date"], d["end_date"]) for d in durations.extract(ctx(text))["durations"]]
    assert got == expected


@pytest.mark.parametrize("text", [
    "Tarif d'occupation du domaine public du contrat de concession d'Attichy pour l'année 2025.",
    "La candidature à l'appel à projets au titre de l'année 2021 fonde la convention.",
    "Il s'agit d'un accompagnement de 12 mois.",                   # 12 mois, no duration wording
    "Trois mois avant l'expiration de la convention, les parties se réunissent.",
    "La formation dure 40 semaines à raison de 7h30 par jour.",
    "Le service est assuré 100 jours par an.",
    "Le taux de sorties en emploi à 6 mois sera suivi.",
    "Vu la loi n°2008-1249 du 1er décembre 2008 et le décret n° 2016-2017 du 30 décembre 2016.",
    "Le tarif est applicable à compter du 1er janvier 2026.",
    "L'enquête publique se tient du 15 octobre au 14 novembre 2025.",
    "Pour l'année scolaire 2023-2024, les enfants de 3 à 6 ans sont accueillis.",
])
def test_not_durations(ctx, text):
    assert facts(ctx, text) == []


def test_quote_is_verbatim_and_spans_the_period(ctx):
    text = "Article 3 : Durée\nLa présente convention est conclue pour trois ans. Elle prend effet\nle 1er janvier 2018."
    [item] = durations.extract(ctx(text))["durations"]
    assert text[item["span"][0]:item["span"][1]] == item["text"]
    assert item["text"].startswith("conclue pour trois ans") and item["text"].endswith("2018")


def test_seed_durations(shared_dir):
    import json

    from pipeline.parse import parse_file
    from pipeline.redact import redact

    for gold_path in sorted((shared_dir / "gold" / "dev").glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        text = redact(parse_file(shared_dir / "corpus" / "seeds" / gold["document"]).text)
        found = [(d["months"], d["start_date"], d["end_date"]) for d in durations.find_periods(text)]
        for g in gold["durations"]:
            assert (g["months"], g["start_date"], g["end_date"]) in found, gold_path.name
