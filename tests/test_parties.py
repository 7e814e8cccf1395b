"""Parties: the contracting parties of the convention(s), with representative and role."""
from __future__ import annotations

from pathlib import Path

import pytest

from extractors import parties

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"


def run(ctx, text):
    return parties.extract(ctx(text))["parties"]


def names(ctx, text):
    return [p["name"] for p in run(ctx, text)]


@pytest.mark.parametrize("text, expected", [
    # "Entre ... d'une part, Et ... d'autre part"
    ("Entre\n\nle **Département du Pas-de-Calais**, dont le siège est à Arras, représenté par son Président, "
     "**Jean-Claude LEROY**, dûment autorisé,\n\nci-après désigné « le Département »\n\nd'une part,\n\nEt\n\n"
     "Pôle emploi Hauts de France, établissement public administratif, représenté par son Directeur Régional, "
     "**Frédéric DANEL**, dûment habilité,\n\nd'autre part.\n\nVu : le Code du travail ;",
     [("Département du Pas-de-Calais", "departement", "Jean-Claude LEROY", "Président", False),
      ("Pôle emploi Hauts de France", "operateur_public", "Frédéric DANEL", "Directeur Régional", False)]),
    # "Il est convenu entre" list, roles without names
    ("Il est convenu entre,\n\n- Le Département du Pas-de-Calais, représenté par le Président du Conseil "
     "départemental,\n- L'Etat, représenté par le Préfet de département ;\n- Pôle emploi, représenté par sa "
     "Directrice territoriale,\n- Les Têtes de Réseaux Autonomie :\n\nCe qui suit :",
     [("Département du Pas-de-Calais", "departement", None, "Président du Conseil départemental", False),
      ("Etat", "etat", None, "Préfet de département", False),
      ("Pôle emploi", "operateur_public", None, "Directrice territoriale", False),
      ("Têtes de Réseaux Autonomie", "autre", None, None, False)]),
    # redacted placeholders: flagged, never reported as a person
    ("Entre d’une part,\nLe Conseil départemental des Bouches-du-Rhône, représenté par sa Présidente Xxxxxxx "
     "XXXXXX, domicilié en cette qualité,\nCi-après dénommé le Département,\nEt d’autre part,\n- Pôle emploi, "
     "institution nationale publique, représentée par\nM. Xxxxxxx XXXXXXX, directeur régional de Pôle emploi "
     "PACA,\nCi-après, dénommé Pôle emploi,\nVu les articles L.263-1",
     [("Conseil départemental des Bouches-du-Rhône", "departement", None, "Présidente", True),
      ("Pôle emploi", "operateur_public", None, "directeur régional de Pôle emploi PACA", True)]),
    # civility before the name, role after it
    ("Entre :\n\n- **Le Département du Pas-de-Calais**, représenté par son Président, Monsieur Jean-Claude LEROY "
     "dûment autorisé,\n\n- **Pôle emploi HAUTS-DE-FRANCE**, Institution nationale publique, représentée par "
     "Monsieur Frédéric DANEL, Directeur Régional Pôle emploi des Hauts de France.\n\n- VU la loi",
     [("Département du Pas-de-Calais", "departement", "Jean-Claude LEROY", "Président", False),
      ("Pôle emploi HAUTS-DE-FRANCE", "operateur_public", "Frédéric DANEL",
       "Directeur Régional Pôle emploi des Hauts de France", False)]),
    # an association represented by its president
    ("ENTRE LES SOUSSIGNÉS :\nLa Ville de Montpellier, représentée par son Maire, Monsieur Philippe SAUREL,\n"
     "d'une part,\nEt\nL'association Attitude, association loi 1901, représentée par sa Présidente, "
     "Madame Anne DUPONT,\nd'autre part,\nIl a été convenu ce qui suit :",
     [("Ville de Montpellier", "commune", "Philippe SAUREL", "Maire", False),
      ("association Attitude", "association", "Anne DUPONT", "Présidente", False)]),
])
def test_party_blocks(ctx, text, expected):
    got = [(p["name"], p["kind"], p["representative"], p["representative_role"], p["redacted"])
           for p in run(ctx, text)]
    assert got == expected


@pytest.mark.parametrize("text, expected", [
    # no convention annexed: the partner named in the decision, plus the issuer
    ("• Approuve la convention cadre 2022-2024, à conclure avec Pôle Emploi, telle que ci-annexée ;\n\n"
     "• Autorise Monsieur le Président à signer, au nom et pour le compte du Département, lesdites conventions.",
     ["Département", "Pôle Emploi"]),
    # a cited convention (Vu clause) names no party
    ("Vu les conventions d’appui à la lutte contre la précarité, signées avec l’État le 12 juillet 2019,\n\n"
     "• Approuve la convention à conclure avec Pôle Emploi ;\n\nAutorise le Président à signer, au nom et "
     "pour le compte du Département, ladite convention.", ["Département", "Pôle Emploi"]),
    ("Conseil Municipal de la Ville de Montpellier\nIl est proposé d’attribuer une subvention à l’association "
     "Attitude. D’approuver la convention de partenariat ; de signer cette convention.",
     ["Ville de Montpellier", "association Attitude"]),
    ("Commune de Pierrefonds\n3. Convention de groupement avec le Centre des monuments nationaux (CMN) pour "
     "la concession. Il est proposé de signer une convention entre la commune et le CMN.",
     ["Commune de Pierrefonds", "Centre des monuments nationaux (CMN)"]),
    # a lone body, a person, an organisation merely mentioned: no parties
    ("Le Département est engagé avec Pôle Emploi dans cette démarche depuis 2014.", []),
    ("Le maire présente les subventions qui les concernent et passe la parole à Madame Anne DUPONT.", []),
    ("Aucun conventionnement ou accord avec la Mairie de Bitry n'est prévu.", []),
    # the nearest agreement word names the partners: here an accord between others
    ("L’avenant permet aussi une sous-occupation sous réserve d’un accord entre GRTgaz et ENEDIS.", []),
])
def test_free_text_partners(ctx, text, expected):
    assert names(ctx, text) == expected


@pytest.mark.parametrize("name, kind", [
    ("Pôle emploi", "operateur_public"), ("France Travail", "operateur_public"),
    ("Agence Régionale de Santé", "agence"), ("Etat", "etat"), ("Région Hauts-de-France", "region"),
    ("Département du Pas-de-Calais", "departement"), ("UDCCAS", "association"),
    ("Commune de Pierrefonds", "commune"), ("Caisse d'allocations familiales de l'Oise", "operateur_public"),
])
def test_gazetteer_kinds(name, kind):
    assert parties.classify(name)["kind"] == kind


def test_representative_parsing():
    rep = parties.parse_representative("son Président, Monsieur Jean-Claude LEROY dûment autorisé")
    assert rep == {"representative": "Jean-Claude LEROY", "representative_role": "Président", "redacted": False}
    rep = parties.parse_representative("sa Présidente Xxxxxxx XXXXXX, domicilié en cette qualité")
    assert rep["representative"] is None and rep["redacted"] is True


def test_quotes_are_verbatim(ctx):
    text = ("Il est convenu entre,\n- La Région Hauts-de-France, représentée par le Président du Conseil "
            "régional,\n- Pôle emploi, représenté par sa Directrice territoriale,\nCe qui suit :")
    for p in run(ctx, text):
        assert text[p["span"][0]:p["span"][1]] == p["text"]


@pytest.mark.parametrize("path, expected", [
    ("62/62_cp_2022-12-13_2022-553.txt",
     [("Département du Pas-de-Calais", "Jean-Claude LEROY"), ("Pôle emploi HAUTS-DE-FRANCE", "Frédéric DANEL")]),
    ("62/62_cd_2023-03-27_2023-139.txt",
     [("Département du Pas-de-Calais", None), ("Etat", None), ("Région Hauts-de-France", None),
      ("Pôle emploi", None), ("Agence Régionale de Santé", None),
      ("Union Départementale des centres communaux ou intercommunaux d'action sociale (UDCCAS)", None),
      ("Têtes de Réseaux Autonomie", None)]),
    ("82/82_cp_2022-09-20_accompagnement-global.txt", [("Département", None), ("Pôle Emploi", None)]),
])
def test_seed_texts(ctx, path, expected):
    got = run(ctx, (RAW / path).read_text(encoding="utf-8"))
    assert [(p["name"], p["representative"]) for p in got] == expected


def test_seed_redacted(ctx):
    got = run(ctx, (RAW / "13" / "13_cp_2017-12-15_convention-cooperation.txt").read_text(encoding="utf-8"))
    assert [(p["name"], p["representative"], p["redacted"]) for p in got] == [
        ("Conseil départemental des Bouches-du-Rhône", None, True), ("Pôle emploi", None, True)]


def test_shared_montpellier_subsidy(ctx, shared_dir):
    from pipeline.parse import parse_file

    text = parse_file(shared_dir / "corpus" / "real" / "mtp_2014-197_subvention-attitude.pdf").text
    got = [p["name"] for p in run(ctx, text)]
    assert got == ["Ville de Montpellier", "association ATTITUDE"]


def test_ner_fallback_uses_gazetteer_ruler():
    pytest.importorskip("fr_core_news_md")
    # the statistical NER alone tags "Pôle emploi" as LOC, ORG or MISC; the ruler makes it ORG
    ents = [(e.text, e.label_) for e in parties.nlp()("Pôle emploi, représenté par sa Directrice territoriale").ents]
    assert ("Pôle emploi", "ORG") in ents
    assert parties.ner_org("Pôle emploi, représenté par sa Directrice") == (0, 11)


def test_acronym_expanded_where_the_text_defines_it(ctx):
    text = ("Les stations rejettent leurs eaux dans l'Aisne qui est gérée par les Voies Navigables de France (VNF). "
            "Le Président est autorisé à signer la convention entre la Communauté de Communes des Lisières de "
            "l'Oise et VNF pour autoriser les rejets.")
    assert "Voies Navigables de France" in names(ctx, text)
    assert "VNF" not in names(ctx, text)


def test_partners_listed_with_commas(ctx):
    text = ("Il est proposé d'approuver le projet de convention territoriale globale conclu entre la Communauté "
            "de Communes des Lisières de l'Oise, la Caisse d'Allocations Familiales et les communes membres.")
    got = names(ctx, text)
    assert "Caisse d'Allocations Familiales" in got and len(got) == 2


@pytest.mark.parametrize("text, expected", [
    # joining a body's group contract; its acronym with the department number is the same body
    ("Communauté de Communes des Lisières de l'Oise\nDEL 2025-88 : Adhésion au contrat d’assurance des risques "
     "statutaires du Centre de Gestion de l’Oise\nLes collectivités peuvent adhérer au contrat d’assurance du CDG 60.",
     ["Communauté de Communes des Lisières de l'Oise", "Centre de Gestion de l’Oise"]),
    ("Commune de Pierrefonds\nLe conseil décide de donner mandat au Centre de Gestion de l'Oise pour la "
     "consultation.", ["Commune de Pierrefonds", "Centre de Gestion de l'Oise"]),
    # a partnership with / for a named partner
    ("Commune de Pierrefonds\nLe conseil approuve le partenariat avec l’Espace Jean Legendre pour 2026.",
     ["Commune de Pierrefonds", "Espace Jean Legendre"]),
    ("Communauté de Communes des Lisières de l'Oise\n- Approuvé la signature de la convention de partenariat "
     "pour Paroles, festival de la langue française,", ["Communauté de Communes des Lisières de l'Oise", "Paroles"]),
    # a loan guarantee: borrower (its name completed up to its acronym) and the listed lenders
    ("Ville de Montpellier\n- D’accorder la garantie de la Ville à hauteur de 80 % des emprunts que la Société "
     "d’Equipement de la région Montpelliéraine (SERM) va contracter auprès de :\n- la Banque Postale Crédit "
     "Entreprises à hauteur de 2 M€ de garantie,\n- du Crédit Agricole à hauteur de 2 M€ de garantie.",
     ["Ville de Montpellier", "Société d’Equipement de la région Montpelliéraine (SERM)",
      "Banque Postale Crédit Entreprises", "Crédit Agricole"]),
    ("Commune d'Arras\nLe conseil accorde sa garantie pour le remboursement d'un prêt souscrit par Pas-de-Calais "
     "Habitat auprès de la Caisse des dépôts et consignations.",
     ["Commune d'Arras", "Pas-de-Calais Habitat", "Caisse des dépôts et consignations"]),
    # a public contract's lots awarded; a lot without an offer names nobody
    ("Communauté de Communes des Lisières de l'Oise\n- Approuvé le choix de la commission et d’attribuer les "
     "lots n° 1, n° 2 ;\no Lot n° 1 – Dommages aux biens – GROUPAMA PVL\no Lot n° 2 - Véhicules – Lot infructueux\n"
     "- Inscrit au budget les crédits.", ["Communauté de Communes des Lisières de l'Oise", "GROUPAMA PVL"]),
    ("Commune de Pierrefonds\nLe conseil décide d'attribuer le marché de voirie à la société COLAS pour 52 000 €.",
     ["Commune de Pierrefonds", "société COLAS"]),
    # a subsidy granted, the beneficiary before the subsidy
    ("Communauté de Communes des Lisières de l'Oise\n- Attribué à Initiative Oise Est une subvention de "
     "fonctionnement au titre de l’année 2026.", ["Communauté de Communes des Lisières de l'Oise", "Initiative Oise Est"]),
])
def test_partners_of_contracts_guarantees_and_awards(ctx, text, expected):
    assert names(ctx, text) == expected


@pytest.mark.parametrize("text", [
    # a subsidy requested from a body, a membership, a cited adhesion: no contracting party
    "Commune de Pierrefonds\nSollicitation d’une subvention auprès de l’Etat au titre de la DETR 2024.",
    "Commune de Couthenans\nAdhésion à l’association verger vivant = 30€/an. Vote : 14 pour.",
    "Commune de Pierrefonds\nVu la délibération portant adhésion au contrat groupe du Centre de Gestion de l'Oise,",
    "Commune de Pierrefonds\nLe partenariat pour la promotion du territoire se poursuit.",
    "Commune de Pierrefonds\nLe conseil attribue à Madame DUPONT la médaille de la ville.",
    "Ville de Montpellier\nLa garantie accordée par la Ville de Montpellier est une garantie à première demande.",
    # lots listed before the award (offers received) are not awarded
    "Commune de Pierrefonds\nLa collectivité a reçu les plis suivants :\nLot n° 1 – Dommages aux biens – GROUPAMA PVL",
])
def test_no_partner_without_a_contract(ctx, text):
    assert names(ctx, text) == []


def test_action_led_in_partnership_names_no_party(ctx):
    text = ("Commune de Pierrefonds\nDes actions sont mises en place en partenariat avec Pôle Emploi, la Région "
            "et les OPCO.")
    assert names(ctx, text) == []
