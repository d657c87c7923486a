-- PostgreSQL form of schemas/sql/004_organic_codes.sql: keep the two in step.
-- 有机码 (DESIGN.md §4): the code a certification body allocates for each label of an organic
-- product, 17 digits (18 under the 2024 rules). A lot's list is loaded from its certifier; each
-- code goes to one minted unit and is printed on that unit's label. A code is used once only.
-- SQLite's `code NOT GLOB '*[^0-9]*'` (no character but an ASCII digit) is `code !~ '[^0-9]'`.
-- WITHOUT ROWID left out: SQLite's storage layout; PostgreSQL has no rowid.
CREATE TABLE organic_codes (
  unit TEXT PRIMARY KEY REFERENCES units(code),
  code TEXT NOT NULL UNIQUE CHECK (length(code) IN (17, 18) AND code !~ '[^0-9]'),
  cert_id BIGINT NOT NULL REFERENCES certifications(id)  -- the lot's organic certificate
);
