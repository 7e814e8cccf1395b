"""Département and issuer: tables of short French cases."""
from __future__ import annotations

import pytest

from extractors import departement
from models.document import SourceHint


def run(ctx, text, hint=None, acts=None):
    c = ctx(text, hint)
    c.results["acts"] = acts or []
    return departement.extract(c)


def test_the_table_holds_the_101_departements():
    deps = departement.departements()
    assert len(deps) == 101
    assert deps["62"] == "Pas-de-Calais" and deps["2A"] == "Corse-du-Sud" and deps["976"] == "Mayotte"


@pytest.mark.parametrize("text, expected", [
    ("DEPARTEMENT DU PAS-DE-CALAIS\n\nDELIBERATION", ("62", "Pas-de-Calais", "text")),
    ("Le Conseil départemental des Bouches-du-Rhône, représenté par sa Présidente", ("13", "Bouches-du-Rhône", "text")),
    ("Conseil Départemental de l’Ain", ("01", "Ain", "text")),
    ("Conseil général de la Somme", ("80", "Somme", "text")),
    ("Accusé de réception\n27/05/2014 27/05/2014 034-213401722-20140522-0000072217-DE", ("34", "Hérault", "text")),
    ("Hôtel de ville, 12 rue de la Paix, 60350 Pierrefonds", ("60", "Oise", "inferred")),
    ("La Communauté de Communes des Lisières de l’Oise", ("60", "Oise", "inferred")),
    ("Région Pays de la Loire : de la somme allouée", None),
    ("Le Conseil municipal a délibéré.", None),
])
def test_departement_from_text(ctx, text, expected):
    dep = run(ctx, text)["departement"]
    assert (dep and (dep["code"], dep["name"], dep["evidence"])) == expected


def test_text_beats_manifest_and_manifest_beats_inference(ctx):
    hint = SourceHint(departement_code="82", departement_name="Tarn-et-Garonne")
    assert run(ctx, "DEPARTEMENT DU NORD", hint)["departement"]["code"] == "59"
    dep = run(ctx, "Le Président du Conseil départemental. 60350 Cuise", hint)["departement"]
    assert (dep["code"], dep["evidence"]) == ("82", "manifest")


@pytest.mark.parametrize("text, bodies, expected", [
    ("DEPARTEMENT DU PAS-DE-CALAIS", ["commission_permanente"],
     {"name": "Département du Pas-de-Calais", "kind": "departement"}),
    ("Le Conseil départemental des Bouches-du-Rhône", ["commission_permanente"],
     {"name": "Département des Bouches-du-Rhône", "kind": "departement"}),
    ("Extrait du registre des délibérations du Conseil Municipal de la Ville de Montpellier",
     ["conseil_municipal"], {"name": "Ville de Montpellier", "kind": "commune"}),
    ("les membres du Conseil Communautaire de la Communauté de Communes des Lisières de L’Oise, légalement",
     ["conseil_communautaire"], {"name": "Communauté de Communes des Lisières de L’Oise", "kind": "epci"}),
    ("Texte sans collectivité.", [], None),
])
def test_issuer(ctx, text, bodies, expected):
    assert run(ctx, text, acts=[{"body": b} for b in bodies])["issuer"] == expected
