#include "http/verify_response.h"

#include "http/json_writer.h"
#include "http/status_message.h"

namespace agritrace::http {
namespace {

const char* KindName(ScannedKind k) {
  switch (k) {
    case ScannedKind::kUnit:
      return "unit";
    case ScannedKind::kLot:
      return "lot";
    case ScannedKind::kMalformed:
      break;
  }
  return "malformed";
}

void Texts(JsonWriter& w, std::string_view key, const std::string& zh, const std::string& en) {
  w.Key(key).BeginObject().Member("zh", zh).Member("en", en).EndObject();
}

}  // namespace

std::string VerifyResponseBody(const Verdict& v) {
  StatusMessage zh = MessageFor(v, Lang::kZh), en = MessageFor(v, Lang::kEn);
  JsonWriter w;
  w.BeginObject()
      .Member("code", v.code)
      .Member("code_kind", KindName(v.kind))
      .Member("status", StatusName(v.status));
  Texts(w, "message", zh.headline, en.headline);
  Texts(w, "detail", zh.detail, en.detail);
  w.Member("scan_count", v.tally.count)
      .Member("first_scan_at", v.tally.first_at)
      .Member("distinct_networks", static_cast<int64_t>(v.tally.distinct_nets))
      .Member("scan_recorded", v.tally.queued);
  if (v.kind != ScannedKind::kMalformed) w.Member("display_code", v.display);
  if (!v.lot) return w.EndObject().Take();

  const LotLookup& lot = *v.lot;
  w.Member("lot_code", lot.lot_code);
  if (v.kind == ScannedKind::kUnit) w.Member("serial", v.serial);
  if (!v.organic_code.empty()) w.Member("organic_code", v.organic_code);
  w.RawMembers(lot.rendered.json.empty() ? LotResponseMembers(lot) : lot.rendered.json);
  return w.EndObject().Take();
}

std::string LotResponseMembers(const LotLookup& lot) {
  JsonWriter w;
  w.BeginObject();
  w.Member("signature", lot.signature)
      .Member("kid", lot.kid)
      .Member("signature_valid", lot.signature_valid);
  w.Key("certifications_status").BeginArray();
  for (const auto& c : lot.certifications) {
    w.BeginObject()
        .Member("type", c.type)
        .Member("number", c.number)
        .Member("issuer", c.issuer)
        .Member("valid_from", c.valid_from)
        .Member("status", c.live);
    if (!c.valid_to.empty()) w.Member("valid_to", c.valid_to);
    if (!c.status_reason.empty()) w.Member("reason", c.status_reason);
    w.EndObject();
  }
  w.EndArray();
  w.Member("recalled", lot.recalled);
  if (lot.recalled)
    w.Key("recall")
        .BeginObject()
        .Member("at", lot.recalled_at)
        .Member("reason", lot.recall_reason)
        .EndObject();
  w.Key("trace").BeginArray();
  for (const auto& t : lot.trace) {
    w.BeginObject().Member("step", t.step).Member("at", t.at);
    if (!t.place.empty()) w.Member("place", t.place);
    if (!t.place_name.empty()) w.Member("place_name", t.place_name);
    if (!t.actor.empty()) w.Member("actor", t.actor);
    if (!t.note.empty()) w.Member("note", t.note);
    w.EndObject();
  }
  w.EndArray();
  if (lot.event_index >= 0) {
    w.Key("log").BeginObject().Member("index", lot.event_index);
    if (lot.log) {
      w.Member("tree_size", static_cast<int64_t>(lot.log->tree_size));
      w.Key("inclusion_proof").BeginArray();
      for (const auto& h : lot.log->proof) w.String(h);
      w.EndArray().Member("checkpoint", lot.log->checkpoint);
    } else {
      // No signed checkpoint covers the event yet: one is being signed, and a scan never waits
      // for it (/api/v1/log/proof/inclusion proves it meanwhile).
      w.Member("proof_pending", true);
    }
    w.EndObject();
  }
  w.Key("record");
  if (lot.signature_valid)
    w.Raw(lot.record_json);  // canonical JSON: exactly what the registry signed
  else
    w.Raw((lot.record.is_object() ? lot.record : Json::object())
              .dump(-1, ' ', false, Json::error_handler_t::replace));
  std::string members = w.EndObject().Take();
  return members.substr(1, members.size() - 2);
}

}  // namespace agritrace::http
