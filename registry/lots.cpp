#include "agritrace/registry/lots.h"

#include <cstdlib>

#include "agritrace/registry/crockford.h"
#include "agritrace/registry/dates.h"
#include "agritrace/registry/encoding.h"
#include "agritrace/registry/household_table.h"
#include "agritrace/registry/issue_rules.h"
#include "agritrace/registry/key_ring.h"
#include "registry/fault_injection.h"
#include "registry/record_checks.h"
#include "registry/signed_record_row.h"

namespace agritrace {
namespace {

Status LotNotFound(const std::string& code) {
  return Status::NotFound("找不到批次 " + code + "；请核对批次码", "no lot " + code + "; check the lot code")
      .with_reason("lot-unknown");
}

// Records a refused issue in its own transaction: the refusal row is the only thing written.
void RecordRefusal(Store& store, const LotInput& lot, const Status& why) {
  store.Transact([&]() -> Status {
    sql::Statement org(store.db(), "SELECT org_id FROM products WHERE id = ?");
    org.Bind(1, lot.product_id);
    sql::Statement ins(store.db(),
                       "INSERT INTO refusals(at, org_id, product_id, reason, message) "
                       "VALUES (?, ?, ?, ?, ?)");
    ins.Bind(1, NowUtc());
    if (org.Step()) ins.Bind(2, org.Column(0).Int64()); else ins.Bind(2);
    if (lot.product_id) ins.Bind(3, lot.product_id); else ins.Bind(3);
    ins.Bind(4, why.reason().empty() ? "invalid" : why.reason());
    ins.Bind(5, why.message());
    ins.Exec();
    return Status::Ok();
  });
}

}  // namespace

Result<int64_t> LotId(Store& store, const std::string& code) {
  sql::Statement q(store.db(), "SELECT id FROM lots WHERE code = ?");
  q.Bind(1, code);
  if (!q.Step()) return LotNotFound(code);
  return q.Column(0).Int64();
}

Result<LotCapacity> GetLotCapacity(Store& store, const std::string& code) {
  sql::Statement q(store.db(), "SELECT id, units FROM lots WHERE code = ?");
  q.Bind(1, code);
  if (!q.Step()) return LotNotFound(code);
  return LotCapacity{q.Column(0).Int64(), q.Column(1).Int64()};
}

Result<int64_t> LotOwner(Store& store, const std::string& code) {
  sql::Statement q(store.db(), "SELECT org_id FROM lots WHERE code = ?");
  q.Bind(1, code);
  if (!q.Step()) return LotNotFound(code);
  return q.Column(0).Int64();
}

bool IsRecalled(Store& store, int64_t lot_id) {
  sql::Statement q(store.db(), "SELECT 1 FROM trace_events WHERE lot_id = ? AND step = 'recall'");
  q.Bind(1, lot_id);
  return q.Step();
}

std::string MintLotCode() {
  std::string code = crockford::Random(9);
  code.push_back(crockford::CheckChar(code));
  return code;
}

Result<int64_t> ParseKilograms(const std::string& kg) {
  // Exact decimal kilograms to integer grams: no floating point reaches signed data.
  auto dot = kg.find('.');
  std::string whole = kg.substr(0, dot), frac = dot == std::string::npos ? "" : kg.substr(dot + 1);
  Status bad = Status::Invalid("公斤数应为最多 3 位小数的数字，例如 120.5：" + kg,
                               "kilograms must be a number with up to 3 decimals, e.g. 120.5: " + kg)
                   .with_reason("kilograms-format");
  if (whole.empty() || whole.size() > 9 || frac.size() > 3) return bad;
  for (char c : whole + frac)
    if (c < '0' || c > '9') return bad;
  return std::stoll(whole) * 1000 + (frac.empty() ? 0 : std::stoll((frac + "00").substr(0, 3)));
}

Result<Household> ParseHousehold(const std::string& text) {
  Status bad = Status::Invalid("农户格式应为 编号:公斤[:poor]，例如 H-0001:120.5:poor：" + text,
                               "household must be ID:KG[:poor], e.g. H-0001:120.5:poor: " + text)
                   .with_reason("household-format");
  auto c1 = text.find(':');
  if (c1 == std::string::npos) return bad;
  auto c2 = text.find(':', c1 + 1);
  Household h;
  h.id = text.substr(0, c1);
  std::string kg = text.substr(c1 + 1, c2 == std::string::npos ? std::string::npos : c2 - c1 - 1);
  if (c2 != std::string::npos) {
    if (text.substr(c2 + 1) != "poor") return bad;
    h.registered_poor = true;
  }
  Result<int64_t> grams = ParseKilograms(kg);
  if (!grams.ok()) return bad;
  h.grams = *grams;
  return h;
}

Result<Inspection> ParseInspection(const std::string& text) {
  auto c2 = text.rfind(':');
  auto c1 = c2 == std::string::npos || c2 == 0 ? std::string::npos : text.rfind(':', c2 - 1);
  if (c1 == std::string::npos)
    return Status::Invalid("检测格式应为 机构:报告编号:pass|fail：" + text,
                           "inspection must be AGENCY:REPORT:pass|fail: " + text);
  Inspection i{text.substr(0, c1), text.substr(c1 + 1, c2 - c1 - 1), text.substr(c2 + 1)};
  if (i.agency.empty() || i.report.empty() || (i.result != "pass" && i.result != "fail"))
    return Status::Invalid("检测格式应为 机构:报告编号:pass|fail：" + text,
                           "inspection must be AGENCY:REPORT:pass|fail: " + text);
  return i;
}

Result<IssuedLot> IssueLot(Store& store, const LotInput& lot, const std::string& actor) {
  auto key = CurrentSigningKey(store);
  if (!key.ok()) return key.status();
  IssuedLot out;
  Status s = store.Transact([&]() -> Status {
    auto checked = CheckIssueRules(store, lot);
    if (!checked.ok()) return checked.status();
    std::string code;
    sql::Statement taken(store.db(), "SELECT 1 FROM lots WHERE code = ?");
    do {
      code = MintLotCode();
      taken.Reset();
      taken.Bind(1, code);
    } while (taken.Step());

    Json households = Json::array(), inspections = Json::array();
    for (const auto& h : lot.households)
      households.push_back({{"id", h.id}, {"grams", h.grams}, {"registered_poor", h.registered_poor}});
    for (const auto& i : lot.inspections)
      inspections.push_back({{"agency", i.agency}, {"report", i.report}, {"result", i.result}});
    std::string now = NowUtc();
    Json record = {{"schema", "agritrace.lot.v1"},
                   {"registry", store.Meta("name")},
                   {"code", code},
                   {"issued_at", now},
                   {"kid", key->kid},
                   {"product", checked->product},
                   {"producer", checked->producer},
                   {"origin", checked->origin},
                   {"harvested", checked->harvested},
                   {"packed", checked->packed},
                   {"units", lot.units},
                   {"net_content_g", checked->net_content_g},
                   {"total_g", checked->total_g},
                   {"certifications", checked->certifications},
                   {"households", households},
                   {"inspections", inspections}};
    if (!checked->brand.is_null()) record["brand"] = checked->brand;
    auto canonical = CanonicalJson(record);
    if (!canonical.ok()) return canonical.status();
    std::string signature = Base64UrlEncode(key->key.Sign(*canonical));

    auto& db = store.db();
    sql::Statement ins(db,
                       "INSERT INTO lots(code, product_id, org_id, origin, harvested, packed, "
                       "units, net_content_g, brand_id, record_json, signature, kid, "
                       "event_index, issued_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,-1,?)");
    ins.Bind(1, code);
    ins.Bind(2, lot.product_id);
    ins.Bind(3, checked->producer["id"].get<int64_t>());
    ins.Bind(4, lot.origin);
    ins.Bind(5, checked->harvested);
    ins.Bind(6, checked->packed);
    ins.Bind(7, lot.units);
    ins.Bind(8, checked->net_content_g);
    if (lot.brand_id) ins.Bind(9, lot.brand_id); else ins.Bind(9);
    ins.Bind(10, *canonical);
    ins.Bind(11, signature);
    ins.Bind(12, key->kid);
    ins.Bind(13, now);
    ins.Exec();
    int64_t lot_id = db.LastInsertId();
    sql::Statement lc(db, "INSERT INTO lot_certs VALUES (?, ?)");
    for (int64_t cid : checked->cert_ids) {
      lc.Reset();
      lc.Bind(1, lot_id);
      lc.Bind(2, cid);
      lc.Exec();
    }
    sql::Statement lh(db, "INSERT INTO lot_households(lot_id, household, grams, registered_poor) "
                          "VALUES (?, ?, ?, ?)");
    for (const auto& h : lot.households) {
      lh.Reset();
      lh.Bind(1, lot_id);
      lh.Bind(2, h.id);
      lh.Bind(3, h.grams);
      lh.Bind(4, h.registered_poor ? 1 : 0);
      lh.Exec();
    }
    sql::Statement li(db, "INSERT INTO lot_inspections(lot_id, agency, report, result) VALUES (?, ?, ?, ?)");
    for (const auto& i : lot.inspections) {
      li.Reset();
      li.Bind(1, lot_id);
      li.Bind(2, i.agency);
      li.Bind(3, i.report);
      li.Bind(4, i.result);
      li.Exec();
    }
    CrashPoint("lot-issue-before-event");
    Json event = {{"record", record}, {"signature", signature}, {"kid", key->kid}};
    if (!actor.empty()) event["actor"] = actor;
    auto ev = store.AppendEvent("lot.issued", event);
    if (!ev.ok()) return ev.status();
    sql::Statement idx(db, "UPDATE lots SET event_index = ? WHERE id = ?");
    idx.Bind(1, *ev);
    idx.Bind(2, lot_id);
    idx.Exec();
    CrashPoint("lot-issue-before-commit");
    static_cast<SignedRecord&>(out) = {record, *canonical, signature, key->kid, *ev};
    out.code = code;
    return Status::Ok();
  });
  if (!s.ok()) {
    if (s.code() == StatusCode::kInvalid || s.code() == StatusCode::kNotFound)
      RecordRefusal(store, lot, s);
    return s;
  }
  return out;
}

void to_json(Json& j, const TraceEvent& e) {
  j = {{"step", e.step}, {"at", e.at}, {"event_index", e.event_index}};
  if (e.place) j["place"] = *e.place;
  if (e.actor) j["actor"] = *e.actor;
  if (e.note) j["note"] = *e.note;
}

void to_json(Json& j, const AddedTraceEvent& e) {
  j = e.event;
  j["lot"] = e.lot;
}

void to_json(Json& j, const IssuedLot& lot) {
  j = static_cast<const SignedRecord&>(lot);
  j["code"] = lot.code;
}

void to_json(Json& j, const Lot& lot) {
  j = static_cast<const SignedRecord&>(lot);
  j["code"] = lot.code;
  j["record_canonical"] = lot.record_canonical;
  j["recalled"] = lot.recalled;
  j["trace"] = lot.trace;
}

Result<Lot> GetLot(Store& store, const std::string& code) {
  sql::Statement q(store.db(),
                   "SELECT id, record_json, signature, kid, event_index FROM lots WHERE code = ?");
  q.Bind(1, code);
  if (!q.Step()) return LotNotFound(code);
  int64_t id = q.Column(0).Int64();
  Lot lot;
  static_cast<SignedRecord&>(lot) = ReadSignedRecord(q, 1);
  lot.code = code;
  lot.recalled = IsRecalled(store, id);
  sql::Statement t(store.db(),
                   "SELECT step, at, place, actor, note, event_index FROM trace_events "
                   "WHERE lot_id = ? ORDER BY at, id");
  t.Bind(1, id);
  auto optional = [&](int c) {
    return t.Column(c).IsNull() ? std::nullopt : std::optional<std::string>(t.Column(c).String());
  };
  while (t.Step())
    lot.trace.push_back(TraceEvent{t.Column(0).String(), t.Column(1).String(), optional(2),
                                   optional(3), optional(4), t.Column(5).Int64()});
  return lot;
}

Result<AddedTraceEvent> RecallLot(Store& store, const std::string& code,
                                  const std::string& reason, const std::string& actor) {
  if (reason.empty())
    return Status::Invalid("请用 --reason 写明召回原因，消费者扫码时会看到", "give a --reason; consumers see it when they scan");
  return AddTraceEvent(store, code, "recall", NowUtc(), "", actor, reason);
}

Result<AddedTraceEvent> AddTraceEvent(Store& store, const std::string& code,
                                      const std::string& step, const std::string& at,
                                      const std::string& place, const std::string& actor,
                                      const std::string& note) {
  static const char* kSteps[] = {"planting", "input-use", "harvesting", "inspecting", "processing",
                                 "packing", "storing", "shipping", "receiving", "retail",
                                 "recall", "amendment"};
  bool step_ok = false;
  for (auto s : kSteps) step_ok = step_ok || step == s;
  if (!step_ok)
    return Status::Invalid("环节应为 planting（种植）、input-use（投入品）、harvesting（采收）、inspecting（检测）、"
                           "processing（加工）、packing（包装）、storing（仓储）、shipping（发运）、receiving（收货）、"
                           "retail（零售）或 amendment（更正）：" + step,
                           "step must be planting, input-use, harvesting, inspecting, processing, packing, "
                           "storing, shipping, receiving, retail or amendment: " + step);
  auto when = ParseTimestamp(at);
  if (!when.ok()) return when.status();
  AddedTraceEvent out;
  Status s = store.Transact([&]() -> Status {
    auto lot_id = LotId(store, code);
    if (!lot_id.ok()) return lot_id.status();
    if (step == "recall" && IsRecalled(store, *lot_id))
      return Status::Conflict("批次 " + code + " 已召回", "lot " + code + " is already recalled");
    if (!place.empty())
      if (Status r = RequireRegion(store, place); !r.ok()) return r;
    // The event's data is hashed into the log: built here as it always was, not from `out`.
    Json data = {{"lot", code}, {"step", step}, {"at", *when}};
    if (!place.empty()) data["place"] = place;
    if (!actor.empty()) data["actor"] = actor;
    if (!note.empty()) data["note"] = note;
    auto ev = store.AppendEvent(step == "recall" ? "lot.recalled" : "lot.trace", data);
    if (!ev.ok()) return ev.status();
    sql::Statement ins(store.db(),
                       "INSERT INTO trace_events(lot_id, step, at, place, actor, note, event_index) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?)");
    ins.Bind(1, *lot_id);
    ins.Bind(2, step);
    ins.Bind(3, *when);
    if (place.empty()) ins.Bind(4); else ins.Bind(4, place);
    if (actor.empty()) ins.Bind(5); else ins.Bind(5, actor);
    if (note.empty()) ins.Bind(6); else ins.Bind(6, note);
    ins.Bind(7, *ev);
    ins.Exec();
    auto given = [](const std::string& v) {
      return v.empty() ? std::nullopt : std::optional<std::string>(v);
    };
    out = {code, TraceEvent{step, *when, given(place), given(actor), given(note), *ev}};
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace agritrace
