#include "registry/signed_record_row.h"

namespace agritrace {

void to_json(Json& j, const SignedRecord& r) {
  j = {{"record", r.record}, {"signature", r.signature}, {"kid", r.kid},
       {"event_index", r.event_index}};
}

SignedRecord ReadSignedRecord(sql::Statement& row, int first) {
  SignedRecord r;
  r.record_canonical = row.Column(first).String();
  r.record = Json::parse(r.record_canonical);
  r.signature = row.Column(first + 1).String();
  r.kid = row.Column(first + 2).String();
  r.event_index = row.Column(first + 3).Int64();
  return r;
}

}  // namespace agritrace
