-- PostgreSQL form of schemas/sql/003_scan_tallies.sql: keep the two in step.
-- Storing a scan must cost little whatever the table's size (DESIGN.md §10: every scan stored
-- at thousands a second). Two things made it cost ~20 us a scan, most of the verify server's CPU:
--  * the index on code: each scan of a random code rewrote a B-tree page of its own;
--  * CHECK (kind IN (...)): SQLite builds a temporary B-tree for the list on every insert.
-- So scans is rebuilt with the same rows, an equality-chain CHECK and no index on code, and a
-- code's history lives in scan_tallies, folded in from the scans appended since
-- `scan_tallies_through` (registry_meta) in large batches, so one page write carries many scans.
-- scan_tallies is derived data: scans stays the record, and the fold can be redone from it.
-- Here ALTER TABLE makes the same table SQLite's rebuild makes: same columns in the same order,
-- same rows and ids (so the identity needs no reset), the OR-chain CHECK, no index on code.
ALTER TABLE scans DROP CONSTRAINT scans_kind_check;
ALTER TABLE scans ADD CONSTRAINT scans_kind_check
  CHECK (kind = 'unit' OR kind = 'lot' OR kind = 'unknown' OR kind = 'malformed');
DROP INDEX scans_code;

-- WITHOUT ROWID left out: SQLite's storage layout; PostgreSQL has no rowid.
CREATE TABLE scan_tallies (
  code TEXT PRIMARY KEY,
  count BIGINT NOT NULL,      -- scans of the code folded in so far
  first_at TEXT NOT NULL,     -- RFC 3339 UTC of its first scan
  nets TEXT NOT NULL          -- distinct network hashes, newline-separated, at most 16
);
-- INSERT OR IGNORE: a key already there is kept.
INSERT INTO registry_meta(key, value) VALUES ('scan_tallies_through', '0')
  ON CONFLICT (key) DO NOTHING;
