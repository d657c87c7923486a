-- Registry records (DESIGN.md §4). Times are RFC 3339 UTC text, dates YYYY-MM-DD, masses grams.
CREATE TABLE registry_meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE regions (
  code TEXT PRIMARY KEY,                -- 6-digit county or 12-digit statistical code
  name TEXT NOT NULL,
  parent TEXT REFERENCES regions(code),
  poverty_registered INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE organisations (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  credit_code TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('cooperative','enterprise','family-farm','station','collective')),
  region TEXT NOT NULL REFERENCES regions(code),
  created_at TEXT NOT NULL
);

CREATE TABLE products (
  id INTEGER PRIMARY KEY,
  org_id INTEGER NOT NULL REFERENCES organisations(id),
  name TEXT NOT NULL,
  category TEXT NOT NULL,
  net_content_g INTEGER NOT NULL CHECK (net_content_g > 0),
  gtin TEXT,
  created_at TEXT NOT NULL
);

CREATE TABLE brands (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  scheme TEXT NOT NULL,
  region TEXT NOT NULL REFERENCES regions(code),
  level TEXT NOT NULL,
  year INTEGER NOT NULL,
  recognised_by TEXT,
  created_at TEXT NOT NULL
);
CREATE TABLE brand_products (
  brand_id INTEGER NOT NULL REFERENCES brands(id),
  product_id INTEGER NOT NULL REFERENCES products(id),
  PRIMARY KEY (brand_id, product_id)
);

-- Never deleted; status changes are events.
CREATE TABLE certifications (
  id INTEGER PRIMARY KEY,
  type TEXT NOT NULL,
  number TEXT NOT NULL UNIQUE,
  issuer TEXT NOT NULL,
  holder_org_id INTEGER NOT NULL REFERENCES organisations(id),
  valid_from TEXT NOT NULL,
  valid_to TEXT,
  annual_output_kg INTEGER,
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','suspended','revoked')),
  status_reason TEXT,
  created_at TEXT NOT NULL
);
CREATE TABLE cert_products (
  cert_id INTEGER NOT NULL REFERENCES certifications(id),
  product_id INTEGER NOT NULL REFERENCES products(id),
  PRIMARY KEY (cert_id, product_id)
);
CREATE TABLE cert_areas (               -- a GI's protected area
  cert_id INTEGER NOT NULL REFERENCES certifications(id),
  region TEXT NOT NULL REFERENCES regions(code),
  PRIMARY KEY (cert_id, region)
);

CREATE TABLE signing_keys (
  kid TEXT PRIMARY KEY,                 -- hex(SHA-256(raw public key)[:8])
  public_key BLOB NOT NULL,             -- raw 32 bytes
  created_at TEXT NOT NULL,
  retired_at TEXT                       -- NULL for the current key
);

-- Never edited after issue: record_json is the canonical JSON that was signed.
CREATE TABLE lots (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  product_id INTEGER NOT NULL REFERENCES products(id),
  org_id INTEGER NOT NULL REFERENCES organisations(id),
  origin TEXT NOT NULL REFERENCES regions(code),
  harvested TEXT NOT NULL,
  packed TEXT NOT NULL,
  units INTEGER NOT NULL CHECK (units > 0),
  net_content_g INTEGER NOT NULL,
  brand_id INTEGER REFERENCES brands(id),
  record_json TEXT NOT NULL,
  signature TEXT NOT NULL,              -- base64url Ed25519 over record_json
  kid TEXT NOT NULL REFERENCES signing_keys(kid),
  event_index INTEGER NOT NULL,
  issued_at TEXT NOT NULL
);
CREATE INDEX lots_product ON lots(product_id);
CREATE TABLE lot_certs (
  lot_id INTEGER NOT NULL REFERENCES lots(id),
  cert_id INTEGER NOT NULL REFERENCES certifications(id),
  PRIMARY KEY (lot_id, cert_id)
);
CREATE INDEX lot_certs_cert ON lot_certs(cert_id);
CREATE TABLE lot_households (
  lot_id INTEGER NOT NULL REFERENCES lots(id),
  household TEXT NOT NULL,              -- pseudonymous id, never a personal identity number
  grams INTEGER NOT NULL,
  registered_poor INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE lot_inspections (
  lot_id INTEGER NOT NULL REFERENCES lots(id),
  agency TEXT NOT NULL,
  report TEXT NOT NULL,
  result TEXT NOT NULL CHECK (result IN ('pass','fail'))
);
-- Corrections are new rows, never updates: recall, amendment, trace steps.
CREATE TABLE trace_events (
  id INTEGER PRIMARY KEY,
  lot_id INTEGER NOT NULL REFERENCES lots(id),
  step TEXT NOT NULL,                   -- planting ... retail, recall, amendment
  at TEXT NOT NULL,
  place TEXT,
  actor TEXT,
  note TEXT,
  event_index INTEGER NOT NULL
);
CREATE INDEX trace_events_lot ON trace_events(lot_id);

-- A refused lot issue writes this row and nothing else.
CREATE TABLE refusals (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  org_id INTEGER,
  product_id INTEGER,
  reason TEXT NOT NULL,                 -- stable reason key, e.g. cert-revoked
  message TEXT NOT NULL
);

-- The append-only event log: one row per state change, its canonical JSON is the log leaf.
CREATE TABLE events (
  idx INTEGER PRIMARY KEY,              -- 0-based leaf index
  kind TEXT NOT NULL,
  at TEXT NOT NULL,
  leaf TEXT NOT NULL
);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

-- Merkle tree (RFC 9162) nodes of every complete subtree: level 0 = leaf hashes; node
-- (level, idx) covers leaves [idx*2^level, (idx+1)*2^level).
CREATE TABLE log_nodes (
  level INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  hash BLOB NOT NULL,
  PRIMARY KEY (level, idx)
) WITHOUT ROWID;

CREATE TABLE checkpoints (
  size INTEGER PRIMARY KEY,
  root BLOB NOT NULL,
  note TEXT NOT NULL,                   -- the C2SP signed note
  created_at TEXT NOT NULL
);
