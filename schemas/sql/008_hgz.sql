-- 承诺达标合格证 (issue 11, DESIGN.md §12): certificates a producer or collector issues for a
-- shipment of a lot, signed and logged like a lot record, never edited. record_json is the
-- canonical JSON that was signed; the columns beside it are what lists and sums read.
CREATE TABLE hgz (
  id INTEGER PRIMARY KEY,
  number TEXT NOT NULL UNIQUE,          -- 'H' + 9 Crockford base32 + Luhn mod 32 check
  lot_id INTEGER NOT NULL REFERENCES lots(id),
  org_id INTEGER NOT NULL REFERENCES organisations(id),  -- 承诺主体: the lot's organisation
  style TEXT NOT NULL CHECK (style IN ('producer', 'collector')),
  basis TEXT NOT NULL CHECK (basis IN ('control', 'self-test', 'commissioned-test')),
  report TEXT,                          -- test report number, only for the two test bases
  weight_g INTEGER CHECK (weight_g > 0),
  pieces INTEGER CHECK (pieces > 0),
  covered_g INTEGER NOT NULL CHECK (covered_g > 0),  -- weight_g, or pieces x net content
  contact TEXT NOT NULL,
  issued_on TEXT NOT NULL,              -- the date printed, Asia/Shanghai
  record_json TEXT NOT NULL,
  signature TEXT NOT NULL,              -- base64url Ed25519 over record_json
  kid TEXT NOT NULL REFERENCES signing_keys(kid),
  event_index INTEGER NOT NULL,
  issued_at TEXT NOT NULL,
  CHECK ((weight_g IS NULL) <> (pieces IS NULL)),
  CHECK ((report IS NULL) = (basis = 'control'))
);
CREATE INDEX hgz_lot ON hgz(lot_id);
CREATE INDEX hgz_org ON hgz(org_id, issued_on);

-- A collector's certificate names the certificates it received with the produce.
CREATE TABLE hgz_received (
  hgz_id INTEGER NOT NULL REFERENCES hgz(id),
  received_id INTEGER NOT NULL REFERENCES hgz(id),
  PRIMARY KEY (hgz_id, received_id)
) WITHOUT ROWID;
