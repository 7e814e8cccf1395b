"""Votes and attendance of an act: helpers of ``extractors.acts``.

Votes: "Pour : 44 voix ... Contre : 0 voix Abstention : 0 voix", "Vote : 14 pour / 0 contre /
0 abstention", "à 34 voix pour et une voix contre", "Adopté à l'unanimité", "Le Conseil Adopte".
Attendance: the names listed after "Étaient présents :", "Excusé(s) :", "Sont représentés :"...
are COUNTED; a "(28)" closing a list is taken as its count; lists "sans voix délibérative"
are not counted.
"""
from __future__ import annotations

from typing import Any

import regex as re

from extractors.common import number_word

# --- votes -----------------------------------------------------------------------------
_NUM = r"\b(?P<n>\d{1,3}|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|seize|vingt)"
# "Pour : 44 voix", "Contre : 0", "Abstention(s) : 2"  (label first)
VOTE_LABEL_FIRST: dict[str, str] = {
    "for": r"\bPour\s*:\s*" + _NUM + r"\b",
    "against": r"\bContre\s*:\s*" + _NUM + r"\b",
    "abstention": r"\bAbst?entions?\s*:\s*" + _NUM + r"\b",
}
# "14 pour", "34 voix pour", "une voix contre", "0 abstention", "3 abstentions :"; not the count
# of a label ("Pour : 10\nContre : 2" is not "10 contre"), not across a line break but after "voix"
_NOT_LABELLED = r"(?<!\b(?:pour|contre|abst?entions?|votants?|exprim[ée]s)\s*:\s*)"
VOTE_COUNT_FIRST: dict[str, str] = {
    "for": _NOT_LABELLED + _NUM + r"[ \t]+(?:voix\s+)?pour\b(?!\s+(?:le|la|les|l'|un|une|des|du|ce|cette|cent|mille)\b)",
    "against": _NOT_LABELLED + _NUM + r"[ \t]+(?:voix\s+)?contre\b",
    "abstention": _NOT_LABELLED + _NUM + r"[ \t]+(?:voix\s+)?abst?entions?\b",
}
# "Abstention : M. Tanguy", "Contre : M. Papin, M. Tanguy" (names listed, no number)
VOTE_NAMES: dict[str, str] = {
    "against": r"^[ \t]*Contre\s*:\s*(?P<names>(?:M\.|Mme|Monsieur|Madame)[^\n]*)",
    "abstention": r"^[ \t]*Abst?entions?\s*:\s*(?P<names>(?:M\.|Mme|Monsieur|Madame)[^\n]*)",
}
UNANIMOUS = r"\b(?:à\s+l['’]\s*unanimit[ée]|Vote\s*:\s*(?:pour\s+)?unanimit[ée]|unanimit[ée]\s+des\s+(?:membres|suffrages|votants|présents)|adopt[ée]e?s?\s+à\s+l['’]unanimit[ée]|unanimement)"
MAJORITY = r"\bà\s+la\s+majorit[ée]\b"
ADOPTED = (r"\(\s*Adopt[ée]e?s?\s*\)|\bAdopt[ée]e?s?\s+(?:à|par)\b|\b(?:Le|La)\s+(?:Conseil|Commission|Bureau)\b[^.\n]{0,40}\b(?i:adopte)\b"
           r"|\bVote\s*:[^\n]*\badopt[ée]|^\s*Adopt[ée]e?s?\s*\.?\s*$")
REJECTED = (r"\b(?:d[ée]lib[ée]ration|proposition|projet|rapport|motion)\s+(?:est|a\s+été)\s+rejet[ée]e?\b|\(\s*Rejet[ée]e?\s*\)"
            r"|^\s*Rejet[ée]e?\s*\.?\s*$|\bn['’]\s*est\s+pas\s+adopt[ée]e?\b|\bnon\s+adopt[ée]e?\b")

_LABEL_FIRST = {k: re.compile(p, re.I) for k, p in VOTE_LABEL_FIRST.items()}
_COUNT_FIRST = {k: re.compile(p, re.I) for k, p in VOTE_COUNT_FIRST.items()}
_NAMES = {k: re.compile(p, re.M) for k, p in VOTE_NAMES.items()}
_UNANIMOUS = re.compile(UNANIMOUS, re.I)
_MAJORITY = re.compile(MAJORITY, re.I)
_ADOPTED = re.compile(ADOPTED, re.M)
_REJECTED = re.compile(REJECTED, re.I | re.M)


def _num(s: str) -> int | None:
    return int(s) if s.isdigit() else number_word(s)


# a table of votes line by line (one per beneficiary: "1 abstention", "4 abstentions 2 contre",
# "2 abstentions 1 contre"): this many different counts of one kind mean the act prints no total
PER_LINE_VOTES_MIN = 3


def _per_line_votes(text: str) -> bool:
    for key in VOTE_COUNT_FIRST:
        values = {_num(m.group("n").lower()) for rx in (_LABEL_FIRST[key], _COUNT_FIRST[key]) for m in rx.finditer(text)}
        if len(values) >= PER_LINE_VOTES_MIN:
            return True
    return False


def vote(text: str) -> dict[str, Any] | None:
    """The vote of one act's text, or None when the text says nothing of it."""
    counts: dict[str, int | None] = {"for": None, "against": None, "abstention": None}
    for key in counts if not _per_line_votes(text) else ():
        # the first statement of the act ("Vote : 14 pour / 0 contre", then later a poll's "Pour : 49")
        hits = [h for h in (_LABEL_FIRST[key].search(text), _COUNT_FIRST[key].search(text)) if h]
        m = min(hits, key=lambda h: h.start()) if hits else None
        if m:
            counts[key] = _num(m.group("n").lower())
            continue
        m = _NAMES.get(key) and _NAMES[key].search(text)
        if m:
            counts[key] = len(list_items(m.group("names")))
    unanimous = bool(_UNANIMOUS.search(text))
    majority = bool(_MAJORITY.search(text))
    rejected = bool(_REJECTED.search(text))
    adopted_word = bool(_ADOPTED.search(text))
    has_counts = any(v is not None for v in counts.values())
    if not (has_counts or unanimous or majority or adopted_word or rejected):
        return None
    if rejected and not adopted_word:
        adopted: bool | None = False
    elif adopted_word or unanimous or majority:
        adopted = True
    elif counts["for"] is not None:
        adopted = counts["for"] > (counts["against"] or 0)
    else:
        adopted = None
    return {**counts, "unanimous": unanimous, "adopted": adopted}


# --- attendance ----------------------------------------------------------------------------
# Label at the start of a line -> category. The first matching row wins, so the more
# specific labels come first; category None marks a list that is not counted.
ATTENDANCE_LABELS: list[tuple[str | None, str]] = [
    (None, r"[^\n:]{0,60}sans\s+voix\s+d[ée]lib[ée]rative"),
    (None, r"(?:Secr[ée]taire|Ordre\s+du\s+jour|Quorum|Nombre\s+de)\b[^\n:]{0,60}"),
    ("represented", r"(?:Absents?(?:\(e?s\))?\s+)?(?:ayant\s+(?:donn[ée]|vot[ée])|représenté|repr[ée]sent[ée]s?|"
                    r"Sont\s+repr[ée]sent[ée]s|Pouvoirs?|Procurations?|avec\s+pouvoir)[^\n:]{0,100}"),
    ("excused", r"(?:[ÉE]taient\s+|Sont\s+|Membres\s+|Absente?s?(?:\(e?s\))?\s+)?excus[ée](?:\(e?s\)|e?s?)(?:\s*\(e?s\))?"),
    ("absent", r"(?:[ÉE]taient\s+|Sont\s+|Membres\s+)?absent(?:\(e?s\)|e?s?)(?:\s+et\s+absent\(?e?s?\)?\s+excus[ée]\(?e?s?\)?)?"),
    ("present", r"(?:[ÉE]taient\s+|Sont\s+|Membres\s+)?pr[ée]sent(?:\(e?s\)|e?s?)"),
]
_LABEL_RE = re.compile(
    r"^[^\S\n]*(?:" + "|".join(f"(?P<l{i}>{p})" for i, (_c, p) in enumerate(ATTENDANCE_LABELS)) + r")[^\S\n]*(?::|\n|$)",
    re.I | re.M)
CIVILITY = r"(?:M\.|MM\.|Mme|Mmes|Mlle|Monsieur|Madame|Mr)"
# a word of a person's name: capitalized or upper case, or a particle
_NAME_WORD = re.compile(r"^(?:" + CIVILITY + r"|[A-ZÀ-Ý][\w'’.-]*|d[eu]|des|la|le|van|von|d['’][A-ZÀ-Ý][\w'’-]*|à|a|-)$")
_PROXY = re.compile(r"\b(?:donne|a\s+donné|ayant\s+donné)\s+(?:procuration|pouvoir)\s+(?:à|a)\b", re.I)
_TRAILING_COUNT = re.compile(r"\(\s*(\d{1,3})\s*\)\s*\.?\s*$")
_SEPARATORS = re.compile(r"[,;&]|\bet\b|\n[ \t]*[-•]")
_PROCURATION_ITEM = re.compile(r"\((?:[^()]*\b(?:procuration|pouvoir)\b[^()]*)\)", re.I)


def name_line(line: str) -> bool:
    """A line made only of persons' names (or a piece of a wrapped list of names)."""
    line = _PROXY.sub(" à ", re.sub(r"\([^()]*\)", " ", line))
    words = [w for w in re.split(r"[\s,;&]+", line.strip(" \t.-•")) if w and w != "et"]
    return bool(words) and all(_NAME_WORD.match(w) for w in words)


def list_items(block: str) -> list[str]:
    """The items of a list of names: one per person (a proxy holder is not counted)."""
    items = []
    for item in _SEPARATORS.split(re.sub(r"\([^()]*\)", " ", block)):
        item = item.strip(" \t\n.-•:")
        if item and not re.fullmatch(r"\d+", item):
            items.append(item)
    return items


def _category(m) -> str | None:
    for i, (cat, _p) in enumerate(ATTENDANCE_LABELS):
        if m.group(f"l{i}") is not None:
            return cat
    return None


# "Présents : 15", "Membres excusés : 2 - Pouvoirs : 3", "Nombre de présents : 15": the count
# is printed instead of the names
_NUMERIC_LABEL_RE = re.compile(
    r"(?:^|(?<=[\s\-–—/|,;]))(?:nombre\s+d[e']\s*(?:membres\s+|conseillers\s+)?)?(?P<label>"
    + "|".join(f"(?P<l{i}>{p})" for i, (_c, p) in enumerate(ATTENDANCE_LABELS))
    + r")[^\S\n]*:[^\S\n]*(?P<n>\d{1,3})(?![\d/.,]\d)", re.I | re.M)


def _numeric_counts(text: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for m in _NUMERIC_LABEL_RE.finditer(text):
        cat = _category(m)
        if cat is not None and cat not in counts:
            counts[cat] = int(m.group("n"))
    return counts


def numeric_attendance(text: str) -> dict[str, int] | None:
    """Attendance printed as counts ("Présents : 15 - Excusés : 2"), or None."""
    counts = _numeric_counts(text)
    if "present" not in counts:
        return None
    return {k: counts.get(k, 0) for k in ("present", "excused", "absent", "represented")}


def attendance(text: str) -> dict[str, int] | None:
    """Counts of the attendance lists in ``text`` (the head of an act or the preamble of
    minutes), or their printed counts, or None when there is none."""
    named = _named_attendance(text)
    if named:  # "Présents : M. A, M. B" then "Excusés : 2"
        counts = _numeric_counts(text)
        return {k: v or counts.get(k, 0) for k, v in named.items()}
    return numeric_attendance(text)


def _named_attendance(text: str) -> dict[str, int] | None:
    labels = list(_LABEL_RE.finditer(text))
    counts: dict[str, int] = {}
    for i, m in enumerate(labels):
        cat = _category(m)
        if cat is None:
            continue
        stop = labels[i + 1].start() if i + 1 < len(labels) else len(text)
        block_lines = []
        for j, line in enumerate(text[m.end():stop].split("\n")):
            if not line.strip():
                if block_lines:
                    break
                continue
            if line.rstrip().endswith(":") and not block_lines:
                continue  # a sub-label ("Titulaires :") or the end of a label on two lines
            if not name_line(line):
                break
            block_lines.append(line)
        block = "\n".join(block_lines)
        if not block:
            continue
        explicit = _TRAILING_COUNT.search(block)
        n = int(explicit.group(1)) if explicit else len(list_items(block))
        if cat == "present":  # "Adeline (procuration à Mario)" within the present list
            proxies = len(_PROCURATION_ITEM.findall(block))
            if proxies and not explicit:
                n -= proxies
                counts["represented"] = counts.get("represented", 0) + proxies
        counts[cat] = counts.get(cat, 0) + n
    if "present" not in counts:
        return None
    return {k: counts.get(k, 0) for k in ("present", "excused", "absent", "represented")}
