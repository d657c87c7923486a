-- PostgreSQL form of schemas/sql/005_scan_misses.sql: keep the two in step.
-- What counts as a scan (DESIGN.md §7–§8). A lookup of a code the registry never issued
-- (unknown) or of something that is not a code at all (malformed) is evidence of forgery only in
-- bulk: it is counted per client network per UTC day, one row each, not stored one row per
-- lookup (anyone could otherwise fill the disk with made-up codes).
-- WITHOUT ROWID left out: SQLite's storage layout; PostgreSQL has no rowid.
CREATE TABLE scan_misses (
  day TEXT NOT NULL,       -- YYYY-MM-DD (UTC) of the lookups
  net_hash TEXT NOT NULL,  -- salted hash of the client's network, as scans.net
  kind TEXT NOT NULL CHECK (kind = 'unknown' OR kind = 'malformed'),
  count BIGINT NOT NULL,
  PRIMARY KEY (day, net_hash, kind)
);
INSERT INTO scan_misses(day, net_hash, kind, count)
  SELECT substr(at, 1, 10), net, kind, COUNT(*) FROM scans
  WHERE kind = 'unknown' OR kind = 'malformed' GROUP BY 1, 2, 3;
DELETE FROM scans WHERE kind = 'unknown' OR kind = 'malformed';

-- The scan journal (http/scan_journal.h): every scan is appended there before its answer goes
-- out, and committed here afterwards. The last journal sequence number committed here, in the
-- same transaction as the scans: what a restart replays from the journal is what follows it.
-- INSERT OR IGNORE: a key already there is kept.
INSERT INTO registry_meta(key, value) VALUES ('scan_journal_through', '0')
  ON CONFLICT (key) DO NOTHING;
