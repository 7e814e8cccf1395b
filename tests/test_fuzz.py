"""Hypothesis fuzzing of every extractor of ``extractors.REGISTRY``, run in registry order as the
pipeline runs them, on arbitrary text and on French-like deliberation text: no exception, every
span inside the text, every quote equal to the (masked) text at its span."""
from __future__ import annotations

from typing import Any, Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import extractors
from tests.conftest import make_context, seed_files

FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow],
                print_blob=True)
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre", "DÉCEMBRE", "janv.", "sept.")
SEPARATORS = (" ", "\n", "\n\n", "\t", " | ", "\f", "\u00a0", "\u202f", " : ", ", ", ".\n")
# characters whose case mapping changes the length, line breaks splitlines() knows, combining marks
TRICKY = ("İ", "ß", "ﬁ", "ǅ", "\u2028", "\x85", "\r", "\r\n", "\u0301", "²", "٣", "\x00", "\ufeff", "’")
FIXED = (
    "représenté par son Président", "représentée par sa Présidente, Madame Marie Martin,",
    "Le Conseil départemental du Pas-de-Calais", "COMMISSION PERMANENTE", "DÉLIBÉRATION", "DECIDE",
    "Article 1er :", "Article 2 –", "Vu le Code Général des Collectivités Territoriales ;",
    "Pour : 44 voix", "Contre : 0", "Abstention : 2", "ADOPTÉ À L'UNANIMITÉ", "Présents : 38",
    "Le Président du Conseil départemental,", "Jean-Claude LEROY", "convention de partenariat",
    "pour une durée de trois ans", "à compter du 1er janvier 2023", "12,5 ETP", "trois postes",
    "Chapitre 65 – Fonction 58 – Nature 6574", "Imputation : 930-58-6574", "Code banque", "Clé RIB",
    "IBAN :", "RIB :", "BIC : AGRIFRPP867", "N°", "n°", "€", "euros", "HT", "TTC", "|", "\t",
    "Total", "Montant", "Solde", "Disponible", "AE", "Libellé", "Programme", "Association",
)


def seed_lines() -> list[str]:
    return sorted({ln for p in seed_files() for ln in p.read_text(encoding="utf-8").splitlines() if ln.strip()})


def grouped(n: int, sep: str) -> str:
    s = str(n)
    head = len(s) % 3 or 3
    return sep.join([s[:head]] + [s[i:i + 3] for i in range(head, len(s), 3)])


amounts = st.builds(lambda n, sep, cents, unit: grouped(n, sep) + cents + unit,
                    st.integers(0, 10 ** 10), st.sampled_from((" ", "\u202f", "\u00a0", ".", "")),
                    st.sampled_from(("", ",00", ",5", ".50")), st.sampled_from((" €", " euros", "€", " EUR", "")))
dates = st.one_of(
    st.builds(lambda d, m, y: f"{d} {m} {y}", st.sampled_from(("1er", "1", "15", "31", "32", "0")),
              st.sampled_from(MONTHS), st.integers(1900, 2100)),
    st.builds(lambda d, m, y: f"{d:02d}/{m:02d}/{y}", st.integers(0, 35), st.integers(0, 14), st.integers(0, 2100)))
numbers = st.builds(lambda y, n: f"N°{y}-{n}", st.integers(1990, 2030), st.integers(0, 9999))
votes = st.builds(lambda w, n: f"{w} : {n} voix", st.sampled_from(("Pour", "Contre", "Abstention", "Votants")),
                  st.integers(0, 200))
digits = st.text(alphabet="0123456789", min_size=1, max_size=12)
iban_like = st.one_of(
    st.builds(lambda groups, sep: "FR76" + sep + sep.join(groups), st.lists(digits, min_size=1, max_size=8),
              st.sampled_from((" ", "-", "\n", "", " | "))),
    st.builds(lambda groups, sep: sep.join(groups), st.lists(digits, min_size=3, max_size=5),
              st.sampled_from((" ", "-", "\n", "\t"))),
)
table_rows = st.builds(lambda cells, sep: sep.join(cells) + "\n",
                       st.lists(st.one_of(amounts, st.sampled_from(FIXED), digits), min_size=2, max_size=6),
                       st.sampled_from(("\t", " | ", "|", "  ")))
# sentences as deliberations write them, with generated values in their slots
TEMPLATES = (
    "L'association {name}, représentée par son Président, M. {name},",
    "Le Département du {name}, représenté par son Président, dûment habilité par délibération {ref} du {date},",
    "pour une durée de {n} mois à compter du {date}", "du {date} au {date}",
    "Vu la délibération {ref} du {date} ;", "d'attribuer une subvention de {amount} à {name} ;",
    "soit {n} ETP pour un coût de {amount} par an", "{n} postes d'accompagnateurs",
    "Titulaire du compte : {name}\nIBAN : {iban}\nBIC : AGRIFRPP867", "Imputation budgétaire : {n}-{n}-{n}",
    "{vote}\n{vote}\n{vote}", "Rapport n° {n}", "Séance du {date}",
)
names = st.sampled_from(("Pas-de-Calais", "RESTOS DU CŒUR", "Pôle emploi", "Tarn-et-Garonne", "Jean DUPONT",
                         "l'ADIE", "SEM Ovalie", "X"))
sentences = st.builds(
    lambda template, name, ref, date, n, amount, iban, vote: template.format(
        name=name, ref=ref, date=date, n=n, amount=amount, iban=iban, vote=vote),
    st.sampled_from(TEMPLATES), names, numbers, dates, st.integers(0, 999), amounts, iban_like, votes)
fragments = st.one_of(st.sampled_from(seed_lines()), st.sampled_from(FIXED), sentences, sentences, amounts, dates,
                      numbers, votes, iban_like, table_rows, st.sampled_from(SEPARATORS))
french_text = st.lists(st.tuples(fragments, st.sampled_from(SEPARATORS + TRICKY)), min_size=3, max_size=60).map(
    lambda parts: "".join(a + b for a, b in parts))
arbitrary_text = st.text(max_size=1500)


def spans(obj: Any, where: str) -> Iterator[tuple[str, dict]]:
    """Every dict carrying a ``span`` in an extractor's output, with where it was found."""
    if isinstance(obj, dict):
        if "span" in obj:
            yield where, obj
        for k, v in obj.items():
            yield from spans(v, f"{where}.{k}")
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from spans(v, f"{where}[{i}]")


def check_extractors(text: str) -> None:
    ctx = make_context(text)
    assert len(ctx.text) == len(text)
    for module in extractors.REGISTRY:
        name = module.__name__.rsplit(".", 1)[-1]
        out = module.extract(ctx)
        assert set(module.PRODUCES) <= set(out), name
        for where, fact in spans(out, name):
            span = fact["span"]
            if span is None or span == [None, None]:
                continue
            start, end = span
            assert 0 <= start <= end <= len(ctx.text), (where, span, len(ctx.text))
            if "text" in fact:
                assert fact["text"] == ctx.text[start:end], (where, fact["text"], ctx.text[start:end])
        ctx.results.update(out)


@FUZZ
@given(arbitrary_text)
def test_extractors_on_arbitrary_text(text):
    check_extractors(text)


@settings(FUZZ, max_examples=150)
@given(french_text)
def test_extractors_on_french_like_text(text):
    check_extractors(text)


@pytest.mark.parametrize("seed", seed_files(), ids=lambda p: p.name)
def test_extractors_on_the_samples(seed):
    check_extractors(seed.read_text(encoding="utf-8"))
