-- Print runs (issue 11): every time labels of a lot are produced (a file, an API download, bytes
-- sent straight to a label printer) one row, written with a "labels.print-started" event before
-- the first label leaves, and ended by a "labels.print-ended" event that says up to which serial
-- the labels surely reached the destination. A serial printed by an earlier run is a reprint
-- (registry/print_runs.h): reprints are where copied labels come from.
CREATE TABLE print_runs (
  id INTEGER PRIMARY KEY,
  lot_id INTEGER NOT NULL REFERENCES lots(id),
  lot_only INTEGER NOT NULL CHECK (lot_only IN (0, 1)),  -- one lot-code label, no serials
  first_serial INTEGER NOT NULL,                         -- 0 and 0 for a lot-only label
  last_serial INTEGER NOT NULL,
  format TEXT NOT NULL,                                  -- svg | png | pdf | zpl | tspl
  options TEXT NOT NULL,          -- canonical JSON: size, dpi, ecc, copies, sheet, offline_signed
  destination TEXT NOT NULL,      -- file:PATH | download | tcp://HOST:PORT | device:PATH
  actor TEXT NOT NULL,            -- cli:<login> | token:<id> | user:<username>
  resumes INTEGER REFERENCES print_runs(id),             -- the run `--resume` continued
  started_at TEXT NOT NULL,
  start_event INTEGER NOT NULL,
  -- NULL until the run ends (still sending, or the program was killed: then every label of it
  -- may have printed).
  outcome TEXT CHECK (outcome IN ('complete', 'interrupted', 'failed')),
  sent_through INTEGER,           -- the last serial surely sent; first_serial - 1 when none
  ended_at TEXT,
  end_event INTEGER
);
CREATE INDEX print_runs_lot ON print_runs(lot_id, id);
