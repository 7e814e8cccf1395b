"""Exports: Parquet (every table and view, no account number) and the SCDL CSV files, validated
with frictionless against the published Table Schemas in ../shared/reference/scdl/ plus their
cross-field rules (custom_checks), which frictionless does not run by itself."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import attrs
import duckdb
import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.export import (DELIBERATIONS, SUBVENTIONS, ExportError, export, problems,
                             siret_checksum_ok)
from pipeline.redact import redact
from tests.conftest import RAW, ROOT

SCHEMAS = {"deliberations": "deliberations-2.1.3.schema.json",
           "subventions": "subventions-2.1.schema.json"}


def with_luhn_key(prefix13: str) -> str:
    """A 14-digit number with a valid Luhn key: a test value, not anybody's SIRET."""
    return next(prefix13 + str(k) for k in range(10) if siret_checksum_ok(prefix13 + str(k)))


TEST_COLL_SIRET = with_luhn_key("0000000000001")
TEST_BENEF_SIRET = with_luhn_key("0000000000002")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("wh") / "w.duckdb"
    res = CliRunner().invoke(app, ["ingest", str(RAW), "--manifest", str(RAW / "sources.toml"),
                                   "--db", str(db), "-q"])
    assert res.exit_code == 0, res.output
    return db


def run_export(db: Path, fmt: str, out: Path, ref_dir: Path | None = None):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return export(con, fmt, out, reference_dir=ref_dir or ROOT / "data" / "reference")
    finally:
        con.close()


@pytest.fixture
def test_reference(tmp_path) -> Path:
    """The repository's reference tables, plus test-only SIRETs and the overrides a user would
    add from @ctes and the conventions (matière, signing date, payment terms)."""
    ref = tmp_path / "reference"
    ref.mkdir()
    src = ROOT / "data" / "reference"
    (ref / "nomenclature_actes.csv").write_text((src / "nomenclature_actes.csv").read_text("utf-8"), "utf-8")
    with (src / "collectivites.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        if r["name"] == "Département du Pas-de-Calais":
            r["siret"], r["siren"] = TEST_COLL_SIRET, TEST_COLL_SIRET[:9]
        if r["name"] == "Pôle emploi Hauts-de-France":
            r["siret"], r["siren"] = TEST_BENEF_SIRET, TEST_BENEF_SIRET[:9]
    with (ref / "collectivites.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    overrides = [("deliberations", name, "DELIB_MATIERE_CODE", "8.6", "test")
                 for name in ("62_cd_2023-03-27_2023-139.txt", "62_cp_2022-07-04_2022-298.txt",
                              "62_cp_2022-12-13_2022-553.txt")]
    overrides += [("subventions", "62_cp_2022-12-13_2022-553.txt", f, v, "test") for f, v in
                  [("dateConvention", "2022-12-20"), ("conditionsVersement", "unique"),
                   ("datesPeriodeVersement", "2023-01-01/2023-12-31"), ("notificationUE", "non"),
                   ("pourcentageSubvention", "1")]]
    with (ref / "scdl_overrides.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["dataset", "document", "field", "value", "source"])
        w.writerows(overrides)
    return ref


# ------------------------------------------------------------------ frictionless + custom checks


def _siret_ok(v) -> bool:
    return v is None or (len(str(v)) == 14 and str(v).isdigit() and siret_checksum_ok(str(v)))


def _nomenclature_ok(v) -> bool:
    allowed = {"commande publique", "urbanisme", "domaine et patrimoine", "fonction publique",
               "institutions et vie politique", "libertés publiques et pouvoirs de police",
               "finances locales", "domaines de compétences par thèmes",
               "autres domaines de compétences"}
    return v is None or ("/" in v and "/ " not in v and " /" not in v
                         and v.split("/")[0].lower() in allowed)


def _year_interval_ok(v) -> bool:
    if v is None:
        return True
    years = [int(y) for y in v.split("/")]
    return len(years) == 1 or years[0] < years[1]


def _cmp(a, b, op) -> bool:
    return a is None or b is None or {">=": a >= b, ">": a > b, "<=": a <= b, "<": a < b, "==": a == b}[op]


# one predicate per custom check of the published schemas: (row, params) -> ok
CUSTOM_CHECKS = {
    "french-siret-value": lambda row, p: _siret_ok(row[p["column"]]),
    "year-interval-value": lambda row, p: _year_interval_ok(row[p["column"]]),
    "cohesive-columns-value": lambda row, p: len({row[c] is None for c in [p["column"], *p["othercolumns"]]}) == 1,
    "compare-columns-value": lambda row, p: _cmp(row[p["column"]], row[p["column2"]], p["op"]),
    "sum-columns-value": lambda row, p: (row[p["column"]] is None or any(row[c] is None for c in p["columns"])
                                         or row[p["column"]] == sum(row[c] for c in p["columns"])),
    "nomenclature-actes-value": lambda row, p: _nomenclature_ok(row[p["column"]]),
    "one-of-required": lambda row, p: row[p["column1"]] is not None or row[p["column2"]] is not None,
}


def validate_scdl(shared: Path, dataset: str, csv_path: Path):
    """The frictionless report of ``csv_path`` against the shared schema and its custom checks."""
    from frictionless import Check, Checklist, Resource, Schema, errors

    @attrs.define(kw_only=True, repr=False)
    class SCDLCheck(Check):
        type = "scdl-custom-check"
        Errors = [errors.RowConstraintError]
        rule: str
        params: dict

        def validate_row(self, row):
            if not CUSTOM_CHECKS[self.rule](row, self.params):
                yield errors.RowConstraintError.from_row(row, note=f"{self.rule} {self.params}")

    descriptor = json.loads((shared / "reference" / "scdl" / SCHEMAS[dataset]).read_text("utf-8"))
    custom = descriptor.pop("custom_checks")
    assert {c["name"] for c in custom} <= set(CUSTOM_CHECKS), "a custom check is not implemented"
    schema = Schema.from_descriptor({k: descriptor[k] for k in ("fields",)})
    checklist = Checklist(checks=[SCDLCheck(rule=c["name"], params=c["params"]) for c in custom])
    return Resource(path=csv_path.name, basepath=str(csv_path.parent), schema=schema, format="csv", encoding="utf-8").validate(checklist)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


# ------------------------------------------------------------------ tests


def test_parquet_has_every_table_and_view_and_no_account_number(warehouse, tmp_path):
    rep = run_export(warehouse, "parquet", tmp_path)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        names = {n for (n,) in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()}
        counts = {n: con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
    finally:
        con.close()
    assert {"documents", "conventions", "bank_accounts", "v_conventions", "v_act_links"} <= names
    assert rep.files == {f"{n}.parquet": c for n, c in counts.items()} and not rep.rejected
    check = duckdb.connect()
    for name, n in counts.items():
        path = tmp_path / f"{name}.parquet"
        assert check.execute(f"SELECT count(*) FROM read_parquet('{path}')").fetchone()[0] == n
        rel = check.execute(f"SELECT * FROM read_parquet('{path}')")
        text_cols = [i for i, d in enumerate(rel.description) if d[1] == "STRING" or str(d[1]) == "VARCHAR"]
        for row in rel.fetchall():
            for i in text_cols:
                if row[i]:
                    assert redact(row[i]) == row[i], f"account number in {name}"
    ibans = check.execute(f"SELECT iban_masked FROM read_parquet('{tmp_path / 'bank_accounts.parquet'}')").fetchall()
    assert all(v is None or "*" in v for (v,) in ibans)


def test_sample_with_the_repository_reference(warehouse, tmp_path, shared_dir):
    """With the repository's reference tables (real SIRETs of the sample départements, no act
    number for 13 and 82, no signing dates): what can be valid is written and validates, the
    rest is reported, nothing is faked."""
    rep = run_export(warehouse, "scdl-deliberations", tmp_path)
    assert rep.files == {"deliberations.csv": 3} and len(rep.rejected) == 2
    assert all(any(r.startswith("DELIB_ID unknown") for r in rej.reasons) for rej in rep.rejected)
    rows = _rows(tmp_path / "deliberations.csv")
    assert {r["COLL_SIRET"] for r in rows} == {"22620001200012"}
    report = validate_scdl(shared_dir, "deliberations", tmp_path / "deliberations.csv")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    rep = run_export(warehouse, "scdl-subventions", tmp_path)
    assert rep.files == {"subventions.csv": 0} and len(rep.rejected) == 3
    assert all("dateConvention unknown" in str(rej) for rej in rep.rejected)


def test_cli_prints_rejections_and_exits_2(warehouse, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    res = CliRunner().invoke(app, ["export", "--format", "scdl-deliberations", "--out", str(tmp_path),
                                   "--db", str(warehouse)])
    assert res.exit_code == 2
    assert "rejected" in res.output and "DELIB_ID unknown" in res.output
    res = CliRunner().invoke(app, ["export", "--format", "nope", "--out", str(tmp_path), "--db", str(warehouse)])
    assert res.exit_code == 1


def test_scdl_deliberations_valid_against_published_schema(warehouse, tmp_path, test_reference, shared_dir):
    rep = run_export(warehouse, "scdl-deliberations", tmp_path, test_reference)
    rows = _rows(tmp_path / "deliberations.csv")
    assert [r["DELIB_ID"] for r in rows] == ["2023-139", "2022-298", "2022-553"]
    report = validate_scdl(shared_dir, "deliberations", tmp_path / "deliberations.csv")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    by_id = {r["DELIB_ID"]: r for r in rows}
    r = by_id["2022-553"]
    assert (r["COLL_SIRET"], r["DELIB_DATE"], r["PREF_DATE"], r["PREF_ID"]) == (
        TEST_COLL_SIRET, "2022-12-13", "2022-12-16", "PREF062")
    assert r["DELIB_MATIERE_NOM"] == "Domaines de compétences par thèmes/Emploi-formation professionnelle"
    assert (r["VOTE_EFFECTIF"], r["VOTE_REEL"], r["VOTE_POUR"]) == ("44", "44", "44")
    assert by_id["2023-139"]["VOTE_EFFECTIF"] == "78" and by_id["2023-139"]["VOTE_REEL"] == "77"
    # the acts without a number (13, 82) and without a SIRET are reported, not written
    assert sorted(rej.row[:2] for rej in rep.rejected) == ["13", "82"]
    assert all(any(x.startswith("DELIB_ID unknown") for x in rej.reasons) for rej in rep.rejected)


def test_scdl_subventions_valid_against_published_schema(warehouse, tmp_path, test_reference, shared_dir):
    rep = run_export(warehouse, "scdl-subventions", tmp_path, test_reference)
    rows = _rows(tmp_path / "subventions.csv")
    assert len(rows) == 1
    r = rows[0]
    assert (r["referenceDecision"], r["montant"], r["idAttribuant"], r["idBeneficiaire"]) == (
        "2022-553", "198000", TEST_COLL_SIRET, TEST_BENEF_SIRET)
    assert r["nomBeneficiaire"] == "Pôle emploi HAUTS-DE-FRANCE" and r["dateConvention"] == "2022-12-20"
    report = validate_scdl(shared_dir, "subventions", tmp_path / "subventions.csv")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert len(rep.rejected) == 2


def test_checker_catches_what_published_files_get_wrong(tmp_path, shared_dir):
    """The validation is not vacuous: wrong sums, dates in the wrong order, a SIREN for a
    SIRET fail it — and our own rules reject the same rows before writing."""
    good = {"COLL_NOM": "X", "COLL_SIRET": TEST_COLL_SIRET, "DELIB_ID": "1", "DELIB_DATE": "2022-12-13",
            "DELIB_MATIERE_CODE": "8.6", "DELIB_MATIERE_NOM": "Domaines de compétences par thèmes/Emploi",
            "DELIB_OBJET": "o", "PREF_DATE": "2022-12-16", "VOTE_EFFECTIF": "44", "VOTE_REEL": "44",
            "VOTE_POUR": "40", "VOTE_CONTRE": "2", "VOTE_ABSTENTION": "2"}
    bad = [{"VOTE_POUR": "41"}, {"PREF_DATE": "2022-12-01"}, {"COLL_SIRET": "226200012"},
           {"COLL_SIRET": TEST_COLL_SIRET[:-1] + str((int(TEST_COLL_SIRET[-1]) + 1) % 10)},
           {"VOTE_EFFECTIF": ""}, {"DELIB_MATIERE_NOM": "Emploi"}]
    assert problems(good, DELIBERATIONS) == []
    for change in bad:
        row = {**good, **change}
        assert problems(row, DELIBERATIONS), change
        path = tmp_path / "d.csv"
        with path.open("w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, fieldnames=DELIBERATIONS["fields"], restval="")
            w.writeheader()
            w.writerow(row)
        assert not validate_scdl(shared_dir, "deliberations", path).valid, change


def test_subvention_rules():
    row = {"nomAttribuant": "X", "idAttribuant": TEST_COLL_SIRET, "dateConvention": "2022-12-20",
           "nomBeneficiaire": "Y", "objet": "o", "montant": "198000", "nature": "aide en numéraire",
           "conditionsVersement": "unique", "datesPeriodeVersement": "2023-01-01/2023-12-31",
           "notificationUE": "non", "pourcentageSubvention": "1"}
    assert problems(row, SUBVENTIONS) == ["one of idBeneficiaire or rnaBeneficiaire is required"]
    assert problems({**row, "rnaBeneficiaire": "W123456789"}, SUBVENTIONS) == []
    assert problems({**row, "rnaBeneficiaire": "W1", "dateConvention": "20/12/2022",
                     "objet": "x" * 300}, SUBVENTIONS) != []


def test_invalid_reference_siret_is_ignored_with_a_note(warehouse, tmp_path, test_reference):
    path = test_reference / "collectivites.csv"
    path.write_text(path.read_text("utf-8").replace(TEST_COLL_SIRET, "12345678901234"), "utf-8")
    rep = run_export(warehouse, "scdl-deliberations", tmp_path / "out", test_reference)
    assert rep.files == {"deliberations.csv": 0}
    assert any("12345678901234" in n and "not valid" in n for n in rep.notes)


def test_unknown_format(memdb, tmp_path):
    with pytest.raises(ExportError):
        export(memdb, "xlsx", tmp_path)

