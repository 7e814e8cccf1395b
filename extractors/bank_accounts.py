"""Bank accounts (IBAN / French RIB): found, validated, masked, fingerprinted.

Also gives the pipeline ``find_account_spans`` so that account numbers are masked in the
text before any other extractor, store or log sees it.

Only this module reads ``ctx.raw_text``; every quote it returns comes from ``ctx.text``
(masked), and no unmasked number leaves it: records carry masked forms and a keyed hash.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from schwifty import IBAN, registry
from schwifty.exceptions import SchwiftyException

from extractors.account_keys import fingerprint
from extractors.common import Context, collapse, quote

PRODUCES = ("bank_accounts",)

MASK = "*"
RIB_COUNTRY = "FR"  # a French RIB is the BBAN of a French IBAN
RIB_GROUPS = (5, 5, 11, 2)  # bank code, branch code, account number, RIB key
MIN_DIGITS_IN_ACCOUNT = 5  # the 11-character account part is mostly digits

# separators printed between the groups of an account number (a PDF may break the line)
SEP = r"[ \t\u00a0\u202f\-.|]{0,4}(?:\n[ \t\u00a0\u202f\-.|]{0,3})?"
SEP_CHARS = " \t\u00a0\u202f-.|\n"
MAX_SEP_RUN = 4

IBAN_START_RE = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?=[ \t\u00a0\-.]{0,3}\n?[ \t]*[0-9A-Z])")
RIB_RE = re.compile(r"(?<![A-Za-z0-9])(\d{5})" + SEP + r"(\d{5})" + SEP + r"([0-9A-Z]{11})" + SEP
                    + r"(\d{2})(?![0-9])")
# "Code banque : 30004 Code guichet : 00819 N° de compte : 00016134116 Clé RIB : 61"
LABEL_GAP = r"[^\n\d]{0,40}?(?:\n[^\n\d]{0,40}?)?"
LABELED_RIB_RE = re.compile(
    r"banque" + LABEL_GAP + r"(?<![\dA-Z])(\d{5})\b" + LABEL_GAP + r"guichet" + LABEL_GAP + r"(\d{5})\b"
    + LABEL_GAP + r"compte" + LABEL_GAP + r"\b([0-9A-Z]{11})\b" + LABEL_GAP + r"cl[ée]" + LABEL_GAP
    + r"(\d{2})\b", re.I)

# around the number: who holds the account, its BIC, the label that introduces it
HOLDER_LABEL_RE = re.compile(
    r"(?:titulaire(?:\s+du\s+compte)?|b[ée]n[ée]ficiaire|au\s+nom\s+de|intitul[ée]\s+du\s+compte|"
    r"raison\s+sociale)\s*:?\s*([^\n]{3,120})", re.I)
COMPTE_LABEL_RE = re.compile(r"\b(?:n°\s*de\s+)?compte\s*:?[ \t]*$", re.I)
BIC_RE = re.compile(r"\b(?:BIC|SWIFT|code\s+BIC|code\s+SWIFT)\s*(?:\([A-Z]+\))?\s*:?\s*"
                    r"([A-Z]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?)\b")
ACCOUNT_LABEL_RE = re.compile(r"(?:IBAN|RIB|BBAN|compte|coordonn[ée]es\s+bancaires)\s*(?:n°)?\s*:?\s*$", re.I)
HOLDER_WINDOW = 400
BIC_WINDOW = 200
LABEL_WINDOW = 40


@dataclass
class Occurrence:
    kind: str  # "iban" | "rib"
    start: int
    end: int
    compact: str  # the number without separators (never leaves this module)
    spans: list[tuple[int, int]]


def _iban_length(country: str) -> int | None:
    try:
        return registry.get_iban_spec(country).iban_length
    except SchwiftyException:
        return None


def _scan_iban(text: str, start: int) -> Occurrence | None:
    """Read an IBAN from ``start``: exactly its country's length of characters, separators allowed."""
    country = text[start:start + 2]
    length = _iban_length(country)
    if length is None:
        return None
    chars, i, run = [], start, 0
    while i < len(text) and len(chars) < length:
        c = text[i]
        if c.isascii() and c.isalnum() and (c.isdigit() or c.isupper()):
            chars.append(c)
            run = 0
        elif c in SEP_CHARS and chars and run < MAX_SEP_RUN:
            run += 1
        else:
            break
        i += 1
    compact = "".join(chars)
    if len(compact) != length or (i < len(text) and text[i].isascii() and text[i].isalnum()):
        return None
    if not registry.get_iban_spec(country).regex.match(compact[4:]):
        return None
    return Occurrence("iban", start, i, compact, [(start, i)])


def _rib_occurrence(m: re.Match) -> Occurrence | None:
    groups = m.groups()
    if sum(c.isdigit() for c in groups[2]) < MIN_DIGITS_IN_ACCOUNT:
        return None
    spans = [m.span(g) for g in range(1, 5)]  # the groups only: labels between them stay readable
    return Occurrence("rib", m.start(), m.end(), "".join(groups).upper(), spans)


def find_accounts(text: str) -> list[Occurrence]:
    found = [occ for m in IBAN_START_RE.finditer(text) if (occ := _scan_iban(text, m.start()))]
    taken = [(o.start, o.end) for o in found]

    def free(s: int, e: int) -> bool:
        return not any(s < te and ts < e for ts, te in taken)

    for rx in (RIB_RE, LABELED_RIB_RE):
        for m in rx.finditer(text):
            occ = _rib_occurrence(m)
            if occ and free(occ.start, occ.end):
                found.append(occ)
                taken.append((occ.start, occ.end))
    return sorted(found, key=lambda o: o.start)


def find_account_spans(raw_text: str) -> list[tuple[int, int]]:
    """``[start, end)`` of every account number (IBAN or RIB) in ``raw_text``, to be masked."""
    return sorted(span for occ in find_accounts(raw_text) for span in occ.spans)


def mask_iban(compact: str) -> str:
    masked = compact[:4] + "".join(MASK if c.isalnum() else c for c in compact[4:-3]) + compact[-3:]
    return " ".join(masked[i:i + 4] for i in range(0, len(masked), 4))


def mask_rib(compact: str) -> str:
    parts, pos = [], 0
    for size in RIB_GROUPS:
        parts.append(compact[pos:pos + size])
        pos += size
    return " ".join([MASK * len(p) for p in parts[:-1]] + [parts[-1]])


def normalize(occ: Occurrence) -> tuple[str, bool]:
    """(the account in compact IBAN form, checksum valid)."""
    if occ.kind == "iban":
        try:
            IBAN(occ.compact)
            return occ.compact, True
        except SchwiftyException:
            return occ.compact, False
    iban = IBAN.from_bban(RIB_COUNTRY, occ.compact, allow_invalid=True)
    try:
        iban.bban.validate_national_checksum()  # the RIB key
        return str(iban.compact), True
    except SchwiftyException:
        return str(iban.compact), False


def _holder(text: str, start: int, floor: int) -> str | None:
    window_start = max(floor, start - HOLDER_WINDOW)
    labelled = list(HOLDER_LABEL_RE.finditer(text, window_start, start))
    if labelled:
        return collapse(labelled[-1].group(1)).strip(" :;,.") or None
    # "PÔLE EMPLOI DR ... GA Compte : 30004- ...": the words before the "Compte" label
    before = text[max(floor, start - 160):start]
    label = COMPTE_LABEL_RE.search(before)
    if not label:
        return None
    name = re.split(r"[:.;]", before[:label.start()])[-1]
    name = collapse(name).strip(" -,")
    return name if len(name) >= 3 else None


def _bic(text: str, start: int, end: int) -> str | None:
    after = BIC_RE.search(text, end, min(len(text), end + BIC_WINDOW))
    if after:
        return after.group(1)
    before = list(BIC_RE.finditer(text, max(0, start - BIC_WINDOW), start))
    return before[-1].group(1) if before else None


def _quote(text: str, occ: Occurrence) -> dict[str, Any]:
    """The label and the (masked) number, quoted from the masked text."""
    line_start = text.rfind("\n", 0, occ.start) + 1
    label = ACCOUNT_LABEL_RE.search(text, max(line_start, occ.start - LABEL_WINDOW), occ.start)
    return quote(text, label.start() if label else occ.start, occ.end)


def extract(ctx: Context) -> dict[str, Any]:
    records: dict[str, dict[str, Any]] = {}
    previous_end = 0
    for occ in find_accounts(ctx.raw_text):
        account, valid = normalize(occ)
        fp = fingerprint(account)
        rec = records.get(fp)
        if rec is None:
            rec = records[fp] = {"iban_masked": None, "rib_masked": None, "bic": None, "holder": None,
                                 "checksum_valid": True, "fingerprint": fp, **_quote(ctx.text, occ)}
        if occ.kind == "iban":
            rec["iban_masked"] = rec["iban_masked"] or mask_iban(occ.compact)
        else:
            rec["rib_masked"] = rec["rib_masked"] or mask_rib(occ.compact)
        rec["checksum_valid"] = rec["checksum_valid"] and valid
        rec["holder"] = rec["holder"] or _holder(ctx.text, occ.start, previous_end)
        rec["bic"] = rec["bic"] or _bic(ctx.text, occ.start, occ.end)
        previous_end = occ.end
    return {"bank_accounts": list(records.values())}
