// Console accounts and sessions (registry/users.h): argon2id passwords, the length rules, one
// log event per change naming its actor and never the password, session timeouts on an injected
// clock, and every way a session ends.
#include "agritrace/registry/users.h"

#include "tests/support/registry_fixture.h"
#include "tests/support/text_search.h"

using namespace agritrace;
using namespace agritrace::testing;

namespace {

struct UsersFixture : RegistryFixture {
  int64_t Count(const std::string& table) {
    return store->db().QueryValue("SELECT COUNT(*) FROM " + table).Int64();
  }
  // The newest log event's kind and its canonical JSON.
  std::pair<std::string, std::string> LastEvent() {
    sql::Statement q(store->db(), "SELECT kind, leaf FROM events ORDER BY idx DESC LIMIT 1");
    REQUIRE(q.Step());
    return {q.Column(0).String(), q.Column(1).String()};
  }
  int64_t Add(const std::string& name, const std::string& role, int64_t org_id,
              const std::string& password) {
    auto h = HashPassword(password);
    REQUIRE(h.ok());
    auto r = AddUser(*store, {name, role, org_id}, *h, true, "cli");
    if (!r.ok()) FAIL(r.status().message());
    return r->id;
  }
};

constexpr int64_t kT0 = 1'800'000'000;

}  // namespace

TEST_CASE("passwords hash with argon2id and verify only when right", "[users]") {
  auto h = HashPassword("茶园春天-2026");
  REQUIRE(h.ok());
  CHECK(h->text.rfind("$argon2id$", 0) == 0);
  CHECK_FALSE(Contains(h->text, "茶园春天"));
  CHECK(VerifyPassword(*h, "茶园春天-2026"));
  CHECK_FALSE(VerifyPassword(*h, "茶园春天-2027"));
  CHECK_FALSE(VerifyPassword(*h, ""));
  // The same password twice gives two hashes (a fresh salt each time).
  CHECK(HashPassword("茶园春天-2026")->text != h->text);
}

TEST_CASE("password length rules: 8 characters at least, 256 bytes at most", "[users]") {
  CHECK(HashPassword("1234567").status().reason() == "password-too-short");
  CHECK(HashPassword("1234567").status().code() == StatusCode::kInvalid);
  CHECK(CheckNewPassword("12345678").ok());
  CHECK(CheckNewPassword("八个汉字的密码呀").ok());  // 8 characters, 24 bytes
  CHECK(CheckNewPassword("七个汉字的密码").reason() == "password-too-short");
  CHECK(CheckNewPassword(std::string(256, 'a')).ok());
  CHECK(CheckNewPassword(std::string(257, 'a')).reason() == "password-too-long");
  CHECK(CheckNewPassword("abcdefg\xff").reason() == "password-invalid");
}

TEST_CASE("generated passwords: 12 unambiguous characters, different each time", "[users]") {
  std::string a = GeneratePassword(), b = GeneratePassword();
  CHECK(a.size() == 12);
  CHECK(a != b);
  for (char c : a + b) {
    INFO(c);
    CHECK(std::string("0O1lI").find(c) == std::string::npos);
    CHECK(std::isalnum(static_cast<unsigned char>(c)));
  }
  CHECK(CheckNewPassword(a).ok());
}

TEST_CASE("adding a user appends one event naming the actor, never the password", "[users]") {
  UsersFixture f;
  const int64_t events = f.Count("events");
  int64_t id = f.Add("wang.fang", "clerk", f.org, "secret-password-1");
  CHECK(f.Count("events") == events + 1);
  auto [kind, leaf] = f.LastEvent();
  CHECK(kind == "user.added");
  CHECK(Contains(leaf, "\"actor\":\"cli\""));
  CHECK(Contains(leaf, "wang.fang"));
  CHECK_FALSE(Contains(leaf, "secret-password-1"));
  CHECK_FALSE(Contains(leaf, "argon2"));
  auto u = GetUser(*f.store, id);
  REQUIRE(u.ok());
  CHECK(u->role == "clerk");
  CHECK(u->org_id == f.org);
  CHECK(u->must_change_password);
  CHECK_FALSE(u->disabled);
  const std::vector<User> all = ListUsers(*f.store);
  REQUIRE(all.size() == 1);
  CHECK(all[0].username == "wang.fang");
  // What `user list --json` prints of an account: never a password or its hash.
  const Json shown = all;
  CHECK(shown[0] == Json{{"id", u->id}, {"username", "wang.fang"}, {"role", "clerk"},
                         {"org_id", f.org}, {"must_change_password", true},
                         {"disabled", false}, {"created_at", u->created_at}});
  CHECK_FALSE(Contains(shown.dump(), "argon2"));
}

TEST_CASE("bad accounts are refused and write nothing", "[users]") {
  UsersFixture f;
  f.Add("taken", "bureau", 0, "secret-password-1");
  auto h = HashPassword("secret-password-2");
  REQUIRE(h.ok());
  const std::string before = Snapshot(*f.store);
  struct Case {
    UserInput in;
    StatusCode code;
    std::string reason;
  };
  for (const auto& c : std::vector<Case>{
           {{"li.lei", "clerk", 0}, StatusCode::kInvalid, "org-required"},
           {{"li.lei", "manager", 0}, StatusCode::kInvalid, "org-required"},
           {{"li.lei", "bureau", f.org}, StatusCode::kInvalid, "org-not-allowed"},
           {{"li.lei", "admin", 0}, StatusCode::kInvalid, "role-invalid"},
           {{"Li Lei", "bureau", 0}, StatusCode::kInvalid, "username-invalid"},
           {{"x", "bureau", 0}, StatusCode::kInvalid, "username-invalid"},
           {{std::string(33, 'a'), "bureau", 0}, StatusCode::kInvalid, "username-invalid"},
           {{"<script>", "bureau", 0}, StatusCode::kInvalid, "username-invalid"},
           {{"taken", "bureau", 0}, StatusCode::kConflict, "username-taken"},
           {{"li.lei", "clerk", 9999}, StatusCode::kNotFound, ""},
       }) {
    INFO(c.in.username << " " << c.in.role);
    auto r = AddUser(*f.store, c.in, *h, true, "cli");
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == c.code);
    if (!c.reason.empty()) CHECK(r.status().reason() == c.reason);
  }
  // An unhashed password never reaches the table.
  CHECK_FALSE(AddUser(*f.store, {"plain", "bureau", 0}, {"plain-text-pw"}, true, "cli").ok());
  CHECK(Snapshot(*f.store) == before);
  CHECK(AddUser(*f.store, {std::string(32, 'a'), "bureau", 0}, *h, true, "cli").ok());
}

TEST_CASE("sign-in: right password, wrong password, unknown and disabled users", "[users]") {
  UsersFixture f;
  f.Add("wang.fang", "clerk", f.org, "secret-password-1");
  auto rec = LoadSignIn(*f.store, "wang.fang");
  REQUIRE(rec);
  auto ok = CheckSignIn(rec, "secret-password-1");
  REQUIRE(ok.ok());
  CHECK(ok->username == "wang.fang");
  CHECK(CheckSignIn(rec, "secret-password-2").status().reason() == "wrong-password");
  auto none = LoadSignIn(*f.store, "nobody");
  CHECK_FALSE(none);
  auto unknown = CheckSignIn(none, "secret-password-1");
  CHECK(unknown.status().reason() == "unknown-user");
  // One message for every refusal: the page must not tell which names exist.
  CHECK(unknown.status().zh() == CheckSignIn(rec, "x").status().zh());
  CHECK_FALSE(LoadSignIn(*f.store, std::string(1000, 'a')));
  REQUIRE(DisableUser(*f.store, "wang.fang", "cli").ok());
  CHECK(CheckSignIn(LoadSignIn(*f.store, "wang.fang"), "secret-password-1").status().reason() ==
        "disabled");
}

TEST_CASE("sessions end after 8 idle hours or 7 days, on an injected clock", "[users]") {
  UsersFixture f;
  int64_t id = f.Add("wang.fang", "clerk", f.org, "secret-password-1");
  auto s = CreateSession(*f.store, id, kT0);
  REQUIRE(s.ok());
  CHECK(s->id.size() == 43);
  // Only the hash is stored.
  CHECK(f.store->db()
            .QueryValue("SELECT COUNT(*) FROM sessions WHERE id_hash = '" + s->id + "'")
            .Int64() == 0);
  auto live = LookUpSession(*f.store, s->id, kT0 + kSessionIdleSeconds - 1);
  REQUIRE(live);
  CHECK(live->user.username == "wang.fang");
  CHECK(live->csrf == s->csrf);
  CHECK(live->last_seen_at == kT0 + kSessionIdleSeconds - 1);
  CHECK_FALSE(LookUpSession(*f.store, s->id + "x", kT0));
  CHECK_FALSE(LookUpSession(*f.store, "", kT0));

  SECTION("idle") {
    CHECK_FALSE(LookUpSession(*f.store, s->id, kT0 + 2 * kSessionIdleSeconds - 1));
    CHECK(CountSessions(*f.store, id) == 0);  // deleted, not just refused
  }
  SECTION("absolute") {
    // Seen every 7 hours, the session still ends 7 days after sign-in.
    int64_t t = kT0 + kSessionIdleSeconds - 1;
    while (t + 7 * 3600 < kT0 + kSessionAbsoluteSeconds) {
      t += 7 * 3600;
      REQUIRE(LookUpSession(*f.store, s->id, t));
    }
    CHECK_FALSE(LookUpSession(*f.store, s->id, kT0 + kSessionAbsoluteSeconds));
    CHECK(CountSessions(*f.store, id) == 0);
  }
  SECTION("a clock that went backwards or overflows does not keep a session alive") {
    CHECK(LookUpSession(*f.store, s->id, kT0));
    CHECK_FALSE(LookUpSession(*f.store, s->id, INT64_MIN));
  }
  SECTION("sign-out") {
    EndSession(*f.store, s->id);
    CHECK_FALSE(LookUpSession(*f.store, s->id, kT0 + 1));
  }
}

TEST_CASE("disabling a user and a password reset end its sessions", "[users]") {
  UsersFixture f;
  int64_t id = f.Add("wang.fang", "clerk", f.org, "secret-password-1");
  int64_t other = f.Add("li.lei", "clerk", f.org, "secret-password-1");
  auto a = CreateSession(*f.store, id, kT0);
  auto b = CreateSession(*f.store, id, kT0);
  auto c = CreateSession(*f.store, other, kT0);
  REQUIRE((a.ok() && b.ok() && c.ok()));
  const int64_t events = f.Count("events");

  SECTION("disable") {
    auto r = DisableUser(*f.store, "wang.fang", "user:admin");
    REQUIRE(r.ok());
    CHECK(r->sessions_ended == 2);
    CHECK(r->username == "wang.fang");
    CHECK(r->actor == "user:admin");
    CHECK_FALSE(LookUpSession(*f.store, a->id, kT0 + 1));
    CHECK_FALSE(LookUpSession(*f.store, b->id, kT0 + 1));
    CHECK(LookUpSession(*f.store, c->id, kT0 + 1));  // someone else's stays
    CHECK(f.Count("events") == events + 1);
    auto [kind, leaf] = f.LastEvent();
    CHECK(kind == "user.disabled");
    CHECK(Contains(leaf, "\"actor\":\"user:admin\""));
    CHECK(GetUser(*f.store, id)->disabled);
    // Twice is refused and logs nothing more.
    CHECK(DisableUser(*f.store, "wang.fang", "cli").status().code() == StatusCode::kConflict);
    CHECK(f.Count("events") == events + 1);
    // A session opened somehow after disabling is still refused.
    auto late = CreateSession(*f.store, id, kT0);
    CHECK_FALSE(LookUpSession(*f.store, late->id, kT0 + 1));
  }
  SECTION("reset") {
    auto h = HashPassword("new-one-time-pw");
    REQUIRE(h.ok());
    auto r = ResetPassword(*f.store, "wang.fang", *h, "cli");
    REQUIRE(r.ok());
    CHECK_FALSE(LookUpSession(*f.store, a->id, kT0 + 1));
    CHECK(LookUpSession(*f.store, c->id, kT0 + 1));
    auto [kind, leaf] = f.LastEvent();
    CHECK(kind == "user.password-reset");
    CHECK_FALSE(Contains(leaf, "new-one-time-pw"));
    CHECK_FALSE(Contains(leaf, "argon2"));
    auto rec = LoadSignIn(*f.store, "wang.fang");
    CHECK(rec->user.must_change_password);
    CHECK_FALSE(CheckSignIn(rec, "secret-password-1").ok());
    CHECK(CheckSignIn(rec, "new-one-time-pw").ok());
  }
  SECTION("change keeps the session that changed it and ends the others") {
    auto h = HashPassword("my-own-password");
    REQUIRE(h.ok());
    auto r = ChangePassword(*f.store, id, *h, a->id, "user:wang.fang");
    REQUIRE(r.ok());
    CHECK(r->sessions_ended == 1);
    CHECK(LookUpSession(*f.store, a->id, kT0 + 1));
    CHECK_FALSE(LookUpSession(*f.store, b->id, kT0 + 1));
    auto [kind, leaf] = f.LastEvent();
    CHECK(kind == "user.password-changed");
    CHECK(Contains(leaf, "\"actor\":\"user:wang.fang\""));
    CHECK_FALSE(Contains(leaf, "my-own-password"));
    CHECK_FALSE(GetUser(*f.store, id)->must_change_password);
  }
  SECTION("unknown users") {
    CHECK(DisableUser(*f.store, "nobody", "cli").status().code() == StatusCode::kNotFound);
    auto h = HashPassword("new-one-time-pw");
    CHECK(ResetPassword(*f.store, "nobody", *h, "cli").status().code() == StatusCode::kNotFound);
    CHECK(f.Count("events") == events);
  }
}

TEST_CASE("sign-in failures are kept without the password, names cut to 64 bytes", "[users]") {
  UsersFixture f;
  RecordSignInFailure(*f.store, "wang.fang", "net-hash-1", "wrong-password");
  RecordSignInFailure(*f.store, std::string(62, 'a') + "茶茶", "net-hash-2", "unknown-user");
  const std::vector<SignInFailure> all = ListSignInFailures(*f.store, 0, 10);
  REQUIRE(all.size() == 2);
  CHECK(all[0].username == "wang.fang");
  CHECK(all[0].net == "net-hash-1");
  CHECK(all[0].reason == "wrong-password");
  // 62 + 3 bytes would be 65: the cut keeps whole characters.
  CHECK(all[1].username == std::string(62, 'a'));
  CHECK(ListSignInFailures(*f.store, all[0].id, 10).size() == 1);
}
