"""One summary row per convention or amendment: the figures analysts compare across
départements (amounts, duration, funded staff, cost per funded ETP-year, budget line), each
with the quote and page that support it. Part of the normalize stage; rules, not guesses:

* a convention is a convention/avenant section of an act, or an act with a contracting party
  other than the issuer;
* total amount: the largest total cost, else the largest subsidy; annual amount: the largest
  annual cost, else the total spread over the duration (a year when the duration is shorter);
* duration: the period that starts closest to the meeting (programme periods long before it
  lose), else one that ends after the meeting;
* funded ETP: the sum of the ETP rows of the act's cost tables, else the largest ETP count;
  funded posts: the largest count of posts.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import regex as re

from extractors.common import count_str
from models.document import ActSegment

CONVENTION_SECTIONS = ("convention", "avenant")
ETP_ROW = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*ETP\b", re.I)
TOTAL_ROW = re.compile(r"^\s*total\b", re.I)


def _in_act(items: list[dict], i: int) -> list[dict]:
    return [x for x in items if x.get("act") == i]


def _d(s: str | None) -> date | None:
    return date.fromisoformat(s) if s else None


def _max(items: list[dict], roles: tuple[str, ...]) -> dict | None:
    for role in roles:
        cands = [a for a in items if a.get("role") == role and a.get("value")]
        if cands:
            return max(cands, key=lambda a: Decimal(a["value"]))
    return None


def pick_duration(durations: list[dict], meeting: date | None) -> dict | None:
    started = [d for d in durations if d.get("start_date")]
    if started:
        ref = meeting or min(_d(d["start_date"]) for d in started)
        return min(started, key=lambda d: (abs((_d(d["start_date"]) - ref).days), -(d.get("months") or 0)))
    ending = [d for d in durations if d.get("end_date") and (not meeting or _d(d["end_date"]) >= meeting)]
    return max(ending, key=lambda d: d["end_date"]) if ending else None


def funded_etp(tables: list[dict], headcounts: list[dict]) -> tuple[Decimal | None, dict | None]:
    total = Decimal(0)
    found = False
    for t in tables:
        if t.get("kind") != "cost":
            continue
        for row in t.get("rows") or []:
            if row and not TOTAL_ROW.match(row[0]) and (m := ETP_ROW.match(row[0])):
                total += Decimal(m.group(1).replace(",", "."))
                found = True
    if found:
        return total, None
    etp = [h for h in headcounts if h.get("unit") == "ETP"]
    if etp:
        best = max(etp, key=lambda h: Decimal(h["count"]))
        return Decimal(best["count"]), best
    return None, None


def _evidence(prefix: str, item: dict | None) -> dict[str, Any]:
    item = item or {}
    span = item.get("span") or [None, None]
    return {f"{prefix}_quote": item.get("text"), f"{prefix}_page": item.get("page"),
            f"{prefix}_span_start": span[0], f"{prefix}_span_end": span[1]}


def _units(act: dict, seg: ActSegment | None, i: int, parties: list[dict], issuer_kind: str | None):
    sections = [s for s in (seg.sections if seg else []) if s.kind in CONVENTION_SECTIONS]
    if sections:
        return [(s.kind, s.start, s.end) for s in sections]
    partners = [p for p in _in_act(parties, i) if p.get("kind") != issuer_kind]
    if partners:
        kind = "avenant" if "AVENANT" in (act.get("title") or "").upper() else "convention"
        return [(kind, None, None)]
    return []


def summarize(record: dict[str, Any], acts: list[ActSegment]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    issuer_kind = (record.get("issuer") or {}).get("kind")
    tables = record.get("document_tables") or []
    for i, act in enumerate(record.get("acts") or []):
        seg = acts[i] if i < len(acts) else None
        units = _units(act, seg, i, record.get("parties") or [], issuer_kind)
        if not units:
            continue
        meeting = _d(act.get("meeting_date"))
        amounts = _in_act(record.get("amounts") or [], i)
        act_tables = [t for t in tables if seg and t.get("span") and seg.start <= t["span"][0] < seg.end]
        partners = [p["name"] for p in _in_act(record.get("parties") or [], i) if p.get("kind") != issuer_kind]
        for n, (kind, start, end) in enumerate(units):
            def inside(items):
                if start is None:
                    return items
                own = [x for x in items if x.get("span") and start <= x["span"][0] < end]
                return own or items

            durations = inside(_in_act(record.get("durations") or [], i))
            duration = pick_duration(durations, meeting) or pick_duration(_in_act(record.get("durations") or [], i), meeting)
            total = _max(amounts, ("total_cost", "subsidy"))
            annual = _max(amounts, ("annual_cost",))
            months = (duration or {}).get("months")
            annual_value = Decimal(annual["value"]) if annual else None
            if annual_value is None and total:
                annual_value = Decimal(total["value"]) * 12 / max(months or 12, 12)
            heads = _in_act(record.get("headcounts") or [], i)
            etp, etp_item = funded_etp(act_tables, heads)
            posts = [h for h in heads if h.get("unit") == "poste"]
            post_item = max(posts, key=lambda h: Decimal(h["count"])) if posts else None
            staff = etp if etp is not None else (Decimal(post_item["count"]) if post_item else None)
            budget = next((b for b in record.get("budget_lines") or [] if b.get("act") == i), {})
            out.append({
                "act_idx": i, "idx": n, "kind": kind, "section_start": start, "section_end": end,
                "partners": "; ".join(dict.fromkeys(partners)) or None,
                "amount_total": total["value"] if total else None,
                "amount_per_year": f"{annual_value:.2f}" if annual_value is not None else None,
                "months": months, "start_date": (duration or {}).get("start_date"),
                "end_date": (duration or {}).get("end_date"),
                "funded_etp": count_str(etp) if etp is not None else None,
                "funded_posts": post_item["count"] if post_item else None,
                "cost_per_etp_year": f"{annual_value / staff:.2f}" if annual_value is not None and staff else None,
                "imputation": budget.get("imputation"), "nature_code": budget.get("nature_code"),
                "nature_label": budget.get("nature_label"), "fonction_code": budget.get("fonction_code"),
                "fonction_label": budget.get("fonction_label"), "nomenclature": budget.get("nomenclature"),
                **_evidence("amount", total), **_evidence("annual", annual), **_evidence("duration", duration),
                **_evidence("staff", etp_item or post_item),
            })
    return out
