"""Bank accounts: detection (IBAN / RIB, separators, line breaks), masking, RIB/IBAN pairing
into one record, checksums, keyed fingerprints, and no leak of the digits anywhere."""
from __future__ import annotations

import json
import os
import re

import pytest

from extractors import account_keys, bank_accounts
from pipeline.redact import redact

# textbook example accounts (valid IBAN mod-97 and RIB key)
IBAN_A = "FR76 3000 6000 0112 3456 7890 189"
RIB_A = "30006 00001 12345678901 89"
IBAN_B = "FR14 2004 1010 0505 0001 3M02 606"
RIB_B = "20041 01005 0500013M026 06"


def digits(s: str) -> str:
    return re.sub(r"\D", "", s)


@pytest.fixture(autouse=True)
def key_file(tmp_path, monkeypatch):
    monkeypatch.delenv(account_keys.ENV_KEY, raising=False)
    path = tmp_path / "delib" / "hmac.key"
    monkeypatch.setenv(account_keys.ENV_KEY_FILE, str(path))
    return path


@pytest.mark.parametrize("text, iban_masked, rib_masked, valid", [
    (f"IBAN : {IBAN_A}", "FR76 **** **** **** **** **** 189", None, True),
    (f"RIB : {RIB_A}", None, "***** ***** *********** 89", True),
    ("Compte : 30006- 00001- 12345678901- 89", None, "***** ***** *********** 89", True),
    ("Compte : 30006000011234567890189", None, "***** ***** *********** 89", True),
    (f"IBAN : {IBAN_B}", "FR14 **** **** **** **** **** 606", None, True),
    (f"RIB : {RIB_B}", None, "***** ***** *********** 06", True),
    # a PDF line break inside the number
    ("IBAN : FR76 3000 6000 0112\n3456 7890 189", "FR76 **** **** **** **** **** 189", None, True),
    ("RIB : 30006 00001\n12345678901 89", None, "***** ***** *********** 89", True),
    # a RIB printed as a labelled table
    ("Code banque : 30006 Code guichet : 00001 N° de compte : 12345678901 Clé RIB : 89",
     None, "***** ***** *********** 89", True),
    # wrong RIB key, wrong IBAN check digits
    ("RIB : 30006 00001 12345678901 88", None, "***** ***** *********** 88", False),
    ("IBAN : FR75 3000 6000 0112 3456 7890 189", "FR75 **** **** **** **** **** 189", None, False),
])
def test_account_masked_and_checked(ctx, text, iban_masked, rib_masked, valid):
    [acc] = bank_accounts.extract(ctx(text))["bank_accounts"]
    assert (acc["iban_masked"], acc["rib_masked"], acc["checksum_valid"]) == (iban_masked, rib_masked, valid)
    assert re.fullmatch(r"[0-9a-f]{64}", acc["fingerprint"])


@pytest.mark.parametrize("text", [
    "Montant : 6 019 600,00 € ; solde 611 236,67 €",
    "Tél. : 03 21 21 62 62 ou 06 12 34 56 78",
    "Envoi au contrôle de légalité le 16/12/2022, délibération n°2022-553 du 13 décembre 2022",
    "SIRET 213 401 722 00017 - code APE 8411Z - 034-213401722-20140522-0000072125-DE",
    "Réunion du 28/11/2022 à 14h30, 75987 Paris Cedex 20, FR 2022",
])
def test_ordinary_numbers_are_not_accounts(ctx, text):
    assert bank_accounts.find_account_spans(text) == []
    assert redact(text) == text
    assert bank_accounts.extract(ctx(text))["bank_accounts"] == []


def test_rib_and_iban_of_one_account_are_one_record(ctx):
    text = (f"Titulaire du compte : POLE EMPLOI DR NORD GA\nDomiciliation : AG INSTITUTIONNELS\n"
            f"RIB : {RIB_A}\nIBAN : {IBAN_A}\nBIC : NORDFRPP\n")
    [acc] = bank_accounts.extract(ctx(text))["bank_accounts"]
    assert acc["iban_masked"] == "FR76 **** **** **** **** **** 189"
    assert acc["rib_masked"] == "***** ***** *********** 89"
    assert acc["holder"] == "POLE EMPLOI DR NORD GA"
    assert acc["bic"] == "NORDFRPP"
    assert acc["checksum_valid"] is True


def test_two_accounts_two_records_and_holder_before_compte(ctx):
    text = (f"Coordonnées bancaires :\nASSOCIATION LES AMIS Compte : {RIB_A}\n\n"
            f"Second versement sur l'IBAN : {IBAN_B}\n")
    accs = bank_accounts.extract(ctx(text))["bank_accounts"]
    assert [a["rib_masked"] or a["iban_masked"] for a in accs] == [
        "***** ***** *********** 89", "FR14 **** **** **** **** **** 606"]
    assert accs[0]["holder"] == "ASSOCIATION LES AMIS"
    assert accs[0]["fingerprint"] != accs[1]["fingerprint"]


def test_fingerprint_is_keyed(ctx, monkeypatch, key_file):
    fp1 = bank_accounts.extract(ctx(f"RIB : {RIB_A}"))["bank_accounts"][0]["fingerprint"]
    assert key_file.exists() and (key_file.stat().st_mode & 0o777) == 0o600
    monkeypatch.setenv(account_keys.ENV_KEY, "another key")
    fp2 = bank_accounts.extract(ctx(f"RIB : {RIB_A}"))["bank_accounts"][0]["fingerprint"]
    assert fp1 != fp2


def test_key_file_refused_inside_the_project(monkeypatch):
    monkeypatch.setenv(account_keys.ENV_KEY_FILE, str(account_keys.PROJECT_ROOT / "hmac.key"))
    with pytest.raises(ValueError):
        account_keys.hmac_key()
    assert not (account_keys.PROJECT_ROOT / "hmac.key").exists()


def test_quote_is_masked(ctx):
    text = f"Les sommes seront versées sur le compte.\nRIB : {RIB_A}\n"
    [acc] = bank_accounts.extract(ctx(text))["bank_accounts"]
    assert acc["text"] == "RIB : ***** ***** *********** **"
    assert redact(text)[acc["span"][0]:acc["span"][1]] == acc["text"]


SEED = "data/raw/62/62_cp_2022-12-13_2022-553.txt"


def test_seed_account_never_leaks():
    from pipeline.process import process_file

    root = account_keys.PROJECT_ROOT
    raw = (root / SEED).read_text(encoding="utf-8")
    spans = bank_accounts.find_account_spans(raw)
    assert len(spans) >= 2  # the RIB and the IBAN
    account_cores = {digits(raw[s:e]) for s, e in spans}
    account_cores = {c for c in account_cores if len(c) >= 10}  # the account part, not the key
    assert account_cores
    masked = redact(raw)
    out = json.dumps(process_file(root / SEED).record, ensure_ascii=False)
    for core in account_cores:
        assert core not in digits(masked)
        assert core not in digits(out)
    assert "FR76 **** **** **** **** **** 085" in out and os.environ.get(account_keys.ENV_KEY) is None
