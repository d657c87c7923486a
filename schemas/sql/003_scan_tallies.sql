-- Storing a scan must cost little whatever the table's size (DESIGN.md §10: every scan stored
-- at thousands a second). Two things made it cost ~20 us a scan, most of the verify server's CPU:
--  * the index on code: each scan of a random code rewrote a B-tree page of its own;
--  * CHECK (kind IN (...)): SQLite builds a temporary B-tree for the list on every insert.
-- So scans is rebuilt with the same rows, an equality-chain CHECK and no index on code, and a
-- code's history lives in scan_tallies, folded in from the scans appended since
-- `scan_tallies_through` (registry_meta) in large batches, so one page write carries many scans.
-- scan_tallies is derived data: scans stays the record, and the fold can be redone from it.
CREATE TABLE scans_v3 (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind = 'unit' OR kind = 'lot' OR kind = 'unknown' OR kind = 'malformed'),
  at TEXT NOT NULL,
  net TEXT NOT NULL
);
INSERT INTO scans_v3(id, code, kind, at, net) SELECT id, code, kind, at, net FROM scans;
DROP TABLE scans;
ALTER TABLE scans_v3 RENAME TO scans;

CREATE TABLE scan_tallies (
  code TEXT PRIMARY KEY,
  count INTEGER NOT NULL,     -- scans of the code folded in so far
  first_at TEXT NOT NULL,     -- RFC 3339 UTC of its first scan
  nets TEXT NOT NULL          -- distinct network hashes, newline-separated, at most 16
) WITHOUT ROWID;
INSERT OR IGNORE INTO registry_meta(key, value) VALUES ('scan_tallies_through', '0');
