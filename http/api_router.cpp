#include "http/api_router.h"

#include <httplib.h>

#include "http/http_response.h"

namespace agritrace::http {

void ApiRouter::Get(const std::string& pattern, Handler handler) {
  routes_.push_back({"GET", std::regex(pattern)});
  svr_.Get(pattern, std::move(handler));
}

void ApiRouter::Post(const std::string& pattern, Handler handler) {
  routes_.push_back({"POST", std::regex(pattern)});
  svr_.Post(pattern, std::move(handler));
}

void ApiRouter::AnswerTheRest(const std::string& prefix) {
  Handler rest = [routes = routes_](const httplib::Request& req, httplib::Response& res) {
    std::string allow;
    for (const auto& r : routes) {
      if (!std::regex_match(req.path, r.pattern)) continue;
      std::string m = r.method == "GET" ? "GET, HEAD" : r.method;
      if (allow.find(m) == std::string::npos) allow += (allow.empty() ? "" : ", ") + m;
    }
    if (allow.empty()) {
      Problem p = ProblemForStatus(404);
      p.detail_zh = "没有这个接口：请对照 docs/api.md 检查地址";
      p.detail_en = "no such API route; check the address against docs/api.md";
      return SetProblem(res, p, req.path);
    }
    Problem p = ProblemForStatus(405);
    p.detail_zh = "此地址只支持 " + allow;
    p.detail_en = "this address answers " + allow + " only";
    SetProblem(res, p, req.path);
    res.set_header("Allow", allow);
  };
  std::string pattern = prefix + "(/.*)?";
  svr_.Get(pattern, rest);
  svr_.Post(pattern, rest);
  svr_.Put(pattern, rest);
  svr_.Patch(pattern, rest);
  svr_.Delete(pattern, rest);
  svr_.Options(pattern, rest);
}

}  // namespace agritrace::http
