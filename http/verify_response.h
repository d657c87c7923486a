// GET /api/v1/verify/{code}: the consumer page's content as JSON
// (schemas/verify-response.schema.json). Every verification outcome, unknown and mistyped codes
// included, is a 200 with its `status`; problem+json is kept for requests that are not
// verifications at all.
#pragma once

#include "agritrace/registry/canonical_json.h"
#include "http/verify_service.h"

namespace agritrace::http {

// The response body. A record whose signature holds is passed through as its signed bytes
// (canonical JSON), neither parsed nor re-serialised; any other record as parsed.
std::string VerifyResponseBody(const Verdict& v);

// The members of the body that depend on the lot alone (signature, certificates, recall, trace,
// log proof, record), without braces: the same for every scan of the lot, so LotCache renders
// them once into LotLookup::rendered.json. VerifyResponseBody uses that when set.
std::string LotResponseMembers(const LotLookup& lot);

}  // namespace agritrace::http
