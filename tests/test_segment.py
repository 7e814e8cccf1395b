"""Segmentation: acts of minutes, sections of a département bundle."""
from __future__ import annotations

import pytest

from models.document import ParsedDocument
from pipeline.segment import act_headings, agenda_headings, segment


def doc(text):
    return ParsedDocument(path="x.txt", sha256="0", media_type="text/plain", text=text)


@pytest.mark.parametrize("text, expected", [
    ("DEL2025-76 : Aides directes\ntexte\nDEL 2025-77 : Convention\ntexte", ["DEL2025-76", "DEL 2025-77"]),
    ("D2025-008- Objet : Élection\ntexte\nD2025-009- Objet : Adhésion\n", ["D2025-008", "D2025-009"]),
    ("Délibération n° 2023-12 : Budget\n", ["2023-12"]),
    ("DÉLIBÉRATION N° 2024-045\nObjet : Budget\nDÉLIBÉRATION N° 2024-046\nObjet : Tarifs\n", ["2024-045", "2024-046"]),
    ("N° 2024-12 : Vote des taux\ntexte\nN°2024/13 - Subventions\n", ["2024-12", "2024/13"]),
    ("DCM_2024_012 - Approbation du PLU\nAdopté\n", ["DCM_2024_012"]),
    # a period of years is not an act number
    ("PLU 2024-2030 : orientations\nN° 2023-2025 : bilan\n", []),
    ("Vu la délibération DEL2025-22 en date du 10 avril 2025,\n", []),
    ("Vu la délibération n°\nDEL2025-22 du 10 avril 2025\n", []),
])
def test_act_headings(text, expected):
    assert [n for _pos, n in act_headings(text)] == expected


def test_minutes_are_cut_at_each_numbered_heading():
    text = "Présents : M. A\nDEL2025-76 : Un\nbla\nDEL2025-77 : Deux\nbla\nDEL2025-78 : Trois\nfin"
    acts = segment(doc(text))
    assert [text[a.start:a.start + 10] for a in acts] == ["DEL2025-76", "DEL2025-77", "DEL2025-78"]
    assert acts[-1].end == len(text) and acts[0].end == acts[1].start
    assert all(a.sections and a.sections[0].kind == "deliberation" for a in acts)


def test_an_agenda_listing_the_headings_is_not_an_act():
    text = ("Ordre du jour :\nDEL2025-1 : Un\nDEL2025-2 : Deux\n\nDEL2025-1 : Un\ntexte un\n"
            "DEL2025-2 : Deux\ntexte deux\n")
    acts = segment(doc(text))
    assert len(acts) == 2 and text[acts[0].start:].startswith("DEL2025-1 : Un\ntexte un")


def test_numbered_agenda_items_are_found_again():
    text = ("Présents : Jean, Yves\nOrdre du jour : \n1. Subventions associatives \n2. Décisions modificatives du "
            "budget 2021 \n3. Questions diverses \nNota : rien\n1 Subventions associatives \nVote : 14 pour\n"
            "2 Décisions modificatives (DM) du budget 2021 \nVote : 14 pour\n3 Questions diverses\nfin")
    starts = agenda_headings(text)
    assert [text[s:s + 5] for s in starts] == ["1 Sub", "2 Déc", "3 Que"]
    assert len(segment(doc(text))) == 3


def test_sub_items_with_a_vote_are_acts_of_their_own():
    text = ("Ordre du jour : \n1. Archivage \n2. Questions diverses \nNota : rien\n1 Archivage \nVote : 14 pour\n"
            "2 Questions diverses\n2.1 Ecole \nProposition non retenue.\n2.2 Verger de sauvegarde \n"
            "Adhésion : Vote : 14 pour / 0 contre / 0 abstention adopté\n2.2.1 Détail\n2.3 Temple \nDevis.\n")
    acts = segment(doc(text))
    assert [text[a.start:a.start + 5] for a in acts] == ["1 Arc", "2 Que", "2.1 E", "2.2 V", "2.3 T"]
    # sub-items without any vote stay inside their item
    text = text.replace("Adhésion : Vote : 14 pour / 0 contre / 0 abstention adopté", "Adhésion.")
    assert len(segment(doc(text))) == 2


def test_a_departement_bundle_is_one_act_with_sections():
    text = ("DELIBERATION DE LA COMMISSION PERMANENTE\n\n**AVENANT À LA CONVENTION ENTRE LE DÉPARTEMENT**\n\n"
            "(N°2022-298)\n\nVu le code ;\n\nDECIDE :\n(Adopté)\n\nAVENANT N°1\n\ntexte\n\nRAPPORT N°38\n\ntexte")
    acts = segment(doc(text))
    assert len(acts) == 1
    kinds = [s.kind for s in acts[0].sections]
    assert kinds == ["deliberation", "avenant", "rapport"]
    assert "(Adopté)" in text[acts[0].sections[0].start:acts[0].sections[0].end]


def test_a_single_numbered_act_is_the_whole_document():
    text = "n° 2014 / 197\nSéance publique du jeudi 22 mai 2014\nLe Conseil Adopte."
    acts = segment(doc(text))
    assert len(acts) == 1 and (acts[0].start, acts[0].end) == (0, len(text))


def test_shared_pdf_minutes_are_cut(shared_dir):
    from pipeline.parse import parse_file

    path = shared_dir / "corpus" / "real" / "cclo_2025-11-13_cr-conseil-communautaire.pdf"
    if not path.exists():
        pytest.skip("the CCLO minutes are absent")
    acts = segment(parse_file(path))
    assert len(acts) == 15
