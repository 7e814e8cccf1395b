-- Views for analysts (documented in the README). Recreated at every connection by a writer.

-- Budget lines with their M52/M57 nature and function labels, and where they are printed.
CREATE OR REPLACE VIEW v_budget_lines AS
SELECT d.departement_code, d.departement_name, a.number AS act_number, a.meeting_date,
       b.code_operation, b.imputation, b.libelle, b.ae, b.disponible, b.montant, b.solde,
       b.nomenclature, b.nature_code, b.nature_label, b.chapitre_code, b.chapitre_label,
       b.fonction_code, b.fonction_label,
       d.name AS document, b.section, b.page, b.span_start, b.span_end, b.quote, b.doc_id
FROM budget_lines b
JOIN documents d USING (doc_id)
LEFT JOIN acts a ON a.doc_id = b.doc_id AND a.act_idx = b.act_idx;

-- One row per convention or amendment, with the quotes and pages behind each figure.
CREATE OR REPLACE VIEW v_conventions AS
SELECT d.departement_code, d.departement_name, d.issuer_name,
       a.number AS act_number, a.meeting_date AS act_date, a.title AS act_title, a.body,
       c.kind, c.partners, c.amount_total, c.amount_per_year, c.months, c.start_date, c.end_date,
       c.funded_etp, c.funded_posts, c.cost_per_etp_year,
       c.imputation, c.nomenclature, c.nature_code, c.nature_label, c.fonction_code, c.fonction_label,
       d.name AS document, c.doc_id,
       c.amount_quote, c.amount_page, c.annual_quote, c.annual_page,
       c.duration_quote, c.duration_page, c.staff_quote, c.staff_page
FROM conventions c
JOIN documents d USING (doc_id)
LEFT JOIN acts a ON a.doc_id = c.doc_id AND a.act_idx = c.act_idx;

-- Per département and year (of the meeting): acts, conventions, amounts committed, funded
-- staff, partners.
CREATE OR REPLACE VIEW v_departement_summary AS
WITH act_year AS (
    SELECT d.departement_code, d.departement_name, a.doc_id, a.act_idx,
           year(coalesce(a.meeting_date, a.publication_date)) AS year
    FROM acts a JOIN documents d USING (doc_id)
)
SELECT y.departement_code, y.departement_name, y.year,
       count(DISTINCT (y.doc_id, y.act_idx)) AS acts,
       count(c.doc_id) AS conventions,
       sum(c.amount_total) AS amount_committed,
       sum(c.amount_per_year) AS amount_per_year,
       sum(coalesce(c.funded_etp, c.funded_posts)) AS funded_staff,
       string_agg(DISTINCT c.partners, '; ') AS partners
FROM act_year y
LEFT JOIN conventions c ON c.doc_id = y.doc_id AND c.act_idx = y.act_idx
GROUP BY ALL;

-- Acts citing acts: a reference resolved to a loaded act by its number when possible.
CREATE OR REPLACE VIEW v_act_links AS
SELECT r.doc_id, r.act_idx, a.number AS act_number, r.kind, r.identifier, r.date AS cited_date,
       t.doc_id AS cited_doc_id, t.act_idx AS cited_act_idx, t.title AS cited_title
FROM "references" r
LEFT JOIN acts a ON a.doc_id = r.doc_id AND a.act_idx = r.act_idx
LEFT JOIN acts t ON r.kind = 'deliberation' AND t.number = r.identifier;
