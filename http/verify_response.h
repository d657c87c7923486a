// GET /api/v1/verify/{code}: the consumer page's content as JSON
// (schemas/verify-response.schema.json). Every verification outcome, unknown and mistyped codes
// included, is a 200 with its `status`; problem+json is kept for requests that are not
// verifications at all.
#pragma once

#include "http/verify_service.h"
#include "registry/canonical_json.h"

namespace agritrace::http {

// The response body. A record whose signature holds is passed through as its signed bytes
// (canonical JSON), neither parsed nor re-serialised; any other record as parsed.
std::string VerifyResponseBody(const Verdict& v);

}  // namespace agritrace::http
