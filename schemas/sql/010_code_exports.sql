-- Code files for print shops (码包, issue 11): every `label export` of a lot's unit codes, who
-- wrote which serials into which file (its SHA-256), logged by a "codes.exported" event in the
-- same transaction. A code file is the main way labels get copied: exporting serials exported
-- before needs a reason, kept here and listed by `audit reexports`.
CREATE TABLE code_exports (
  id INTEGER PRIMARY KEY,
  lot_id INTEGER NOT NULL REFERENCES lots(id),
  first_serial INTEGER NOT NULL,
  last_serial INTEGER NOT NULL,
  format TEXT NOT NULL CHECK (format IN ('csv', 'txt', 'zip')),
  file TEXT NOT NULL,             -- the path written, absolute
  sha256 TEXT NOT NULL,           -- hex SHA-256 of the file as written
  bytes INTEGER NOT NULL,
  actor TEXT NOT NULL,            -- cli:<login> | token:<id> | user:<username>
  again_reason TEXT,              -- why serials exported before were exported again
  exported_at TEXT NOT NULL,
  event_index INTEGER NOT NULL
);
CREATE INDEX code_exports_lot ON code_exports(lot_id, first_serial);
