-- Console accounts (issue 13): people sign in as themselves. A password is stored only as its
-- argon2id string (libsodium crypto_pwhash_str: algorithm, limits, salt and hash in one text).
-- Clerks and managers belong to one organisation; bureau staff to none.
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK (role = 'clerk' OR role = 'manager' OR role = 'bureau' OR
                            role = 'bureau-admin'),
  org_id INTEGER REFERENCES organisations(id),
  password_hash TEXT NOT NULL,
  must_change_password INTEGER NOT NULL DEFAULT 1,
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  CHECK ((role = 'clerk' OR role = 'manager') = (org_id IS NOT NULL))
);

-- A signed-in browser. The cookie holds 256 random bits; only their SHA-256 is kept, so a copy
-- of the database signs nobody in. Times are Unix seconds, compared against the idle (8 h) and
-- absolute (7 days) limits on every request.
CREATE TABLE sessions (
  id_hash BLOB PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  csrf TEXT NOT NULL,                   -- per-session token every changing form carries
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions(user_id);

-- Failed console sign-ins, for the bureau: the name tried (cut to 64 bytes), the client
-- network as a salted hash (like scans.net), why it failed. Never the password.
CREATE TABLE sign_in_failures (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  username TEXT NOT NULL,
  net TEXT NOT NULL,
  reason TEXT NOT NULL                  -- unknown-user | wrong-password | disabled
);

-- The console's home lists an organisation's lots newest first, a page at a time.
CREATE INDEX lots_org ON lots(org_id, id);
