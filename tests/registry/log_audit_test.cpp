// The log audit: every table row a log event stands for is held to that event, rows without an
// event and events without a row are named, by table and key. Tampering is done as an intruder
// would: raw SQL on the file, after dropping whatever trigger stands in the way.
#include "agritrace/registry/log_audit.h"

#include <catch2/catch.hpp>

#include "agritrace/registry/checkpoint_signer.h"
#include "agritrace/registry/code_exports.h"
#include "agritrace/registry/encoding.h"
#include "agritrace/registry/hgz.h"
#include "agritrace/registry/log_store.h"
#include "agritrace/registry/print_runs.h"
#include "agritrace/registry/tokens.h"
#include "agritrace/registry/unit_store.h"
#include "agritrace/registry/users.h"
#include "tests/support/registry_fixture.h"

namespace agritrace {
namespace {

using testing::RegistryFixture;

// Mints `count` codes (the last `spares` of them spare) and logs them as label_job.cpp does:
// codes_sha256 = SHA-256 over the 16-character codes in serial order (docs/formats/log.md §11).
void Mint(Store& store, const std::string& lot, int64_t count, int64_t spares, int tag) {
  REQUIRE(
      store
          .Transact([&]() -> Status {
            auto id = LotId(store, lot);
            if (!id.ok()) return id.status();
            auto writer = UnitWriter::Open(store.db(), *id);
            if (!writer.ok()) return writer.status();
            const int64_t first = (*writer)->next_serial();
            std::string all;
            for (int64_t i = 0; i < count; ++i) {
              char code[17];
              snprintf(code, sizeof code, "T%02d%013lld", tag, static_cast<long long>(first + i));
              all += code;
              if (Status s = (*writer)->Add(std::string(code), i >= count - spares); !s.ok())
                return s;
            }
            auto ev = store.AppendEvent("units.minted", {{"lot", lot},
                                                         {"first_serial", first},
                                                         {"last_serial", first + count - 1},
                                                         {"minted", count - spares},
                                                         {"spares", spares},
                                                         {"codes_sha256", HexEncode(Sha256(all))}});
            return ev.ok() ? Status::Ok() : ev.status();
          })
          .ok());
}

struct AuditFixture : RegistryFixture {
  std::string lot, lot2;
  int64_t lot_id = 0, lot2_id = 0;
  AuditFixture() {
    lot = IssueLot(*store, TeaLot(50))->code;
    lot2 = IssueLot(*store, TeaLot(50))->code;
    lot_id = *LotId(*store, lot);
    lot2_id = *LotId(*store, lot2);
    Mint(*store, lot, 10, 2, 1);
    Mint(*store, lot, 5, 0, 2);
    Mint(*store, lot2, 7, 0, 3);
    REQUIRE(
        AddTraceEvent(*store, lot, "shipping", "2026-04-10T08:30:00+08:00", "469025", "", "").ok());
    REQUIRE(RecallLot(*store, lot2, "抽检不合格").ok());
    REQUIRE(CreateToken(*store, {"bureau", 0, "县局"}).ok());
    REQUIRE(ChangeCertificationStatus(*store, green, "suspend", "抽检", "cli").ok());
    REQUIRE(SignRegistryCheckpoint(*store).ok());
    REQUIRE(CreateToken(*store, {"cooperative", org, "合作社"}).ok());
    REQUIRE(SignRegistryCheckpoint(*store).ok());
  }

  void Sql(const std::string& sql) { store->db().Exec(sql); }

  LogAuditReport Audit(size_t max = 1000) {
    auto r = AuditTables(store->db(), max);
    REQUIRE(r.ok());
    return std::move(r).value();
  }
};

// The mismatch naming `table` and a key containing `key`, or null.
const TableMismatch* Find(const LogAuditReport& r, const std::string& table,
                          const std::string& key) {
  for (const auto& m : r.mismatches)
    if (m.table == table && m.key.find(key) != std::string::npos) return &m;
  return nullptr;
}

std::string Listing(const LogAuditReport& r) {
  std::string out;
  for (const auto& m : r.mismatches)
    out += m.table + " " + m.key + " " + m.reason + ": " + m.en + "\n";
  return out;
}

TEST_CASE("an untouched registry agrees with its log", "[log_audit]") {
  AuditFixture f;
  LogAuditReport r = f.Audit();
  INFO(Listing(r));
  CHECK(r.mismatch_count == 0);
  CHECK(r.mismatches.empty());
  // Events, 22 units, 2 lots and the rest were all read.
  CHECK(r.rows_checked > Size(f.store->db()) + 22 + 2);
  CHECK(VerifyLog(f.store->db(), NoteVerifiers(*f.store)).ok());
}

TEST_CASE("every tampered row is named by table and key", "[log_audit]") {
  AuditFixture f;
  std::string table, key, reason, column;

  SECTION("lots.record_json") {
    f.Sql(
        "UPDATE lots SET record_json = replace(record_json, '\"units\":50', '\"units\":90') "
        "WHERE id = " +
        std::to_string(f.lot_id));
    table = "lots", key = "code=" + f.lot, reason = "row-differs", column = "record_json";
  }
  SECTION("lots.units") {
    f.Sql("UPDATE lots SET units = 500 WHERE id = " + std::to_string(f.lot2_id));
    table = "lots", key = "code=" + f.lot2, reason = "row-differs", column = "units";
  }
  SECTION("a lot's household") {
    f.Sql("UPDATE lot_households SET registered_poor = 1 WHERE household = 'H-0002' AND lot_id = " +
          std::to_string(f.lot_id));
    table = "lot_households", key = "lot_id=" + std::to_string(f.lot_id), reason = "row-differs";
  }
  SECTION("a lot's certificate link removed") {
    f.Sql("DELETE FROM lot_certs WHERE lot_id = " + std::to_string(f.lot2_id));
    table = "lot_certs", key = "lot_id=" + std::to_string(f.lot2_id), reason = "row-differs";
  }
  SECTION("a lot row without its event") {
    f.Sql(
        "INSERT INTO lots(code, product_id, org_id, origin, harvested, packed, units, "
        "net_content_g, record_json, signature, kid, event_index, issued_at) SELECT "
        "'ZZZZZZZZZZ', product_id, org_id, origin, harvested, packed, units, net_content_g, "
        "record_json, signature, kid, event_index, issued_at FROM lots WHERE id = " +
        std::to_string(f.lot_id));
    table = "lots", key = "code=ZZZZZZZZZZ", reason = "row-without-event";
  }
  SECTION("a lot row deleted") {
    testing::ForeignKeysOff(*f.store);
    f.Sql("DELETE FROM lots WHERE id = " + std::to_string(f.lot2_id));
    table = "lots", key = "event_index=", reason = "event-without-row";
  }
  SECTION("a unit moved to another lot") {
    f.Sql("UPDATE units SET lot_id = " + std::to_string(f.lot2_id) +
          ", serial = 40 WHERE code = 'T010000000000003'");
    table = "units", key = "code=T010000000000003", reason = "unit-outside-mint";
  }
  SECTION("a unit's code replaced") {
    f.Sql("UPDATE units SET code = 'T019999999999999' WHERE code = 'T010000000000004'");
    table = "units", key = "lot=" + f.lot + " serial=1..10", reason = "units-hash-differs";
  }
  SECTION("a unit deleted") {
    f.Sql("DELETE FROM units WHERE code = 'T020000000000013'");
    table = "units", key = "lot=" + f.lot + " serial=11..15", reason = "units-missing";
  }
  SECTION("a spare made regular") {
    f.Sql("UPDATE units SET spare = 0 WHERE code = 'T010000000000010'");
    table = "units", key = "code=T010000000000010", reason = "row-differs", column = "spare";
  }
  SECTION("a unit row inserted") {
    f.Sql("INSERT INTO units VALUES ('T990000000000001', " + std::to_string(f.lot2_id) + ", 8, 0)");
    table = "units", key = "code=T990000000000001", reason = "unit-outside-mint";
  }
  SECTION("a trace step rewritten") {
    f.Sql("UPDATE trace_events SET step = 'retail' WHERE step = 'shipping'");
    table = "trace_events", key = "id=1", reason = "row-differs", column = "step";
  }
  SECTION("a recall deleted") {
    f.Sql("DELETE FROM trace_events WHERE step = 'recall'");
    table = "trace_events", key = "event_index=", reason = "event-without-row";
  }
  SECTION("a trace row without an event") {
    f.Sql("INSERT INTO trace_events(lot_id, step, at, event_index) VALUES (" +
          std::to_string(f.lot_id) + ", 'retail', '2026-05-01T00:00:00Z', 0)");
    table = "trace_events", key = "id=3", reason = "row-without-event";
  }
  SECTION("a certification's status flipped") {
    f.Sql("UPDATE certifications SET status = 'active' WHERE number = '" + f.green + "'");
    table = "certifications", key = "number=" + f.green, reason = "row-differs", column = "status";
  }
  SECTION("a certification's products widened") {
    f.Sql("INSERT INTO cert_products VALUES (1, " + std::to_string(f.coffee) + ")");
    table = "cert_products", key = "cert_id=1", reason = "row-differs";
  }
  SECTION("a token un-revoked... or its hash swapped") {
    f.Sql("UPDATE tokens SET hash = " + testing::RandomBlobSql(*f.store) + " WHERE id = 2");
    table = "tokens", key = "id=2", reason = "row-differs", column = "hash";
  }
  SECTION("a token made up") {
    f.Sql(
        "INSERT INTO tokens(hash, role, name, created_at) VALUES (" + testing::RandomBlobSql(*f.store) +
        ", 'bureau', 'x', '2026-01-01T00:00:00Z')");
    table = "tokens", key = "id=3", reason = "row-without-event";
  }
  SECTION("a signing key replaced") {
    f.Sql("UPDATE signing_keys SET public_key = " + testing::RandomBlobSql(*f.store));
    table = "signing_keys", key = "kid=", reason = "row-differs", column = "public_key";
  }
  SECTION("an organisation renamed") {
    f.Sql("UPDATE organisations SET name = '别家' WHERE id = " + std::to_string(f.org));
    table = "organisations", key = "id=" + std::to_string(f.org), reason = "row-differs",
    column = "name";
  }
  SECTION("the newest checkpoint deleted") {
    const int64_t newest = f.store->db().QueryValue("SELECT MAX(size) FROM checkpoints").Int64();
    f.Sql("DELETE FROM checkpoints WHERE size = " + std::to_string(newest));
    table = "checkpoints", key = "size=" + std::to_string(newest), reason = "checkpoint-missing";
    // The log itself still verifies: only the audit can tell.
    CHECK(VerifyLog(f.store->db(), NoteVerifiers(*f.store)).ok());
  }
  SECTION("an older checkpoint deleted") {
    const int64_t oldest = f.store->db().QueryValue("SELECT MIN(size) FROM checkpoints").Int64();
    f.Sql("DELETE FROM checkpoints WHERE size = " + std::to_string(oldest));
    table = "checkpoints", key = "size=" + std::to_string(oldest), reason = "checkpoint-missing";
  }
  SECTION("an events row's kind column") {
    testing::DropTrigger(*f.store, "events_no_update", "events");
    f.Sql("UPDATE events SET kind = 'x' WHERE idx = 3");
    table = "events", key = "idx=3", reason = "event-row-differs";
  }

  LogAuditReport r = f.Audit();
  INFO(Listing(r));
  const TableMismatch* m = Find(r, table, key);
  REQUIRE(m != nullptr);
  CHECK(m->reason == reason);
  CHECK(m->en.find("table " + table + " row ") == 0);
  CHECK(m->zh.find("表 " + table + " 行 ") == 0);
  if (!column.empty()) CHECK(m->en.find(column) != std::string::npos);
  CHECK(r.mismatch_count >= 1);
}

TEST_CASE("a unit's lot_id edit names the unit and the hole it leaves", "[log_audit]") {
  AuditFixture f;
  f.Sql("UPDATE units SET lot_id = " + std::to_string(f.lot2_id) +
        ", serial = 30 WHERE code = 'T010000000000003'");
  LogAuditReport r = f.Audit();
  INFO(Listing(r));
  CHECK(Find(r, "units", "code=T010000000000003") != nullptr);
  const TableMismatch* hole = Find(r, "units", "lot=" + f.lot + " serial=1..10");
  REQUIRE(hole != nullptr);
  CHECK(hole->reason == "units-missing");
  CHECK(hole->en.find("serials 3..2") == std::string::npos);
  CHECK(hole->en.find("serials 3..3 are missing") != std::string::npos);
}

TEST_CASE("the audit keeps at most the mismatches it is asked to", "[log_audit]") {
  AuditFixture f;
  for (int i = 0; i < 5; ++i)
    f.Sql("INSERT INTO units VALUES ('T99000000000000" + std::to_string(i) + "', " +
          std::to_string(f.lot2_id) + ", " + std::to_string(20 + i) + ", 0)");
  LogAuditReport r = f.Audit(2);
  CHECK(r.mismatch_count == 5);
  CHECK(r.mismatches.size() == 2);
  CHECK(f.Audit(0).mismatches.empty());
  CHECK(f.Audit().mismatches.size() == 5);
}

TEST_CASE("the audit reads one snapshot and leaves no transaction open", "[log_audit]") {
  AuditFixture f;
  REQUIRE(f.Audit().mismatch_count == 0);
  f.Sql("BEGIN");
  f.Sql("COMMIT");
  // Inside a caller's transaction it nests.
  f.Sql("BEGIN");
  auto r = AuditTables(f.store->db());
  f.Sql("COMMIT");
  REQUIRE(r.ok());
  CHECK(r->mismatch_count == 0);
}

// Console accounts: wang.fang (clerk, disabled), li.na (manager, password reset, then changed by
// herself), zhao.jun (bureau, no change required). Two hashes made once: argon2id is slow.
struct UsersAuditFixture : AuditFixture {
  int64_t wang = 0, li = 0, zhao = 0;
  UsersAuditFixture() {
    static const PasswordHash first = HashPassword("first-password-1").value(),
                              second = HashPassword("second-password-2").value();
    wang = AddAccount({"wang.fang", "clerk", org}, first, true);
    li = AddAccount({"li.na", "manager", org}, first, true);
    zhao = AddAccount({"zhao.jun", "bureau", 0}, second, false);
    REQUIRE(DisableUser(*store, "wang.fang", "cli").ok());
    REQUIRE(ResetPassword(*store, "li.na", second, "cli").ok());
    REQUIRE(ChangePassword(*store, li, first, "", "user:li.na").ok());
  }
  int64_t AddAccount(const UserInput& in, const PasswordHash& hash, bool must_change) {
    auto r = AddUser(*store, in, hash, must_change, "cli");
    REQUIRE(r.ok());
    return r->id;
  }
};

TEST_CASE("an untouched registry with console accounts agrees with its log", "[log_audit]") {
  UsersAuditFixture f;
  // Sessions and failed sign-ins are no registry state: they log nothing and are not held to it.
  REQUIRE(CreateSession(*f.store, f.li, 1'800'000'000).ok());
  RecordSignInFailure(*f.store, "wang.fang", "net", "disabled");
  LogAuditReport r = f.Audit();
  INFO(Listing(r));
  CHECK(r.mismatch_count == 0);
  CHECK(r.rows_checked > Size(f.store->db()) + 3);
}

TEST_CASE("every tampered users row is named by table and key", "[log_audit]") {
  UsersAuditFixture f;
  std::string key, reason, column;
  std::string event_kind = "user.added";  // the event the mismatch must cite

  SECTION("a role raised") {
    f.Sql("UPDATE users SET role = 'manager' WHERE username = 'wang.fang'");
    key = "username=wang.fang", reason = "row-differs", column = "role";
  }
  SECTION("a clerk moved to another organisation") {
    f.Sql("UPDATE users SET org_id = " + std::to_string(f.other_org) +
          " WHERE id = " + std::to_string(f.wang));
    key = "username=wang.fang", reason = "row-differs", column = "org_id";
  }
  SECTION("a disabled account enabled") {
    f.Sql("UPDATE users SET disabled = 0 WHERE username = 'wang.fang'");
    key = "username=wang.fang", reason = "row-differs", column = "disabled";
    event_kind = "user.disabled";
  }
  SECTION("an account disabled without its event") {
    f.Sql("UPDATE users SET disabled = 1 WHERE username = 'zhao.jun'");
    key = "username=zhao.jun", reason = "row-differs", column = "disabled";
  }
  SECTION("a required password change cleared") {
    f.Sql("UPDATE users SET must_change_password = 0 WHERE username = 'wang.fang'");
    key = "username=wang.fang", reason = "row-differs", column = "must_change_password";
  }
  SECTION("a password hash swapped for one the intruder knows") {
    f.Sql(
        "UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE username = "
        "'zhao.jun') WHERE username = 'li.na'");
    key = "username=li.na", reason = "row-differs", column = "password_hash";
    event_kind = "user.password-changed";  // the newest password event vouches for the hash
  }
  SECTION("an account made up") {
    f.Sql(
        "INSERT INTO users(username, role, password_hash, must_change_password, disabled, "
        "created_at) SELECT 'mallory', 'bureau-admin', password_hash, 0, 0, created_at FROM "
        "users WHERE username = 'zhao.jun'");
    key = "username=mallory", reason = "row-without-event";
    event_kind.clear();
  }
  SECTION("an account deleted") {
    f.Sql("DELETE FROM users WHERE username = 'zhao.jun'");
    key = "id=" + std::to_string(f.zhao) + " username=zhao.jun", reason = "event-without-row";
  }

  LogAuditReport r = f.Audit();
  INFO(Listing(r));
  const TableMismatch* m = Find(r, "users", key);
  REQUIRE(m != nullptr);
  CHECK(m->reason == reason);
  CHECK(m->en.find("table users row ") == 0);
  CHECK(m->zh.find("表 users 行 ") == 0);
  if (!column.empty()) CHECK(m->en.find(column) != std::string::npos);
  if (event_kind.empty()) {
    CHECK(m->event == -1);
  } else {
    sql::Statement q(f.store->db(), "SELECT kind FROM events WHERE idx = ?");
    q.Bind(1, m->event);
    REQUIRE(q.Step());
    CHECK(q.Column(0).String() == event_kind);
  }
  CHECK(r.mismatch_count == 1);  // one edit, one mismatch: nothing else is blamed
}

// Two 承诺达标合格证 on the first lot: a producer's and a collector's that received it.
struct HgzAuditFixture : AuditFixture {
  std::string producer, collector;
  int64_t producer_id = 0, collector_id = 0;
  HgzAuditFixture() {
    HgzInput in = testing::SampleHgz(lot);
    in.weight_g = 1500;
    producer = IssueHgz(*store, in)->number;
    in.style = "collector";
    in.pieces = 2, in.weight_g = 0;
    in.from = {producer};
    collector = IssueHgz(*store, in)->number;
    producer_id = store->db().QueryValue("SELECT id FROM hgz WHERE number = '" + producer + "'").Int64();
    collector_id = store->db().QueryValue("SELECT id FROM hgz WHERE number = '" + collector + "'").Int64();
  }
};

TEST_CASE("certificates (hgz) agree with their log, and every tampered one is named",
          "[log_audit][hgz]") {
  HgzAuditFixture f;
  {
    LogAuditReport clean = f.Audit();
    INFO(Listing(clean));
    REQUIRE(clean.mismatch_count == 0);
  }
  std::string table = "hgz", key, reason = "row-differs", column;
  SECTION("weight raised in the column") {
    f.Sql("UPDATE hgz SET weight_g = 9000, covered_g = 9000 WHERE number = '" + f.producer + "'");
    key = "number=" + f.producer, column = "weight_g, covered_g";
  }
  SECTION("the signed record rewritten") {
    f.Sql("UPDATE hgz SET record_json = replace(record_json, '\"weight_g\":1500', "
          "'\"weight_g\":9000') WHERE number = '" + f.producer + "'");
    key = "number=" + f.producer, column = "record_json";
  }
  SECTION("the basis changed") {
    f.Sql("UPDATE hgz SET basis = 'self-test' WHERE number = '" + f.producer + "'");
    key = "number=" + f.producer, column = "basis";
  }
  SECTION("moved to another lot") {
    f.Sql("UPDATE hgz SET lot_id = " + std::to_string(f.lot2_id) + " WHERE number = '" +
          f.collector + "'");
    key = "number=" + f.collector, column = "lot_id";
  }
  SECTION("a received certificate removed") {
    f.Sql("DELETE FROM hgz_received WHERE hgz_id = " + std::to_string(f.collector_id));
    table = "hgz_received", key = "hgz_id=" + std::to_string(f.collector_id);
    column = "received_id";
  }
  SECTION("a certificate deleted") {
    f.Sql("DELETE FROM hgz_received");
    f.Sql("DELETE FROM hgz WHERE number = '" + f.collector + "'");
    key = "event_index=", reason = "event-without-row";
  }
  SECTION("a certificate forged from another's row") {
    f.Sql("INSERT INTO hgz(number, lot_id, org_id, style, basis, report, weight_g, pieces, "
          "covered_g, contact, issued_on, record_json, signature, kid, event_index, issued_at) "
          "SELECT 'HZZZZZZZZZZ', lot_id, org_id, style, basis, report, weight_g, pieces, "
          "covered_g, contact, issued_on, record_json, signature, kid, event_index, issued_at "
          "FROM hgz WHERE number = '" + f.producer + "'");
    key = "number=HZZZZZZZZZZ", reason = "row-without-event";
  }
  LogAuditReport r = f.Audit();
  INFO(Listing(r));
  const TableMismatch* m = Find(r, table, key);
  REQUIRE(m != nullptr);
  CHECK(m->reason == reason);
  CHECK(m->zh.find("表 " + table + " 行 ") == 0);
  if (!column.empty()) CHECK(m->en.find(column) != std::string::npos);
  // An hgz row mistaken for a lot (or the other way round) would blame more than one row.
  CHECK(r.mismatch_count == 1);
}

}  // namespace
}  // namespace agritrace

namespace agritrace {
namespace {

// Two print runs of `lot`: 1 ended (serials 1-10, 7 surely sent), 2 still open (a killed run).
struct PrintAuditFixture : AuditFixture {
  PrintAuditFixture() {
    PrintRunStart run{lot, false, 1, 10, "tspl", {{"size", "50x30"}, {"copies", 1}},
                      "tcp://10.0.0.5:9100", "cli:clerk", 0};
    auto first = StartPrintRun(*store, run);
    REQUIRE(first.ok());
    REQUIRE(EndPrintRun(*store, *first, PrintOutcome::kInterrupted, 7).ok());
    run.first_serial = 8;
    run.resumes = *first;
    REQUIRE(StartPrintRun(*store, run).ok());
  }
};

}  // namespace

TEST_CASE("print runs agree with their log events, every edit is named", "[log_audit]") {
  PrintAuditFixture f;
  {
    LogAuditReport clean = f.Audit();
    INFO(Listing(clean));
    CHECK(clean.mismatch_count == 0);
  }
  std::string key, reason, column;
  SECTION("sent_through raised to hide a jam") {
    f.Sql("UPDATE print_runs SET sent_through = 10 WHERE id = 1");
    key = "id=1", reason = "row-differs", column = "sent_through";
  }
  SECTION("an unfinished run marked complete") {
    f.Sql("UPDATE print_runs SET outcome = 'complete', sent_through = 10 WHERE id = 2");
    key = "id=2", reason = "row-differs", column = "outcome";
  }
  SECTION("the range narrowed") {
    f.Sql("UPDATE print_runs SET last_serial = 8 WHERE id = 2");
    key = "id=2", reason = "row-differs", column = "last_serial";
  }
  SECTION("the printer renamed") {
    f.Sql("UPDATE print_runs SET destination = 'file:/tmp/x' WHERE id = 1");
    key = "id=1", reason = "row-differs", column = "destination";
  }
  SECTION("a run deleted") {
    f.Sql("DELETE FROM print_runs WHERE id = 2");
    key = "id=2", reason = "event-without-row";
  }
  SECTION("a run nobody logged") {
    f.Sql(
        "INSERT INTO print_runs(id, lot_id, lot_only, first_serial, last_serial, format, options, "
        "destination, actor, started_at, start_event) SELECT 9, lot_id, 0, 1, 10, format, "
        "options, destination, actor, started_at, start_event FROM print_runs WHERE id = 1");
    key = "id=9", reason = "row-without-event";
  }
  LogAuditReport r = f.Audit();
  INFO(Listing(r));
  const TableMismatch* m = Find(r, "print_runs", key);
  REQUIRE(m != nullptr);
  CHECK(m->reason == reason);
  if (!column.empty()) CHECK(m->en.find(column) != std::string::npos);
}

TEST_CASE("reprints: serials an earlier run printed, but not those a resumed run left uncertain",
          "[print_runs]") {
  PrintAuditFixture f;  // run 1: 1-10, 7 surely sent; run 2 resumes it from 8, not ended
  CHECK(FindReprints(*f.store).empty());
  REQUIRE(EndPrintRun(*f.store, 2, PrintOutcome::kComplete, 10).ok());
  CHECK(EndPrintRun(*f.store, 2, PrintOutcome::kComplete, 10).status().code() ==
        StatusCode::kConflict);
  CHECK(FindReprints(*f.store).empty());
  // Serials 5-12 again: 5-10 were printed (1-7 by run 1, 8-10 by run 2).
  PrintRunStart again{f.lot, false, 5, 12, "pdf", {{"copies", 1}}, "download", "token:3", 0};
  REQUIRE(StartPrintRun(*f.store, again).ok());
  auto reprints = FindReprints(*f.store);
  REQUIRE(reprints.size() == 1);
  CHECK(reprints[0].run.id == 3);
  CHECK(reprints[0].serials == 6);
  CHECK(RangesText(reprints[0].ranges) == "5–10");
  PrintSummary summary = LotPrintSummary(*f.store, f.lot);
  CHECK(summary.reprinted_serials == 6);
  CHECK(summary.serials_printed == 12);
  CHECK(summary.unfinished_runs == 1);
  Report report = ReprintReport(*f.store);
  REQUIRE(report.rows.size() == 1);
  CHECK(report.rows[0]["actor"] == "token:3");
  // The log audit agrees throughout.
  CHECK(f.Audit().mismatch_count == 0);
}

TEST_CASE("code exports agree with their log events, every edit is named", "[log_audit]") {
  AuditFixture f;
  CodeExport e;
  e.lot_code = f.lot;
  e.first_serial = 1;
  e.last_serial = 10;
  e.format = "zip";
  e.file = "/srv/exports/codes.zip";
  e.sha256 = std::string(64, 'a');
  e.bytes = 1234;
  e.actor = "cli:clerk";
  REQUIRE(RecordCodeExport(*f.store, e, false).ok());
  // Again, only with a reason.
  CHECK(RecordCodeExport(*f.store, e, false).status().reason() == "export-overlap");
  e.again_reason = "文件损坏";
  e.first_serial = 5;
  REQUIRE(RecordCodeExport(*f.store, e, true).ok());
  CHECK(ReexportReport(*f.store).rows.size() == 1);
  CHECK(f.Audit().mismatch_count == 0);
  std::string key, reason, column;
  SECTION("the file's hash swapped") {
    f.Sql("UPDATE code_exports SET sha256 = '" + std::string(64, 'b') + "' WHERE id = 1");
    key = "id=1", reason = "row-differs", column = "sha256";
  }
  SECTION("a re-export's reason erased") {
    f.Sql("UPDATE code_exports SET again_reason = NULL WHERE id = 2");
    key = "id=2", reason = "row-differs", column = "again_reason";
  }
  SECTION("an export deleted") {
    f.Sql("DELETE FROM code_exports WHERE id = 1");
    key = "id=1", reason = "event-without-row";
  }
  SECTION("an export nobody logged") {
    f.Sql("INSERT INTO code_exports SELECT 7, lot_id, 20, 30, format, file, sha256, bytes, actor, "
          "NULL, exported_at, event_index FROM code_exports WHERE id = 1");
    key = "id=7", reason = "row-without-event";
  }
  LogAuditReport r = f.Audit();
  INFO(Listing(r));
  const TableMismatch* m = Find(r, "code_exports", key);
  REQUIRE(m != nullptr);
  CHECK(m->reason == reason);
  if (!column.empty()) CHECK(m->en.find(column) != std::string::npos);
}

}  // namespace agritrace
