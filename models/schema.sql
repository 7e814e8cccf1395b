-- The warehouse schema: one DDL, one place. Every fact row links to its document (doc_id =
-- sha256 of the file bytes) and act, and carries page, span [span_start, span_end) in the
-- document's stored (redacted) text, and its verbatim quote.
-- "references" is an SQL keyword: quote it in queries (SELECT * FROM "references").

CREATE TABLE IF NOT EXISTS documents (
    doc_id VARCHAR PRIMARY KEY,            -- sha256 of the bytes
    name VARCHAR NOT NULL,                 -- file name of the first path seen
    media_type VARCHAR NOT NULL,
    pages INTEGER,
    text_source VARCHAR,                   -- text | pdf-text-layer | ocr
    encoding VARCHAR,
    departement_code VARCHAR,
    departement_name VARCHAR,
    departement_evidence VARCHAR,          -- text | manifest | inferred
    issuer_name VARCHAR,
    issuer_kind VARCHAR,
    source_name VARCHAR,
    url VARCHAR,
    fetched_at TIMESTAMP,
    n_chars INTEGER,
    text VARCHAR,                          -- account numbers masked, never raw
    loaded_at TIMESTAMP NOT NULL,
    run_id VARCHAR
);

CREATE TABLE IF NOT EXISTS document_paths (
    path VARCHAR PRIMARY KEY,              -- one file path -> the bytes it holds now
    doc_id VARCHAR NOT NULL,
    mtime DOUBLE,
    size BIGINT,
    seen_at TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS acts (
    doc_id VARCHAR NOT NULL, act_idx INTEGER NOT NULL,
    number VARCHAR, body VARCHAR, meeting_date DATE, title VARCHAR, president VARCHAR,
    rapport_number VARCHAR, legality_control_date DATE, publication_date DATE,
    vote_for INTEGER, vote_against INTEGER, vote_abstention INTEGER,
    vote_unanimous BOOLEAN, vote_adopted BOOLEAN,
    present INTEGER, excused INTEGER, absent INTEGER, represented INTEGER,
    page INTEGER, span_start INTEGER, span_end INTEGER,
    PRIMARY KEY (doc_id, act_idx)
);

CREATE TABLE IF NOT EXISTS sections (
    doc_id VARCHAR NOT NULL, act_idx INTEGER NOT NULL, idx INTEGER NOT NULL,
    kind VARCHAR, page INTEGER, span_start INTEGER, span_end INTEGER,
    PRIMARY KEY (doc_id, act_idx, idx)
);

CREATE TABLE IF NOT EXISTS parties (
    doc_id VARCHAR NOT NULL, act_idx INTEGER, idx INTEGER NOT NULL,
    name VARCHAR, kind VARCHAR, representative VARCHAR, representative_role VARCHAR,
    redacted BOOLEAN,
    section VARCHAR, page INTEGER, span_start INTEGER, span_end INTEGER, quote VARCHAR,
    PRIMARY KEY (doc_id, idx)
);

CREATE TABLE IF NOT EXISTS amounts (
    doc_id VARCHAR NOT NULL, act_idx INTEGER, idx INTEGER NOT NULL,
    value DECIMAL(18, 2), currency VARCHAR, role VARCHAR,
    section VARCHAR, page INTEGER, span_start INTEGER, span_end INTEGER, quote VARCHAR,
    PRIMARY KEY (doc_id, idx)
);

CREATE TABLE IF NOT EXISTS durations (
    doc_id VARCHAR NOT NULL, act_idx INTEGER, idx INTEGER NOT NULL,
    months INTEGER, days INTEGER, start_date DATE, end_date DATE,
    section VARCHAR, page INTEGER, span_start INTEGER, span_end INTEGER, quote VARCHAR,
    PRIMARY KEY (doc_id, idx)
);

CREATE TABLE IF NOT EXISTS headcounts (
    doc_id VARCHAR NOT NULL, act_idx INTEGER, idx INTEGER NOT NULL,
    count DECIMAL(12, 2), unit VARCHAR, subject VARCHAR,
    section VARCHAR, page INTEGER, span_start INTEGER, span_end INTEGER, quote VARCHAR,
    PRIMARY KEY (doc_id, idx)
);

CREATE TABLE IF NOT EXISTS bank_accounts (
    doc_id VARCHAR NOT NULL, act_idx INTEGER, idx INTEGER NOT NULL,
    iban_masked VARCHAR, rib_masked VARCHAR, bic VARCHAR, holder VARCHAR,
    checksum_valid BOOLEAN, fingerprint VARCHAR,
    section VARCHAR, page INTEGER, span_start INTEGER, span_end INTEGER, quote VARCHAR,
    PRIMARY KEY (doc_id, idx)
);

CREATE TABLE IF NOT EXISTS budget_lines (
    doc_id VARCHAR NOT NULL, act_idx INTEGER, idx INTEGER NOT NULL,
    code_operation VARCHAR, imputation VARCHAR, libelle VARCHAR,
    ae DECIMAL(18, 2), disponible DECIMAL(18, 2), montant DECIMAL(18, 2), solde DECIMAL(18, 2),
    nomenclature VARCHAR, nature_code VARCHAR, nature_label VARCHAR,
    fonction_code VARCHAR, fonction_label VARCHAR, chapitre_code VARCHAR, chapitre_label VARCHAR,
    section VARCHAR, page INTEGER, span_start INTEGER, span_end INTEGER, quote VARCHAR,
    PRIMARY KEY (doc_id, idx)
);

CREATE TABLE IF NOT EXISTS document_tables (
    doc_id VARCHAR NOT NULL, idx INTEGER NOT NULL,
    kind VARCHAR, page INTEGER, header JSON, rows JSON,
    span_start INTEGER, span_end INTEGER,
    PRIMARY KEY (doc_id, idx)
);

CREATE TABLE IF NOT EXISTS "references" (
    doc_id VARCHAR NOT NULL, act_idx INTEGER, idx INTEGER NOT NULL,
    kind VARCHAR, identifier VARCHAR, date DATE,
    section VARCHAR, page INTEGER, span_start INTEGER, span_end INTEGER, quote VARCHAR,
    PRIMARY KEY (doc_id, idx)
);

-- one row per convention or amendment (pipeline/conventions.py): the compared figures and the
-- quotes that support them
CREATE TABLE IF NOT EXISTS conventions (
    doc_id VARCHAR NOT NULL, act_idx INTEGER NOT NULL, idx INTEGER NOT NULL,
    kind VARCHAR, section_start INTEGER, section_end INTEGER, partners VARCHAR,
    amount_total DECIMAL(18, 2), amount_per_year DECIMAL(18, 2),
    months INTEGER, start_date DATE, end_date DATE,
    funded_etp DECIMAL(12, 2), funded_posts DECIMAL(12, 2), cost_per_etp_year DECIMAL(18, 2),
    imputation VARCHAR, nomenclature VARCHAR, nature_code VARCHAR, nature_label VARCHAR,
    fonction_code VARCHAR, fonction_label VARCHAR,
    amount_quote VARCHAR, amount_page INTEGER, amount_span_start INTEGER, amount_span_end INTEGER,
    annual_quote VARCHAR, annual_page INTEGER, annual_span_start INTEGER, annual_span_end INTEGER,
    duration_quote VARCHAR, duration_page INTEGER, duration_span_start INTEGER, duration_span_end INTEGER,
    staff_quote VARCHAR, staff_page INTEGER, staff_span_start INTEGER, staff_span_end INTEGER,
    PRIMARY KEY (doc_id, act_idx, idx)
);

CREATE TABLE IF NOT EXISTS ingestion_runs (
    run_id VARCHAR PRIMARY KEY,
    started_at TIMESTAMP NOT NULL, finished_at TIMESTAMP,
    trigger VARCHAR,                       -- cli | flow
    status VARCHAR,                        -- running | completed | completed_with_errors | crashed
    n_new INTEGER DEFAULT 0, n_changed INTEGER DEFAULT 0, n_skipped INTEGER DEFAULT 0,
    n_duplicate INTEGER DEFAULT 0, n_failed INTEGER DEFAULT 0
);

CREATE TABLE IF NOT EXISTS ingestion_errors (
    run_id VARCHAR, path VARCHAR NOT NULL, sha256 VARCHAR,
    stage VARCHAR NOT NULL,                -- read | parse | extract | load | fetch
    code VARCHAR NOT NULL,                 -- stable code, see pipeline/errors.py
    message VARCHAR NOT NULL,
    occurred_at TIMESTAMP NOT NULL
);
