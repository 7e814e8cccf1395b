"""Headcounts of staff: ETP, postes, personnes.

"9.5 ETP", "0,5 ETP de chargé de projet", "Un ETP de conseiller" (ETP); "quatre postes de
conseillers", "Création de six postes" (poste); "4 conseillers", "18 conseillers Pôle emploi à
mi-temps" (personne). Beneficiaries ("500 demandeurs d'emploi", "2 260 personnes
accompagnées"), elected members ("27 conseillers municipaux") and structures ("3 agences")
are not staff. The nouns are data: ``data/headcounts_*.txt``.
"""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from extractors.common import Context, collapse, count_str, parse_decimal, quote
from extractors.durations import DIGITS_RE, NUMBER_WORD_RE, data_lines, parse_number

PRODUCES = ("headcounts",)


def _alternation(name: str) -> str:
    return r"(?:" + "|".join(data_lines(name)) + r")"


STAFF_RE = _alternation("headcounts_staff_nouns.txt")
BENEFICIARY_RE = _alternation("headcounts_beneficiary_nouns.txt")
NOT_STAFF_RE = re.compile(r"\s*(?:" + "|".join(data_lines("headcounts_not_staff.txt")) + r")\b", re.I)
STAFF_CONTEXT_RE = re.compile(_alternation("headcounts_staff_context.txt"), re.I)
STAFF_CONTEXT_WINDOW = 60

NUM = r"(?<![\w.,/-])(?P<num>" + DIGITS_RE + r"|" + NUMBER_WORD_RE + r")"
ARTICLES = ("un", "une")  # "un conseiller" is an article, "un poste" / "un ETP" a count
# the noun phrase after "de": "postes de conseillers dédiés aux métiers de l'autonomie"
SUBJECT = (r"(?P<subject>[^\W\d][\w'’-]*(?:[ \t]+(?!(?:pour|afin|au\s+sein|dans|sur|qui|dont|à|et|ou|en|"
           r"sont|est|sera|seront|a|ont|par|recrut\w*)\b)[\w'’-]+){0,7})")
OF_SUBJECT = r"(?:\s+(?:de|d['’])\s*(?:la\s+|l['’]\s*)?" + SUBJECT + r")?"
ETP_RE = re.compile(NUM + r"\s*(?P<unit>ETP|E\.T\.P\.?|[ée]quivalents?\s+temps\s+plein)(?![\w])" + OF_SUBJECT,
                    re.I)
POSTE_RE = re.compile(NUM + r"\s+(?P<unit>postes?)\b" + OF_SUBJECT, re.I)
# "emplois" are staff jobs when created / removed, or qualified as such
EMPLOI_RES = [re.compile(p, re.I) for p in (
    r"(?:cr[ée]ation|suppression|recrutement|cr[ée]er|supprimer|recruter)\w*\s+(?:de\s+|d['’]\s*)?" + NUM
    + r"\s+(?P<subject>emplois?(?:\s+(?:non\s+)?permanents?|\s+saisonniers?)?)\b",
    NUM + r"\s+(?P<subject>emplois?\s+(?:(?:non\s+)?permanents?|saisonniers?|aid[ée]s))\b",
)]
# the subject is read ahead, not consumed: "3 animateurs ... et 10 animateurs" are two counts
PERSON_RE = re.compile(NUM + r"\s+(?=(?P<subject>(?P<noun>" + STAFF_RE + r"|personnes)\b[^\n,.;:()]{0,60}))", re.I)
BENEFICIARY_AFTER_RE = re.compile(r"\s*" + BENEFICIARY_RE + r"\b", re.I)
SUBJECT_STOP_RE = re.compile(r"\s+(?:pour|afin|au sein|dans|sur|qui|dont|à|et|ou|en|sont|est|seront|sera|"
                             r"ont|a|chargés?|exclusivement|par|recrut\w*)\b", re.I)
# "un poste" counts one post only when it is created, removed, funded or described
ARTICLE_COUNT_BEFORE_RE = re.compile(r"(?:cr[ée]\w*|suppr\w*|recrut\w*|ouv\w*|financ\w*|transform\w*|"
                                     r"mobilis\w*)\s+(?:de\s+|d['’]\s*)?$", re.I)
ARTICLE_COUNT_AFTER_RE = re.compile(r"\s*(?:postes?|ETP|emplois?)\s+(?:de\b|d['’]|à\s+(?:mi-?\s?)?temps)", re.I)
# "Attaché : Création d'un poste": the grade is the label of the line
LINE_LABEL_RE = re.compile(r"(?:^|\n)[ \t•-]*([^\n:]{3,80}?)\s*:[^\n:]*$")
# "de 16 à 30 agents", "entre 2 et 3 postes": a range is not a headcount
RANGE_BEFORE_RE = re.compile(r"(?:\bde|\bentre)\s+[\d.,]+\s+(?:à|et)\s+$", re.I)
RANGE_AFTER_RE = re.compile(r"\s+(?:à|et)\s+\d")
# "ne peut excéder 6 personnes", "dans la limite de 3 postes": a ceiling, not a headcount
CEILING_BEFORE_RE = re.compile(r"(?:exc[ée]d\w*|d[ée]passer|sup[ée]rieure?s?\s+à|plafonn\w*\s+à|"
                               r"dans\s+la\s+limite\s+de|au\s+(?:plus|maximum))\s+$", re.I)


def to_count(s: str) -> Decimal | None:
    s = collapse(s)
    if re.match(r"\d", s):
        return parse_decimal(s)
    n = parse_number(s)
    return Decimal(str(n)).normalize() if n is not None else None


def in_range(text: str, m: re.Match) -> bool:
    start, end = m.span("num")
    return bool(RANGE_BEFORE_RE.search(text, max(0, start - 30), start) or RANGE_AFTER_RE.match(text, end)
                or CEILING_BEFORE_RE.search(text, max(0, start - 30), start))


def _item(text: str, m: re.Match, unit: str, subject: str | None = None) -> dict[str, Any] | None:
    count = to_count(m.group("num"))
    if count is None or count <= 0 or in_range(text, m):
        return None
    if m.group("num").lower() in ARTICLES and not (
            ARTICLE_COUNT_BEFORE_RE.search(text, max(0, m.start("num") - 30), m.start("num"))
            or ARTICLE_COUNT_AFTER_RE.match(text, m.end("num"))):
        return None
    if not subject:
        label = LINE_LABEL_RE.search(text, max(0, m.start("num") - 120), m.start("num"))
        subject = label.group(1) if label else None
    subj = collapse(subject).strip(" '’-") if subject else None
    return quote(text, m.start("num"), m.end(), count=count_str(count), unit=unit, subject=subj or None)


def _person(text: str, m: re.Match) -> dict[str, Any] | None:
    if m.group("num").lower() in ARTICLES:
        return None
    noun_end = m.end("noun")
    if NOT_STAFF_RE.match(text, noun_end) or BENEFICIARY_AFTER_RE.match(text, noun_end):
        return None
    if m.group("noun").lower() == "personnes":  # staff only when the sentence says so
        window = text[max(0, m.start() - STAFF_CONTEXT_WINDOW):m.end() + STAFF_CONTEXT_WINDOW]
        if not STAFF_CONTEXT_RE.search(window):
            return None
    subject = m.group("subject")
    stop = SUBJECT_STOP_RE.search(subject)
    subject = subject[:stop.start()] if stop else subject
    item = _item(text, m, "personne", subject=subject)
    if item:  # the quote ends with the subject
        item.update(quote(text, m.start("num"), m.start("subject") + len(subject.rstrip())))
    return item


def find_headcounts(text: str) -> list[dict[str, Any]]:
    items = [_item(text, m, "ETP", subject=m.group("subject")) for m in ETP_RE.finditer(text)]
    items += [_item(text, m, "poste", subject=m.group("subject")) for m in POSTE_RE.finditer(text)]
    items += [_item(text, m, "poste", subject=m.group("subject")) for rx in EMPLOI_RES for m in rx.finditer(text)]
    items += [_person(text, m) for m in PERSON_RE.finditer(text)]
    seen, out = set(), []
    for it in sorted((i for i in items if i), key=lambda i: i["span"]):
        key = (it["span"][0], it["unit"])
        if key not in seen:
            seen.add(key)
            out.append(it)
    return out


def extract(ctx: Context) -> dict[str, Any]:
    return {"headcounts": find_headcounts(ctx.text)}
