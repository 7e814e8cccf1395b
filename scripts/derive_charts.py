#!/usr/bin/env python3
"""Derive a compact chart of accounts (codes and labels, public facts) from the official
M52 / M57 nomenclature XML files, for the budget extractor.

    python scripts/derive_charts.py [--reference ../shared/reference] [--out extractors/data/budget_charts.csv]

The XML files stay where they are (never copied into the project); only the derived CSV is
committed. Rows: ``code,label,kind,nomenclature,chapitre``; a row the two charts share word
for word carries ``nomenclature`` "M52 M57". ``kind`` is

* ``nature``             a nature account (``6568`` Autres participations); ``chapitre`` is
                         its spending chapter (attribute ``DR``, e.g. ``65``) when given;
* ``nature_chapitre``    a nature chapter (``65``, ``011``);
* ``fonction_chapitre``  a functional chapter (``9356`` RSA, ``935``);
* ``fonction``           a function of the functional reference (``566``, ``56``).

Standard library only.
"""
from __future__ import annotations

import argparse
import csv
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_REFERENCE = ROOT.parent / "shared" / "reference"
DEFAULT_OUT = ROOT / "extractors" / "data" / "budget_charts.csv"
SOURCES = {"M52": "plan-de-compte-M52-2021.xml", "M57": "plan-de-compte-M57-2018.xml"}


def _label(el: ET.Element) -> str:
    return " ".join((el.get("Libelle") or el.get("Lib_court") or "").split())


def chart_rows(xml_path: Path, nomenclature: str) -> list[tuple[str, str, str, str, str]]:
    root = ET.parse(xml_path).getroot()
    rows: dict[tuple[str, str], tuple[str, str, str, str, str]] = {}

    def add(code: str | None, label: str, kind: str, chapitre: str = "") -> None:
        if code and label and (code, kind) not in rows:
            rows[(code, kind)] = (code, label, kind, nomenclature, chapitre)

    nature = root.find("Nature")
    if nature is not None:
        for ch in nature.iter("Chapitre"):
            add(ch.get("Code"), _label(ch), "nature_chapitre")
        for acc in nature.iter("Compte"):
            add(acc.get("Code"), _label(acc), "nature", acc.get("DR") or "")
    fonction = root.find("Fonction")
    if fonction is not None:
        for ch in fonction.iter("Chapitre"):
            add(ch.get("Code"), _label(ch), "fonction_chapitre")
        for ref in fonction.iter("RefFonc"):
            add(ref.get("Code"), _label(ref), "fonction")
    return sorted(rows.values(), key=lambda r: (r[2], r[0]))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reference", type=Path, default=DEFAULT_REFERENCE)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    merged: dict[tuple[str, str, str, str], list[str]] = {}
    for nomenclature, name in SOURCES.items():
        path = args.reference / name
        if not path.exists():
            print(f"missing {path}", file=sys.stderr)
            return 1
        for code, label, kind, nomen, chapitre in chart_rows(path, nomenclature):
            merged.setdefault((code, label, kind, chapitre), []).append(nomen)
    out_rows = sorted(((code, label, kind, " ".join(noms), chapitre)
                       for (code, label, kind, chapitre), noms in merged.items()),
                      key=lambda r: (r[2], r[0], r[3]))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "label", "kind", "nomenclature", "chapitre"])
        w.writerows(out_rows)
    print(f"{len(out_rows)} rows -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
