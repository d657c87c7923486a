// Lots (批次, DESIGN.md §4): validated against the issue rules, signed, logged, never edited.
// Recalls and trace steps are later events beside the record.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agritrace/registry/signed_record.h"
#include "agritrace/registry/store.h"

namespace agritrace {

struct Household {
  std::string id;
  int64_t grams = 0;
  bool registered_poor = false;
};
struct Inspection {
  std::string agency, report, result;  // result: pass | fail
};

struct LotInput {
  int64_t product_id = 0;
  std::string origin, harvested, packed;
  int64_t units = 0;
  std::vector<std::string> certs;
  int64_t brand_id = 0;  // 0: none
  std::vector<Household> households;
  std::vector<Inspection> inspections;
};

// A lot just issued: its code and its signed record.
struct IssuedLot : SignedRecord {
  std::string code;
};
// {"code","record","signature","kid","event_index"}: the API's and `lot issue --json`'s form.
void to_json(Json& j, const IssuedLot& lot);

// Issues a lot: checks every rule, signs the record with the current key and appends
// "lot.issued" in one transaction. A refusal writes one row to `refusals` and nothing else.
// A non-empty `actor` ("user:<username>" from the console) is named in the event beside the
// signed record.
Result<IssuedLot> IssueLot(Store& store, const LotInput& lot, const std::string& actor = "");
// A step added to a lot after issue (a `trace_events` row; a recall is the step "recall").
// place, actor and note are absent when not given.
struct TraceEvent {
  std::string step;
  std::string at;  // RFC 3339, UTC
  std::optional<std::string> place, actor, note;
  int64_t event_index = -1;  // its "lot.trace" or "lot.recalled" event's index in the log
};
void to_json(Json& j, const TraceEvent& e);

// A step just added to a lot (a recall too).
struct AddedTraceEvent {
  std::string lot;  // the lot's code
  TraceEvent event;
};
// The event's keys and "lot": what the log's "lot.trace" or "lot.recalled" event holds, with its
// "event_index".
void to_json(Json& j, const AddedTraceEvent& e);

// A lot as the registry holds it: the signed record (schema agritrace.lot.v1, logged by its
// lot.issued event), never edited, and what happened since.
struct Lot : SignedRecord {
  std::string code;
  bool recalled = false;
  std::vector<TraceEvent> trace;  // by time, then as added
};
// IssuedLot's keys and "record_canonical", "recalled", "trace".
void to_json(Json& j, const Lot& lot);

// The lot with its signed record, signature and key, whether it is recalled and its trace;
// NotFound (lot-unknown) for no such lot.
Result<Lot> GetLot(Store& store, const std::string& code);
// The lot's row id, and the organisation that issued it (its record's producer), without
// reading the record; NotFound (lot-unknown) for no such lot.
Result<int64_t> LotId(Store& store, const std::string& code);
// A lot's row id and the number of unit codes its record allows.
struct LotCapacity {
  int64_t id = 0;
  int64_t units = 0;
};
Result<LotCapacity> GetLotCapacity(Store& store, const std::string& code);
Result<int64_t> LotOwner(Store& store, const std::string& code);
bool IsRecalled(Store& store, int64_t lot_id);
// `actor`: who recalls, as the trace event's actor ("user:<username>" from the console; "" for
// the CLI and API, whose recalls name no person).
Result<AddedTraceEvent> RecallLot(Store& store, const std::string& code,
                                  const std::string& reason, const std::string& actor = "");
// step: an EPCIS/CBV business step (planting, input-use, harvesting, inspecting, processing,
// packing, storing, shipping, receiving, retail).
Result<AddedTraceEvent> AddTraceEvent(Store& store, const std::string& code,
                                      const std::string& step, const std::string& at,
                                      const std::string& place, const std::string& actor,
                                      const std::string& note);
// Decimal kilograms with up to 3 decimals ("120.5") as exact grams; Invalid "kilograms-format".
Result<int64_t> ParseKilograms(const std::string& kg);
// Parses "H-0001:120.5[:poor]" (kilograms, up to 3 decimals) into a household.
Result<Household> ParseHousehold(const std::string& text);
Result<Inspection> ParseInspection(const std::string& text);
// Mints a fresh lot code: 9 Crockford base32 characters and a Luhn mod 32 check character.
std::string MintLotCode();

}  // namespace agritrace
