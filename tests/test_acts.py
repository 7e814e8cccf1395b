"""Act metadata: tables of short French cases, and the seed texts of data/raw."""
from __future__ import annotations

from pathlib import Path

import pytest

from extractors import acts
from extractors.acts_votes import attendance, vote

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"


def one_act(ctx, text):
    return acts.extract(ctx(text))["acts"][0]


@pytest.mark.parametrize("text, expected", [
    ("Pour : 44 voix (Groupe Socialiste ; Non-inscrit) Contre : 0 voix Abstention : 0 voix\n(Adopté)",
     {"for": 44, "against": 0, "abstention": 0, "unanimous": False, "adopted": True}),
    ("Adopté à l'unanimité.", {"for": None, "against": None, "abstention": None, "unanimous": True, "adopted": True}),
    ("Le Conseil Adopte.", {"for": None, "against": None, "abstention": None, "unanimous": False, "adopted": True}),
    ("Vote : unanimité", {"for": None, "against": None, "abstention": None, "unanimous": True, "adopted": True}),
    ("Tarifs de la cantine\nAdopté.\n", {"for": None, "against": None, "abstention": None, "unanimous": False,
                                          "adopted": True}),
    # labelled counts, one per line: "10\nContre" is not ten against
    ("Pour : 10\nContre : 2\n", {"for": 10, "against": 2, "abstention": None, "unanimous": False, "adopted": True}),
    ("Pour : 10 Contre : 2 Abstentions : 1", {"for": 10, "against": 2, "abstention": 1, "unanimous": False,
                                             "adopted": True}),
    ("Pour : 16 / Abstentions : 2", {"for": 16, "against": None, "abstention": 2, "unanimous": False, "adopted": True}),
    ("Vote : 14 pour / 0 contre / 0 abstention adopté",
     {"for": 14, "against": 0, "abstention": 0, "unanimous": False, "adopted": True}),
    ("les Membres du Conseil Communautaire ont, à 34 voix pour et une voix contre :",
     {"for": 34, "against": 1, "abstention": None, "unanimous": False, "adopted": True}),
    ("Le Conseil municipal, après en avoir délibéré, à la majorité :\n- DÉCIDE\n1 contre : M. Leblanc\n"
     "3 abstentions : Mme Debuisser, M. Papin, M. Thuillier",
     {"for": None, "against": 1, "abstention": 3, "unanimous": False, "adopted": True}),
    ("à la majorité :\nAbstention : M. Tanguy", {"for": None, "against": None, "abstention": 1,
                                                 "unanimous": False, "adopted": True}),
    ("La délibération est rejetée.", {"for": None, "against": None, "abstention": None,
                                       "unanimous": False, "adopted": False}),
    # the act's own vote comes first; a poll reported later in the act ("Pour : 49") is not it
    ("Vote : 12 pour / 0 contre / 1 abstention adopté\nRésultats du sondage\nPour : 49\nContre : 33",
     {"for": 12, "against": 0, "abstention": 1, "unanimous": False, "adopted": True}),
    # a table of votes per beneficiary: no total is printed for the act
    ("Bols d'air 400 € Unanimité\nLes Amis 2 800 € 1 abstention\nFestival 1 200 € 4 abstentions\n2 contre\n"
     "L'Enceinte 2 800 €\n2 abstentions\n1 contre\nLe Conseil municipal, après en avoir délibéré, à la majorité :",
     {"for": None, "against": None, "abstention": None, "unanimous": False, "adopted": True}),
    ("les eaux usées sont rejetées dans le canal", None),
    ("Il est proposé d'attribuer 20 000 euros pour le projet.", None),
])
def test_vote(text, expected):
    assert vote(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Étaient présents : M. Jean-Claude LEROY, Mme Mireille HINGREZ-CÉRÉDA, M. Daniel MACIEJASZ.\n\n"
     "Excusé(s) : Mme Blandine DRAIN, M. Jean-Marc TELLIER.\n\n"
     "Assistant également sans voix délibérative : Mme Emmanuelle LEVEUGLE, M. Jean-Louis COTTIGNY\n\n"
     "Excusé(s) sans voix délibérative : M. Michel DAGBERT\n",
     {"present": 3, "excused": 2, "absent": 0, "represented": 0}),
    ("Sont présents : \nM.  ALBUGUES,  M.  BELLOC,  Mme\nBOURDONCLE, M. WEILL\n\nSont représentés :\n"
     "M. VAISSIERES (pouvoir à Mme SINOPOLI)\n\nSont absents :\nM. DEPRINCE\n\n   Le quorum légal est atteint.",
     {"present": 4, "excused": 0, "absent": 1, "represented": 1}),
    ("Etaient présents :\nTitulaires :\nMme Agnès BACHELART, M. Laurent BARGADA, M. Eric BEGUIN (28)\n"
     "Absent(s) ayant donné procuration à :\nMme Jocelyne BRASSEUR donne procuration à M. Jean-Louis GOURDON,\n"
     "M. Yves LOUBES donne procuration à M. Jean-Marie BOUCHEZ (7)\n"
     "Absent(s) et absent(s) excusé(s) :\nMme Maryse CHAMPEAU, M. Michel KMIEC, M. Michel LEBLANC (3)\n"
     "- Le compte-rendu de la séance a été approuvé ;",
     {"present": 28, "excused": 0, "absent": 3, "represented": 7}),
    ("Présents : Madame Florence DEMOUY, Monsieur Romain RIBEIRO, Madame Karine DUTEIL.\nPouvoirs : \n"
     "- Monsieur Joachim LÜDER à Monsieur Philippe TOLEDANO \n- Madame Hélène DEFOSSEZ à Madame Karine DUTEIL\n"
     "- Monsieur Jean-Claude THUILLIER Monsieur Michel LEBLANC\nAbsente : \n- Madame Elsa CARRIER\nSecrétaire : M. X",
     {"present": 3, "excused": 0, "absent": 1, "represented": 3}),
    ("Présents :\n"
     "Fabien ABERT, Lorraine ACQUIER, Cédric DE\nSAINT JOUAN, Rabii YOUSSOUS.\n"
     "Absents ayant voté par procuration en application de l'article L 2121-20 du Code \n"
     "Général des Collectivités Territoriales :\n"
     "Valérie BARTHAS-ORSAL, Perla DANAN.\nAbsents :\nPatrick VIGNAL\n"
     " Attribution d'une subvention à l'association ATTITUDE\nMonsieur le Maire rapporte :",
     {"present": 4, "excused": 0, "absent": 1, "represented": 2}),
    ("Présents : \nJean-Pierre, Yves, Jacques, David & \nAdeline (procuration à Mario) \nAbsent \nHélène \nOrdre du jour :",
     {"present": 4, "excused": 0, "absent": 1, "represented": 1}),
    # counts printed instead of names
    ("Nombre de conseillers en exercice : 19\nPrésents : 15\nVotants : 18\n",
     {"present": 15, "excused": 0, "absent": 0, "represented": 0}),
    ("Présents : 15 - Excusés : 2 - Absents : 1 - Pouvoirs : 2\n",
     {"present": 15, "excused": 2, "absent": 1, "represented": 2}),
    ("Membres présents : 12\nMembres excusés : 3\nProcurations : 2\n",
     {"present": 12, "excused": 3, "absent": 0, "represented": 2}),
    ("Présents : M. Jean DUPONT, Mme Anne MARTIN\nExcusés : 2\n", {"present": 2, "excused": 2, "absent": 0,
                                                                   "represented": 0}),
    ("Aucun élu n'est cité ici.", None),
])
def test_attendance(text, expected):
    assert attendance(text) == expected


@pytest.mark.parametrize("text, field, expected", [
    ("DEPARTEMENT DU PAS-DE-CALAIS\n\n**TITRE DE L'ACTE**\n\n(N°2022-553)\n\nVu le code ;\n", "number", "2022-553"),
    ("DÉLIBÉRATION N° 2024-045\nObjet : Vote du budget\n", "number", "2024-045"),
    ("DCM_2024_012 - Approbation du PLU\n", "number", "DCM_2024_012"),
    ("Extrait du registre des délibérations du Conseil Municipal\nn° 2014 / 197\nSéance publique du \n"
     "jeudi 22 mai 2014 \nMonsieur le Maire rapporte :", "number", "2014/197"),
    ("Séance publique du \njeudi 22 mai 2014 \nMonsieur le Maire rapporte :", "meeting_date", "2014-05-22"),
    ("DELIBERATION DU CONSEIL DEPARTEMENTAL\n\nREUNION DU 13 DÉCEMBRE 2022\n\nVu le code ;", "meeting_date",
     "2022-12-13"),
    ("     Le 20 septembre 2022, les membres de la commission permanente légalement\nconvoqués se sont réunis",
     "meeting_date", "2022-09-20"),
    ("     Le 20 septembre 2022, les membres de la commission permanente légalement\nconvoqués se sont réunis",
     "body", "commission_permanente"),
    ("DELIBERATION DE LA COMMISSION PERMANENTE\nDU CONSEIL DEPARTEMENTAL\n\nVu le rapport ;", "body",
     "commission_permanente"),
    ("DELIBERATION DU CONSEIL DEPARTEMENTAL\n\nVu la délibération de la Commission Permanente ;", "body",
     "conseil_departemental"),
    ("Extrait du registre des délibérations du Conseil Municipal de la Ville", "body", "conseil_municipal"),
    ("Compte-rendu de la séance\nDu Conseil Communautaire \n13 novembre 2025 à 19h30\n", "body",
     "conseil_communautaire"),
    ("Compte-rendu de la séance\nDu Conseil Communautaire \n13 novembre 2025 à 19h30\n", "meeting_date",
     "2025-11-13"),
    ("PRESIDENCE DE MONSIEUR JEAN-CLAUDE LEROY\n\nSecrétaire : Mme Brigitte PASSEBOSC", "president",
     "JEAN-CLAUDE LEROY"),
    ("sous la présidence de Monsieur\nMichel WEILL, Président du Conseil départemental.", "president", "Michel WEILL"),
    ("sous la \nprésidence de Monsieur le Maire, Philippe Saurel \nPrésents :", "president", "Philippe Saurel"),
    ("sous la présidence de Madame Florence \nDEMOUY, maire.", "president", "Florence DEMOUY"),
    ("Le Président,\n\nMichel WEILL", "president", None),
    ("Commission permanente du 15 déc 2017 - Rapport n° 35\n", "rapport_number", "35"),
    ("Envoi au contrôle de légalité le : 16 décembre 2022\n\nPublication électronique le : 17 décembre 2022",
     "legality_control_date", "2022-12-16"),
    ("Envoi au contrôle de légalité le : 16 décembre 2022\n\nPublication électronique le : 17 décembre 2022",
     "publication_date", "2022-12-17"),
    ("Envoi Préfecture :\nRéception en Préfecture : \n27/05/2014 27/05/2014 034-213401722-20140522-0000072217-DE\n"
     "Publiée le : 23/05/2014", "legality_control_date", "2014-05-27"),
    ("Envoi Préfecture :\nRéception en Préfecture : \n27/05/2014 27/05/2014\nPubliée le : 23/05/2014",
     "publication_date", "2014-05-23"),
    ("Vu le code ;\nLe Conseil adopte.", "legality_control_date", None),
    ("Date de publication : 23/05/2014\n", "publication_date", "2014-05-23"),
    ("Certifié exécutoire compte tenu de la transmission en préfecture le 12/01/2024\n",
     "legality_control_date", "2024-01-12"),
    # in running text, publication dates something else (a tender notice, a report)
    ("Vu l’avis d’appel public à la concurrence envoyé à la publication le 16 juillet 2025,",
     "publication_date", None),
    ("L’appel d’offres a été publié sur le profil acheteur le 16 juillet 2025.", "publication_date", None),
])
def test_single_act_fields(ctx, text, field, expected):
    assert one_act(ctx, text)[field] == expected


@pytest.mark.parametrize("text, expected", [
    ("Étaient présents : M. A B.\n\n**PARTENARIAT ENTRE PÔLE EMPLOI ET LE DÉPARTEMENT - MISE EN PLACE\n"
     "DE QUATRE POSTES**\n\n(N°2022-553)\n\nVu le code ;",
     "PARTENARIAT ENTRE PÔLE EMPLOI ET LE DÉPARTEMENT - MISE EN PLACE DE QUATRE POSTES"),
    ("Excusé(s) : M. Michel DAGBERT\nAVENANT À LA CONVENTION ENTRE LE DÉPARTEMENT\nET PÔLE EMPLOI\n(N°2022-298)\n"
     "Vu le code ;", "AVENANT À LA CONVENTION ENTRE LE DÉPARTEMENT ET PÔLE EMPLOI"),
    ("Sont absents :\nM. DEPRINCE\n\nD  É  LIB  É  RATION  \n\nRENOUVELLEMENT DES CONVENTIONS DÉMARCHE\n"
     "ACCOMPAGNEMENT GLOBAL\n\n____\n Le texte.", "RENOUVELLEMENT DES CONVENTIONS DÉMARCHE ACCOMPAGNEMENT GLOBAL"),
    ("CONVENTION DE COOPERATION Commission permanente du 15 déc 2017 - Rapport n° 35\n"
     "CONVENTION DE COOPERATION ENTRE LE DEPARTEMENT DES BOUCHES-DU-RHONE ET POLE\nEMPLOI Entre d'une part, Le",
     "CONVENTION DE COOPERATION ENTRE LE DEPARTEMENT DES BOUCHES-DU-RHONE ET POLE EMPLOI"),
    ("Absents :\nPatrick VIGNAL\n Garantie d'emprunt – Ville de Montpellier/S.E.R.M. \nOpération OVALIE \n"
     "Monsieur le Maire, Philippe Saurel, rapporte :\nDans le cadre",
     "Garantie d'emprunt – Ville de Montpellier/S.E.R.M. Opération OVALIE"),
    # a numbered heading wrapped by the PDF: the next line starts in lower case ...
    ("DEL2025-12 : Approbation de la convention de partenariat pour le festival du livre \njeunesse, "
     "édition 2026\nRapporteur : M. X\nRapport",
     "Approbation de la convention de partenariat pour le festival du livre jeunesse, édition 2026"),
    # ... or the printed line is long
    ("DEL2025-13 : Rattachement des charges et produits M57 – Budget Annexe Collecte et Traitement \n"
     "Des Déchets\nRapporteur : M. X\n",
     "Rattachement des charges et produits M57 – Budget Annexe Collecte et Traitement Des Déchets"),
    ("DEL2025-14 : Tarifs 2026\nLa commune propose de revaloriser les tarifs.\n", "Tarifs 2026"),
    ("Délibération n° 2023-12 : Budget primitif\nAdopté à l'unanimité", "Budget primitif"),
    ("N° 2024-12 : Vote des taux d'imposition\nLe Maire expose.", "Vote des taux d'imposition"),
    ("DÉLIBÉRATION N° 2024-045\nObjet : Vote du budget primitif 2024\nLe conseil adopte.",
     "Vote du budget primitif 2024"),
])
def test_title(ctx, text, expected):
    assert one_act(ctx, text)["title"] == expected


MINUTES = """Compte-rendu de la séance
Du Conseil Communautaire
13 novembre 2025 à 19h30
Les membres du Conseil Communautaire se sont réunis sous la présidence de M. Franck SUPERBI.
Etaient présents :
Mme Agnès BACHELART, M. Laurent BARGADA (2)
Absent(s) et absent(s) excusé(s) :
M. Michel LEBLANC (1)
- Le compte-rendu de la séance du Conseil Communautaire du 25 septembre 2025 a été approuvé ;
DEL2025-76 : Aides directes aux entreprises – Aide à la création reprise d'entreprise – GEOTP
Rapporteur : Eric BEGUIN
Après avoir délibéré, les Membres du Conseil Communautaire ont, à l'unanimité :
- Approuvé l'attribution d'une aide.
DEL 2025-77 : Approbation de la convention de partenariat avec la Chambre des Métiers et de
l'Artisanat des Hauts-de-France
Rapporteur : Eric BEGUIN
Après avoir délibéré, les Membres du Conseil Communautaire ont, à 34 voix pour et une voix
contre :
- Approuvé la signature.
"""


def test_sub_item_title(ctx):
    text = ("Conseil municipal du 4 juin 2021\nOrdre du jour : \n1. Archivage \n2. Questions diverses \n"
            "Nota : rien\n1 Archivage \nVote : 14 pour / 0 contre / 0 abstention adopté\n2 Questions diverses\n"
            "2.1 Verger de sauvegarde \nAdhésion : Vote : 14 pour / 0 contre / 0 abstention adopté\n")
    out = acts.extract(ctx(text))["acts"]
    assert [a["title"] for a in out] == ["Archivage", "Questions diverses", "Verger de sauvegarde"]
    assert out[2]["vote"]["for"] == 14 and out[1]["vote"] is None


def test_the_chair_elected_for_the_accounts_presides_that_act(ctx):
    text = ("Conseil Municipal du 03/04/2025\nsous la présidence de Madame Florence DEMOUY, maire.\n"
            "D2025-008- Objet : Élection du président de séance\nLe Conseil municipal, à l'unanimité :\n"
            "- ÉLIT Madame Emmanuelle LEMAITRE, adjointe au maire, pour présider la séance pour le vote du \n"
            "compte financier unique de 2024.\nD2025-010- Objet : Compte Financier Unique 2024\n"
            "Hors de la présence de Madame le Maire.\nD2025-011- Objet : Affectation des résultats 2024\nfin\n")
    out = acts.extract(ctx(text))["acts"]
    assert [a["president"] for a in out] == ["Florence DEMOUY", "Emmanuelle LEMAITRE", "Florence DEMOUY"]
    assert acts.accounts_chair("M. Jean DUPONT, doyen d'âge, est élu président de séance.") == "Jean DUPONT"


def test_minutes_share_the_preamble(ctx):
    out = acts.extract(ctx(MINUTES))["acts"]
    assert [a["number"] for a in out] == ["DEL2025-76", "DEL2025-77"]
    assert all(a["meeting_date"] == "2025-11-13" for a in out)
    assert all(a["president"] == "Franck SUPERBI" for a in out)
    assert all(a["body"] == "conseil_communautaire" for a in out)
    assert out[0]["attendance"] == {"present": 2, "excused": 0, "absent": 1, "represented": 0}
    assert out[1]["title"] == ("Approbation de la convention de partenariat avec la Chambre des Métiers et de "
                               "l'Artisanat des Hauts-de-France")
    assert out[0]["vote"]["unanimous"] is True
    assert (out[1]["vote"]["for"], out[1]["vote"]["against"]) == (34, 1)
    assert out[0]["span"][1] == out[1]["span"][0]


SEEDS = [
    ("62/62_cp_2022-12-13_2022-553.txt", {"number": "2022-553", "meeting_date": "2022-12-13",
                                         "rapport_number": "50", "legality_control_date": "2022-12-16"},
     {"for": 44, "against": 0, "abstention": 0}, {"present": 32, "excused": 12}),
    ("62/62_cd_2023-03-27_2023-139.txt", {"number": "2023-139", "meeting_date": "2023-03-27",
                                         "body": "conseil_departemental"},
     {"for": 77, "against": 0}, {"present": 65, "excused": 12, "absent": 1}),
    ("82/82_cp_2022-09-20_accompagnement-global.txt", {"number": None, "meeting_date": "2022-09-20",
                                                      "president": "Michel WEILL"},
     {"unanimous": True, "adopted": True}, {"present": 17, "absent": 1, "represented": 1}),
]


@pytest.mark.parametrize("name, fields, votes, presence", SEEDS)
def test_seed_texts(ctx, name, fields, votes, presence):
    path = RAW / name
    if not path.exists():
        pytest.skip(f"{name} is absent")
    out = acts.extract(ctx(path.read_text(encoding="utf-8")))["acts"]
    assert len(out) == 1
    act = out[0]
    assert {k: act[k] for k in fields} == fields
    assert {k: act["vote"][k] for k in votes} == votes
    assert {k: act["attendance"][k] for k in presence} == presence
