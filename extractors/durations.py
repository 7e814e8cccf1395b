"""Durations and periods of conventions.

"pour une durée de 12 mois à compter du 1er janvier 2023", "sur la période du 1er octobre
2021 au 31 décembre 2022", "conclue pour trois ans. Elle prend effet le 1er janvier 2018 et
prendra fin le 31 décembre 2020" (one period), "pour la période 2022-2024", "jusqu'au 30 juin
2024".

The expressions are found with rules, sentence by sentence; a duration and the start / end
dates stated in its sentence (or in the next sentence, when that one only gives the dates)
make ONE period. Dates go through ``parse_date`` (dateparser), number words through
``number_word`` (text2num). A bare "12 mois" with no duration wording is not a fact.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta

from extractors.common import DATE_RE, MONTH_RE, Context, number_word, parse_date, quote

PRODUCES = ("durations",)

DATA = Path(__file__).parent / "data"


def data_lines(name: str) -> list[str]:
    """Non-empty, non-comment lines of a data file beside the extractors."""
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]


# --- French numbers: digits or words ("trois", "dix-huit", "trente et un") ------------------
NUMBER_WORDS = ("un", "une", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix",
                "onze", "douze", "treize", "quatorze", "quinze", "seize", "vingt", "vingts", "trente",
                "quarante", "cinquante", "soixante", "cent", "cents", "mille")
_WORD = r"(?:" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"
NUMBER_WORD_RE = _WORD + r"(?:(?:-et-|\s+et\s+|-|\s+)" + _WORD + r")*(?![\w-])"
DIGITS_RE = r"\d{1,3}(?:[ \u00a0\u202f]\d{3})*(?:[.,]\d+)?(?![\d])"
NUMBER_RE = r"(?:" + DIGITS_RE + r"|" + NUMBER_WORD_RE + r")"


def parse_number(s: str) -> float | None:
    """'12' -> 12 ; '9.5' / '0,5' -> 9.5 / 0.5 ; 'trois' -> 3 ; 'trente et un' -> 31."""
    s = " ".join(s.split())
    compact = re.sub(r"[ \u00a0\u202f]", "", s)
    if re.fullmatch(r"\d+(?:[.,]\d+)?", compact):
        return float(compact.replace(",", "."))
    value = number_word(s.replace(" et ", "-et-") if " et " in s else s)
    return float(value) if value is not None else number_word(s)


# --- units and wording ----------------------------------------------------------------------
UNITS: dict[str, str] = dict(ln.split("\t") for ln in data_lines("durations_units.txt"))
UNIT_RE = r"(?:" + "|".join(UNITS) + r")\b"
AMOUNT_RE = r"(?P<num>" + NUMBER_RE + r")\s+(?P<unit>" + UNIT_RE + r")"
ART = r"(?:une|la|cette)\s+(?:nouvelle\s+)?"
AGREEMENT_WORDS = r"convention|contrat|avenant|march[ée]|bail|protocole|partenariat"
DURATION_RES = [re.compile(p, re.I) for p in (
    # "pour une durée de 12 mois", "sur une période de deux ans", "pour la durée de 3 ans"
    r"\b(?:pour|sur|d['’]|de)\s*" + ART + r"(?:dur[ée]e|p[ée]riode)(?:\s+(?:totale|maximale|initiale|"
    r"ferme|globale))?\s+(?:de\s+|d['’]\s*)" + AMOUNT_RE,
    # "La durée de cette convention est de quatre ans", "Durée du contrat : 4 ans"
    r"\bdur[ée]e\b[^.;:\n\d]{0,60}?(?:\best\b|\bsera\b|fix[ée]e?\s+à|:|\bde\b|\bd['’])\s*(?:de\s+|d['’]\s*)?"
    + AMOUNT_RE,
    r"\bdur[ée]e\s+(?:maximum|maximale|minimum|minimale|totale)\s*:?\s*" + AMOUNT_RE,
    # "conclue pour trois ans", "prolonger de 2 ans"
    r"\b(?:conclue?s?|sign[ée]e?s?|[ée]tablie?s?|consentie?s?|accord[ée]e?s?|renouvel[ée]e?s?|"
    r"reconduite?s?|valables?)\s+pour\s+(?:une\s+dur[ée]e\s+(?:de\s+|d['’]\s*))?" + AMOUNT_RE,
    r"\bprolong\w*\s+(?:de\s+|d['’]\s*)" + AMOUNT_RE,
    # "(convention d'un an)", "un bail de neuf ans", "contrat annuel de 12 mois"
    r"\b(?:" + AGREEMENT_WORDS + r")\w*(?:\s+(?:annuel|pluriannuel|triennal)\w*)?\s+(?:de\s+|d['’]\s*)" + AMOUNT_RE,
)]
# "un partenariat est proposé avec X pour l'année 2026": a one-year agreement, when an agreement
# word stands shortly before ("l'appel à projets au titre de l'année 2021" is no agreement's term)
YEAR_LABEL_RE = re.compile(r"\bpour\s+l['’]\s*ann[ée]e\s+(?P<y>(?:19|20)\d{2})\b", re.I)
YEAR_LABEL_REACH = 100
# "Tarif d'occupation ... du contrat de concession ... pour l'année 2025": the year dates the tariff
YEAR_LABEL_NOT_RE = re.compile(r"\b(?:tarif|redevance|taux|prix)", re.I)
AGREEMENT_RE = re.compile(r"\b(?:" + AGREEMENT_WORDS + r")", re.I)
DAY_RE = r"(?:1\s*(?:\^\{er\}|er|ᵉʳ)|\d{1,2})"
DATE_NO_YEAR_RE = DAY_RE + r"\s+" + MONTH_RE
# "du 1er octobre 2021 au 31 décembre 2022", "du 13 mai au 31 octobre 2014"
RANGE_RE = re.compile(r"\b(?:du|entre\s+le)\s+(?P<a>" + DATE_RE + r"|" + DATE_NO_YEAR_RE + r")\s+"
                      r"(?:au|et\s+le|jusqu['’]au)\s+(?P<b>" + DATE_RE + r")", re.I)
START_RE = re.compile(r"(?:à\s+compter\s+du|à\s+partir\s+du|prend(?:ra)?\s+effet\s+(?:le|au|à\s+compter\s+du)|"
                      r"date\s+d['’]effet\s*(?:au|le|:)?|effet\s+au|d[ée]bute(?:ra)?\s+le|commence(?:ra)?\s+le)"
                      r"\s+(?P<d>" + DATE_RE + r")", re.I)
END_RE = re.compile(r"(?:jusqu['’]au|jusqu['’]à\s+la\s+date\s+du|(?:prendra|prend)\s+fin\s+le|"
                    r"se\s+termine(?:ra)?\s+le|expire(?:ra)?\s+le|[ée]ch[ée]ance\s+(?:au|le|du)|"
                    r"arriv\w*\s+à\s+(?:terme|[ée]ch[ée]ance)\s+(?:au|le))"
                    r"\s+(?P<d>" + DATE_RE + r")", re.I)
YEAR = r"(?:19|20)\d{2}"
YEARS_RE = re.compile(r"(?:\b(?:pour|sur)\s+la\s+p[ée]riode\s+)?(?<![\d/\-.])(?P<a>" + YEAR + r")\s*[-/–]\s*(?P<b>" + YEAR + r")(?![\d/\-])"
                      r"|\bp[ée]riode\s+(?:de\s+)?(?P<c>" + YEAR + r")\s+à\s+(?P<d>" + YEAR + r")\b", re.I)
YEARS_NOT_A_PERIOD_RE = re.compile(r"(?:n°|n[o°]\.?|num[ée]ro|scolaire|saison|campagne)\s*$", re.I)
MAX_YEAR_SPAN = 12
CONTEXT_RE = re.compile(r"\b(?:" + "|".join(data_lines("durations_context.txt")) + r")", re.I)
# a sentence about the same agreement as the one before: "Elle prend effet le ..."
ANAPHORA_RE = re.compile(r"\s*(?:elle|il|celle-ci|celui-ci|elles|ils|celles-ci|ceux-ci)\b", re.I)
# sentences: a period and white space, a semicolon, or a blank line
SENTENCE_END_RE = re.compile(r"(?<!\b\w)[.;!?](?=\s)|\n\s*\n")


@dataclass
class Clue:
    start: int
    end: int
    kind: str  # "duration" | "range" | "years" | "start" | "end"
    months: int | None = None
    days: int | None = None
    start_date: date | None = None
    end_date: date | None = None


@dataclass
class Period:
    clues: list[Clue] = field(default_factory=list)

    def get(self, attr: str):
        return next((getattr(c, attr) for c in self.clues if getattr(c, attr) is not None), None)


def sentences(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for m in SENTENCE_END_RE.finditer(text):
        out.append((pos, m.end()))
        pos = m.end()
    out.append((pos, len(text)))
    return out


def _duration_clue(m: re.Match) -> Clue | None:
    n = parse_number(m.group("num"))
    unit = next(v for k, v in UNITS.items() if re.fullmatch(k, m.group("unit"), re.I))
    if n is None or n <= 0 or n != int(n):
        return None
    if unit == "days":
        return Clue(m.start(), m.end(), "duration", days=int(n))
    return Clue(m.start(), m.end(), "duration", months=int(n) * int(unit))


def _range_clue(m: re.Match) -> Clue | None:
    end = parse_date(m.group("b"))
    start = parse_date(m.group("a"))
    if start is None and end is not None:  # "du 13 mai au 31 octobre 2014": the year of the end
        start = parse_date(f"{m.group('a')} {end.year}")
    if start is None or end is None or end < start:
        return None
    return Clue(m.start(), m.end(), "range", start_date=start, end_date=end)


def _years_clue(text: str, m: re.Match) -> Clue | None:
    a, b = int(m.group("a") or m.group("c")), int(m.group("b") or m.group("d"))
    if not a < b <= a + MAX_YEAR_SPAN or YEARS_NOT_A_PERIOD_RE.search(text, max(0, m.start() - 20), m.start("a") if m.group("a") else m.start()):
        return None
    return Clue(m.start(), m.end(), "years", start_date=date(a, 1, 1), end_date=date(b, 12, 31))


def _date_clue(m: re.Match, kind: str) -> Clue | None:
    d = parse_date(m.group("d"))
    if d is None:
        return None
    return Clue(m.start(), m.end(), kind, **{"start_date" if kind == "start" else "end_date": d})


def _labels_agreement(text: str, sentence_start: int, label_start: int) -> bool:
    agreement = AGREEMENT_RE.search(text, max(sentence_start, label_start - YEAR_LABEL_REACH), label_start)
    return bool(agreement) and not YEAR_LABEL_NOT_RE.search(text, sentence_start, agreement.start())


def find_clues(text: str, start: int, end: int) -> list[Clue]:
    clues: list[Clue] = []
    for rx in DURATION_RES:
        clues += [c for m in rx.finditer(text, start, end) if (c := _duration_clue(m))]
    clues += [c for m in RANGE_RE.finditer(text, start, end) if (c := _range_clue(m))]
    clues += [c for m in YEARS_RE.finditer(text, start, end) if (c := _years_clue(text, m))]
    clues += [Clue(m.start(), m.end(), "years", start_date=date(int(m.group("y")), 1, 1),
                   end_date=date(int(m.group("y")), 12, 31)) for m in YEAR_LABEL_RE.finditer(text, start, end)
              if _labels_agreement(text, start, m.start())]
    clues += [c for m in START_RE.finditer(text, start, end) if (c := _date_clue(m, "start"))]
    clues += [c for m in END_RE.finditer(text, start, end) if (c := _date_clue(m, "end"))]
    # one clue per stretch of text: the longest wins ("pour une durée de" and "durée ... de")
    clues.sort(key=lambda c: (c.start, -(c.end - c.start)))
    kept: list[Clue] = []
    for c in clues:
        if not any(c.start < k.end and k.start < c.end for k in kept):
            kept.append(c)
    return kept


def group_periods(clues: list[Clue], has_context: bool, following: list[Clue],
                  follows_up: bool) -> tuple[list[Period], bool]:
    """The periods one sentence states; also whether it used the dates of the next sentence.

    A date range, an end date alone or a span of years counts only in a sentence about an
    agreement, a programme or staff (``durations_context.txt``), or beside a stated duration."""
    durations = [c for c in clues if c.kind == "duration"]
    ranged = [c for c in clues if c.kind in ("range", "years")] if durations or has_context else []
    dates = [c for c in clues if c.kind in ("start", "end")]
    main = sorted(durations + [c for c in ranged if c.kind == "range"], key=lambda c: c.start)
    periods = [Period([c]) for c in ranged if c.kind == "years"]
    if not main:
        starts = [c for c in dates if c.kind == "start"]
        ends = [c for c in dates if c.kind == "end"]
        pair = next(([a, b] for a in starts for b in ends
                     if a.start < b.start and a.start_date < b.end_date), None)
        if pair:  # "Elle prend effet le ... et prendra fin le ..."
            periods.append(Period(pair))
        elif has_context:
            periods += [Period([c]) for c in ends]
        return periods, False
    head = Period([main[0]])
    periods.append(head)
    for c in main[1:]:  # "pour une durée de 12 mois, du ... au ...": one period
        if c.kind in {x.kind for x in head.clues}:
            periods.append(Period([c]))
        else:
            head.clues.append(c)
    if head.get("start_date") is not None:
        return periods, False
    # an end date stated before the duration is the term of an earlier one ("arrivée à échéance
    # le 31 décembre 2025, ... prolonger de deux ans")
    dates = [c for c in dates if c.kind == "start" or c.start > head.clues[0].start]
    if dates:
        head.clues += dates
        return periods, False
    # "conclue pour trois ans. Elle prend effet le ... et prendra fin le ...": one period
    if following and all(c.kind in ("start", "end") for c in following) and follows_up:
        head.clues += following
        return periods, True
    return periods, False


def months_between(start: date, end: date) -> int | None:
    after = end + timedelta(days=1)
    k = (after.year - start.year) * 12 + after.month - start.month
    return k if k > 0 and start + relativedelta(months=k) == after else None


def to_item(text: str, p: Period) -> dict[str, Any]:
    months, days = p.get("months"), p.get("days")
    start, end = p.get("start_date"), p.get("end_date")
    if months and start and not end:
        end = start + relativedelta(months=months) - timedelta(days=1)
    elif months and end and not start:
        start = end + timedelta(days=1) - relativedelta(months=months)
    elif start and end and not months and not days:
        months = months_between(start, end)
    item = quote(text, min(c.start for c in p.clues), max(c.end for c in p.clues), months=months,
                 start_date=start.isoformat() if start else None, end_date=end.isoformat() if end else None)
    if days:
        item["days"] = days
    return item


def find_periods(text: str) -> list[dict[str, Any]]:
    spans = sentences(text)
    clues = [find_clues(text, s, e) for s, e in spans]
    items, skip = [], False
    for i, (s, e) in enumerate(spans):
        if skip:
            skip = False
            continue
        following = clues[i + 1] if i + 1 < len(clues) else []
        follows_up = i + 1 < len(spans) and bool(ANAPHORA_RE.match(text, spans[i + 1][0]))
        periods, skip = group_periods(clues[i], bool(CONTEXT_RE.search(text, s, e)), following, follows_up)
        items += [to_item(text, p) for p in periods]
    return items


def extract(ctx: Context) -> dict[str, Any]:
    return {"durations": find_periods(ctx.text)}
