"""Exports of the warehouse (``delib export``), over a read-only connection:

* ``parquet``: one file per table and per view (``<name>.parquet``), through DuckDB's COPY;
* ``scdl-deliberations`` / ``scdl-subventions``: the French open-data CSV files (SCDL
  "délibérations" 2.1 and "subventions" 2.1).

The SCDL files only hold rows that satisfy the published rules (required fields, patterns,
SIRET checksum, vote sums, dates in their own columns, ...): a row that cannot be valid is
*rejected* with its reasons (``ExportReport.rejected``), never completed with guesses.
Identifiers that the documents do not give (SIRET, RNA, prefecture) come from the reference
table ``data/reference/collectivites.csv``; facts the documents do not state (ACTES matière,
convention signing date, payment terms, ...) from ``data/reference/scdl_overrides.csv``. No
account number column is exported: the warehouse only holds masked numbers and keyed
fingerprints, and the SCDL files have no bank field.
"""
from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Callable

import duckdb
import regex as re
from rich.markup import escape

REFERENCE_DIR = Path("data/reference")
FORMATS = ("parquet", "scdl-deliberations", "scdl-subventions")


class ExportError(RuntimeError):
    """Unknown format or unusable output folder."""


@dataclass
class Rejection:
    row: str                       # document and act the row came from
    reasons: list[str]

    def __str__(self) -> str:
        return f"{self.row}: " + "; ".join(self.reasons)


@dataclass
class ExportReport:
    fmt: str
    out_dir: Path
    files: dict[str, int] = field(default_factory=dict)   # file name -> rows written
    rejected: list[Rejection] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """Plain text (markup-escaped, as the CLI prints it through rich)."""
        lines = [f"{self.fmt} export to {self.out_dir}: "
                 + ", ".join(f"{name} ({n} rows)" for name, n in self.files.items())]
        lines += [f"note: {n}" for n in self.notes]
        if self.rejected:
            lines.append(f"{len(self.rejected)} row(s) rejected (not valid, not written):")
            lines += [f"  - {r}" for r in self.rejected]
        return escape("\n".join(lines))


# ---------------------------------------------------------------- SCDL specifications (data)

DELIBERATIONS = {
    "file": "deliberations.csv",
    "fields": ("COLL_NOM", "COLL_SIRET", "DELIB_ID", "DELIB_DATE", "DELIB_MATIERE_CODE",
               "DELIB_MATIERE_NOM", "DELIB_OBJET", "BUDGET_ANNEE", "BUDGET_NOM", "PREF_ID",
               "PREF_DATE", "VOTE_EFFECTIF", "VOTE_REEL", "VOTE_POUR", "VOTE_CONTRE",
               "VOTE_ABSTENTION", "DELIB_URL"),
    "required": ("COLL_NOM", "COLL_SIRET", "DELIB_ID", "DELIB_DATE", "DELIB_MATIERE_CODE",
                 "DELIB_MATIERE_NOM", "DELIB_OBJET"),
    "patterns": {"COLL_SIRET": r"\d{14}", "DELIB_MATIERE_CODE": r"\d\.\d{1,2}",
                 "BUDGET_ANNEE": r"[0-9]{4}(/[0-9]{4})?",
                 "PREF_ID": r"(PREF|SGAR)(0\d[0-9AB]|97\d)|SPREF(0\d[0-9AB]|97\d)\d",
                 "DELIB_URL": r"https?://\S+",
                 "DELIB_MATIERE_NOM": r"[^/]*\S/\S[^/]*"},
    "dates": ("DELIB_DATE", "PREF_DATE"),
    "integers": ("VOTE_EFFECTIF", "VOTE_REEL", "VOTE_POUR", "VOTE_CONTRE", "VOTE_ABSTENTION"),
    "siret": ("COLL_SIRET",),
    "max_length": {},
    "enums": {},
    "cohesive": (("BUDGET_ANNEE", "BUDGET_NOM"),
                 ("VOTE_EFFECTIF", "VOTE_REEL", "VOTE_POUR", "VOTE_CONTRE", "VOTE_ABSTENTION")),
    "greater_or_equal": (("PREF_DATE", "DELIB_DATE"), ("VOTE_EFFECTIF", "VOTE_REEL"),
                         ("VOTE_REEL", "VOTE_POUR"), ("VOTE_REEL", "VOTE_CONTRE"),
                         ("VOTE_REEL", "VOTE_ABSTENTION")),
    "sums": (("VOTE_REEL", ("VOTE_POUR", "VOTE_CONTRE", "VOTE_ABSTENTION")),),
    "one_of": (),
}

SUBVENTIONS = {
    "file": "subventions.csv",
    "fields": ("nomAttribuant", "idAttribuant", "dateConvention", "referenceDecision",
               "nomBeneficiaire", "idBeneficiaire", "rnaBeneficiaire", "objet", "montant",
               "nature", "conditionsVersement", "datesPeriodeVersement", "idRAE",
               "notificationUE", "pourcentageSubvention", "dispositifAide"),
    "required": ("nomAttribuant", "idAttribuant", "dateConvention", "nomBeneficiaire", "objet",
                 "montant", "nature", "conditionsVersement", "datesPeriodeVersement",
                 "notificationUE", "pourcentageSubvention"),
    "patterns": {"idAttribuant": r"\d{14}", "idBeneficiaire": r"\d{14}",
                 "rnaBeneficiaire": r"W\d{9}", "montant": r"\d+(\.\d+)?",
                 "datesPeriodeVersement": r"[0-9]{4}-[0-9]{2}-[0-9]{2}(/[0-9]{4}-[0-9]{2}-[0-9]{2})?",
                 "pourcentageSubvention": r"(0(\.\d+)?|1(\.0+)?)"},
    "dates": ("dateConvention",),
    "integers": (),
    "siret": ("idAttribuant", "idBeneficiaire"),
    "max_length": {"objet": 256, "conditionsVersement": 256, "idRAE": 5},
    "enums": {"nature": ("aide en numéraire", "aide en nature", "aide en numéraire;aide en nature",
                         "aide en nature;aide en numéraire"),
              "notificationUE": ("oui", "non")},
    "cohesive": (),
    "greater_or_equal": (),
    "sums": (),
    "one_of": (("idBeneficiaire", "rnaBeneficiaire"),),
}

# ACTES nomenclature: the top-level matières DELIB_MATIERE_NOM must start with (before "/")
MATIERES = ("commande publique", "urbanisme", "domaine et patrimoine", "fonction publique",
            "institutions et vie politique", "libertés publiques et pouvoirs de police",
            "finances locales", "domaines de compétences par thèmes",
            "autres domaines de compétences")

# what each rejection reason tells the user to do, by field
HOW_TO_FILL = {
    "COLL_SIRET": "add the collectivity's SIRET to collectivites.csv",
    "idAttribuant": "add the collectivity's SIRET to collectivites.csv",
    "idBeneficiaire": "add the beneficiary's SIRET or RNA number to collectivites.csv",
    "DELIB_ID": "the act has no number in the document, give it in scdl_overrides.csv",
    "DELIB_MATIERE_CODE": "the ACTES matière is not stated in the document, give it in "
                          "scdl_overrides.csv",
    "dateConvention": "the convention's signing date is not stated, give it in scdl_overrides.csv",
}

# ------------------------------------------------------------------------ validation


def siret_checksum_ok(siret: str) -> bool:
    """Luhn key of a SIRET (La Poste's establishments, SIREN 356000000, use the digit sum)."""
    if siret.startswith("356000000"):
        return sum(map(int, siret)) % 5 == 0
    total = 0
    for i, ch in enumerate(reversed(siret)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def _number(v: str) -> Decimal | None:
    try:
        return Decimal(v)
    except ArithmeticError:
        return None


def _date(v: str) -> date | None:
    try:
        return date.fromisoformat(v)
    except ValueError:
        return None


def _value(v: str, spec: dict, name: str):
    return _date(v) if name in spec["dates"] else _number(v)


def problems(row: dict[str, str], spec: dict) -> list[str]:
    """Every rule of ``spec`` that ``row`` (field -> text, '' for empty) breaks."""
    out = [f"{f} unknown" + (f": {HOW_TO_FILL[f]}" if f in HOW_TO_FILL else "")
           for f in spec["required"] if not row.get(f)]
    for f, pattern in spec["patterns"].items():
        if row.get(f) and not re.fullmatch(pattern, row[f]):
            out.append(f"{f} {row[f]!r} does not match {pattern}")
    out += [f"{f} {row[f]!r} is not a date (YYYY-MM-DD)" for f in spec["dates"]
            if row.get(f) and _date(row[f]) is None]
    out += [f"{f} {row[f]!r} is not an integer" for f in spec["integers"]
            if row.get(f) and not row[f].isdigit()]
    out += [f"{f} {row[f]} fails the SIRET checksum" for f in spec["siret"]
            if row.get(f, "").isdigit() and len(row[f]) == 14 and not siret_checksum_ok(row[f])]
    out += [f"{f} longer than {n} characters" for f, n in spec["max_length"].items()
            if len(row.get(f, "")) > n]
    out += [f"{f} {row[f]!r} not one of {values}" for f, values in spec["enums"].items()
            if row.get(f) and row[f] not in values]
    for group in spec["cohesive"]:
        filled = [bool(row.get(f)) for f in group]
        if any(filled) and not all(filled):
            out.append(f"{', '.join(group)} must be all given or all empty")
    for a, b in spec["greater_or_equal"]:
        va, vb = (_value(row.get(a, ""), spec, a), _value(row.get(b, ""), spec, b))
        if va is not None and vb is not None and va < vb:
            out.append(f"{a} ({row[a]}) is before/less than {b} ({row[b]})")
    for total, parts in spec["sums"]:
        vals = [_number(row[f]) if row.get(f) else None for f in (total, *parts)]
        if all(v is not None for v in vals) and vals[0] != sum(vals[1:]):
            out.append(f"{total} ({row[total]}) != {' + '.join(parts)}")
    out += [f"one of {a} or {b} is required" for a, b in spec["one_of"]
            if not row.get(a) and not row.get(b)]
    nom = row.get("DELIB_MATIERE_NOM", "")
    if nom and nom.split("/")[0].strip().lower() not in MATIERES:
        out.append(f"DELIB_MATIERE_NOM {nom!r} does not start with an ACTES matière")
    return out


# ------------------------------------------------------------------------ reference tables


def _norm(name: str | None) -> str:
    s = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", s).split())


def _read_csv(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as f:
        return [{k: (v or "").strip() for k, v in r.items()} for r in csv.DictReader(f)]


@dataclass
class Reference:
    by_name: dict[str, dict[str, str]]                 # normalized name or alias -> entry
    matieres: dict[str, str]                           # ACTES code -> name
    overrides: dict[tuple[str, str], dict[str, str]]   # (dataset, document) -> field -> value
    notes: list[str]


def load_reference(ref_dir: Path) -> Reference:
    notes = []
    by_name: dict[str, dict[str, str]] = {}
    path = ref_dir / "collectivites.csv"
    if not path.is_file():
        notes.append(f"no reference table {path}: no SIRET is known")
    for entry in _read_csv(path):
        for key in ("siret",):
            v = entry.get(key, "")
            if v and not (re.fullmatch(r"\d{14}", v) and siret_checksum_ok(v)):
                notes.append(f"{path.name}: {entry['name']}: SIRET {v!r} is not valid, ignored")
                entry[key] = ""
        if entry.get("siren") and entry.get("siret") and not entry["siret"].startswith(entry["siren"]):
            notes.append(f"{path.name}: {entry['name']}: SIRET does not start with the SIREN, ignored")
            entry["siret"] = ""
        for name in [entry.get("name", ""), *entry.get("aliases", "").split(";")]:
            if _norm(name):
                by_name[_norm(name)] = entry
    codes = _read_csv(ref_dir / "nomenclature_actes.csv")
    overrides: dict[tuple[str, str], dict[str, str]] = {}
    for o in _read_csv(ref_dir / "scdl_overrides.csv"):
        overrides.setdefault((o["dataset"], o["document"]), {})[o["field"]] = o["value"]
    return Reference(by_name, {c["code"]: c["nom"] for c in codes}, overrides, notes)


def matiere_name(code: str, matieres: dict[str, str]) -> str:
    """'Matière/Sous-matière' for an ACTES code such as 8.6, '' when unknown."""
    top, sub = matieres.get(code.split(".")[0]), matieres.get(code)
    return f"{top}/{sub}" if top and sub and "." in code else ""


# ------------------------------------------------------------------------ rows


def _s(v) -> str:
    if v is None:
        return ""
    if isinstance(v, Decimal):
        return format(v.normalize(), "f") if v == v.to_integral() else format(v, "f")
    return " ".join(str(v).split())


def _fetch(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    cur = con.execute(sql)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def _votes(a: dict) -> dict[str, str]:
    """The vote columns, all or none (SCDL: cohesive). Members in office = present + excused
    + absent, each of them stated in the document."""
    counts = (a["present"], a["excused"], a["absent"], a["vote_for"], a["vote_against"],
              a["vote_abstention"])
    if any(c is None for c in counts):
        return {}
    return {"VOTE_EFFECTIF": _s(a["present"] + a["excused"] + a["absent"]),
            "VOTE_REEL": _s(a["vote_for"] + a["vote_against"] + a["vote_abstention"]),
            "VOTE_POUR": _s(a["vote_for"]), "VOTE_CONTRE": _s(a["vote_against"]),
            "VOTE_ABSTENTION": _s(a["vote_abstention"])}


def deliberation_rows(con, ref: Reference) -> list[tuple[str, str, dict[str, str]]]:
    """(document, row label, SCDL row) per act."""
    acts = _fetch(con, """
        SELECT d.name AS document, d.issuer_name, d.url, a.*
        FROM acts a JOIN documents d USING (doc_id) ORDER BY d.name, a.act_idx""")
    out = []
    for a in acts:
        coll = ref.by_name.get(_norm(a["issuer_name"]), {})
        row = {"COLL_NOM": coll.get("name") or _s(a["issuer_name"]), "COLL_SIRET": coll.get("siret", ""),
               "DELIB_ID": _s(a["number"]), "DELIB_DATE": _s(a["meeting_date"]),
               "DELIB_OBJET": _s(a["title"]),
               "PREF_DATE": _s(a["legality_control_date"]),
               "DELIB_URL": _s(a["url"]) if (a["url"] or "").startswith(("http://", "https://")) else "",
               **_votes(a)}
        row["PREF_ID"] = coll.get("prefecture_id", "") if row["PREF_DATE"] else ""
        row.update(ref.overrides.get(("deliberations", a["document"]), {}))
        if row.get("DELIB_MATIERE_CODE") and not row.get("DELIB_MATIERE_NOM"):
            row["DELIB_MATIERE_NOM"] = matiere_name(row["DELIB_MATIERE_CODE"], ref.matieres)
        out.append((a["document"], f"{a['document']} act {a['number'] or a['act_idx']}", row))
    return out


def _objet(title: str, limit: int = 256) -> str:
    return title if len(title) <= limit else title[:limit - 1].rsplit(" ", 1)[0] + "…"


def subvention_rows(con, ref: Reference) -> list[tuple[str, str, dict[str, str]]]:
    """(document, row label, SCDL row) per convention with an amount and one partner."""
    convs = _fetch(con, """
        SELECT c.document, c.issuer_name, c.act_number, c.act_title, c.partners, c.amount_total, c.kind
        FROM v_conventions c WHERE c.amount_total IS NOT NULL ORDER BY c.document, c.act_number""")
    out = []
    for c in convs:
        coll = ref.by_name.get(_norm(c["issuer_name"]), {})
        partners = [p.strip() for p in (c["partners"] or "").split(";") if p.strip()]
        benef = ref.by_name.get(_norm(partners[0]), {}) if len(partners) == 1 else {}
        row = {"nomAttribuant": coll.get("name") or _s(c["issuer_name"]),
               "idAttribuant": coll.get("siret", ""),
               "referenceDecision": _s(c["act_number"]),
               "nomBeneficiaire": partners[0] if len(partners) == 1 else "",
               "idBeneficiaire": benef.get("siret", ""), "rnaBeneficiaire": benef.get("rna", ""),
               "objet": _objet(_s(c["act_title"])), "montant": _s(c["amount_total"]),
               "nature": "aide en numéraire"}     # an amount in euros is paid in cash
        row.update(ref.overrides.get(("subventions", c["document"]), {}))
        label = f"{c['document']} {c['kind']} {c['act_number'] or ''}".strip()
        out.append((c["document"], label, row))
    return out


# ------------------------------------------------------------------------ writers


def _write_scdl(rows: list[tuple[str, str, dict[str, str]]], spec: dict, out_dir: Path,
                report: ExportReport) -> None:
    valid = []
    for _document, label, row in rows:
        found = problems(row, spec)
        if found:
            report.rejected.append(Rejection(label, found))
        else:
            valid.append(row)
    path = out_dir / spec["file"]
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=spec["fields"], extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        w.writerows({k: row.get(k, "") for k in spec["fields"]} for row in valid)
    report.files[path.name] = len(valid)


def export_parquet(con, out_dir: Path, report: ExportReport) -> None:
    names = con.execute("""
        SELECT table_name FROM information_schema.tables
        WHERE table_schema = 'main' ORDER BY table_type, table_name""").fetchall()
    for (name,) in names:
        path = out_dir / f"{name}.parquet"
        quoted = '"' + name.replace('"', '""') + '"'
        target = str(path).replace("'", "''")
        con.execute(f"COPY (SELECT * FROM {quoted}) TO '{target}' (FORMAT parquet)")
        report.files[path.name] = con.execute(f"SELECT count(*) FROM {quoted}").fetchone()[0]


def _scdl(builder: Callable, spec: dict) -> Callable:
    def run(con, out_dir: Path, report: ExportReport, ref_dir: Path) -> None:
        ref = load_reference(ref_dir)
        report.notes += ref.notes
        _write_scdl(builder(con, ref), spec, out_dir, report)
    return run


WRITERS = {
    "parquet": lambda con, out_dir, report, ref_dir: export_parquet(con, out_dir, report),
    "scdl-deliberations": _scdl(deliberation_rows, DELIBERATIONS),
    "scdl-subventions": _scdl(subvention_rows, SUBVENTIONS),
}


def export(con: duckdb.DuckDBPyConnection, fmt: str, out_dir: str | Path,
           reference_dir: str | Path | None = None) -> ExportReport:
    """Write the ``fmt`` export into ``out_dir`` (created) and report what was written and
    what was rejected."""
    if fmt not in WRITERS:
        raise ExportError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ExportError(f"cannot create {out}: {e}") from e
    report = ExportReport(fmt, out)
    WRITERS[fmt](con, out, report, Path(reference_dir) if reference_dir else REFERENCE_DIR)
    return report
