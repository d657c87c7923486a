#include "http/audit_api.h"

#include <httplib.h>

#include <functional>
#include <limits>

#include "http/bearer_auth.h"
#include "http/http_response.h"
#include "http/query_params.h"
#include "registry/dates.h"

namespace agritrace::http {
namespace {

// A report from the request's parameters, or nullopt after writing the problem.
using ReportFn = std::function<std::optional<Report>(const httplib::Request&, httplib::Response&,
                                                     Store&, std::string& file_stem)>;

std::optional<int> Threshold(const httplib::Request& req, httplib::Response& res, const char* name,
                             int fallback) {
  auto v = UintParam(req, res, name, "?threshold=5&networks=3", static_cast<uint64_t>(fallback));
  if (!v) return std::nullopt;
  if (*v > static_cast<uint64_t>(std::numeric_limits<int>::max())) {
    const std::string max = std::to_string(std::numeric_limits<int>::max());
    ParamOutOfRange(res, req, std::string("参数 ") + name + " 过大，最大为 " + max,
                    std::string("the parameter ") + name + " is too large; at most " + max);
    return std::nullopt;
  }
  return static_cast<int>(*v);
}

// ?format=json (the default) or csv: true for CSV; anything else a 422 problem and nullopt.
std::optional<bool> WantsCsv(const httplib::Request& req, httplib::Response& res) {
  const std::string format = req.has_param("format") ? req.get_param_value("format") : "json";
  if (format == "json" || format == "csv") return format == "csv";
  ParamOutOfRange(res, req, "format 只能是 json 或 csv，收到 “" + QuotedParam(format) + "”",
                  "format must be json or csv, got \"" + QuotedParam(format) + "\"");
  return std::nullopt;
}

void SendReport(httplib::Response& res, const Report& report, bool csv,
                const std::string& file_stem) {
  if (!csv) return SetJson(res, ReportJson(report));
  res.status = 200;
  res.set_content(ReportCsv(report), "text/csv; charset=utf-8");
  // The stem is built from checked parameters only (report name, YYYY, YYYY-MM).
  res.set_header("Content-Disposition", "attachment; filename=\"" + file_stem + ".csv\"");
  res.set_header("Cache-Control", "no-store");
}

std::optional<Report> Checked(const httplib::Request& req, httplib::Response& res,
                              const Status& s) {
  SetStatusProblem(res, s, req.path);
  return std::nullopt;
}

}  // namespace

std::string ReportCsvPath(const std::string& report, const std::string& query) {
  return "/audit/csv/" + report + "?" + (query.empty() ? "" : query + "&") + "format=csv";
}

void RegisterAuditApi(httplib::Server& svr, ApiContext& api, ScanThresholds defaults) {
  auto route = [&svr, &api](const std::string& name, ReportFn fn) {
    auto handler = [&api, name, fn](const httplib::Request& req, httplib::Response& res) {
      // The page's downloads may use its cookie (GET only, SameSite=Strict); the API may not.
      const TokenSource source = req.path.rfind("/audit/", 0) == 0 ? TokenSource::kBearerOrCookie
                                                                   : TokenSource::kBearer;
      if (!Authorize(api, req, res, {"bureau"}, source)) return;
      auto csv = WantsCsv(req, res);
      if (!csv) return;
      std::string stem = "agritrace-" + name;
      std::optional<Report> report;
      try {
        report = api.WithReportStore([&](Store& store) { return fn(req, res, store, stem); });
      } catch (const SQLite::Exception& e) {
        return SetStatusProblem(res,
                                Status::Io(std::string("读取报表失败：") + e.what(),
                                           std::string("reading the report failed: ") + e.what()),
                                req.path);
      }
      if (report) SendReport(res, *report, *csv, stem);
    };
    svr.Get("/api/v1/audit/" + name, handler);
    svr.Get("/audit/csv/" + name, handler);
  };

  route("certs",
        [](const httplib::Request& req, httplib::Response& res, Store& store,
           std::string& stem) -> std::optional<Report> {
          std::string year =
              req.has_param("year") ? req.get_param_value("year") : TodayShanghai().substr(0, 4);
          if (Status s = CheckReportYear(year); !s.ok()) return Checked(req, res, s);
          stem += "-" + year;
          return CertificateReport(store, year);
        });
  route("refusals",
        [](const httplib::Request&, httplib::Response&, Store& store,
           std::string&) -> std::optional<Report> { return RefusalReport(store); });
  route("scans",
        [defaults](const httplib::Request& req, httplib::Response& res, Store& store,
                   std::string&) -> std::optional<Report> {
          auto threshold = Threshold(req, res, "threshold", defaults.scans);
          if (!threshold) return std::nullopt;
          auto networks = Threshold(req, res, "networks", defaults.networks);
          if (!networks) return std::nullopt;
          return CopiedCodeReport(store, req.get_param_value("lot"), *threshold, *networks);
        });
  route("unknown-scans",
        [](const httplib::Request&, httplib::Response&, Store& store,
           std::string&) -> std::optional<Report> { return UnknownScanReport(store); });
  route("poverty",
        [](const httplib::Request&, httplib::Response&, Store& store,
           std::string&) -> std::optional<Report> { return PovertyReport(store); });
  route("hgz",
        [](const httplib::Request&, httplib::Response&, Store& store,
           std::string&) -> std::optional<Report> { return HgzReport(store); });
  route("lots-without-hgz",
        [](const httplib::Request&, httplib::Response&, Store& store,
           std::string&) -> std::optional<Report> { return LotsWithoutHgzReport(store); });
  route("monthly",
        [](const httplib::Request& req, httplib::Response& res, Store& store,
           std::string& stem) -> std::optional<Report> {
          auto month = RequiredParam(req, res, "month", "?month=2026-04");
          if (!month) return std::nullopt;
          if (Status s = CheckReportMonth(*month); !s.ok()) return Checked(req, res, s);
          stem += "-" + *month;
          return MonthlyReport(store, *month);
        });
}

}  // namespace agritrace::http
