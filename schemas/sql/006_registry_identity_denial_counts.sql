-- The file says it is an agritrace registry (PRAGMA application_id 0x41475452, "AGTR"), so that
-- only `init` ever turns a file into one; and refused token requests are counted per token,
-- route, reason and hour instead of one row each (a token hammering a 403 cannot grow the table).
PRAGMA application_id = 1095193682;

CREATE TABLE access_denials_counted (
  id INTEGER PRIMARY KEY,
  token_id INTEGER,
  route TEXT NOT NULL,
  reason TEXT NOT NULL,
  hour TEXT NOT NULL,              -- UTC "YYYY-MM-DDTHH": the window the row counts
  first_at TEXT NOT NULL,
  at TEXT NOT NULL,                -- the latest denial of the row
  count INTEGER NOT NULL DEFAULT 1 CHECK (count >= 1)
);
INSERT INTO access_denials_counted(id, token_id, route, reason, hour, first_at, at, count)
  SELECT id, token_id, route, reason, substr(at, 1, 13), at, at, 1 FROM access_denials;
DROP TABLE access_denials;
ALTER TABLE access_denials_counted RENAME TO access_denials;
CREATE INDEX access_denials_window ON access_denials(token_id, hour, route);
