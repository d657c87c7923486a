-- 有机码 (DESIGN.md §4): the code a certification body allocates for each label of an organic
-- product, 17 digits (18 under the 2024 rules). A lot's list is loaded from its certifier; each
-- code goes to one minted unit and is printed on that unit's label. A code is used once only.
CREATE TABLE organic_codes (
  unit TEXT PRIMARY KEY REFERENCES units(code),
  code TEXT NOT NULL UNIQUE CHECK (length(code) IN (17, 18) AND code NOT GLOB '*[^0-9]*'),
  cert_id INTEGER NOT NULL REFERENCES certifications(id)  -- the lot's organic certificate
) WITHOUT ROWID;
