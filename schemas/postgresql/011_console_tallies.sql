-- PostgreSQL form of schemas/sql/011_console_tallies.sql: keep the two in step.
-- What the console shows of millions of codes, read without reading them all (issue 13: every
-- console page within 20 ms with 3,000,000 codes). All of it is derived from scans and units and
-- kept by the fold that keeps scan_tallies (registry/scan_store.h): scans stays the record.
--  * scan_tallies learns each unit code's lot (NULL for a lot code), how many distinct networks
--    it keeps (nets, capped the same) and its last scan. Two indexes then find the codes past a
--    threshold, the codes that look copied, without reading the tallies of the others.
--  * lot_scan_days: scans of a lot (its lot code and unit codes) per Beijing day, for the lot
--    page's chart and the monthly report, which read the whole scans table before.
--  * units_spare: a lot's spare codes, counted without reading its other codes.
-- From SQLite: char(10) is chr(10); CAST(... AS INTEGER) is BIGINT (and fails on text that is
-- not a number, where SQLite reads 0); MAX of text is taken bytewise (COLLATE "C"), as SQLite
-- compares text; datetime(at, '+8 hours') parses at as a timestamp, UTC when it names no zone.
SET LOCAL TimeZone = 'UTC';
ALTER TABLE scan_tallies ADD COLUMN lot_id BIGINT;
ALTER TABLE scan_tallies ADD COLUMN net_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE scan_tallies ADD COLUMN last_at TEXT NOT NULL DEFAULT '';
UPDATE scan_tallies SET
  lot_id = (SELECT u.lot_id FROM units u WHERE u.code = scan_tallies.code),
  net_count = CASE WHEN nets = '' THEN 0
                   ELSE length(nets) - length(replace(nets, chr(10), '')) + 1 END,
  last_at = first_at;
-- The scans folded so far (the unfolded tail is folded later, into these columns too).
UPDATE scan_tallies SET last_at = m.last
  FROM (SELECT code, MAX(at COLLATE "C") AS last FROM scans
        WHERE id <= (SELECT CAST(value AS BIGINT) FROM registry_meta
                     WHERE key = 'scan_tallies_through')
        GROUP BY code) AS m
  WHERE m.code = scan_tallies.code;
CREATE INDEX scan_tallies_count ON scan_tallies(count, lot_id);
CREATE INDEX scan_tallies_nets ON scan_tallies(net_count, lot_id);

-- WITHOUT ROWID left out: SQLite's storage layout; PostgreSQL has no rowid.
CREATE TABLE lot_scan_days (
  lot_id BIGINT NOT NULL,
  day TEXT NOT NULL,             -- YYYY-MM-DD in Asia/Shanghai
  count BIGINT NOT NULL,
  PRIMARY KEY (lot_id, day)
);
INSERT INTO lot_scan_days(lot_id, day, count)
  SELECT COALESCE(u.lot_id, l.id),
         to_char((s.at::timestamptz AT TIME ZONE 'UTC') + interval '8 hours', 'YYYY-MM-DD'),
         COUNT(*)
  FROM scans s LEFT JOIN units u ON u.code = s.code LEFT JOIN lots l ON l.code = s.code
  WHERE s.id <= (SELECT CAST(value AS BIGINT) FROM registry_meta
                 WHERE key = 'scan_tallies_through')
    AND COALESCE(u.lot_id, l.id) IS NOT NULL
  GROUP BY 1, 2;

CREATE INDEX units_spare ON units(lot_id) WHERE spare = 1;
