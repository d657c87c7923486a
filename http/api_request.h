// What every route of the cooperative and bureau API does with a request: ids and codes from the
// path, answers from registry results, and the ownership check of a lot (a lot belongs to its
// product's organisation).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "agritrace/registry/canonical_json.h"
#include "agritrace/registry/json_result.h"
#include "agritrace/registry/status.h"
#include "agritrace/registry/tokens.h"
#include "http/api_context.h"

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace agritrace::http {

// A positive record id from a path segment; nullopt for anything else (answer NoSuchId).
std::optional<int64_t> PathId(const std::string& segment);
// The 404 for a path whose id is not a positive whole number.
void NoSuchId(httplib::Response& res, const httplib::Request& req);
// A lot code as typed or printed (XXXXX-XXXXX, any case), normalised.
std::string PathLotCode(const std::string& segment);

// `result` as JSON with `status`, or its Status as a problem (404 for a record the path names).
void Answer(httplib::Response& res, const httplib::Request& req, const Result<Json>& result,
            int status = 200);
// 201 with `location` (a path) for a created record, or the refusal as by Refuse.
void AnswerCreated(httplib::Response& res, const httplib::Request& req, const Result<Json>& result,
                   const std::string& location);
// The same for a typed registry record, answered through its to_json.
template <typename T>
void Answer(httplib::Response& res, const httplib::Request& req, const Result<T>& result,
            int status = 200) {
  Answer(res, req, JsonResult(result), status);
}
template <typename T>
void AnswerCreated(httplib::Response& res, const httplib::Request& req, const Result<T>& result,
                   const std::string& location) {
  AnswerCreated(res, req, JsonResult(result), location);
}
// A refusal of what the body asks: a record the body names but the registry lacks is the body's
// fault (422), not a missing address (404); other statuses map as in ProblemFromStatus.
void Refuse(httplib::Response& res, const httplib::Request& req, const Status& status);

// True when lot `code` exists and `who` may touch it. Otherwise writes 404, or 403 with an
// access_denials row (AllowOrganisation), and returns false.
bool AllowLot(ApiContext& api, const Principal& who, const std::string& code,
              const httplib::Request& req, httplib::Response& res);

}  // namespace agritrace::http
