#include "http/api_request.h"

#include <httplib.h>

#include <charconv>

#include "agritrace/registry/crockford.h"
#include "agritrace/registry/lots.h"
#include "http/bearer_auth.h"
#include "http/http_response.h"

namespace agritrace::http {

std::optional<int64_t> PathId(const std::string& segment) {
  int64_t id = 0;
  const char* end = segment.data() + segment.size();
  auto r = std::from_chars(segment.data(), end, id);
  if (segment.empty() || r.ec != std::errc() || r.ptr != end || id < 1) return std::nullopt;
  return id;
}

void NoSuchId(httplib::Response& res, const httplib::Request& req) {
  Problem p = ProblemForStatus(404);
  p.detail_zh = "没有这条记录：地址中的编号应为正整数";
  p.detail_en = "no such record: ids in the address are positive whole numbers";
  SetProblem(res, p, req.path);
}

std::string PathLotCode(const std::string& segment) { return crockford::Normalize(segment); }

void Answer(httplib::Response& res, const httplib::Request& req, const Result<Json>& result,
            int status) {
  if (!result.ok()) return SetStatusProblem(res, result.status(), req.path);
  SetJson(res, *result, status);
}

void AnswerCreated(httplib::Response& res, const httplib::Request& req, const Result<Json>& result,
                   const std::string& location) {
  if (!result.ok()) return Refuse(res, req, result.status());
  SetJson(res, *result, 201);
  res.set_header("Location", location);
}

void Refuse(httplib::Response& res, const httplib::Request& req, const Status& status) {
  Problem p = ProblemFromStatus(status);
  if (status.code() == StatusCode::kNotFound) {
    Problem unprocessable = ProblemForStatus(422);
    p.status = unprocessable.status;
    p.title_zh = unprocessable.title_zh;
    p.title_en = unprocessable.title_en;
  }
  SetProblem(res, p, req.path);
}

bool AllowLot(ApiContext& api, const Principal& who, const std::string& code,
              const httplib::Request& req, httplib::Response& res) {
  auto owner = api.WithStore([&](Store& store) { return LotOwner(store, code); });
  if (!owner.ok()) {
    SetStatusProblem(res, owner.status(), req.path);
    return false;
  }
  return AllowOrganisation(api, who, *owner, req, res);
}

}  // namespace agritrace::http
