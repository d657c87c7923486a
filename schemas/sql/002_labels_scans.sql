-- Unit codes (一物一码), API tokens and scans.
CREATE TABLE units (
  code TEXT PRIMARY KEY,                -- 16 Crockford base32 characters, no hyphens
  lot_id INTEGER NOT NULL REFERENCES lots(id),
  serial INTEGER NOT NULL,              -- 1-based within the lot
  spare INTEGER NOT NULL DEFAULT 0,
  UNIQUE (lot_id, serial)
) WITHOUT ROWID;

CREATE TABLE tokens (
  id INTEGER PRIMARY KEY,
  hash BLOB NOT NULL UNIQUE,            -- SHA-256 of the token; the token itself is never stored
  role TEXT NOT NULL CHECK (role IN ('bureau','cooperative')),
  org_id INTEGER REFERENCES organisations(id),
  name TEXT NOT NULL,
  created_at TEXT NOT NULL,
  revoked_at TEXT
);

-- Every scan of a code, known or not. net is a salted hash of the client's /24, never the IP.
CREATE TABLE scans (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('unit','lot','unknown','malformed')),
  at TEXT NOT NULL,
  net TEXT NOT NULL
);
CREATE INDEX scans_code ON scans(code);

CREATE TABLE access_denials (           -- a token reaching for another organisation's data
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  token_id INTEGER,
  route TEXT NOT NULL,
  reason TEXT NOT NULL
);
